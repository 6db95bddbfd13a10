/** Workers: hostnames in a zone with one owner, a deployed module for D1 and Access, one database each, an app that gates the hostname, module files that exist. */
import * as fs from 'fs';
import * as path from 'path';
import { coveredBy } from '../../core/hostnames';
import type { DeploymentModel, ModelWorker } from '../../deployment/model';
import { CheckOptions, defined, error, Finding, list, outsideZones, ownerConflict } from './check';

function accessAppFindings(m: DeploymentModel, w: ModelWorker): Finding[] {
  const name = w.spec.access_app;
  if (!name) return [];
  const app = m.apps.get(name);
  return [
    ...(!app
      ? [error(`${w.at}.access_app`, `names no access app; declared apps: ${list([...m.apps.keys()])}`, name)]
      : // Gated: a hostname of the app covers the Worker's (the one matcher, wildcards included).
        !coveredBy(app.hostnames, w.hostname)
        ? [error(`${w.at}.access_app`, `does not gate ${w.hostname}; add the hostname to the app`, name)]
        : []),
    ...(!w.spec.module_file ? [error(`${w.at}.module_file`, 'is required with access_app: the AUD is handed to the script as ACCESS_AUD')] : []),
  ];
}

export function workers(m: DeploymentModel): Finding[] {
  const databases = new Map<string, string>();
  return [...m.workers.values()].flatMap((w) => {
    const db = w.spec.d1?.database;
    const other = db === undefined ? undefined : databases.get(db);
    if (db !== undefined && other === undefined) databases.set(db, w.name);
    return [
      ...defined(outsideZones(m, `${w.at}.hostname`, w.hostname), ownerConflict(m, `${w.at}.hostname`, w.hostname)),
      ...(w.spec.d1 && !w.spec.module_file && !w.spec.access_app
        ? [error(`${w.at}.module_file`, 'is required with d1: the database is bound to the deployed script as DB')]
        : []),
      ...(other !== undefined ? [error(`${w.at}.d1.database`, `is also created by workers.${other}`, db)] : []),
      ...accessAppFindings(m, w),
    ];
  });
}

/**
 * Files the document names are looked for once the document itself is sound, so a mistake in the
 * document is reported alone (and a fixed document then reports a missing file, by its field).
 */
export function moduleFiles(m: DeploymentModel, options: CheckOptions): Finding[] {
  const dir = options.deploymentDir;
  if (!dir) return [];
  return [...m.workers.values()].flatMap((w) => {
    if (!w.spec.module_file) return [];
    const file = path.resolve(dir, w.spec.module_file);
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile()
      ? []
      : [error(`${w.at}.module_file`, `must be an existing file, relative to the deployment file (looked for ${file})`, w.spec.module_file)];
  });
}
