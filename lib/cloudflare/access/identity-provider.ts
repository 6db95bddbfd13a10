import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { ZeroTrustAccessIdentityProvider } from '@cdktf/provider-cloudflare/lib/zero-trust-access-identity-provider';
import { FACTS, recordFact } from '../../checks/facts';
import { GatehouseError, ProblemCollector } from '../../core/errors';
import { isoDateProblem } from '../../core/dates';

/** An Access identity provider (login method), created here or elsewhere. */
export interface IIdentityProvider {
  /** The identity provider id, as `allowed_idps` and IdP-scoped rules expect. */
  readonly identityProviderId: string;
}

/** The callback URL to register at the IdP (Google OAuth client, Entra app registration). */
export function accessCallbackUrl(teamName: string): string {
  return `https://${teamName}.cloudflareaccess.com/cdn-cgi/access/callback`;
}

/**
 * A client secret must come from a sensitive Terraform variable with no default, so it only ever
 * arrives as `TF_VAR_<name>`. Anything else is an error that cannot be suppressed.
 */
export function checkClientSecretVariable(variable: TerraformVariable, path: string, problems: ProblemCollector): void {
  if (!variable.sensitive) {
    problems.add(path, 'must be a terraform variable declared with sensitive: true', variable.friendlyUniqueId);
  }
  if (variable.default !== undefined) {
    problems.add(path, 'must have no default; supply it as TF_VAR_<name> only', variable.friendlyUniqueId);
  }
}

/** Props for `GoogleWorkspaceIdentityProvider`. */
export interface GoogleWorkspaceIdentityProviderProps {
  /** The Cloudflare account (32-hex id) whose Zero Trust organization gets the login method. */
  readonly accountId: string;
  /**
   * Display name of the login method.
   * @default "Google Workspace"
   */
  readonly name?: string;
  /** OAuth client id (not a secret). */
  readonly clientId: string;
  /** The Google Workspace domain, e.g. `example.com`. */
  readonly appsDomain: string;
  /** Sensitive Terraform variable with no default that holds the OAuth client secret. */
  readonly clientSecret: TerraformVariable;
  /**
   * When the OAuth client secret expires (YYYY-MM-DD), if the client was created with an expiry. The
   * policy pack warns 30 days ahead and fails after, as for Entra (one window, lib/core/dates.ts).
   * @default - not recorded: Google client secrets need not expire, so nothing is checked
   */
  readonly secretExpiresOn?: string;
}

/**
 * Google Workspace OIDC (`google-apps`). Record the secret's expiry, when the OAuth client has one, in
 * the deployment file (`secret_expires`): synth warns 30 days ahead and fails once it has passed.
 *
 * @example
 * const secret = new TerraformVariable(stack, 'google_oidc_client_secret', { type: 'string', sensitive: true });
 * new GoogleWorkspaceIdentityProvider(stack, 'workspace', { accountId, clientId, appsDomain: 'example.com', clientSecret: secret });
 */
export class GoogleWorkspaceIdentityProvider extends Construct implements IIdentityProvider {
  public readonly identityProviderId: string;
  /** The `cloudflare_zero_trust_access_identity_provider` resource (construct id `resource`). */
  public readonly resource: ZeroTrustAccessIdentityProvider;

  constructor(scope: Construct, id: string, props: GoogleWorkspaceIdentityProviderProps) {
    super(scope, id);
    const problems = new ProblemCollector(id);
    checkClientSecretVariable(props.clientSecret, 'clientSecret', problems);
    checkSecretExpiry(props.secretExpiresOn, problems);
    problems.throwIfAny();
    this.resource = new ZeroTrustAccessIdentityProvider(this, 'resource', {
      accountId: props.accountId,
      name: props.name ?? 'Google Workspace',
      type: 'google-apps',
      config: {
        clientId: props.clientId,
        clientSecret: props.clientSecret.stringValue,
        appsDomain: props.appsDomain,
      },
    });
    if (props.secretExpiresOn !== undefined) recordFact(this.resource, FACTS.secretExpires, props.secretExpiresOn);
    this.identityProviderId = this.resource.id;
  }
}

