import { Construct } from 'constructs';
import { Jurisdiction, ManagedBucket, ManagedBucketProps, StorageClass } from '../../../../lib/cloudflare/r2/bucket';
import { ACCOUNT_ID, expectProblem, Json, newStack, problemsOf, synth, Synthesized } from './support';
import { Zone } from '../../../../lib/cloudflare/zone';

const DAY = 86_400;
const BUCKET = 'cloudflare_r2_bucket';
const LIFECYCLE = 'cloudflare_r2_bucket_lifecycle';
const LOCK = 'cloudflare_r2_bucket_lock';
const CORS = 'cloudflare_r2_bucket_cors';
const CUSTOM_DOMAIN = 'cloudflare_r2_custom_domain';
const MANAGED_DOMAIN = 'cloudflare_r2_managed_domain';
const SUB_RESOURCES = [LIFECYCLE, LOCK, CORS, CUSTOM_DOMAIN, MANAGED_DOMAIN];
const ZONE_ID = 'fedcba9876543210fedcba9876543210';

const ABORT_7_DAYS = {
  id: 'abort-multipart',
  enabled: true,
  conditions: { prefix: '' },
  abort_multipart_uploads_transition: { condition: { type: 'Age', max_age: 604800 } },
};

/** "Today" for deletion dates, pinned. */
const TODAY = '2026-11-22';

function props(overrides: Partial<ManagedBucketProps> = {}): ManagedBucketProps {
  return { accountId: ACCOUNT_ID, bucketName: 'example-backups', today: TODAY, ...overrides };
}

function synthBucket(overrides: Partial<ManagedBucketProps> = {}): Synthesized {
  return synth((scope) => new ManagedBucket(scope, 'b', props(overrides)));
}

function build(overrides: Partial<ManagedBucketProps> = {}, scope: Construct = newStack()): ManagedBucket {
  return new ManagedBucket(scope, 'b', props(overrides));
}

function rulesOf(s: Synthesized): Json[] {
  return s.at(LIFECYCLE, 'b/lifecycle').rules;
}

describe('ManagedBucket defaults', () => {
  // GIVEN only an account id and a bucket name
  const s = synthBucket();
  const bucket = s.at(BUCKET, 'b/bucket');

  test('the bucket has the name, the default jurisdiction, Standard storage and no location hint', () => {
    expect(bucket.account_id).toBe(ACCOUNT_ID);
    expect(bucket.name).toBe('example-backups');
    expect(bucket.jurisdiction).toBe('default');
    expect(bucket.storage_class).toBe('Standard');
    expect(bucket).not.toHaveProperty('location');
  });

  test('prevent_destroy is on', () => {
    expect(bucket.lifecycle.prevent_destroy).toBe(true);
  });

  test('replace_triggered_by is the bare address of the jurisdiction pin, not an interpolation', () => {
    const pin = s.logicalId('b/jurisdiction-pin');
    expect(bucket.lifecycle.replace_triggered_by).toEqual([`null_resource.${pin}`]);
    expect(bucket.lifecycle.replace_triggered_by[0]).not.toContain('${');
    expect(s.at('null_resource', 'b/jurisdiction-pin').triggers).toEqual({ jurisdiction: 'default' });
  });

  test('the lifecycle holds only the 7-day (604800 s) multipart abort rule, for the whole bucket', () => {
    const lifecycle = s.at(LIFECYCLE, 'b/lifecycle');
    expect(lifecycle.account_id).toBe(ACCOUNT_ID);
    expect(lifecycle.bucket_name).toBe(`\${${BUCKET}.${s.logicalId('b/bucket')}.name}`);
    expect(lifecycle.jurisdiction).toBe('default');
    expect(lifecycle.rules).toEqual([ABORT_7_DAYS]);
  });

  test('r2.dev is explicitly disabled', () => {
    const r2dev = s.at(MANAGED_DOMAIN, 'b/r2-dev');
    expect(r2dev).toEqual({
      account_id: ACCOUNT_ID,
      bucket_name: `\${${BUCKET}.${s.logicalId('b/bucket')}.name}`,
      jurisdiction: 'default',
      enabled: false,
    });
  });

  test('no lock, no CORS, no custom domain', () => {
    expect(s.resources(LOCK)).toEqual([]);
    expect(s.resources(CORS)).toEqual([]);
    expect(s.resources(CUSTOM_DOMAIN)).toEqual([]);
  });

  test('exposes name, jurisdiction, endpoint and in-service state', () => {
    const b = build();
    expect(b.bucketName).toBe('example-backups');
    expect(b.jurisdiction).toBe(Jurisdiction.DEFAULT);
    expect(b.s3Endpoint).toBe(`https://${ACCOUNT_ID}.r2.cloudflarestorage.com`);
    expect(b.retired).toBe(false);
    expect(b.customDomain).toBeUndefined();
  });
});

