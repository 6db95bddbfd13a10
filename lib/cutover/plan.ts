/**
 * The cutover plan: what every public CNAME in the synthesized `production` stack points at under
 * `activate_dns=false` and `activate_dns=true`, evaluated offline by the real `terraform` binary.
 * Tunnel ids are unknown before apply, so each is stubbed as `<tunnel name>-id`.
 */
import type { SynthesizedStackJson } from '../core/terraform';
import { evaluate } from './evaluate';

/** Where one public CNAME points under each value of `activate_dns`. */
export interface RecordTargets {
  /** The record's hostname. */
  readonly hostname: string;
  /** Terraform address, identical for both values of the flag. */
  readonly address: string;
  /** The record's content with `activate_dns=false` (the primary). */
  readonly whenFalse: string;
  /** The record's content with `activate_dns=true` (the standby). */
  readonly whenTrue: string;
}

/** Stub values for tunnel id references in `production`, resolved through `standby` outputs. */
export function tunnelIdStubs(production: SynthesizedStackJson, standby: SynthesizedStackJson): Record<string, string> {
  const stubs: Record<string, string> = {};
  const tunnels = (stack: SynthesizedStackJson) => Object.entries(stack.resource?.cloudflare_zero_trust_tunnel_cloudflared ?? {});
  for (const [id, t] of tunnels(production)) stubs[`cloudflare_zero_trust_tunnel_cloudflared.${id}.id`] = `${String(t.name)}-id`;
  const standbyNames: Record<string, unknown> = Object.fromEntries(
    tunnels(standby).map(([id, t]) => [`cloudflare_zero_trust_tunnel_cloudflared.${id}.id`, t.name]),
  );
  for (const [remote] of Object.entries(production.data?.terraform_remote_state ?? {})) {
    for (const [outName, out] of Object.entries(standby.output ?? {})) {
      const ref = /^\$\{(.*)\}$/.exec(String(out.value))?.[1];
      const name = ref === undefined ? undefined : standbyNames[ref];
      if (ref && typeof name === 'string' && name) stubs[`data.terraform_remote_state.${remote}.outputs.${outName}`] = `${name}-id`;
    }
  }
  return stubs;
}

/**
 * Every public CNAME of `production`, with its target under both values of `activate_dns` (one `terraform console` run per value).
 * Only CNAMEs: an external primary's activation TXT record (`_gatehouse-<name>-primary`) lives in the same
 * stack, moves no traffic, and its content may read `var.primary_connector_on`, which is not passed here.
 */
export function cutoverPlan(production: SynthesizedStackJson, standby: SynthesizedStackJson): RecordTargets[] {
  const records = Object.entries(production.resource?.cloudflare_dns_record ?? {}).filter(([, r]) => r.type === 'CNAME');
  const expressions = Object.fromEntries(records.map(([id, r]) => [id, String(r.content)]));
  const stubs = tunnelIdStubs(production, standby);
  const run = (value: boolean) =>
    evaluate({ expressions, stubs, variables: { activate_dns: { type: 'bool', value: String(value) } } });
  const off = run(false);
  const on = run(true);
  return records.map(([id, r]) => ({
    hostname: String(r.name),
    address: `cloudflare_dns_record.${id}`,
    whenFalse: String(off[id]),
    whenTrue: String(on[id]),
  }));
}
