/**
 * Reads a connector host's published state: the guest attributes its scripts write under the
 * `gatehouse/` namespace (bootstrap, cloudflared_version, connector, token_version, last_error).
 *
 * Compute Engine API `instances.getGuestAttributes`
 * (https://cloud.google.com/compute/docs/reference/rest/v1/instances/getGuestAttributes):
 * `GET {base}/projects/{project}/zones/{zone}/instances/{instance}/getGuestAttributes?queryPath=gatehouse/`
 * answers `{kind: "compute#guestAttributes", queryPath, queryValue: {items: [{namespace, key, value}]}}`.
 * The caller brings an OAuth access token (any identity with `compute.instances.getGuestAttributes`);
 * it is sent in the Authorization header only and never appears in an error.
 */

/** The guest attribute namespace the host scripts write (`gatehouse-status`). */
export const GUEST_ATTRIBUTE_NAMESPACE = 'gatehouse';
/** The keys a connector host publishes. */
export const GUEST_ATTRIBUTE_KEYS = ['bootstrap', 'cloudflared_version', 'connector', 'token_version', 'last_error'] as const;
/** The Compute Engine API v1 root. */
export const COMPUTE_API_BASE_URL = 'https://compute.googleapis.com/compute/v1';

/** Options of `readGuestAttributes`. */
export interface ReadGuestAttributesOptions {
  /** GCP project id. */
  readonly project: string;
  /** The instance's zone, e.g. `europe-west1-b`. */
  readonly zone: string;
  /** Instance name. */
  readonly instance: string;
  /** OAuth 2.0 access token (e.g. `gcloud auth print-access-token`). */
  readonly accessToken: string;
  /**
   * API root, for tests and private endpoints.
   * @default COMPUTE_API_BASE_URL
   */
  readonly baseUrl?: string;
  /**
   * Namespace to read.
   * @default GUEST_ATTRIBUTE_NAMESPACE
   */
  readonly namespace?: string;
  /**
   * Give up after this long.
   * @default 10000
   */
  readonly timeoutMs?: number;
}

/** The API refused or failed the request; `status` is the HTTP status (0 when nothing answered). */
export class GuestAttributesError extends Error {
  constructor(
    message: string,
    /** The HTTP status the Compute API answered (0 when it could not be reached). */
    public readonly status: number,
  ) {
    super(message);
    this.name = 'GuestAttributesError';
  }
}

const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PROJECT = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$|^[a-z][-a-z0-9.:]{4,62}[a-z0-9]$/;
const ZONE = /^[a-z]+-[a-z]+\d+-[a-z]$/;
const NAMESPACE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Read the instance's guest attributes in one namespace, as key -> value (keys sorted).
 *
 * @throws GuestAttributesError when the API answers an error (404: no such instance, or nothing
 *   published under the namespace yet; 403: no permission), answers something that is not the
 *   documented shape, or cannot be reached.
 */
export async function readGuestAttributes(options: ReadGuestAttributesOptions): Promise<Record<string, string>> {
  const { project, zone, instance, accessToken } = options;
  const namespace = options.namespace ?? GUEST_ATTRIBUTE_NAMESPACE;
  const where = `instance ${instance} in ${project}/${zone}`;
  const bad = [
    !PROJECT.test(project) && `project ${JSON.stringify(project)} is not a project id`,
    !ZONE.test(zone) && `zone ${JSON.stringify(zone)} is not a zone such as europe-west1-b`,
    !NAME.test(instance) && `instance ${JSON.stringify(instance)} is not an instance name`,
    !NAMESPACE.test(namespace) && `namespace ${JSON.stringify(namespace)} is not a guest attribute namespace`,
    (typeof accessToken !== 'string' || accessToken === '' || /\s/.test(accessToken)) && 'the access token is empty or has whitespace',
  ].filter((m): m is string => typeof m === 'string');
  if (bad.length > 0) throw new GuestAttributesError(`readGuestAttributes: ${bad.join('; ')}`, 0);

  const base = (options.baseUrl ?? COMPUTE_API_BASE_URL).replace(/\/+$/, '');
  const url = `${base}/projects/${project}/zones/${zone}/instances/${instance}/getGuestAttributes?queryPath=${encodeURIComponent(`${namespace}/`)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new GuestAttributesError(`getGuestAttributes for ${where}: no answer from ${base} (${reason})`, 0);
  }

  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    // Google API errors: {"error": {"code", "message", "status"}}.
    const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
    const detail = typeof message === 'string' ? `: ${message.slice(0, 300)}` : '';
    throw new GuestAttributesError(`getGuestAttributes for ${where}: HTTP ${response.status}${detail}`, response.status);
  }

  const items = (body as { queryValue?: { items?: unknown } } | undefined)?.queryValue?.items;
  if (body === undefined || typeof body !== 'object' || (items !== undefined && !Array.isArray(items))) {
    throw new GuestAttributesError(`getGuestAttributes for ${where}: the answer is not a guestAttributes object`, response.status);
  }
  const found: Array<[string, string]> = [];
  for (const item of (items ?? []) as unknown[]) {
    const { namespace: ns, key, value } = (item ?? {}) as { namespace?: unknown; key?: unknown; value?: unknown };
    if (typeof ns !== 'string' || typeof key !== 'string' || typeof value !== 'string') {
      throw new GuestAttributesError(`getGuestAttributes for ${where}: an item is not {namespace, key, value}`, response.status);
    }
    if (ns === namespace) found.push([key, value]);
  }
  return Object.fromEntries(found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
