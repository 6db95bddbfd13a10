/** Scoped API tokens: one per concern, over the zones the file names (every declared zone by default). */
import type { Construct } from 'constructs';
import { ScopedApiToken, TokenPreset } from '../cloudflare/api-token';
import type { DeploymentModel } from './model';

/** The API tokens (`token-<name>`), by name. */
export function scopedTokens(scope: Construct, m: DeploymentModel): Map<string, ScopedApiToken> {
  return new Map(
    [...m.apiTokens.values()].map((t) => {
      const preset = TokenPreset.fromName(t.spec.preset);
      const token = new ScopedApiToken(scope, `token-${t.name}`, {
        accountId: m.accountId,
        name: t.name,
        permissions: preset,
        ...(preset.permissions.zone?.length ? { zones: t.zoneNames.map((z) => m.zoneNamed(z)) } : {}),
        ...(t.spec.expires ? { expires: t.spec.expires } : {}),
      });
      return [t.name, token];
    }),
  );
}
