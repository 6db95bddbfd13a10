import { Annotations, Token } from 'cdktf';
import { Construct } from 'constructs';
import { R2Bucket } from '@cdktf/provider-cloudflare/lib/r2-bucket';
import { R2BucketCors } from '@cdktf/provider-cloudflare/lib/r2-bucket-cors';
import { R2BucketLifecycle, R2BucketLifecycleRules } from '@cdktf/provider-cloudflare/lib/r2-bucket-lifecycle';
import { R2BucketLock } from '@cdktf/provider-cloudflare/lib/r2-bucket-lock';
import { R2CustomDomain } from '@cdktf/provider-cloudflare/lib/r2-custom-domain';
import { R2ManagedDomain } from '@cdktf/provider-cloudflare/lib/r2-managed-domain';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { FACTS, recordFact } from '../../checks/facts';
import { GatehouseError, ProblemCollector } from '../../core/errors';
import { isoDateProblem, today as todayOr } from '../../core/dates';
import { bucketNameProblem, deletionClockProblem, deletionConfirmationProblem, lifecycleConflicts, reasonProblem } from '../../core/rules';
import type { IZone } from '../zone';
import { r2S3Endpoint } from '../permissions';
import { BucketAccess, BucketCredentials, GrantOptions } from './credentials';

/** R2 data jurisdictions. A bucket's jurisdiction never changes. */
export enum Jurisdiction {
  /** No jurisdiction: data may be stored anywhere; S3 endpoint `https://<account>.r2.cloudflarestorage.com`. */
  DEFAULT = 'default',
  /** Data stays in the European Union; S3 endpoint `https://<account>.eu.r2.cloudflarestorage.com`. */
  EU = 'eu',
  /** FedRAMP; S3 endpoint `https://<account>.fedramp.r2.cloudflarestorage.com`. */
  FEDRAMP = 'fedramp',
}

/** R2 storage classes. */
export enum StorageClass {
  /** For data read often. */
  STANDARD = 'Standard',
  /** Cheaper storage, with a retrieval fee and a 30-day minimum storage duration. */
  INFREQUENT_ACCESS = 'InfrequentAccess',
}

/** Lifecycle of objects, in days. */
export interface BucketLifecycle {
  /**
   * Delete objects this many days after upload.
   * @default - objects are kept
   */
  readonly deleteAfterDays?: number;
  /**
   * Abort incomplete multipart uploads after this many days. Always set: a lifecycle
   * configuration replaces R2's default 7-day abort rule.
   * @default 7
   */
  readonly abortMultipartAfterDays?: number;
  /**
   * Move objects to Infrequent Access after this many days.
   * @default - never
   */
  readonly transitionToInfrequentAccessAfterDays?: number;
}

/** A CORS rule for browser access to the bucket. */
export interface BucketCorsRule {
  /** Origins allowed, e.g. `https://app.example.com`. */
  readonly allowedOrigins: readonly string[];
  /** Methods allowed, e.g. `GET`, `PUT`. */
  readonly allowedMethods: readonly string[];
  /**
   * Request headers allowed.
   * @default - none
   */
  readonly allowedHeaders?: readonly string[];
  /**
   * Seconds a browser may cache the preflight answer.
   * @default - not sent
   */
  readonly maxAgeSeconds?: number;
}

/** Declares a bucket public on purpose. */
export interface BucketPublicAccess {
  /** Why the bucket is public (at least 10 characters); recorded for review. */
  readonly reason: string;
  /**
   * Serve the bucket on a hostname in a Cloudflare zone. Without it, the rate-limited r2.dev domain is enabled.
   * @default - r2.dev
   */
  readonly customDomain?: { readonly domain: string; readonly zone: IZone };
}

