import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FACTS, recordFact } from '../../checks/facts';
import { ProblemCollector } from '../../core/errors';
import { accessPathProblem, hostnameProblem } from '../../core/hostnames';
import { reasonProblem } from '../../core/rules';
import { AccessGatedApp, IAccessGatedApp } from './app';
import { AccessPolicy } from './policy';
import { AccessDecision, AccessRule } from './rules';

/** Props for `PublicPathBypass`. */
export interface PublicPathBypassProps {
  /** The Cloudflare account (32-hex id) that owns the bypass app and its policy. */
  readonly accountId: string;
  /** Zero Trust team name (the bypass app issues no token; kept for `IAccessGatedApp`). */
  readonly teamName: string;
  /** The gated hostname, e.g. `wiki.example.com` (a `*.zone` wildcard is allowed). */
  readonly hostname: string;
  /** The Access path made public, e.g. `/docs`: it and everything below it. Never empty: a bypass never covers a whole host. */
  readonly path: string;
  /** Why the path is public (at least 10 characters); the bypass policy's name carries it. */
  readonly reason: string;
}

/**
 * A public path on a gated hostname: an Access app over `<hostname><path>` whose one reusable policy
 * bypasses Access for everyone. Access applies the most specific app to a request
 * (https://developers.cloudflare.com/cloudflare-one/policies/access/app-paths/: "the more specific
 * rule takes precedence, and no rule is inherited"), so the path is public while the rest of the host
 * stays gated by its own app. This is the only construct that writes a bypass for everyone, and it
 * refuses a whole host. Children `policy` and `app` are public API (they name Terraform addresses).
 *
 * Route the path through the tunnel with the regex `^<path>(/|$)` (`literalPrefixRegex`), before
 * the host's other routes; `TunnelHost` then requires no Access JWT on it and keeps the host's rules gated.
 *
 * @example
 * new PublicPathBypass(this, 'docs', { accountId, teamName: 'example', hostname: 'wiki.example.com', path: '/docs', reason: 'the user manual is public' });
 */
export class PublicPathBypass extends Construct implements IAccessGatedApp {
  public readonly applicationId: string;
  public readonly aud: string;
  public readonly hostnames: readonly string[];
  public readonly teamName: string;
  public readonly bypass = true;
  /** Why the path is public, trimmed. */
  public readonly reason: string;
  /** The bypass-for-everyone policy (construct id `policy`). */
  public readonly policy: AccessPolicy;
  /** The Access app over `<hostname><path>` (construct id `app`), hidden from the App Launcher. */
  public readonly app: AccessGatedApp;

  constructor(scope: Construct, id: string, props: PublicPathBypassProps) {
    super(scope, id);
    const problems = new ProblemCollector(id);
    if (!Token.isUnresolved(props.hostname)) {
      const p = hostnameProblem(props.hostname);
      if (p) problems.add('hostname', p, props.hostname);
    }
    if (Token.isUnresolved(props.path)) problems.add('path', 'must be a literal path: a bypass must never cover a whole host', props.path);
    else {
      const p = accessPathProblem(props.path);
      if (p) problems.add('path', p, props.path);
    }
    const r = reasonProblem(props.reason);
    if (r) problems.add('reason', r, props.reason);
    problems.throwIfAny();

    const destination = `${props.hostname}${props.path}`;
    this.policy = new AccessPolicy(this, 'policy', {
      accountId: props.accountId,
      name: `public ${destination}: ${props.reason.trim()}`,
      decision: AccessDecision.BYPASS,
      include: [AccessRule.everyone()],
    });
    this.app = new AccessGatedApp(this, 'app', {
      accountId: props.accountId,
      name: `public ${destination}`,
      teamName: props.teamName,
      hostnames: [destination],
      policies: [this.policy],
      appLauncherVisible: false,
    });
    recordFact(this.app.resource, FACTS.publicPath, { destination, reason: props.reason.trim() });
    this.applicationId = this.app.applicationId;
    this.aud = this.app.aud;
    this.hostnames = this.app.hostnames;
    this.teamName = props.teamName;
    this.reason = props.reason.trim();
  }
}
