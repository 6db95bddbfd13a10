/**
 * Renders the `#cloud-config` user-data of a cloudflared connector host.
 *
 * The template (`cloud-init/connector-host.yaml`) and the host scripts (`cloud-init/*.sh`) are
 * real files, linted and tested on their own; this module only fills in the `@@NAME@@` placeholders
 * and inlines the scripts. The output is deterministic (same options, byte-identical text) and
 * never contains a secret: the tunnel token reaches the host at runtime.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument, Scalar, visit } from 'yaml';
import { ProblemCollector } from '../core/errors';
import { PROJECT_ROOT } from '../core/paths';

/** Options of `renderConnectorUserData`. */
export interface ConnectorUserDataOptions {
  /** cloudflared apt package version pin, e.g. "2026.7.2" */
  readonly cloudflaredVersion: string;
  /**
   * Hex fingerprint of Cloudflare's apt signing key (spaces and lower case allowed).
   * @default CLOUDFLARE_APT_KEY_FINGERPRINT
   */
  readonly aptKeyFingerprint?: string;
  /** Where the host gets the tunnel token at runtime. */
  readonly tokenSource:
    | {
        readonly kind: 'secret-manager';
        /** Secret version resource, e.g. "projects/p/secrets/s/versions/latest". Read with the VM service account. */
        readonly secretVersion: string;
      }
    | {
        readonly kind: 'file';
        /** Absolute path of a root-owned, mode 0600 file holding the token, placed by the operator. */
        readonly path: string;
      };
  /** What decides whether cloudflared runs. */
  readonly activation:
    | {
        readonly kind: 'gce-metadata';
        /** Instance metadata attribute whose value is `active` or `standby`, e.g. "gatehouse-connector". */
        readonly attribute: string;
      }
    | {
        /**
         * A TXT record whose content is `active` or `standby`, read through DNS-over-HTTPS (credential-free;
         * for hosts gatehouse does not create). A missing or unreadable answer keeps the current state;
         * until the first good answer the host starts nothing.
         */
        readonly kind: 'dns-txt';
        /** The record's name, starting with `_gatehouse-`, e.g. "_gatehouse-example-standby.example.com". */
        readonly record: string;
      }
    | { readonly kind: 'always-on' };
}

/** The instance metadata attribute that gatehouse uses to activate a connector host. */
export const CONNECTOR_ACTIVATION_ATTRIBUTE = 'gatehouse-connector';

/**
 * Primary fingerprint of Cloudflare's package signing key ("CloudFlare Software Packaging 2025
 * <help@cloudflare.com>", key id 8A682D308D4E5E73), served as https://pkg.cloudflare.com/cloudflare-main.gpg
 * after the late-2025 rotation. The key that signed before it was FBA8C0EE63617C5EED695C43254B391D8CACCBF8.
 */
export const CLOUDFLARE_APT_KEY_FINGERPRINT = 'CC94B39C77AE7342A68B89628A682D308D4E5E73';

const CLOUD_INIT_DIR = path.join(PROJECT_ROOT, 'cloud-init');
const TEMPLATE_FILE = 'connector-host.yaml';
/** The host scripts, inlined into the template by placeholder. */
const SCRIPT_FILES = {
  BOOTSTRAP_SCRIPT: 'gatehouse-bootstrap.sh',
  FETCH_TOKEN_SCRIPT: 'gatehouse-fetch-token.sh',
  CONNECTOR_WATCH_SCRIPT: 'gatehouse-connector-watch.sh',
  STATUS_SCRIPT: 'gatehouse-status.sh',
} as const;
const SOURCE = 'renderConnectorUserData';

/** A cdktf string token such as `${TfToken[TOKEN.3]}`: resolved at synth time, opaque here. */
const CDKTF_TOKEN = /\$\{TfToken\[TOKEN\.\d+\]\}/g;

