// `gatehouse/deployment`: the YAML front end (re-exports only). Load and validate a deployment file,
// build its stacks into an App, synthesize atomically, and draw its picture.
export { DEFAULT_DEPLOYMENT, DEPLOYMENT_ENV, deploymentPath, loadDeployment, parseDeployment, formatPath } from '../config/load';
export type { LoadedDeployment } from '../config/load';
export type { Deployment, DeploymentInput } from '../config/schema';
export { DeploymentSchema } from '../config/schema';
export type { CheckOptions } from '../config/checks/check';
export { resolveModel, DeploymentModel } from '../deployment/model';
export { buildStacks } from '../app';
export type { BuildOptions, GatehouseStacks } from '../app';
export { COMPLIANCE_REPORT, synthAtomically } from '../synth';
export { synthDeploymentFile, writeGraph } from '../cli/synth';
export type { SynthFileOptions, SynthFileResult } from '../cli/synth';
export { deploymentGraph, deploymentMermaid, GRAPH_FILE, toMermaid } from '../graph/mermaid';
export type { DeploymentGraph, GraphEdge, GraphGroup, GraphNode } from '../graph/mermaid';
export { GatehouseError } from '../core/errors';
export type { Problem } from '../core/errors';
export { runDiscover } from '../discover/run';
export type { DiscoverContext } from '../discover/run';
export { adoptExisting } from '../deployment/adopt';
