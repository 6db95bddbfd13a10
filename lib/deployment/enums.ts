/**
 * The deployment file's enum strings as the constructs' enums. zod has validated each string against
 * its `z.enum` (lib/config/schema.ts); each table lists every string of that enum exactly once (tsc
 * refuses a missing or an unknown key), so a value the schema gains without a construct enum member
 * fails the build, not the synth.
 */
import { SameSite } from '../cloudflare/access/app';
import { AccessDecision } from '../cloudflare/access/rules';
import { PagesSourceType } from '../cloudflare/pages';
import { Jurisdiction, StorageClass } from '../cloudflare/r2/bucket';
import type { AppSpec, BucketSpec, Deployment, GceSiteSpec, PolicySpec } from '../config/schema';
import { HostEgress } from '../google/connector-host';

/** `access_policies.<name>.decision`. */
export const ACCESS_DECISIONS: Readonly<Record<PolicySpec['decision'], AccessDecision>> = {
  allow: AccessDecision.ALLOW,
  deny: AccessDecision.DENY,
  bypass: AccessDecision.BYPASS,
  non_identity: AccessDecision.NON_IDENTITY,
};

/** `apps.<name>.cookies.same_site`. */
export const SAME_SITES: Readonly<Record<AppSpec['cookies']['same_site'], SameSite>> = {
  strict: SameSite.STRICT,
  lax: SameSite.LAX,
  none: SameSite.NONE,
};

/** `buckets.<key>.jurisdiction`, and `tenants.jurisdiction` (the same strings: tsc checks the lookup in stacks/tenants.ts). */
export const JURISDICTIONS: Readonly<Record<BucketSpec['jurisdiction'], Jurisdiction>> = {
  default: Jurisdiction.DEFAULT,
  eu: Jurisdiction.EU,
  fedramp: Jurisdiction.FEDRAMP,
};

/** `buckets.<key>.storage_class`. */
export const STORAGE_CLASSES: Readonly<Record<BucketSpec['storage_class'], StorageClass>> = {
  Standard: StorageClass.STANDARD,
  InfrequentAccess: StorageClass.INFREQUENT_ACCESS,
};

/** `pages.<name>.source.type`. */
export const PAGES_SOURCE_TYPES: Readonly<Record<NonNullable<Deployment['pages'][string]['source']>['type'], PagesSourceType>> = {
  github: PagesSourceType.GITHUB,
  gitlab: PagesSourceType.GITLAB,
};

/** `sites.<role>.egress` of a GCE site. */
export const HOST_EGRESSES: Readonly<Record<GceSiteSpec['egress'], HostEgress>> = {
  'cloud-nat': HostEgress.CLOUD_NAT,
  'external-ip': HostEgress.EXTERNAL_IP,
  existing: HostEgress.EXISTING,
};
