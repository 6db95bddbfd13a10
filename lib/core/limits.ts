/**
 * Cloudflare platform limits that gatehouse checks at synth time. One module, so that a raised
 * limit is a one-line change; an account with negotiated limits records them in the deployment file
 * (`cloudflare.limits`). Sources, the published defaults (most can be raised on Enterprise):
 *
 * - Cloudflare One account limits: https://developers.cloudflare.com/cloudflare-one/account-limits/
 * - DNS records per zone: https://developers.cloudflare.com/dns/troubleshooting/faq/
 * - API rate limit and API token quotas: https://developers.cloudflare.com/fundamentals/api/reference/limits/
 * - Workers cron triggers: https://developers.cloudflare.com/workers/platform/limits/
 * - R2 (https://developers.cloudflare.com/r2/platform/limits/): 1,000,000 buckets per account, far
 *   above any fleet, so no bucket count is checked; bucket credentials (tenants' included) are account
 *   API tokens and count against that quota.
 */

/** Hostnames (public destinations) per Access application (Cloudflare One account limits). */
export const MAX_DESTINATIONS_PER_APP = 5;
/** Access applications per account (Cloudflare One account limits). */
export const MAX_ACCESS_APPS = 500;
/** Cloudflare Tunnels per account (Cloudflare One account limits). */
export const MAX_TUNNELS = 1000;
/** Account-owned API tokens per account (API limits page, token quotas); R2 bucket credentials are such tokens. */
export const MAX_ACCOUNT_TOKENS = 500;
/** Access service tokens per account (Cloudflare One account limits). */
export const MAX_SERVICE_TOKENS = 50;
/**
 * DNS records per zone, by plan (DNS FAQ): Free 200 (free zones created before 2024-09-01 keep 1,000:
 * record that in `cloudflare.limits.dns_records`), Pro, Business and Enterprise 3,500.
 */
export const MAX_DNS_RECORDS: Readonly<Record<'free' | 'pro' | 'business' | 'enterprise', number>> = {
  free: 200,
  pro: 3500,
  business: 3500,
  enterprise: 3500,
};
/**
 * Cron triggers per account on Workers Paid (Workers Free: 5; record that in `cloudflare.limits.cron_triggers`)
 * (https://developers.cloudflare.com/workers/platform/limits/, "Number of Cron Triggers per account").
 */
export const MAX_CRON_TRIGGERS = 250;
/** API requests allowed per 5-minute window per user or account token (API limits page). */
export const API_REQUESTS_PER_WINDOW = 1200;

/** Whether an Access app's destinations (hostnames and the pages.dev hosts it gates) exceed Cloudflare's per-app limit. */
export function overDestinationLimit(destinations: readonly string[]): boolean {
  return destinations.length > MAX_DESTINATIONS_PER_APP;
}
