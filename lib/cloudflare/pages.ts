import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { PagesDomain } from '@cdktf/provider-cloudflare/lib/pages-domain';
import { PagesProject, PagesProjectDeploymentConfigs, PagesProjectSource } from '@cdktf/provider-cloudflare/lib/pages-project';
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
  /** The custom domain, e.g. `docs.example.com`: a Pages domain and a proxied CNAME of this name (construct ids `domain-<hostname>`, `dns-<hostname>`). */
  readonly hostname: string;
  /** The zone that holds the domain's CNAME (`Zone.fromZoneId`). */
  readonly zone: IZone;
}

/** How Pages builds the project (the dashboard's "Build configuration"). */
export interface PagesBuild {
  /**
   * The build command, e.g. `pip install -r requirements.txt && mkdocs build`.
   * @default - none (static files are deployed as they are)
   */
  readonly command?: string;
  /**
   * The build output directory, relative to `rootDir`, e.g. `site`.
   * @default - the root directory
   */
  readonly outputDir?: string;
  /**
   * The directory the command runs in, relative to the repository root, e.g. `docs`.
   * @default - the repository root
   */
  readonly rootDir?: string;
}

/** Environment variables of one Pages environment (production or preview). */
export interface PagesEnvironment {
  /**
   * Plain variables, by name (e.g. `PYTHON_VERSION: "3.12"`).
   * @default - none
   */
  readonly vars?: Readonly<Record<string, string>>;
  /**
   * Secrets, by name, each a reference to a sensitive value (a sensitive `TerraformVariable`): never a
   * literal. Pages stores them as `secret_text`. A project with secrets cannot be imported
   * (https://registry.terraform.io/providers/cloudflare/cloudflare/5.14.0/docs/resources/pages_project).
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, string>>;
}

/** Git providers Pages builds from. */
export enum PagesSourceType {
  /** A GitHub repository (the Cloudflare Pages GitHub app must have access to it). */
  GITHUB = 'github',
  /** A GitLab repository (the Cloudflare Pages GitLab integration must have access to it). */
  GITLAB = 'gitlab',
}

/** The Git repository Pages builds from. */
export interface PagesSource {
  /** The Git provider that hosts the repository. */
  readonly type: PagesSourceType;
  /** The repository owner (user, organization or group). */
  readonly owner: string;
  /** The repository name. Pages cannot move a project to another repository: changing it means a new project. */
  readonly repo: string;
  /**
   * Branches that get preview deployments (`*` wildcards allowed); with either list set, previews are
   * `custom` (provider `preview_deployment_setting`).
   * @default - every branch gets previews
   */
  readonly previewBranches?: { readonly include?: readonly string[]; readonly exclude?: readonly string[] };
}

/** Props for `PagesSite`. */
export interface PagesSiteProps {
  /** The Cloudflare account (32-hex id) that owns the Pages project. */
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
  /**
   * Build configuration.
   * @default - no build configuration (direct uploads, e.g. `wrangler pages deploy`)
   */
  readonly build?: PagesBuild;
  /**
   * Environment variables and secrets of production and preview deployments.
   * @default - none
   */
  readonly env?: { readonly production?: PagesEnvironment; readonly preview?: PagesEnvironment };
  /**
   * The Git repository to build from.
   * @default - no source: deploy with `wrangler pages deploy`
   */
  readonly source?: PagesSource;
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
  /** The `cloudflare_pages_project` resource (construct id `project`). */
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
    buildProblems(props, problems);
    problems.throwIfAny();

