/**
 * The deployment -> Zero Trust Access mapping of the `access` stack: identity providers, groups,
 * service tokens, policies and apps, each a small mapper over the model.
 */
import type { Construct } from 'constructs';
import { AccessGatedApp, IAccessGatedApp } from '../cloudflare/access/app';
import { PublicPathBypass } from '../cloudflare/access/bypass';
import { AccessGroup, IAccessGroup } from '../cloudflare/access/group';
import {
  EntraIdentityProvider,
  GoogleWorkspaceIdentityProvider,
  IdentityProvider,
  IIdentityProvider,
  OneTimePinIdentityProvider,
} from '../cloudflare/access/identity-provider';
import { AccessPolicy, IAccessPolicy } from '../cloudflare/access/policy';
import { AccessRule } from '../cloudflare/access/rules';
import { AccessServiceToken } from '../cloudflare/access/service-token';
import type { IPagesSite } from '../cloudflare/pages';
import type { AccessRuleInput } from '../config/schema';
import { GatehouseError, lookup } from '../core/errors';
import { ACCESS_DECISIONS, SAME_SITES } from './enums';
import type { DeploymentModel, ModelApp, ModelIdentityProvider } from './model';
import { secretVariable } from './variables';

/** One identity provider (construct id `idp-<name>`), or a reference to an existing one. */
function identityProvider(scope: Construct, m: DeploymentModel, idp: ModelIdentityProvider): IIdentityProvider {
  const { name, spec } = idp;
  const base = { accountId: m.accountId, name };
  const secret = (description: string) => {
    if (idp.secretVariable === undefined) throw new GatehouseError([{ path: idp.at, message: 'has no client secret variable' }]);
    return secretVariable(scope, idp.secretVariable, description);
  };
  switch (spec.type) {
    case 'google-workspace':
      return new GoogleWorkspaceIdentityProvider(scope, `idp-${name}`, {
        ...base,
        clientId: spec.client_id,
        appsDomain: spec.apps_domain,
        ...(spec.secret_expires ? { secretExpiresOn: spec.secret_expires } : {}),
        clientSecret: secret(`OAuth client secret of identity provider ${name}`),
      });
    case 'entra':
      return new EntraIdentityProvider(scope, `idp-${name}`, {
        ...base,
        clientId: spec.client_id,
        directoryId: spec.directory_id,
        supportGroups: spec.support_groups,
        ...(spec.secret_expires ? { secretExpiresOn: spec.secret_expires } : {}),
        clientSecret: secret(`client secret of Entra identity provider ${name}`),
      });
    case 'one-time-pin':
      return new OneTimePinIdentityProvider(scope, `idp-${name}`, base);
    case 'existing':
      return IdentityProvider.fromIdentityProviderId(spec.id);
  }
}

/** The identity providers, by name. */
export function identityProviders(scope: Construct, m: DeploymentModel): Map<string, IIdentityProvider> {
  return new Map([...m.identityProviders.values()].map((idp) => [idp.name, identityProvider(scope, m, idp)]));
}

/** The access groups (`group-<name>`), by name. */
export function accessGroups(scope: Construct, m: DeploymentModel, idps: ReadonlyMap<string, IIdentityProvider>): Map<string, IAccessGroup> {
  return new Map(
    Object.entries(m.deployment.access_groups).map(([name, spec]) => [
      name,
      new AccessGroup(scope, `group-${name}`, {
        accountId: m.accountId,
        name,
        include: [
          ...spec.email_domains.map((domain) => AccessRule.emailDomain(domain)),
          ...spec.emails.map((email) => AccessRule.email(email)),
          ...spec.idp_groups.map((g) => AccessRule.entraGroup(g.group, lookup(idps, g.idp, 'identity provider'))),
        ],
      }),
    ]),
  );
}

/** The service tokens (`service-token-<name>`), by name. */
export function serviceTokens(scope: Construct, m: DeploymentModel): Map<string, AccessServiceToken> {
  return new Map(
    Object.entries(m.deployment.service_tokens).map(([name, spec]) => [
      name,
      new AccessServiceToken(scope, `service-token-${name}`, { accountId: m.accountId, name, duration: spec.duration, decisionRecord: spec.decision_record }),
    ]),
  );
}

