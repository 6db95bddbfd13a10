/**
 * How discover expresses a live account, at the function level (no server): a tunnel is adopted only
 * when its whole ingress can be written; the primary is the tunnel the CNAMEs point at; an app only
 * whole; what it cannot write, or writes with a placeholder, is listed with the reason.
 */
import { Draft } from '../../../lib/discover/express';
import type { LiveAccount, LiveIngressRule, LiveTunnel } from '../../../lib/discover/live';
import { settle } from '../../../lib/discover/run';
import { TODAY } from '../../helpers';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const ZONE = 'c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5';
const T1 = '11111111-4f50-4617-8293-a4b5c6d7e8f9';
const T2 = '22222222-4f50-4617-8293-a4b5c6d7e8f9';

function account(over: Partial<LiveAccount> = {}): LiveAccount {
  return {
    accountId: ACCOUNT,
    teamName: 'example',
    zones: [{ id: ZONE, name: 'example.com' }],
    tunnels: [],
    records: [],
    activationRecords: [],
    apps: [],
    policies: [],
    groups: [],
    identityProviders: [],
    serviceTokens: [],
    buckets: [],
    pages: [],
    workerDomains: [],
    unread: [],
    ...over,
  };
}
const tunnel = (id: string, name: string, ingress: LiveIngressRule[]): LiveTunnel => ({ id, name, config_src: 'cloudflare', ingress: [...ingress, { service: 'http_status:404' }] });
const rule = (hostname: string, extra: Partial<LiveIngressRule> = {}): LiveIngressRule => ({ hostname, service: 'http://localhost:8080', ...extra });
const cname = (n: number, name: string, tunnelId: string, proxied = true) => ({ id: String(n).padStart(32, '0'), name, type: 'CNAME', content: `${tunnelId}.cfargotunnel.com`, proxied });
const draft = (live: LiveAccount) => new Draft(live, 'edge', 'example');

test('a tunnel with an ingress setting gatehouse cannot write is not adopted at all (its first deploy would drop the setting)', () => {
  const d = draft(account({ tunnels: [tunnel(T1, 'hub', [rule('app.example.com', { originRequest: { caPool: '/etc/ca.pem', noTLSVerify: false } })])], records: [cname(1, 'app.example.com', T1)] }));
  expect(d.file.routes).toEqual([]);
  expect(d.file.sites).toBeUndefined();
  expect(d.unexpressed).toEqual([
    { what: `tunnel "hub" (${T1}) and its 1 CNAMEs`, why: 'ingress rule 0 (app.example.com) sets originRequest.caPool, which gatehouse does not write; the first deploy would drop them' },
  ]);
});

test('a hostname outside the zones given keeps its tunnel out, and says which --zone to add', () => {
  const d = draft(account({ tunnels: [tunnel(T1, 'hub', [rule('app.example.com'), rule('shop.example.net')])] }));
  expect(d.unexpressed[0].why).toBe('ingress rule 1 (shop.example.net): shop.example.net lies in no zone given with --zone (example.com); run discover again with --zone for its zone');
});

test('the primary is the tunnel the CNAMEs point at; a standby with other routes is given the primary\'s, and that is listed', () => {
  const d = draft(
    account({
      tunnels: [tunnel(T1, 'a-standby-box', [rule('app.example.com')]), tunnel(T2, 'z-live-box', [rule('app.example.com'), rule('www.example.com')])],
      records: [cname(1, 'app.example.com', T2), cname(2, 'www.example.com', T2, false)],
    }),
  );
  expect(d.file.adopt.tunnels).toEqual({ primary: T2, standby: T1 });
  expect(d.file.routes.map((r) => r.hostname)).toEqual(['app.example.com', 'www.example.com']);
  expect(d.review).toContainEqual({ what: 'tunnel "a-standby-box"', why: "its ingress differs from the primary's in 1 rules; the first deploy gives it exactly the primary's routes" });
  expect(d.review).toContainEqual({ what: 'CNAME www.example.com', why: 'is not proxied; the first deploy turns the proxy on (a tunnel CNAME must be proxied)' });
});

test('a third tunnel is listed, not merged: one deployment runs one pair', () => {
  const T3 = '33333333-4f50-4617-8293-a4b5c6d7e8f9';
  const d = draft(account({ tunnels: [tunnel(T1, 'one', [rule('a.example.com')]), tunnel(T2, 'two', [rule('a.example.com')]), tunnel(T3, 'three', [rule('b.example.com')])], records: [cname(1, 'a.example.com', T1)] }));
  expect(d.unexpressed).toEqual([{ what: `tunnel "three" (${T3})`, why: 'gatehouse runs one primary and one standby tunnel per deployment; this one serves b.example.com: discover it into a deployment of its own' }]);
});

test('an app with a legacy (app-scoped) policy stays out whole, and its route keeps the edge gate as a public route to review', () => {
  const d = draft(
    account({
      tunnels: [tunnel(T1, 'hub', [rule('app.example.com')])],
      apps: [{ id: T2, name: 'App', type: 'self_hosted', destinations: [{ type: 'public', uri: 'app.example.com' }], policies: [{ name: 'inline', reusable: false }] }],
    }),
  );
  expect(d.file.apps.size).toBe(0);
  expect(d.unexpressed[0].why).toBe('its policy "inline" belongs to the app alone (a legacy policy); gatehouse attaches reusable policies: make it reusable in the dashboard, then discover again');
  expect(d.file.routes[0].public).toEqual({ reason: 'REVIEW: gated at the edge by Access app "App", which stays outside gatehouse' });
  expect(settle(d, TODAY)).toEqual([]);
});

test('an app with a path destination, or a private one, stays out (gatehouse apps gate whole public hostnames)', () => {
  const app = (uri: string, type = 'public') => ({ id: T2, name: 'App', type: 'self_hosted', destinations: [{ type, uri }], policies: [] });
  expect(draft(account({ apps: [app('app.example.com/admin')] })).unexpressed[0].why).toBe('its destination app.example.com/admin has a path; gatehouse apps gate whole hostnames');
  expect(draft(account({ apps: [app('10.0.0.0/8', 'private')] })).unexpressed[0].why).toBe('has a private destination (a network range or private hostname); gatehouse gates public hostnames');
});

test('a bucket lifecycle is written as whole-bucket ages in days; a date rule is dropped and listed', () => {
  const d = draft(
    account({
      buckets: [
        {
          name: 'logs',
          jurisdiction: 'default',
          lifecycle: [
            { id: 'age', enabled: true, conditions: { prefix: '' }, deleteObjectsTransition: { condition: { type: 'Age', maxAge: 30 * 86400 } } },
            { id: 'date', enabled: true, conditions: { prefix: '' }, storageClassTransitions: [{ condition: { type: 'Date' }, storageClass: 'InfrequentAccess' }] },
            { id: 'off', enabled: false, conditions: { prefix: '' }, deleteObjectsTransition: { condition: { type: 'Age', maxAge: 86400 } } },
          ],
          r2dev: false,
        },
      ],
    }),
  );
  expect(d.file.buckets.get('logs')).toEqual({ lifecycle: { delete_after_days: 30 } });
  expect(d.review).toEqual([
    { what: 'buckets.logs lifecycle rule date', why: "transition_to_ia_after_days is not an age in whole days; the first deploy replaces the bucket's rules with the file's, so this rule goes" },
  ]);
});
