import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { AssetType, TerraformAsset, Token } from 'cdktf';
import { Construct } from 'constructs';
import { D1Database } from '@cdktf/provider-cloudflare/lib/d1-database';
import { WorkersCustomDomain } from '@cdktf/provider-cloudflare/lib/workers-custom-domain';
import { WorkersScript, WorkersScriptBindings } from '@cdktf/provider-cloudflare/lib/workers-script';
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

/** Props for `WorkerEndpoint`. */
export interface WorkerEndpointProps {
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
  public readonly hostname: string;
  public readonly database?: D1Database;
  public readonly script?: WorkersScript;
  public readonly customDomain: WorkersCustomDomain;

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
    problems.throwIfAny();

    this.hostname = props.hostname;
    if (props.d1DatabaseName) {
      this.database = new D1Database(this, 'database', { accountId: props.accountId, name: props.d1DatabaseName });
    }
    if (props.module) {
      const asset = new TerraformAsset(this, 'module', { path: props.module.file, type: AssetType.FILE });
      const bindings: WorkersScriptBindings[] = [
        ...(this.database ? [{ name: 'DB', type: 'd1', id: this.database.uuid }] : []),
        ...(props.access
          ? [
              { name: 'ACCESS_AUD', type: 'plain_text', text: props.access.aud },
              { name: 'ACCESS_TEAM_DOMAIN', type: 'plain_text', text: `${props.access.teamName}.cloudflareaccess.com` },
            ]
          : []),
      ];
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
    this.customDomain = new WorkersCustomDomain(this, 'domain', {
      accountId: props.accountId,
      zoneId: props.zone.zoneId,
      hostname: props.hostname,
      service: props.scriptName,
      ...(this.script ? { dependsOn: [this.script] } : {}),
    });
  }
}
