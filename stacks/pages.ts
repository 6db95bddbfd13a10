import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { PagesSite } from '../lib/cloudflare/pages';
import { outputId } from '../lib/core/terraform';
import { configureBackend } from '../lib/deployment/backend';
import type { DeploymentModel } from '../lib/deployment/model';

export interface PagesStackProps {
  /** The resolved deployment (lib/deployment/model.ts). */
  readonly model: DeploymentModel;
}

/**
 * The Pages sites: each project, its custom domains and their proxied CNAMEs. A stack of its own,
 * deployed before `access`, because Cloudflare refuses to add a custom domain that is already behind
 * Access (https://developers.cloudflare.com/pages/platform/known-issues/); the app that gates a
 * site's domain (and its pages.dev hosts) is created after the domain exists. Construct ids are
 * those the sites had in `production` (`pages-<name>`), so the terraform addresses are unchanged and
 * existing state moves with `terraform state mv` (UPGRADING.md).
 */
export class PagesStack extends TerraformStack {
  /** The sites by deployment name. */
  public readonly sites: ReadonlyMap<string, PagesSite>;

  constructor(scope: Construct, id: string, props: PagesStackProps) {
    super(scope, id);
    const m = props.model;
    new CloudflareProvider(this, 'cloudflare', {});
    configureBackend(this, m.deployment);

    const sites = new Map<string, PagesSite>();
    for (const spec of m.pages.values()) {
      const site = new PagesSite(this, `pages-${spec.name}`, {
        accountId: m.accountId,
        projectName: spec.project,
        productionBranch: spec.spec.production_branch,
        domains: spec.domains.map((d) => ({ hostname: d.hostname, zone: m.recordZone(d.hostname) })),
        ...(spec.pagesDevPublicReason !== undefined ? { pagesDevPublic: { reason: spec.pagesDevPublicReason } } : {}),
      });
      sites.set(spec.name, site);
      new TerraformOutput(this, outputId('pages', spec.name, 'host'), { value: site.pagesDevHost });
    }
    this.sites = sites;
  }
}
