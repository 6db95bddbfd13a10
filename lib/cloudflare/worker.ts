import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { AssetType, TerraformAsset, Token } from 'cdktf';
import { Construct } from 'constructs';
import { D1Database } from '@cdktf/provider-cloudflare/lib/d1-database';
import { WorkersCronTrigger } from '@cdktf/provider-cloudflare/lib/workers-cron-trigger';
import { WorkersCustomDomain } from '@cdktf/provider-cloudflare/lib/workers-custom-domain';
import { WorkersScript, WorkersScriptBindings } from '@cdktf/provider-cloudflare/lib/workers-script';
import { WorkersScriptSubdomain } from '@cdktf/provider-cloudflare/lib/workers-script-subdomain';
import { cronProblem } from '../core/cron';
import { ProblemCollector } from '../core/errors';
import { isoDateProblem } from '../core/dates';
import { customDomainProblem } from '../core/hostnames';
import type { IAccessGatedApp } from './access/app';
import type { IZone } from './zone';

/** The Worker's code, deployed by gatehouse. */
export interface WorkerModule {
  /** Absolute path of the ES module file. It is copied into the synthesized stack as an asset. */
  readonly file: string;
  /**
   * Workers compatibility date.
   * @default "2026-01-01"
   */
  readonly compatibilityDate?: string;
}

/** An R2 bucket a Worker binds (`ManagedBucket` is one). */
export interface IWorkerBucket {
  /** The bucket's name, as the `r2_bucket` binding takes it. */
  readonly bucketName: string;
  /** The bucket's jurisdiction (`default`, `eu`, `fedramp`): a bucket in a jurisdiction is bound with it. */
  readonly jurisdiction: string;
}

/** A binding name as the Workers runtime exposes it on `env`: a JavaScript identifier. */
export const BINDING_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Props for `WorkerEndpoint`. */
export interface WorkerEndpointProps {
  /** The Cloudflare account (32-hex id) that owns the script, its database and its custom domain. */
  readonly accountId: string;
  /** The zone that holds the custom domain (`Zone.fromZoneId`). */
  readonly zone: IZone;
  /** Worker script name. */
  readonly scriptName: string;
  /** Custom domain; a workers.dev host cannot be protected by Access. */
  readonly hostname: string;
  /**
   * Deploy this module as the script, with the bindings below.
   * @default - route to a script deployed elsewhere (wrangler)
   */
  readonly module?: WorkerModule;
  /**
   * Create a D1 database with this name and bind it as `DB`.
   * @default - no database
   */
  readonly d1DatabaseName?: string;
  /**
   * The Access app that gates the hostname. Its AUD and team domain are bound as `ACCESS_AUD` and
   * `ACCESS_TEAM_DOMAIN`, so the Worker verifies `Cf-Access-Jwt-Assertion` itself. Needs `module`.
   * @default - no Access variables
   */
  readonly access?: IAccessGatedApp;
  /**
   * R2 buckets bound by name (`env.BACKUPS`), each with its jurisdiction. Needs `module`.
   * @default - none
   */
  readonly r2Buckets?: Readonly<Record<string, IWorkerBucket>>;
  /**
   * Secret bindings by name (`secret_text`), each a reference to a sensitive value (a sensitive
   * `TerraformVariable`): never a literal. Needs `module`.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * Cron triggers (UTC), five fields as Workers accept them (`0 3 * * *`); the module needs a
   * `scheduled()` handler (https://developers.cloudflare.com/workers/configuration/cron-triggers/).
   * Needs `module`.
   * @default - no cron trigger (and none is managed)
   */
  readonly crons?: readonly string[];
  /**
   * Serve the script on `<script>.<account subdomain>.workers.dev` (true) or not (false). A workers.dev
   * host cannot be protected by Access, so the script must authenticate those requests itself. Preview
   * URLs stay off. Needs `module`.
   * @default - not managed (Cloudflare's own setting stands)
   */
  readonly workersDev?: boolean;
}

