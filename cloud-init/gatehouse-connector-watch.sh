#!/bin/bash
# gatehouse-connector-watch: decide whether this host's cloudflared connector runs, and keep its
# token current.
#
# Activation modes (GATEHOUSE_ACTIVATION in /etc/gatehouse/connector.env):
#   gce-metadata  Watch the GCE instance metadata attribute GATEHOUSE_ATTRIBUTE with hanging GETs
#                 (wait_for_change + last_etag). "active" -> start cloudflared; "standby" or a missing
#                 attribute -> stop it. Any other value is logged and ignored.
#   dns-txt       Poll the TXT record GATEHOUSE_DNS_RECORD through DNS-over-HTTPS (JSON API,
#                 GATEHOUSE_DOH_URL?name=<record>&type=TXT, accept: application/dns-json) every
#                 GATEHOUSE_DNS_POLL_MS. Its content "active" or "standby" decides, as above. A missing
#                 record or another value keeps the current state; until the first good answer nothing
#                 is started (after a boot cloudflared is not running: standby).
#   always-on     Start cloudflared (hosts where DNS alone decides which site serves).
# In every mode, errors (a 503 or refused connection, an unreadable answer, a failed token fetch)
# never change the state: the watcher backs off (bounded) and asks again. It runs until SIGTERM or
# SIGINT, which end it cleanly with status 0.
#
# Before starting cloudflared it checks that gatehouse-bootstrap finished (GATEHOUSE_STATE_DIR/
# bootstrap-done): until then a start is an error, retried with back-off.
#
# Token rotation: on every activation, and every GATEHOUSE_TOKEN_CHECK_MS while active, it runs
# `gatehouse-fetch-token --if-changed`, which compares the latest token version with the one applied
# (GATEHOUSE_STATE_DIR/token-version). A new token is written to the env file and cloudflared is
# restarted once. If the check fails, cloudflared keeps running with the token it has.
#
# State is reported through gatehouse-status: connector (active | standby) and last_error.
#
# cloudflared.service is never enabled; this watcher (an enabled unit) is the only thing that
# starts it. Starts, stops and restarts are queued with --no-block so a slow connector start cannot
# delay a following standby.
#
# Overrides for tests and unusual hosts (environment):
#   GATEHOUSE_CONFIG               settings file to read ("" to read none)
#   GATEHOUSE_METADATA_URL         default http://metadata.google.internal/computeMetadata/v1
#   GATEHOUSE_DOH_URL              default https://cloudflare-dns.com/dns-query
#   GATEHOUSE_SYSTEMCTL            systemctl command (default systemctl)
#   GATEHOUSE_FETCH_TOKEN          token fetcher (default /usr/local/sbin/gatehouse-fetch-token)
#   GATEHOUSE_STATUS               status reporter (default /usr/local/sbin/gatehouse-status)
#   GATEHOUSE_STATE_DIR            default /var/lib/gatehouse
#   GATEHOUSE_TUNNEL_ENV           token env file (default /etc/cloudflared/tunnel.env)
#   GATEHOUSE_UNIT                 unit to drive (default cloudflared.service)
#   GATEHOUSE_WAIT_TIMEOUT_SEC     timeout_sec of each hanging GET (default 60)
#   GATEHOUSE_DNS_POLL_MS          dns-txt poll interval (default 30000; the record's TTL is 60 s)
#   GATEHOUSE_TOKEN_CHECK_MS       token version check interval while active (default 300000, 5 minutes)
#   GATEHOUSE_BACKOFF_INITIAL_MS   first retry delay after an error (default 1000)
#   GATEHOUSE_BACKOFF_MAX_MS       retry delay cap (default 30000)
#   GATEHOUSE_MISSING_POLL_MS      re-check delay while the attribute does not exist (default 10000)
#   GATEHOUSE_MAX_ITERATIONS       stop after N rounds, 0 = never (default 0); the exit status is
#                                  then 0 if the wanted state was applied, 1 if not
set -uo pipefail # no -e: every failure is handled explicitly below

config=${GATEHOUSE_CONFIG-/etc/gatehouse/connector.env}
if [[ -n $config && -r $config ]]; then
  # shellcheck source=/dev/null
  . "$config"
