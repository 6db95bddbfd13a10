import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import type { PagesSite } from '../lib/cloudflare/pages';
import { outputId } from '../lib/core/terraform';
import { configureBackend } from '../lib/deployment/backend';
import type { DeploymentModel } from '../lib/deployment/model';
import { pagesSites } from '../lib/deployment/pages';

/** What the `pages` stack is built from. */
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
 *
 * @example
 * const app = new App();
 * const { model } = loadDeployment('deployment.yaml');
 * if (model.pages.size) {
 *   const pages = new PagesStack(app, 'pages', { model });
 *   const access = new AccessStack(app, 'access', { model, pagesSites: pages.sites });
 *   access.addDependency(pages); // the domains exist before the Access apps that cover them
 * }
 */
export class PagesStack extends TerraformStack {
  /** The sites by deployment name. */
  public readonly sites: ReadonlyMap<string, PagesSite>;

  constructor(scope: Construct, id: string, props: PagesStackProps) {
    super(scope, id);
    const m = props.model;
    new CloudflareProvider(this, 'cloudflare', {});
    configureBackend(this, m.deployment);

    const sites = pagesSites(this, m);
    for (const [name, site] of sites) new TerraformOutput(this, outputId('pages', name, 'host'), { value: site.pagesDevHost });
    this.sites = sites;
  }
}