describe('ManagedBucket options', () => {
  test('storage class and location hint are passed through', () => {
    const bucket = synthBucket({ storageClass: StorageClass.INFREQUENT_ACCESS, location: 'weur' }).at(BUCKET, 'b/bucket');
    expect(bucket.storage_class).toBe('InfrequentAccess');
    expect(bucket.location).toBe('weur');
  });

  test('abortMultipartAfterDays sets the abort rule age in seconds', () => {
    expect(rulesOf(synthBucket({ lifecycle: { abortMultipartAfterDays: 2 } }))).toEqual([
      { ...ABORT_7_DAYS, abort_multipart_uploads_transition: { condition: { type: 'Age', max_age: 2 * DAY } } },
    ]);
  });

  test('deleteAfterDays adds a delete rule of N*86400 seconds after the abort rule', () => {
    expect(rulesOf(synthBucket({ lifecycle: { deleteAfterDays: 90 } }))).toEqual([
      ABORT_7_DAYS,
      { id: 'delete-after', enabled: true, conditions: { prefix: '' }, delete_objects_transition: { condition: { type: 'Age', max_age: 7776000 } } },
    ]);
  });

  test('transitionToInfrequentAccessAfterDays adds a storage class transition rule', () => {
    expect(rulesOf(synthBucket({ lifecycle: { transitionToInfrequentAccessAfterDays: 30 } }))).toEqual([
      ABORT_7_DAYS,
      {
        id: 'to-infrequent-access',
        enabled: true,
        conditions: { prefix: '' },
        storage_class_transitions: [{ condition: { type: 'Age', max_age: 30 * DAY }, storage_class: 'InfrequentAccess' }],
      },
    ]);
  });

  test('all lifecycle rules together: abort, delete, transition', () => {
    const rules = rulesOf(synthBucket({ lifecycle: { deleteAfterDays: 365, abortMultipartAfterDays: 1, transitionToInfrequentAccessAfterDays: 60 } }));
    expect(rules.map((r) => r.id)).toEqual(['abort-multipart', 'delete-after', 'to-infrequent-access']);
    expect(rules[0].abort_multipart_uploads_transition.condition.max_age).toBe(DAY);
    expect(rules[1].delete_objects_transition.condition.max_age).toBe(365 * DAY);
    expect(rules[2].storage_class_transitions[0].condition.max_age).toBe(60 * DAY);
  });

  test('lockRetainDays adds a whole-bucket Age lock rule in seconds', () => {
    const s = synthBucket({ lockRetainDays: 30 });
    expect(s.at(LOCK, 'b/lock')).toEqual({
      account_id: ACCOUNT_ID,
      bucket_name: `\${${BUCKET}.${s.logicalId('b/bucket')}.name}`,
      jurisdiction: 'default',
      rules: [{ id: 'retain', enabled: true, prefix: '', condition: { type: 'Age', max_age_seconds: 30 * DAY } }],
    });
  });

  test('CORS rules are passed through; optional headers and max age only when given', () => {
    const s = synthBucket({
      cors: [
        { allowedOrigins: ['https://portal.example.com'], allowedMethods: ['GET', 'HEAD'], allowedHeaders: ['Range'], maxAgeSeconds: 3600 },
        { allowedOrigins: ['https://www.example.net'], allowedMethods: ['PUT'], allowedHeaders: [] },
      ],
    });
    const cors = s.at(CORS, 'b/cors');
    expect(cors.account_id).toBe(ACCOUNT_ID);
    expect(cors.bucket_name).toBe(`\${${BUCKET}.${s.logicalId('b/bucket')}.name}`);
    expect(cors.jurisdiction).toBe('default');
    expect(cors.rules).toEqual([
      { allowed: { origins: ['https://portal.example.com'], methods: ['GET', 'HEAD'], headers: ['Range'] }, max_age_seconds: 3600 },
      { allowed: { origins: ['https://www.example.net'], methods: ['PUT'] } },
    ]);
  });

  test('an empty CORS list creates no CORS resource', () => {
    expect(synthBucket({ cors: [] }).resources(CORS)).toEqual([]);
  });
});

