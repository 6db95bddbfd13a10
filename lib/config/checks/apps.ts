/**
 * Access apps: destinations (hostnames, optionally with a path) in a zone and on one app only, declared
 * policies and identity providers, no bypass for everyone (only a generated public-path app writes
 * one), and no bypass over a whole host.
 */
import { declared } from '../../core/names';
import { splitDestination } from '../../core/hostnames';
import type { DeploymentModel, ModelApp } from '../../deployment/model';
import { error, Finding, list, outsideZones, repeated, warning } from './check';

/** App hostnames outside every zone: a route they were meant to gate is not also reported as ungated (routes.ts). */
export function misplacedAppHostnames(m: DeploymentModel): string[] {
  return [...m.apps.values()].flatMap((app) =>
    app.hostnames.map((h) => splitDestination(h).host).filter((h, i) => !m.pagesDevSites.has(h) && outsideZones(m, `${app.at}.hostnames[${i}]`, h)),
  );
}

function hostnameFindings(m: DeploymentModel, app: ModelApp): Finding[] {
  return app.hostnames.flatMap((h, i) => {
    const at = `${app.at}.hostnames[${i}]`;
    const host = splitDestination(h).host;
    const outside = m.pagesDevSites.has(host) ? undefined : outsideZones(m, at, host);
    const first = m.listedBy.get(h);
    const twiceHere = first === app.name && app.hostnames.indexOf(h) < i;
    return [
      ...(outside ? [outside] : []),
      ...(twiceHere ? repeated(`${app.at}.hostnames`, app.hostnames).filter((f) => f.path === at) : []),
      ...(first !== undefined && first !== app.name ? [error(at, `is already gated by app ${first}; a hostname belongs to one app`, h)] : []),
    ];
  });
}

function referenceFindings(m: DeploymentModel, app: ModelApp): Finding[] {
  const d = m.deployment;
  return [
    ...app.policies.flatMap((p, i) =>
      declared(d.access_policies, p) ? [] : [error(`${app.at}.policies[${i}]`, `names no access policy; declared policies: ${list(Object.keys(d.access_policies))}`, p)],
    ),
    ...app.idps.flatMap((p, i) =>
      declared(d.identity_providers, p) ? [] : [error(`${app.at}.idps[${i}]`, `names no identity provider; declared: ${list(Object.keys(d.identity_providers))}`, p)],
    ),
    ...(new Set(app.policies).size !== app.policies.length ? [error(`${app.at}.policies`, 'must not attach a policy twice', app.policies)] : []),
    ...repeated(`${app.at}.idps`, app.idps),
    ...app.policies.flatMap((p, i) => {
      const policy = declared(d.access_policies, p);
      if (policy?.decision !== 'bypass') return [];
      if (policy.include.some((r) => 'everyone' in r)) {
        return [error(`${app.at}.policies[${i}]`, 'bypasses access for everyone, so the app gates nothing; declare its routes public with a reason instead', p)];
      }
      // A bypass skips Access for whoever it includes: it may narrow a host to a path, never open a whole host.
      const whole = app.hostnames.filter((h) => splitDestination(h).path === '');
      return whole.length
        ? [error(`${app.at}.policies[${i}]`, `is a bypass policy, and a bypass must never cover a whole host: give ${whole.join(', ')} a path`, p)]
        : [];
    }),
  ];
}

/**
 * An app that admits people (an allow policy) but lists no identity provider lets every login method
 * of the account sign in, and Access shows its login page: the Workspace ADR's checklist wants the
 * login pinned to the identity provider (auto-redirect, which needs exactly one). A warning: listing
 * none is legal, and an account may have only the providers of this file.
 */
function identityProviderFindings(m: DeploymentModel, app: ModelApp): Finding[] {
  if (app.idps.length > 0) return [];
  const admitsPeople = app.policies.some((p) => declared(m.deployment.access_policies, p)?.decision === 'allow');
  if (!admitsPeople) return [];
  const declaredIdps = Object.keys(m.deployment.identity_providers);
  return [
    warning(
      `${app.at}.idps`,
      `is empty, so every login method of the account may sign in and access shows its login page; list the identity providers (exactly one turns on auto-redirect)${declaredIdps.length ? `; declared: ${list(declaredIdps)}` : ''}`,
    ),
  ];
}

/** The `apps` check: each destination in a declared zone and on one app only, declared policies and providers, and no bypass that opens a whole host. */
export function apps(m: DeploymentModel): Finding[] {
  return [...m.apps.values()].flatMap((app) => [...hostnameFindings(m, app), ...referenceFindings(m, app), ...identityProviderFindings(m, app)]);
}
