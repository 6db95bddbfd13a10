/**
 * The import ids Cloudflare provider 5.14 accepts, one function per resource type gatehouse can
 * adopt. Each format is the one the provider documents in `docs/resources/<type>.md` ("Import") and
 * parses in `internal/services/<type>/resource.go` (`ImportState` -> `importpath.ParseImportID`,
 * which splits on `/` and needs the exact number of segments) at tag v5.14.0 of
 * https://github.com/cloudflare/terraform-provider-cloudflare. docs/adopt.md lists them with the
 * line of each source.
 *
 * Use them with cdktf's `importFrom` to adopt an object that already exists:
 *
 * @example
 * const site = new TunnelHost(this, 'site', { accountId, tunnelName: 'example-primary', routes });
 * site.tunnel.importFrom(importIds.tunnel(accountId, '5f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190'));
 * site.config.importFrom(importIds.tunnelConfig(accountId, '5f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190'));
 */

/** A documented import-id format of one resource type, and where provider 5.14 states it. */
export interface ImportIdFormat {
  /** The Terraform resource type, e.g. `cloudflare_dns_record`. */
  readonly resourceType: string;
  /** The format as gatehouse writes it (account-scoped where the provider also takes a zone). */
  readonly format: string;
  /** The provider's own wording of the format. */
  readonly documented: string;
  /** `docs/resources/<r>.md:<line>` at v5.14.0: the `terraform import` line. */
  readonly doc: string;
  /** `internal/services/<r>/resource.go:<line>` at v5.14.0: the format `ImportState` parses. */
  readonly source: string;
}

const row = (r: string, format: string, documented: string, docLine: number, srcLine: number): ImportIdFormat => ({
  resourceType: `cloudflare_${r}`,
  format,
  documented,
  doc: `docs/resources/${r}.md:${docLine}`,
  source: `internal/services/${r}/resource.go:${srcLine}`,
});

const ACCESS = '<{accounts|zones}/{account_id|zone_id}>';

/** Every resource type gatehouse adopts, with its import-id format (provider 5.14.0). */
export const IMPORT_ID_FORMATS: readonly ImportIdFormat[] = [
  row('zero_trust_tunnel_cloudflared', '<account_id>/<tunnel_id>', '<account_id>/<tunnel_id>', 72, 229),
  row('zero_trust_tunnel_cloudflared_config', '<account_id>/<tunnel_id>', '<account_id>/<tunnel_id>', 185, 202),
  row('dns_record', '<zone_id>/<dns_record_id>', '<zone_id>/<dns_record_id>', 121, 230),
  row('zero_trust_access_identity_provider', 'accounts/<account_id>/<identity_provider_id>', `${ACCESS}/<identity_provider_id>`, 127, 267),
  row('zero_trust_access_group', 'accounts/<account_id>/<group_id>', `${ACCESS}/<group_id>`, 738, 260),
  row('zero_trust_access_policy', '<account_id>/<policy_id>', '<account_id>/<policy_id>', 771, 257),
  row('zero_trust_access_service_token', 'accounts/<account_id>/<service_token_id>', `${ACCESS}/<service_token_id>`, 51, 259),
  row('zero_trust_access_application', 'accounts/<account_id>/<app_id>', `${ACCESS}/<app_id>`, 1113, 272),
  row('r2_bucket', '<account_id>/<bucket_name>/<jurisdiction>', '<account_id>/<bucket_name>/<jurisdiction>', 50, 232),
  row('pages_project', '<account_id>/<project_name>', '<account_id>/<project_name>', 873, 285),
  row('pages_domain', '<account_id>/<project_name>/<domain_name>', '<account_id>/<project_name>/<domain_name>', 69, 228),
  row('workers_script', '<account_id>/<script_name>', '<account_id>/<script_name>', 374, 427),
  row('workers_custom_domain', '<account_id>/<domain_id>', '<account_id>/<domain_id>', 48, 174),
  row('d1_database', '<account_id>/<database_id>', '<account_id>/<database_id>', 65, 223),
];

/**
 * Import ids, one function per adoptable resource type, in the format provider 5.14 parses (see
 * `IMPORT_ID_FORMATS`). Access objects that the provider lets live in an account or a zone are
 * always the account's here: gatehouse creates them with `account_id`.
 */
export const importIds = {
  /** `cloudflare_zero_trust_tunnel_cloudflared`: `<account_id>/<tunnel_id>`. */
  tunnel: (accountId: string, tunnelId: string): string => `${accountId}/${tunnelId}`,
  /** `cloudflare_zero_trust_tunnel_cloudflared_config`: the tunnel's own id, `<account_id>/<tunnel_id>`. */
  tunnelConfig: (accountId: string, tunnelId: string): string => `${accountId}/${tunnelId}`,
  /** `cloudflare_dns_record`: `<zone_id>/<dns_record_id>`. */
  dnsRecord: (zoneId: string, recordId: string): string => `${zoneId}/${recordId}`,
  /** `cloudflare_zero_trust_access_identity_provider`: `accounts/<account_id>/<identity_provider_id>`. */
  identityProvider: (accountId: string, id: string): string => `accounts/${accountId}/${id}`,
  /** `cloudflare_zero_trust_access_group`: `accounts/<account_id>/<group_id>`. */
  accessGroup: (accountId: string, id: string): string => `accounts/${accountId}/${id}`,
  /** `cloudflare_zero_trust_access_policy` (account-level only): `<account_id>/<policy_id>`. */
  accessPolicy: (accountId: string, id: string): string => `${accountId}/${id}`,
  /** `cloudflare_zero_trust_access_service_token`: `accounts/<account_id>/<service_token_id>`. */
  serviceToken: (accountId: string, id: string): string => `accounts/${accountId}/${id}`,
  /** `cloudflare_zero_trust_access_application`: `accounts/<account_id>/<app_id>`. */
  accessApplication: (accountId: string, id: string): string => `accounts/${accountId}/${id}`,
  /** `cloudflare_r2_bucket`: `<account_id>/<bucket_name>/<jurisdiction>`; the jurisdiction is never left out (`default`). */
  r2Bucket: (accountId: string, bucketName: string, jurisdiction: string): string => `${accountId}/${bucketName}/${jurisdiction}`,
  /** `cloudflare_pages_project`: `<account_id>/<project_name>`. */
  pagesProject: (accountId: string, projectName: string): string => `${accountId}/${projectName}`,
  /** `cloudflare_pages_domain`: `<account_id>/<project_name>/<domain_name>`. */
  pagesDomain: (accountId: string, projectName: string, domain: string): string => `${accountId}/${projectName}/${domain}`,
  /** `cloudflare_workers_script`: `<account_id>/<script_name>`. */
  workersScript: (accountId: string, scriptName: string): string => `${accountId}/${scriptName}`,
  /** `cloudflare_workers_custom_domain`: `<account_id>/<domain_id>`. */
  workersCustomDomain: (accountId: string, domainId: string): string => `${accountId}/${domainId}`,
  /** `cloudflare_d1_database`: `<account_id>/<database_id>` (the database uuid). */
  d1Database: (accountId: string, databaseId: string): string => `${accountId}/${databaseId}`,
} as const;