fi

activation=${GATEHOUSE_ACTIVATION:-gce-metadata}
attribute=${GATEHOUSE_ATTRIBUTE:-gatehouse-connector}
dns_record=${GATEHOUSE_DNS_RECORD:-}
guest_attributes=${GATEHOUSE_GUEST_ATTRIBUTES:-false}
metadata_url=${GATEHOUSE_METADATA_URL:-http://metadata.google.internal/computeMetadata/v1}
doh_url=${GATEHOUSE_DOH_URL:-https://cloudflare-dns.com/dns-query}
systemctl_cmd=${GATEHOUSE_SYSTEMCTL:-systemctl}
fetch_token=${GATEHOUSE_FETCH_TOKEN:-/usr/local/sbin/gatehouse-fetch-token}
status_cmd=${GATEHOUSE_STATUS:-/usr/local/sbin/gatehouse-status}
state_dir=${GATEHOUSE_STATE_DIR:-/var/lib/gatehouse}
env_file=${GATEHOUSE_TUNNEL_ENV:-/etc/cloudflared/tunnel.env}
unit=${GATEHOUSE_UNIT:-cloudflared.service}
wait_timeout=${GATEHOUSE_WAIT_TIMEOUT_SEC:-60}
dns_poll_ms=${GATEHOUSE_DNS_POLL_MS:-30000}
token_check_ms=${GATEHOUSE_TOKEN_CHECK_MS:-300000}
backoff_initial_ms=${GATEHOUSE_BACKOFF_INITIAL_MS:-1000}
backoff_max_ms=${GATEHOUSE_BACKOFF_MAX_MS:-30000}
missing_poll_ms=${GATEHOUSE_MISSING_POLL_MS:-10000}
max_iterations=${GATEHOUSE_MAX_ITERATIONS:-0}

log() { printf 'gatehouse-connector-watch: %s\n' "$*" >&2; }
report() { "$status_cmd" "$@" || true; }
die() {
  log "$*"
  report last_error "$*"
  exit 1
}
# An error that changes nothing: logged, and reported as last_error.
problem() {
  log "$*"
  report last_error "$*"
}

for knob in wait_timeout dns_poll_ms token_check_ms backoff_initial_ms backoff_max_ms missing_poll_ms max_iterations; do
  [[ ${!knob} =~ ^(0|[1-9][0-9]*)$ ]] || die "$knob must be a whole number (got '${!knob}')"
done
((wait_timeout >= 1)) || die "GATEHOUSE_WAIT_TIMEOUT_SEC must be at least 1"
((dns_poll_ms >= 1)) || die "GATEHOUSE_DNS_POLL_MS must be at least 1"
((token_check_ms >= 1)) || die "GATEHOUSE_TOKEN_CHECK_MS must be at least 1"
case $activation in
  gce-metadata)
    [[ $attribute =~ ^[A-Za-z0-9_-]{1,128}$ ]] || die "GATEHOUSE_ATTRIBUTE is not a metadata key (got '$attribute')"
    ;;
  dns-txt)
    [[ $dns_record =~ ^_gatehouse-[a-z0-9.-]+$ && ${#dns_record} -le 253 ]] ||
      die "GATEHOUSE_DNS_RECORD must be a DNS name starting with _gatehouse- (got '$dns_record')"
    ;;
  always-on) ;;
  *) die "GATEHOUSE_ACTIVATION must be gce-metadata, dns-txt or always-on (got '$activation')" ;;
esac

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

# Milliseconds since the epoch (bash 5 EPOCHREALTIME, whose radix is the locale's; whole seconds before).
now_ms() {
  local t=${EPOCHREALTIME:-}
  if [[ -n $t ]]; then
    t=${t/[.,]/}
    echo $((10#$t / 1000))
  else
    printf '%(%s)T000\n' -1
  fi
}

failures=0 # consecutive errors, for the back-off
backoff() {
  local delay=$backoff_initial_ms i
  for ((i = 0; i < failures && delay < backoff_max_ms; i++)); do delay=$((delay * 2)); done
  ((delay > backoff_max_ms)) && delay=$backoff_max_ms
  failures=$((failures + 1))
  log "retrying in ${delay}ms"
  sleep_ms "$delay"
}

# --- connector control -------------------------------------------------------------------------
applied=""    # state last applied: active | standby ("" = nothing yet)
next_check=0  # when the token version is checked next (epoch milliseconds), while active

bootstrap_done() { [[ -s $state_dir/bootstrap-done ]]; }

# Bring the env file up to date. 0 = a new token was written, 3 = unchanged, 1 = the check failed.
refresh_token() {
  "$fetch_token" --if-changed
  local rc=$?
  next_check=$(($(now_ms) + token_check_ms))
  case $rc in
    0 | 3) return "$rc" ;;
    *) return 1 ;;
  esac
}

start_connector() {
  local rc verb=start
  if ! bootstrap_done; then
    problem "gatehouse-bootstrap has not finished (no $state_dir/bootstrap-done); $unit not started"
    return 1
  fi
  refresh_token
  rc=$?
  if ((rc == 1)); then
    if [[ -s $env_file ]]; then
      problem "token check failed; starting $unit with the token it has"
    else
      problem "token fetch failed; $unit not started"
      return 1
    fi
  fi
  # A new token for a connector that is already running (this watcher restarted): restart it.
  if ((rc == 0)) && "$systemctl_cmd" is-active --quiet "$unit"; then verb=restart; fi
  log "${verb}ing $unit"
  "$systemctl_cmd" "$verb" --no-block "$unit" || {
    problem "systemctl $verb $unit failed"
    return 1
  }
  report connector active
}

stop_connector() {
  log "stopping $unit"
  "$systemctl_cmd" stop --no-block "$unit" || {
    problem "systemctl stop $unit failed"
    return 1
  }
  report connector standby
}

apply_state() {
  if [[ $1 == active ]]; then start_connector; else stop_connector; fi
}

# While active: look for a rotated token when the check is due; restart cloudflared once for it.
check_token() {
  if [[ $applied != active ]] || (($(now_ms) < next_check)); then return 0; fi
  refresh_token
  case $? in
    0)
      log "the tunnel token changed; restarting $unit"
      "$systemctl_cmd" restart --no-block "$unit" || problem "systemctl restart $unit failed"
      ;;
    3) ;;
    *) problem "token check failed; $unit keeps the token it has" ;;
  esac
}

