import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { PagesDomain } from '@cdktf/provider-cloudflare/lib/pages-domain';
import { PagesProject } from '@cdktf/provider-cloudflare/lib/pages-project';
import { ProblemCollector } from '../core/errors';
import { customDomainProblem, pagesDevHostnames } from '../core/hostnames';
import { reasonProblem } from '../core/rules';
import type { IZone } from './zone';

export { pagesDevHostnames };

/** A Pages site as an Access app sees it: what it must gate with a custom domain. */
export interface IPagesSite {
  /** The project name. */
  readonly projectName: string;
  /** The custom domains. */
  readonly hostnames: readonly string[];
  /** `<project>.pages.dev` and `*.<project>.pages.dev`: the same content, reachable without the custom domain. */
  readonly pagesDevHostnames: readonly string[];
  /** Set when the site declares its pages.dev hosts public on purpose. */
  readonly pagesDevPublicReason?: string;
}

/** A custom domain of a Pages site and the zone that holds it. */
export interface PagesDomainSpec {
  readonly hostname: string;
  /** The zone that holds the domain's CNAME (`Zone.fromZoneId`). */
  readonly zone: IZone;
}

/** Props for `PagesSite`. */
export interface PagesSiteProps {
  readonly accountId: string;
  /** Pages project name (2-58 lower-case letters, digits, hyphens); its default host is `<name>.pages.dev`. */
  readonly projectName: string;
  /**
   * Branch whose deployments are production.
   * @default "main"
   */
  readonly productionBranch?: string;
  /** Custom domains. Each gets a Pages domain and a proxied CNAME to the project's pages.dev host. */
  readonly domains: readonly PagesDomainSpec[];
  /**
   * Declare `<project>.pages.dev` and its previews `*.<project>.pages.dev` public on purpose, with the
   * reason (at least 10 characters). Otherwise an `AccessGatedApp` that gates a custom domain of the
   * site (`pagesSites`) gates them too.
   * @default - not declared public
   */
  readonly pagesDevPublic?: { readonly reason: string };
}

/**
 * A Cloudflare Pages project with its custom domains. Deployments come from Git or `wrangler pages
 * deploy`; gatehouse owns the project, the domains and their DNS. Gate internal docs by listing their
 * hostname in an `AccessGatedApp` and passing the site as `pagesSites`: the app then also gates
 * `<project>.pages.dev` and `*.<project>.pages.dev`, where Pages serves the same content.
 *
 * Cloudflare refuses to add a custom domain that is already behind Access
 * (https://developers.cloudflare.com/pages/platform/known-issues/), so deploy the site before the
 * app that gates it (gatehouse's `pages` stack comes before `access`). The project's `subdomain` is
 * `<project>.pages.dev` unless that name is taken in another account, when Cloudflare adds a
 * suffix; a postcondition fails the apply then, because the app's pages.dev destinations would be
 * wrong.
 *
 * @example
 * new PagesSite(this, 'www', { accountId, projectName: 'example-www', domains: [{ hostname: 'www.example.com', zone: Zone.fromZoneId(zoneId) }] });
 */
export class PagesSite extends Construct implements IPagesSite {
  public readonly project: PagesProject;
  /** `<project>.pages.dev`, as the project's computed `subdomain` (a reference). */
  public readonly pagesDevHost: string;
  public readonly projectName: string;
  public readonly hostnames: readonly string[];
  public readonly pagesDevHostnames: readonly string[];
  public readonly pagesDevPublicReason?: string;

  constructor(scope: Construct, id: string, props: PagesSiteProps) {
    super(scope, id);
    const problems = new ProblemCollector(id);
    if (!Token.isUnresolved(props.projectName) && !/^[a-z0-9][a-z0-9-]{0,56}[a-z0-9]$/.test(props.projectName)) {
      problems.add('projectName', 'must be 2-58 lower-case letters, digits and hyphens', props.projectName);
    }
    if (props.domains.length === 0) problems.add('domains', 'must list at least one custom domain');
    props.domains.forEach((d, i) => {
      if (Token.isUnresolved(d.hostname)) {
        problems.add(`domains[${i}].hostname`, 'must be a literal hostname: it names the records', d.hostname);
        return;
      }
      const p = customDomainProblem(d.hostname);
      if (p) problems.add(`domains[${i}].hostname`, p, d.hostname);
      if (props.domains.findIndex((x) => x.hostname === d.hostname) !== i) problems.add(`domains[${i}].hostname`, 'is listed twice', d.hostname);
    });
    if (props.pagesDevPublic) {
      const p = reasonProblem(props.pagesDevPublic.reason);
      if (p) problems.add('pagesDevPublic.reason', p, props.pagesDevPublic.reason);
    }
    problems.throwIfAny();

    const [pagesDev] = pagesDevHostnames(props.projectName);
    this.project = new PagesProject(this, 'project', {
      accountId: props.accountId,
      name: props.projectName,
      productionBranch: props.productionBranch ?? 'main',
      ...(Token.isUnresolved(props.projectName)
        ? {}
        : {
            lifecycle: {
              postcondition: [
                {
                  condition: `\${self.subdomain == ${JSON.stringify(pagesDev)}}`,
                  errorMessage:
                    `Pages gave project ${props.projectName} the subdomain \${self.subdomain}, not ${pagesDev} (the name is taken ` +
                    'elsewhere), so the Access destinations for its pages.dev hosts would be wrong; choose another project name.',
                },
              ],
            },
          }),
    });
    this.projectName = props.projectName;
    this.pagesDevHostnames = pagesDevHostnames(props.projectName);
    if (props.pagesDevPublic) this.pagesDevPublicReason = props.pagesDevPublic.reason;
    this.pagesDevHost = this.project.subdomain;
    this.hostnames = props.domains.map((d) => d.hostname);
    for (const d of props.domains) {
      new PagesDomain(this, `domain-${d.hostname}`, { accountId: props.accountId, projectName: this.project.name, name: d.hostname });
      new DnsRecord(this, `dns-${d.hostname}`, {
        zoneId: d.zone.zoneId,
        name: d.hostname,
        type: 'CNAME',
        content: this.pagesDevHost,
        proxied: true,
        ttl: 1,
        comment: 'managed by gatehouse',
      });
    }
  }
}
