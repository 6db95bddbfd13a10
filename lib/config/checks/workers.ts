/**
 * Workers: hostnames in a zone with one owner, a deployed module for D1, Access, bindings, crons and
 * workers.dev, one database each, an app that gates the hostname, R2 bindings to declared buckets,
 * binding names unique across the script, secrets in variables of their own, module files that exist.
 */
import * as fs from 'fs';
import * as path from 'path';
import { coveredBy } from '../../core/hostnames';
import type { DeploymentModel, ModelWorker } from '../../deployment/model';
import { CheckOptions, defined, error, Finding, identityProviderSecret, list, outsideZones, ownerConflict, repeated, reservedVariable } from './check';

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
  ];
}

/**
 * The fields that only a script gatehouse deploys can take: one missing module_file is one line, naming
 * every field that needs it (each field alone keeps its own reason).
 */
function moduleFindings(w: ModelWorker): Finding[] {
  const s = w.spec;
  if (s.module_file) return [];
  const given: Array<[string, boolean, string]> = [
    ['d1', s.d1 !== undefined, 'the database is bound to the deployed script as DB'],
    ['access_app', s.access_app !== undefined, 'the AUD is handed to the script as ACCESS_AUD'],
    ['r2_buckets', Object.keys(s.r2_buckets).length > 0, 'gatehouse sets it on the script it deploys'],
    ['secrets', Object.keys(s.secrets).length > 0, 'gatehouse sets it on the script it deploys'],
    ['crons', s.crons.length > 0, 'gatehouse sets it on the script it deploys'],
    ['workers_dev', s.workers_dev !== undefined, 'gatehouse sets it on the script it deploys'],
  ];
  const fields = given.filter(([, g]) => g);
  if (fields.length === 0) return [];
  if (fields.length === 1) return [error(`${w.at}.module_file`, `is required with ${fields[0][0]}: ${fields[0][2]}`)];
  const names = fields.map(([field]) => field);
  return [
    error(
      `${w.at}.module_file`,
      `is required with ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}: gatehouse binds and sets them on the script it deploys`,
    ),
  ];
}

/** R2 bindings name declared buckets in service; every binding of the script has its own name; secrets in variables of their own. */
function bindingFindings(m: DeploymentModel, w: ModelWorker): Finding[] {
  const s = w.spec;
  const taken = new Map<string, string>([
    ...(s.d1 ? [['DB', 'd1'] as const] : []),
    ...(s.access_app ? [['ACCESS_AUD', 'access_app'] as const, ['ACCESS_TEAM_DOMAIN', 'access_app'] as const] : []),
  ]);
  const unique = (field: string, name: string): Finding[] => {
    const first = taken.get(name);
    if (first === undefined) {
      taken.set(name, field);
      return [];
    }
    return [error(`${w.at}.${field}.${name}`, `binds ${name}, which ${first} binds already; every binding of a script has its own name`)];
  };
  return [
    ...Object.entries(s.r2_buckets).flatMap(([name, key]) => {
      const bucket = m.buckets.get(key);
      return [
        ...unique('r2_buckets', name),
        ...(!bucket ? [error(`${w.at}.r2_buckets.${name}`, `names no bucket; declared buckets: ${list([...m.buckets.keys()])}`, key)] : []),
        ...(bucket?.retired ? [error(`${w.at}.r2_buckets.${name}`, `names a retired bucket (its objects expire); bind a bucket in service`, key)] : []),
      ];
    }),
    ...Object.entries(s.secrets).flatMap(([name, variable]) => [
      ...unique('secrets', name),
      ...defined(identityProviderSecret(m, `${w.at}.secrets.${name}`, variable), reservedVariable(`${w.at}.secrets.${name}`, variable)),
    ]),
  ];
}

/**
 * A compatibility date after today: the Workers runtime refuses one ("Can't set compatibility date in
 * the future", https://github.com/cloudflare/workerd/pull/6043, checked against the UTC date), so the
 * upload would fail at apply.
 */
function compatibilityFindings(m: DeploymentModel, w: ModelWorker): Finding[] {
  const date = w.spec.compatibility_date;
  return w.spec.module_file && date > m.today
    ? [error(`${w.at}.compatibility_date`, `must not be after today (${m.today}, UTC): the Workers runtime refuses a compatibility date in the future`, date)]
    : [];
}

/**
 * The `workers` check: the hostname in a zone with one owner, one Worker per D1 database, a deployed
 * module for what binds to the script (D1, the Access AUD, R2, secrets, crons, workers.dev), an app
 * that gates the hostname, R2 bindings to declared buckets, and binding names unique in the script.
 */
export function workers(m: DeploymentModel): Finding[] {
  const databases = new Map<string, string>();
  const deployed = new Map<string, string>();
  return [...m.workers.values()].flatMap((w) => {
    const db = w.spec.d1?.database;
    const other = db === undefined ? undefined : databases.get(db);
    if (db !== undefined && other === undefined) databases.set(db, w.name);
    // Two entries that deploy one script would overwrite each other's code and bindings on every apply.
    const sameScript = w.spec.module_file ? deployed.get(w.script) : undefined;
    if (w.spec.module_file && sameScript === undefined) deployed.set(w.script, w.name);
    return [
      ...(sameScript !== undefined
        ? [error(`${w.at}.${w.spec.script ? 'script' : 'module_file'}`, `deploys script ${w.script}, which workers.${sameScript} deploys already; give it another script name, or leave module_file out to route to that script`, w.script)]
        : []),
      ...compatibilityFindings(m, w),
      ...repeated(`${w.at}.crons`, w.spec.crons),
      ...defined(outsideZones(m, `${w.at}.hostname`, w.hostname), ownerConflict(m, `${w.at}.hostname`, w.hostname)),
      ...(other !== undefined ? [error(`${w.at}.d1.database`, `is also created by workers.${other}`, db)] : []),
      ...accessAppFindings(m, w),
      ...moduleFindings(w),
      ...bindingFindings(m, w),
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