/** Each option's pattern and the message that says what is valid (the deployment schema reuses them). */
export const USER_DATA_RULES = {
  cloudflaredVersion: {
    pattern: /^20\d\d\.(?:[1-9]|1[0-2])\.(?:0|[1-9]\d*)$/,
    message: 'must be a cloudflared release version YYYY.M.P without leading zeros, e.g. 2026.7.2',
  },
  aptKeyFingerprint: {
    pattern: /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/,
    message: `must be the full OpenPGP fingerprint of Cloudflare's apt signing key, 40 hex digits (spaces allowed), e.g. ${CLOUDFLARE_APT_KEY_FINGERPRINT}`,
  },
  secretVersion: {
    pattern: /^projects\/[a-z0-9-]+\/secrets\/[A-Za-z0-9_-]+\/versions\/[A-Za-z0-9_-]+$/,
    message:
      'must be a Secret Manager secret version resource name projects/PROJECT/secrets/SECRET/versions/VERSION, ' +
      'e.g. projects/example-project/secrets/tunnel-token/versions/latest',
  },
  tokenFile: {
    pattern: /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._-]+)+$/,
    message:
      "must be an absolute file path of letters, digits, '.', '_', '-' and '/' with no '.' or '..' segments, " +
      'e.g. /etc/gatehouse/tunnel-token',
  },
  attribute: {
    pattern: /^[a-z0-9_-]{1,128}$/,
    message: `must be an instance metadata key of 1 to 128 characters from a-z, 0-9, '-' and '_', e.g. ${CONNECTOR_ACTIVATION_ATTRIBUTE}`,
  },
  dnsRecord: {
    // `_gatehouse-` plus a label (63 characters in all), then at least one more label; 253 characters at most.
    pattern: /^(?=.{1,253}$)_gatehouse-[a-z0-9](?:[a-z0-9-]{0,50}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/,
    message:
      "must be a lower-case DNS name whose first label starts with '_gatehouse-' (labels of 1-63 letters, digits and " +
      "hyphens, 253 characters at most), e.g. _gatehouse-example-standby.example.com",
  },
} as const;

type Rule = (typeof USER_DATA_RULES)[keyof typeof USER_DATA_RULES];

/**
 * Render the user-data of a connector host: a `#cloud-config` document that writes the settings, the
 * host scripts and three units (the retrying installer of the pinned cloudflared, the hardened and
 * never enabled cloudflared unit, and the activation watcher) and enables the installer and the
 * watcher. Nothing in it needs the network at first boot.
 *
 * @throws GatehouseError listing every invalid option, one line each.
 */
export function renderConnectorUserData(options: ConnectorUserDataOptions): string {
  const values: Readonly<Record<string, string | undefined>> = placeholderValues(options);

  const template = readCloudInitFile(TEMPLATE_FILE);
  const doc = parseDocument(template);
  if (doc.errors.length > 0) {
    throw new Error(`${SOURCE}: cloud-init/${TEMPLATE_FILE} is not valid YAML: ${doc.errors[0].message}`);
  }

  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value !== 'string' || !node.value.includes('@@')) return;
      const text = node.value.replace(/@@([A-Z0-9_]+)@@/g, (whole, name: string) => {
        const value = values[name];
        if (value === undefined) throw new Error(`${SOURCE}: cloud-init/${TEMPLATE_FILE} uses unknown placeholder ${whole}`);
        return value;
      });
      node.value = text;
      // Inlined scripts become literal blocks, so the user-data stays readable.
      if (text.includes('\n')) node.type = Scalar.BLOCK_LITERAL;
    },
  });

  const body = doc.toString({ lineWidth: 0 });
  return body.startsWith('#cloud-config\n') ? body : `#cloud-config\n${body}`;
}

