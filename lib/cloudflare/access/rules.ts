import { Token } from 'cdktf';
import type { ZeroTrustAccessPolicyInclude } from '@cdktf/provider-cloudflare/lib/zero-trust-access-policy';
import { GatehouseError } from '../../core/errors';
import { emailDomainProblem } from '../../core/rules';

/** Throw one problem for a literal value that breaks a rule (tokens are checked by the provider). */
function refuse(path: string, value: string, problem: string | undefined): void {
  if (problem && !Token.isUnresolved(value)) throw new GatehouseError([{ path, message: problem, value }]);
}

/** What a policy does with a matching request. */
export enum AccessDecision {
  /** Admit people who authenticate with an identity provider. */
  ALLOW = 'allow',
  /** Refuse. */
  DENY = 'deny',
  /** Skip Access entirely (no identity). Use sparingly. */
  BYPASS = 'bypass',
  /** "Service Auth": admit machine service tokens, which carry no identity. */
  NON_IDENTITY = 'non_identity',
}

/** The kinds of rule, for checks that must tell them apart. */
export enum AccessRuleKind {
  /** `AccessRule.group`: members of an access group. */
  GROUP = 'group',
  /** `AccessRule.email`: one email address. */
  EMAIL = 'email',
  /** `AccessRule.emailDomain`: every address in an email domain. */
  EMAIL_DOMAIN = 'email_domain',
  /** `AccessRule.serviceToken`: one service token. */
  SERVICE_TOKEN = 'service_token',
  /** `AccessRule.entraGroup`: members of an Entra group. */
  ENTRA_GROUP = 'entra_group',
  /** `AccessRule.everyone`: anyone at all. */
  EVERYONE = 'everyone',
  /** `AccessRule.anyValidServiceToken`: any service token of the account. */
  ANY_VALID_SERVICE_TOKEN = 'any_valid_service_token',
}

/** One selector of an include, require or exclude list (one selector per element, as provider 5.14 demands). */
export class AccessRule {
  /** Members of an access group. */
  public static group(group: { readonly groupId: string }): AccessRule {
    return new AccessRule(AccessRuleKind.GROUP, { group: { id: group.groupId } });
  }
  /** One email address. */
  public static email(email: string): AccessRule {
    return new AccessRule(AccessRuleKind.EMAIL, { email: { email } });
  }
  /** Every address in an email domain, e.g. `example.com`: a plain domain (no `*`, `@` or scheme), matched exactly. */
  public static emailDomain(domain: string): AccessRule {
    refuse('emailDomain', domain, emailDomainProblem(domain));
    return new AccessRule(AccessRuleKind.EMAIL_DOMAIN, { emailDomain: { domain } });
  }
  /** One service token (only admitted by a `non_identity` policy). */
  public static serviceToken(token: { readonly serviceTokenId: string }): AccessRule {
    return new AccessRule(AccessRuleKind.SERVICE_TOKEN, { serviceToken: { tokenId: token.serviceTokenId } });
  }
  /** Members of an Entra group, by the group's object id (a uuid; the IdP needs `supportGroups`). */
  public static entraGroup(groupId: string, idp: { readonly identityProviderId: string }): AccessRule {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(groupId);
    refuse('entraGroup', groupId, uuid ? undefined : "must be the entra group's object id, a uuid (a display name matches no one)");
    return new AccessRule(AccessRuleKind.ENTRA_GROUP, { azureAd: { id: groupId, identityProviderId: idp.identityProviderId } });
  }
  /** Everyone. Never allowed on an allow policy. */
  public static everyone(): AccessRule {
    return new AccessRule(AccessRuleKind.EVERYONE, { everyone: {} });
  }
  /** Any valid service token in the account. Never allowed on an allow policy. */
  public static anyValidServiceToken(): AccessRule {
    return new AccessRule(AccessRuleKind.ANY_VALID_SERVICE_TOKEN, { anyValidServiceToken: {} });
  }

  private constructor(
    /** Which kind of rule this is, for checks that must tell them apart. */
    public readonly kind: AccessRuleKind,
    /** The provider selector object. */
    public readonly selector: ZeroTrustAccessPolicyInclude,
  ) {}
}
