import { covers } from '../../core/hostnames';
import { reasonProblem } from '../../core/rules';
import { FACTS } from '../facts';
import { hasExpression } from '../json';
import { AccessApplicationJson, attributesOf, destinationUris } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';

interface GatedPagesSite {
  readonly project: string;
  readonly domains: readonly string[];
  readonly pagesDev: readonly string[];
  readonly publicReason?: string;
}

/**
 * Pages serves a project's content on its custom domains and on `<project>.pages.dev` and every
 * preview `*.<project>.pages.dev` (https://developers.cloudflare.com/pages/platform/known-issues/:
 * "enable access policy" covers only the previews). An Access app that gates a custom domain of a
 * Pages site gates both pages.dev hosts as well, or the site declares them public with a reason;
 * otherwise the gated content is open on pages.dev. When the pages.dev hosts do not fit beside the
 * app's hostnames (5 destinations per app), its companion app (`AccessGatedApp` `pages-dev`, which
 * records the app it belongs to) gates them, and must carry the same policies, identity providers
 * and session.
 */
export const AccessPagesDevCoverage: GatehouseRule = {
  id: 'Gatehouse-AccessPagesDevCoverage',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: "an Access app that gates a Pages custom domain also gates the project's pages.dev hosts, or the site declares them public with a reason",
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_access_application',
  check: (e, ctx) => {
    const sites = e.facts[FACTS.pagesSites] as readonly GatedPagesSite[] | undefined;
    const app = attributesOf(e, 'cloudflare_zero_trust_access_application');
    if (!sites?.length || !app) return notApplicable();
    const companions = ctx.elements.flatMap((c) => {
      const attributes = c.facts[FACTS.companionOf] === e.path ? attributesOf(c, 'cloudflare_zero_trust_access_application') : undefined;
      return attributes ? [{ path: c.path, attributes }] : [];
    });
    const differs = companions.find((c) => SHARED.some((k) => JSON.stringify(c.attributes[k]) !== JSON.stringify(app[k])));
    if (differs) return nonCompliant(`its pages.dev companion ${differs.path} does not carry the same ${SHARED.join(', ')}; one gate over the same content`);
    const uris = gateUris([app, ...companions.map((c) => c.attributes)]);
    if (typeof uris === 'string') return unknown(uris);
    const open: string[] = [];
    for (const site of sites) {
      // The one hostname matcher (lib/core/hostnames.ts): a destination that covers a host gates it.
      const gated = (h: string) => uris.some((u) => covers(u, h));
      if (!site.domains.some(gated)) continue;
      if (reasonProblem(site.publicReason) === undefined) continue;
      open.push(...site.pagesDev.filter((h) => !gated(h)));
    }
    return open.length
      ? nonCompliant(
          `${open.join(', ')} ${open.length === 1 ? 'serves' : 'serve'} the content of a gated Pages custom domain but ` +
            `${open.length === 1 ? 'is' : 'are'} neither a destination of this app (or its pages.dev companion) nor declared public with a reason`,
        )
      : compliant();
  },
};

/** What an app and its pages.dev companion share: one gate over the same content. */
const SHARED = ['policies', 'allowed_idps', 'session_duration'] as const;

/** The destination uris of an application and its pages.dev companions, or why they are not known. */
function gateUris(apps: readonly AccessApplicationJson[]): string[] | string {
  const uris: Array<string | undefined> = [];
  for (const app of apps) {
    const found = destinationUris(app);
    if (!found) return 'destinations is not a list';
    uris.push(...found);
  }
  const literal = uris.flatMap((u) => (u === undefined || hasExpression(u) ? [] : [u]));
  return literal.length === uris.length ? literal : 'a destination is not a literal uri';
}
