/**
 * The `adopt:` section: the objects that already exist in the account and that gatehouse takes over
 * instead of creating (docs/adopt.md). One entry per remote object, keyed by what the rest of the
 * file calls the object that creates it (the site role, the hostname of a record, the name of an
 * app...), so adopting needs no edit anywhere else in the file and the section can be deleted as a
 * whole after the first deploy. Each value is the object's own id in the account (what
 * `npm run discover` prints); an object whose import id is fully named by the file (a bucket, a
 * Pages project or domain, a Worker script) is listed by its key.
 *
 * Shape rules live here; whether each key names something gatehouse creates, and whether a remote
 * object is adopted twice, is checked on the model (lib/config/checks/adopt.ts).
 */
import { z } from 'zod';
import { cloudflareIdProblem } from '../core/rules';
import { hostnameProblem } from '../core/hostnames';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NAME = /^[a-z][a-z0-9-]{0,40}$/;
const FROM = 'as npm run discover prints it';

/** The id of an existing object that is a uuid (tunnels, Access objects, D1 databases). */
const uuidOf = (what: string) =>
  z
    .string()
    .regex(UUID, { error: `must be the id of the existing ${what}, a lower-case uuid such as 0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9 (${FROM})` })
    .describe(`the id of the existing ${what} (a uuid)`);

/** The id of an existing object that is 32 hex characters (DNS records, Workers custom domains). */
const hexIdOf = (what: string) =>
  z
    .string()
    .superRefine((value, ctx) => {
      if (cloudflareIdProblem(value)) ctx.addIssue({ code: 'custom', message: `must be the id of the existing ${what}, 32 lower-case hex characters (${FROM})`, input: value });
    })
    .describe(`the id of the existing ${what} (32 hex characters)`);

/** A key of this file's named maps (apps, buckets, ...). */
const nameKey = z.string().regex(NAME, {
  error: 'must be a name of this file (lower-case letters, digits and hyphens, starting with a letter)',
});
/** A hostname key. */
const hostnameKey = z.string().superRefine((value, ctx) => {
  const problem = hostnameProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
});
/** A record's name: a hostname, or an external site's activation record `_gatehouse-<name>-<role>.<zone>`. */
const recordKey = z.string().superRefine((value, ctx) => {
  if (/^_gatehouse-[a-z0-9-]+-(primary|standby)\./.test(value) && !hostnameProblem(value.slice(value.indexOf('.') + 1))) return;
  const problem = hostnameProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
});

const byName = (what: string) => z.record(nameKey, uuidOf(what)).default({});
const names = (what: string) => z.array(nameKey).default([]).describe(what);

/** `adopt:`: the existing objects gatehouse imports instead of creating, by what the rest of the file calls them (see the module comment). */
export const AdoptSchema = z
  .strictObject({
    tunnels: z
      .strictObject({ primary: uuidOf('tunnel').optional(), standby: uuidOf('tunnel').optional() })
      .prefault({})
      .describe("each site's existing tunnel (its remote configuration is adopted with it), by site role"),
    dns_records: z
      .record(recordKey, hexIdOf('DNS record'))
      .default({})
      .describe("the existing record of a hostname that gatehouse gives a record (a route, a Pages domain, an external site's activation record), by name"),
    identity_providers: byName('identity provider').describe('existing identity providers, by the name this file gives them'),
    access_groups: byName('Access group').describe('existing Access groups, by name'),
    access_policies: byName('Access policy').describe('existing reusable Access policies, by name'),
    service_tokens: byName('service token').describe('existing service tokens, by name'),
    apps: byName('Access application').describe('existing Access applications, by name'),
    buckets: names('existing R2 buckets, by key: the import id is the account, the bucket name and its jurisdiction'),
    pages_projects: names('existing Pages projects, by the key of their Pages site'),
    pages_domains: z.array(hostnameKey).default([]).describe('existing custom domains of Pages projects, by hostname (their CNAMEs go under dns_records)'),
    workers_scripts: names('existing Worker scripts that gatehouse deploys (module_file), by Worker key'),
    workers_domains: z
      .record(hostnameKey, hexIdOf('Workers custom domain'))
      .default({})
      .describe('existing Workers custom domains (each carries its own DNS record), by hostname'),
    d1_databases: z.record(nameKey, uuidOf('D1 database')).default({}).describe('existing D1 databases, by Worker key'),
  })
  .describe('objects that already exist in the account: gatehouse imports them instead of creating them (docs/adopt.md)');

/** The `adopt:` section of a shape-valid deployment, defaults filled in. */
export type AdoptSpec = z.output<typeof AdoptSchema>;
