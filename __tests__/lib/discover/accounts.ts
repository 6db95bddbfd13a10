/**
 * Realistic live accounts for the discover tests (example.com names only):
 *  - edge: the production/standby seed as it runs under HCL: two remotely-managed tunnels with the
 *    same five hostnames, the CNAMEs on the Dallas tunnel, the CRM behind Google Workspace, a
 *    backups bucket; plus what discover must leave out (an old locally-managed tunnel, the App
 *    Launcher) and a FedRAMP jurisdiction the account does not have;
 *  - trio: the Google Workspace ADR seed: three self-hosted apps (admin, api, labs), one policy each,
 *    one group, one tunnel;
 *  - mixed: a larger account: two zones, 250 unrelated CNAMEs (three pages), Entra with a group
 *    rule, a GitHub login, a service token, an app discover cannot express (an IP rule), an app the
 *    checks refuse (allow everyone), Pages, a Worker domain, buckets in two jurisdictions.
 * Identity providers carry a client secret in their config, which discover must never print.
 */
import type { FakeAccountData } from './fake-account';

export const ACCOUNT = '0123456789abcdef0123456789abcdef';
export const ZONE = 'c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5';
export const NET_ZONE = 'd6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6';
/** A client secret in the live config: it must never reach the output. */
export const LIVE_SECRET = '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nted';

const uuid = (prefix: string, n: number) => `${prefix}${String(n).padStart(7, '0')}-4f50-4617-8293-a4b5c6d7e8f9`;
const hex = (prefix: string, n: number) => `${prefix}${String(n).padStart(32 - prefix.length, '0')}`;
const cname = (id: string, name: string, tunnel: string) => ({ id, name, type: 'CNAME', content: `${tunnel}.cfargotunnel.com`, proxied: true });

export const EDGE = {
  dal: uuid('a', 1),
  chi: uuid('a', 2),
  old: uuid('a', 3),
  gone: uuid('a', 4),
  idp: uuid('b', 1),
  group: uuid('c', 1),
  policy: uuid('d', 1),
  app: uuid('e', 1),
  launcher: uuid('e', 2),
  hostnames: ['crm.example.com', 'www.example.com', 'api.example.com', 'scan.example.com', 'mcp.example.com'],
  record: (i: number) => hex('1', i),
};

export function edgeAccount(): FakeAccountData {
  const ingress = [
    ...EDGE.hostnames.map((hostname) => ({ hostname, service: 'http://localhost:80', originRequest: {} })),
    { service: 'http_status:404' },
  ];
  return {
    account: ACCOUNT,
    team: 'example',
    zones: [{ id: ZONE, name: 'example.com', plan: 'pro' }],
    tunnels: [
      { id: EDGE.dal, name: 'edge-dal', config_src: 'cloudflare', remote_config: true, status: 'healthy' },
      { id: EDGE.chi, name: 'edge-chi', config_src: 'cloudflare', remote_config: true, status: 'inactive' },
      { id: EDGE.old, name: 'old-box', config_src: 'local', remote_config: false, status: 'down' },
      { id: EDGE.gone, name: 'edge-dal', config_src: 'cloudflare', remote_config: true, status: 'inactive', deleted_at: '2025-06-01T00:00:00Z' },
    ],
    configurations: {
      [EDGE.dal]: { ingress, 'warp-routing': { enabled: false } },
      [EDGE.chi]: { ingress, 'warp-routing': { enabled: false } },
    },
    records: {
      [ZONE]: [
        ...EDGE.hostnames.map((h, i) => cname(EDGE.record(i), h, EDGE.dal)),
        { id: hex('9', 1), name: 'example.com', type: 'A', content: '192.0.2.10', proxied: true },
        { id: hex('9', 2), name: 'mail.example.com', type: 'CNAME', content: 'mail.example.net', proxied: false },
      ],
    },
    identityProviders: [
      { id: EDGE.idp, name: 'Google Workspace', type: 'google-apps', config: { client_id: '123456789012-edge.apps.googleusercontent.com', client_secret: LIVE_SECRET, apps_domain: 'example.com', redirect_url: 'https://example.cloudflareaccess.com/cdn-cgi/access/callback' }, scim_config: {} },
    ],
    groups: [{ id: EDGE.group, name: 'Example staff', include: [{ email_domain: { domain: 'example.com' } }], exclude: [], require: [], created_at: '2025-01-01T00:00:00Z' }],
    policies: [{ id: EDGE.policy, name: 'allow staff', decision: 'allow', include: [{ group: { id: EDGE.group } }], exclude: [], require: [], session_duration: '24h', reusable: true, app_count: 1 }],
    apps: [
      {
        id: EDGE.app,
        aud: 'aud-crm',
        name: 'CRM',
        type: 'self_hosted',
        domain: 'crm.example.com',
        destinations: [{ type: 'public', uri: 'crm.example.com' }],
        self_hosted_domains: ['crm.example.com'],
        session_duration: '24h',
        app_launcher_visible: true,
        allowed_idps: [EDGE.idp],
        auto_redirect_to_identity: true,
        policies: [{ id: EDGE.policy, name: 'allow staff', decision: 'allow', precedence: 1, reusable: true, include: [{ group: { id: EDGE.group } }] }],
        http_only_cookie_attribute: true,
        same_site_cookie_attribute: 'lax',
      },
      { id: EDGE.launcher, name: 'App Launcher', type: 'app_launcher', domain: 'example.cloudflareaccess.com', policies: [] },
    ],
    serviceTokens: [],
    buckets: { default: [{ name: 'edge-backups', location: 'ENAM' }], eu: [] },
    lifecycle: {
      'default/edge-backups': [
        { id: 'Default Multipart Abort Rule', enabled: true, conditions: { prefix: '' }, abortMultipartUploadsTransition: { condition: { type: 'Age', maxAge: 604800 } } },
        { id: 'expire', enabled: true, conditions: { prefix: '' }, deleteObjectsTransition: { condition: { type: 'Age', maxAge: 90 * 86400 } } },
      ],
    },
    r2dev: {},
    pages: [],
    workerDomains: [],
  };
}

