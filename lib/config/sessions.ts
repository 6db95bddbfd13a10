/**
 * Honest sessions: the Access application token lasts for the session of the policy that admitted
 * the user, which falls back to the app's session only when the policy has none
 * (https://developers.cloudflare.com/cloudflare-one/identity/users/session-management/). Provider
 * 5.14 gives a reusable policy `session_duration = "24h"` when it is omitted, so an app declared
 * `8h` would silently give 24-hour sessions. Here each policy's session is the one the file
 * declares, or else the one every app using it declares; apps that disagree need the policy to
 * say. One implementation for the checks, the access stack and the compliance report.
 */
import type { Deployment } from './schema';

/** The default session of an app (schema default) and of a tenant's app (`AccessGatedApp` default). */
export const DEFAULT_APP_SESSION = '24h';

/** One app that attaches a policy. */
export interface PolicyUser {
  /** Where the app is declared: `apps.internal`, `tenants.members[3]`. */
  readonly path: string;
  /** The app's own session_duration, a Go duration such as `8h` (a tenant's app: 24h). */
  readonly session: string;
}

/** An app with the policies it attaches, and its stable name in the compliance report. */
export interface AppWithPolicies extends PolicyUser {
  /** The names of the policies the app attaches, in precedence order. */
  readonly policies: readonly string[];
  /**
   * `apps.<name>`, or `tenant <id>` (the Access app's name) for a tenant: an index would change with the
   * members around it, and a split synth builds its parent from a subset of the members.
   */
  readonly label: string;
}

/** A policy's session and where it comes from. */
export interface PolicySession {
  /** The session to write, or undefined when no app uses the policy (nothing to follow) or the apps disagree. */
  readonly session?: string;
  /**
   * Where the session comes from: `declared` by the policy, `apps` (every app using it declares the
   * same), `unused` (no app attaches it), or `conflict` (the apps disagree: the policy must declare one).
   */
  readonly source: 'declared' | 'apps' | 'unused' | 'conflict';
  /** The apps that attach the policy, in file order. */
  readonly users: readonly PolicyUser[];
}

/** Every app (file apps, then tenants with access) with the policies it attaches, in precedence order. */
export function appsWithPolicies(d: Deployment): AppWithPolicies[] {
  return [
    ...Object.entries(d.apps).map(([name, app]) => ({ path: `apps.${name}`, label: `apps.${name}`, session: app.session_duration, policies: app.policies })),
    ...d.tenants.members.flatMap((m, i) =>
      m.enabled && m.access
        ? [{ path: `tenants.members[${i}]`, label: `tenant ${m.id}`, session: DEFAULT_APP_SESSION, policies: m.access.policies }]
        : [],
    ),
  ];
}

/** Each declared policy's session. */
export function policySessions(d: Deployment): Map<string, PolicySession> {
  const apps = appsWithPolicies(d);
  const sessions = new Map<string, PolicySession>();
  for (const [name, policy] of Object.entries(d.access_policies)) {
    const using = apps.filter((app) => app.policies.includes(name)).map((app) => ({ path: app.path, session: app.session }));
    const distinct = [...new Set(using.map((u) => u.session))];
    if (policy.session_duration) sessions.set(name, { session: policy.session_duration, source: 'declared', users: using });
    else if (distinct.length === 1) sessions.set(name, { session: distinct[0], source: 'apps', users: using });
    else sessions.set(name, { source: distinct.length === 0 ? 'unused' : 'conflict', users: using });
  }
  return sessions;
}

/** An app's effective session, as the compliance report lists it. */
export interface AppSession {
  /** The app as the compliance report names it: `apps.<name>`, or `tenant <id>`. */
  readonly app: string;
  /** The app's own session_duration. */
  readonly appSession: string;
  /** The session of each attached policy (what the token lasts when that policy admits the user). */
  readonly policies: ReadonlyArray<{ readonly policy: string; readonly session: string }>;
  /** One duration when every policy gives the same, else `"<d1> or <d2> (by policy)"`. */
  readonly effective: string;
}

/** Every app's effective session (the provider default 24h stands in for a policy without one). */
export function appSessions(d: Deployment): AppSession[] {
  const sessions = policySessions(d);
  return appsWithPolicies(d).map((app) => {
    const policies = app.policies.map((policy) => ({ policy, session: sessions.get(policy)?.session ?? DEFAULT_APP_SESSION }));
    const distinct = [...new Set(policies.map((p) => p.session))];
    return {
      app: app.label,
      appSession: app.session,
      policies,
      effective: distinct.length === 1 ? distinct[0] : `${distinct.join(' or ')} (by policy)`,
    };
  });
}
