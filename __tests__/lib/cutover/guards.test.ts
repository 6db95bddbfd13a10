/**
 * The health gate rendered once for every record (`healthGates`) gives each record exactly the gate
 * `healthGate` gives it, token for token, once the stack resolves them: a wildcard hostname and hosts
 * in two zones included.
 */
import { DataCloudflareZeroTrustTunnelCloudflared } from '@cdktf/provider-cloudflare/lib/data-cloudflare-zero-trust-tunnel-cloudflared';
import { DefaultTokenResolver, StringConcat, TerraformStack, TerraformVariable, Tokenization } from 'cdktf';
import { Zone } from '../../../lib/cloudflare/zone';
import { healthGate, HealthGateOptions, healthGates, LiveTunnelCnames } from '../../../lib/cutover/guards';
import { newStack } from '../cloudflare/access/support';

function gateOptions(stack: TerraformStack): Omit<HealthGateOptions, 'hostname'> {
  const zones = [Zone.fromZoneId('fedcba9876543210fedcba9876543210', 'example.com'), Zone.fromZoneId('0123456789abcdef0123456789abcdef', 'example.net')];
  const status = (id: string) => new DataCloudflareZeroTrustTunnelCloudflared(stack, id, { accountId: 'a', tunnelId: id }).status;
  return {
    activateDns: new TerraformVariable(stack, 'activate_dns', { type: 'bool', default: false }),
    skipGate: new TerraformVariable(stack, 'skip_tunnel_health_gate', { type: 'bool', default: false }),
    primaryStatus: status('primary-status'),
    standbyStatus: status('standby-status'),
    onPrimary: new LiveTunnelCnames(stack, 'live-primary', { zones, tunnelCname: 'p.cfargotunnel.com' }),
    onStandby: new LiveTunnelCnames(stack, 'live-standby', { zones, tunnelCname: 's.cfargotunnel.com' }),
    primaryName: 'example-primary',
    standbyName: 'example-standby',
  };
}

test('healthGates gives each hostname the same condition and message as healthGate, resolved', () => {
  const stack = newStack();
  const options = gateOptions(stack);
  const resolve = (x: unknown): unknown => Tokenization.resolve(x, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) });
  const gateOf = healthGates(stack, options);
  for (const hostname of ['admin.example.com', '*.wiki.example.com', 'api.example.net']) {
    const rendered = gateOf(hostname);
    expect(rendered).toEqual(resolve(healthGate({ ...options, hostname })));
    // plain text: nothing is left for cdktf to resolve per record
    expect(typeof rendered.condition).toBe('string');
    expect(Tokenization.isResolvable(rendered.condition) || (rendered.condition as string).includes('TfToken')).toBe(false);
    expect(rendered.condition).toContain(`"${hostname}"`);
    expect(rendered.errorMessage).toContain(`Refusing to move ${hostname} to tunnel`);
    expect(`${String(rendered.condition)} ${rendered.errorMessage}`).not.toContain('gatehouse-health-gate-hostname.invalid');
  }
});