# Milliseconds to wait before the next token check is due (while active), at most $1.
wait_ms() {
  local limit=$1 left
  if [[ $applied != active ]]; then
    echo "$limit"
    return
  fi
  left=$((next_check - $(now_ms)))
  ((left < 1)) && left=1
  ((left > limit)) && left=$limit
  echo "$left"
}

# Apply a wanted state if it differs from the applied one. 0 = done, 1 = failed (backed off).
converge() {
  local desired=$1
  [[ -n $desired && $desired != "$applied" ]] || return 0
  if apply_state "$desired"; then
    applied=$desired
    return 0
  fi
  backoff
  return 1
}

iteration=0
wanted="" # the last state asked for, for the exit status of GATEHOUSE_MAX_ITERATIONS
next_round() {
  if ((max_iterations > 0 && iteration >= max_iterations)); then
    log "reached GATEHOUSE_MAX_ITERATIONS=$max_iterations"
    [[ -z $wanted || $wanted == "$applied" ]] && exit 0
    exit 1
  fi
  iteration=$((iteration + 1))
  if [[ $guest_attributes == true ]]; then report --flush; fi
}

# --- always-on ---------------------------------------------------------------------------------
if [[ $activation == always-on ]]; then
  log "always on: keeping $unit running"
  wanted=active
  while :; do
    next_round
    if [[ $applied != active ]]; then
      converge active && failures=0
      continue
    fi
    check_token
    sleep_ms "$(wait_ms "$token_check_ms")"
  done
fi

