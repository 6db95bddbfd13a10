#!/bin/bash
# gatehouse-status: record one fact about this host where an operator can read it without SSH.
#
#   gatehouse-status KEY VALUE...   set KEY (the words of VALUE joined by spaces)
#   gatehouse-status --flush        publish facts that the rate limit held back earlier
#
# Keys: bootstrap (ok | failed: <reason>), cloudflared_version, connector (active | standby),
# token_version, last_error.
#
# Every fact goes to the local status file /var/lib/gatehouse/status (KEY=VALUE lines, readable by
# all; the same on every host) and, when it changed, to stderr (the journal, under systemd). On GCE
# (GATEHOUSE_GUEST_ATTRIBUTES=true) it is also published as the guest attribute gatehouse/KEY:
#   PUT http://metadata.google.internal/computeMetadata/v1/instance/guest-attributes/gatehouse/KEY
# Guest attributes allow about 10 writes a minute per VM (cloud.google.com/compute/docs/metadata/
# manage-guest-attributes), so only changed values are written, at most GATEHOUSE_STATUS_MAX_WRITES
# per rolling minute; a held-back value is published by a later call.
#
# Reporting never fails the caller: the exit status is 0 except for a usage error (2).
#
# Overrides for tests and unusual hosts (environment):
#   GATEHOUSE_CONFIG               settings file to read ("" to read none)
#   GATEHOUSE_STATE_DIR            default /var/lib/gatehouse
#   GATEHOUSE_METADATA_URL         default http://metadata.google.internal/computeMetadata/v1
#   GATEHOUSE_STATUS_MAX_WRITES    guest attribute writes per rolling minute (default 8)
set -uo pipefail

config=${GATEHOUSE_CONFIG-/etc/gatehouse/connector.env}
if [[ -n $config && -r $config ]]; then
  # shellcheck source=/dev/null
  . "$config"
fi

state_dir=${GATEHOUSE_STATE_DIR:-/var/lib/gatehouse}
metadata_url=${GATEHOUSE_METADATA_URL:-http://metadata.google.internal/computeMetadata/v1}
guest=${GATEHOUSE_GUEST_ATTRIBUTES:-false}
max_writes=${GATEHOUSE_STATUS_MAX_WRITES:-8}
keys=(bootstrap cloudflared_version connector token_version last_error)

status_file=$state_dir/status
published_file=$state_dir/status.published
writes_file=$state_dir/status.writes

usage() {
  printf 'usage: gatehouse-status KEY VALUE... | --flush (KEY: %s)\n' "${keys[*]}" >&2
  exit 2
}

key="" value=""
if [[ ${1:-} == --flush ]]; then
  (($# == 1)) || usage
else
  (($# >= 1)) || usage
  key=$1
  shift
  [[ " ${keys[*]} " == *" $key "* ]] || usage
  value="$*"
  # One line of printable text, at most 200 characters.
  value=${value//[$'\n\r\t']/ }
  value=${value//[^[:print:]]/}
  value=${value:0:200}
fi
[[ $max_writes =~ ^[0-9]+$ ]] || max_writes=8

mkdir -p -- "$state_dir" 2>/dev/null
# Callers run concurrently (bootstrap, watcher, token fetcher): one at a time.
if { exec 9>>"$state_dir/status.lock"; } 2>/dev/null; then
  flock -w 10 9 2>/dev/null
fi

# The status file and the record of what was published, as associative arrays.
declare -A current=() published=()
if [[ -r $status_file ]]; then
  while IFS= read -r line; do [[ $line == *=* ]] && current[${line%%=*}]=${line#*=}; done <"$status_file"
fi
if [[ -r $published_file ]]; then
  while IFS= read -r line; do [[ $line == *=* ]] && published[${line%%=*}]=${line#*=}; done <"$published_file"
fi

# Replace a file atomically with stdin, readable by all (no fact here is secret).
replace() {
  local tmp
  tmp=$(mktemp -- "$1.XXXXXX") || return 1
  if cat >"$tmp" && chmod 0644 -- "$tmp" && mv -f -- "$tmp" "$1"; then return 0; fi
  rm -f -- "$tmp"
  return 1
}
dump_current() {
  local k
  for k in "${keys[@]}"; do [[ -z ${current[$k]+set} ]] || printf '%s=%s\n' "$k" "${current[$k]}"; done
}
dump_published() {
  local k
  for k in "${keys[@]}"; do [[ -z ${published[$k]+set} ]] || printf '%s=%s\n' "$k" "${published[$k]}"; done
}

if [[ -n $key ]] && { [[ -z ${current[$key]+set} ]] || [[ ${current[$key]} != "$value" ]]; }; then
  current[$key]=$value
  dump_current | replace "$status_file"
  printf 'gatehouse-status: %s=%s\n' "$key" "$value" >&2
fi

[[ $guest == true ]] || exit 0

# The guest attribute write budget: timestamps of the writes in the last minute.
printf -v now '%(%s)T' -1
recent=()
if [[ -r $writes_file ]]; then
  while IFS= read -r t; do
    [[ $t =~ ^[0-9]+$ ]] && ((now - t < 60)) && recent+=("$t")
  done <"$writes_file"
fi

changed=0
for k in "${keys[@]}"; do
  [[ -n ${current[$k]:-} && ${current[$k]} != "${published[$k]-}" ]] || continue
  if ((${#recent[@]} >= max_writes)); then
    printf 'gatehouse-status: guest attribute budget (%s a minute) used; %s is published later\n' "$max_writes" "$k" >&2
    break
  fi
  printf '%s' "${current[$k]}" | curl --silent --show-error --fail --connect-timeout 2 --max-time 5 \
    -X PUT -H 'Metadata-Flavor: Google' --data-binary @- \
    "$metadata_url/instance/guest-attributes/gatehouse/$k" >/dev/null
  rc=$?
  # A request the server answered counts against the budget; one that never reached it does not.
  case $rc in 0 | 22) recent+=("$now") ;; esac
  if ((rc == 0)); then
    published[$k]=${current[$k]}
    changed=1
  else
    printf 'gatehouse-status: could not publish guest attribute gatehouse/%s; it is retried later\n' "$k" >&2
    break
  fi
done
printf '%s\n' "${recent[@]}" >"$writes_file"
((changed)) && dump_published | replace "$published_file"
exit 0
