import { GOOGLE_ROLES } from '../../google/roles';
import { isList } from '../json';
import { attributesOf } from '../resources';
import { compliant, GatehouseRule, nonCompliant, notApplicable, RuleLevel, unknown } from '../rule';

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
    const grant = attributesOf(
      e,
      'google_project_iam_member',
      'google_project_iam_binding',
      'google_secret_manager_secret_iam_member',
      'google_secret_manager_secret_iam_binding',
    );
    if (!grant) return notApplicable();
    if (grant.members !== undefined && !isList(grant.members)) return unknown('members is an expression');
    const members = [grant.member, ...(grant.members ?? [])].flatMap((m) => (m ? [m] : []));
    const isServiceAccount = members.some((m) => m.includes('google_service_account.') || m.startsWith('serviceAccount:'));
    if (!isServiceAccount) return compliant();
    if (PROJECT_WIDE.has(e.type)) return nonCompliant(`grants ${grant.role} on the whole project to a service account`);
    return grant.role === GOOGLE_ROLES.secretAccessor
      ? compliant()
      : nonCompliant(`grants ${grant.role} on a secret; hosts need only ${GOOGLE_ROLES.secretAccessor}`);
  },
};
