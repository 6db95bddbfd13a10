import { createHash } from 'crypto';
import { TerraformResource, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ComputeFirewall, ComputeFirewallConfig } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ProblemCollector } from '../core/errors';
import { escapeTemplate } from '../core/terraform';
import { gceNameProblem, gcpProjectProblem } from '../core/rules';
import { GOOGLE_ROLES, IAP_TCP_FORWARDING_RANGE, METADATA_SERVER_RANGE, REMOTE_ADMIN_DENY_PRIORITY } from './roles';
import { CONNECTOR_ACTIVATION_ATTRIBUTE, renderConnectorUserData } from './user-data';

/** Activation states of a connector host (the value of the `gatehouse-connector` metadata attribute). */
export enum ConnectorActivation {
  /** The watcher starts cloudflared. */
  ACTIVE = 'active',
  /** The watcher stops cloudflared. */
  STANDBY = 'standby',
}

/** How the host reaches Cloudflare (it never needs inbound access). */
export enum HostEgress {
  /** A Cloud Router and Cloud NAT for the host's region; the host has no external IP. */
  CLOUD_NAT = 'cloud-nat',
  /** An ephemeral external IP; ingress is still denied by firewall. */
  EXTERNAL_IP = 'external-ip',
  /** The network already provides egress (a shared NAT); create nothing. */
  EXISTING = 'existing',
}

/** Options for the GCE host of a `TunnelHost`. */
export interface GceConnectorHostOptions {
  /** GCP project id. */
  readonly project: string;
  /** GCE region, e.g. `europe-west1`. */
  readonly region: string;
  /** GCE zone in the region, e.g. `europe-west1-b`. */
  readonly zone: string;
  /** Instance name; also the prefix of the service account, secret and firewall names. Changing it replaces the host. */
  readonly name: string;
  /**
   * Whether this host runs the connector: `active` or `standby`, or an expression that yields one of them.
   * It is an instance metadata attribute, updated in place; the host reacts without a reboot.
   */
  readonly activation: string;
  /**
   * Machine type. Changing it stops the host only if `allowStoppingForUpdate` is set.
   * @default "e2-small"
   */
  readonly machineType?: string;
  /**
   * Boot image. It must ship cloud-init (Ubuntu does; Debian GCE images may not). Changing it replaces the host.
   * @default "ubuntu-os-cloud/ubuntu-2404-lts-amd64"
   */
  readonly image?: string;
  /**
   * VPC network name.
   * @default "default"
   */
  readonly network?: string;
  /**
   * Allow SSH from Google's IAP TCP-forwarding range (35.235.240.0/20) only.
   * @default false
   */
  readonly sshViaIap?: boolean;
  /**
   * How the host reaches Cloudflare on 7844/TCP+UDP.
   * @default HostEgress.CLOUD_NAT
   */
  readonly egress?: HostEgress;
  /**
   * cloudflared apt package version.
   * @default "2026.7.2"
   */
  readonly cloudflaredVersion?: string;
  /**
   * Protect the host from `terraform destroy`.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Let terraform stop the host to change its machine type (a short outage of this site's connector).
   * @default false
   */
  readonly allowStoppingForUpdate?: boolean;
}

/** Props for `GceConnectorHost`. */
export interface GceConnectorHostProps extends GceConnectorHostOptions {
  /** The tunnel connector token (sensitive). It goes to Secret Manager only. */
  readonly connectorToken: string;
}

/** The cloudflared release pinned by default. */
export const DEFAULT_CLOUDFLARED_VERSION = '2026.7.2';
/** The default boot image: an Ubuntu LTS image, which ships cloud-init. */
export const DEFAULT_IMAGE = 'ubuntu-os-cloud/ubuntu-2404-lts-amd64';

