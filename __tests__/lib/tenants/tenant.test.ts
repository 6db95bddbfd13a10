/** ManagedTenant: a disabled tenant's deletion date follows the same rule as the deployment file. */
import { ManagedTenant, ManagedTenantProps } from '../../../lib/tenants/tenant';
import { ACCOUNT_ID, expectProblem, newStack, synth } from '../cloudflare/access/support';
import { Zone } from '../../../lib/cloudflare/zone';

const TODAY = '2026-11-22';

function props(overrides: Partial<ManagedTenantProps> = {}): ManagedTenantProps {
  return {
    accountId: ACCOUNT_ID,
    zone: Zone.fromZoneId('fedcba9876543210fedcba9876543210'),
    teamName: 'example',
    tenantId: 'acme',
    tunnelPrefix: 'example',
    hostname: 'acme.example.com',
    service: 'http://localhost:80',
    bucketName: 'example-t-acme',
    publicReason: 'the hub authenticates its own users',
    today: TODAY,
    ...overrides,
  };
}

const build = (overrides: Partial<ManagedTenantProps>) => new ManagedTenant(newStack(), 'tenant-acme', props(overrides));

describe('ManagedTenant disabled', () => {
  test('fails if disabledOn is back-dated so that the retention has ended, naming the bucket and the deletion date', () => {
    const p = expectProblem(() => build({ enabled: false, disabledOn: '2025-01-01' }), 'tenant-acme.disabledOn', 'deletes every object of bucket example-t-acme on 2025-01-31');
    expect(p.message).toContain('confirmDelete: example-t-acme');
  });

  test('fails if disabledOn is missing', () => {
    expectProblem(() => build({ enabled: false }), 'tenant-acme.disabledOn', 'is required when enabled is false');
  });

  test('a deletion date after tomorrow is fine, and the confirmation lets an ended retention stand', () => {
    expect(() => build({ enabled: false, disabledOn: '2026-11-22', retainDays: 30 })).not.toThrow();
    const s = synth((scope) => new ManagedTenant(scope, 'tenant-acme', props({ enabled: false, disabledOn: '2025-01-01', confirmDelete: 'example-t-acme' })));
    const [[, lifecycle]] = s.resources('cloudflare_r2_bucket_lifecycle');
    expect(lifecycle.rules[1].delete_objects_transition.condition.date).toBe('2025-01-31T00:00:00Z');
  });

  test('fails if the confirmation is not the bucket name', () => {
    expectProblem(() => build({ enabled: false, disabledOn: '2025-01-01', confirmDelete: 'acme' }), 'tenant-acme.confirmDelete', 'example-t-acme');
  });
});
