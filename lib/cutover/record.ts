/**
 * Records the active site in the deployment file (`sites.active`), keeping every other byte: the yaml
 * Document API locates the node (with its source range) and only that value is replaced, or one line
 * is inserted after the last `sites` entry with the same indentation. The result is parsed again and
 * must equal the input with only `sites.active` changed.
 */
import { isDeepStrictEqual } from 'util';
import * as fs from 'fs';
import * as path from 'path';
import { isMap, isScalar, parseDocument } from 'yaml';
import type { SiteRole } from './activation';

/** The file's text with `sites.active` set (added after the other site keys when absent). */
export function withActiveSite(text: string, active: SiteRole): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`the deployment file is not valid YAML: ${doc.errors[0].message}`);
  const sites = doc.get('sites', true);
  if (!isMap(sites)) throw new Error('the deployment file has no sites mapping');
  const pair = sites.items.find((p) => isScalar(p.key) && p.key.value === 'active');
  let next: string;
  if (pair && isScalar(pair.value) && pair.value.range) {
    const [start, end] = pair.value.range;
    next = text.slice(0, start) + active + text.slice(end);
  } else if (!sites.flow && sites.items.length > 0 && isScalar(sites.items[0].key) && sites.items[0].key.range && sites.range) {
    const firstKey = sites.items[0].key.range[0];
    const indent = text.slice(text.lastIndexOf('\n', firstKey - 1) + 1, firstKey);
    const lineEnd = text.indexOf('\n', sites.range[1] - 1);
    const at = lineEnd === -1 ? text.length : lineEnd + 1;
    next = `${text.slice(0, at)}${lineEnd === -1 ? '\n' : ''}${indent}active: ${active}\n${text.slice(at)}`;
  } else {
    doc.setIn(['sites', 'active'], active);
    next = doc.toString({ lineWidth: 0 });
  }
  // the documents as plain values (a mapping at the top, or null when empty)
  type Plain = { readonly sites?: Readonly<Record<string, unknown>> } | null;
  const before = doc.toJS() as Plain;
  const after = parseDocument(next).toJS() as Plain;
  if (!isDeepStrictEqual({ ...after, sites: { ...after?.sites, active: undefined } }, { ...before, sites: { ...before?.sites, active: undefined } }) || after?.sites?.active !== active) {
    throw new Error('could not record sites.active without changing anything else; set it by hand');
  }
  return next;
}

/** Write `sites.active: <active>` into the file atomically (a temporary file renamed over it). */
export function recordActiveSite(file: string, active: SiteRole): void {
  const next = withActiveSite(fs.readFileSync(file, 'utf8'), active);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, next);
  fs.renameSync(tmp, file);
}