/** Props for `EntraIdentityProvider`. */
export interface EntraIdentityProviderProps {
  /** The Cloudflare account (32-hex id) whose Zero Trust organization gets the login method. */
  readonly accountId: string;
  /**
   * Display name of the login method.
   * @default "Microsoft Entra ID"
   */
  readonly name?: string;
  /** Application (client) id of the app registration. */
  readonly clientId: string;
  /** Directory (tenant) id. */
  readonly directoryId: string;
  /** Sensitive Terraform variable with no default that holds the client secret value. */
  readonly clientSecret: TerraformVariable;
  /**
   * Send Entra group membership so policies can match groups.
   * @default false
   */
  readonly supportGroups?: boolean;
  /**
   * When the client secret expires (YYYY-MM-DD). The policy pack warns 30 days ahead and fails after.
   * @default - not recorded: the pack reports "could not validate"
   */
  readonly secretExpiresOn?: string;
}

/**
 * Microsoft Entra ID (`azureAD`). Record the secret's expiry in the deployment file
 * (`secret_expires`): synth warns 30 days ahead and fails once it has passed.
 *
 * @example
 * new EntraIdentityProvider(stack, 'entra', { accountId, clientId, directoryId, clientSecret: secretVar, supportGroups: true });
 */
export class EntraIdentityProvider extends Construct implements IIdentityProvider {
  public readonly identityProviderId: string;
  /** The `cloudflare_zero_trust_access_identity_provider` resource (construct id `resource`). */
  public readonly resource: ZeroTrustAccessIdentityProvider;

  constructor(scope: Construct, id: string, props: EntraIdentityProviderProps) {
    super(scope, id);
    const problems = new ProblemCollector(id);
    checkClientSecretVariable(props.clientSecret, 'clientSecret', problems);
    checkSecretExpiry(props.secretExpiresOn, problems);
    problems.throwIfAny();
    this.resource = new ZeroTrustAccessIdentityProvider(this, 'resource', {
      accountId: props.accountId,
      name: props.name ?? 'Microsoft Entra ID',
      type: 'azureAD',
      config: {
        clientId: props.clientId,
        clientSecret: props.clientSecret.stringValue,
        directoryId: props.directoryId,
        supportGroups: props.supportGroups ?? false,
      },
    });
    if (props.secretExpiresOn !== undefined) recordFact(this.resource, FACTS.secretExpires, props.secretExpiresOn);
    this.identityProviderId = this.resource.id;
  }
}

/** Props for `OneTimePinIdentityProvider`. */
export interface OneTimePinIdentityProviderProps {
  /** The Cloudflare account (32-hex id) whose Zero Trust organization gets the login method. */
  readonly accountId: string;
  /**
   * Display name.
   * @default "One-time PIN"
   */
  readonly name?: string;
}

/**
 * One-time PIN (`onetimepin`): Access emails a code to the address the user types, so any address a
 * policy admits can log in without an identity provider account. No secret to manage.
 *
 * @example
 * const pin = new OneTimePinIdentityProvider(stack, 'pin', { accountId });
 */
export class OneTimePinIdentityProvider extends Construct implements IIdentityProvider {
  public readonly identityProviderId: string;
  /** The `cloudflare_zero_trust_access_identity_provider` resource (construct id `resource`). */
  public readonly resource: ZeroTrustAccessIdentityProvider;

  constructor(scope: Construct, id: string, props: OneTimePinIdentityProviderProps) {
    super(scope, id);
    const resource = (this.resource = new ZeroTrustAccessIdentityProvider(this, 'resource', {
      accountId: props.accountId,
      name: props.name ?? 'One-time PIN',
      type: 'onetimepin',
      config: {},
    }));
    this.identityProviderId = resource.id;
  }
}

/**
 * Importers for identity providers managed elsewhere (created in the dashboard or by another stack).
 *
 * @example
 * const workspace = IdentityProvider.fromIdentityProviderId('aaaaaaaa-0000-4000-8000-000000000001');
 * new AccessGatedApp(this, 'internal', { accountId, name: 'internal', teamName: 'example', hostnames: ['app.example.com'], policies: [allowStaff], identityProviders: [workspace] });
 * @namespace
 */
export const IdentityProvider = {
  /** Refer to an existing identity provider by its id (a uuid); anything else throws a `GatehouseError` naming `identityProviderId`. */
  fromIdentityProviderId(identityProviderId: string): IIdentityProvider {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(identityProviderId)) {
      throw new GatehouseError([
        { path: 'identityProviderId', message: 'must be an identity provider id (a uuid)', value: identityProviderId },
      ]);
    }
    return { identityProviderId };
  },
};

/** A recorded secret expiry is a calendar date. */
function checkSecretExpiry(expires: string | undefined, problems: ProblemCollector): void {
  if (expires === undefined) return;
  const p = isoDateProblem(expires);
  if (p) problems.add('secretExpiresOn', p, expires);
}
