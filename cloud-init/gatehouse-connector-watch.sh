#!/bin/bash
# gatehouse-connector-watch: decide whether this host's cloudflared connector runs.
#
# Activation modes (GATEHOUSE_ACTIVATION in /etc/gatehouse/connector.env):
#   gce-metadata  Watch the GCE instance metadata attribute GATEHOUSE_ATTRIBUTE with hanging GETs
#                 (wait_for_change + last_etag). "active" -> fetch the token if needed, start
#                 cloudflared; "standby" or a missing attribute -> stop cloudflared. Any other value
#                 is logged and ignored. Errors (503, connection failures, a failed token fetch) never
#                 change the state: the watcher backs off (bounded) and asks again. It never exits on
#                 its own; SIGTERM/SIGINT end it cleanly with status 0.
#   always-on     Fetch the token if needed, start cloudflared once and exit 0 (hosts without a
#                 metadata server). A failure exits 1, so systemd tries again.
#
# cloudflared.service is never enabled; this watcher (an enabled unit) is the only thing that
# starts it. Starts and stops are queued with --no-block so a slow connector start cannot delay
# a following standby.
#
# Overrides for tests and unusual hosts (environment):
#   GATEHOUSE_CONFIG               settings file to read ("" to read none)
#   GATEHOUSE_METADATA_URL         default http://metadata.google.internal/computeMetadata/v1
#   GATEHOUSE_SYSTEMCTL            systemctl command (default systemctl)
#   GATEHOUSE_FETCH_TOKEN          token fetcher (default /usr/local/sbin/gatehouse-fetch-token)
#   GATEHOUSE_TUNNEL_ENV           token env file (default /etc/cloudflared/tunnel.env)
#   GATEHOUSE_UNIT                 unit to drive (default cloudflared.service)
#   GATEHOUSE_WAIT_TIMEOUT_SEC     timeout_sec of each hanging GET (default 60)
#   GATEHOUSE_BACKOFF_INITIAL_MS   first retry delay after an error (default 1000)
#   GATEHOUSE_BACKOFF_MAX_MS       retry delay cap (default 30000)
#   GATEHOUSE_MISSING_POLL_MS      re-check delay while the attribute does not exist (default 10000)
#   GATEHOUSE_MAX_ITERATIONS       stop after N metadata requests, 0 = never (default 0)
set -uo pipefail # no -e: every failure is handled explicitly below

config=${GATEHOUSE_CONFIG-/etc/gatehouse/connector.env}
if [[ -n $config && -r $config ]]; then
  # shellcheck source=/dev/null
  . "$config"
fi

