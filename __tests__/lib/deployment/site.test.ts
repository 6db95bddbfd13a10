/**
 * The deployment -> host mapping for token rotation and external sites (pure functions; the stacks
 * test proves the pass-through into both tunnels).
 */
import { parse } from 'yaml';
import { externalUserData, siteTokenRotation } from '../../../lib/deployment/site';
import type { ExternalSiteSpec } from '../../../lib/config/schema';
import { deploymentFrom, exampleInput } from '../../helpers';

const envOf = (userData: string): string =>
  (parse(userData) as { write_files: Array<{ path: string; content: string }> }).write_files.find((f) => f.path === '/etc/gatehouse/connector.env')!.content;

describe('siteTokenRotation', () => {
  test('is the site token_rotation, 0 by default, for GCE and external sites', () => {
    // GIVEN the example with a GCE primary (rotation 3) and an external standby (default)
    const input = exampleInput();
    input.sites.primary.token_rotation = 3;
    input.sites.standby = { external: { name: 'edge-standby' } };
    const d = deploymentFrom(input);
    // THEN
    expect(siteTokenRotation(d.sites!.primary)).toBe(3);
    expect(siteTokenRotation(d.sites!.standby!)).toBe(0);
    input.sites.standby = { external: { name: 'edge-standby', token_rotation: 2 } };
    expect(siteTokenRotation(deploymentFrom(input).sites!.standby!)).toBe(2);
  });
});

describe('externalUserData', () => {
  const input = exampleInput();
  input.sites.standby = { external: { name: 'edge-standby', token_file: '/etc/gatehouse/standby-token' } };
  const d = deploymentFrom(input);
  const site = d.sites!.standby as ExternalSiteSpec;

  test('uses the operator token file and follows its own _gatehouse- TXT activation record', () => {
    const env = envOf(externalUserData(d, site, 'standby'));
    expect(env).toContain('GATEHOUSE_TOKEN_SOURCE=file\n');
    expect(env).toContain('GATEHOUSE_TOKEN_FILE=/etc/gatehouse/standby-token\n');
    expect(env).toContain('GATEHOUSE_ACTIVATION=dns-txt\n');
    expect(env).toContain('GATEHOUSE_DNS_RECORD=_gatehouse-example-standby.example.com\n');
    expect(env).toContain('GATEHOUSE_GUEST_ATTRIBUTES=false\n');
  });

  test('each role reads its own record', () => {
    expect(envOf(externalUserData(d, site, 'primary'))).toContain('GATEHOUSE_DNS_RECORD=_gatehouse-example-primary.example.com\n');
  });
});
