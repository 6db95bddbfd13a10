import { IConstruct } from 'constructs';

/**
 * Facts that constructs record for the policy pack (construct metadata `gatehouse:<name>`), e.g. a
 * route declared public with its reason. Rules read them from `ElementView.facts`.
 */
export const FACTS = {
  /** On a tunnel config: `{ [routeKey]: reason }` for routes declared public (`routeKey`: hostname, space, path). */
  publicRoutes: 'public-routes',
  /** On a tunnel config: the route keys (hostname, space, path) an Access app gates. */
  gatedRoutes: 'gated-routes',
  /** On a tunnel config: the Access apps it was given, `[{destinations, bypass?}]`, for the path rules of the pack. */
  accessDestinations: 'access-destinations',
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
  /**
   * On the pages.dev companion of an Access application (the pages.dev hosts that did not fit beside
   * its hostnames): the construct path of the application it belongs to.
   */
  companionOf: 'companion-of',
  /** On an Access application: the decisions of its policies, in precedence order (read when a policy lives in another stack). */
  policyDecisions: 'policy-decisions',
  /** On the Access application of a public path (`PublicPathBypass`): `{destination, reason}`. */
  publicPath: 'public-path',
  /** On an account member: `{email, expires}` when its access is time-bound. */
  memberExpires: 'member-expires',
  /** On a ScopedApiToken's token: its permission groups by name (a per-concern token, not an r2 key). */
  scopedToken: 'scoped-token',
} as const;

/** Record a fact on a construct (as `gatehouse:<name>` metadata) for the rules to read; `value` is plain JSON. */
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