describe('ManagedBucket public access', () => {
  const REASON = 'serves the public download page';

  test('private: r2.dev disabled, no custom domain', () => {
    const s = synthBucket();
    expect(s.at(MANAGED_DOMAIN, 'b/r2-dev').enabled).toBe(false);
    expect(s.resources(CUSTOM_DOMAIN)).toEqual([]);
  });

  test('public without a custom domain: r2.dev enabled', () => {
    const s = synthBucket({ public: { reason: REASON } });
    expect(s.at(MANAGED_DOMAIN, 'b/r2-dev').enabled).toBe(true);
    expect(s.resources(CUSTOM_DOMAIN)).toEqual([]);
  });

  test('public with a custom domain: the domain is served with TLS 1.2 minimum and r2.dev stays disabled', () => {
    let b: ManagedBucket | undefined;
    const s = synth((scope) => {
      b = new ManagedBucket(scope, 'b', props({ public: { reason: REASON, customDomain: { domain: 'files.example.com', zone: Zone.fromZoneId(ZONE_ID) } } }));
    });
    expect(s.at(CUSTOM_DOMAIN, 'b/custom-domain')).toEqual({
      account_id: ACCOUNT_ID,
      bucket_name: `\${${BUCKET}.${s.logicalId('b/bucket')}.name}`,
      jurisdiction: 'default',
      domain: 'files.example.com',
      zone_id: ZONE_ID,
      enabled: true,
      min_tls: '1.2',
    });
    expect(s.at(MANAGED_DOMAIN, 'b/r2-dev').enabled).toBe(false);
    expect(b!.customDomain).toBeDefined();
  });
});

describe('ManagedBucket jurisdiction', () => {
  test('an eu bucket repeats the jurisdiction on the bucket, the pin and every sub-resource', () => {
    // GIVEN an eu bucket with every sub-resource
    const s = synthBucket({
      jurisdiction: Jurisdiction.EU,
      lockRetainDays: 7,
      cors: [{ allowedOrigins: ['https://portal.example.com'], allowedMethods: ['GET'] }],
      public: { reason: 'serves the public download page', customDomain: { domain: 'files.example.com', zone: Zone.fromZoneId(ZONE_ID) } },
    });
    // THEN
    expect(s.at(BUCKET, 'b/bucket').jurisdiction).toBe('eu');
    expect(s.at('null_resource', 'b/jurisdiction-pin').triggers).toEqual({ jurisdiction: 'eu' });
    for (const type of SUB_RESOURCES) {
      const found = s.resources(type);
      expect(found).toHaveLength(1);
      expect([type, found[0][1].jurisdiction]).toEqual([type, 'eu']);
    }
  });

  test.each([
    [Jurisdiction.EU, `https://${ACCOUNT_ID}.eu.r2.cloudflarestorage.com`],
    [Jurisdiction.FEDRAMP, `https://${ACCOUNT_ID}.fedramp.r2.cloudflarestorage.com`],
  ])('the %s endpoint is the jurisdiction endpoint', (jurisdiction, endpoint) => {
    const b = build({ jurisdiction });
    expect(b.jurisdiction).toBe(jurisdiction);
    expect(b.s3Endpoint).toBe(endpoint);
  });
});

