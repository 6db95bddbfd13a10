import { z } from 'zod';
import { DeploymentSchema } from './schema';

/** The JSON Schema of the deployment file (input side: defaults are optional), for editor completion. */
export function deploymentJsonSchema(): string {
  const schema = z.toJSONSchema(DeploymentSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'gatehouse deployment' }, null, 2)}\n`;
}