/** The references a policy's rules resolve against. */
export interface RuleTargets {
  /** The access groups, by name (`{group: <name>}` rules). */
  readonly groups: ReadonlyMap<string, IAccessGroup>;
  /** The service tokens, by name (`{service_token: <name>}` rules). */
  readonly tokens: ReadonlyMap<string, AccessServiceToken>;
}

function accessRule(r: AccessRuleInput, t: RuleTargets): AccessRule {
  if ('group' in r) return AccessRule.group(lookup(t.groups, r.group, 'access group'));
  if ('email' in r) return AccessRule.email(r.email);
  if ('email_domain' in r) return AccessRule.emailDomain(r.email_domain);
  if ('service_token' in r) return AccessRule.serviceToken(lookup(t.tokens, r.service_token, 'service token'));
  if ('everyone' in r) return AccessRule.everyone();
  return AccessRule.anyValidServiceToken();
}

/** The reusable policies (`policy-<name>`), by name, each with its session (lib/config/sessions.ts: never a silent 24h). */
export function accessPolicies(scope: Construct, m: DeploymentModel, targets: RuleTargets): Map<string, IAccessPolicy> {
  return new Map(
    Object.entries(m.deployment.access_policies).map(([name, spec]) => {
      const session = m.policySessions.get(name)?.session;
      const rules = (list: readonly AccessRuleInput[]) => list.map((r) => accessRule(r, targets));
      const policy = new AccessPolicy(scope, `policy-${name}`, {
        accountId: m.accountId,
        name,
        decision: ACCESS_DECISIONS[spec.decision],
        include: rules(spec.include),
        require: rules(spec.require),
        exclude: rules(spec.exclude),
        ...(session ? { sessionDuration: session } : {}),
      });
      return [name, policy];
    }),
  );
}

/** What an app refers to: its policies, identity providers and the Pages sites it gates. */
export interface AppTargets {
  /** The reusable policies, by name (`accessPolicies`). */
  readonly policies: ReadonlyMap<string, IAccessPolicy>;
  /** The identity providers, by name (`identityProviders`). */
  readonly idps: ReadonlyMap<string, IIdentityProvider>;
  /** The Pages sites by name (from the `pages` stack). */
  readonly pagesSites: ReadonlyMap<string, IPagesSite>;
}

function accessApp(scope: Construct, m: DeploymentModel, app: ModelApp, t: AppTargets): AccessGatedApp {
  const { spec } = app;
  const gatedSites = app.pagesSites.map((s) => lookup(t.pagesSites, s, 'Pages site'));
  return new AccessGatedApp(scope, `app-${app.name}`, {
    accountId: m.accountId,
    name: app.name,
    teamName: m.teamName,
    hostnames: app.hostnames,
    ...(gatedSites.length ? { pagesSites: gatedSites } : {}),
    policies: app.policies.map((p) => lookup(t.policies, p, 'access policy')),
    identityProviders: app.idps.map((i) => lookup(t.idps, i, 'identity provider')),
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
    cookies: { httpOnly: spec.cookies.http_only, sameSite: SAME_SITES[spec.cookies.same_site], bindingCookie: spec.cookies.binding_cookie },
  });
}

/** The Access apps (`app-<name>`), by name. */
export function accessApps(scope: Construct, m: DeploymentModel, targets: AppTargets): Map<string, IAccessGatedApp> {
  return new Map([...m.apps.values()].map((app) => [app.name, accessApp(scope, m, app, targets)]));
}

/**
 * The public paths under gated hosts (`public-path-<hostname><path>`), by construct id: each a more
 * specific Access app whose one policy bypasses Access for everyone, naming the route's reason
 * (README "Paths and bypass").
 */
export function publicPathBypasses(scope: Construct, m: DeploymentModel): Map<string, PublicPathBypass> {
  return new Map(
    m.bypasses.map((b) => [
      b.id,
      new PublicPathBypass(scope, b.id, { accountId: m.accountId, teamName: m.teamName, hostname: b.hostname, path: b.path, reason: b.reason }),
    ]),
  );
}