# --- dns-txt -----------------------------------------------------------------------------------
# One DNS-over-HTTPS query. Sets answer to active | standby | missing | "other:<value>"; returns 1
# (with problem text in $answer) when the resolver cannot be read.
answer=""
read_txt() {
  local rc
  answer=""
  : >"$work/dns.json"
  interruptible curl --silent --show-error --fail --connect-timeout 5 --max-time 15 \
    -H 'accept: application/dns-json' -o "$work/dns.json" \
    "$doh_url?name=$dns_record&type=TXT"
  rc=$?
  if ((rc != 0)); then
    answer="DNS-over-HTTPS query failed (curl exit $rc)"
    return 1
  fi
  # Status 0 = NOERROR, 3 = NXDOMAIN; TXT answers are type 16, their data quoted ("\"active\"").
  if ! answer=$(jq -er '
    if (.Status | type) != "number" then error("no Status")
    elif .Status == 3 then "missing"
    elif .Status != 0 then error("DNS status \(.Status)")
    else [.Answer[]? | select(.type == 16) | .data | strings | ltrimstr("\"") | rtrimstr("\"")] | unique
      | if length == 0 then "missing" elif length > 1 then "other:" + join(" | ") else "value:" + .[0] end
    end' <"$work/dns.json" 2>"$work/jq.err"); then
    answer="unreadable DNS-over-HTTPS answer ($(head -c 200 "$work/jq.err"))"
    return 1
  fi
  case $answer in
    value:active | value:standby) answer=${answer#value:} ;;
    value:*) answer="other:${answer#value:}" ;;
  esac
  return 0
}

if [[ $activation == dns-txt ]]; then
  log "watching TXT $dns_record (every ${dns_poll_ms}ms) for $unit; standby until the first good answer"
  noted="" # the last missing/unknown answer logged, so it is logged once
  while :; do
    next_round
    if ! read_txt; then
      problem "$answer; keeping $unit ${applied:-as it is}"
      backoff
      continue
    fi
    failures=0
    case $answer in
      active | standby)
        noted=""
        wanted=$answer
        converge "$answer" || continue
        ;;
      *)
        if [[ $noted != "$answer" ]]; then
          if [[ $answer == missing ]]; then
            log "TXT $dns_record has no answer; keeping $unit ${applied:-as it is}"
          else
            log "ignoring TXT $dns_record '${answer#other:}' (want active or standby); keeping $unit ${applied:-as it is}"
          fi
        fi
        noted=$answer
        ;;
    esac
    check_token
    sleep_ms "$(wait_ms "$dns_poll_ms")"
  done
fi

# --- gce-metadata ------------------------------------------------------------------------------
# One hanging GET. Sets status (HTTP code, 000 on a connection error), value and new_etag.
status="" value="" new_etag=""
read_attribute() {
  local etag=$1 timeout=$2 line
  status="000" value="" new_etag=""
  : >"$work/headers"
  : >"$work/body"
  interruptible curl --silent --show-error \
    --connect-timeout 10 --max-time "$((timeout + 30))" \
    -H 'Metadata-Flavor: Google' \
    -D "$work/headers" -o "$work/body" -w '%{http_code}' \
    "$metadata_url/instance/attributes/$attribute?wait_for_change=true&last_etag=$etag&timeout_sec=$timeout" \
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

etag=NONE  # NONE never matches, so the first request answers at once with the current value
ignored="" # etag of an unknown value already logged

log "watching $attribute (timeout ${wait_timeout}s) for $unit"
while :; do
  next_round

  # The hanging GET returns by the time the next token check is due.
  timeout=$((($(wait_ms "$((wait_timeout * 1000))") + 999) / 1000))
  if ! read_attribute "$etag" "$timeout"; then
    problem "metadata server unreachable (HTTP $status); keeping $unit ${applied:-as it is}"
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
      problem "metadata server answered HTTP $status; keeping $unit ${applied:-as it is}"
      backoff
      continue
      ;;
  esac
  failures=0
  [[ -n $desired ]] && wanted=$desired

  if ! converge "$desired"; then
    # Ask again right away after the back-off instead of waiting for the next change.
    etag=NONE
    continue
  fi
  check_token

  # A missing attribute cannot be waited on; look again a little later.
  if ((missing)); then sleep_ms "$missing_poll_ms"; fi
done
