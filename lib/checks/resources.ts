/**
 * The typed view of the synthesized blocks the rules read: for each Terraform type a rule looks at,
 * the attributes it reads, as cdk.tf.json holds them (snake_case; optional where the provider's schema
 * has them optional). Every value that is not a string may be an expression instead
 * ({@link Synthesized}), because cdktf writes a token wherever a construct was given one; a rule that
 * needs a literal says "could not validate" otherwise.
 *
 * Rules get a block's attributes through {@link attributesOf} (and a stack's variables through
 * {@link variablesOf}): the one place where the pack's untyped JSON ({@link TerraformAttributes})
 * becomes these types. The attribute names and optionality follow provider-cloudflare 5.14 and
 * provider-google (their generated `lib/<resource>/index.d.ts`, in snake_case).
 */
import type { TerraformAttributes } from '../core/terraform';
import type { FirewallEntry } from '../google/firewall-model';
import { blockOf, isList, type Synthesized, type SynthesizedList } from './json';
import { notApplicable, unknown, type ElementView, type RuleContext, type Verdict } from './rule';

/** One rule of an Access policy's or group's `include` (`{everyone: {}}`, `{email: {email}}`, ...): its selector is its key. */
export type AccessRuleJson = TerraformAttributes;

/** `cloudflare_zero_trust_access_application`. */
export interface AccessApplicationJson extends TerraformAttributes {
  /**
   * The identity providers its login offers, by id.
   * @default - every identity provider of the account
   */
  readonly allowed_idps?: Synthesized<readonly string[]>;
  /**
   * Skip the login page and go to the only identity provider.
   * @default false
   */
  readonly auto_redirect_to_identity?: Synthesized<boolean>;
  /**
   * The hostnames (and paths) it covers, each `{type, uri}`.
   * @default - only `domain`
   */
  readonly destinations?: SynthesizedList<{ readonly uri?: string; readonly type?: string }>;
  /**
   * The policies it attaches, each `{id, precedence}` (a reference to a reusable policy).
   * @default - none
   */
  readonly policies?: SynthesizedList<{ readonly id?: string; readonly precedence?: Synthesized<number> }>;
  /**
   * How long a session lasts, e.g. `24h`.
   * @default - 24h (the provider's default)
   */
  readonly session_duration?: string;
}

/** `cloudflare_zero_trust_access_policy`: a reusable policy. */
export interface AccessPolicyJson extends TerraformAttributes {
  /** `allow`, `deny`, `non_identity` or `bypass`. */
  readonly decision: string;
  /**
   * Whom the policy matches (any of these).
   * @default - nobody
   */
  readonly include?: SynthesizedList<AccessRuleJson>;
  /**
   * How long a session under this policy lasts.
   * @default - the application's session duration
   */
  readonly session_duration?: string;
}

/** `cloudflare_zero_trust_access_group`. */
export interface AccessGroupJson extends TerraformAttributes {
  /** Who is in the group (any of these). */
  readonly include: SynthesizedList<AccessRuleJson>;
}

/** `cloudflare_zero_trust_access_identity_provider`. */
export interface IdentityProviderJson extends TerraformAttributes {
  /** The kind of provider: `azureAD`, `google-apps`, `onetimepin`, ... */
  readonly type: string;
  /** The provider's settings; `client_secret` is the one a rule reads. */
  readonly config: Synthesized<{ readonly client_secret?: string }>;
}

/** `cloudflare_zero_trust_tunnel_cloudflared`. */
export interface TunnelJson extends TerraformAttributes {
  /**
   * Where the tunnel's configuration lives: `cloudflare` (remotely managed) or `local`; a change
   * replaces the tunnel.
   * @default "local"
   */
  readonly config_src?: string;
}

/** The Access JWT check of an ingress rule (`origin_request.access`). */
export interface IngressAccessJson {
  /**
   * cloudflared refuses requests without a valid Access JWT.
   * @default false
   */
  readonly required?: Synthesized<boolean>;
  /**
   * The Zero Trust team whose tokens it accepts.
   * @default - none
   */
  readonly team_name?: string;
  /**
   * The Access applications (their `aud`) whose tokens it accepts.
   * @default - none
   */
  readonly aud_tag?: Synthesized<readonly string[]>;
}