/** Validate the options (all problems at once) and compute every placeholder's value. */
function placeholderValues(options: ConnectorUserDataOptions | undefined): Record<string, string> {
  const problems = new ProblemCollector();
  // a JavaScript caller may pass nothing: every missing option is then reported, not a TypeError
  const opts: Partial<ConnectorUserDataOptions> = options ?? {};

  const version = checkString(problems, 'cloudflaredVersion', opts.cloudflaredVersion, USER_DATA_RULES.cloudflaredVersion);

  let fingerprint = CLOUDFLARE_APT_KEY_FINGERPRINT;
  if (opts.aptKeyFingerprint !== undefined) {
    const raw = opts.aptKeyFingerprint;
    const normalized = typeof raw === 'string' ? raw.replace(/\s+/g, '').toUpperCase() : raw;
    fingerprint = checkString(problems, 'aptKeyFingerprint', normalized, USER_DATA_RULES.aptKeyFingerprint, raw);
  }

  let tokenSource = '';
  let secretVersion = '';
  let tokenFile = '';
  const source = opts.tokenSource as { kind?: unknown; secretVersion?: unknown; path?: unknown } | undefined;
  if (source?.kind === 'secret-manager') {
    tokenSource = 'secret-manager';
    secretVersion = checkString(problems, 'tokenSource.secretVersion', source.secretVersion, USER_DATA_RULES.secretVersion);
  } else if (source?.kind === 'file') {
    tokenSource = 'file';
    tokenFile = checkString(problems, 'tokenSource.path', source.path, USER_DATA_RULES.tokenFile);
  } else {
    problems.add('tokenSource.kind', 'must be "secret-manager" or "file"', source?.kind);
  }

  let activation = '';
  let attribute = '';
  let dnsRecord = '';
  const act = opts.activation as { kind?: unknown; attribute?: unknown; record?: unknown } | undefined;
  if (act?.kind === 'gce-metadata') {
    activation = 'gce-metadata';
    attribute = checkString(problems, 'activation.attribute', act.attribute, USER_DATA_RULES.attribute);
  } else if (act?.kind === 'dns-txt') {
    activation = 'dns-txt';
    dnsRecord = checkString(problems, 'activation.record', act.record, USER_DATA_RULES.dnsRecord);
  } else if (act?.kind === 'always-on') {
    activation = 'always-on';
  } else {
    problems.add('activation.kind', 'must be "gce-metadata", "dns-txt" or "always-on"', act?.kind);
  }

  problems.throwIfAny(SOURCE);

  // Only a GCE host has a metadata server to publish guest attributes to (both of these need one).
  const onGce = tokenSource === 'secret-manager' || activation === 'gce-metadata';
  const scripts = Object.fromEntries(Object.entries(SCRIPT_FILES).map(([name, file]) => [name, readCloudInitFile(file)]));
  return {
    CLOUDFLARED_VERSION: version,
    CLOUDFLARE_APT_KEY_FINGERPRINT: fingerprint,
    TOKEN_SOURCE: tokenSource,
    SECRET_VERSION: secretVersion,
    TOKEN_FILE: tokenFile,
    ACTIVATION: activation,
    ATTRIBUTE: attribute,
    DNS_RECORD: dnsRecord,
    GUEST_ATTRIBUTES: onGce ? 'true' : 'false',
    ...scripts,
  };
}

/**
 * Check one string option against its pattern; record a problem if it is not a string or does not
 * match. cdktf tokens inside the value are accepted as opaque segments (they resolve at synth time),
 * and a value that is only a token is not checked. Returns the value (or '' when it is not a string).
 */
function checkString(
  problems: ProblemCollector,
  field: string,
  value: unknown,
  rule: Rule,
  reported: unknown = value,
): string {
  if (typeof value !== 'string') {
    problems.add(field, `is required and ${rule.message}`, reported);
    return '';
  }
  if (value !== '' && value.replace(CDKTF_TOKEN, '') === '') return value;
  if (!rule.pattern.test(value.replace(CDKTF_TOKEN, 'x'))) problems.add(field, rule.message, reported);
  return value;
}

function readCloudInitFile(name: string): string {
  return fs.readFileSync(path.join(CLOUD_INIT_DIR, name), 'utf8');
}