/** Props for `ManagedBucket`. */
export interface ManagedBucketProps {
  /** The Cloudflare account (32-hex id) that owns the bucket and its credentials. */
  readonly accountId: string;
  /** Bucket name. Changing it would replace the bucket; `prevent_destroy` stops that plan. */
  readonly bucketName: string;
  /**
   * Location hint. Changing it would replace the bucket.
   * @default - Cloudflare picks one near the first request
   */
  readonly location?: 'apac' | 'eeur' | 'enam' | 'weur' | 'wnam' | 'oc';
  /**
   * Jurisdiction, repeated on every sub-resource. Immutable: a change plans a replacement, which `prevent_destroy` refuses.
   * @default Jurisdiction.DEFAULT
   */
  readonly jurisdiction?: Jurisdiction;
  /**
   * Default storage class of new objects.
   * @default StorageClass.STANDARD
   */
  readonly storageClass?: StorageClass;
  /**
   * Object lifecycle.
   * @default - only the 7-day multipart abort rule
   */
  readonly lifecycle?: BucketLifecycle;
  /**
   * Bucket lock: objects cannot be deleted or overwritten for this many days (immutable backups).
   * @default - no lock
   */
  readonly lockRetainDays?: number;
  /**
   * CORS rules.
   * @default - none
   */
  readonly cors?: readonly BucketCorsRule[];
  /**
   * Public access. Without it, r2.dev stays explicitly disabled.
   * @default - private
   */
  readonly public?: BucketPublicAccess;
  /**
   * Retire the bucket: credentials are refused, public access is removed, and every object expires on
   * `since` + `retainDays` (a date rule, so objects older than the retention are not deleted at once).
   * A deletion date on or before tomorrow (`today`) is refused unless `confirmDelete` holds the
   * bucket's name. The bucket itself stays; deleting it is a separate, deliberate act.
   * @default - in service
   */
  readonly retired?: BucketRetirement;
  /**
   * Today (YYYY-MM-DD, UTC), against which a retirement's deletion date is checked.
   * @default - the current date
   */
  readonly today?: string;
}

/** When and for how long a retired bucket keeps its objects. */
export interface BucketRetirement {
  /** The day the bucket was retired, YYYY-MM-DD (UTC). */
  readonly since: string;
  /**
   * Days the objects are kept after `since`.
   * @default 30
   */
  readonly retainDays?: number;
  /**
   * The bucket's exact name, to confirm that its objects expire on `since` + `retainDays` even when
   * that is tomorrow or has passed (a back-dated `since` would otherwise delete everything at once,
   * so it is refused), including at the normal end of the retention.
   * @default - not confirmed
   */
  readonly confirmDelete?: string;
}

const DAY = 86_400;

/** `date` + `days`, as an RFC 3339 UTC midnight. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * An R2 bucket that never loses data by accident: `prevent_destroy`, an explicit lifecycle (always
 * with a multipart abort rule), r2.dev explicitly off unless declared public, optional lock, CORS and
 * custom domain, bucket-scoped rotating S3 credentials, and retirement with retention.
 *
 * @example
 * const backups = new ManagedBucket(this, 'backups', {
 *   accountId, bucketName: 'example-backups',
 *   lifecycle: { deleteAfterDays: 90 }, lockRetainDays: 30,
 * });
 * const creds = backups.grantReadWrite('restic', { rotation: 1 });
 */
export class ManagedBucket extends Construct {
  /** The bucket's name, as given. */
  public readonly bucketName: string;
  /** The bucket's jurisdiction (`jurisdiction`, or `Jurisdiction.DEFAULT`). */
  public readonly jurisdiction: Jurisdiction;
  /** `https://<account>.r2.cloudflarestorage.com`, or the jurisdiction's endpoint. */
  public readonly s3Endpoint: string;
  /** True when the bucket is retired (`retired`): it grants no credentials and its objects expire. */
  public readonly retired: boolean;
  /** The `cloudflare_r2_bucket` resource (construct id `bucket`), with `prevent_destroy`. */
  public readonly bucket: R2Bucket;
  /** The bucket's lifecycle rules (construct id `lifecycle`); always present, with the multipart abort rule. */
  public readonly lifecycleConfig: R2BucketLifecycle;
  /** The r2.dev setting (construct id `r2-dev`): enabled only for a public bucket without a custom domain. */
  public readonly managedDomain: R2ManagedDomain;
  /** The custom domain (construct id `custom-domain`), when `public.customDomain` is set and the bucket is in service. */
  public readonly customDomain?: R2CustomDomain;
  private readonly accountId: string;

