/** Account and zone limits, against lib/core/limits.ts or the raised limits recorded in the file. */
import { MAX_ACCESS_APPS, MAX_ACCOUNT_TOKENS, MAX_CRON_TRIGGERS, MAX_DNS_RECORDS, MAX_SERVICE_TOKENS, MAX_TUNNELS } from '../../core/limits';
import type { DeploymentModel } from '../../deployment/model';
import { error, Finding } from './check';

const RAISE = 'or record a limit cloudflare raised for the account here';

/** The public records the deployment creates, by name: routes, tenants, bucket, Pages and Worker domains, activation records. */
function recordNames(m: DeploymentModel): string[] {
  const live = [...m.buckets.values()].filter((b) => !b.retired);
  return [
    ...new Set(m.routes.map((r) => r.hostname)),
    ...m.tenants.filter((t) => t.spec.enabled).flatMap((t) => [t.hostname, ...t.extraHostnames.map((x) => x.hostname)]),
    ...live.flatMap((b) => (b.customDomain ? [b.customDomain.hostname] : [])),
    ...[...m.pages.values()].flatMap((p) => p.domains.map((x) => x.hostname)),
    ...[...m.workers.values()].map((w) => w.hostname),
    ...[m.sites?.primary, m.sites?.standby].flatMap((s) => (s?.activationRecord ? [s.activationRecord] : [])),
  ];
}

/**
 * The account limits check: tunnels, account API tokens, DNS records per zone, Access apps, cron
 * triggers and service tokens the deployment needs, against lib/core/limits.ts or the raised limits
 * in `cloudflare.limits`.
 */
export function limits(m: DeploymentModel): Finding[] {
  const d = m.deployment;
  const enabled = m.tenants.filter((t) => t.spec.enabled);
  const live = [...m.buckets.values()].filter((b) => !b.retired);
  const raised = d.cloudflare.limits;
  const findings: Finding[] = [];
  const check = (field: string, what: string, count: number, limit: number, fix: string) => {
    if (count > limit) findings.push(error(`cloudflare.limits.${field}`, `the deployment needs ${count} ${what}; the limit is ${limit}; ${fix}`, count));
  };
  check('tunnels', 'tunnels', 2 + enabled.length, raised.tunnels ?? MAX_TUNNELS, `disable tenants, use another account, ${RAISE}`);
  const tokens =
    live.reduce((sum, b) => sum + Object.values(b.spec.credentials).reduce((s, c) => s + (c.two_slot ? 2 : 1), 0), 0) + enabled.length + m.apiTokens.size;
  check('account_tokens', 'account api tokens', tokens, raised.account_tokens ?? MAX_ACCOUNT_TOKENS, `share credentials, disable tenants, ${RAISE}`);
  const records = recordNames(m);
  const plan = d.cloudflare.plan;
  for (const z of m.zones) {
    check(
      'dns_records',
      `dns records in ${z.zoneName}`,
      records.filter((h) => m.zoneOf(h) === z).length,
      raised.dns_records ?? MAX_DNS_RECORDS[plan],
      `the ${plan} plan allows ${MAX_DNS_RECORDS[plan]}; move to a paid plan (cloudflare.plan), ${RAISE}`,
    );
  }
  // File apps, their pages.dev companions, the public paths' bypass apps and the tenants' apps.
  const companions = [...m.apps.values()].filter((a) => a.companion.length > 0).length;
  const apps = m.apps.size + companions + m.bypasses.length + enabled.filter((t) => t.spec.access).length;
  check('access_apps', 'access applications', apps, raised.access_apps ?? MAX_ACCESS_APPS, `share apps across hostnames (5 each), ${RAISE}`);
  const crons = [...m.workers.values()].reduce((sum, w) => sum + w.spec.crons.length, 0);
  check('cron_triggers', 'cron triggers', crons, raised.cron_triggers ?? MAX_CRON_TRIGGERS, `share schedules in one script's scheduled() handler, ${RAISE}`);
  const serviceTokens = Object.keys(d.service_tokens).length;
  if (serviceTokens > MAX_SERVICE_TOKENS) {
    findings.push(error('service_tokens', `declares ${serviceTokens} service tokens; cloudflare allows ${MAX_SERVICE_TOKENS} per account`, serviceTokens));
  }
  return findings;
}
