import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { PagesDomain } from '@cdktf/provider-cloudflare/lib/pages-domain';
import { PagesProject } from '@cdktf/provider-cloudflare/lib/pages-project';
import { ProblemCollector } from '../core/errors';
import { hostnameProblem } from '../core/rules';

/** A custom domain of a Pages site and the zone that holds it. */
export interface PagesDomainSpec {
  readonly hostname: string;
  readonly zoneId: string;
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
}

/**
 * A Cloudflare Pages project with its custom domains. Deployments come from Git or `wrangler pages
 * deploy`; gatehouse owns the project, the domains and their DNS. Gate internal docs by listing their
 * hostname in an `AccessGatedApp`.
 *
 * @example
 * new PagesSite(this, 'www', { accountId, projectName: 'example-www', domains: [{ hostname: 'www.example.com', zoneId }] });
 */
export class PagesSite extends Construct {
  public readonly project: PagesProject;
  /** `<project>.pages.dev` */
  public readonly pagesDevHost: string;
  public readonly hostnames: readonly string[];

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
      const p = hostnameProblem(d.hostname);
      if (p || d.hostname.startsWith('*.')) problems.add(`domains[${i}].hostname`, p ?? 'must not be a wildcard', d.hostname);
      if (props.domains.findIndex((x) => x.hostname === d.hostname) !== i) problems.add(`domains[${i}].hostname`, 'is listed twice', d.hostname);
    });
    problems.throwIfAny();

    this.project = new PagesProject(this, 'project', {
      accountId: props.accountId,
      name: props.projectName,
      productionBranch: props.productionBranch ?? 'main',
    });
    this.pagesDevHost = this.project.subdomain;
    this.hostnames = props.domains.map((d) => d.hostname);
    for (const d of props.domains) {
      new PagesDomain(this, `domain-${d.hostname}`, { accountId: props.accountId, projectName: this.project.name, name: d.hostname });
      new DnsRecord(this, `dns-${d.hostname}`, {
        zoneId: d.zoneId,
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
