import { TerraformOutput, TerraformVariable } from 'cdktf';
import { Jurisdiction, ManagedBucket, ManagedBucketProps } from '../../../../lib/cloudflare/r2/bucket';
import { BucketCredentials, GrantOptions } from '../../../../lib/cloudflare/r2/credentials';
import { ACCOUNT_ID, expectProblem, Json, newStack, synth, Synthesized } from './support';

const TOKEN = 'cloudflare_account_token';
const READ = '6a018a9f2fc74eb6b293b0c548f38b39';
const READ_WRITE = '2efd5506f9c8494dacb1fa10a3e7d5b6';
const MEMBER = 'serviceAccount:connector@example-project.iam.gserviceaccount.com';

interface Grant {
  readonly s: Synthesized;
  readonly creds: BucketCredentials;
}

/** Synthesize a bucket with one grant, plus outputs of the credentials' values. */
function grant(options: GrantOptions = {}, access: 'read' | 'read-write' = 'read-write', bucket: Partial<ManagedBucketProps> = {}): Grant {
  let creds: BucketCredentials | undefined;
  const s = synth((scope) => {
    const b = new ManagedBucket(scope, 'b', { accountId: ACCOUNT_ID, bucketName: 'example-backups', ...bucket });
    creds = access === 'read' ? b.grantRead('restic', options) : b.grantReadWrite('restic', options);
    new TerraformOutput(scope, 'access_key_id', { value: creds.accessKeyId });
    new TerraformOutput(scope, 'secret_access_key', { value: creds.secretAccessKey, sensitive: true });
    new TerraformOutput(scope, 'current_id', { value: creds.current.accessKeyId });
    new TerraformOutput(scope, 'current_secret', { value: creds.current.secretAccessKey, sensitive: true });
    if (creds.previous) {
      new TerraformOutput(scope, 'previous_id', { value: creds.previous.accessKeyId });
      new TerraformOutput(scope, 'previous_secret', { value: creds.previous.secretAccessKey, sensitive: true });
    }
  });
  return { s, creds: creds! };
}

const token = (s: Synthesized, slot = 'token'): Json => s.at(TOKEN, `b/credentials-restic/${slot}`);
const trigger = (s: Synthesized, slot = 'token'): Json => s.at('null_resource', `b/credentials-restic/${slot}-rotation`);
const tokenRef = (s: Synthesized, slot: string, attr: string): string => `${TOKEN}.${s.logicalId(`b/credentials-restic/${slot}`)}.${attr}`;

describe('BucketCredentials scope', () => {
  test('grantReadWrite uses the Bucket Item Write permission group', () => {
    const policies = token(grant().s).policies;
    expect(policies).toHaveLength(1);
    expect(policies[0].effect).toBe('allow');
    expect(policies[0].permission_groups).toEqual([{ id: READ_WRITE }]);
  });

  test('grantRead uses the Bucket Item Read permission group', () => {
    expect(token(grant({}, 'read').s).policies[0].permission_groups).toEqual([{ id: READ }]);
  });

  test('resources is a jsonencode of exactly one key: this bucket in the default jurisdiction', () => {
    const resources: string = token(grant().s).policies[0].resources;
    expect(resources).toBe(`\${jsonencode({"com.cloudflare.edge.r2.bucket.${ACCOUNT_ID}_default_example-backups" = "*"})}`);
    expect(resources.match(/ = /g)).toHaveLength(1);
  });

  test('resources names the eu jurisdiction for an eu bucket', () => {
    const resources: string = token(grant({}, 'read', { jurisdiction: Jurisdiction.EU }).s).policies[0].resources;
    expect(resources).toBe(`\${jsonencode({"com.cloudflare.edge.r2.bucket.${ACCOUNT_ID}_eu_example-backups" = "*"})}`);
  });

  test('the token is account-owned, in the account, named after the bucket and grant', () => {
    const t = token(grant().s);
    expect(t.account_id).toBe(ACCOUNT_ID);
    expect(t.name).toBe('r2-example-backups-restic');
  });

  test('no expiry by default; expires sets expires_on at UTC midnight', () => {
    expect(token(grant().s)).not.toHaveProperty('expires_on');
    expect(token(grant({ expires: '2027-06-30' }).s).expires_on).toBe('2027-06-30T00:00:00Z');
  });
});

