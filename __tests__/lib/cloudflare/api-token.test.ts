import { TerraformOutput, Token } from 'cdktf';
import { ScopedApiToken, ScopedApiTokenProps, TokenPermissions, TokenPreset } from '../../../lib/cloudflare/api-token';
import { ACCOUNT_PERMISSIONS, ZONE_PERMISSIONS } from '../../../lib/cloudflare/permissions';
import { FACTS, factsOf } from '../../../lib/checks/facts';
import { evaluate } from '../../../lib/cutover/evaluate';
import { ACCOUNT_ID, expectProblem, Json, newStack, problemsOf, Synthesized, synth } from './access/support';
import { Zone } from '../../../lib/cloudflare/zone';

const TOKEN = 'cloudflare_account_token';
const GROUPS = 'cloudflare_account_api_token_permission_groups_list';
const ZONE_COM = 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0';
const ZONE_NET = 'd1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1';

/** The jsonencode expression that scopes a policy to the whole account. */
const ACCOUNT_RESOURCES = `\${jsonencode({"com.cloudflare.api.account.${ACCOUNT_ID}" = "*"})}`;

/** The jsonencode expression that scopes a policy to the given zones. */
function zoneResources(...zones: string[]): string {
  return `\${jsonencode({${zones.map((z) => `"com.cloudflare.api.account.zone.${z}" = "*"`).join(', ')}})}`;
}

/** A stub of Cloudflare's permission-group list: every name the library knows, with ids derived from the name. */
const ALL_GROUPS = [...ACCOUNT_PERMISSIONS, ...ZONE_PERMISSIONS].map((name) => ({ id: `id-${name.toLowerCase().replace(/ /g, '-')}`, name }));
function idFor(name: string): string {
  return `id-${name.toLowerCase().replace(/ /g, '-')}`;
}

function props(overrides: Partial<ScopedApiTokenProps> = {}): ScopedApiTokenProps {
  return { accountId: ACCOUNT_ID, name: 'dns-admin', permissions: TokenPreset.DNS_ADMIN, zones: [Zone.fromZoneId(ZONE_COM)], ...overrides };
}

function build(overrides: Partial<ScopedApiTokenProps> = {}): ScopedApiToken {
  return new ScopedApiToken(newStack(), 'tok', props(overrides));
}

/** The data-source address that the permission-group id expressions select from. */
function groupsAddress(s: Synthesized): string {
  return `data.${GROUPS}.${s.logicalId('tok/permission-groups')}`;
}

/** The expression that selects one permission group id by exact name. */
function idExpression(s: Synthesized, name: string): string {
  return `\${[for g in ${groupsAddress(s)}.result : g.id if g.name == ${JSON.stringify(name)}][0]}`;
}

function lookup(s: Synthesized): Json {
  const id = s.logicalId('tok/permission-groups');
  const config = s.json.data?.[GROUPS]?.[id];
  if (!config) throw new Error(`no ${GROUPS} ${id}`);
  return config;
}

/**
 * Evaluate the synthesized id expressions of a token and its postcondition with terraform console,
 * against a stub list of permission groups.
 */
function evaluateToken(s: Synthesized, groups: unknown[]): { ids: string[][]; ok: boolean } {
  const ref = `${groupsAddress(s)}.result`;
  const token = s.at(TOKEN, 'tok/token');
  const expressions: Record<string, string> = {};
  token.policies.forEach((p: Json, i: number) => p.permission_groups.forEach((g: Json, j: number) => (expressions[`p${i}_${j}`] = g.id)));
  const [post] = lookup(s).lifecycle.postcondition;
  expressions.ok = post.condition.replace('self.result', ref);
  const values = evaluate({ expressions, stubs: { [ref]: groups }, variables: {} });
  const ids = token.policies.map((p: Json, i: number) => p.permission_groups.map((_: Json, j: number) => values[`p${i}_${j}`]));
  return { ids, ok: values.ok as boolean };
}