export const TRIO = {
  tunnel: uuid('f', 1),
  idp: uuid('f', 2),
  group: uuid('f', 3),
  apps: ['admin', 'api', 'labs'],
  policy: (i: number) => uuid('f', 10 + i),
  app: (i: number) => uuid('f', 20 + i),
  record: (i: number) => hex('2', i),
};

export function trioAccount(): FakeAccountData {
  const ports = [3000, 8000, 8443];
  return {
    account: ACCOUNT,
    team: 'example',
    zones: [{ id: ZONE, name: 'example.com' }],
    tunnels: [{ id: TRIO.tunnel, name: 'trio-oci', config_src: 'cloudflare', remote_config: true, status: 'healthy' }],
    configurations: {
      [TRIO.tunnel]: {
        ingress: [
          ...TRIO.apps.map((a, i) => ({
            hostname: `${a}.example.com`,
            service: `${i === 2 ? 'https' : 'http'}://localhost:${ports[i]}`,
            originRequest: i === 2 ? { noTLSVerify: true, originServerName: 'labs.internal.example.net', connectTimeout: 30 } : {},
          })),
          { service: 'http_status:404' },
        ],
      },
    },
    records: { [ZONE]: TRIO.apps.map((a, i) => cname(TRIO.record(i), `${a}.example.com`, TRIO.tunnel)) },
    identityProviders: [{ id: TRIO.idp, name: 'Google Workspace', type: 'google-apps', config: { client_id: '123456789012-trio.apps.googleusercontent.com', client_secret: LIVE_SECRET, apps_domain: 'example.com' } }],
    groups: [{ id: TRIO.group, name: 'org', include: [{ email_domain: { domain: 'example.com' } }] }],
    policies: TRIO.apps.map((a, i) => ({ id: TRIO.policy(i), name: `allow-org-${a}`, decision: 'allow', include: [{ group: { id: TRIO.group } }], session_duration: '24h', reusable: true })),
    apps: TRIO.apps.map((a, i) => ({
      id: TRIO.app(i),
      name: a,
      type: 'self_hosted',
      domain: `${a}.example.com`,
      destinations: [{ type: 'public', uri: `${a}.example.com` }],
      session_duration: '24h',
      allowed_idps: [TRIO.idp],
      auto_redirect_to_identity: true,
      policies: [{ id: TRIO.policy(i), name: `allow-org-${a}`, precedence: 1, reusable: true }],
    })),
    serviceTokens: [],
    buckets: { default: [], eu: [] },
    lifecycle: {},
    r2dev: {},
    pages: [],
    workerDomains: [],
  };
}

export const MIXED = {
  hub: uuid('7', 1),
  entra: uuid('7', 2),
  github: uuid('7', 3),
  group: uuid('7', 4),
  token: uuid('7', 5),
  policies: { staff: uuid('7', 10), ci: uuid('7', 11), office: uuid('7', 12), open: uuid('7', 13) },
  apps: { portal: uuid('7', 20), legacy: uuid('7', 21), open: uuid('7', 22) },
  records: { portal: hex('3', 1), status: hex('3', 2), legacy: hex('3', 3), open: hex('3', 4), docs: hex('3', 5) },
  workerDomain: hex('4', 1),
};