describe('BucketCredentials rotation (one slot)', () => {
  test('the trigger holds the rotation value, 1 by default', () => {
    const { s, creds } = grant();
    expect(trigger(s).triggers).toEqual({ rotation: '1' });
    expect([...creds.tokens.keys()]).toEqual(['token']);
    expect(s.resources(TOKEN)).toHaveLength(1);
    expect(s.resources('null_resource')).toHaveLength(2); // the trigger and the bucket's jurisdiction pin
  });

  test.each([0, 7])('the trigger holds rotation %p', (rotation) => {
    expect(trigger(grant({ rotation }).s).triggers).toEqual({ rotation: String(rotation) });
  });

  test('the token is created before the old one is destroyed and is replaced by a bare trigger address', () => {
    const { s } = grant({ rotation: 3 });
    const lifecycle = token(s).lifecycle;
    expect(lifecycle.create_before_destroy).toBe(true);
    expect(lifecycle.replace_triggered_by).toEqual([`null_resource.${s.logicalId('b/credentials-restic/token-rotation')}`]);
    expect(lifecycle.replace_triggered_by[0]).not.toContain('${');
    expect(lifecycle).not.toHaveProperty('prevent_destroy');
  });

  test('access key id is the token id; secret access key is sensitive(sha256(token value))', () => {
    const { s, creds } = grant();
    expect(s.output('access_key_id')).toBe(`\${${tokenRef(s, 'token', 'id')}}`);
    const secret = s.output('secret_access_key') as string;
    expect(secret).toBe(`\${sensitive(sha256(${tokenRef(s, 'token', 'value')}))}`);
    expect(secret).toContain('sha256(');
    expect(secret).toContain('sensitive(');
    expect(s.output('current_id')).toBe(s.output('access_key_id'));
    expect(s.output('current_secret')).toBe(secret);
    expect(creds.previous).toBeUndefined();
  });
});

describe('BucketCredentials rotation (two slots)', () => {
  const triggers = (s: Synthesized) => ({ a: trigger(s, 'a').triggers.rotation, b: trigger(s, 'b').triggers.rotation });

  test('two tokens, each replaced by its own trigger, named -a and -b', () => {
    const { s, creds } = grant({ twoSlot: true, rotation: 4 });
    expect([...creds.tokens.keys()]).toEqual(['a', 'b']);
    expect(s.resources(TOKEN)).toHaveLength(2);
    for (const slot of ['a', 'b']) {
      const t = token(s, slot);
      expect(t.name).toBe(`r2-example-backups-restic-${slot}`);
      expect(t.lifecycle.create_before_destroy).toBe(true);
      expect(t.lifecycle.replace_triggered_by).toEqual([`null_resource.${s.logicalId(`b/credentials-restic/${slot}-rotation`)}`]);
      expect(t.policies[0].permission_groups).toEqual([{ id: READ_WRITE }]);
    }
  });

  test('bumping rotation from 4 to 5 changes only slot b', () => {
    // GIVEN the same grant synthesized at rotation 4 and at rotation 5
    const before = triggers(grant({ twoSlot: true, rotation: 4 }).s);
    const after = triggers(grant({ twoSlot: true, rotation: 5 }).s);
    // THEN
    expect(before).toEqual({ a: '4', b: '3' });
    expect(after).toEqual({ a: '4', b: '5' });
  });

  test('bumping rotation from 5 to 6 changes only slot a', () => {
    const before = triggers(grant({ twoSlot: true, rotation: 5 }).s);
    const after = triggers(grant({ twoSlot: true, rotation: 6 }).s);
    expect(after.b).toBe(before.b);
    expect(after.a).not.toBe(before.a);
    expect(after).toEqual({ a: '6', b: '5' });
  });

  test('the default rotation (1) puts current in slot b', () => {
    const { s } = grant({ twoSlot: true });
    expect(triggers(s)).toEqual({ a: '0', b: '1' });
    expect(s.output('current_id')).toBe(`\${${tokenRef(s, 'b', 'id')}}`);
  });

  test('even rotation: current is slot a, previous is slot b', () => {
    const { s, creds } = grant({ twoSlot: true, rotation: 4 });
    expect(s.output('current_id')).toBe(`\${${tokenRef(s, 'a', 'id')}}`);
    expect(s.output('current_secret')).toBe(`\${sensitive(sha256(${tokenRef(s, 'a', 'value')}))}`);
    expect(s.output('previous_id')).toBe(`\${${tokenRef(s, 'b', 'id')}}`);
    expect(s.output('previous_secret')).toBe(`\${sensitive(sha256(${tokenRef(s, 'b', 'value')}))}`);
    expect(s.output('access_key_id')).toBe(s.output('current_id'));
    expect(s.output('secret_access_key')).toBe(s.output('current_secret'));
    expect(creds.previous).toBeDefined();
  });

  test('odd rotation: current is slot b, previous is slot a', () => {
    const { s } = grant({ twoSlot: true, rotation: 5 });
    expect(s.output('current_id')).toBe(`\${${tokenRef(s, 'b', 'id')}}`);
    expect(s.output('previous_id')).toBe(`\${${tokenRef(s, 'a', 'id')}}`);
    expect(s.output('access_key_id')).toBe(s.output('current_id'));
  });
});

describe('BucketCredentials endpoint', () => {
  test('default jurisdiction', () => {
    expect(grant().creds.s3Endpoint).toBe(`https://${ACCOUNT_ID}.r2.cloudflarestorage.com`);
  });

  test('eu jurisdiction', () => {
    expect(grant({}, 'read', { jurisdiction: Jurisdiction.EU }).creds.s3Endpoint).toBe(`https://${ACCOUNT_ID}.eu.r2.cloudflarestorage.com`);
  });
});

