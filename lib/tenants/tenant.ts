import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ProblemCollector } from '../core/errors';
import { isoDateProblem, today as todayOr } from '../core/dates';
import { hostnameProblem } from '../core/hostnames';
import { deletionClockProblem, deletionConfirmationProblem } from '../core/rules';
import type { IZone } from '../cloudflare/zone';
import { AccessGatedApp } from '../cloudflare/access/app';
import type { IIdentityProvider } from '../cloudflare/access/identity-provider';
import type { IAccessPolicy } from '../cloudflare/access/policy';
import type { OriginOptions } from '../cloudflare/ingress';
import { Jurisdiction, ManagedBucket, ManagedBucketProps } from '../cloudflare/r2/bucket';
import type { BucketCredentials } from '../cloudflare/r2/credentials';
import { TunnelHost } from '../cloudflare/tunnel';

/** Gate a tenant's hostname with an Access app. */
export interface TenantAccess {
  /** Reusable policies of the tenant's app, attached with precedence 1, 2, ... in this order. */
  readonly policies: readonly IAccessPolicy[];
  /**
   * Identity providers the tenant's users may pick from.
   * @default - every identity provider in the account
   */
  readonly identityProviders?: readonly IIdentityProvider[];
}

/** Props for `ManagedTenant`. */
export interface ManagedTenantProps {
  /** The Cloudflare account (32-hex id) that owns the tenant's tunnel, app, bucket and token. */
  readonly accountId: string;
  /** The zone that holds the tenant's hostname (`Zone.fromZoneId`). */
  readonly zone: IZone;
  /** Zero Trust team name, for the Access app and the connector-side JWT check. */
  readonly teamName: string;
  /** Tenant id (stable): names the tunnel `<tunnelPrefix>-t-<id>`. */
  readonly tenantId: string;
  /** Tunnel name prefix, usually the deployment name. */
  readonly tunnelPrefix: string;
  /** The tenant's public hostname, `<sub>.<zone>`. */
  readonly hostname: string;
  /** Origin service on the tenant's hub, e.g. `http://localhost:80`. */
  readonly service: string;
  /** The tenant's bucket. */
  readonly bucketName: string;
  /**
   * Disabled: the tunnel, DNS record, Access app and credentials are removed, and the bucket is
   * retired (objects expire after `retainDays`, unless `deleteBucket` is false). Nothing is lost at once.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Bump to rotate the bucket credentials.
   * @default 1
   */
  readonly rotation?: number;
  /**
   * Retention of a disabled tenant's objects, in days after `disabledOn`.
   * @default 30
   */
  readonly retainDays?: number;
  /**
   * Whether disabling the tenant deletes its objects (`retainDays` after `disabledOn`). False keeps
   * the bucket and its objects after the tenant is disabled, with no deletion date; only its
   * credentials, tunnel, DNS record and Access app go.
   * @default true
   */
  readonly deleteBucket?: boolean;
  /**
   * The day the tenant was disabled (YYYY-MM-DD); required when `enabled` is false and `deleteBucket` is true.
   * @default - not disabled
   */
  readonly disabledOn?: string;
  /**
   * The bucket's exact name, to confirm that a disabled tenant's objects expire on `disabledOn` +
   * `retainDays` even when that is tomorrow or has passed (otherwise refused: a back-dated
   * `disabledOn` would delete everything at once), including at the normal end of the retention.
   * @default - not confirmed
   */
  readonly confirmDelete?: string;
  /**
   * Today (YYYY-MM-DD, UTC), against which the deletion date of a disabled tenant is checked.
   * @default - the current date
   */
  readonly today?: string;
  /**
   * Gate the hostname with an Access app.
   * @default - public, with `publicReason`
   */
  readonly access?: TenantAccess;
  /**
   * Why the hostname is public when there is no Access app (the hub authenticates its own users), at
   * least 10 characters. Ignored when `access` is set.
   * @default - not declared public: without `access`, the policy pack refuses the tenant's routes
   *   (Gatehouse-AccessRouteCoverage)
   */
  readonly publicReason?: string;
  /**
   * Expiry of the bucket credentials, YYYY-MM-DD.
   * @default - never (the policy pack warns)
   */
  readonly keyExpires?: string;
  /**
   * More hostnames in `zone` routed through the tenant's tunnel to the same service (e.g. its workspace
   * hosts), each with a proxied CNAME, and gated by the tenant's app when it has one.
   * @default - none
   */
  readonly extraHostnames?: readonly string[];
  /**
   * Origin options of the tenant's ingress rules (e.g. `noTlsVerify` for a hub that serves only HTTPS
   * with a self-signed certificate).
   * @default - cloudflared defaults
   */
  readonly origin?: OriginOptions;
  /**
   * Location hint of the bucket. Fixed once the bucket exists: a change would replace it, which `prevent_destroy` refuses.
   * @default - Cloudflare picks one near the first request
   */
  readonly bucketLocation?: ManagedBucketProps['location'];
  /**
   * Jurisdiction of the bucket (and its credentials' endpoint). Fixed once the bucket exists: `ManagedBucket` pins it.
   * @default Jurisdiction.DEFAULT
   */
  readonly jurisdiction?: Jurisdiction;
}

