import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ZeroTrustAccessServiceToken } from '@cdktf/provider-cloudflare/lib/zero-trust-access-service-token';
import { FACTS, recordFact } from '../../checks/facts';

/** Props for `AccessServiceToken`. */
export interface AccessServiceTokenProps {
  /** The Cloudflare account (32-hex id) that owns the token. */
  readonly accountId: string;
  /** Token name shown in the dashboard. */
  readonly name: string;
  /** The decision record (ADR, ticket) that approved this machine token; required by the policy pack. */
  readonly decisionRecord: string;
  /**
   * Lifetime of the token.
   * @default "8760h"
   */
  readonly duration?: string;
}

/**
 * A machine service token. Admit it with a `non_identity` policy; send `CF-Access-Client-Id` and
 * `CF-Access-Client-Secret`. Both values are exposed marked sensitive; a stack outputs them as sensitive.
 *
 * @example
 * const ci = new AccessServiceToken(this, 'ci', { accountId, name: 'ci', decisionRecord: 'ADR-0012' });
 */
export class AccessServiceToken extends Construct {
  /** The service token's id (a uuid), as `AccessRule.serviceToken` references it; not a secret. */
  public readonly serviceTokenId: string;
  /** `CF-Access-Client-Id` (sensitive). */
  public readonly clientId: string;
  /** `CF-Access-Client-Secret` (sensitive). */
  public readonly clientSecret: string;

  constructor(scope: Construct, id: string, props: AccessServiceTokenProps) {
    super(scope, id);
    const token = new ZeroTrustAccessServiceToken(this, 'resource', {
      accountId: props.accountId,
      name: props.name,
      duration: props.duration ?? '8760h',
    });
    recordFact(token, FACTS.decisionRecord, props.decisionRecord);
    this.serviceTokenId = token.id;
    this.clientId = Token.asString(Fn.sensitive(token.clientId));
    this.clientSecret = Token.asString(Fn.sensitive(token.clientSecret));
  }
}
