/**
 * The activation signal of a host gatehouse does not create (an external site): a TXT record whose
 * content is exactly `active` or `standby`, computed from the same expression as a GCE host's
 * `gatehouse-connector` metadata attribute. The host's watcher reads it over DNS-over-HTTPS, so it
 * needs no credential (docs/cutover.md, "External hosts").
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import type { IZone } from '../cloudflare/zone';
import { ProblemCollector } from '../core/errors';
import type { SiteRole } from './activation-names';

export { activationRecordName } from './activation-names';
export type { SiteRole } from './activation-names';

/** Values of an activation signal (the same as `ConnectorActivation`). */
const ACTIVATIONS = ['active', 'standby'];

/** Props for `ActivationRecord`. */
export interface ActivationRecordProps {
  /** The zone that holds the record (the deployment's primary zone). */
  readonly zone: IZone;
  /** The record name, `activationRecordName(deployment, role)`. */
  readonly name: string;
  /** `active`, `standby`, or an expression that yields one (the same expression as a GCE host's metadata). */
  readonly activation: string;
  /** Which site it activates; it names the site in the record comment. */
  readonly role: SiteRole;
}

/**
 * A TXT record, ttl 60, not proxied, whose content starts (`active`) or stops (`standby`) an external
 * site's connector. Changing the content is an in-place update of the same record.
 *
 * @example
 * new ActivationRecord(this, 'activation', { zone, name: activationRecordName(d, 'standby'), activation, role: 'standby' });
 */
export class ActivationRecord extends Construct {
  /** The TXT record. */
  public readonly record: DnsRecord;

  constructor(scope: Construct, id: string, props: ActivationRecordProps) {
    super(scope, id);
    const problems = new ProblemCollector(id);
    if (!Token.isUnresolved(props.activation) && !ACTIVATIONS.includes(props.activation)) {
      problems.add('activation', 'must be "active" or "standby" (or an expression that yields one)', props.activation);
    }
    if (Token.isUnresolved(props.name) || !/^_gatehouse-[a-z0-9-]+-(primary|standby)\.[a-z0-9.-]+$/.test(props.name)) {
      problems.add('name', 'must be a literal _gatehouse-<deployment>-<role>.<zone> name (activationRecordName)', props.name);
    }
    problems.throwIfAny();
    this.record = new DnsRecord(this, 'record', {
      zoneId: props.zone.zoneId,
      name: props.name,
      type: 'TXT',
      content: props.activation,
      ttl: 60,
      proxied: false,
      comment: `managed by gatehouse: active runs the ${props.role} site's connector, standby stops it (docs/cutover.md)`,
    });
  }
}
