import { Token } from 'cdktf';
import { GatehouseError, ProblemCollector } from '../core/errors';
import { cloudflareIdProblem, zoneProblem } from '../core/rules';

/** A Cloudflare zone, managed elsewhere: constructs that create records or domains take one of these. */
export interface IZone {
  /** The zone id (32 hex characters; not a secret). */
  readonly zoneId: string;
  /**
   * The zone apex, e.g. `example.com`.
   * @default - not known (constructs that name children after the zone need it)
   */
  readonly zoneName?: string;
}

/**
 * Importers for zones. gatehouse never creates or deletes a zone; it refers to zones the account has.
 *
 * @example
 * const zone = Zone.fromZoneId('fedcba9876543210fedcba9876543210', 'example.com');
 * new TunnelCnames(this, 'dns', { zone, hostnames: ['app.example.com'], target: tunnel.tunnelCname });
 * @namespace
 */
export const Zone = {
  /**
   * Refer to an existing zone by its id (32 hex characters), and optionally its apex name; a literal
   * id or name that is not one throws a `GatehouseError` naming `zoneId` or `zoneName`.
   */
  fromZoneId(zoneId: string, zoneName?: string): IZone {
    const problems = new ProblemCollector();
    if (!Token.isUnresolved(zoneId)) {
      const p = cloudflareIdProblem(zoneId);
      if (p) problems.add('zoneId', p, zoneId);
    }
    if (zoneName !== undefined && !Token.isUnresolved(zoneName)) {
      const p = zoneProblem(zoneName);
      if (p) problems.add('zoneName', p, zoneName);
    }
    problems.throwIfAny();
    return zoneName === undefined ? { zoneId } : { zoneId, zoneName };
  },

  /** The zone's apex name, or a `GatehouseError` naming `path` when the zone was imported without one. */
  nameOf(zone: IZone, path: string): string {
    if (zone.zoneName === undefined) {
      throw new GatehouseError([{ path, message: 'needs the zone name: import the zone with Zone.fromZoneId(zoneId, zoneName)', value: zone.zoneId }]);
    }
    return zone.zoneName;
  },
};