describe.each([
  {
    preset: TokenPreset.PAGES_DEPLOY,
    name: 'pages-deploy',
    account: ['Pages Write'],
    zone: [] as string[],
  },
  {
    preset: TokenPreset.DNS_ADMIN,
    name: 'dns-admin',
    account: [] as string[],
    zone: ['DNS Write', 'Zone Read'],
  },
  {
    preset: TokenPreset.WORKERS_DEPLOY,
    name: 'workers-deploy',
    account: ['Workers Scripts Write'],
    zone: ['Workers Routes Write'],
  },
  {
    preset: TokenPreset.TUNNEL_ADMIN,
    name: 'tunnel-admin',
    account: ['Cloudflare Tunnel Write'],
    zone: [] as string[],
  },
])('ScopedApiToken with preset $name', ({ preset, name, account, zone }) => {
  // GIVEN the preset, two zones (when it has zone-level permissions) and no expiry
  // WHEN
  const zones = zone.length ? [Zone.fromZoneId(ZONE_COM), Zone.fromZoneId(ZONE_NET)] : undefined;
  const s = synth((scope) => new ScopedApiToken(scope, 'tok', { accountId: ACCOUNT_ID, name, permissions: preset, ...(zones ? { zones } : {}) }));
  const token = s.at(TOKEN, 'tok/token');
  const names = [...account, ...zone];

  test('the preset carries its name and permission groups', () => {
    expect(preset.name).toBe(name);
    expect(preset.permissions.account ?? []).toEqual(account);
    expect(preset.permissions.zone ?? []).toEqual(zone);
  });

  test('creates one account token with the name and no expiry', () => {
    // THEN
    expect(s.resources(TOKEN)).toHaveLength(1);
    expect(token.account_id).toBe(ACCOUNT_ID);
    expect(token.name).toBe(name);
    expect(token).not.toHaveProperty('expires_on');
    expect(Object.keys(token).sort()).toEqual(['account_id', 'name', 'policies']);
  });

  test('has one allow policy per level: account first, then zones', () => {
    // THEN
    const expected = [
      ...(account.length ? [{ effect: 'allow', permission_groups: account.map((n) => ({ id: idExpression(s, n) })), resources: ACCOUNT_RESOURCES }] : []),
      ...(zone.length ? [{ effect: 'allow', permission_groups: zone.map((n) => ({ id: idExpression(s, n) })), resources: zoneResources(ZONE_COM, ZONE_NET) }] : []),
    ];
    expect(token.policies).toEqual(expected);
  });

  test('reads the permission-group list of the account with a postcondition naming every group', () => {
    // THEN
    const data = lookup(s);
    expect(Object.keys(s.json.data[GROUPS])).toHaveLength(1);
    expect(data.account_id).toBe(ACCOUNT_ID);
    expect(data.max_items).toBe(1000);
    expect(data.lifecycle.postcondition).toEqual([
      {
        condition: `\${alltrue([for n in ${JSON.stringify(names)} : contains(self.result[*].name, n)])}`,
        error_message: `Cloudflare has no permission group named one of ${names.join(', ')} for token ${name}.`,
      },
    ]);
  });

  test('records the permission-group names as a scoped-token fact', () => {
    // THEN
    const tok = s.stack.node.findAll().find((c) => c.node.path === `${s.stack.node.path}/tok/token`)!;
    expect(factsOf(tok)[FACTS.scopedToken]).toEqual(names);
  });

  test('terraform selects the right id for each name and the postcondition holds', () => {
    // GIVEN a stub list holding every known group, in another order
    // WHEN
    const result = evaluateToken(s, [...ALL_GROUPS].reverse());
    // THEN
    expect(result.ids).toEqual([...(account.length ? [account.map(idFor)] : []), ...(zone.length ? [zone.map(idFor)] : [])]);
    expect(result.ok).toBe(true);
  });

  test('terraform fails the postcondition when one of the names is missing', () => {
    for (const missing of names) {
      // GIVEN a list without one of the names
      const groups = ALL_GROUPS.filter((g) => g.name !== missing);
      // WHEN
      const ok = evaluate({
        expressions: { ok: lookup(s).lifecycle.postcondition[0].condition.replace('self.result', `${groupsAddress(s)}.result`) },
        stubs: { [`${groupsAddress(s)}.result`]: groups },
        variables: {},
      }).ok;
      // THEN
      expect(ok).toBe(false);
    }
  });
});

