// The rule pack: one rule per file, each a pure function (see docs/rules.md).
import type { GatehouseRule } from '../rule';
import { AccessAutoRedirect } from './access-auto-redirect';
import { AccountMemberExpired, AccountMemberExpiring } from './account-member-expiry';
import { AccessBypassScope } from './access-bypass-scope';
import { AccessIdpSecretExpired, AccessIdpSecretExpiring } from './access-idp-secret-expiry';
import { AccessIdpSecretFromVariable } from './access-idp-secret-from-variable';
import { AccessNoAllowEveryone } from './access-no-allow-everyone';
import { AccessPagesDevCoverage } from './access-pages-dev-coverage';
import { AccessRouteCoverage } from './access-route-coverage';
import { AccessServiceTokenDecision } from './access-service-token-decision';
import { AccessSessionDuration } from './access-session-duration';
import { GceLeastPrivilege } from './gce-least-privilege';
import { GceNoExternalSsh } from './gce-no-external-ssh';
import { GceNoOpenWebPorts } from './gce-no-open-web-ports';
import { GceRemoteAdminDenied } from './gce-remote-admin-denied';
import { OutputSecretsSensitive } from './output-secrets-sensitive';
import { R2DevDisabled } from './r2-dev-disabled';
import { R2Lifecycle } from './r2-lifecycle';
import { R2PreventDestroy } from './r2-prevent-destroy';
import { R2TokenExpiry } from './r2-token-expiry';
import { R2TokenScoped } from './r2-token-scoped';
import { TunnelCatchAllLast } from './tunnel-catch-all-last';
import { TunnelCnameProxied } from './tunnel-cname-proxied';
import { TunnelGatedRoutesEnforceJwt } from './tunnel-gated-routes-enforce-jwt';
import { TunnelPublicRoutesOpen } from './tunnel-public-routes-open';
import { TunnelRemotelyManaged } from './tunnel-remotely-managed';
import { TunnelTokenSensitive } from './tunnel-token-sensitive';

/** Every rule of the policy pack, in the order the pack applies them (docs/rules.md describes each). */
export const RULES: readonly GatehouseRule[] = [
  AccessNoAllowEveryone,
  AccessIdpSecretFromVariable,
  AccessAutoRedirect,
  AccessSessionDuration,
  AccessRouteCoverage,
  AccessBypassScope,
  AccessPagesDevCoverage,
  AccessIdpSecretExpired,
  AccessIdpSecretExpiring,
  AccessServiceTokenDecision,
  AccountMemberExpired,
  AccountMemberExpiring,
  TunnelRemotelyManaged,
  TunnelCatchAllLast,
  TunnelCnameProxied,
  TunnelGatedRoutesEnforceJwt,
  TunnelPublicRoutesOpen,
  TunnelTokenSensitive,
  R2PreventDestroy,
  R2Lifecycle,
  R2DevDisabled,
  R2TokenScoped,
  R2TokenExpiry,
  GceNoOpenWebPorts,
  GceLeastPrivilege,
  GceNoExternalSsh,
  GceRemoteAdminDenied,
  OutputSecretsSensitive,
];

export {
  AccountMemberExpired,
  AccountMemberExpiring,
  AccessAutoRedirect,
  AccessBypassScope,
  AccessIdpSecretExpired,
  AccessIdpSecretExpiring,
  AccessIdpSecretFromVariable,
  AccessNoAllowEveryone,
  AccessPagesDevCoverage,
  AccessRouteCoverage,
  AccessServiceTokenDecision,
  AccessSessionDuration,
  GceLeastPrivilege,
  GceNoExternalSsh,
  GceNoOpenWebPorts,
  GceRemoteAdminDenied,
  OutputSecretsSensitive,
  R2DevDisabled,
  R2Lifecycle,
  R2PreventDestroy,
  R2TokenExpiry,
  R2TokenScoped,
  TunnelCatchAllLast,
  TunnelCnameProxied,
  TunnelGatedRoutesEnforceJwt,
  TunnelPublicRoutesOpen,
  TunnelRemotelyManaged,
  TunnelTokenSensitive,
};
