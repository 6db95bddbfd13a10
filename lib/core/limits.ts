/**
 * Cloudflare platform limits that gatehouse checks at synth time. One module, so that a raised
 * limit is a one-line change; an account with negotiated limits records them in the deployment file
 * (`cloudflare.limits`). Sources: Cloudflare One account limits, R2 limits, DNS FAQ and API limits
 * pages (see ../shared/FIELD-GUIDE.md section 8).
 */

/** Hostnames (public destinations) per Access application. */
export const MAX_DESTINATIONS_PER_APP = 5;
/** Access applications per account. */
export const MAX_ACCESS_APPS = 500;
/** Cloudflare Tunnels per account. */
export const MAX_TUNNELS = 1000;
/** Account-owned API tokens per account. */
export const MAX_ACCOUNT_TOKENS = 500;
/** Access service tokens per account. */
export const MAX_SERVICE_TOKENS = 50;
/** DNS records per zone, by plan. */
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
/** API requests allowed per 5-minute window per token. */
export const API_REQUESTS_PER_WINDOW = 1200;

/** Whether an Access app's destinations (hostnames and the pages.dev hosts it gates) exceed Cloudflare's per-app limit. */
export function overDestinationLimit(destinations: readonly string[]): boolean {
  return destinations.length > MAX_DESTINATIONS_PER_APP;
}
