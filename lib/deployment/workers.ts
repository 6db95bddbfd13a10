/** Workers: each on its custom domain, with its module, D1 database and the AUD of the app that gates it. */
import * as path from 'path';
import type { Construct } from 'constructs';
import type { IAccessGatedApp } from '../cloudflare/access/app';
import { WorkerEndpoint } from '../cloudflare/worker';
import { lookup } from '../core/errors';
import type { DeploymentModel } from './model';

/** The Workers (`worker-<name>`), by name. Module files are resolved against `deploymentDir`. */
export function workerEndpoints(
  scope: Construct,
  m: DeploymentModel,
  o: { readonly accessApps: ReadonlyMap<string, IAccessGatedApp>; readonly deploymentDir: string },
): Map<string, WorkerEndpoint> {
  return new Map(
    [...m.workers.values()].map((w) => {
      const spec = w.spec;
      const worker = new WorkerEndpoint(scope, `worker-${w.name}`, {
        accountId: m.accountId,
        zone: m.recordZone(w.hostname),
        scriptName: w.script,
        hostname: w.hostname,
        ...(spec.module_file ? { module: { file: path.resolve(o.deploymentDir, spec.module_file), compatibilityDate: spec.compatibility_date } } : {}),
        ...(spec.d1 ? { d1DatabaseName: spec.d1.database } : {}),
        ...(spec.access_app ? { access: lookup(o.accessApps, spec.access_app, 'access app') } : {}),
      });
      return [w.name, worker];
    }),
  );
}
