/** Workers: each on its custom domain, with its module, D1 database, R2 and secret bindings, crons, workers.dev, and the AUD of the app that gates it. */
import * as path from 'path';
import type { Construct } from 'constructs';
import type { IAccessGatedApp } from '../cloudflare/access/app';
import type { ManagedBucket } from '../cloudflare/r2/bucket';
import { WorkerEndpoint } from '../cloudflare/worker';
import { lookup } from '../core/errors';
import type { DeploymentModel, ModelWorker } from './model';
import { secretVariables } from './variables';

/** What the Workers refer to: the Access apps, the buckets (by key), and where module files are. */
export interface WorkerTargets {
  /** The Access apps, by name (`access_app`: the Worker gets that app's AUD and team domain as `ACCESS_AUD`, `ACCESS_TEAM_DOMAIN`). */
  readonly accessApps: ReadonlyMap<string, IAccessGatedApp>;
  /** The buckets, by key (`r2_buckets` bindings). */
  readonly buckets: ReadonlyMap<string, ManagedBucket>;
  /** The directory of the deployment file: `module_file` paths are resolved against it. */
  readonly deploymentDir: string;
}

function worker(scope: Construct, m: DeploymentModel, w: ModelWorker, o: WorkerTargets, secret: (variable: string) => string): WorkerEndpoint {
  const spec = w.spec;
  // A reference to the bucket resource: the script is created after the buckets it binds.
  const bucket = (key: string) => {
    const b = lookup(o.buckets, key, 'bucket');
    return { bucketName: b.bucket.name, jurisdiction: b.jurisdiction };
  };
  return new WorkerEndpoint(scope, `worker-${w.name}`, {
    accountId: m.accountId,
    zone: m.recordZone(w.hostname),
    scriptName: w.script,
    hostname: w.hostname,
    ...(spec.module_file ? { module: { file: path.resolve(o.deploymentDir, spec.module_file), compatibilityDate: spec.compatibility_date } } : {}),
    ...(spec.d1 ? { d1DatabaseName: spec.d1.database } : {}),
    ...(spec.access_app ? { access: lookup(o.accessApps, spec.access_app, 'access app') } : {}),
    ...(Object.keys(spec.r2_buckets).length ? { r2Buckets: Object.fromEntries(Object.entries(spec.r2_buckets).map(([name, key]) => [name, bucket(key)])) } : {}),
    ...(Object.keys(spec.secrets).length ? { secrets: Object.fromEntries(Object.entries(spec.secrets).map(([name, variable]) => [name, secret(variable)])) } : {}),
    ...(spec.crons.length ? { crons: spec.crons } : {}),
    ...(spec.workers_dev !== undefined ? { workersDev: spec.workers_dev } : {}),
  });
}

/**
 * The Workers (`worker-<name>`), by name. Module files are resolved against `deploymentDir`; each
 * secret variable is declared once in the stack (sensitive, no default: `TF_VAR_<variable>`).
 */
export function workerEndpoints(scope: Construct, m: DeploymentModel, o: WorkerTargets): Map<string, WorkerEndpoint> {
  const secret = secretVariables(scope, (variable) => `a secret binding of a Worker (TF_VAR_${variable})`);
  return new Map([...m.workers.values()].map((w) => [w.name, worker(scope, m, w, o, secret)]));
}