  constructor(scope: Construct, id: string, props: ManagedBucketProps) {
    super(scope, id);
    const today = todayOr(props.today);
    bucketPropsProblems(id, props, today).throwIfAny();
    const lockConflicts = lifecycleConflicts({ lockRetainDays: props.lockRetainDays, retiredRetainDays: props.retired ? (props.retired.retainDays ?? 30) : undefined });
    if (lockConflicts.retirementBeforeLock !== undefined) {
      Annotations.of(this).addWarning(
        `retired.retainDays (${lockConflicts.retirementBeforeLock}) is shorter than lockRetainDays (${props.lockRetainDays}); locked objects outlive the expiry`,
      );
    }

    const jurisdiction = props.jurisdiction ?? Jurisdiction.DEFAULT;
    this.accountId = props.accountId;
    this.bucketName = props.bucketName;
    this.jurisdiction = jurisdiction;
    this.retired = props.retired !== undefined;
    this.s3Endpoint = r2S3Endpoint(props.accountId, jurisdiction);

    // Jurisdiction is not RequiresReplace in provider 5.14, so a change would plan an in-place edit that
    // the API refuses. Tie it to a trigger: a change plans a replacement, which prevent_destroy refuses at plan time.
    const pin = new NullResource(this, 'jurisdiction-pin', { triggers: { jurisdiction } });
    this.bucket = new R2Bucket(this, 'bucket', {
      accountId: props.accountId,
      name: props.bucketName,
      jurisdiction,
      storageClass: props.storageClass ?? StorageClass.STANDARD,
      ...(props.location ? { location: props.location } : {}),
      lifecycle: {
        preventDestroy: true,
        replaceTriggeredBy: [`${pin.terraformResourceType}.${pin.friendlyUniqueId}`],
      },
    });
    const sub = { accountId: props.accountId, bucketName: this.bucket.name, jurisdiction };
    this.lifecycleConfig = new R2BucketLifecycle(this, 'lifecycle', { ...sub, rules: lifecycleRules(props) });

    if (props.lockRetainDays !== undefined) {
      new R2BucketLock(this, 'lock', {
        ...sub,
        rules: [{ id: 'retain', enabled: true, prefix: '', condition: { type: 'Age', maxAgeSeconds: props.lockRetainDays * DAY } }],
      });
    }
    if (props.cors?.length) new R2BucketCors(this, 'cors', { ...sub, rules: props.cors.map(corsRule) });

    const publicAccess = props.retired ? undefined : props.public;
    if (publicAccess) recordFact(this.bucket, FACTS.publicBucket, publicAccess.reason);
    if (publicAccess?.customDomain) {
      this.customDomain = new R2CustomDomain(this, 'custom-domain', {
        ...sub,
        domain: publicAccess.customDomain.domain,
        zoneId: publicAccess.customDomain.zone.zoneId,
        enabled: true,
        minTls: '1.2',
      });
    }
    // Deleting this resource does not turn r2.dev off, so it always exists and says so explicitly.
    this.managedDomain = new R2ManagedDomain(this, 'r2-dev', {
      ...sub,
      enabled: publicAccess !== undefined && !publicAccess.customDomain,
    });
  }

  /** Credentials that may read and list objects in this bucket only. */
  public grantRead(id: string, options: GrantOptions = {}): BucketCredentials {
    return this.grant(id, BucketAccess.READ, options);
  }

  /** Credentials that may read, write and list objects in this bucket only. */
  public grantReadWrite(id: string, options: GrantOptions = {}): BucketCredentials {
    return this.grant(id, BucketAccess.READ_WRITE, options);
  }

  private grant(id: string, access: BucketAccess, options: GrantOptions): BucketCredentials {
    if (this.retired) {
      throw new GatehouseError([
        { path: `${this.node.id}.grant(${id})`, message: 'the bucket is retired; its credentials are revoked, remove the grant' },
      ]);
    }
    return new BucketCredentials(this, `credentials-${id}`, {
      ...options,
      accountId: this.accountId,
      bucketName: this.bucketName,
      jurisdiction: this.jurisdiction,
      access,
      tokenName: `r2-${this.bucketName}-${id}`,
    });
  }
}

