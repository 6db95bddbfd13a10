import { TerraformOutput, TerraformVariable } from 'cdktf';
import {
  accessCallbackUrl,
  checkClientSecretVariable,
  EntraIdentityProvider,
  GoogleWorkspaceIdentityProvider,
  IdentityProvider,
  OneTimePinIdentityProvider,
} from '../../../../lib/cloudflare/access/identity-provider';
import { GatehouseError, ProblemCollector } from '../../../../lib/core/errors';
import { ACCOUNT_ID, expectProblem, newStack, problemsOf, synth } from './support';

const IDP = 'cloudflare_zero_trust_access_identity_provider';
const UUID = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';

describe('GoogleWorkspaceIdentityProvider', () => {
  test('renders a google-apps login method whose secret is the variable reference', () => {
    // GIVEN a sensitive variable without a default
    const s = synth((scope) => {
      const secret = new TerraformVariable(scope, 'google_oidc_client_secret', { type: 'string', sensitive: true });
      new GoogleWorkspaceIdentityProvider(scope, 'workspace', {
        accountId: ACCOUNT_ID,
        clientId: '1234567890-abc.apps.googleusercontent.com',
        appsDomain: 'example.com',
        clientSecret: secret,
      });
    });
    // WHEN
    const config = s.at(IDP, 'workspace/resource');
    // THEN
    expect(config.account_id).toBe(ACCOUNT_ID);
    expect(config.type).toBe('google-apps');
    expect(config.name).toBe('Google Workspace');
    expect(config.config).toEqual({
      client_id: '1234567890-abc.apps.googleusercontent.com',
      apps_domain: 'example.com',
      client_secret: '${var.google_oidc_client_secret}',
    });
    expect(s.json.variable.google_oidc_client_secret).toEqual({ type: 'string', sensitive: true });
  });

  test('uses the given name and exposes the id', () => {
    const s = synth((scope) => {
      const secret = new TerraformVariable(scope, 'secret', { type: 'string', sensitive: true });
      const idp = new GoogleWorkspaceIdentityProvider(scope, 'workspace', {
        accountId: ACCOUNT_ID, name: 'Example staff', clientId: 'client', appsDomain: 'example.com', clientSecret: secret,
      });
      new TerraformOutput(scope, 'id', { value: idp.identityProviderId });
    });
    expect(s.at(IDP, 'workspace/resource').name).toBe('Example staff');
    expect(s.output('id')).toBe(`\${${IDP}.${s.logicalId('workspace/resource')}.id}`);
  });

  test('fails if the secret variable is not sensitive', () => {
    // GIVEN a variable without sensitive: true
    const stack = newStack();
    const secret = new TerraformVariable(stack, 'secret', { type: 'string' });
    // WHEN / THEN
    const problem = expectProblem(
      () => new GoogleWorkspaceIdentityProvider(stack, 'workspace', { accountId: ACCOUNT_ID, clientId: 'c', appsDomain: 'example.com', clientSecret: secret }),
      'workspace.clientSecret',
      'must be a terraform variable declared with sensitive: true',
    );
    expect(problem.value).toBe('secret');
  });

  test('fails if the secret variable has a default', () => {
    const stack = newStack();
    const secret = new TerraformVariable(stack, 'secret', { type: 'string', sensitive: true, default: 'not-a-real-secret' });
    expectProblem(
      () => new GoogleWorkspaceIdentityProvider(stack, 'workspace', { accountId: ACCOUNT_ID, clientId: 'c', appsDomain: 'example.com', clientSecret: secret }),
      'workspace.clientSecret',
      'must have no default',
    );
  });

  test('the error never carries the default value', () => {
    const stack = newStack();
    const secret = new TerraformVariable(stack, 'secret', { type: 'string', default: 'hunter2-example' });
    let error: unknown;
    try {
      new GoogleWorkspaceIdentityProvider(stack, 'workspace', { accountId: ACCOUNT_ID, clientId: 'c', appsDomain: 'example.com', clientSecret: secret });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).problems).toHaveLength(2);
    expect((error as GatehouseError).message).not.toContain('hunter2-example');
  });
});

describe('GoogleWorkspaceIdentityProvider secret expiry (issue 17: the same window as Entra)', () => {
  test('records secretExpiresOn for the policy pack; nothing is recorded without it', () => {
    let idp!: GoogleWorkspaceIdentityProvider;
    let bare!: GoogleWorkspaceIdentityProvider;
    synth((scope) => {
      const secret = new TerraformVariable(scope, 'secret', { type: 'string', sensitive: true });
      idp = new GoogleWorkspaceIdentityProvider(scope, 'workspace', { accountId: ACCOUNT_ID, clientId: 'c', appsDomain: 'example.com', clientSecret: secret, secretExpiresOn: '2030-06-30' });
      bare = new GoogleWorkspaceIdentityProvider(scope, 'bare', { accountId: ACCOUNT_ID, clientId: 'c', appsDomain: 'example.com', clientSecret: secret });
    });
    const fact = (x: GoogleWorkspaceIdentityProvider) => x.resource.node.metadata.find((m) => m.type === 'gatehouse:secret-expires')?.data;
    expect(fact(idp)).toBe('2030-06-30');
    expect(fact(bare)).toBeUndefined();
  });

  test('fails if secretExpiresOn is not a calendar date', () => {
    const stack = newStack();
    const secret = new TerraformVariable(stack, 'secret', { type: 'string', sensitive: true });
    const p = expectProblem(
      () => new GoogleWorkspaceIdentityProvider(stack, 'workspace', { accountId: ACCOUNT_ID, clientId: 'c', appsDomain: 'example.com', clientSecret: secret, secretExpiresOn: '2030-02-30' }),
      'workspace.secretExpiresOn',
      'must be a real calendar date',
    );
    expect(p.value).toBe('2030-02-30');
  });
});

