/** Buckets: each R2 bucket with its lifecycle, lock, CORS, public access, retirement and scoped credentials. */
import type { Construct } from 'constructs';
import { ManagedBucket, ManagedBucketProps } from '../cloudflare/r2/bucket';
import type { BucketCredentials } from '../cloudflare/r2/credentials';
import { JURISDICTIONS, STORAGE_CLASSES } from './enums';
import type { DeploymentModel, ModelBucket } from './model';

/** A bucket and the credentials it grants, by consumer (none once retired: its credentials are revoked). */
export interface MappedBucket {
  /** The bucket (construct id `bucket-<key>`). */
  readonly bucket: ManagedBucket;
  /** Its credentials, by consumer name (`credentials.<consumer>`); empty once the bucket is retired. */
  readonly credentials: ReadonlyMap<string, BucketCredentials>;
}

/** The service-account members of the sites' hosts, for credentials delivered to a site. */
export interface SiteMembers {
  /** The primary GCE host's service account member; absent when the primary is external (nothing is delivered to it). */
  readonly primary?: string;
  /** The standby GCE host's service account member; absent without a GCE standby (nothing is delivered to it). */
  readonly standby?: string;
}

function bucketProps(m: DeploymentModel, b: ModelBucket): ManagedBucketProps {
  const spec = b.spec;
  const domain = b.customDomain?.hostname;
  return {
    accountId: m.accountId,
    bucketName: b.bucketName,
    jurisdiction: JURISDICTIONS[spec.jurisdiction],
    storageClass: STORAGE_CLASSES[spec.storage_class],
    ...(spec.location ? { location: spec.location } : {}),
    lifecycle: {
      abortMultipartAfterDays: spec.lifecycle.abort_multipart_after_days,
      ...(spec.lifecycle.delete_after_days !== undefined ? { deleteAfterDays: spec.lifecycle.delete_after_days } : {}),
      ...(spec.lifecycle.transition_to_ia_after_days !== undefined ? { transitionToInfrequentAccessAfterDays: spec.lifecycle.transition_to_ia_after_days } : {}),
    },
    ...(spec.lock ? { lockRetainDays: spec.lock.retain_days } : {}),
    cors: spec.cors.map((c) => ({
      allowedOrigins: c.allowed_origins,
      allowedMethods: c.allowed_methods,
      allowedHeaders: c.allowed_headers,
      ...(c.max_age_seconds !== undefined ? { maxAgeSeconds: c.max_age_seconds } : {}),
    })),
    ...(spec.public
      ? { public: { reason: spec.public.reason, ...(domain ? { customDomain: { domain, zone: m.recordZone(domain) } } : {}) } }
      : {}),
    ...(spec.retired
      ? {
          retired: {
            since: spec.retired.since,
            retainDays: spec.retired.retain_days,
            ...(spec.retired.confirm_delete !== undefined ? { confirmDelete: spec.retired.confirm_delete } : {}),
          },
        }
      : {}),
    today: m.today,
  };
}

/** A bucket's credentials, each delivered to its site's Secret Manager when the file says so. */
function grants(m: DeploymentModel, b: ModelBucket, bucket: ManagedBucket, members: SiteMembers): Map<string, BucketCredentials> {
  const granted = new Map<string, BucketCredentials>();
  if (b.retired) return granted; // retired: credentials revoked
  for (const [consumer, cred] of Object.entries(b.spec.credentials)) {
    const gce = cred.deliver_to ? m.sites?.[cred.deliver_to]?.gce : undefined;
    const member = cred.deliver_to ? members[cred.deliver_to] : undefined;
    const options = {
      rotation: cred.rotation,
      twoSlot: cred.two_slot,
      ...(cred.expires ? { expires: cred.expires } : {}),
      ...(gce && member ? { deliverTo: { project: gce.project, secretId: `${bucket.bucketName}-${consumer}-s3`, member } } : {}),
    };
    granted.set(consumer, cred.access === 'read' ? bucket.grantRead(consumer, options) : bucket.grantReadWrite(consumer, options));
  }
  return granted;
}

/** The buckets (`bucket-<key>`) and their credentials, by key. */
export function managedBuckets(scope: Construct, m: DeploymentModel, members: SiteMembers): Map<string, MappedBucket> {
  return new Map(
    [...m.buckets.values()].map((b) => {
      const bucket = new ManagedBucket(scope, `bucket-${b.key}`, bucketProps(m, b));
      return [b.key, { bucket, credentials: grants(m, b, bucket, members) }];
    }),
  );
}
