#!/usr/bin/env node
// The cdktf app command (cdktf.json "app"): a transpile-only run of main.ts (bin/run-ts.js).
'use strict';
const path = require('path');
const { runTypeScript } = require('./run-ts.js');

const root = path.join(__dirname, '..');
const first = process.argv[2];
if (first === '--help' || first === '-h') {
  process.stdout.write(`usage: node bin/synth.js [script.ts [args...]]

The cdktf app command (cdktf.json "app"): synthesizes the deployment file GATEHOUSE_DEPLOYMENT (default
deployment.example.yaml) into CDKTF_OUTDIR (default cdktf.out), as cdktf synth/diff/deploy run it.
With a script, runs that TypeScript file instead (npm run schema). To synthesize by hand, use
npm run synth (gatehouse synth), which takes a file and --output; npx gatehouse --help lists every command.
`);
  process.exit(0);
}
if (first !== undefined && first.startsWith('-')) {
  process.stderr.write(`bin/synth.js: unknown option ${JSON.stringify(first)}; run node bin/synth.js --help\n`);
  process.exit(2);
}
runTypeScript(path.join(root, first || 'main.ts'));