describe('EntraIdentityProvider', () => {
  test('renders an azureAD login method with directory id and support_groups false by default', () => {
    const s = synth((scope) => {
      const secret = new TerraformVariable(scope, 'entra_client_secret', { type: 'string', sensitive: true });
      new EntraIdentityProvider(scope, 'entra', {
        accountId: ACCOUNT_ID,
        clientId: '11111111-2222-4333-8444-555555555555',
        directoryId: '66666666-7777-4888-8999-000000000000',
        clientSecret: secret,
      });
    });
    const config = s.at(IDP, 'entra/resource');
    expect(config.account_id).toBe(ACCOUNT_ID);
    expect(config.type).toBe('azureAD');
    expect(config.name).toBe('Microsoft Entra ID');
    expect(config.config).toEqual({
      client_id: '11111111-2222-4333-8444-555555555555',
      client_secret: '${var.entra_client_secret}',
      directory_id: '66666666-7777-4888-8999-000000000000',
      support_groups: false,
    });
  });

  test('supportGroups and name are passed through', () => {
    const s = synth((scope) => {
      const secret = new TerraformVariable(scope, 'entra_client_secret', { type: 'string', sensitive: true });
      new EntraIdentityProvider(scope, 'entra', {
        accountId: ACCOUNT_ID, name: 'Example Entra', clientId: 'c', directoryId: 'd', clientSecret: secret, supportGroups: true,
      });
    });
    const config = s.at(IDP, 'entra/resource');
    expect(config.name).toBe('Example Entra');
    expect(config.config.support_groups).toBe(true);
  });

  test('fails if the secret variable is not sensitive or has a default', () => {
    const stack = newStack();
    const secret = new TerraformVariable(stack, 'entra_client_secret', { type: 'string', sensitive: false, default: 'x' });
    const problems = problemsOf(
      () => new EntraIdentityProvider(stack, 'entra', { accountId: ACCOUNT_ID, clientId: 'c', directoryId: 'd', clientSecret: secret }),
    );
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['entra.clientSecret', 'must be a terraform variable declared with sensitive: true'],
      ['entra.clientSecret', 'must have no default; supply it as TF_VAR_<name> only'],
    ]);
  });
});

describe('OneTimePinIdentityProvider', () => {
  test('renders a onetimepin login method with an empty config', () => {
    const s = synth((scope) => new OneTimePinIdentityProvider(scope, 'otp', { accountId: ACCOUNT_ID }));
    const config = s.at(IDP, 'otp/resource');
    expect(config).toEqual({ account_id: ACCOUNT_ID, name: 'One-time PIN', type: 'onetimepin', config: {} });
  });

  test('uses the given name', () => {
    const s = synth((scope) => new OneTimePinIdentityProvider(scope, 'otp', { accountId: ACCOUNT_ID, name: 'Email code' }));
    expect(s.at(IDP, 'otp/resource').name).toBe('Email code');
  });
});

describe('checkClientSecretVariable', () => {
  test('accepts a sensitive variable without a default', () => {
    const stack = newStack();
    const problems = new ProblemCollector('idp');
    checkClientSecretVariable(new TerraformVariable(stack, 'v', { type: 'string', sensitive: true }), 'clientSecret', problems);
    expect(problems.problems).toEqual([]);
  });

  test('an empty-string default still counts as a default', () => {
    const stack = newStack();
    const problems = new ProblemCollector('idp');
    checkClientSecretVariable(new TerraformVariable(stack, 'v', { type: 'string', sensitive: true, default: '' }), 'clientSecret', problems);
    expect(problems.problems).toEqual([{ path: 'idp.clientSecret', message: 'must have no default; supply it as TF_VAR_<name> only', value: 'v' }]);
  });
});

describe('IdentityProvider.fromIdentityProviderId', () => {
  test('accepts a uuid', () => {
    expect(IdentityProvider.fromIdentityProviderId(UUID)).toEqual({ identityProviderId: UUID });
  });

  test.each(['google', '0f1e2d3c4b5a49688776a5b4c3d2e1f0', `${UUID}0`, ''])('fails on a non-uuid: %j', (id) => {
    const problem = expectProblem(() => IdentityProvider.fromIdentityProviderId(id), 'identityProviderId', 'must be an identity provider id (a uuid)');
    expect(problem.value).toBe(id);
  });
});

describe('accessCallbackUrl', () => {
  test('is the team domain callback', () => {
    expect(accessCallbackUrl('example')).toBe('https://example.cloudflareaccess.com/cdn-cgi/access/callback');
  });
});
