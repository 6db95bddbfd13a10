import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { PagesSite } from '../lib/cloudflare/pages';
import type { Deployment } from '../lib/config/schema';
import { configureBackend } from '../lib/deployment/backend';
import { zoneIdOf } from '../lib/deployment/site';

export interface PagesStackProps {
  readonly deployment: Deployment;
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
    const d = props.deployment;
    new CloudflareProvider(this, 'cloudflare', {});
    configureBackend(this, d);

    const sites = new Map<string, PagesSite>();
    for (const [name, spec] of Object.entries(d.pages)) {
      const site = new PagesSite(this, `pages-${name}`, {
        accountId: d.cloudflare.account_id,
        projectName: spec.project ?? name,
        productionBranch: spec.production_branch,
        domains: spec.domains.map((hostname) => ({ hostname, zoneId: zoneIdOf(d, hostname) })),
        ...(spec.pages_dev ? { pagesDevPublic: { reason: spec.pages_dev.public.reason } } : {}),
      });
      sites.set(name, site);
      new TerraformOutput(this, `pages_${name.replace(/-/g, '_')}_host`, { value: site.pagesDevHost });
    }
    this.sites = sites;
  }
}
