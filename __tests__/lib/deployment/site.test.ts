/**
 * The deployment -> host mapping for token rotation and external sites (pure functions; the stacks
 * test proves the pass-through into both tunnels).
 */
import { parse } from 'yaml';
import { resolveModel } from '../../../lib/deployment/model';
import { externalUserData } from '../../../lib/deployment/site';
import { deploymentFrom, exampleInput } from '../../helpers';

const envOf = (userData: string): string =>
  (parse(userData) as { write_files: Array<{ path: string; content: string }> }).write_files.find((f) => f.path === '/etc/gatehouse/connector.env')!.content;

describe('the model site token rotation', () => {
  test('is the site token_rotation, 0 by default, for GCE and external sites', () => {
    // GIVEN the example with a GCE primary (rotation 3) and an external standby (default)
    const input = exampleInput();
    input.sites.primary.token_rotation = 3;
    input.sites.standby = { external: { name: 'edge-standby' } };
    const m = resolveModel(deploymentFrom(input));
    // THEN
    expect(m.sites?.primary.tokenRotation).toBe(3);
    expect(m.sites?.standby?.tokenRotation).toBe(0);
    input.sites.standby = { external: { name: 'edge-standby', token_rotation: 2 } };
    expect(resolveModel(deploymentFrom(input)).sites?.standby?.tokenRotation).toBe(2);
  });
});

describe('externalUserData', () => {
  const input = exampleInput();
  input.sites.standby = { external: { name: 'edge-standby', token_file: '/etc/gatehouse/standby-token' } };
  input.sites.primary = { external: { name: 'edge-primary' } };
  delete input.buckets['example-backups'].credentials.restic.deliver_to;
  const m = resolveModel(deploymentFrom(input));
  const [primary, standby] = [m.sites?.primary, m.sites?.standby];

  test('uses the operator token file and follows its own _gatehouse- TXT activation record', () => {
    const env = envOf(externalUserData(m, standby!));
    expect(env).toContain('GATEHOUSE_TOKEN_SOURCE=file\n');
    expect(env).toContain('GATEHOUSE_TOKEN_FILE=/etc/gatehouse/standby-token\n');
    expect(env).toContain('GATEHOUSE_ACTIVATION=dns-txt\n');
    expect(env).toContain('GATEHOUSE_DNS_RECORD=_gatehouse-example-standby.example.com\n');
    expect(env).toContain('GATEHOUSE_GUEST_ATTRIBUTES=false\n');
  });

  test('each role reads its own record', () => {
    expect(envOf(externalUserData(m, primary!))).toContain('GATEHOUSE_DNS_RECORD=_gatehouse-example-primary.example.com\n');
  });

  test('a GCE site renders its own user-data: asking for an external one is a one-line error', () => {
    const gce = resolveModel(deploymentFrom(exampleInput())).sites?.primary;
    expect(() => externalUserData(m, gce!)).toThrow('sites.primary: is not an external site');
  });
});