describe('ManagedBucket retired', () => {
  test('lifecycle becomes the abort rule plus one expire-all rule on since + 30 days by default', () => {
    // GIVEN a bucket that had delete and transition rules, now retired without retainDays
    const s = synthBucket({ lifecycle: { deleteAfterDays: 365, transitionToInfrequentAccessAfterDays: 30 }, retired: { since: '2026-11-22' } });
    // THEN a date rule: objects older than the retention are not deleted at once
    expect(rulesOf(s)).toEqual([
      ABORT_7_DAYS,
      { id: 'retired-expire-all', enabled: true, conditions: { prefix: '' }, delete_objects_transition: { condition: { type: 'Date', date: '2026-12-22T00:00:00Z' } } },
    ]);
  });

  test('retainDays moves the expiry date; month and year ends roll over', () => {
    const rules = rulesOf(synthBucket({ retired: { since: '2026-12-30', retainDays: 5 } }));
    expect(rules).toHaveLength(2);
    expect(rules[1].id).toBe('retired-expire-all');
    expect(rules[1].delete_objects_transition.condition).toEqual({ type: 'Date', date: '2027-01-04T00:00:00Z' });
  });

  test('fails if the retirement date is not a calendar date', () => {
    expectProblem(() => build({ retired: { since: '2026-02-30' } }), 'b.retired.since', 'must be a real calendar date');
  });

  test('a retired public bucket loses its custom domain and r2.dev is disabled', () => {
    const s = synthBucket({
      public: { reason: 'serves the public download page', customDomain: { domain: 'files.example.com', zone: Zone.fromZoneId(ZONE_ID) } },
      retired: { since: '2026-11-22' },
    });
    expect(s.resources(CUSTOM_DOMAIN)).toEqual([]);
    expect(s.at(MANAGED_DOMAIN, 'b/r2-dev').enabled).toBe(false);
  });

  test('a retired public bucket without custom domain has r2.dev disabled', () => {
    expect(synthBucket({ public: { reason: 'serves the public download page' }, retired: { since: '2026-11-22' } }).at(MANAGED_DOMAIN, 'b/r2-dev').enabled).toBe(false);
  });

  test('the bucket itself stays, still protected by prevent_destroy', () => {
    const s = synthBucket({ retired: { since: '2026-11-22', retainDays: 10 } });
    expect(s.at(BUCKET, 'b/bucket').lifecycle.prevent_destroy).toBe(true);
  });

  test('grantRead and grantReadWrite throw', () => {
    // GIVEN a retired bucket
    const b = build({ retired: { since: '2026-11-22' } });
    // THEN
    expect(b.retired).toBe(true);
    expectProblem(() => b.grantRead('reader'), 'b.grant(reader)', 'the bucket is retired');
    expectProblem(() => b.grantReadWrite('restic'), 'b.grant(restic)', 'its credentials are revoked');
  });
});

describe('ManagedBucket retirement dates cannot destroy (the same rule as the deployment file)', () => {
  test('fails if a back-dated retirement would delete every object at once, naming the bucket and the deletion date', () => {
    // GIVEN since 2020-01-01 with 30 days of retention, today 2026-11-22
    const p = expectProblem(() => build({ retired: { since: '2020-01-01', retainDays: 30 } }), 'b.retired.since', 'deletes every object of bucket example-backups on 2020-01-31');
    // THEN the message says how to confirm, in the construct's own terms
    expect(p.message).toContain('retired.confirmDelete: example-backups');
    expect(p.value).toBe('2020-01-01');
  });

  test('fails if the deletion date is tomorrow, accepts the day after', () => {
    // GIVEN today 2026-11-22: deletion 2026-11-23 is refused, 2026-11-24 accepted
    expectProblem(() => build({ retired: { since: '2026-11-13', retainDays: 10 } }), 'b.retired.since', 'on 2026-11-23 (since + 10 days), tomorrow');
    expect(() => build({ retired: { since: '2026-11-14', retainDays: 10 } })).not.toThrow();
  });

  test('the typed confirmation with the exact bucket name lets it expire, also at the normal end of a retention', () => {
    const s = synthBucket({ retired: { since: '2020-01-01', retainDays: 30, confirmDelete: 'example-backups' } });
    expect(rulesOf(s)[1].delete_objects_transition.condition.date).toBe('2020-01-31T00:00:00Z');
  });

  test('fails if the confirmation names another bucket', () => {
    const p = expectProblem(
      () => build({ retired: { since: '2020-01-01', confirmDelete: 'example-backup' } }),
      'b.retired.confirmDelete',
      'must be the exact name of the bucket whose objects it lets expire, example-backups',
    );
    expect(p.value).toBe('example-backup');
  });

  test('today defaults to the current date; an invalid today is refused', () => {
    expect(() => new ManagedBucket(newStack(), 'b', { accountId: ACCOUNT_ID, bucketName: 'example-backups', retired: { since: '2020-01-01' } })).toThrow(
      'deletes every object of bucket example-backups on 2020-01-31',
    );
    expectProblem(() => build({ today: '22.11.2026' }), 'b.today', 'must be a date written YYYY-MM-DD');
  });
});

