#!/bin/bash
# The throwaway boot of __tests__/cloud-init/cloud-init-run.test.ts, run inside `unshare --mount`:
# overlays (upper layers on a tmpfs) over the directories cloud-init writes, then cloud-init's own
# modules on the rendered user-data. Sections of the output start with "@@ <name>".
# Environment: SCRATCH (a scratch directory with an empty overlay/), USER_DATA, SYSTEMCTL_LOG.
set -euo pipefail
mount -t tmpfs none "$SCRATCH/overlay"
for d in etc usr/local var/lib var/log run; do
  n=$SCRATCH/overlay/${d//\//_}
  mkdir -p "$n-up" "$n-work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$n-up,workdir=$n-work" "/$d"
done
single() { cloud-init --file "$USER_DATA" single --name "$1" --frequency always >/dev/null 2>"$SCRATCH/cloud-init.err" || { cat "$SCRATCH/cloud-init.err" >&2; exit 1; }; }
calls() { echo "@@ $1"; cat "$SYSTEMCTL_LOG"; : >"$SYSTEMCTL_LOG"; }

# First boot: bootcmd runs before write_files (nothing to enable yet), then runcmd's script.
single bootcmd
calls first-boot-bootcmd
single write_files
single runcmd
sh /var/lib/cloud/instances/*/scripts/runcmd
calls first-boot-runcmd
# A later boot (or a first boot whose runcmd failed): bootcmd enables and starts the units.
single bootcmd
calls later-boot-bootcmd

echo "@@ files"
stat -c '%n %a %U:%G' /etc/gatehouse/connector.env /usr/local/sbin/gatehouse-* /etc/systemd/system/gatehouse-*.service /etc/systemd/system/cloudflared.service
echo "@@ sha256"
cd /usr/local/sbin && sha256sum gatehouse-*
echo "@@ syntax"
for f in /usr/local/sbin/gatehouse-*; do bash -n "$f" && echo "$f ok"; done
echo "@@ verify"
# The units in place: their ExecStart targets exist (cloudflared itself is installed later by apt).
sed -i 's|^ExecStart=/usr/bin/cloudflared .*|ExecStart=/bin/true|' /etc/systemd/system/cloudflared.service
systemd-analyze verify --man=no /etc/systemd/system/gatehouse-bootstrap.service /etc/systemd/system/gatehouse-connector-watch.service /etc/systemd/system/cloudflared.service 2>&1
echo "verify exit $?"
echo "@@ env"
cat /etc/gatehouse/connector.env
