/** Recording the active site in the deployment file: one value changes, every other byte stays. */
import * as fs from 'fs';
import * as path from 'path';
import { recordActiveSite, withActiveSite } from '../../../lib/cutover/record';
import * as os from 'os';

const EXAMPLE = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'deployment.example.yaml'), 'utf8');

test('adds sites.active after the last site key, with the same indentation, and changes nothing else', () => {
  const out = withActiveSite(EXAMPLE, 'standby');
  expect(out).toBe(EXAMPLE.replace('  cloudflared_version: 2026.7.2\n', '  cloudflared_version: 2026.7.2\n  active: standby\n'));
});

test('replaces an existing value in place, keeping its comment', () => {
  const text = 'name: x\nsites:\n  active: primary    # recorded by npm run cutover\n  primary:\n    external: {name: a}\n';
  expect(withActiveSite(text, 'standby')).toBe(text.replace('active: primary ', 'active: standby '));
  expect(withActiveSite(withActiveSite(text, 'standby'), 'primary')).toBe(text);
});

test('inserts before a trailing comment and the next section, and at the end of a file without a final newline', () => {
  const text = 'sites:\n  primary:\n    external:\n      name: b   # c\n# trailing\nroutes: []';
  expect(withActiveSite(text, 'standby')).toBe('sites:\n  primary:\n    external:\n      name: b   # c\n  active: standby\n# trailing\nroutes: []');
  expect(withActiveSite('sites:\n  primary: {external: {name: a}}', 'standby')).toBe('sites:\n  primary: {external: {name: a}}\n  active: standby\n');
});

test('a flow-style sites mapping is rewritten by the yaml library (same data)', () => {
  expect(withActiveSite('sites: {primary: {external: {name: a}}}\n', 'standby')).toBe('sites: { primary: { external: { name: a } }, active: standby }\n');
});

test('fails (never writes) on a file it cannot edit safely', () => {
  expect(() => withActiveSite('name: x\n', 'standby')).toThrow('the deployment file has no sites mapping');
  expect(() => withActiveSite('sites: [1\n', 'standby')).toThrow(/^the deployment file is not valid YAML/);
});

test('recordActiveSite writes the file atomically (no temporary file left behind)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-record-'));
  try {
    const file = path.join(dir, 'edge.yaml');
    fs.writeFileSync(file, EXAMPLE);
    recordActiveSite(file, 'standby');
    expect(fs.readFileSync(file, 'utf8')).toContain('\n  active: standby\n');
    expect(fs.readdirSync(dir)).toEqual(['edge.yaml']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