/** `origin_request` of an ingress rule (or of the whole configuration, where cloudflared ignores `access`). */
export interface OriginRequestJson {
  /**
   * The Access JWT check.
   * @default - no check
   */
  readonly access?: Synthesized<IngressAccessJson>;
}

/** One rule of a tunnel's ingress. */
export interface IngressRuleJson {
  /**
   * The hostname it matches.
   * @default - every hostname (the catch-all has neither hostname nor path)
   */
  readonly hostname?: string;
  /**
   * The path regex it matches.
   * @default - every path
   */
  readonly path?: string;
  /** Where matching requests go (`http://localhost:8000`, `http_status:404`). */
  readonly service: string;
  /**
   * Settings for the origin, among them the Access JWT check.
   * @default - none
   */
  readonly origin_request?: Synthesized<OriginRequestJson>;
}

/** `cloudflare_zero_trust_tunnel_cloudflared_config`: the remotely managed configuration of a tunnel. */
export interface TunnelConfigJson extends TerraformAttributes {
  /**
   * The configuration: its ingress rules, and settings for every rule.
   * @default - no configuration
   */
  readonly config?: Synthesized<{
    readonly ingress?: SynthesizedList<IngressRuleJson>;
    readonly origin_request?: Synthesized<OriginRequestJson>;
  }>;
}

/** `cloudflare_dns_record`. */
export interface DnsRecordJson extends TerraformAttributes {
  /** The record's name (a hostname). */
  readonly name: string;
  /**
   * What it points at (a CNAME's target).
   * @default - none
   */
  readonly content?: string;
  /**
   * Whether traffic goes through Cloudflare.
   * @default false
   */
  readonly proxied?: Synthesized<boolean>;
}

/** `cloudflare_r2_bucket`. */
export interface R2BucketJson extends TerraformAttributes {
  /** The bucket's name. */
  readonly name: string;
  /**
   * Terraform's lifecycle meta-argument (always literal: Terraform allows no expression there).
   * @default - none
   */
  readonly lifecycle?: { readonly prevent_destroy?: boolean };
}

/** A sub-resource of an R2 bucket, which names its bucket (by reference or literally). */
export interface R2BucketPartJson extends TerraformAttributes {
  /** The bucket's name, usually `${cloudflare_r2_bucket.<id>.name}`. */
  readonly bucket_name: string;
}

/** `cloudflare_r2_bucket_lifecycle`. */
export interface R2LifecycleJson extends R2BucketPartJson {
  /**
   * The lifecycle rules; they replace R2's default rule.
   * @default - none
   */
  readonly rules?: SynthesizedList<{ readonly enabled: Synthesized<boolean>; readonly abort_multipart_uploads_transition?: unknown }>;
}

/** `cloudflare_r2_managed_domain`: the bucket's r2.dev URL. */
export interface R2ManagedDomainJson extends R2BucketPartJson {
  /** Whether r2.dev serves the bucket. */
  readonly enabled: Synthesized<boolean>;
}

/** `cloudflare_account_token` and `cloudflare_api_token`. */
export interface ApiTokenJson extends TerraformAttributes {
  /** The token's name. */
  readonly name: string;
  /**
   * When it expires (RFC 3339).
   * @default - never
   */
  readonly expires_on?: string;
  /** What it may do, each with its `resources` (a JSON object as a string, often a `jsonencode` expression). */
  readonly policies: SynthesizedList<{ readonly resources: string }>;
}

/** One `allow` or `deny` entry of a firewall, as synthesized. */
export interface FirewallEntryJson {
  /** `tcp`, `udp`, `icmp`, `sctp`, `all`, or a protocol number. */
  readonly protocol: FirewallEntry['protocol'];
  /**
   * Ports or ranges.
   * @default - every port of the protocol
   */
  readonly ports?: Synthesized<NonNullable<FirewallEntry['ports']>>;
}

/**
 * `google_compute_firewall`, with the attributes of the firewall model (`FirewallRule` in
 * lib/google/firewall-model.ts); any of them may be an expression.
 */
