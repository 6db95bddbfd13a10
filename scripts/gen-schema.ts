// npm run schema: writes deployment.schema.json from the zod schema. A test fails when the committed file is stale.
// --help prints usage and writes nothing; any other argument is refused (exit 2) and writes nothing.
import * as fs from 'fs';
import * as path from 'path';

const USAGE = `usage: npm run schema

Regenerates deployment.schema.json (the JSON Schema editors use for completion) from the zod schema in
lib/config/schema.ts. Takes no arguments.
`;

const args = process.argv.slice(3); // node, bin/synth.js, scripts/gen-schema.ts
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(USAGE);
} else if (args.length > 0) {
  process.stderr.write(`npm run schema: takes no arguments (got ${args.map((a) => JSON.stringify(a)).join(' ')}); run npm run schema -- --help\n`);
  process.exitCode = 2;
} else {
  // Loaded only now, so --help does not even load the schema.
  const { deploymentJsonSchema } = require('../lib/config/json-schema') as typeof import('../lib/config/json-schema');
  const target = path.join(__dirname, '..', 'deployment.schema.json');
  fs.writeFileSync(target, deploymentJsonSchema());
  process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
}
