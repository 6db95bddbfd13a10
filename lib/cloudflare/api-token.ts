import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AccountToken } from '@cdktf/provider-cloudflare/lib/account-token';
import { DataCloudflareAccountApiTokenPermissionGroupsList } from '@cdktf/provider-cloudflare/lib/data-cloudflare-account-api-token-permission-groups-list';
import { FACTS, recordFact } from '../checks/facts';
import { ProblemCollector } from '../core/errors';
import { isoDateProblem } from '../core/dates';
import {
  ACCOUNT_PERMISSIONS,
  AccountPermission,
  accountResourceKey,
  ZONE_PERMISSIONS,
  ZonePermission,
  zoneResourceKey,
} from './permissions';
import type { IZone } from './zone';

/** What a token may do: account-level and zone-level permission groups, by name. */
export interface TokenPermissions {
  /**
   * Account-level permission groups (`Pages Write`, `Workers Scripts Write`, `Cloudflare Tunnel Write`,
   * `D1 Write`), granted over the whole account.
   * @default - none
   */
  readonly account?: readonly AccountPermission[];
  /**
   * Zone-level permission groups (`DNS Write`, `Zone Read`, `Workers Routes Write`), granted over the
   * token's `zones` only.
   * @default - none
   */
  readonly zone?: readonly ZonePermission[];
}

/** Least-privilege presets, one per concern (the SME seed's four tokens). */
export class TokenPreset {
  /** Deploy Pages projects. */
  public static readonly PAGES_DEPLOY = new TokenPreset('pages-deploy', { account: ['Pages Write'] });
  /** Edit DNS records in the named zones. */
  public static readonly DNS_ADMIN = new TokenPreset('dns-admin', { zone: ['DNS Write', 'Zone Read'] });
  /** Deploy Worker scripts and their routes in the named zones. */
  public static readonly WORKERS_DEPLOY = new TokenPreset('workers-deploy', { account: ['Workers Scripts Write'], zone: ['Workers Routes Write'] });
  /** Manage Cloudflare Tunnels. */
  public static readonly TUNNEL_ADMIN = new TokenPreset('tunnel-admin', { account: ['Cloudflare Tunnel Write'] });

  /** Every preset, in the order above (the names the deployment file's `tokens` accept). */
  public static readonly ALL: readonly TokenPreset[] = [
    TokenPreset.PAGES_DEPLOY,
    TokenPreset.DNS_ADMIN,
    TokenPreset.WORKERS_DEPLOY,
    TokenPreset.TUNNEL_ADMIN,
  ];

  /** The preset with this name (`pages-deploy`, `dns-admin`, ...); throws on an unknown name. */
  public static fromName(name: string): TokenPreset {
    const preset = TokenPreset.ALL.find((p) => p.name === name);
    if (!preset) throw new Error(`unknown token preset ${name}`);
    return preset;
  }

  private constructor(
    /** The preset's name, e.g. `dns-admin`. */
    public readonly name: string,
    /** The permission groups the preset grants. */
    public readonly permissions: TokenPermissions,
  ) {}
}

/** Props for `ScopedApiToken`. */
export interface ScopedApiTokenProps {
  /** The Cloudflare account (32-hex id) that owns the token: an account-owned `cloudflare_account_token`, not a user token. */
  readonly accountId: string;
  /** Token name, shown in the dashboard's account API tokens. */
  readonly name: string;
  /** A preset, or explicit permission groups by name. */
  readonly permissions: TokenPreset | TokenPermissions;
  /**
   * Zones the zone-level permissions cover (`Zone.fromZoneId`). Required when any zone-level permission is granted.
   * @default - none
   */
  readonly zones?: readonly IZone[];
  /**
   * Expiry, YYYY-MM-DD (UTC midnight).
   * @default - never (the policy pack warns)
   */
  readonly expires?: string;
}

