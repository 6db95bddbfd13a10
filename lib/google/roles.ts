/**
 * Google IAM roles and ranges that gatehouse grants or opens. Private to the library: hand them
 * out through constructs, never as free strings in stacks.
 */
export const GOOGLE_ROLES = {
  /** Read one secret's payload; granted per secret, never per project. */
  secretAccessor: 'roles/secretmanager.secretAccessor',
} as const;

/** Google's Identity-Aware Proxy TCP-forwarding source range: the only place SSH may come from. */
export const IAP_TCP_FORWARDING_RANGE = '35.235.240.0/20';

/** The GCE metadata server (metadata, DNS, NTP); GCP always allows traffic to it. */
export const METADATA_SERVER_RANGE = '169.254.169.254/32';

/**
 * Priority of the INGRESS deny of tcp 22 and 3389 from 0.0.0.0/0: below (beats) the default network's
 * 65534 allow rules and, at a tie, any allow rule; above the IAP SSH allow (800).
 */
export const REMOTE_ADMIN_DENY_PRIORITY = 900;