/** Every problem of a bucket's props (tokens skipped); `today` is the day deletion dates are checked against. */
function bucketPropsProblems(id: string, props: ManagedBucketProps, today: string): ProblemCollector {
  const problems = new ProblemCollector(id);
  if (!Token.isUnresolved(props.bucketName)) {
    const p = bucketNameProblem(props.bucketName);
    if (p) problems.add('bucketName', p, props.bucketName);
  }
  const days = (field: string, value: number | undefined) => {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (!Number.isInteger(value) || value < 1 || value > 36500) problems.add(field, 'must be a whole number of days from 1 to 36500', value);
  };
  const life = props.lifecycle ?? {};
  days('lifecycle.deleteAfterDays', life.deleteAfterDays);
  days('lifecycle.abortMultipartAfterDays', life.abortMultipartAfterDays);
  days('lifecycle.transitionToInfrequentAccessAfterDays', life.transitionToInfrequentAccessAfterDays);
  days('lockRetainDays', props.lockRetainDays);
  days('retired.retainDays', props.retired?.retainDays);
  const todayProblem = props.today === undefined ? undefined : isoDateProblem(props.today);
  if (todayProblem) problems.add('today', todayProblem, props.today);
  if (props.retired) retirementProblems(props, props.retired, today, problems);
  const conflicts = lifecycleConflicts({ deleteAfterDays: life.deleteAfterDays, transitionAfterDays: life.transitionToInfrequentAccessAfterDays, lockRetainDays: props.lockRetainDays });
  if (conflicts.transitionNotBeforeDelete !== undefined) {
    problems.add('lifecycle.transitionToInfrequentAccessAfterDays', 'must be less than deleteAfterDays', conflicts.transitionNotBeforeDelete);
  }
  if (conflicts.deleteBeforeLock !== undefined) {
    problems.add('lifecycle.deleteAfterDays', `must be at least lockRetainDays (${props.lockRetainDays})`, conflicts.deleteBeforeLock);
  }
  if (props.public && reasonProblem(props.public.reason)) {
    problems.add('public.reason', 'must explain in at least 10 characters why the bucket is public', props.public.reason);
  }
  return problems;
}

/** A retirement's date, and its deletion clock (lib/core/rules.ts), checked once the date and the name are literal. */
function retirementProblems(props: ManagedBucketProps, retired: BucketRetirement, today: string, problems: ProblemCollector): void {
  const p = isoDateProblem(retired.since);
  if (p) problems.add('retired.since', p, retired.since);
  const retainDays = retired.retainDays ?? 30;
  if (p || isoDateProblem(today) || !Number.isInteger(retainDays) || Token.isUnresolved(props.bucketName)) return;
  const clock = deletionClockProblem({
    start: retired.since,
    retainDays,
    today,
    bucketName: props.bucketName,
    confirmDelete: retired.confirmDelete,
    startField: 'since',
    confirmField: 'retired.confirmDelete',
  });
  if (clock) problems.add('retired.since', clock, retired.since);
  const confirm = deletionConfirmationProblem(props.bucketName, retired.confirmDelete);
  if (confirm) problems.add('retired.confirmDelete', confirm, retired.confirmDelete);
}

/** The lifecycle rules: the multipart abort always, then deletion (a date once retired) and the IA transition. */
function lifecycleRules(props: ManagedBucketProps): R2BucketLifecycleRules[] {
  const life = props.lifecycle ?? {};
  const rules: R2BucketLifecycleRules[] = [
    {
      id: 'abort-multipart',
      enabled: true,
      conditions: { prefix: '' },
      abortMultipartUploadsTransition: { condition: { type: 'Age', maxAge: (life.abortMultipartAfterDays ?? 7) * DAY } },
    },
  ];
  if (props.retired) {
    // A date, not an age: an age rule would delete every object already older than the retention at once.
    rules.push({
      id: 'retired-expire-all',
      enabled: true,
      conditions: { prefix: '' },
      deleteObjectsTransition: { condition: { type: 'Date', date: addDays(props.retired.since, props.retired.retainDays ?? 30) } },
    });
  } else if (life.deleteAfterDays !== undefined) {
    rules.push({
      id: 'delete-after',
      enabled: true,
      conditions: { prefix: '' },
      deleteObjectsTransition: { condition: { type: 'Age', maxAge: life.deleteAfterDays * DAY } },
    });
  }
  if (life.transitionToInfrequentAccessAfterDays !== undefined && !props.retired) {
    rules.push({
      id: 'to-infrequent-access',
      enabled: true,
      conditions: { prefix: '' },
      storageClassTransitions: [
        { condition: { type: 'Age', maxAge: life.transitionToInfrequentAccessAfterDays * DAY }, storageClass: StorageClass.INFREQUENT_ACCESS },
      ],
    });
  }
  return rules;
}

/** A CORS rule as the provider takes it. */
function corsRule(r: BucketCorsRule) {
  return {
    allowed: {
      origins: [...r.allowedOrigins],
      methods: [...r.allowedMethods],
      ...(r.allowedHeaders?.length ? { headers: [...r.allowedHeaders] } : {}),
    },
    ...(r.maxAgeSeconds !== undefined ? { maxAgeSeconds: r.maxAgeSeconds } : {}),
  };
}
