import { covers } from '../../core/hostnames';
import { reasonProblem } from '../../core/rules';
import { FACTS } from '../facts';
import { compliant, ElementView, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';
import { hasExpression } from '../json';

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
    if (!sites?.length) return notApplicable();
    const companions = ctx.elements.filter((c) => c.type === e.type && c.facts[FACTS.companionOf] === e.path);
    const differs = companions.find((c) => SHARED.some((k) => JSON.stringify(c.config[k]) !== JSON.stringify(e.config[k])));
    if (differs) return nonCompliant(`its pages.dev companion ${differs.path} does not carry the same ${SHARED.join(', ')}; one gate over the same content`);
    const uris: unknown[] = [];
    for (const app of [e, ...companions]) {
      const found = destinationUris(app);
      if (typeof found === 'string') return unknown(found);
      uris.push(...found);
    }
    if (uris.some((u) => typeof u !== 'string' || hasExpression(u))) return unknown('a destination is not a literal uri');
    const open: string[] = [];
    for (const site of sites) {
      // The one hostname matcher (lib/core/hostnames.ts): a destination that covers a host gates it.
      const gated = (h: string) => uris.some((u) => covers(u as string, h));
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

/** The destination uris of an application, or why they are not known. */
function destinationUris(app: ElementView): unknown[] | string {
  const destinations = app.config.destinations;
  if (!Array.isArray(destinations)) return 'destinations is not a list';
  return destinations.map((d) => (d && typeof d === 'object' ? d.uri : undefined));
}
