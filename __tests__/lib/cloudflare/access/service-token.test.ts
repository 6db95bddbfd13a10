import { TerraformOutput, Token } from 'cdktf';
import { AccessServiceToken } from '../../../../lib/cloudflare/access/service-token';
import { ACCOUNT_ID, synth } from './support';

const TOKEN = 'cloudflare_zero_trust_access_service_token';

describe('AccessServiceToken', () => {
  test('defaults to a one-year (8760h) duration', () => {
    // GIVEN no duration
    const s = synth((scope) => new AccessServiceToken(scope, 'ci', { accountId: ACCOUNT_ID, name: 'ci', decisionRecord: 'ADR-0012' }));
    // THEN
    expect(s.at(TOKEN, 'ci/resource')).toEqual({ account_id: ACCOUNT_ID, name: 'ci', duration: '8760h' });
  });

  test('uses the given duration', () => {
    const s = synth((scope) => new AccessServiceToken(scope, 'ci', { accountId: ACCOUNT_ID, name: 'ci', decisionRecord: 'ADR-0012', duration: '720h' }));
    expect(s.at(TOKEN, 'ci/resource').duration).toBe('720h');
  });

  test('client id and secret are exposed wrapped in sensitive(...); the id is a plain reference', () => {
    // GIVEN a token and outputs of its three values
    let token: AccessServiceToken | undefined;
    const s = synth((scope) => {
      token = new AccessServiceToken(scope, 'ci', { accountId: ACCOUNT_ID, name: 'ci', decisionRecord: 'ADR-0012' });
      new TerraformOutput(scope, 'client_id', { value: token.clientId, sensitive: true });
      new TerraformOutput(scope, 'client_secret', { value: token.clientSecret, sensitive: true });
      new TerraformOutput(scope, 'token_id', { value: token.serviceTokenId });
    });
    // THEN
    const id = s.logicalId('ci/resource');
    expect(Token.isUnresolved(token!.clientId)).toBe(true);
    expect(Token.isUnresolved(token!.clientSecret)).toBe(true);
    expect(s.output('client_id')).toBe(`\${sensitive(${TOKEN}.${id}.client_id)}`);
    expect(s.output('client_secret')).toBe(`\${sensitive(${TOKEN}.${id}.client_secret)}`);
    expect(s.output('token_id')).toBe(`\${${TOKEN}.${id}.id}`);
  });
});