describe('BucketCredentials delivery to Secret Manager', () => {
  test('nothing is delivered by default', () => {
    const { s } = grant();
    expect(s.resources('google_secret_manager_secret')).toEqual([]);
    expect(s.resources('google_secret_manager_secret_iam_member')).toEqual([]);
    expect(s.resources('google_secret_manager_secret_version')).toEqual([]);
  });

  test('deliverTo creates a secret, one accessor binding for exactly the member, and a version', () => {
    // GIVEN a delivery target
    const { s } = grant({ deliverTo: { project: 'example-project', secretId: 'example-backups-restic', member: MEMBER } });
    const secretId = s.logicalId('b/credentials-restic/secret');
    // THEN the secret
    expect(s.at('google_secret_manager_secret', 'b/credentials-restic/secret')).toEqual({
      project: 'example-project',
      secret_id: 'example-backups-restic',
      replication: { auto: {} },
      labels: { 'managed-by': 'gatehouse' },
    });
    // AND exactly one IAM member, the given one, with the accessor role
    const members = s.resources('google_secret_manager_secret_iam_member');
    expect(members).toHaveLength(1);
    expect(members[0][1]).toEqual({
      project: 'example-project',
      secret_id: `\${google_secret_manager_secret.${secretId}.secret_id}`,
      role: 'roles/secretmanager.secretAccessor',
      member: MEMBER,
    });
    // AND a version of the current credentials, sensitive
    const version = s.at('google_secret_manager_secret_version', 'b/credentials-restic/secret-version');
    expect(version.secret).toBe(`\${google_secret_manager_secret.${secretId}.id}`);
    // AND a rotation (a new secret_data, which forces a new version) creates the new version before it
    // destroys the old one, so versions/latest never points at a destroyed version
    expect(version.lifecycle).toEqual({ create_before_destroy: true });
    expect(version.secret_data).toBe(
      `\${sensitive(jsonencode({"access_key_id" = ${tokenRef(s, 'token', 'id')}, ` +
        `"secret_access_key" = sensitive(sha256(${tokenRef(s, 'token', 'value')})), ` +
        `"endpoint" = "https://${ACCOUNT_ID}.r2.cloudflarestorage.com", "bucket" = "example-backups", "region" = "auto"}))}`,
    );
  });

  test('in two-slot mode the version holds the current slot', () => {
    const { s } = grant({ twoSlot: true, rotation: 5, deliverTo: { project: 'example-project', secretId: 'example-backups-restic', member: MEMBER } });
    const data: string = s.at('google_secret_manager_secret_version', 'b/credentials-restic/secret-version').secret_data;
    expect(data).toContain(`"access_key_id" = ${tokenRef(s, 'b', 'id')}`);
    expect(data).toContain(`sha256(${tokenRef(s, 'b', 'value')})`);
    expect(data).not.toContain(tokenRef(s, 'a', 'id'));
  });
});

describe('BucketCredentials validation', () => {
  const build = (options: GrantOptions) => new ManagedBucket(newStack(), 'b', { accountId: ACCOUNT_ID, bucketName: 'example-backups' }).grantReadWrite('restic', options);

  test.each([-1, 1.5])('fails if rotation is %p', (rotation) => {
    const problem = expectProblem(() => build({ rotation }), 'credentials-restic.rotation', 'must be a whole number of 0 or more');
    expect(problem.value).toBe(rotation);
  });

  test('fails if rotation is negative in two-slot mode', () => {
    expectProblem(() => build({ rotation: -2, twoSlot: true }), 'credentials-restic.rotation', 'must be a whole number of 0 or more');
  });

  test.each(['2027/06/30', '30-06-2027', '2027-6-30', '2027-06-30T00:00:00Z', ''])('fails if expires is not YYYY-MM-DD: %j', (expires) => {
    const problem = expectProblem(() => build({ expires }), 'credentials-restic.expires', 'must be a date written YYYY-MM-DD');
    expect(problem.value).toBe(expires);
  });

  test.each(['2027-02-30', '2027-13-45'])('fails if expires is not a calendar date: %j', (expires) => {
    expectProblem(() => build({ expires }), 'credentials-restic.expires', 'must be a real calendar date');
  });

  test('fails if rotation is a terraform expression in two-slot mode', () => {
    // GIVEN a rotation that is only known at plan time
    const stack = newStack();
    const rotation = new TerraformVariable(stack, 'rotation', { type: 'number' }).numberValue;
    const bucket = new ManagedBucket(stack, 'b', { accountId: ACCOUNT_ID, bucketName: 'example-backups' });
    // WHEN two-slot credentials are granted THEN the slot split cannot be computed and synth fails
    expectProblem(() => bucket.grantReadWrite('restic', { rotation, twoSlot: true }), 'credentials-restic.rotation', 'must be a literal number in two-slot mode');
  });
});