/**
 * A GCE host that runs the cloudflared connector, outbound only:
 * - its own service account, allowed to read only its own tunnel token secret;
 * - the token in Secret Manager, fetched at boot into a root-only file (never argv, metadata or user-data);
 * - cloud-init that writes a retrying installer of the pinned cloudflared and an activation watcher on
 *   the metadata attribute, which also picks up a rotated token; the host publishes its state as guest
 *   attributes (`gatehouse/*`);
 * - firewall rules: 80/443 and 22/3389 denied from the internet (SSH only from IAP if enabled), egress
 *   limited to 7844 tcp/udp, 443, 80 and the metadata server;
 * - with Cloud NAT (the default) a router and NAT that the instance waits for.
 *
 * @example
 * new GceConnectorHost(this, 'host', {
 *   project: 'example-prod', region: 'europe-west1', zone: 'europe-west1-b', name: 'edge-primary',
 *   activation: ConnectorActivation.ACTIVE, connectorToken: tunnel.connectorToken,
 * });
 */
export class GceConnectorHost extends Construct {
  /** The Compute Engine instance that runs cloudflared. */
  public readonly instance: ComputeInstance;
  /** The instance's own service account (it may read the token secret, nothing else). */
  public readonly serviceAccount: ServiceAccount;
  /** The Secret Manager secret that holds the tunnel token. */
  public readonly tokenSecret: SecretManagerSecret;
  /** Network tag that the firewall rules target. */
  public readonly networkTag: string;
  /** The rendered `#cloud-config` user-data (contains no secret), as plain text. */
  public readonly userData: string;
  /** The same user-data escaped for a Terraform string (`$${`, `%%{`): use this in outputs. */
  public readonly userDataValue: string;
  /** The firewall rules of the host's network tag. */
  public readonly firewalls: readonly ComputeFirewall[];

  constructor(scope: Construct, id: string, props: GceConnectorHostProps) {
    super(scope, id);
    hostPropsProblems(id, props).throwIfAny();
    const network = props.network ?? 'default';
    this.networkTag = `${props.name}-connector`;

    this.serviceAccount = new ServiceAccount(this, 'service-account', {
      project: props.project,
      accountId: serviceAccountId(props.name),
      displayName: `cloudflared connector on ${props.name}`,
      description: 'gatehouse: reads only its own tunnel token from Secret Manager',
    });

    this.tokenSecret = new SecretManagerSecret(this, 'token-secret', {
      project: props.project,
      secretId: `${props.name}-tunnel-token`,
      replication: { auto: {} },
      labels: { 'managed-by': 'gatehouse' },
    });
    const tokenVersion = new SecretManagerSecretVersion(this, 'token-version', {
      secret: this.tokenSecret.id,
      // secret_data is sensitive and ForceNew: a new token (a rotated secret) becomes a new version
      // automatically. Created before the old one is destroyed, so `versions/latest` always resolves.
      secretData: props.connectorToken,
      lifecycle: { createBeforeDestroy: true },
    });
    const access = new SecretManagerSecretIamMember(this, 'token-access', {
      project: props.project,
      secretId: this.tokenSecret.secretId,
      role: GOOGLE_ROLES.secretAccessor,
      member: this.serviceAccount.member,
    });

    const firewalls = this.createFirewalls(props, network);
    this.firewalls = firewalls.all;
    const egressResources = (props.egress ?? HostEgress.CLOUD_NAT) === HostEgress.CLOUD_NAT ? this.createCloudNat(props, network) : [];

    this.userData = renderConnectorUserData({
      cloudflaredVersion: props.cloudflaredVersion ?? DEFAULT_CLOUDFLARED_VERSION,
      tokenSource: {
        kind: 'secret-manager',
        secretVersion: `projects/${props.project}/secrets/${props.name}-tunnel-token/versions/latest`,
      },
      activation: { kind: 'gce-metadata', attribute: CONNECTOR_ACTIVATION_ATTRIBUTE },
    });
    this.userDataValue = escapeTemplate(this.userData);
    // Booting reads the token and needs its egress (NAT, firewall allows), and destroying the tunnel
    // must wait for the host (its connections).
    this.instance = this.createInstance(props, network, [access, tokenVersion, ...egressResources, ...firewalls.egressAllows]);
  }