describe('ScopedApiToken resources', () => {
  test('terraform encodes the zone resources as one key per zone', () => {
    // GIVEN a DNS token over two zones
    const s = synth((scope) => new ScopedApiToken(scope, 'tok', props({ zones: [Zone.fromZoneId(ZONE_COM), Zone.fromZoneId(ZONE_NET)] })));
    const account = synth((scope) => new ScopedApiToken(scope, 'tok', props({ permissions: TokenPreset.PAGES_DEPLOY, zones: undefined })));
    // WHEN
    const values = evaluate({
      expressions: { zones: s.at(TOKEN, 'tok/token').policies[0].resources, account: account.at(TOKEN, 'tok/token').policies[0].resources },
      variables: {},
    });
    // THEN
    expect(JSON.parse(values.zones as string)).toEqual({
      [`com.cloudflare.api.account.zone.${ZONE_COM}`]: '*',
      [`com.cloudflare.api.account.zone.${ZONE_NET}`]: '*',
    });
    expect(JSON.parse(values.account as string)).toEqual({ [`com.cloudflare.api.account.${ACCOUNT_ID}`]: '*' });
  });

  test('a single zone gives a single key', () => {
    const s = synth((scope) => new ScopedApiToken(scope, 'tok', props({ zones: [Zone.fromZoneId(ZONE_NET)] })));
    expect(s.at(TOKEN, 'tok/token').policies[0].resources).toBe(zoneResources(ZONE_NET));
  });
});

describe('ScopedApiToken expiry and value', () => {
  test('sets expires_on to UTC midnight of the expiry date', () => {
    // GIVEN expires 2030-06-30
    const s = synth((scope) => new ScopedApiToken(scope, 'tok', props({ expires: '2030-06-30' })));
    // THEN
    expect(s.at(TOKEN, 'tok/token').expires_on).toBe('2030-06-30T00:00:00Z');
  });

  test('value is the token value wrapped in sensitive(...)', () => {
    // GIVEN an output of the value
    let token: ScopedApiToken | undefined;
    const s = synth((scope) => {
      token = new ScopedApiToken(scope, 'tok', props());
      new TerraformOutput(scope, 'value', { value: token.value, sensitive: true });
    });
    // THEN
    expect(Token.isUnresolved(token!.value)).toBe(true);
    expect(s.output('value')).toBe(`\${sensitive(${TOKEN}.${s.logicalId('tok/token')}.value)}`);
    expect(token!.token.terraformResourceType).toBe(TOKEN);
  });
});

describe('ScopedApiToken with explicit permissions', () => {
  // GIVEN account and zone permissions by name, outside any preset
  const permissions: TokenPermissions = { account: ['D1 Write', 'Pages Write'], zone: ['Zone Read'] };
  // WHEN
  const s = synth((scope) => new ScopedApiToken(scope, 'tok', props({ name: 'portal-ci', permissions, zones: [Zone.fromZoneId(ZONE_COM)] })));

  test('builds the account and the zone policy from the names, in order', () => {
    // THEN
    expect(s.at(TOKEN, 'tok/token')).toEqual({
      account_id: ACCOUNT_ID,
      name: 'portal-ci',
      policies: [
        { effect: 'allow', permission_groups: [{ id: idExpression(s, 'D1 Write') }, { id: idExpression(s, 'Pages Write') }], resources: ACCOUNT_RESOURCES },
        { effect: 'allow', permission_groups: [{ id: idExpression(s, 'Zone Read') }], resources: zoneResources(ZONE_COM) },
      ],
    });
  });

  test('the postcondition names all three groups', () => {
    expect(lookup(s).lifecycle.postcondition[0].error_message).toBe('Cloudflare has no permission group named one of D1 Write, Pages Write, Zone Read for token portal-ci.');
  });

  test('terraform resolves the ids', () => {
    expect(evaluateToken(s, ALL_GROUPS)).toEqual({ ids: [['id-d1-write', 'id-pages-write'], ['id-zone-read']], ok: true });
  });

  test('account permissions alone need no zones and give no zone policy', () => {
    // GIVEN only account permissions and no zones
    const only = synth((scope) => new ScopedApiToken(scope, 'tok', props({ permissions: { account: ['D1 Write'] }, zones: undefined })));
    // THEN
    expect(only.at(TOKEN, 'tok/token').policies).toEqual([{ effect: 'allow', permission_groups: [{ id: idExpression(only, 'D1 Write') }], resources: ACCOUNT_RESOURCES }]);
  });
});

