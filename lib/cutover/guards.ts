/**
 * Plan-time guards of the cutover: no stack may stop a connector that public records point at, and
 * DNS moves only onto a tunnel that can serve. Both stacks read where DNS points *now* from the live
 * records (the `cloudflare_dns_records` data source, read at plan time), not from a stack dependency
 * (which would make a cycle) and not from `terraform_remote_state` (which fails with "Unable to find
 * remote state" while production has no state yet, whatever its `defaults`; terraform
 * builtin/providers/terraform/data_source_state.go, checked with terraform 1.11 in
 * __tests__/stacks/cutover-guards.test.ts). Live records are also the truth that visitors see.
 */
import { DefaultTokenResolver, Fn, Op, StringConcat, TerraformIterator, TerraformResource, TerraformResourceLifecycle, TerraformStack, Tokenization } from 'cdktf';
import { Construct } from 'constructs';
import { DataCloudflareDnsRecords } from '@cdktf/provider-cloudflare/lib/data-cloudflare-dns-records';
import type { IResolvable, TerraformVariable } from 'cdktf';
import type { SiteRole } from './activation';
import { SKIP_HEALTH_GATE } from '../deployment/variables';
import { IZone, Zone } from '../cloudflare/zone';

type Precondition = NonNullable<TerraformResourceLifecycle['precondition']>[number];

/**
 * Tunnel statuses that can serve traffic. Cloudflare: healthy = active and serving, degraded = serving
 * with at least one failed connection, down = was connected and is not, inactive = never run
 * (https://developers.cloudflare.com/tunnel/observability/).
 */
export const SERVING_STATUSES = ['healthy', 'degraded'];

/**
 * The recovery command the guards name: the one command that changes sites in the safe order. `to` is
 * a {@link SiteRole}, or an expression that yields one.
 */
export function cutoverCommand(to: string): string {
  return `npm run cutover -- --to ${to}`;
}

/** Props for `LiveTunnelCnames`. */
export interface LiveTunnelCnamesProps {
  /** Every zone that holds public hostnames, with its name (it names the query). */
  readonly zones: readonly IZone[];
  /** The tunnel's CNAME target, `<tunnel-id>.cfargotunnel.com`. */
  readonly tunnelCname: string;
}

/**
 * The CNAME records that point at one tunnel right now, one `cloudflare_dns_records` query per zone
 * (`type=CNAME`, `content.exact=<target>`). Provider 5.14 returns an empty `result` when nothing
 * matches (internal/services/dns_record/list_data_source.go), so a first deploy reads an empty list.
 * A tunnel id unknown at plan time (the tunnel is being created) defers the read to apply.
 *
 * @example
 * const onStandby = new LiveTunnelCnames(this, 'live-standby', { zones, tunnelCname: standby.tunnelCname });
 * onStandby.count; // expression: how many public records point at the standby tunnel
 */
export class LiveTunnelCnames extends Construct {
  /** The `cloudflare_dns_records` data sources, one per zone. */
  public readonly queries: readonly DataCloudflareDnsRecords[];
  /** Expression: the names (FQDN) of the records that point at the tunnel. */
  public readonly hostnames: string[];
  /** Expression: how many records point at the tunnel. */
  public readonly count: number;

  constructor(scope: Construct, id: string, props: LiveTunnelCnamesProps) {
    super(scope, id);
    this.queries = props.zones.map(
      (z, i) =>
        new DataCloudflareDnsRecords(this, Zone.nameOf(z, `${id}.zones[${i}]`), {
          zoneId: z.zoneId,
          type: 'CNAME',
          content: { exact: props.tunnelCname },
        }),
    );
    const lists = this.queries.map((q) => TerraformIterator.fromList(q.result).pluckProperty('name'));
    this.hostnames = lists.length === 0 ? [] : lists.length === 1 ? (lists[0] as unknown as string[]) : (Fn.concat(lists) as string[]);
    this.count = Fn.lengthOf(this.hostnames);
  }
}

/** Inputs of the DNS health gate of one record. */
export interface HealthGateOptions {
  /** The record's hostname (FQDN). */
  readonly hostname: string;
  /** The `activate_dns` variable: true moves the records to the standby. */
  readonly activateDns: TerraformVariable;
  /** The `skip_tunnel_health_gate` variable: the disaster override. */
  readonly skipGate: TerraformVariable;
  /** Status expressions of the two tunnels (read at plan time). */
  readonly primaryStatus: string;
  /** Status expression of the standby tunnel. */
  readonly standbyStatus: string;
  /** The records that point at the primary tunnel now. */
  readonly onPrimary: LiveTunnelCnames;
  /** The records that point at the standby tunnel now. */
  readonly onStandby: LiveTunnelCnames;
  /** The primary tunnel's name (for the message). */
  readonly primaryName: string;
  /** The standby tunnel's name (for the message). */
  readonly standbyName: string;
}

/**
 * The health gate of one public record. It applies only when this plan moves the record: a record that
 * already points at its planned tunnel goes through whatever that tunnel's status, so unrelated changes
 * deploy during an incident. A moved record must land on a tunnel that can serve. A record that does not
 * exist yet may point at a primary that has never run (status inactive), so a first deploy works.
 * `skip_tunnel_health_gate` is the documented disaster override of this gate, and of nothing else.
 */