activation=${GATEHOUSE_ACTIVATION:-gce-metadata}
attribute=${GATEHOUSE_ATTRIBUTE:-gatehouse-connector}
metadata_url=${GATEHOUSE_METADATA_URL:-http://metadata.google.internal/computeMetadata/v1}
systemctl_cmd=${GATEHOUSE_SYSTEMCTL:-systemctl}
fetch_token=${GATEHOUSE_FETCH_TOKEN:-/usr/local/sbin/gatehouse-fetch-token}
env_file=${GATEHOUSE_TUNNEL_ENV:-/etc/cloudflared/tunnel.env}
unit=${GATEHOUSE_UNIT:-cloudflared.service}
wait_timeout=${GATEHOUSE_WAIT_TIMEOUT_SEC:-60}
backoff_initial_ms=${GATEHOUSE_BACKOFF_INITIAL_MS:-1000}
backoff_max_ms=${GATEHOUSE_BACKOFF_MAX_MS:-30000}
missing_poll_ms=${GATEHOUSE_MISSING_POLL_MS:-10000}
max_iterations=${GATEHOUSE_MAX_ITERATIONS:-0}

log() { printf 'gatehouse-connector-watch: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

for knob in wait_timeout backoff_initial_ms backoff_max_ms missing_poll_ms max_iterations; do
  [[ ${!knob} =~ ^(0|[1-9][0-9]*)$ ]] || die "$knob must be a whole number (got '${!knob}')"
done
((wait_timeout >= 1)) || die "GATEHOUSE_WAIT_TIMEOUT_SEC must be at least 1"

# --- process handling --------------------------------------------------------------------------
# Long waits (the hanging GET, back-off sleeps) run in the background and are waited for, so a
# SIGTERM is handled at once instead of after the wait.
child=""
work=$(mktemp -d) || die "cannot create a temporary directory"

cleanup() {
  if [[ -n $child ]]; then kill "$child" 2>/dev/null; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'log "stopping on signal"; exit 0' TERM INT

interruptible() {
  "$@" &
  child=$!
  wait "$child"
  local rc=$?
  child=""
  return "$rc"
}

sleep_ms() {
  local ms=$1
  interruptible sleep "$((ms / 1000)).$(printf '%03d' "$((ms % 1000))")"
}

# --- connector control -------------------------------------------------------------------------
ensure_token() {
  if [[ -s $env_file ]]; then return 0; fi
  log "no token at $env_file; running $fetch_token"
  "$fetch_token"
}

start_connector() {
  ensure_token || {
    log "token fetch failed; $unit not started"
    return 1
  }
  log "starting $unit"
  "$systemctl_cmd" start --no-block "$unit"
}

stop_connector() {
  log "stopping $unit"
  "$systemctl_cmd" stop --no-block "$unit"
}

apply_state() {
  if [[ $1 == active ]]; then start_connector; else stop_connector; fi
}

# --- always-on ---------------------------------------------------------------------------------
if [[ $activation == always-on ]]; then
  start_connector || exit 1
  exit 0
fi
[[ $activation == gce-metadata ]] || die "GATEHOUSE_ACTIVATION must be gce-metadata or always-on (got '$activation')"
[[ $attribute =~ ^[A-Za-z0-9_-]{1,128}$ ]] || die "GATEHOUSE_ATTRIBUTE is not a metadata key (got '$attribute')"

# --- gce-metadata ------------------------------------------------------------------------------
failures=0 # consecutive errors, for the back-off

backoff() {
  local delay=$backoff_initial_ms i
  for ((i = 0; i < failures && delay < backoff_max_ms; i++)); do delay=$((delay * 2)); done
  ((delay > backoff_max_ms)) && delay=$backoff_max_ms
  failures=$((failures + 1))
  log "retrying in ${delay}ms"
  sleep_ms "$delay"
}

# One hanging GET. Sets status (HTTP code, 000 on a connection error), value and new_etag.
status="" value="" new_etag=""
read_attribute() {
  local etag=$1 line
  status="000" value="" new_etag=""
  : >"$work/headers"
  : >"$work/body"
  interruptible curl --silent --show-error \
    --connect-timeout 10 --max-time "$((wait_timeout + 30))" \
    -H 'Metadata-Flavor: Google' \
    -D "$work/headers" -o "$work/body" -w '%{http_code}' \
    "$metadata_url/instance/attributes/$attribute?wait_for_change=true&last_etag=$etag&timeout_sec=$wait_timeout" \
    >"$work/status"
  local rc=$?
  status=$(<"$work/status")
  [[ $status =~ ^[0-9]{3}$ ]] || status="000"
  ((rc == 0)) || return 1

  # The last ETag header wins (curl -D also records interim responses).
  while IFS= read -r line; do
    line=${line%$'\r'}
    if [[ ${line,,} == etag:* ]]; then
      new_etag=${line#*:}
      new_etag=${new_etag//[[:space:]\"]/}
    fi
  done <"$work/headers"
  [[ $new_etag =~ ^[A-Za-z0-9_-]+$ ]] || new_etag=NONE

  # Trim surrounding whitespace only.
  value=$(<"$work/body")
  value=${value#"${value%%[![:space:]]*}"}
  value=${value%"${value##*[![:space:]]}"}
  return 0
}

etag=NONE    # NONE never matches, so the first request answers at once with the current value
applied=""   # state last applied: active | standby ("" = nothing yet)
ignored=""   # etag of an unknown value already logged
iteration=0

log "watching $attribute (timeout ${wait_timeout}s) for $unit"
while :; do
  if ((max_iterations > 0 && iteration >= max_iterations)); then
    log "reached GATEHOUSE_MAX_ITERATIONS=$max_iterations"
    exit 0
  fi
  iteration=$((iteration + 1))

  if ! read_attribute "$etag"; then
    log "metadata server unreachable (HTTP $status); keeping $unit ${applied:-as it is}"
    backoff
    continue
  fi

  missing=0
  case $status in
    200)
      etag=$new_etag
      case $value in
        active | standby) desired=$value ;;
        *)
          [[ $ignored == "$etag" ]] || log "ignoring unknown value '$value' of $attribute (want active or standby)"
          ignored=$etag
          desired=$applied
          ;;
      esac
      ;;
    404)
      etag=NONE
      missing=1
      desired=standby
      ;;
    *)
      log "metadata server answered HTTP $status; keeping $unit ${applied:-as it is}"
      backoff
      continue
      ;;
  esac
  failures=0

  if [[ -n $desired && $desired != "$applied" ]]; then
    if apply_state "$desired"; then
      applied=$desired
    else
      # Ask again right away after the back-off instead of waiting for the next change.
      etag=NONE
      backoff
      continue
    fi
  fi

  # A missing attribute cannot be waited on; look again a little later.
  if ((missing)); then sleep_ms "$missing_poll_ms"; fi
done
