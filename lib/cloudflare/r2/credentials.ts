import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AccountToken } from '@cdktf/provider-cloudflare/lib/account-token';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { isoDateProblem } from '../../core/dates';
import { lookup, ProblemCollector } from '../../core/errors';
import { GOOGLE_ROLES } from '../../google/roles';
import { R2_PERMISSION_GROUPS, r2BucketResourceKey, r2S3Endpoint } from '../permissions';

/** What a credential may do in its bucket. */
export enum BucketAccess {
  /** Read and list objects ("Workers R2 Storage Bucket Item Read"). */
  READ = 'read',
  /** Read, write and list objects ("Workers R2 Storage Bucket Item Write"). */
  READ_WRITE = 'read-write',
}

/** Deliver credentials to a GCE consumer through Secret Manager. */
export interface SecretManagerDelivery {
  /** Project that holds the secret. */
  readonly project: string;
  /** Secret id, e.g. `example-backups-restic`. */
  readonly secretId: string;
  /** The only principal that may read it, e.g. a host service account's `member`. */
  readonly member: string;
}

/** Options for `ManagedBucket.grantRead` / `grantReadWrite`. */
export interface GrantOptions {
  /**
   * Bump to mint new credentials (the old token is deleted after the new one exists).
   * @default 1
   */
  readonly rotation?: number;
  /**
   * Keep two tokens and re-mint only one per bump, so the previous credentials stay valid until the
   * next bump and consumers can switch without downtime.
   * @default false
   */
  readonly twoSlot?: boolean;
  /**
   * Token expiry, `YYYY-MM-DD` (UTC midnight).
   * @default - never expires (the policy pack warns)
   */
  readonly expires?: string;
  /**
   * Also store the current credentials as JSON in Secret Manager for one GCE consumer.
   * @default - not delivered
   */
  readonly deliverTo?: SecretManagerDelivery;
}

/** S3-compatible credentials derived from an account token. */
export interface S3Credentials {
  /** The access key id: the token id. */
  readonly accessKeyId: string;
  /** The secret access key: sha256 (hex) of the token value. Sensitive. */
  readonly secretAccessKey: string;
}

/** Internal props for `BucketCredentials`; created through `ManagedBucket.grant*`. */
export interface BucketCredentialsProps extends GrantOptions {
  /** The Cloudflare account (32-hex id) that owns the bucket and the token. */
  readonly accountId: string;
  /** The one bucket the token may reach. */
  readonly bucketName: string;
  /** The bucket's jurisdiction (`default`, `eu`, `fedramp`): part of the token's resource key and of the S3 endpoint. */
  readonly jurisdiction: string;
  /** What the token may do in the bucket. */
  readonly access: BucketAccess;
  /** Token name prefix. */
  readonly tokenName: string;
}

/**
 * Bucket-scoped S3 credentials: an account-owned API token limited to exactly one bucket, with
 * rotation through a `null_resource` trigger and `replace_triggered_by`. The access key id is the
 * token id and the secret access key the SHA-256 of the token value
 * (https://developers.cloudflare.com/r2/api/tokens/). Create it with `ManagedBucket.grantRead` or
 * `grantReadWrite`, which refuse a retired bucket.
 *
 * @example
 * const creds = bucket.grantReadWrite('restic', { rotation: 2, twoSlot: true });
 * new TerraformOutput(stack, 'restic_secret_access_key', { value: creds.secretAccessKey, sensitive: true });
 */
export class BucketCredentials extends Construct {
  /** The credentials consumers should use now. */
  public readonly current: S3Credentials;
  /** In two-slot mode, the credentials minted by the previous bump (still valid). */
  public readonly previous?: S3Credentials;
  /** The S3 endpoint of the bucket's jurisdiction. */
  public readonly s3Endpoint: string;
  /** The access key id of the current credentials. */
  public readonly accessKeyId: string;
  /** The secret access key of the current credentials (sensitive). */
  public readonly secretAccessKey: string;
  /** Tokens created, keyed by slot. */
  public readonly tokens: ReadonlyMap<string, AccountToken>;