describe('ManagedBucket validation', () => {
  test.each([
    ['ab', 'too short'],
    ['Example-backups', 'upper case'],
    ['-example-backups', 'leading hyphen'],
    ['example-backups-', 'trailing hyphen'],
    ['example_backups', 'underscore'],
    ['a'.repeat(64), 'too long'],
  ])('fails if the bucket name is bad: %s (%s)', (bucketName) => {
    const problem = expectProblem(() => build({ bucketName }), 'b.bucketName', 'must be 3-63 characters of lower-case letters');
    expect(problem.value).toBe(bucketName);
  });

  test.each(['abc', 'a'.repeat(63), '0-9'])('accepts the bucket name %s', (bucketName) => {
    expect(build({ bucketName }).bucketName).toBe(bucketName);
  });

  const DAY_FIELDS: Array<[string, (n: number) => Partial<ManagedBucketProps>]> = [
    ['lifecycle.deleteAfterDays', (n) => ({ lifecycle: { deleteAfterDays: n } })],
    ['lifecycle.abortMultipartAfterDays', (n) => ({ lifecycle: { abortMultipartAfterDays: n } })],
    ['lifecycle.transitionToInfrequentAccessAfterDays', (n) => ({ lifecycle: { transitionToInfrequentAccessAfterDays: n } })],
    ['lockRetainDays', (n) => ({ lockRetainDays: n })],
    ['retired.retainDays', (n) => ({ retired: { since: '2026-11-30', retainDays: n } })],
  ];
  const BAD_DAYS = [0, -1, 1.5, 36501];

  describe.each(DAY_FIELDS)('%s', (field, set) => {
    test.each(BAD_DAYS)('fails if it is %p', (n) => {
      const problem = expectProblem(() => build(set(n)), `b.${field}`, 'must be a whole number of days from 1 to 36500');
      expect(problem.value).toBe(n);
    });

    test.each([1, 36500])('accepts %p', (n) => {
      expect(() => build(set(n))).not.toThrow();
    });
  });

  test.each([30, 45])('fails if the transition (%p days) is not before the delete (30 days)', (transition) => {
    expectProblem(
      () => build({ lifecycle: { deleteAfterDays: 30, transitionToInfrequentAccessAfterDays: transition } }),
      'b.lifecycle.transitionToInfrequentAccessAfterDays',
      'must be less than deleteAfterDays',
    );
  });

  test('accepts a transition one day before the delete', () => {
    expect(() => build({ lifecycle: { deleteAfterDays: 30, transitionToInfrequentAccessAfterDays: 29 } })).not.toThrow();
  });

  test('fails if objects would be deleted before the lock releases them', () => {
    const problem = expectProblem(
      () => build({ lockRetainDays: 90, lifecycle: { deleteAfterDays: 60 } }),
      'b.lifecycle.deleteAfterDays',
      'must be at least lockRetainDays (90)',
    );
    expect(problem.value).toBe(60);
  });

  test('accepts delete equal to the lock', () => {
    expect(() => build({ lockRetainDays: 90, lifecycle: { deleteAfterDays: 90 } })).not.toThrow();
  });

  test.each(['too short', '  public    ', ''])('fails if the public reason is shorter than 10 characters: %j', (reason) => {
    const problem = expectProblem(() => build({ public: { reason } }), 'b.public.reason', 'must explain in at least 10 characters');
    expect(problem.value).toBe(reason);
  });

  test('accepts a reason of exactly 10 characters', () => {
    expect(() => build({ public: { reason: 'open data!' } })).not.toThrow();
  });

  test('reports every problem at once', () => {
    const problems = problemsOf(() => build({ bucketName: 'X', lockRetainDays: 0, public: { reason: 'x' } }));
    expect(problems.map((p) => p.path)).toEqual(['b.bucketName', 'b.lockRetainDays', 'b.public.reason']);
  });
});
