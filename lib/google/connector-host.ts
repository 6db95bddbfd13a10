import { createHash } from 'crypto';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
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
import { GOOGLE_ROLES, IAP_TCP_FORWARDING_RANGE } from './roles';
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
 * - cloud-init that installs a pinned cloudflared and an activation watcher on the metadata attribute;
 * - firewall rules: 80/443 denied from the internet, SSH only from IAP if enabled, egress to 7844.
 *
 * @example
 * new GceConnectorHost(this, 'host', {
 *   project: 'example-prod', region: 'europe-west1', zone: 'europe-west1-b', name: 'edge-primary',
 *   activation: ConnectorActivation.ACTIVE, connectorToken: tunnel.connectorToken,
 * });
 */
export class GceConnectorHost extends Construct {
  public readonly instance: ComputeInstance;
  public readonly serviceAccount: ServiceAccount;
  public readonly tokenSecret: SecretManagerSecret;
  /** Network tag that the firewall rules target. */
  public readonly networkTag: string;
  /** The rendered `#cloud-config` user-data (contains no secret), as plain text. */
  public readonly userData: string;
  /** The same user-data escaped for a Terraform string (`$${`, `%%{`): use this in outputs. */
  public readonly userDataValue: string;
  public readonly firewalls: readonly ComputeFirewall[];

  constructor(scope: Construct, id: string, props: GceConnectorHostProps) {
    super(scope, id);
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
    problems.throwIfAny();

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
      // secret_data is sensitive and ForceNew: a new token (new tunnel) becomes a new version automatically.
      secretData: props.connectorToken,
    });
    const access = new SecretManagerSecretIamMember(this, 'token-access', {
      project: props.project,
      secretId: this.tokenSecret.secretId,
      role: GOOGLE_ROLES.secretAccessor,
      member: this.serviceAccount.member,
    });

    const firewalls: ComputeFirewall[] = [
      new ComputeFirewall(this, 'deny-web', {
        project: props.project,
        name: `${props.name}-deny-web`,
        network,
        direction: 'INGRESS',
        priority: 900,
        deny: [{ protocol: 'tcp', ports: ['80', '443'] }],
        sourceRanges: ['0.0.0.0/0'],
        targetTags: [this.networkTag],
        description: 'gatehouse: the tunnel is the only way in; no web port is open to the internet',
      }),
      new ComputeFirewall(this, 'allow-tunnel-egress', {
        project: props.project,
        name: `${props.name}-tunnel-egress`,
        network,
        direction: 'EGRESS',
        priority: 1000,
        allow: [
          { protocol: 'tcp', ports: ['7844', '443'] },
          { protocol: 'udp', ports: ['7844'] },
        ],
        destinationRanges: ['0.0.0.0/0'],
        targetTags: [this.networkTag],
        description: 'gatehouse: cloudflared dials out on 7844 (QUIC/HTTP2); 443 for apt and Secret Manager',
      }),
    ];
    if (props.sshViaIap) {
      firewalls.push(
        new ComputeFirewall(this, 'allow-iap-ssh', {
          project: props.project,
          name: `${props.name}-iap-ssh`,
          network,
          direction: 'INGRESS',
          priority: 1000,
          allow: [{ protocol: 'tcp', ports: ['22'] }],
          sourceRanges: [IAP_TCP_FORWARDING_RANGE],
          targetTags: [this.networkTag],
          description: 'gatehouse: SSH only through Identity-Aware Proxy',
        }),
      );
    }
    this.firewalls = firewalls;

    const egress = props.egress ?? HostEgress.CLOUD_NAT;
    if (egress === HostEgress.CLOUD_NAT) {
      const router = new ComputeRouter(this, 'router', {
        project: props.project,
        name: `${props.name}-router`,
        region: props.region,
        network,
      });
      new ComputeRouterNat(this, 'nat', {
        project: props.project,
        name: `${props.name}-nat`,
        router: router.name,
        region: props.region,
        natIpAllocateOption: 'AUTO_ONLY',
        sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      });
    }

    this.userData = renderConnectorUserData({
      cloudflaredVersion: props.cloudflaredVersion ?? DEFAULT_CLOUDFLARED_VERSION,
      tokenSource: {
        kind: 'secret-manager',
        secretVersion: `projects/${props.project}/secrets/${props.name}-tunnel-token/versions/latest`,
      },
      activation: { kind: 'gce-metadata', attribute: CONNECTOR_ACTIVATION_ATTRIBUTE },
    });

    this.userDataValue = escapeTemplate(this.userData);

    this.instance = new ComputeInstance(this, 'instance', {
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
          ...(egress === HostEgress.EXTERNAL_IP ? { accessConfig: [{}] } : {}),
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
      },
      deletionProtection: props.deletionProtection ?? true,
      allowStoppingForUpdate: props.allowStoppingForUpdate ?? false,
      // Booting reads the token, and destroying the tunnel must wait for the host (its connections).
      dependsOn: [access, tokenVersion],
    });
  }
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
