#!/usr/bin/env bash
# CDK Terrain (cdktn, the maintained fork of the archived cdktf): synthesize the example and every
# examples/ deployment with cdktf 0.21 (this checkout) and with cdktn 0.24 (a temporary copy where the
# package "cdktf" is the alias npm:cdktn@0.24.0, "cdktf-cli" npm:cdktn-cli@0.24.0, constructs 10.7.0),
# and compare them as parsed JSON: only the metadata version may differ. The example is synthesized a
# second time through the cdktn CLI (npx cdktn synth, cdktf.json's app) and compared too.
# Installs packages (network or the npm cache), so it runs in CI (.ci/run), never in npm test.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CHECKPOINT_DISABLE=1 GATEHOUSE_TODAY=2026-11-22
unset INIT_CWD

deployments=(deployment.example.yaml examples/*/deployment.yaml)
label() { if [ "$1" = deployment.example.yaml ]; then echo example; else basename "$(dirname "$1")"; fi; }

synth_all() { # <checkout> <out>
  for f in "${deployments[@]}"; do
    (cd "$1" && CDKTF_OUTDIR="$2/$(label "$f")" GATEHOUSE_DEPLOYMENT="$root/$f" node bin/synth.js >/dev/null)
  done
}

echo "cdktn: synthesizing ${#deployments[@]} deployments with cdktf $(node -p "require('cdktf/package.json').version")"
synth_all "$root" "$work/cdktf"

echo "cdktn: copying the checkout and switching to CDK Terrain"
mkdir "$work/copy"
git ls-files -z | while IFS= read -r -d '' f; do
  [ -e "$f" ] || continue
  mkdir -p "$work/copy/$(dirname "$f")" && cp -p "$f" "$work/copy/$f"
done
git ls-files -z --others --exclude-standard | while IFS= read -r -d '' f; do
  mkdir -p "$work/copy/$(dirname "$f")" && cp -p "$f" "$work/copy/$f"
done
cd "$work/copy"
# shellcheck disable=SC2016 # JavaScript in single quotes, on purpose
node -e '
  const fs = require("fs");
  const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
  const set = { cdktf: "npm:cdktn@0.24.0", "cdktf-cli": "npm:cdktn-cli@0.24.0", constructs: "10.7.0" };
  for (const [name, spec] of Object.entries(set)) {
    const where = ["dependencies", "devDependencies"].find((k) => p[k] && p[k][name]);
    if (!where) throw new Error(`package.json has no ${name}`);
    p[where][name] = spec;
  }
  fs.writeFileSync("package.json", JSON.stringify(p, null, 2) + "\n");
'
npm install --legacy-peer-deps --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null
[ "$(node -p "require('cdktf/package.json').name + ' ' + require('cdktf/package.json').version")" = "cdktn 0.24.0" ] || { echo "cdktn: the alias did not install cdktn 0.24.0" >&2; exit 1; }

echo "cdktn: synthesizing ${#deployments[@]} deployments with cdktn 0.24.0"
synth_all "$work/copy" "$work/cdktn"
node "$root/.ci/compare-synth.js" "$work/cdktf" "$work/cdktn"

# cdktn-cli 0.24 declares engines node >=22.19.0 (it calls Node 22 APIs); the cdktn library above runs on Node 20.
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1)'; then
  echo "cdktn: skipped the cdktn CLI check: cdktn-cli 0.24 needs Node >= 22.19.0 (package.json engines), this is Node $(node -v)"
  exit 0
fi
echo "cdktn: the example through the cdktn CLI (npx cdktn synth)"
config="$work/terraformrc" && : > "$config"
TF_CLI_CONFIG_FILE="$config" GATEHOUSE_DEPLOYMENT="$root/deployment.example.yaml" npx cdktn synth --output "$work/cli/example" > "$work/cli.log" 2>&1 || { cat "$work/cli.log"; exit 1; }
if grep -q '\[ERROR\]' "$work/cli.log"; then cat "$work/cli.log"; echo "cdktn: [ERROR] lines under npx cdktn synth" >&2; exit 1; fi
mkdir -p "$work/cdktf-example" && cp -r "$work/cdktf/example" "$work/cdktf-example/example"
node "$root/.ci/compare-synth.js" "$work/cdktf-example" "$work/cli"