  constructor(scope: Construct, id: string, props: BucketCredentialsProps) {
    super(scope, id);
    const rotation = props.rotation ?? 1;
    const problems = new ProblemCollector(id);
    if (!Token.isUnresolved(rotation) && (!Number.isInteger(rotation) || rotation < 0)) {
      problems.add('rotation', 'must be a whole number of 0 or more', rotation);
    }
    if (props.expires !== undefined) {
      const p = isoDateProblem(props.expires);
      if (p) problems.add('expires', p, props.expires);
    }
    if (props.twoSlot && Token.isUnresolved(rotation)) {
      // The slot triggers and the current slot are computed here, so they need the literal number.
      problems.add('rotation', 'must be a literal number in two-slot mode, not a terraform expression', rotation);
    }
    problems.throwIfAny();

    const permissionGroup =
      props.access === BucketAccess.READ ? R2_PERMISSION_GROUPS.bucketItemRead : R2_PERMISSION_GROUPS.bucketItemWrite;
    const resources = Fn.jsonencode({ [r2BucketResourceKey(props.accountId, props.jurisdiction, props.bucketName)]: '*' });

    // Each slot re-mints when its trigger changes. One slot: every bump. Two slots: slot a on even
    // rotation values, slot b on odd ones, so the previous slot keeps working until the next bump.
    const slots: Array<{ name: string; trigger: number }> = props.twoSlot
      ? [
          { name: 'a', trigger: rotation % 2 === 0 ? rotation : rotation - 1 },
          { name: 'b', trigger: rotation % 2 === 1 ? rotation : rotation - 1 },
        ]
      : [{ name: 'token', trigger: rotation }];
    const tokens = new Map<string, AccountToken>();
    for (const slot of slots) {
      const trigger = new NullResource(this, `${slot.name}-rotation`, { triggers: { rotation: String(slot.trigger) } });
      const token = new AccountToken(this, slot.name, {
        accountId: props.accountId,
        name: `${props.tokenName}${slot.name === 'token' ? '' : `-${slot.name}`}`,
        policies: [{ effect: 'allow', permissionGroups: [{ id: permissionGroup }], resources }],
        ...(props.expires ? { expiresOn: `${props.expires}T00:00:00Z` } : {}),
        lifecycle: {
          createBeforeDestroy: true,
          // A bare address: cdktf renders resource references here as "${...}", which Terraform rejects
          // in JSON (hashicorp/terraform-cdk#3196).
          replaceTriggeredBy: [`${trigger.terraformResourceType}.${trigger.friendlyUniqueId}`],
        },
      });
      tokens.set(slot.name, token);
    }
    this.tokens = tokens;

    const derive = (token: AccountToken): S3Credentials => ({
      accessKeyId: token.id,
      secretAccessKey: Token.asString(Fn.sensitive(Fn.sha256(token.value))),
    });
    if (props.twoSlot) {
      const currentSlot = rotation % 2 === 0 ? 'a' : 'b';
      this.current = derive(lookup(tokens, currentSlot, 'credential slot'));
      this.previous = derive(lookup(tokens, currentSlot === 'a' ? 'b' : 'a', 'credential slot'));
    } else {
      this.current = derive(lookup(tokens, 'token', 'credential slot'));
    }
    this.accessKeyId = this.current.accessKeyId;
    this.secretAccessKey = this.current.secretAccessKey;
    this.s3Endpoint = r2S3Endpoint(props.accountId, props.jurisdiction);

    if (props.deliverTo) this.deliver(props.deliverTo, props.bucketName);
  }

  /** Store the current credentials as JSON in Secret Manager, readable by `d.member` only. */
  private deliver(d: SecretManagerDelivery, bucketName: string): void {
    const secret = new SecretManagerSecret(this, 'secret', {
      project: d.project,
      secretId: d.secretId,
      replication: { auto: {} },
      labels: { 'managed-by': 'gatehouse' },
    });
    new SecretManagerSecretIamMember(this, 'secret-access', {
      project: d.project,
      secretId: secret.secretId,
      role: GOOGLE_ROLES.secretAccessor,
      member: d.member,
    });
    new SecretManagerSecretVersion(this, 'secret-version', {
      secret: secret.id,
      // secret_data is ForceNew: each rotation makes a new version. Created before the old one is
      // destroyed (as the connector's token version), so `versions/latest` always resolves to working
      // credentials while the consumer re-reads them.
      lifecycle: { createBeforeDestroy: true },
      secretData: Token.asString(
        Fn.sensitive(
          Fn.jsonencode({
            access_key_id: this.current.accessKeyId,
            secret_access_key: this.current.secretAccessKey,
            endpoint: this.s3Endpoint,
            bucket: bucketName,
            region: 'auto',
          }),
        ),
      ),
    });
  }
}