/**
 * A Worker on a custom domain, optionally with its D1 database and the Access AUD handed to it as a
 * variable (the portal seed's API backend).
 *
 * @example
 * new WorkerEndpoint(this, 'api', {
 *   accountId, zone: Zone.fromZoneId(zoneId), scriptName: 'portal-api', hostname: 'api.example.com',
 *   module: { file: '/path/to/worker.js' }, d1DatabaseName: 'portal', access: app,
 * });
 */
export class WorkerEndpoint extends Construct {
  /** The custom domain the Worker serves, as given. */
  public readonly hostname: string;
  /** The D1 database bound as `DB` (construct id `database`), when `d1DatabaseName` is set. */
  public readonly database?: D1Database;
  /** The deployed script (construct id `script`), when `module` is set; otherwise the script is deployed elsewhere. */
  public readonly script?: WorkersScript;
  /** The Workers custom domain that routes `hostname` to the script (construct id `domain`). */
  public readonly customDomain: WorkersCustomDomain;
  /** The cron triggers (`crons`), when any. */
  public readonly cronTrigger?: WorkersCronTrigger;
  /** The workers.dev setting (`workersDev`), when managed. */
  public readonly workersDev?: WorkersScriptSubdomain;

  constructor(scope: Construct, id: string, props: WorkerEndpointProps) {
    super(scope, id);
    const problems = new ProblemCollector(id);
    if (!Token.isUnresolved(props.hostname)) {
      const p = customDomainProblem(props.hostname);
      if (p) problems.add('hostname', p, props.hostname);
      if (props.hostname === 'workers.dev' || props.hostname.endsWith('.workers.dev')) problems.add('hostname', 'must be a custom domain; a workers.dev host cannot be protected by Access', props.hostname);
    }
    if (!Token.isUnresolved(props.scriptName) && !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(props.scriptName)) {
      problems.add('scriptName', 'must be lower-case letters, digits, hyphens and underscores (at most 63)', props.scriptName);
    }
    if (props.access && !props.module) problems.add('access', 'needs module: the AUD is handed to the deployed script as ACCESS_AUD');
    if (props.d1DatabaseName && !props.module) problems.add('d1DatabaseName', 'needs module: the database is bound to the deployed script as DB');
    if (props.module && !path.isAbsolute(props.module.file)) problems.add('module.file', 'must be an absolute path', props.module.file);
    else if (props.module && !fs.statSync(props.module.file, { throwIfNoEntry: false })?.isFile()) {
      problems.add('module.file', 'must be an existing file', props.module.file);
    }
    if (props.module?.compatibilityDate !== undefined) {
      const p = isoDateProblem(props.module.compatibilityDate);
      if (p) problems.add('module.compatibilityDate', p, props.module.compatibilityDate);
    }
    if (props.d1DatabaseName !== undefined && !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(props.d1DatabaseName)) {
      problems.add('d1DatabaseName', 'must be a d1 database name of lower-case letters, digits, hyphens and underscores', props.d1DatabaseName);
    }
    bindingProblems(props, problems);
    problems.throwIfAny();

    this.hostname = props.hostname;
    if (props.d1DatabaseName) {
      this.database = new D1Database(this, 'database', { accountId: props.accountId, name: props.d1DatabaseName });
    }
    if (props.module) {
      const asset = new TerraformAsset(this, 'module', { path: props.module.file, type: AssetType.FILE });
      const bindings = scriptBindings(props, this.database);
      this.script = new WorkersScript(this, 'script', {
        accountId: props.accountId,
        scriptName: props.scriptName,
        contentFile: asset.path,
        // The provider requires the hash with content_file; a changed module is a changed hash.
        contentSha256: createHash('sha256').update(fs.readFileSync(props.module.file)).digest('hex'),
        mainModule: path.basename(props.module.file),
        compatibilityDate: props.module.compatibilityDate ?? '2026-01-01',
        ...(bindings.length ? { bindings } : {}),
      });
    }
    if (this.script && props.crons?.length) {
      this.cronTrigger = new WorkersCronTrigger(this, 'crons', {
        accountId: props.accountId,
        scriptName: props.scriptName,
        schedules: props.crons.map((cron) => ({ cron: cron.trim().split(/\s+/).join(' ') })),
        dependsOn: [this.script],
      });
    }
    if (this.script && props.workersDev !== undefined) {
      this.workersDev = new WorkersScriptSubdomain(this, 'workers-dev', {
        accountId: props.accountId,
        scriptName: props.scriptName,
        enabled: props.workersDev,
        previewsEnabled: false,
        dependsOn: [this.script],
      });
    }
    this.customDomain = new WorkersCustomDomain(this, 'domain', {
      accountId: props.accountId,
      zoneId: props.zone.zoneId,
      hostname: props.hostname,
      service: props.scriptName,
      ...(this.script ? { dependsOn: [this.script] } : {}),
    });
  }
}