/**
 * An account-owned API token built from named permission groups over named zones or the account,
 * for one concern (pages-deploy, dns-admin, workers-deploy, tunnel-admin) instead of a master key.
 * Permission-group ids are resolved by name at plan time; a missing name fails the plan with the
 * name in the message.
 *
 * @example
 * new ScopedApiToken(this, 'dns', { accountId, name: 'dns-admin', permissions: TokenPreset.DNS_ADMIN, zones: [Zone.fromZoneId(zoneId)] });
 */
export class ScopedApiToken extends Construct {
  /** The `cloudflare_account_token` resource (construct id `token`). */
  public readonly token: AccountToken;
  /** The token value (sensitive). */
  public readonly value: string;

  constructor(scope: Construct, id: string, props: ScopedApiTokenProps) {
    super(scope, id);
    const permissions = props.permissions instanceof TokenPreset ? props.permissions.permissions : props.permissions;
    const account = permissions.account ?? [];
    const zone = permissions.zone ?? [];
    const problems = new ProblemCollector(id);
    if (account.length + zone.length === 0) problems.add('permissions', 'must grant at least one permission group');
    account.forEach((p, i) => {
      if (!(ACCOUNT_PERMISSIONS as readonly string[]).includes(p)) problems.add(`permissions.account[${i}]`, `must be one of ${ACCOUNT_PERMISSIONS.join(', ')}`, p);
    });
    zone.forEach((p, i) => {
      if (!(ZONE_PERMISSIONS as readonly string[]).includes(p)) problems.add(`permissions.zone[${i}]`, `must be one of ${ZONE_PERMISSIONS.join(', ')}`, p);
    });
    if (zone.length > 0 && !props.zones?.length) problems.add('zones', 'must name the zones that the zone-level permissions cover');
    if (zone.length === 0 && props.zones?.length) {
      problems.add('zones', 'are only used by zone-level permissions; grant one or drop zones', props.zones.map((z) => z.zoneId));
    }
    const repeated = [...account, ...zone].filter((p, i, all) => all.indexOf(p) !== i);
    if (repeated.length) problems.add('permissions', 'must not name a permission group twice', repeated);
    if (props.expires !== undefined && !Token.isUnresolved(props.expires)) {
      const p = isoDateProblem(props.expires);
      if (p) problems.add('expires', p, props.expires);
    }
    problems.throwIfAny();

    const names = [...account, ...zone];
    const groups = new DataCloudflareAccountApiTokenPermissionGroupsList(this, 'permission-groups', {
      accountId: props.accountId,
      maxItems: 1000,
      lifecycle: {
        postcondition: [
          {
            condition: `\${alltrue([for n in ${JSON.stringify(names)} : contains(self.result[*].name, n)])}`,
            errorMessage: `Cloudflare has no permission group named one of ${names.join(', ')} for token ${props.name}.`,
          },
        ],
      },
    });
    const address = `data.${groups.terraformResourceType}.${groups.friendlyUniqueId}`;
    const idOf = (name: string) => `\${[for g in ${address}.result : g.id if g.name == ${JSON.stringify(name)}][0]}`;
    const policies = [
      ...(account.length
        ? [{ effect: 'allow', permissionGroups: account.map((n) => ({ id: idOf(n) })), resources: Fn.jsonencode({ [accountResourceKey(props.accountId)]: '*' }) }]
        : []),
      ...(zone.length
        ? [
            {
              effect: 'allow',
              permissionGroups: zone.map((n) => ({ id: idOf(n) })),
              resources: Fn.jsonencode(Object.fromEntries((props.zones ?? []).map((z) => [zoneResourceKey(z.zoneId), '*']))),
            },
          ]
        : []),
    ];
    this.token = new AccountToken(this, 'token', {
      accountId: props.accountId,
      name: props.name,
      policies,
      ...(props.expires ? { expiresOn: `${props.expires}T00:00:00Z` } : {}),
    });
    recordFact(this.token, FACTS.scopedToken, names);
    this.value = Token.asString(Fn.sensitive(this.token.value));
  }
}
