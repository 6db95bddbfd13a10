#!/bin/bash
# gatehouse-bootstrap: install what the connector needs, and keep trying until it works.
#
# Run by gatehouse-bootstrap.service (Type=exec, so boot never waits for it) on every boot. Each attempt:
#   0. quick success when the pinned cloudflared and the prerequisites are already installed;
#   1. finishes an interrupted dpkg run (dpkg --configure -a) if dpkg reports one;
#   2. installs the prerequisites (ca-certificates curl gnupg jq) from the distribution's mirrors;
#   3. trusts Cloudflare's apt repository key only if its primary fingerprint is the pinned one,
#      and puts only that key into the repository's keyring;
#   4. installs the pinned cloudflared from https://pkg.cloudflare.com/cloudflared and holds it (the
#      .deb disables self-update), then checks `cloudflared --version`.
# A failed attempt is reported (status bootstrap=failed: <reason>) and retried after an exponential
# back-off capped at GATEHOUSE_BOOTSTRAP_BACKOFF_MAX_MS, for as long as it takes: the first boot may
# race the host's egress (Cloud NAT) or hit the dpkg lock of unattended-upgrades. On success it
# writes GATEHOUSE_STATE_DIR/bootstrap-done (the watcher starts cloudflared only after that), reports
# bootstrap=ok and cloudflared_version, and exits 0.
#
# Settings come from /etc/gatehouse/connector.env (written by cloud-init; not secret):
#   GATEHOUSE_CLOUDFLARED_VERSION    pinned cloudflared package version, e.g. 2026.7.2
#   GATEHOUSE_APT_KEY_FINGERPRINT    primary fingerprint of Cloudflare's package signing key
# Overrides for tests and unusual hosts (environment):
#   GATEHOUSE_CONFIG                       settings file to read ("" to read none)
#   GATEHOUSE_STATE_DIR                    default /var/lib/gatehouse
#   GATEHOUSE_STATUS                       status reporter (default /usr/local/sbin/gatehouse-status)
#   GATEHOUSE_APT_KEY_URL                  default https://pkg.cloudflare.com/cloudflare-main.gpg
#   GATEHOUSE_APT_KEYRING                  default /usr/share/keyrings/cloudflare-main.gpg
#   GATEHOUSE_APT_SOURCE_LIST              default /etc/apt/sources.list.d/cloudflared.list
#   GATEHOUSE_BOOTSTRAP_BACKOFF_INITIAL_MS first retry delay (default 10000)
#   GATEHOUSE_BOOTSTRAP_BACKOFF_MAX_MS     retry delay cap (default 300000, five minutes)
#   GATEHOUSE_BOOTSTRAP_MAX_ATTEMPTS       give up (exit 1) after N failed attempts, 0 = never (default 0)
set -uo pipefail # no -e: every failure is handled explicitly below
umask 022

config=${GATEHOUSE_CONFIG-/etc/gatehouse/connector.env}
if [[ -n $config && -r $config ]]; then
  # shellcheck source=/dev/null
  . "$config"
fi

