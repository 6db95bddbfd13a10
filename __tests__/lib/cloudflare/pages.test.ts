import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformOutput, TerraformVariable, Token } from 'cdktf';
import { PagesSite, PagesSiteProps, PagesSourceType } from '../../../lib/cloudflare/pages';

const TF_ENV = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
import { ACCOUNT_ID, expectProblem, newStack, problemsOf, synth } from './access/support';
import { Zone } from '../../../lib/cloudflare/zone';

const PROJECT = 'cloudflare_pages_project';
const DOMAIN = 'cloudflare_pages_domain';
const DNS = 'cloudflare_dns_record';
const ZONE_COM = 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0';
const ZONE_NET = 'd1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1';

function props(overrides: Partial<PagesSiteProps> = {}): PagesSiteProps {
  return {
    accountId: ACCOUNT_ID,
    projectName: 'example-www',
    domains: [{ hostname: 'www.example.com', zone: Zone.fromZoneId(ZONE_COM) }],
    ...overrides,
  };
}

function build(overrides: Partial<PagesSiteProps> = {}): PagesSite {
  return new PagesSite(newStack(), 'www', props(overrides));
}

describe('PagesSite with one domain and defaults', () => {
  // GIVEN one custom domain and no production branch
  // WHEN the site is synthesized
  const s = synth((scope) => new PagesSite(scope, 'www', props()));
  const projectRef = `${PROJECT}.${s.logicalId('www/project')}`;

  test('creates exactly one project with the account, the name and production branch "main"', () => {
    // THEN
    expect(s.resources(PROJECT)).toHaveLength(1);
    expect(s.at(PROJECT, 'www/project')).toMatchObject({ account_id: ACCOUNT_ID, name: 'example-www', production_branch: 'main' });
  });

  test('a postcondition requires the computed subdomain to be <project>.pages.dev (terraform applies it)', () => {
    // GIVEN the synthesized postcondition, moved onto terraform's built-in terraform_data (no provider
    // needed offline), whose `output` stands in for the project's computed `subdomain`
    const { lifecycle } = s.at(PROJECT, 'www/project');
    const post = JSON.parse(JSON.stringify(lifecycle.postcondition).replace(/self\.subdomain/g, 'self.output'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-pages-post-'));
    try {
      const apply = (subdomain: string) => {
        fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ resource: { terraform_data: { project: { input: subdomain, lifecycle: { postcondition: post } } } } }));
        return spawnSync('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env: TF_ENV, encoding: 'utf8' });
      };
      expect(spawnSync('terraform', ['init', '-input=false'], { cwd: dir, env: TF_ENV }).status).toBe(0);
      // WHEN Pages gives the project a suffixed subdomain (the name is taken elsewhere) THEN the apply fails, saying why
      const taken = apply('example-www-4x2.pages.dev');
      expect(taken.status).not.toBe(0);
      expect(taken.stderr.replace(/\s+/g, ' ')).toContain('Pages gave project example-www the subdomain example-www-4x2.pages.dev, not example-www.pages.dev');
      // WHEN it gives <project>.pages.dev THEN the apply goes through
      expect(apply('example-www.pages.dev').status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('exposes the pages.dev host and its previews as literals', () => {
    const site = build();
    expect(site.projectName).toBe('example-www');
    expect(site.pagesDevHostnames).toEqual(['example-www.pages.dev', '*.example-www.pages.dev']);
    expect(site.pagesDevPublicReason).toBeUndefined();
    expect(build({ pagesDevPublic: { reason: 'the public web site' } }).pagesDevPublicReason).toBe('the public web site');
  });

  test('creates one Pages domain that references the project by name', () => {
    // THEN
    expect(s.resources(DOMAIN)).toHaveLength(1);
    expect(s.at(DOMAIN, 'www/domain-www.example.com')).toEqual({
      account_id: ACCOUNT_ID,
      project_name: `\${${projectRef}.name}`,
      name: 'www.example.com',
    });
  });

  test('creates one proxied CNAME in the domain zone to the project subdomain', () => {
    // THEN
    expect(s.resources(DNS)).toHaveLength(1);
    expect(s.at(DNS, 'www/dns-www.example.com')).toEqual({
      zone_id: ZONE_COM,
      name: 'www.example.com',
      type: 'CNAME',
      ttl: 1,
      proxied: true,
      content: `\${${projectRef}.subdomain}`,
      comment: 'managed by gatehouse',
    });
  });

  test('creates nothing else', () => {
    // THEN
    expect(Object.keys(s.json.resource).sort()).toEqual([DNS, DOMAIN, PROJECT]);
    expect(s.json.data).toBeUndefined();
  });
});

describe('PagesSite with a custom production branch', () => {
  test('uses the given production branch', () => {
    // GIVEN productionBranch "release"
    // WHEN
    const s = synth((scope) => new PagesSite(scope, 'www', props({ productionBranch: 'release' })));
    // THEN
    expect(s.at(PROJECT, 'www/project')).toMatchObject({ account_id: ACCOUNT_ID, name: 'example-www', production_branch: 'release' });
  });
});

describe('PagesSite with domains in two zones', () => {
  // GIVEN two domains in two different zones
  const domains = [
    { hostname: 'www.example.com', zone: Zone.fromZoneId(ZONE_COM) },
    { hostname: 'docs.example.net', zone: Zone.fromZoneId(ZONE_NET) },
  ];
  // WHEN
  const s = synth((scope) => new PagesSite(scope, 'www', props({ domains })));
  const projectRef = `${PROJECT}.${s.logicalId('www/project')}`;

  test('creates one Pages domain per domain, each on the same project', () => {
    // THEN
    expect(s.resources(DOMAIN)).toHaveLength(2);
    for (const d of domains) {
      expect(s.at(DOMAIN, `www/domain-${d.hostname}`)).toEqual({ account_id: ACCOUNT_ID, project_name: `\${${projectRef}.name}`, name: d.hostname });
    }
  });

  test('each CNAME goes to its own zone', () => {
    // THEN
    expect(s.resources(DNS)).toHaveLength(2);
    expect(s.at(DNS, 'www/dns-www.example.com').zone_id).toBe(ZONE_COM);
    expect(s.at(DNS, 'www/dns-www.example.com').name).toBe('www.example.com');
    expect(s.at(DNS, 'www/dns-docs.example.net').zone_id).toBe(ZONE_NET);
    expect(s.at(DNS, 'www/dns-docs.example.net').name).toBe('docs.example.net');
  });

  test('every CNAME is proxied, ttl 1, and points at the project subdomain', () => {
    // THEN
    for (const [, record] of s.resources(DNS)) {
      expect(record.type).toBe('CNAME');
      expect(record.ttl).toBe(1);
      expect(record.proxied).toBe(true);
      expect(record.content).toBe(`\${${projectRef}.subdomain}`);
      expect(record.comment).toBe('managed by gatehouse');
    }
  });
});

describe('PagesSite attributes', () => {
  test('pagesDevHost is the project subdomain reference; hostnames lists the domains in order', () => {
    // GIVEN a site with two domains and outputs of its attributes
    let site: PagesSite | undefined;
    const s = synth((scope) => {
      site = new PagesSite(scope, 'www', props({ domains: [{ hostname: 'www.example.com', zone: Zone.fromZoneId(ZONE_COM) }, { hostname: 'docs.example.net', zone: Zone.fromZoneId(ZONE_NET) }] }));
      new TerraformOutput(scope, 'host', { value: site.pagesDevHost });
    });
    // THEN
    expect(Token.isUnresolved(site!.pagesDevHost)).toBe(true);
    expect(s.output('host')).toBe(`\${${PROJECT}.${s.logicalId('www/project')}.subdomain}`);
    expect(site!.hostnames).toEqual(['www.example.com', 'docs.example.net']);
    expect(site!.project.terraformResourceType).toBe(PROJECT);
  });
});

describe('PagesSite validation', () => {
  test('fails if the project name has upper-case letters', () => {
    const p = expectProblem(() => build({ projectName: 'Example-www' }), 'www.projectName', 'must be 2-58 lower-case letters, digits and hyphens');
    expect(p.value).toBe('Example-www');
  });

  test('fails if the project name is 1 character', () => {
    const p = expectProblem(() => build({ projectName: 'a' }), 'www.projectName', 'must be 2-58');
    expect(p.value).toBe('a');
  });

  test('fails if the project name is 59 characters', () => {
    // GIVEN 59 characters (58 is the limit)
    const name = 'a'.repeat(59);
    const p = expectProblem(() => build({ projectName: name }), 'www.projectName', 'must be 2-58');
    expect(p.value).toBe(name);
  });

  test('accepts a project name of 2 and of 58 characters', () => {
    expect(() => build({ projectName: 'ab' })).not.toThrow();
    expect(() => build({ projectName: 'a'.repeat(58) })).not.toThrow();
  });

  test('fails if the project name starts with a hyphen', () => {
    const p = expectProblem(() => build({ projectName: '-example' }), 'www.projectName', 'must be 2-58');
    expect(p.value).toBe('-example');
  });

  test('fails if there is no domain', () => {
    const p = expectProblem(() => build({ domains: [] }), 'www.domains', 'must list at least one custom domain');
    expect('value' in p).toBe(false);
  });

  test('fails if a hostname is not a fully qualified hostname', () => {
    const p = expectProblem(
      () => build({ domains: [{ hostname: 'www.example.com', zone: Zone.fromZoneId(ZONE_COM) }, { hostname: 'localhost', zone: Zone.fromZoneId(ZONE_COM) }] }),
      'www.domains[1].hostname',
      'must be a fully qualified hostname',
    );
    expect(p.value).toBe('localhost');
  });

  test('fails if a hostname is upper case', () => {
    const p = expectProblem(() => build({ domains: [{ hostname: 'WWW.example.com', zone: Zone.fromZoneId(ZONE_COM) }] }), 'www.domains[0].hostname', 'must be lower case');
    expect(p.value).toBe('WWW.example.com');
  });

  test('fails if a domain is a wildcard', () => {
    const p = expectProblem(() => build({ domains: [{ hostname: '*.example.com', zone: Zone.fromZoneId(ZONE_COM) }] }), 'www.domains[0].hostname', 'must not be a wildcard');
    expect(p.value).toBe('*.example.com');
  });

  test('fails if a domain is listed twice, at the second occurrence only', () => {
    // GIVEN the same hostname twice
    const domains = [
      { hostname: 'www.example.com', zone: Zone.fromZoneId(ZONE_COM) },
      { hostname: 'www.example.com', zone: Zone.fromZoneId(ZONE_COM) },
    ];
    // WHEN / THEN
    const p = expectProblem(() => build({ domains }), 'www.domains[1].hostname', 'is listed twice');
    expect(p.value).toBe('www.example.com');
    expect(problemsOf(() => build({ domains })).map((x) => x.path)).toEqual(['www.domains[1].hostname']);
  });

  test('fails if a hostname is a token', () => {
    // GIVEN a hostname from a Terraform variable
    const stack = newStack();
    const hostname = new TerraformVariable(stack, 'host', { type: 'string' }).stringValue;
    // WHEN / THEN
    const p = expectProblem(
      () => new PagesSite(stack, 'www', props({ domains: [{ hostname, zone: Zone.fromZoneId(ZONE_COM) }] })),
      'www.domains[0].hostname',
      'must be a literal hostname',
    );
    expect(p.value).toBe(hostname);
  });

  test('fails if the pages.dev hosts are declared public with a short reason', () => {
    expectProblem(() => build({ pagesDevPublic: { reason: ' public ' } }), 'www.pagesDevPublic.reason', 'must give a reason of at least 10 characters');
  });

  test('reports every problem at once', () => {
    // GIVEN a bad project name and no domains
    const problems = problemsOf(() => build({ projectName: 'A', domains: [] }));
    // THEN
    expect(problems.map((p) => p.path)).toEqual(['www.projectName', 'www.domains']);
  });
});

describe('PagesSite builds: build config, environment variables and secrets, Git source', () => {
  // GIVEN the docs site of the portal seed: MkDocs from GitHub, PYTHON_VERSION, a secret from a sensitive variable, custom previews
  let secret!: string;
  const s = synth((scope) => {
    secret = new TerraformVariable(scope, 'docs_search_key', { type: 'string', sensitive: true }).stringValue;
    new PagesSite(scope, 'www', props({
      productionBranch: 'release',
      build: { command: 'pip install -r requirements.txt && mkdocs build', outputDir: 'site', rootDir: '/' },
      env: { production: { vars: { PYTHON_VERSION: '3.12' }, secrets: { SEARCH_KEY: secret } }, preview: { vars: { PYTHON_VERSION: '3.12' } } },
      source: { type: PagesSourceType.GITHUB, owner: 'example', repo: 'portal-docs', previewBranches: { include: ['docs/*'], exclude: ['dependabot/*'] } },
    }));
  });
  const project = s.at(PROJECT, 'www/project');

  test('build_config: command, output (destination_dir) and root directory', () => {
    expect(project.build_config).toEqual({ build_command: 'pip install -r requirements.txt && mkdocs build', destination_dir: 'site', root_dir: '/' });
  });

  test('env vars per environment: plain_text for vars, secret_text (the variable reference) for secrets', () => {
    expect(project.deployment_configs).toEqual({
      production: { env_vars: { PYTHON_VERSION: { type: 'plain_text', value: '3.12' }, SEARCH_KEY: { type: 'secret_text', value: '${var.docs_search_key}' } } },
      preview: { env_vars: { PYTHON_VERSION: { type: 'plain_text', value: '3.12' } } },
    });
  });

  test('source: the repository, the production branch and custom previews (include and exclude)', () => {
    expect(project.production_branch).toBe('release');
    expect(project.source).toEqual({
      type: 'github',
      config: {
        owner: 'example',
        repo_name: 'portal-docs',
        production_branch: 'release',
        preview_deployment_setting: 'custom',
        preview_branch_includes: ['docs/*'],
        preview_branch_excludes: ['dependabot/*'],
      },
    });
  });

  test('without previewBranches previews are left at the provider default (every branch); a GitLab source', () => {
    const config = synth((scope) => new PagesSite(scope, 'www', props({ source: { type: PagesSourceType.GITLAB, owner: 'group/sub', repo: 'site' } }))).at(PROJECT, 'www/project');
    expect(config.source).toEqual({ type: 'gitlab', config: { owner: 'group/sub', repo_name: 'site', production_branch: 'main' } });
  });

  test('without build, env or source none of them is written (direct uploads)', () => {
    const config = synth((scope) => new PagesSite(scope, 'www', props())).at(PROJECT, 'www/project');
    expect(config).not.toHaveProperty('build_config');
    expect(config).not.toHaveProperty('deployment_configs');
    expect(config).not.toHaveProperty('source');
  });
});

describe('PagesSite builds: fails if', () => {
  test('a secret is a literal value (secrets never go in code)', () => {
    const p = expectProblem(() => build({ env: { production: { secrets: { KEY: 'hunter2-literal' } } } }), 'www.env.production.secrets.KEY', 'must be a reference to a sensitive variable, never a literal');
    expect(p).not.toHaveProperty('value');
  });

  test('a name is both a plain variable and a secret', () => {
    const stack = newStack();
    const v = new TerraformVariable(stack, 'k', { type: 'string', sensitive: true }).stringValue;
    expectProblem(() => new PagesSite(stack, 'www', props({ env: { preview: { vars: { KEY: 'x' }, secrets: { KEY: v } } } })), 'www.env.preview.secrets.KEY', 'is also a plain variable');
  });

  test('a variable name is not a name', () => {
    expectProblem(() => build({ env: { production: { vars: { 'PYTHON-VERSION': '3.12' } } } }), 'www.env.production.vars', 'names a variable that is not a letter or _');
  });

  test.each([['outputDir', '../out'], ['rootDir', 'docs/../..'], ['outputDir', ' ']] as const)('build.%s is %p', (field, value) => {
    const p = expectProblem(() => build({ build: { [field]: value } }), `www.build.${field}`, 'must be a directory inside the repository');
    expect(p.value).toBe(value);
  });

  test('the build command is empty', () => {
    expectProblem(() => build({ build: { command: '  ' } }), 'www.build.command', 'must not be empty');
  });

  test('the source owner, repo or type is not one', () => {
    expectProblem(() => build({ source: { type: PagesSourceType.GITHUB, owner: 'has space', repo: 'r' } }), 'www.source.owner', 'must be a repository owner or name');
    expectProblem(() => build({ source: { type: 'bitbucket' as PagesSourceType, owner: 'o', repo: 'r' } }), 'www.source.type', 'must be one of github, gitlab');
  });

  test('a preview branch pattern is empty', () => {
    expectProblem(() => build({ source: { type: PagesSourceType.GITHUB, owner: 'o', repo: 'r', previewBranches: { exclude: [''] } } }), 'www.source.previewBranches.exclude[0]', 'must be a branch name');
  });
});