export function healthGate(o: HealthGateOptions): Precondition {
  const toStandby = o.activateDns.booleanValue;
  // cdktf types its Fn and Op results `any`; they are expressions (tokens), typed here by what they yield
  const alreadyThere: unknown = Fn.contains(Fn.conditional(toStandby, o.onStandby.hostnames, o.onPrimary.hostnames), o.hostname);
  const exists: unknown = Op.or(Fn.contains(o.onPrimary.hostnames, o.hostname), Fn.contains(o.onStandby.hostnames, o.hostname));
  const targetStatus = Fn.conditional(toStandby, o.standbyStatus, o.primaryStatus) as string;
  const targetName = Fn.conditional(toStandby, o.standbyName, o.primaryName) as string;
  const firstDeploy: unknown = Op.and(Op.and(Op.not(toStandby), Op.not(exists)), Op.eq(o.primaryStatus, 'inactive'));
  return {
    condition: Op.or(Op.or(o.skipGate.booleanValue, alreadyThere), Op.or(Fn.contains(SERVING_STATUSES, targetStatus), firstDeploy)),
    errorMessage:
      `Refusing to move ${o.hostname} to tunnel ${targetName}: its status is "${targetStatus}", not healthy. ` +
      `Run ${cutoverCommand(Fn.conditional(toStandby, 'standby', 'primary') as string)}, which starts its connector and waits for it; ` +
      `in a disaster set TF_VAR_${SKIP_HEALTH_GATE}=true (docs/cutover.md).`,
  };
}

/** Stands in for the hostname while `healthGates` renders the gate once (never a valid hostname: `.invalid`, RFC 2606). */
const HOSTNAME_PLACEHOLDER = 'gatehouse-health-gate-hostname.invalid';

/**
 * The health gates of many records of one stack: `healthGate` rendered once, with a placeholder for
 * the hostname, and resolved to its text; each record's gate is that text with its hostname put in,
 * the same bytes `healthGate` gives it. A gate is an expression of about fifteen nested functions, and
 * cdktf resolves every nested token of every record at each of its resolve passes, which cost about
 * 10 ms a record (10 s for 1,000 hostnames; bench/README.md). Every reference in the gate is to this
 * stack (its variables and data sources), so its text is final at construction.
 */
export function healthGates(scope: Construct, o: Omit<HealthGateOptions, 'hostname'>): (hostname: string) => Precondition {
  // As the stack resolves at synth (cdktf's own resolve: this resolver, from the stack, not preparing).
  const options = { scope: TerraformStack.of(scope), resolver: new DefaultTokenResolver(new StringConcat()) };
  const gate = healthGate({ ...o, hostname: HOSTNAME_PLACEHOLDER });
  // resolve() is typed `any`; a Terraform expression resolves to its "${...}" text, a template to its string
  const condition = String(Tokenization.resolve(gate.condition, options));
  const errorMessage = String(Tokenization.resolve(gate.errorMessage, options));
  return (hostname) => ({ condition: condition.split(HOSTNAME_PLACEHOLDER).join(hostname), errorMessage: errorMessage.split(HOSTNAME_PLACEHOLDER).join(hostname) });
}

/** Inputs of a connector stop guard. */
export interface StopGuardOptions {
  /** The activation expression (`active` / `standby`) of the site's host or TXT record. */
  readonly activation: string;
  /** The live records that point at this site's tunnel. */
  readonly live: LiveTunnelCnames;
  /** The site whose connector would stop. */
  readonly role: SiteRole;
  /** Its tunnel's name (for the message). */
  readonly tunnelName: string;
  /**
   * Expression: true when this plan points the records at this site's tunnel.
   * @default - the records' target is decided by another stack
   */
  readonly targeted?: boolean | IResolvable;
}

/**
 * Refuse, at plan time, to stop a site's connector while public records point at its tunnel. Added as a
 * precondition of the resource that carries the activation (the GCE instance or the TXT record).
 */
export function guardConnectorStop(resource: TerraformResource, o: StopGuardOptions): void {
  const other: SiteRole = o.role === 'primary' ? 'standby' : 'primary';
  // cdktf 0.21 renders Op.eq(x, 0) as `== undefined` and a conditional operand without parentheses, hence `< 1`
  // and tostring(): the condition must parse as written (checked by evaluating it with terraform).
  const noRecords = Op.lt(o.live.count, 1);
  const running = Op.eq(Fn.tostring(o.activation), 'active');
  const precondition: Precondition = {
    condition: Op.or(running, o.targeted === undefined ? noRecords : Op.and(noRecords, Op.not(o.targeted))),
    errorMessage:
      `Refusing to stop the ${o.role} connector: ${o.live.count} public record(s) point at its tunnel ${o.tunnelName}. ` +
      `Move them first: ${cutoverCommand(other)}.`,
  };
  addPrecondition(resource, precondition);
}

/** Append a precondition, keeping the resource's other lifecycle settings. */
export function addPrecondition(resource: TerraformResource, precondition: Precondition): void {
  const lifecycle = resource.lifecycle ?? {};
  resource.lifecycle = { ...lifecycle, precondition: [...(lifecycle.precondition ?? []), precondition] };
}
