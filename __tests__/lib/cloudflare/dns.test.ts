/**
 * TunnelCnames: one proxied CNAME (ttl 1) per unique hostname, construct id = hostname, optional
 * plan-time preconditions and comment, and hostname validation.
 */
import { Fn, Op, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { TunnelCnames, TunnelCnamesProps } from '../../../lib/cloudflare/dns';
import { TunnelHost } from '../../../lib/cloudflare/tunnel';
import { expectProblem, newStack, problemsOf, synth } from './access/support';
import { Zone } from '../../../lib/cloudflare/zone';

const DNS = 'cloudflare_dns_record';
const ZONE_ID = 'fedcba9876543210fedcba9876543210';
const TUNNEL_ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';
const TARGET = `${TUNNEL_ID}.cfargotunnel.com`;

function baseProps(overrides: Partial<TunnelCnamesProps> = {}): TunnelCnamesProps {
  return { zone: Zone.fromZoneId(ZONE_ID), hostnames: ['app.example.com'], target: TARGET, ...overrides };
}

function build(overrides: Partial<TunnelCnamesProps> = {}, scope: Construct = newStack()): TunnelCnames {
  return new TunnelCnames(scope, 'dns', baseProps(overrides));
}

describe('TunnelCnames defaults', () => {
  // GIVEN one hostname and a tunnel CNAME target
  // WHEN synthesized
  const out = synth((scope) => build({}, scope));
  const record = out.at(DNS, 'dns/app.example.com');

  test('is a proxied CNAME with automatic ttl to the target, in the zone', () => {
    // THEN
    expect(record.zone_id).toBe(ZONE_ID);
    expect(record.name).toBe('app.example.com');
    expect(record.type).toBe('CNAME');
    expect(record.content).toBe(TARGET);
    expect(record.proxied).toBe(true);
    expect(record.ttl).toBe(1);
  });

  test('comment defaults to "managed by gatehouse"', () => {
    expect(record.comment).toBe('managed by gatehouse');
  });

  test('has no lifecycle, tags, priority or settings', () => {
    expect(Object.keys(record).sort()).toEqual(['comment', 'content', 'name', 'proxied', 'ttl', 'type', 'zone_id']);
  });

  test('is the only record', () => {
    expect(out.resources(DNS)).toHaveLength(1);
  });
});

describe('TunnelCnames records', () => {
  test('one record per unique hostname; duplicates are collapsed', () => {
    // GIVEN three hostnames, one repeated
    let dns!: TunnelCnames;
    const out = synth((scope) => {
      dns = build({ hostnames: ['app.example.com', 'docs.example.com', 'app.example.com', '*.example.com'] }, scope);
    });
    // THEN
    expect(out.resources(DNS)).toHaveLength(3);
    expect(out.resources(DNS).map(([, r]) => r.name).sort()).toEqual(['*.example.com', 'app.example.com', 'docs.example.com']);
    expect([...dns.records.keys()]).toEqual(['app.example.com', 'docs.example.com', '*.example.com']);
  });

  test('the construct id of each record is its hostname', () => {
    const dns = build({ hostnames: ['app.example.com', 'docs.example.com'] });
    expect(dns.node.children.map((c) => c.node.id)).toEqual(['app.example.com', 'docs.example.com']);
    expect(dns.records.get('docs.example.com')?.node.id).toBe('docs.example.com');
    expect(dns.records.get('docs.example.com')?.node.path).toBe('stack/dns/docs.example.com');
  });

  test('the logical id is stable for a hostname whatever the other hostnames are', () => {
    const a = synth((scope) => build({ hostnames: ['app.example.com'] }, scope)).logicalId('dns/app.example.com');
    const b = synth((scope) => build({ hostnames: ['zzz.example.com', 'app.example.com'] }, scope)).logicalId('dns/app.example.com');
    expect(a).toBe(b);
  });

  test('no hostnames: no record', () => {
    const out = synth((scope) => build({ hostnames: [] }, scope));
    expect(out.json.resource?.[DNS]).toBeUndefined();
  });

  test('a custom comment', () => {
    const out = synth((scope) => build({ comment: 'owned by the production stack' }, scope));
    expect(out.at(DNS, 'dns/app.example.com').comment).toBe('owned by the production stack');
  });

  test('the target can be an expression choosing between tunnels', () => {
    // GIVEN a target computed at plan time
    const out = synth((scope) => {
      const active = new TerraformVariable(scope, 'active', { type: 'string' });
      const target = Fn.conditional(Op.eq(active.stringValue, 'primary'), TARGET, 'standby.cfargotunnel.com');
      build({ target }, scope);
    });
    // THEN
    expect(out.at(DNS, 'dns/app.example.com').content).toBe('${(var.active == "primary") ? "6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com" : "standby.cfargotunnel.com"}');
  });

  test('the target of a TunnelHost.fromTunnelId tunnel', () => {
    const tunnel = TunnelHost.fromTunnelId(TUNNEL_ID);
    const out = synth((scope) => build({ target: tunnel.tunnelCname }, scope));
    expect(out.at(DNS, 'dns/app.example.com').content).toBe(TARGET);
  });

  test('preconditions are passed through to lifecycle.precondition of every record', () => {
    // GIVEN a health gate
    const preconditions = [
      { condition: '${var.tunnel_healthy}', errorMessage: 'the tunnel has no healthy connector' },
      { condition: '${length(var.x) > 0}', errorMessage: 'x is empty' },
    ];
    // WHEN
    const out = synth((scope) => build({ hostnames: ['app.example.com', 'docs.example.com'], preconditions }, scope));
    // THEN
    for (const hostname of ['app.example.com', 'docs.example.com']) {
      expect(out.at(DNS, `dns/${hostname}`).lifecycle).toEqual({
        precondition: [
          { condition: '${var.tunnel_healthy}', error_message: 'the tunnel has no healthy connector' },
          { condition: '${length(var.x) > 0}', error_message: 'x is empty' },
        ],
      });
    }
  });

  test('an empty preconditions list adds no lifecycle', () => {
    const out = synth((scope) => build({ preconditions: [] }, scope));
    expect(out.at(DNS, 'dns/app.example.com')).not.toHaveProperty('lifecycle');
  });
});

describe('TunnelCnames fails if', () => {
  test('a hostname is invalid', () => {
    // GIVEN a hostname with a port after a valid one
    // WHEN / THEN
    const problem = expectProblem(() => build({ hostnames: ['app.example.com', 'docs.example.com:443'] }), 'dns.hostnames[1]', 'must not carry a port');
    expect(problem.value).toBe('docs.example.com:443');
  });

  test('a hostname has a misplaced wildcard', () => {
    const problem = expectProblem(() => build({ hostnames: ['a.*.example.com'] }), 'dns.hostnames[0]', 'may only use one wildcard');
    expect(problem.value).toBe('a.*.example.com');
  });

  test('a hostname is upper case', () => {
    expect(expectProblem(() => build({ hostnames: ['App.example.com'] }), 'dns.hostnames[0]', 'must be lower case').value).toBe('App.example.com');
  });

  test('a hostname is a bare label', () => {
    expect(expectProblem(() => build({ hostnames: ['app'] }), 'dns.hostnames[0]', 'must be a fully qualified hostname').value).toBe('app');
  });

  test('several hostnames are invalid: all reported at once, and no record is created', () => {
    const stack = newStack();
    const problems = problemsOf(() => build({ hostnames: ['App.example.com', 'ok.example.com', 'x.example.com:1'] }, stack));
    expect(problems.map((p) => [p.path, p.value])).toEqual([
      ['dns.hostnames[0]', 'App.example.com'],
      ['dns.hostnames[2]', 'x.example.com:1'],
    ]);
    expect(stack.node.findChild('dns').node.children).toHaveLength(0);
  });
});
