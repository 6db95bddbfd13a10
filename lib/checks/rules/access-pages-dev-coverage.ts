import { covers } from '../../core/hostnames';
import { reasonProblem } from '../../core/rules';
import { FACTS } from '../facts';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';
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
 * otherwise the gated content is open on pages.dev.
 */
export const AccessPagesDevCoverage: GatehouseRule = {
  id: 'Gatehouse-AccessPagesDevCoverage',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: "an Access app that gates a Pages custom domain also gates the project's pages.dev hosts, or the site declares them public with a reason",
  appliesTo: (e) => e.kind === 'resource' && e.type === 'cloudflare_zero_trust_access_application',
  check: (e) => {
    const sites = e.facts[FACTS.pagesSites] as readonly GatedPagesSite[] | undefined;
    if (!sites?.length) return notApplicable();
    const destinations = e.config.destinations;
    if (!Array.isArray(destinations)) return unknown('destinations is not a list');
    const uris = destinations.map((d) => (d && typeof d === 'object' ? d.uri : undefined));
    if (uris.some((u) => typeof u !== 'string' || hasExpression(u))) return unknown('a destination is not a literal uri');
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
            `${open.length === 1 ? 'is' : 'are'} neither a destination of this app nor declared public with a reason`,
        )
      : compliant();
  },
};