  /**
   * Ingress: the tunnel is the only way in. The denies beat the default network's 65534 allow rules
   * (default-allow-ssh, default-allow-rdp) and, at equal priority, any allow (deny wins a tie).
   * Egress: allows at 1000 for what the host needs, everything else denied at 65000 (GCP's implied
   * allow-all egress sits at 65535). The metadata server (169.254.169.254: metadata, DNS, NTP) is always
   * allowed by GCP; the rule states it.
   */
  private createFirewalls(props: GceConnectorHostProps, network: string): { all: ComputeFirewall[]; egressAllows: ComputeFirewall[] } {
    const rule = (id: string, config: Omit<ComputeFirewallConfig, 'project' | 'network' | 'targetTags'>) =>
      new ComputeFirewall(this, id, { project: props.project, network, targetTags: [this.networkTag], ...config });
    const world = ['0.0.0.0/0'];
    const denyWeb = rule('deny-web', {
      name: `${props.name}-deny-web`,
      direction: 'INGRESS',
      priority: 900,
      deny: [{ protocol: 'tcp', ports: ['80', '443'] }],
      sourceRanges: world,
      description: 'gatehouse: the tunnel is the only way in; no web port is open to the internet',
    });
    const tunnelEgress = rule('allow-tunnel-egress', {
      name: `${props.name}-tunnel-egress`,
      direction: 'EGRESS',
      priority: 1000,
      allow: [
        { protocol: 'tcp', ports: ['7844', '443'] },
        { protocol: 'udp', ports: ['7844'] },
      ],
      destinationRanges: world,
      description: 'gatehouse: cloudflared dials out on 7844 (QUIC/HTTP2); 443 for apt and Secret Manager',
    });
    const aptEgress = rule('allow-apt-egress', {
      name: `${props.name}-apt-egress`,
      direction: 'EGRESS',
      priority: 1000,
      allow: [{ protocol: 'tcp', ports: ['80'] }],
      destinationRanges: world,
      description: "gatehouse: Ubuntu's apt mirrors on GCE are http://<region>.gce.archive.ubuntu.com (signed packages)",
    });
    const metadataEgress = rule('allow-metadata-egress', {
      name: `${props.name}-metadata-egress`,
      direction: 'EGRESS',
      priority: 1000,
      allow: [
        { protocol: 'tcp', ports: ['53', '80'] },
        { protocol: 'udp', ports: ['53', '123'] },
      ],
      destinationRanges: [METADATA_SERVER_RANGE],
      description: 'gatehouse: the metadata server (metadata, guest attributes, DNS, NTP); GCP always allows it',
    });
    const iapSsh = props.sshViaIap
      ? rule('allow-iap-ssh', {
          name: `${props.name}-iap-ssh`,
          direction: 'INGRESS',
          // Below the 22/3389 deny (900), so IAP still gets through.
          priority: 800,
          allow: [{ protocol: 'tcp', ports: ['22'] }],
          sourceRanges: [IAP_TCP_FORWARDING_RANGE],
          description: 'gatehouse: SSH only through Identity-Aware Proxy',
        })
      : undefined;
    const egressAllows = [tunnelEgress, aptEgress, metadataEgress];
    const denies = this.createDenies(rule, props, world, iapSsh, egressAllows);
    return { all: [denyWeb, tunnelEgress, ...(iapSsh ? [iapSsh] : []), aptEgress, metadataEgress, ...denies], egressAllows };
  }

  /** The remote-admin deny (after the IAP allow) and the deny of every other egress (after the allows). */
  private createDenies(
    rule: (id: string, config: Omit<ComputeFirewallConfig, 'project' | 'network' | 'targetTags'>) => ComputeFirewall,
    props: GceConnectorHostProps,
    world: string[],
    iapSsh: ComputeFirewall | undefined,
    egressAllows: ComputeFirewall[],
  ): ComputeFirewall[] {
    const denyRemoteAdmin = rule('deny-remote-admin', {
      name: `${props.name}-deny-remote-admin`,
      direction: 'INGRESS',
      priority: REMOTE_ADMIN_DENY_PRIORITY,
      deny: [{ protocol: 'tcp', ports: ['22', '3389'] }],
      sourceRanges: world,
      description: "gatehouse: no SSH or RDP from the internet, whatever the network's own rules say (IAP SSH is allowed above this)",
      // Created after the IAP allow, so turning this on never cuts an IAP session.
      ...(iapSsh ? { dependsOn: [iapSsh] } : {}),
    });
    const denyOtherEgress = rule('deny-other-egress', {
      name: `${props.name}-deny-other-egress`,
      direction: 'EGRESS',
      priority: 65000,
      deny: [{ protocol: 'all' }],
      destinationRanges: world,
      description: 'gatehouse: no other egress (the allows above are the whole list)',
      // Created after the allows and destroyed before them: the host never loses its tunnel egress.
      dependsOn: egressAllows,
    });
    return [denyRemoteAdmin, denyOtherEgress];
  }

