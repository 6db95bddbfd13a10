/** IZone / Zone.fromZoneId: the typed zone reference every record-making construct takes. */
import { Lazy } from 'cdktf';
import { Zone } from '../../../lib/cloudflare/zone';
import { GatehouseError } from '../../../lib/core/errors';

const ZONE_ID = 'fedcba9876543210fedcba9876543210';

describe('Zone.fromZoneId', () => {
  test('refers to a zone by id, and by name when given', () => {
    expect(Zone.fromZoneId(ZONE_ID)).toEqual({ zoneId: ZONE_ID });
    expect(Zone.fromZoneId(ZONE_ID, 'example.com')).toEqual({ zoneId: ZONE_ID, zoneName: 'example.com' });
  });

  test('fails if the id is not 32 lower-case hex or the name is not a zone apex, both in one error', () => {
    const error = (() => {
      try {
        Zone.fromZoneId('ABC', '*.example.com');
      } catch (e) {
        return e as GatehouseError;
      }
      throw new Error('expected a GatehouseError');
    })();
    expect(error.lines()).toEqual([
      'zoneId: must be a 32-character lower-case hex id (got "ABC")',
      'zoneName: must be the zone apex, such as example.com, not a wildcard (got "*.example.com")',
    ]);
  });

  test('skips tokens (a zone id read from a data source)', () => {
    const id = Lazy.stringValue({ produce: () => ZONE_ID });
    expect(Zone.fromZoneId(id).zoneId).toBe(id);
  });

  test('nameOf: the name, or one line saying the construct needs it', () => {
    expect(Zone.nameOf(Zone.fromZoneId(ZONE_ID, 'example.com'), 'live.zones[0]')).toBe('example.com');
    expect(() => Zone.nameOf(Zone.fromZoneId(ZONE_ID), 'live.zones[0]')).toThrow(
      `live.zones[0]: needs the zone name: import the zone with Zone.fromZoneId(zoneId, zoneName) (got "${ZONE_ID}")`,
    );
  });
});
