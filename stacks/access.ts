import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { AccessGatedApp, IAccessGatedApp, SameSite } from '../lib/cloudflare/access/app';
import { AccessGroup, IAccessGroup } from '../lib/cloudflare/access/group';
import {
  EntraIdentityProvider,
  GoogleWorkspaceIdentityProvider,
  IdentityProvider,
  IIdentityProvider,
  OneTimePinIdentityProvider,
} from '../lib/cloudflare/access/identity-provider';
import { AccessPolicy, IAccessPolicy } from '../lib/cloudflare/access/policy';
import { AccessDecision, AccessRule } from '../lib/cloudflare/access/rules';
import { AccessServiceToken } from '../lib/cloudflare/access/service-token';
import type { IPagesSite } from '../lib/cloudflare/pages';
import { policySessions } from '../lib/config/sessions';
import { idpSecretVariable } from '../lib/config/schema';
import type { AccessRuleInput, Deployment } from '../lib/config/schema';
import { configureBackend } from '../lib/deployment/backend';
import { secretVariable } from '../lib/deployment/variables';

export interface AccessStackProps {
  readonly deployment: Deployment;
  /**
   * The Pages sites by deployment name (from the `pages` stack, which must be deployed first): an app
   * that gates a site's custom domain also gates its pages.dev hosts.
   * @default - no Pages sites
   */
  readonly pagesSites?: ReadonlyMap<string, IPagesSite>;
}

/**
 * Account-level Zero Trust Access: identity providers, groups, policies, service tokens and apps.
 * Both site stacks read the apps' AUD tags from here, so the dependency is one-way:
 * (pages ->) access -> standby -> production.
 */
export class AccessStack extends TerraformStack {
  /** Access apps by deployment name. */
  public readonly apps: ReadonlyMap<string, IAccessGatedApp>;
  /** Reusable policies by deployment name (tenant apps attach them). */
  public readonly policies: ReadonlyMap<string, IAccessPolicy>;
  /** Identity providers by deployment name. */
  public readonly identityProviders: ReadonlyMap<string, IIdentityProvider>;

  constructor(scope: Construct, id: string, props: AccessStackProps) {
    super(scope, id);
    const d = props.deployment;
    const accountId = d.cloudflare.account_id;
    new CloudflareProvider(this, 'cloudflare', {});
    configureBackend(this, d);

    const idps = new Map<string, IIdentityProvider>();
    for (const [name, spec] of Object.entries(d.identity_providers)) {
      switch (spec.type) {
        case 'google-workspace':
          idps.set(
            name,
            new GoogleWorkspaceIdentityProvider(this, `idp-${name}`, {
              accountId,
              name,
              clientId: spec.client_id,
              appsDomain: spec.apps_domain,
              clientSecret: secretVariable(this, idpSecretVariable(name, spec), `OAuth client secret of identity provider ${name}`),
            }),
          );
          break;
        case 'entra':
          idps.set(
            name,
            new EntraIdentityProvider(this, `idp-${name}`, {
              accountId,
              name,
              clientId: spec.client_id,
              directoryId: spec.directory_id,
              supportGroups: spec.support_groups,
              ...(spec.secret_expires ? { secretExpiresOn: spec.secret_expires } : {}),
              clientSecret: secretVariable(this, idpSecretVariable(name, spec), `client secret of Entra identity provider ${name}`),
            }),
          );
          break;
        case 'one-time-pin':
          idps.set(name, new OneTimePinIdentityProvider(this, `idp-${name}`, { accountId, name }));
          break;
        case 'existing':
          idps.set(name, IdentityProvider.fromIdentityProviderId(spec.id));
          break;
      }
    }

    const groups = new Map<string, IAccessGroup>();
    for (const [name, spec] of Object.entries(d.access_groups)) {
      groups.set(
        name,
        new AccessGroup(this, `group-${name}`, {
          accountId,
          name,
          include: [
            ...spec.email_domains.map((domain) => AccessRule.emailDomain(domain)),
            ...spec.emails.map((email) => AccessRule.email(email)),
            ...spec.idp_groups.map((g) => AccessRule.entraGroup(g.group, idps.get(g.idp)!)),
          ],
        }),
      );
    }

    const tokens = new Map<string, AccessServiceToken>();
    for (const [name, spec] of Object.entries(d.service_tokens)) {
      const token = new AccessServiceToken(this, `service-token-${name}`, {
        accountId,
        name,
        duration: spec.duration,
        decisionRecord: spec.decision_record,
      });
      tokens.set(name, token);
      new TerraformOutput(this, `service_token_${name.replace(/-/g, '_')}_client_id`, { value: token.clientId, sensitive: true });
      new TerraformOutput(this, `service_token_${name.replace(/-/g, '_')}_client_secret`, { value: token.clientSecret, sensitive: true });
    }

    const rule = (r: AccessRuleInput): AccessRule => {
      if ('group' in r) return AccessRule.group(groups.get(r.group)!);
      if ('email' in r) return AccessRule.email(r.email);
      if ('email_domain' in r) return AccessRule.emailDomain(r.email_domain);
      if ('service_token' in r) return AccessRule.serviceToken(tokens.get(r.service_token)!);
      if ('everyone' in r) return AccessRule.everyone();
      return AccessRule.anyValidServiceToken();
    };
    // Each policy's session is the file's, or the one its apps all declare: never a silent 24h (lib/config/sessions.ts).
    const sessions = policySessions(d);
    const policies = new Map<string, IAccessPolicy>();
    for (const [name, spec] of Object.entries(d.access_policies)) {
      const session = sessions.get(name)?.session;
      policies.set(
        name,
        new AccessPolicy(this, `policy-${name}`, {
          accountId,
          name,
          decision: spec.decision as AccessDecision,
          include: spec.include.map(rule),
          require: spec.require.map(rule),
          exclude: spec.exclude.map(rule),
          ...(session ? { sessionDuration: session } : {}),
        }),
      );
    }

    const pagesSites = [...(props.pagesSites?.values() ?? [])];
    const apps = new Map<string, IAccessGatedApp>();
    for (const [name, spec] of Object.entries(d.apps)) {
      const gatedSites = pagesSites.filter((site) => site.hostnames.some((h) => spec.hostnames.includes(h)));
      const app = new AccessGatedApp(this, `app-${name}`, {
        accountId,
        name,
        teamName: d.cloudflare.team_name,
        hostnames: spec.hostnames,
        ...(gatedSites.length ? { pagesSites: gatedSites } : {}),
        policies: spec.policies.map((p) => policies.get(p)!),
        identityProviders: spec.idps.map((i) => idps.get(i)!),
        sessionDuration: spec.session_duration,
        appLauncherVisible: spec.app_launcher_visible,
        ...(spec.cors
          ? {
              cors: {
                allowedOrigins: spec.cors.allowed_origins,
                allowedMethods: spec.cors.allowed_methods,
                allowedHeaders: spec.cors.allowed_headers,
                allowCredentials: spec.cors.allow_credentials,
                ...(spec.cors.max_age !== undefined ? { maxAge: spec.cors.max_age } : {}),
              },
            }
          : {}),
        cookies: {
          httpOnly: spec.cookies.http_only,
          sameSite: spec.cookies.same_site as SameSite,
          bindingCookie: spec.cookies.binding_cookie,
        },
      });
      apps.set(name, app);
      // Origins that verify the Access JWT themselves (as the portal seed's API does) need the AUD.
      new TerraformOutput(this, `app_${name.replace(/-/g, '_')}_aud`, { value: app.aud });
    }
    this.apps = apps;
    this.policies = policies;
    this.identityProviders = idps;
  }
}
