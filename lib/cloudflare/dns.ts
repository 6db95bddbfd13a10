import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import type { TerraformResourceLifecycle } from 'cdktf';
import { ProblemCollector } from '../core/errors';
import { hostnameProblem } from '../core/hostnames';
import type { IZone } from './zone';

/** Props for `TunnelCnames`. */
export interface TunnelCnamesProps {
  /** The zone that holds the records (`Zone.fromZoneId`). */
  readonly zone: IZone;
  /** Public hostnames, each gets one proxied CNAME. Duplicates are collapsed. */
  readonly hostnames: readonly string[];
  /**
   * CNAME target: `<tunnel-id>.cfargotunnel.com`, or an expression choosing between tunnels.
   * `content` is updated in place by the provider, so changing the target never re-creates a record.
   */
  readonly target: string;
  /**
   * Plan-time preconditions added to every record, e.g. a tunnel health gate.
   * @default - none
   */
  readonly preconditions?: NonNullable<TerraformResourceLifecycle['precondition']>;
  /**
   * Record comment.
   * @default "managed by gatehouse"
   */
  readonly comment?: string;
}

/**
 * Proxied CNAMEs (ttl 1 = automatic) from public hostnames to a tunnel. Exactly one construct in a
 * deployment should own each public record; the `production` stack owns them all.
 *
 * @example
 * new TunnelCnames(this, 'dns', { zone: Zone.fromZoneId(zoneId), hostnames: ['app.example.com'], target: tunnel.tunnelCname });
 */
export class TunnelCnames extends Construct {
  /** The records, keyed by hostname. Construct id = hostname (public API: it names the Terraform address). */
  public readonly records: ReadonlyMap<string, DnsRecord>;

  constructor(scope: Construct, id: string, props: TunnelCnamesProps) {
    super(scope, id);
    const problems = new ProblemCollector(id);
    const unique = [...new Set(props.hostnames)];
    props.hostnames.forEach((h, i) => {
      if (props.hostnames.indexOf(h) !== i) return; // a repeat: reported once, at its first index
      if (Token.isUnresolved(h)) {
        problems.add(`hostnames[${i}]`, 'must be a literal hostname: it names the record (its terraform address)', h);
        return;
      }
      const p = hostnameProblem(h);
      if (p) problems.add(`hostnames[${i}]`, p, h);
    });
    problems.throwIfAny();

    const records = new Map<string, DnsRecord>();
    for (const hostname of unique) {
      records.set(
        hostname,
        new DnsRecord(this, hostname, {
          zoneId: props.zone.zoneId,
          name: hostname,
          type: 'CNAME',
          content: props.target,
          proxied: true,
          ttl: 1,
          comment: props.comment ?? 'managed by gatehouse',
          ...(props.preconditions?.length ? { lifecycle: { precondition: props.preconditions } } : {}),
        }),
      );
    }
    this.records = records;
  }
}
