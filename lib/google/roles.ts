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
