#!/usr/bin/env node
// Compares two trees of synthesized output (one directory per deployment, each a cdktf output
// directory) as parsed JSON: every file must exist in both and be equal, except the framework's
// version in the metadata (cdk.tf.json "//".metadata.version, manifest.json "version").
// Usage: node .ci/compare-synth.js <dir-a> <dir-b>; exit 1 with every difference named.
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  process.stderr.write('usage: node .ci/compare-synth.js <dir-a> <dir-b>\n');
  process.exit(2);
}

/** Every file under `root`, as sorted paths relative to it. @param {string} root */
const files = (root) =>
  fs.readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)))
    .sort();

/**
 * The JSON with the framework version set aside; returns [json, version].
 * @param {string} file
 * @param {string} text
 * @returns {[unknown, unknown]}
 */
function withoutVersion(file, text) {
  const json = JSON.parse(text);
  let version;
  if (path.basename(file) === 'manifest.json') {
    version = json.version;
    delete json.version;
  } else if (json['//'] && json['//'].metadata) {
    version = json['//'].metadata.version;
    delete json['//'].metadata.version;
  }
  return [json, version];
}

const problems = [];
const versions = new Set();
const [fa, fb] = [files(a), files(b)];
for (const f of fa.filter((x) => !fb.includes(x))) problems.push(`only in ${a}: ${f}`);
for (const f of fb.filter((x) => !fa.includes(x))) problems.push(`only in ${b}: ${f}`);
let compared = 0;
for (const f of fa.filter((x) => fb.includes(x))) {
  const [ta, tb] = [fs.readFileSync(path.join(a, f), 'utf8'), fs.readFileSync(path.join(b, f), 'utf8')];
  compared++;
  if (!f.endsWith('.json')) {
    if (ta !== tb) problems.push(`${f}: the bytes differ`);
    continue;
  }
  const [ja, va] = withoutVersion(f, ta);
  const [jb, vb] = withoutVersion(f, tb);
  if (va !== undefined) versions.add(`${va} -> ${vb}`);
  try {
    assert.deepStrictEqual(jb, ja);
  } catch (e) {
    problems.push(`${f}: ${/** @type {Error} */ (e).message.split('\n').slice(0, 12).join('\n  ')}`);
  }
}
if (problems.length) {
  process.stderr.write(`${problems.length} difference(s) beyond the metadata version:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`${compared} files compared as parsed JSON: identical except the metadata version (${[...versions].join(', ') || 'none'})\n`);
