import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import type { IAccessGatedApp } from '../lib/cloudflare/access/app';
import type { IIdentityProvider } from '../lib/cloudflare/access/identity-provider';
import type { IAccessPolicy } from '../lib/cloudflare/access/policy';
import type { IPagesSite } from '../lib/cloudflare/pages';
import { outputId } from '../lib/core/terraform';
import { accessApps, accessGroups, accessPolicies, identityProviders, publicPathBypasses, serviceTokens } from '../lib/deployment/access';
import { accountMembers } from '../lib/deployment/account-members';
import { configureBackend } from '../lib/deployment/backend';
import type { DeploymentModel } from '../lib/deployment/model';

/** What the `access` stack is built from. */
export interface AccessStackProps {
  /** The resolved deployment (lib/deployment/model.ts). */
  readonly model: DeploymentModel;
  /**
   * The Pages sites by deployment name (from the `pages` stack, which must be deployed first): an app
   * that gates a site's custom domain also gates its pages.dev hosts.
   * @default - no Pages sites
   */
  readonly pagesSites?: ReadonlyMap<string, IPagesSite>;
}

/**
 * Account-level Zero Trust Access: identity providers, groups, policies, service tokens and apps, and
 * the account members (who administers the account belongs with who may reach it; this stack is
 * deployed first and carries no site guard, so revoking a member never waits on a site apply).
 * Both site stacks read the apps' AUD tags from here, so the dependency is one-way:
 * (pages ->) access -> standby -> production.
 *
 * @example
 * const app = new App();
 * const { model } = loadDeployment('deployment.yaml'); // validated and resolved once
 * // With Pages sites, their stack comes first: a custom domain must exist before the app that gates it.
 * const pages = model.pages.size ? new PagesStack(app, 'pages', { model }) : undefined;
 * const access = new AccessStack(app, 'access', { model, ...(pages ? { pagesSites: pages.sites } : {}) });
 * if (pages) access.addDependency(pages);
 */
export class AccessStack extends TerraformStack {
  /** Access apps by deployment name. */
  public readonly apps: ReadonlyMap<string, IAccessGatedApp>;
  /** The bypass apps of public paths under gated hosts, by construct id: the site tunnels read them beside `apps`. */
  public readonly publicPaths: ReadonlyMap<string, IAccessGatedApp>;
  /** Reusable policies by deployment name (tenant apps attach them). */
  public readonly policies: ReadonlyMap<string, IAccessPolicy>;
  /** Identity providers by deployment name. */
  public readonly identityProviders: ReadonlyMap<string, IIdentityProvider>;

  constructor(scope: Construct, id: string, props: AccessStackProps) {
    super(scope, id);
    const m = props.model;
    new CloudflareProvider(this, 'cloudflare', {});
    configureBackend(this, m.deployment);

    const idps = identityProviders(this, m);
    const groups = accessGroups(this, m, idps);
    const tokens = serviceTokens(this, m);
    for (const [name, token] of tokens) {
      new TerraformOutput(this, outputId('service_token', name, 'client_id'), { value: token.clientId, sensitive: true });
      new TerraformOutput(this, outputId('service_token', name, 'client_secret'), { value: token.clientSecret, sensitive: true });
    }
    const policies = accessPolicies(this, m, { groups, tokens });
    const apps = accessApps(this, m, { policies, idps, pagesSites: props.pagesSites ?? new Map() });
    // Origins that verify the Access JWT themselves (as the portal seed's API does) need the AUD.
    for (const [name, app] of apps) new TerraformOutput(this, outputId('app', name, 'aud'), { value: app.aud });
    this.apps = apps;
    this.publicPaths = publicPathBypasses(this, m);
    accountMembers(this, m);
    this.policies = policies;
    this.identityProviders = idps;
  }
}
