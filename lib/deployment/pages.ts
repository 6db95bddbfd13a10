/** Pages sites: each project with its build, environment variables and Git source, its custom domains and their CNAMEs. */
import type { Construct } from 'constructs';
import { PagesEnvironment, PagesSite } from '../cloudflare/pages';
import type { Deployment } from '../config/schema';
import { PAGES_SOURCE_TYPES } from './enums';
import type { DeploymentModel, ModelPagesSite } from './model';
import { secretVariables } from './variables';

type PagesEnvSpec = NonNullable<NonNullable<Deployment['pages'][string]['env']>['production']>;

function environment(env: PagesEnvSpec, secret: (variable: string) => string): PagesEnvironment {
  return {
    vars: env.vars,
    secrets: Object.fromEntries(Object.entries(env.secrets).map(([name, variable]) => [name, secret(variable)])),
  };
}

function site(scope: Construct, m: DeploymentModel, p: ModelPagesSite, secret: (variable: string) => string): PagesSite {
  const { spec } = p;
  const env = spec.env;
  return new PagesSite(scope, `pages-${p.name}`, {
    accountId: m.accountId,
    projectName: p.project,
    productionBranch: spec.production_branch,
    domains: p.domains.map((d) => ({ hostname: d.hostname, zone: m.recordZone(d.hostname) })),
    ...(p.pagesDevPublicReason !== undefined ? { pagesDevPublic: { reason: p.pagesDevPublicReason } } : {}),
    ...(spec.build
      ? {
          build: {
            ...(spec.build.command !== undefined ? { command: spec.build.command } : {}),
            ...(spec.build.output_dir !== undefined ? { outputDir: spec.build.output_dir } : {}),
            ...(spec.build.root_dir !== undefined ? { rootDir: spec.build.root_dir } : {}),
          },
        }
      : {}),
    ...(env
      ? {
          env: {
            ...(env.production ? { production: environment(env.production, secret) } : {}),
            ...(env.preview ? { preview: environment(env.preview, secret) } : {}),
          },
        }
      : {}),
    ...(spec.source
      ? {
          source: {
            type: PAGES_SOURCE_TYPES[spec.source.type],
            owner: spec.source.owner,
            repo: spec.source.repo,
            ...(spec.source.preview_branches ? { previewBranches: spec.source.preview_branches } : {}),
          },
        }
      : {}),
  });
}

/** The Pages sites (`pages-<name>`), by name. Each secret variable is declared once in the stack (sensitive, no default). */
export function pagesSites(scope: Construct, m: DeploymentModel): Map<string, PagesSite> {
  const secret = secretVariables(scope, (variable) => `a secret environment variable of a Pages project (TF_VAR_${variable})`);
  return new Map([...m.pages.values()].map((p) => [p.name, site(scope, m, p, secret)]));
}