/** The names of every binding the script gets, in order, with the prop that adds each. */
function bindingNames(props: WorkerEndpointProps): Array<[string, string]> {
  return [
    ...(props.d1DatabaseName ? [['DB', 'd1DatabaseName'] as [string, string]] : []),
    ...(props.access ? [['ACCESS_AUD', 'access'], ['ACCESS_TEAM_DOMAIN', 'access']] as Array<[string, string]> : []),
    ...Object.keys(props.r2Buckets ?? {}).map((n): [string, string] => [n, 'r2Buckets']),
    ...Object.keys(props.secrets ?? {}).map((n): [string, string] => [n, 'secrets']),
  ];
}

/** Bindings, crons and workers.dev: names are identifiers and unique across the script, secrets are references, crons parse. */
function bindingProblems(props: WorkerEndpointProps, problems: ProblemCollector): void {
  const seen = new Map<string, string>();
  for (const [name, prop] of bindingNames(props)) {
    if (!BINDING_NAME.test(name)) problems.add(prop, 'names a binding that is not a javascript identifier (letters, digits, _ and $, not starting with a digit)', name);
    const first = seen.get(name);
    if (first !== undefined) problems.add(prop, `binds ${name}, which ${first === prop ? 'it' : first} binds already; every binding of a script has its own name`, name);
    else seen.set(name, prop);
  }
  for (const [name, text] of Object.entries(props.secrets ?? {})) {
    if (!Token.isUnresolved(text)) problems.add(`secrets.${name}`, 'must be a reference to a sensitive variable, never a literal: secrets never go in code or config');
  }
  props.crons?.forEach((cron, i) => {
    if (Token.isUnresolved(cron)) return;
    const p = cronProblem(cron);
    if (p) problems.add(`crons[${i}]`, p, cron);
  });
  for (const [prop, given] of [['r2Buckets', Object.keys(props.r2Buckets ?? {}).length > 0], ['secrets', Object.keys(props.secrets ?? {}).length > 0], ['crons', (props.crons?.length ?? 0) > 0], ['workersDev', props.workersDev !== undefined]] as const) {
    if (given && !props.module) problems.add(prop, 'needs module: gatehouse sets it on the script it deploys');
  }
}

/** The script's bindings, in order: DB, the Access variables, the buckets, the secrets. */
function scriptBindings(props: WorkerEndpointProps, database: D1Database | undefined): WorkersScriptBindings[] {
  return [
    ...(database ? [{ name: 'DB', type: 'd1', id: database.uuid }] : []),
    ...(props.access
      ? [
          { name: 'ACCESS_AUD', type: 'plain_text', text: props.access.aud },
          { name: 'ACCESS_TEAM_DOMAIN', type: 'plain_text', text: `${props.access.teamName}.cloudflareaccess.com` },
        ]
      : []),
    ...Object.entries(props.r2Buckets ?? {}).map(([name, b]) => ({
      name,
      type: 'r2_bucket',
      bucketName: b.bucketName,
      // The provider takes eu or fedramp; a bucket in the default jurisdiction is bound without one.
      ...(b.jurisdiction !== 'default' ? { jurisdiction: b.jurisdiction } : {}),
    })),
    ...Object.entries(props.secrets ?? {}).map(([name, text]) => ({ name, type: 'secret_text', text })),
  ];
}
