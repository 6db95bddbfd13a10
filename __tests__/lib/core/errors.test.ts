import { describeValue, formatProblems, GatehouseError, looksLikeSecret, lookup, redactSecrets, SECRET_NOT_SHOWN } from '../../../lib/core/errors';
import { SECRETS } from './secrets';

/** Values that must still print as they are. */
const ORDINARY = [
  '0123456789abcdef0123456789abcdef', // account id: 32 hex is not a secret
  'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1',
  'CC94B39C77AE7342A68B89628A682D308D4E5E73', // an OpenPGP fingerprint (40 hex) identifies a key
  '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39', // a git commit
  '11111111-2222-4333-8444-555555555555',
  '123456789012-3h1qp2a0e4tdr5tqd1mnr7gbo3dqv2nj.apps.googleusercontent.com', // google client id
  'admin.example.com',
  '*.docs-site.pages.dev',
  'consultant@example.net',
  '/etc/gatehouse/tunnel-token',
  'ubuntu-os-cloud/ubuntu-2404-lts-amd64',
  'example-backups-2026-weur-primary-archiv', // 40 characters, a name
  'workspace_client_secret',
  '2026-11-22',
  '2026.7.2',
  'cloudflare_pages_project.pages-www_project_1A2B3C4D',
  'https://portal.example.com',
  'http_status:404',
  'the public marketing site is meant for everyone',
  '__tests__/fixtures/invalid/97-a-token-file-with-dot-segments.yaml',
  'tenant-00042-eu-west-archive-2030',
  'a'.repeat(70) + '.example.com', // a long name made of one hex letter: 64+ hex characters, but no entropy at all
  'deadbeef'.repeat(2) + 'b'.repeat(60),
  // absolute paths with temporary directories (mkdtemp's random suffixes): a resolved deployment path in a message
  '/tmp/gatehouse-cli-hm0QEw/graph-61-Aj19Eh/out',
  '/tmp/gatehouse-split-x7Ye2Q/jobs-Zp09qK/job-3/stacks/tenants-17',
  '/home/ops/Work2026/edgeDeployments/prod7Eu/deployment.yaml',
];

describe('redactSecrets', () => {
  test.each(Object.entries(SECRETS))('hides a %s, also inside a sentence', (_, secret) => {
    const line = `deploy.yaml: field: must be something (got "${secret}") and then ${secret}.`;
    const out = redactSecrets(line);
    for (const part of secret.split('\n')) if (part.length >= 8) expect(out).not.toContain(part.slice(0, 12));
    expect(out).toContain(SECRET_NOT_SHOWN);
    expect(looksLikeSecret(secret)).toBe(true);
  });

  test.each(ORDINARY)('prints an ordinary value as it is: %s', (value) => {
    expect(redactSecrets(`path: message (got ${JSON.stringify(value)})`)).toBe(`path: message (got ${JSON.stringify(value)})`);
    expect(looksLikeSecret(value)).toBe(false);
  });

  test('judges an absolute path segment by segment: a key that is a whole segment is still hidden', () => {
    expect(looksLikeSecret(`/etc/keys/${SECRETS['cloudflare api token (40 chars)']}`)).toBe(true);
    expect(looksLikeSecret('/var/lib/x/Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0h')).toBe(true);
  });

  test('masks the password of a URL and keeps the rest', () => {
    expect(redactSecrets('got "http://admin:pass@localhost:3000"')).toBe('got "http://admin:****@localhost:3000"');
    expect(redactSecrets('postgres://u:s3cr%40t@db.example.com/x')).toBe('postgres://u:****@db.example.com/x');
  });
});

describe('describeValue', () => {
  test('replaces a secret-shaped value by the notice, whole', () => {
    expect(describeValue(SECRETS['google oauth client secret'])).toBe(SECRET_NOT_SHOWN);
    expect(describeValue({ nested: [SECRETS['cloudflare api token (40 chars)']] })).toBe(SECRET_NOT_SHOWN);
  });

  test('a secret beyond the shown 80 characters is still recognised', () => {
    expect(describeValue(`${'x'.repeat(70)} ${SECRETS['base64 key']}`)).toBe(SECRET_NOT_SHOWN);
  });

  test('is bounded: a huge shared structure is cut, never built (no RangeError)', () => {
    let v: unknown = 'x'.repeat(100_000);
    for (let i = 0; i < 8; i++) v = Array.from({ length: 10 }, () => v);
    const text = describeValue(v);
    expect(text.length).toBeLessThanOrEqual(80);
    expect(text.endsWith('...')).toBe(true);
  });

  test('ordinary values print as JSON', () => {
    expect(describeValue('app.example.com')).toBe('"app.example.com"');
    expect(describeValue(3)).toBe('3');
    expect(describeValue({ everyone: true })).toBe('{"everyone":true}');
    expect(describeValue(undefined)).toBe('nothing');
  });

  test('writes lookalike and invisible characters as escapes, and leaves other text alone', () => {
    // GIVEN a Cyrillic а, a zero-width space and a fullwidth ｅ in otherwise Latin names, and plain accented or non-Latin text
    expect(describeValue('ex\u0430mple.com')).toBe('"ex\\u0430mple.com"');
    expect(describeValue('admin\u200b.example.com')).toBe('"admin\\u200b.example.com"');
    expect(describeValue('\uff45xample.com')).toBe('"\\uff45xample.com"');
    expect(describeValue('café menu')).toBe('"café menu"');
    expect(describeValue('東京')).toBe('"東京"');
  });
});

describe('formatProblems', () => {
  test('never prints the same line twice', () => {
    const p = { path: 'a', message: 'is wrong', value: 1 };
    expect(formatProblems([p, p, { ...p, value: 2 }], 'f.yaml')).toEqual(['f.yaml: a: is wrong (got 1)', 'f.yaml: a: is wrong (got 2)']);
  });

  test('redacts the path and message too (a construct error that embeds a secret in its text)', () => {
    const e = new GatehouseError([{ path: `bucket-${SECRETS['base64 key']}`, message: `bad ${SECRETS['google oauth client secret']}` }]);
    expect(e.message).not.toContain('GOCSPX');
    expect(e.message).not.toContain(SECRETS['base64 key']);
    expect(e.lines()).toEqual([`<${SECRET_NOT_SHOWN}>: bad <${SECRET_NOT_SHOWN}>`]);
  });
});

describe('lookup: a reference that must exist', () => {
  test('returns the entry, or throws one line naming the missing name and what is declared', () => {
    const policies = new Map([['allow-staff', 1], ['allow-ci', 2]]);
    expect(lookup(policies, 'allow-ci', 'access policy')).toBe(2);
    expect(() => lookup(policies, 'allow-all', 'access policy')).toThrow(GatehouseError);
    expect(() => lookup(policies, 'allow-all', 'access policy')).toThrow('allow-all: is not a declared access policy (declared: allow-staff, allow-ci)');
    expect(() => lookup(new Map(), 'x', 'Pages site')).toThrow('x: is not a declared Pages site (declared: none)');
  });
});
