// Writes deployment.schema.json from the zod schema. A test fails when the committed file is stale.
import * as fs from 'fs';
import * as path from 'path';
import { deploymentJsonSchema } from '../lib/config/json-schema';

const target = path.join(__dirname, '..', 'deployment.schema.json');
fs.writeFileSync(target, deploymentJsonSchema());
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
