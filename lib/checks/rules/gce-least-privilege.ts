import { GOOGLE_ROLES } from '../../google/roles';
import { compliant, GatehouseRule, nonCompliant, RuleLevel, unknown } from '../rule';

const PROJECT_WIDE = new Set(['google_project_iam_member', 'google_project_iam_binding', 'google_project_iam_policy']);

/** A host's service account may read its own secrets and nothing else. */
export const GceLeastPrivilege: GatehouseRule = {
  id: 'Gatehouse-GceLeastPrivilege',
  level: RuleLevel.ERROR,
  suppressible: true,
  description: 'service accounts get only secretAccessor on named secrets, never project-wide roles',
  appliesTo: (e) =>
    e.kind === 'resource' &&
    (PROJECT_WIDE.has(e.type) || e.type === 'google_secret_manager_secret_iam_member' || e.type === 'google_secret_manager_secret_iam_binding'),
  check: (e) => {
    if (e.type === 'google_project_iam_policy') return unknown('a project iam policy document cannot be read; grant per secret instead');
    if (e.config.members !== undefined && !Array.isArray(e.config.members)) return unknown('members is an expression');
    const members = [e.config.member, ...(e.config.members ?? [])].filter(Boolean).map(String);
    const isServiceAccount = members.some((m) => m.includes('google_service_account.') || m.startsWith('serviceAccount:'));
    if (!isServiceAccount) return compliant();
    if (PROJECT_WIDE.has(e.type)) return nonCompliant(`grants ${e.config.role ?? 'a policy'} on the whole project to a service account`);
    return e.config.role === GOOGLE_ROLES.secretAccessor
      ? compliant()
      : nonCompliant(`grants ${e.config.role} on a secret; hosts need only ${GOOGLE_ROLES.secretAccessor}`);
  },
};