export function mixedAccount(): FakeAccountData {
  const host = (hostname: string) => ({ hostname, service: 'http://localhost:8080' });
  const reusable = (id: string, name: string) => ({ id, name, precedence: 1, reusable: true });
  return {
    account: ACCOUNT,
    team: 'example',
    zones: [
      { id: ZONE, name: 'example.com', plan: 'business' },
      { id: NET_ZONE, name: 'example.net', plan: 'business' },
    ],
    tunnels: [{ id: MIXED.hub, name: 'hub', config_src: 'cloudflare', status: 'healthy' }],
    configurations: {
      [MIXED.hub]: { ingress: [host('portal.example.com'), host('status.example.net'), host('legacy.example.com'), host('open.example.com'), { service: 'http_status:404' }] },
    },
    records: {
      [ZONE]: [
        cname(MIXED.records.portal, 'portal.example.com', MIXED.hub),
        cname(MIXED.records.legacy, 'legacy.example.com', MIXED.hub),
        cname(MIXED.records.open, 'open.example.com', MIXED.hub),
        { id: MIXED.records.docs, name: 'docs.example.com', type: 'CNAME', content: 'example-docs.pages.dev', proxied: true },
        ...Array.from({ length: 250 }, (_, i) => ({ id: hex('8', i), name: `host-${i}.example.com`, type: 'CNAME', content: `origin-${i}.example.net`, proxied: false })),
      ],
      [NET_ZONE]: [cname(MIXED.records.status, 'status.example.net', MIXED.hub)],
    },
    identityProviders: [
      { id: MIXED.entra, name: 'Microsoft Entra ID', type: 'azureAD', config: { client_id: 'a1b2c3d4-0000-4000-8000-000000000001', client_secret: LIVE_SECRET, directory_id: '00000000-0000-4000-8000-000000000000', support_groups: true } },
      { id: MIXED.github, name: 'GitHub', type: 'github', config: { client_id: 'Iv1.0123456789abcdef', client_secret: LIVE_SECRET } },
    ],
    groups: [{ id: MIXED.group, name: 'Engineers', include: [{ azureAD: { id: '11111111-2222-4333-8444-555555555555', identity_provider_id: MIXED.entra } }] }],
    serviceTokens: [{ id: MIXED.token, name: 'CI deploys', client_id: 'abc.access', duration: '8760h', expires_at: '2027-01-01T00:00:00Z' }],
    policies: [
      { id: MIXED.policies.staff, name: 'engineers', decision: 'allow', include: [{ group: { id: MIXED.group } }], reusable: true },
      { id: MIXED.policies.ci, name: 'ci', decision: 'non_identity', include: [{ service_token: { token_id: MIXED.token } }], reusable: true },
      { id: MIXED.policies.office, name: 'office network', decision: 'allow', include: [{ ip: { ip: '192.0.2.0/24' } }], reusable: true },
      { id: MIXED.policies.open, name: 'anyone', decision: 'allow', include: [{ everyone: {} }], reusable: true },
    ],
    apps: [
      {
        id: MIXED.apps.portal,
        name: 'Portal',
        type: 'self_hosted',
        destinations: [{ type: 'public', uri: 'portal.example.com' }],
        allowed_idps: [MIXED.entra],
        session_duration: '8h',
        policies: [reusable(MIXED.policies.staff, 'engineers'), { ...reusable(MIXED.policies.ci, 'ci'), precedence: 2 }],
        cors_headers: { allowed_origins: ['https://docs.example.com'], allowed_methods: ['GET'], allow_credentials: true, max_age: 600 },
      },
      { id: MIXED.apps.legacy, name: 'Legacy', type: 'self_hosted', destinations: [{ type: 'public', uri: 'legacy.example.com' }], policies: [reusable(MIXED.policies.office, 'office network')] },
      { id: MIXED.apps.open, name: 'Open', type: 'self_hosted', destinations: [{ type: 'public', uri: 'open.example.com' }], policies: [reusable(MIXED.policies.open, 'anyone')] },
    ],
    buckets: { default: [{ name: 'mixed-assets' }], eu: [{ name: 'mixed-vault', location: 'WEUR' }] },
    lifecycle: {
      'default/mixed-assets': [{ id: 'logs', enabled: true, conditions: { prefix: 'logs/' }, deleteObjectsTransition: { condition: { type: 'Age', maxAge: 86400 } } }],
      'eu/mixed-vault': [{ id: 'ia', enabled: true, conditions: { prefix: '' }, storageClassTransitions: [{ condition: { type: 'Age', maxAge: 30 * 86400 }, storageClass: 'InfrequentAccess' }] }],
    },
    r2dev: { 'default/mixed-assets': true },
    pages: [
      { id: 'p1', name: 'example-docs', subdomain: 'example-docs.pages.dev', production_branch: 'main', domains: ['example-docs.pages.dev', 'docs.example.com'], deployment_configs: { production: { env_vars: { SITE: { type: 'plain_text', value: 'docs' } } } } },
      { id: 'p2', name: 'example-shop', subdomain: 'example-shop.pages.dev', production_branch: 'main', domains: ['example-shop.pages.dev', 'shop.example.com'], deployment_configs: { production: { env_vars: { STRIPE_KEY: { type: 'secret_text', value: '' } } } } },
    ],
    workerDomains: [{ id: MIXED.workerDomain, zone_id: ZONE, zone_name: 'example.com', hostname: 'api.example.com', service: 'example-api', environment: 'production', cert_id: 'x' }],
  };
}