  /** A Cloud Router and Cloud NAT for the host's region (the host has no external IP). */
  private createCloudNat(props: GceConnectorHostProps, network: string): TerraformResource[] {
    const router = new ComputeRouter(this, 'router', {
      project: props.project,
      name: `${props.name}-router`,
      region: props.region,
      network,
    });
    const nat = new ComputeRouterNat(this, 'nat', {
      project: props.project,
      name: `${props.name}-nat`,
      router: router.name,
      region: props.region,
      natIpAllocateOption: 'AUTO_ONLY',
      sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
    });
    return [router, nat];
  }

  private createInstance(props: GceConnectorHostProps, network: string, dependsOn: TerraformResource[]): ComputeInstance {
    return new ComputeInstance(this, 'instance', {
      project: props.project,
      name: props.name,
      zone: props.zone,
      machineType: props.machineType ?? 'e2-small',
      tags: [this.networkTag],
      labels: { 'managed-by': 'gatehouse', role: 'cloudflared-connector' },
      bootDisk: {
        initializeParams: { image: props.image ?? DEFAULT_IMAGE, size: 20, type: 'pd-balanced' },
      },
      networkInterface: [
        {
          network,
          ...(props.egress === HostEgress.EXTERNAL_IP ? { accessConfig: [{}] } : {}),
        },
      ],
      serviceAccount: { email: this.serviceAccount.email, scopes: ['cloud-platform'] },
      shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
      // Metadata is updated in place (SetMetadata); the watcher reacts to the activation attribute.
      // user-data is read once at first boot; a later change is applied by rebuilding the host on purpose.
      metadata: {
        'user-data': this.userDataValue,
        [CONNECTOR_ACTIVATION_ATTRIBUTE]: props.activation,
        'enable-oslogin': 'TRUE',
        'block-project-ssh-keys': 'TRUE',
        // The host publishes its state (bootstrap, connector, token_version, ...) under gatehouse/.
        'enable-guest-attributes': 'TRUE',
      },
      deletionProtection: props.deletionProtection ?? true,
      allowStoppingForUpdate: props.allowStoppingForUpdate ?? false,
      dependsOn,
    });
  }
}

/** Every problem of a host's props (tokens skipped). */
function hostPropsProblems(id: string, props: GceConnectorHostProps): ProblemCollector {
  const problems = new ProblemCollector(id);
  const check = (field: string, value: string, rule: (v: string) => string | undefined) => {
    if (Token.isUnresolved(value)) return;
    const p = rule(value);
    if (p) problems.add(field, p, value);
  };
  check('name', props.name, gceNameProblem);
  check('project', props.project, gcpProjectProblem);
  if (!Token.isUnresolved(props.name) && props.name.length > 40) {
    problems.add('name', 'must be at most 40 characters, so that derived firewall and secret names fit', props.name);
  }
  if (!Token.isUnresolved(props.zone) && !Token.isUnresolved(props.region) && !props.zone.startsWith(`${props.region}-`)) {
    problems.add('zone', `must be a zone of region ${props.region}`, props.zone);
  }
  if (!Token.isUnresolved(props.activation) && !Object.values<string>(ConnectorActivation).includes(props.activation)) {
    problems.add('activation', 'must be "active" or "standby" (or an expression that yields one)', props.activation);
  }
  return problems;
}

/**
 * A service account id (6-30 characters) derived from the host name: `<name>-connector` when it fits,
 * otherwise a prefix of the name plus a short hash of the whole name, so two long names that share a
 * prefix never collide.
 */
export function serviceAccountId(name: string): string {
  const full = `${name}-connector`;
  if (full.length <= 30) return full;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 6);
  return `${name.slice(0, 23).replace(/-+$/, '')}-${hash}`;
}