export interface FirewallJson extends TerraformAttributes {
  /** The rule's name. */
  readonly name: string;
  /** The network it belongs to (a name or a self link). */
  readonly network: string;
  /**
   * `INGRESS` or `EGRESS`.
   * @default "INGRESS"
   */
  readonly direction?: string;
  /**
   * Lower numbers win.
   * @default 1000
   */
  readonly priority?: Synthesized<number>;
  /**
   * What an allow rule allows.
   * @default - nothing (a deny rule)
   */
  readonly allow?: SynthesizedList<FirewallEntryJson>;
  /**
   * What a deny rule denies.
   * @default - nothing (an allow rule)
   */
  readonly deny?: SynthesizedList<FirewallEntryJson>;
  /**
   * INGRESS: the source ranges.
   * @default - 0.0.0.0/0 when no source tags or service accounts are given either
   */
  readonly source_ranges?: Synthesized<readonly string[]>;
  /**
   * INGRESS: the network tags of source instances.
   * @default - none
   */
  readonly source_tags?: Synthesized<readonly string[]>;
  /**
   * INGRESS: the service accounts of source instances.
   * @default - none
   */
  readonly source_service_accounts?: Synthesized<readonly string[]>;
  /**
   * EGRESS: the destination ranges.
   * @default - 0.0.0.0/0
   */
  readonly destination_ranges?: Synthesized<readonly string[]>;
  /**
   * The instances it applies to, by network tag.
   * @default - every instance of the network
   */
  readonly target_tags?: Synthesized<readonly string[]>;
  /**
   * The instances it applies to, by service account.
   * @default - every instance of the network
   */
  readonly target_service_accounts?: Synthesized<readonly string[]>;
  /**
   * A disabled rule applies to nothing.
   * @default false
   */
  readonly disabled?: Synthesized<boolean>;
}

/** `google_compute_instance`. */
export interface InstanceJson extends TerraformAttributes {
  /**
   * Labels; gatehouse's connector hosts carry `role = cloudflared-connector`.
   * @default - none
   */
  readonly labels?: Synthesized<Readonly<Record<string, string>>>;
  /**
   * Network tags, which firewall rules target.
   * @default - none
   */
  readonly tags?: Synthesized<readonly string[]>;
  /** Its network interfaces; the first one's network is the instance's network. */
  readonly network_interface: SynthesizedList<{ readonly network?: string }>;
}

/**
 * An IAM grant: `google_project_iam_member` and `google_secret_manager_secret_iam_member` (one
 * `member`), `google_project_iam_binding` and `google_secret_manager_secret_iam_binding` (`members`).
 */
export interface IamGrantJson extends TerraformAttributes {
  /** The role granted, e.g. `roles/secretmanager.secretAccessor`. */
  readonly role: string;
  /**
   * The member (`*_iam_member`).
   * @default - none (a binding)
   */
  readonly member?: string;
  /**
   * The members (`*_iam_binding`).
   * @default - none (a member grant)
   */
  readonly members?: Synthesized<readonly string[]>;
}

/** A Terraform output. */
export interface OutputJson extends TerraformAttributes {
  /** The value: a literal or an expression. */
  readonly value?: unknown;
  /**
   * Terraform hides a sensitive output in plans and logs.
   * @default false
   */
  readonly sensitive?: boolean;
}

/** A Terraform variable. */
export interface VariableJson extends TerraformAttributes {
  /**
   * Terraform hides a sensitive variable in plans and logs.
   * @default false
   */
  readonly sensitive?: boolean;
  /**
   * The value when none is given (`TF_VAR_<name>`).
   * @default - none: a value must be given
   */
  readonly default?: unknown;
}