/**
 * One tenant of the managed offering: its own tunnel (the token is for the tenant's hub to run; no
 * gatehouse host), a proxied hostname, a bucket with bucket-scoped credentials, and optionally an
 * Access app. Child ids (`site`, `app`, `bucket`) are public API: they name Terraform addresses.
 *
 * @example
 * new ManagedTenant(stack, 'tenant-acme', {
 *   accountId, zone: Zone.fromZoneId(zoneId), teamName: 'example', tenantId: 'acme', tunnelPrefix: 'example',
 *   hostname: 'acme.example.com', service: 'http://localhost:80', bucketName: 'example-t-acme',
 *   publicReason: 'the hub authenticates its own users',
 * });
 */
export class ManagedTenant extends Construct {
  /** The tenant's public hostname, as given. */
  public readonly hostname: string;
  /** The tenant's hostname, then its extra hostnames. */
  public readonly hostnames: readonly string[];
  /** Whether the tenant is in service (`enabled`, default true); a disabled tenant keeps only its retired bucket. */
  public readonly enabled: boolean;
  /** The tenant's bucket (construct id `bucket`); kept, and retired, when the tenant is disabled. */
  public readonly bucket: ManagedBucket;
  /** The tenant's tunnel and its CNAMEs (construct id `site`). Present while enabled. */
  public readonly site?: TunnelHost;
  /** The Access app over the tenant's hostnames (construct id `app`), while enabled and when `access` is set. */
  public readonly app?: AccessGatedApp;
  /** The hub's read-write credentials for the bucket (`credentials-hub` under `bucket`). Present while enabled. */
  public readonly credentials?: BucketCredentials;

  constructor(scope: Construct, id: string, props: ManagedTenantProps) {
    super(scope, id);
    this.hostname = props.hostname;
    this.hostnames = [props.hostname, ...(props.extraHostnames ?? [])];
    this.enabled = props.enabled ?? true;
    tenantProblems(id, props, this.enabled, this.hostnames).throwIfAny();

    const hostnames = [props.hostname, ...(props.extraHostnames ?? [])];
    if (this.enabled) {
      if (props.access) {
        this.app = new AccessGatedApp(this, 'app', {
          accountId: props.accountId,
          name: `tenant ${props.tenantId}`,
          teamName: props.teamName,
          hostnames,
          policies: props.access.policies,
          ...(props.access.identityProviders ? { identityProviders: props.access.identityProviders } : {}),
        });
      }
      this.site = new TunnelHost(this, 'site', {
        accountId: props.accountId,
        // `-t-` keeps tenant tunnels apart from the sites' `<name>-primary` and `<name>-standby`.
        tunnelName: `${props.tunnelPrefix}-t-${props.tenantId}`,
        routes: hostnames.map((hostname) => ({
          hostname,
          service: props.service,
          ...(props.origin ? { origin: props.origin } : {}),
          ...(!props.access && props.publicReason ? { public: { reason: props.publicReason } } : {}),
        })),
        accessApps: this.app ? [this.app] : [],
        dnsZone: props.zone,
      });
    }

    this.bucket = new ManagedBucket(this, 'bucket', {
      accountId: props.accountId,
      bucketName: props.bucketName,
      ...(props.bucketLocation ? { location: props.bucketLocation } : {}),
      ...(props.jurisdiction ? { jurisdiction: props.jurisdiction } : {}),
      ...(props.today !== undefined ? { today: props.today } : {}),
      ...(this.enabled || props.deleteBucket === false || props.disabledOn === undefined
        ? {}
        : {
            retired: {
              since: props.disabledOn,
              retainDays: props.retainDays ?? 30,
              ...(props.confirmDelete !== undefined ? { confirmDelete: props.confirmDelete } : {}),
            },
          }),
    });
    if (this.enabled) {
      this.credentials = this.bucket.grantReadWrite('hub', {
        rotation: props.rotation ?? 1,
        ...(props.keyExpires ? { expires: props.keyExpires } : {}),
      });
    }
  }
}

/** Every problem of a tenant's props: its extra hostnames, and a disabled tenant's deletion date. */
function tenantProblems(id: string, props: ManagedTenantProps, enabled: boolean, hostnames: readonly string[]): ProblemCollector {
  const problems = new ProblemCollector(id);
  (props.extraHostnames ?? []).forEach((h, i) => {
    if (Token.isUnresolved(h)) return;
    const p = hostnameProblem(h);
    if (p) problems.add(`extraHostnames[${i}]`, p, h);
    else if (hostnames.indexOf(h) < i + 1) problems.add(`extraHostnames[${i}]`, 'repeats a hostname of the tenant; list each once', h);
  });
  if (!enabled && props.deleteBucket === false) {
    if (props.confirmDelete !== undefined) problems.add('confirmDelete', 'confirms a deletion, but deleteBucket is false; remove one of them', props.confirmDelete);
  } else if (!enabled) {
    const today = todayOr(props.today);
    const disabledOn = props.disabledOn;
    const dateProblem = disabledOn === undefined ? undefined : isoDateProblem(disabledOn);
    if (disabledOn === undefined) problems.add('disabledOn', 'is required when enabled is false: the day retention starts');
    else if (dateProblem) problems.add('disabledOn', dateProblem, disabledOn);
    else if (!isoDateProblem(today)) {
      const clock = deletionClockProblem({
        start: disabledOn,
        retainDays: props.retainDays ?? 30,
        today,
        bucketName: props.bucketName,
        confirmDelete: props.confirmDelete,
        startField: 'disabledOn',
        confirmField: 'confirmDelete',
      });
      if (clock) problems.add('disabledOn', clock, props.disabledOn);
    }
    const confirm = deletionConfirmationProblem(props.bucketName, props.confirmDelete);
    if (confirm) problems.add('confirmDelete', confirm, props.confirmDelete);
  }
  return problems;
}