version=${GATEHOUSE_CLOUDFLARED_VERSION:-}
fingerprint=${GATEHOUSE_APT_KEY_FINGERPRINT:-}
state_dir=${GATEHOUSE_STATE_DIR:-/var/lib/gatehouse}
status_cmd=${GATEHOUSE_STATUS:-/usr/local/sbin/gatehouse-status}
key_url=${GATEHOUSE_APT_KEY_URL:-https://pkg.cloudflare.com/cloudflare-main.gpg}
keyring=${GATEHOUSE_APT_KEYRING:-/usr/share/keyrings/cloudflare-main.gpg}
source_list=${GATEHOUSE_APT_SOURCE_LIST:-/etc/apt/sources.list.d/cloudflared.list}
backoff_initial_ms=${GATEHOUSE_BOOTSTRAP_BACKOFF_INITIAL_MS:-10000}
backoff_max_ms=${GATEHOUSE_BOOTSTRAP_BACKOFF_MAX_MS:-300000}
max_attempts=${GATEHOUSE_BOOTSTRAP_MAX_ATTEMPTS:-0}
prerequisites=(ca-certificates curl gnupg jq)

log() { printf 'gatehouse-bootstrap: %s\n' "$*" >&2; }
report() { "$status_cmd" "$@" || true; }
die() {
  log "$*"
  report bootstrap "failed: $*"
  exit 1
}

[[ $version =~ ^20[0-9][0-9]\.([1-9]|1[0-2])\.(0|[1-9][0-9]*)$ ]] ||
  die "GATEHOUSE_CLOUDFLARED_VERSION must be a cloudflared release such as 2026.7.2 (got '$version')"
[[ $fingerprint =~ ^([0-9A-F]{40}|[0-9A-F]{64})$ ]] ||
  die "GATEHOUSE_APT_KEY_FINGERPRINT must be a full upper-case hex fingerprint (got '$fingerprint')"
for knob in backoff_initial_ms backoff_max_ms max_attempts; do
  [[ ${!knob} =~ ^(0|[1-9][0-9]*)$ ]] || die "$knob must be a whole number (got '${!knob}')"
done

export DEBIAN_FRONTEND=noninteractive
# Wait for the dpkg lock (unattended-upgrades runs at first boot), retry downloads, keep local
# configuration files.
apt_get() {
  apt-get -q -o DPkg::Lock::Timeout=300 -o Acquire::Retries=3 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

# dpkg's status of a package: "install ok installed", or "hold ok installed" once it is held.
status_of() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null; }
installed() { [[ $(status_of "$1") =~ ^(install|hold)\ ok\ installed$ ]]; }
held() { [[ $(status_of "$1") == 'hold ok installed' ]]; }
cloudflared_pinned() {
  installed cloudflared && [[ $(dpkg-query -W -f='${Version}' cloudflared 2>/dev/null) == "$version" ]]
}
# Hold the package (apt-mark takes the dpkg lock, so only when it is not held yet).
hold() {
  held cloudflared || apt-mark hold cloudflared >/dev/null || fail "apt-mark hold cloudflared failed"
}

# --- process handling --------------------------------------------------------------------------
work=""
child=""
cleanup() {
  if [[ -n $child ]]; then kill "$child" 2>/dev/null; fi
  if [[ -n $work ]]; then
    GNUPGHOME="$work/gnupg" gpgconf --kill all >/dev/null 2>&1 # agents started for the throwaway keyring
    rm -rf -- "$work"
  fi
}
trap cleanup EXIT
trap 'log "stopping on signal"; exit 1' TERM INT

sleep_ms() {
  sleep "$(($1 / 1000)).$(printf '%03d' "$(($1 % 1000))")" &
  child=$!
  wait "$child"
  child=""
}

# --- one attempt: 0 = done, 1 = failed (the reason is in $reason) ------------------------------
reason=""
fail() {
  reason=$*
  return 1
}

install_key() {
  local found rc
  rm -rf -- "$work"
  work=$(mktemp -d) || fail "cannot create a temporary directory" || return 1
  install -d -m 0700 "$work/gnupg"

  # Fetch the key file over HTTPS and import it into a throwaway keyring.
  curl --silent --show-error --fail --location --proto '=https' --tlsv1.2 \
    --connect-timeout 10 --max-time 60 --retry 3 --retry-delay 2 --retry-connrefused \
    -o "$work/cloudflare.key" "$key_url"
  rc=$?
  ((rc == 0)) || fail "could not download $key_url (curl exit $rc)" || return 1
  GNUPGHOME="$work/gnupg" gpg --batch --quiet --import "$work/cloudflare.key" ||
    fail "$key_url is not an OpenPGP key file" || return 1

  # Primary key fingerprints in the file (an fpr record right after a pub record).
  found=$(GNUPGHOME="$work/gnupg" gpg --batch --with-colons --list-keys |
    awk -F: '$1 == "pub" { primary = 1; next } $1 == "fpr" && primary { print $10; primary = 0 }')
  if ! grep -qx -- "$fingerprint" <<<"$found"; then
    # Not retryable by waiting, but a fixed key file on the server is picked up by the next attempt.
    fail "$key_url does not hold the pinned key $fingerprint (found: ${found//$'\n'/ }); refusing it" || return 1
  fi

  # Export only the pinned key (binary, as apt expects) and point the repository at it.
  GNUPGHOME="$work/gnupg" gpg --batch --export "$fingerprint" >"$work/keyring.gpg" &&
    install -D -m 0644 "$work/keyring.gpg" "$keyring" &&
    printf 'deb [signed-by=%s] https://pkg.cloudflare.com/cloudflared any main\n' "$keyring" >"$source_list" ||
    fail "could not write $keyring or $source_list" || return 1
}

attempt() {
  local missing=() p audit out

  # 0. Already done (every boot after the first): no network needed.
  for p in "${prerequisites[@]}"; do installed "$p" || missing+=("$p"); done
  if ((${#missing[@]} == 0)) && cloudflared_pinned; then
    hold || return 1
    return 0
  fi

  # 1. An install that was cut off (power loss, a killed apt) leaves dpkg half-configured.
  audit=$(dpkg --audit 2>&1)
  if [[ -n $audit ]]; then
    log "dpkg reports an interrupted install; running dpkg --configure -a"
    dpkg --configure -a || fail "dpkg --configure -a failed (is another package manager running?)" || return 1
  fi

  # 2. Prerequisites from the distribution's mirrors.
  if ((${#missing[@]} > 0)); then
    log "installing ${missing[*]}"
    apt_get update || fail "apt-get update failed" || return 1
    apt_get install --yes --no-install-recommends "${missing[@]}" ||
      fail "apt-get install ${missing[*]} failed" || return 1
  fi

  # 3 and 4. The pinned cloudflared from Cloudflare's repository, held.
  if ! cloudflared_pinned; then
    install_key || return 1
    apt_get update || fail "apt-get update failed (with pkg.cloudflare.com)" || return 1
    apt_get install --yes --no-install-recommends --allow-downgrades --allow-change-held-packages "cloudflared=$version" ||
      fail "apt-get install cloudflared=$version failed" || return 1
  fi
  hold || return 1
  out=$(cloudflared --version 2>&1) || fail "cloudflared --version failed" || return 1
  [[ $out =~ (^|[[:space:]])${version//./\\.}([[:space:]]|$) ]] ||
    fail "cloudflared --version says '${out%%$'\n'*}', not $version" || return 1
}

# --- retry loop --------------------------------------------------------------------------------
attempts=0
delay=$backoff_initial_ms
while :; do
  attempts=$((attempts + 1))
  if attempt; then
    if ! { mkdir -p -- "$state_dir" && printf '%s\n' "$version" >"$state_dir/bootstrap-done"; }; then
      die "cannot write $state_dir/bootstrap-done"
    fi
    report bootstrap ok
    report cloudflared_version "$version"
    log "cloudflared $version is installed (attempt $attempts)"
    exit 0
  fi
  log "attempt $attempts failed: $reason"
  report bootstrap "failed: $reason"
  report last_error "bootstrap: $reason"
  if ((max_attempts > 0 && attempts >= max_attempts)); then
    log "giving up after $attempts attempts (GATEHOUSE_BOOTSTRAP_MAX_ATTEMPTS)"
    exit 1
  fi
  log "retrying in ${delay}ms"
  sleep_ms "$delay"
  delay=$((delay * 2))
  ((delay > backoff_max_ms)) && delay=$backoff_max_ms
done