/** Which attributes each type of synthesized block has, as the rules read them; outputs and variables by their kind. */
export interface SynthesizedBlocks {
  /** An Access application. */
  cloudflare_zero_trust_access_application: AccessApplicationJson;
  /** A reusable Access policy. */
  cloudflare_zero_trust_access_policy: AccessPolicyJson;
  /** An Access group. */
  cloudflare_zero_trust_access_group: AccessGroupJson;
  /** An Access identity provider. */
  cloudflare_zero_trust_access_identity_provider: IdentityProviderJson;
  /** A Cloudflare Tunnel. */
  cloudflare_zero_trust_tunnel_cloudflared: TunnelJson;
  /** A tunnel's remotely managed configuration. */
  cloudflare_zero_trust_tunnel_cloudflared_config: TunnelConfigJson;
  /** A DNS record. */
  cloudflare_dns_record: DnsRecordJson;
  /** An R2 bucket. */
  cloudflare_r2_bucket: R2BucketJson;
  /** An R2 bucket's lifecycle rules. */
  cloudflare_r2_bucket_lifecycle: R2LifecycleJson;
  /** An R2 bucket's r2.dev URL. */
  cloudflare_r2_managed_domain: R2ManagedDomainJson;
  /** An account-owned API token. */
  cloudflare_account_token: ApiTokenJson;
  /** A user-owned API token. */
  cloudflare_api_token: ApiTokenJson;
  /** A VPC firewall rule. */
  google_compute_firewall: FirewallJson;
  /** A VM instance. */
  google_compute_instance: InstanceJson;
  /** A project-wide IAM grant to one member. */
  google_project_iam_member: IamGrantJson;
  /** A project-wide IAM binding. */
  google_project_iam_binding: IamGrantJson;
  /** An IAM grant on one secret to one member. */
  google_secret_manager_secret_iam_member: IamGrantJson;
  /** An IAM binding on one secret. */
  google_secret_manager_secret_iam_binding: IamGrantJson;
  /** A Terraform output. */
  output: OutputJson;
  /** A Terraform variable. */
  variable: VariableJson;
}

/** A type of synthesized block the rules read (a Terraform resource type, `output` or `variable`). */
export type BlockType = keyof SynthesizedBlocks;

/** The kind of element a block type belongs to: outputs and variables are their own; the rest are resources. */
function kindOf(type: BlockType): ElementView['kind'] {
  return type === 'output' || type === 'variable' ? type : 'resource';
}

/**
 * The element's attributes, typed as its block type, when it is a block of one of `types` (a resource
 * of that Terraform type, or an output or variable); undefined for any other element.
 *
 * The one place where an element's JSON gets its type: the pack hands rules the JSON that cdktf
 * synthesized from the provider's constructs, whose schema {@link SynthesizedBlocks} follows, with
 * every non-string value allowed to be an expression.
 *
 * @example
 * const app = attributesOf(element, 'cloudflare_zero_trust_access_application');
 * if (app?.auto_redirect_to_identity === true) { ... }
 */
export function attributesOf<T extends BlockType>(element: ElementView, ...types: readonly T[]): SynthesizedBlocks[T] | undefined {
  const typed = types.some((type) => type === element.type && kindOf(type) === element.kind);
  return typed ? (element.config as SynthesizedBlocks[T]) : undefined;
}

/** The variables the stack declares, by name (undefined for a name it does not declare). */
export function variablesOf(ctx: RuleContext): Readonly<Record<string, VariableJson | undefined>> {
  return ctx.stack.variable ?? {};
}

/** The ingress rules of a tunnel configuration, or undefined when the list (or the configuration) is an expression or missing. */
export function ingressOf(config: TunnelConfigJson): readonly Synthesized<IngressRuleJson>[] | undefined {
  const ingress = blockOf(config.config)?.ingress;
  return isList(ingress) ? ingress : undefined;
}

/**
 * The shape of every rule on a tunnel's ingress: not applicable to anything but a tunnel
 * configuration, "could not validate" when its ingress list is an expression or missing, otherwise
 * `check` of the list (and the configuration).
 */
export function checkIngress(element: ElementView, check: (ingress: readonly Synthesized<IngressRuleJson>[], config: TunnelConfigJson) => Verdict): Verdict {
  const config = attributesOf(element, 'cloudflare_zero_trust_tunnel_cloudflared_config');
  if (!config) return notApplicable();
  const ingress = ingressOf(config);
  return ingress ? check(ingress, config) : unknown('the ingress list is not known');
}

/** The `origin_request.access` block of an ingress rule (or of the configuration), if it has one that is not an expression. */
export function accessOf(holder: { readonly origin_request?: Synthesized<OriginRequestJson> } | undefined): IngressAccessJson | undefined {
  return blockOf(blockOf(holder?.origin_request)?.access);
}

/** The destination uris of an Access application (undefined for an entry that is not a block), or undefined when destinations is not a list. */
export function destinationUris(app: AccessApplicationJson): ReadonlyArray<string | undefined> | undefined {
  return isList(app.destinations) ? app.destinations.map((d) => blockOf(d)?.uri) : undefined;
}