describe('ScopedApiToken validation', () => {
  test('fails if no permission is granted', () => {
    const p = expectProblem(() => build({ permissions: {}, zones: undefined }), 'tok.permissions', 'must grant at least one permission group');
    expect('value' in p).toBe(false);
    expect(problemsOf(() => build({ permissions: { account: [], zone: [] }, zones: undefined })).map((x) => x.path)).toEqual(['tok.permissions']);
  });

  test('fails if an account permission is unknown', () => {
    const permissions = { account: ['Pages Write', 'Pages Admin'] } as unknown as TokenPermissions;
    const p = expectProblem(() => build({ permissions }), 'tok.permissions.account[1]', 'must be one of Pages Write, Workers Scripts Write');
    expect(p.value).toBe('Pages Admin');
  });

  test('fails if a zone permission is unknown', () => {
    // GIVEN an account-level name in the zone list
    const permissions = { zone: ['Pages Write'] } as unknown as TokenPermissions;
    const p = expectProblem(() => build({ permissions }), 'tok.permissions.zone[0]', 'must be one of DNS Write, Zone Read, Workers Routes Write');
    expect(p.value).toBe('Pages Write');
  });

  test('fails if zone permissions are granted without zones', () => {
    const p = expectProblem(() => build({ permissions: TokenPreset.DNS_ADMIN, zones: undefined }), 'tok.zones', 'must name the zones');
    expect('value' in p).toBe(false);
    expectProblem(() => build({ permissions: TokenPreset.WORKERS_DEPLOY, zones: [] }), 'tok.zones', 'must name the zones');
  });

  test('fails if expires is not a YYYY-MM-DD date', () => {
    const p = expectProblem(() => build({ expires: '30/06/2030' }), 'tok.expires', 'must be a date written YYYY-MM-DD');
    expect(p.value).toBe('30/06/2030');
  });

  test('fails if expires is not a real calendar date', () => {
    const p = expectProblem(() => build({ expires: '2030-02-30' }), 'tok.expires', 'must be a real calendar date');
    expect(p.value).toBe('2030-02-30');
  });
});

describe('TokenPreset', () => {
  test.each([
    ['pages-deploy', TokenPreset.PAGES_DEPLOY],
    ['dns-admin', TokenPreset.DNS_ADMIN],
    ['workers-deploy', TokenPreset.WORKERS_DEPLOY],
    ['tunnel-admin', TokenPreset.TUNNEL_ADMIN],
  ])('fromName(%s) is the preset', (name, preset) => {
    expect(TokenPreset.fromName(name)).toBe(preset);
  });

  test('ALL lists the four presets', () => {
    expect(TokenPreset.ALL.map((p) => p.name)).toEqual(['pages-deploy', 'dns-admin', 'workers-deploy', 'tunnel-admin']);
  });

  test('fromName throws for an unknown name', () => {
    expect(() => TokenPreset.fromName('admin')).toThrow('unknown token preset admin');
  });
});

describe('ScopedApiToken: more validation', () => {
  test('fails if zones are given without a zone-level permission', () => {
    const stack = newStack();
    expectProblem(
      () => new ScopedApiToken(stack, 'pages', { accountId: ACCOUNT_ID, name: 'pages', permissions: TokenPreset.PAGES_DEPLOY, zones: [Zone.fromZoneId('a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1')] }),
      'pages.zones',
      'only used by zone-level permissions',
    );
  });

  test('fails if a permission group is named twice', () => {
    const stack = newStack();
    expectProblem(
      () => new ScopedApiToken(stack, 'twice', { accountId: ACCOUNT_ID, name: 'twice', permissions: { account: ['Pages Write', 'Pages Write'] } }),
      'twice.permissions',
      'must not name a permission group twice',
    );
  });
});
