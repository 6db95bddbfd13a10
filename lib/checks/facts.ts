import { IConstruct } from 'constructs';

/**
 * Facts that constructs record for the policy pack (construct metadata `gatehouse:<name>`), e.g. a
 * route declared public with its reason. Rules read them from `ElementView.facts`.
 */
export const FACTS = {
  /** On a tunnel config: `{ [hostname]: reason }` for routes declared public. */
  publicRoutes: 'public-routes',
  /** On a tunnel config: hostnames an Access app gates. */
  gatedRoutes: 'gated-routes',
  /** On an R2 bucket: why it is public. */
  publicBucket: 'public-bucket',
  /** On an Entra identity provider: when its client secret expires (YYYY-MM-DD). */
  secretExpires: 'secret-expires',
  /** On a service token: the decision record that approved it. */
  decisionRecord: 'decision-record',
  /**
   * On an Access application: the Pages sites it gates, `[{project, domains, pagesDev, publicReason?}]`
   * (their pages.dev hosts must be destinations too, or declared public).
   */
  pagesSites: 'pages-sites',
  /** On a ScopedApiToken's token: its permission groups by name (a per-concern token, not an r2 key). */
  scopedToken: 'scoped-token',
} as const;

export function recordFact(construct: IConstruct, name: (typeof FACTS)[keyof typeof FACTS], value: unknown): void {
  construct.node.addMetadata(`gatehouse:${name}`, value);
}

/** The facts recorded on a construct, by name. */
export function factsOf(construct: IConstruct): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const m of construct.node.metadata) {
    if (m.type.startsWith('gatehouse:') && m.type !== 'gatehouse:suppressions') facts[m.type.slice('gatehouse:'.length)] = m.data;
  }
  return facts;
}
