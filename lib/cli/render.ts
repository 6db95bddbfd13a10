/**
 * Render a Mermaid file to SVG with @mermaid-js/mermaid-cli (`mmdc`, https://github.com/mermaid-js/mermaid-cli),
 * which draws in a headless browser through puppeteer. gatehouse never downloads a browser: it uses
 * the one named by PUPPETEER_EXECUTABLE_PATH, else a system Chromium or Chrome. Where either piece is
 * missing, rendering is skipped with the reason, and the Mermaid source stays the picture.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT } from '../core/paths';

/** Where a system browser usually is (Debian/Ubuntu `chromium`, Google Chrome). */
export const BROWSER_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];

/** Whether the SVG was drawn: its file, or why not. */
export type RenderResult = { readonly rendered: true; readonly file: string } | { readonly rendered: false; readonly reason: string };

/** The browser to draw with: PUPPETEER_EXECUTABLE_PATH, else the first system browser found. */
export function findBrowser(env: NodeJS.ProcessEnv, exists: (file: string) => boolean = fs.existsSync): string | undefined {
  if (env.PUPPETEER_EXECUTABLE_PATH) return exists(env.PUPPETEER_EXECUTABLE_PATH) ? env.PUPPETEER_EXECUTABLE_PATH : undefined;
  return BROWSER_CANDIDATES.find((b) => exists(b));
}

/**
 * mermaid-cli's `mmdc` script, from the user's project or gatehouse's own dependencies. Found by its
 * package.json in the node_modules directories above them (the package's exports map does not export
 * package.json, so require.resolve cannot name it).
 */
export function findMermaidCli(starts: readonly string[]): string | undefined {
  for (const start of starts) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const manifest = path.join(dir, 'node_modules', '@mermaid-js', 'mermaid-cli', 'package.json');
      if (fs.existsSync(manifest)) {
        const bin = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin?: { mmdc?: string } }).bin?.mmdc;
        if (bin) return path.join(path.dirname(manifest), bin);
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** Render `input` (Mermaid) to `output` (SVG). */
export function renderSvg(input: string, output: string, env: NodeJS.ProcessEnv, cwd: string): RenderResult {
  const mmdc = findMermaidCli([cwd, PROJECT_ROOT]);
  if (!mmdc) return { rendered: false, reason: '@mermaid-js/mermaid-cli is not installed (npm install --save-dev @mermaid-js/mermaid-cli)' };
  const browser = findBrowser(env);
  if (!browser) {
    return {
      rendered: false,
      reason: env.PUPPETEER_EXECUTABLE_PATH
        ? `PUPPETEER_EXECUTABLE_PATH ${env.PUPPETEER_EXECUTABLE_PATH} does not exist`
        : `no browser found (${BROWSER_CANDIDATES.join(', ')}); install chromium or set PUPPETEER_EXECUTABLE_PATH`,
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-render-'));
  try {
    // Chromium refuses to start as root inside its sandbox; everyone else keeps the sandbox.
    const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    const config = path.join(dir, 'puppeteer.json');
    fs.writeFileSync(config, JSON.stringify({ executablePath: browser, args }));
    const tmp = path.join(dir, 'out.svg');
    const r = spawnSync(process.execPath, [mmdc, '--quiet', '--input', input, '--output', tmp, '--puppeteerConfigFile', config], {
      env: { ...env, PUPPETEER_SKIP_DOWNLOAD: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status !== 0 || !fs.existsSync(tmp)) {
      const why = (r.stderr || r.error?.message || `exit ${r.status ?? r.signal}`).trim().split('\n').find((l) => l.trim()) ?? 'no output';
      return { rendered: false, reason: `mermaid-cli failed with ${browser}: ${why.slice(0, 300)}` };
    }
    fs.mkdirSync(path.dirname(output), { recursive: true });
    fs.copyFileSync(tmp, output);
    return { rendered: true, file: output };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