    const [pagesDev] = pagesDevHostnames(props.projectName);
    this.project = new PagesProject(this, 'project', {
      accountId: props.accountId,
      name: props.projectName,
      productionBranch: props.productionBranch ?? 'main',
      ...(props.build ? { buildConfig: buildConfig(props.build) } : {}),
      ...(props.env ? { deploymentConfigs: deploymentConfigs(props.env) } : {}),
      ...(props.source ? { source: source(props.source, props.productionBranch ?? 'main') } : {}),
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

/** An environment variable name as Pages and Workers take it: a letter or underscore, then letters, digits and underscores. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A path inside the repository: relative, no `..` segment (`/` is the repository root). */
function repoPathProblem(p: string): string | undefined {
  if (p === '/') return undefined;
  if (p.trim() === '' || p.split('/').some((seg) => seg === '..')) return 'must be a directory inside the repository, such as docs or site, with no .. segment';
  return undefined;
}

/** Every problem of the build, env and source props. */
function buildProblems(props: PagesSiteProps, problems: ProblemCollector): void {
  const b = props.build;
  if (b?.command !== undefined && !Token.isUnresolved(b.command) && b.command.trim() === '') problems.add('build.command', 'must not be empty; leave it out for no build');
  for (const [field, value] of [['outputDir', b?.outputDir], ['rootDir', b?.rootDir]] as const) {
    const p = value === undefined || Token.isUnresolved(value) ? undefined : repoPathProblem(value);
    if (p) problems.add(`build.${field}`, p, value);
  }
  for (const envName of ['production', 'preview'] as const) {
    const env = props.env?.[envName];
    if (!env) continue;
    const at = `env.${envName}`;
    for (const [kind, names] of [['vars', Object.keys(env.vars ?? {})], ['secrets', Object.keys(env.secrets ?? {})]] as const) {
      for (const name of names) if (!ENV_NAME.test(name)) problems.add(`${at}.${kind}`, 'names a variable that is not a letter or _ followed by letters, digits and _', name);
    }
    for (const name of Object.keys(env.secrets ?? {})) {
      if (name in (env.vars ?? {})) problems.add(`${at}.secrets.${name}`, `is also a plain variable in ${at}.vars; a name is one or the other`);
      const value = env.secrets?.[name] ?? '';
      if (!Token.isUnresolved(value)) problems.add(`${at}.secrets.${name}`, 'must be a reference to a sensitive variable, never a literal: secrets never go in code or config');
    }
  }
  const src = props.source;
  if (src) {
    for (const [field, value] of [['owner', src.owner], ['repo', src.repo]] as const) {
      if (!Token.isUnresolved(value) && !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(value)) problems.add(`source.${field}`, 'must be a repository owner or name (letters, digits, ., _, - and /)', value);
    }
    if (!Object.values(PagesSourceType).includes(src.type)) problems.add('source.type', `must be one of ${Object.values(PagesSourceType).join(', ')}`, src.type);
    for (const list of ['include', 'exclude'] as const) {
      src.previewBranches?.[list]?.forEach((branch, i) => {
        if (!Token.isUnresolved(branch) && branch.trim() === '') problems.add(`source.previewBranches.${list}[${i}]`, 'must be a branch name or pattern such as feature/*', branch);
      });
    }
  }
}

function buildConfig(b: PagesBuild) {
  return {
    ...(b.command !== undefined ? { buildCommand: b.command } : {}),
    ...(b.outputDir !== undefined ? { destinationDir: b.outputDir } : {}),
    ...(b.rootDir !== undefined ? { rootDir: b.rootDir } : {}),
  };
}

/** The provider's env_vars map of one environment: plain_text for vars, secret_text for secrets. */
function envVars(env: PagesEnvironment): Record<string, { type: string; value: string }> {
  return {
    ...Object.fromEntries(Object.entries(env.vars ?? {}).map(([name, value]) => [name, { type: 'plain_text', value }])),
    ...Object.fromEntries(Object.entries(env.secrets ?? {}).map(([name, value]) => [name, { type: 'secret_text', value }])),
  };
}

function deploymentConfigs(env: { readonly production?: PagesEnvironment; readonly preview?: PagesEnvironment }): PagesProjectDeploymentConfigs {
  return {
    ...(env.production ? { production: { envVars: envVars(env.production) } } : {}),
    ...(env.preview ? { preview: { envVars: envVars(env.preview) } } : {}),
  };
}

function source(src: PagesSource, productionBranch: string): PagesProjectSource {
  const include = src.previewBranches?.include ?? [];
  const exclude = src.previewBranches?.exclude ?? [];
  return {
    type: src.type,
    config: {
      owner: src.owner,
      repoName: src.repo,
      productionBranch,
      ...(include.length || exclude.length
        ? {
            previewDeploymentSetting: 'custom',
            ...(include.length ? { previewBranchIncludes: [...include] } : {}),
            ...(exclude.length ? { previewBranchExcludes: [...exclude] } : {}),
          }
        : {}),
    },
  };
}
