/**
 * Cloudflare permission-group ids and resource keys. Private to the library: constructs hand out
 * scoped credentials through `grant*` methods; nothing else names these ids.
 * Source: Cloudflare R2 docs, "Authentication" (https://developers.cloudflare.com/r2/api/tokens/): the
 * permission groups of bucket-scoped tokens and the resource key of one bucket.
 */
export const R2_PERMISSION_GROUPS = {
  /** "Workers R2 Storage Bucket Item Read": read and list objects in one bucket. */
  bucketItemRead: '6a018a9f2fc74eb6b293b0c548f38b39',
  /** "Workers R2 Storage Bucket Item Write": read, write and list objects in one bucket. */
  bucketItemWrite: '2efd5506f9c8494dacb1fa10a3e7d5b6',
} as const;

/**
 * The resource key that scopes a token to exactly one bucket:
 * `com.cloudflare.edge.r2.bucket.<account>_<jurisdiction>_<bucket>`, where the jurisdiction is
 * `default` for a bucket outside any jurisdiction (https://developers.cloudflare.com/r2/api/tokens/).
 */
export function r2BucketResourceKey(accountId: string, jurisdiction: string, bucketName: string): string {
  return `com.cloudflare.edge.r2.bucket.${accountId}_${jurisdiction}_${bucketName}`;
}

/** The S3 endpoint for an account and jurisdiction. Jurisdictional buckets are reachable only on their own. */
export function r2S3Endpoint(accountId: string, jurisdiction: string): string {
  return jurisdiction === 'default'
    ? `https://${accountId}.r2.cloudflarestorage.com`
    : `https://${accountId}.${jurisdiction}.r2.cloudflarestorage.com`;
}

/**
 * Account-level permission groups that `ScopedApiToken` grants, by their Cloudflare names; they cover
 * the whole account. Ids are looked up by name at plan time (`cloudflare_account_api_token_permission_groups_list`), never guessed.
 */
export const ACCOUNT_PERMISSIONS = ['Pages Write', 'Workers Scripts Write', 'Cloudflare Tunnel Write', 'D1 Write'] as const;
/**
 * Zone-level permission groups that `ScopedApiToken` grants, by their Cloudflare names; they cover
 * the zones the token names (`zones`), never the whole account. Looked up by name at plan time.
 */
export const ZONE_PERMISSIONS = ['DNS Write', 'Zone Read', 'Workers Routes Write'] as const;
/** The name of an account-level permission group `ScopedApiToken` grants (one of `ACCOUNT_PERMISSIONS`). */
export type AccountPermission = (typeof ACCOUNT_PERMISSIONS)[number];
/** The name of a zone-level permission group `ScopedApiToken` grants (one of `ZONE_PERMISSIONS`). */
export type ZonePermission = (typeof ZONE_PERMISSIONS)[number];

/** Resource key of a whole account (account-level permissions). */
export function accountResourceKey(accountId: string): string {
  return `com.cloudflare.api.account.${accountId}`;
}

/** Resource key of one zone (zone-level permissions). */
export function zoneResourceKey(zoneId: string): string {
  return `com.cloudflare.api.account.zone.${zoneId}`;
}
