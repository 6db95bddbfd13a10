/** Access apps: hostnames in a zone and on one app only, declared policies and identity providers, no bypass for everyone. */
import type { DeploymentModel, ModelApp } from '../../deployment/model';
import { error, Finding, list, outsideZones } from './check';

/** App hostnames outside every zone: a route they were meant to gate is not also reported as ungated (routes.ts). */
export function misplacedAppHostnames(m: DeploymentModel): string[] {
  return [...m.apps.values()].flatMap((app) =>
    app.hostnames.filter((h, i) => !m.pagesDevSites.has(h) && outsideZones(m, `${app.at}.hostnames[${i}]`, h)),
  );
}

function hostnameFindings(m: DeploymentModel, app: ModelApp): Finding[] {
  return app.hostnames.flatMap((h, i) => {
    const at = `${app.at}.hostnames[${i}]`;
    const outside = m.pagesDevSites.has(h) ? undefined : outsideZones(m, at, h);
    const first = m.listedBy.get(h);
    const listedEarlier = first !== undefined && (first !== app.name || app.hostnames.indexOf(h) < i);
    return [
      ...(outside ? [outside] : []),
      ...(listedEarlier ? [error(at, `is already gated by app ${first}; a hostname belongs to one app`, h)] : []),
    ];
  });
}

function referenceFindings(m: DeploymentModel, app: ModelApp): Finding[] {
  const d = m.deployment;
  return [
    ...app.policies.flatMap((p, i) =>
      p in d.access_policies ? [] : [error(`${app.at}.policies[${i}]`, `names no access policy; declared policies: ${list(Object.keys(d.access_policies))}`, p)],
    ),
    ...app.idps.flatMap((p, i) =>
      p in d.identity_providers ? [] : [error(`${app.at}.idps[${i}]`, `names no identity provider; declared: ${list(Object.keys(d.identity_providers))}`, p)],
    ),
    ...(new Set(app.policies).size !== app.policies.length ? [error(`${app.at}.policies`, 'must not attach a policy twice', app.policies)] : []),
    ...app.policies.flatMap((p, i) => {
      const policy = d.access_policies[p];
      return policy?.decision === 'bypass' && policy.include.some((r) => 'everyone' in r)
        ? [error(`${app.at}.policies[${i}]`, 'bypasses access for everyone, so the app gates nothing; declare its routes public with a reason instead', p)]
        : [];
    }),
  ];
}

export function apps(m: DeploymentModel): Finding[] {
  return [...m.apps.values()].flatMap((app) => [...hostnameFindings(m, app), ...referenceFindings(m, app)]);
}
