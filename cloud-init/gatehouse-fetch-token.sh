#!/bin/bash
# gatehouse-fetch-token: put the Cloudflare Tunnel connector token where cloudflared.service reads it.
#
# Writes TUNNEL_TOKEN=<token> to /etc/cloudflared/tunnel.env (mode 0600, written atomically) and
# records which token it applied in /var/lib/gatehouse/token-version (mode 0600): the Secret Manager
# version number (the `name` of the access response ends in /versions/<n>), or for a token file
# `sha256:` and the first 16 hex digits of the token's SHA-256. It reports token_version through
# gatehouse-status.
#
#   gatehouse-fetch-token               fetch and write (exit 0), or fail (exit 1)
#   gatehouse-fetch-token --if-changed  fetch; write only when the token is not the one recorded
#                                       (exit 0) or the env file is missing; exit 3 when unchanged
#
# A rotation check reads `versions/latest` with :access, the one call the host's only role
# (roles/secretmanager.secretAccessor: secretmanager.versions.access) allows; reading the version's
# metadata would need secretmanager.versions.get as well. The payload of an unchanged version is
# dropped with the temporary directory.
#
# The token never passes through a command line (argv): the Secret Manager access token goes to
# curl in a header file (-H @file), and the tunnel token only moves through files, pipes and
# shell builtins.
#
# Settings come from /etc/gatehouse/connector.env (written by cloud-init; not secret):
#   GATEHOUSE_TOKEN_SOURCE    secret-manager | file
#   GATEHOUSE_SECRET_VERSION  projects/P/secrets/S/versions/V        (secret-manager)
#   GATEHOUSE_TOKEN_FILE      absolute path of a root-only token file (file)
# Overrides for tests and unusual hosts (environment):
#   GATEHOUSE_CONFIG               settings file to read ("" to read none)
#   GATEHOUSE_TUNNEL_ENV           output file (default /etc/cloudflared/tunnel.env)
#   GATEHOUSE_METADATA_URL         default http://metadata.google.internal/computeMetadata/v1
#   GATEHOUSE_SECRET_MANAGER_URL   default https://secretmanager.googleapis.com
#   GATEHOUSE_TOKEN_FILE_UID       required owner of the token file (default 0, root)
#   GATEHOUSE_STATE_DIR            default /var/lib/gatehouse
#   GATEHOUSE_STATUS               status reporter (default /usr/local/sbin/gatehouse-status)
#
# Exit status: 0 when the env file was written, 3 (--if-changed) when the recorded token is current,
# 1 otherwise (the reason goes to stderr).
set -euo pipefail
umask 077

config=${GATEHOUSE_CONFIG-/etc/gatehouse/connector.env}
if [[ -n $config && -r $config ]]; then
  # shellcheck source=/dev/null
  . "$config"
fi

if_changed=0
case ${1:-} in
  --if-changed) if_changed=1 ;;
  "") ;;
  *)
    printf 'usage: gatehouse-fetch-token [--if-changed]\n' >&2
    exit 1
    ;;
esac

token_source=${GATEHOUSE_TOKEN_SOURCE:-}
env_file=${GATEHOUSE_TUNNEL_ENV:-/etc/cloudflared/tunnel.env}
metadata_url=${GATEHOUSE_METADATA_URL:-http://metadata.google.internal/computeMetadata/v1}
secret_manager_url=${GATEHOUSE_SECRET_MANAGER_URL:-https://secretmanager.googleapis.com}
state_dir=${GATEHOUSE_STATE_DIR:-/var/lib/gatehouse}
status_cmd=${GATEHOUSE_STATUS:-/usr/local/sbin/gatehouse-status}
version_file=$state_dir/token-version

die() {
  printf 'gatehouse-fetch-token: %s\n' "$*" >&2
  exit 1
}

work=$(mktemp -d)
tmp="" # the half-written env file, until it is renamed into place
cleanup() {
  rm -rf -- "$work"
  if [[ -n $tmp ]]; then rm -f -- "$tmp"; fi
}
trap cleanup EXIT

# Transient failures (connection refused, timeouts, 429/5xx) are retried by curl itself.
curl_opts=(--silent --show-error --fail --connect-timeout 10 --max-time 60
  --retry 4 --retry-delay 1 --retry-connrefused)

# secret-manager: read the secret version with the VM's service account.
fetch_from_secret_manager() {
  local version=${GATEHOUSE_SECRET_VERSION:-}
  [[ $version =~ ^projects/[^/]+/secrets/[^/]+/versions/[^/]+$ ]] ||
    die "GATEHOUSE_SECRET_VERSION must look like projects/P/secrets/S/versions/V (got '$version')"

  # 1. OAuth access token of the default service account, from the metadata server.
  curl "${curl_opts[@]}" -H 'Metadata-Flavor: Google' -o "$work/access.json" \
    "$metadata_url/instance/service-accounts/default/token" ||
    die "could not get an access token from the metadata server"

  # 2. Turn it into a header file; curl reads it with -H @file, so it stays off argv.
  jq -er '"Authorization: Bearer " + (.access_token | strings)' <"$work/access.json" >"$work/auth.header" ||
    die "the metadata server's token response has no access_token"

  # 3. Access the secret version; the payload is base64 in .payload.data.
  curl "${curl_opts[@]}" -H @"$work/auth.header" -o "$work/secret.json" \
    "$secret_manager_url/v1/$version:access" ||
    die "could not access $version in Secret Manager (does the VM service account have secretAccessor?)"

  jq -er '.payload.data | strings' <"$work/secret.json" | base64 --decode >"$work/token" ||
    die "the Secret Manager response for $version has no base64 payload.data"

  # The version actually read (versions/latest resolves to a number).
  applied=$(jq -er '.name | strings' <"$work/secret.json") || die "the Secret Manager response for $version has no name"
  applied=${applied##*/}
  [[ $applied =~ ^[0-9]+$ ]] || die "the Secret Manager response names version '$applied', not a number"
}

# file: the operator placed the token on the host (on-prem, bare metal, other clouds).
fetch_from_file() {
  local path=${GATEHOUSE_TOKEN_FILE:-}
  local want_uid=${GATEHOUSE_TOKEN_FILE_UID:-0}
  local owner mode

  [[ $path == /* ]] || die "GATEHOUSE_TOKEN_FILE must be an absolute path (got '$path')"
  [[ ! -L $path ]] || die "$path must be a regular file, not a symbolic link"
  [[ -f $path ]] || die "$path does not exist; put the tunnel token there (root-owned, mode 0600)"

  read -r owner mode < <(stat -c '%u %a' -- "$path")
  [[ $owner == "$want_uid" ]] || die "$path must be owned by uid $want_uid (it is owned by uid $owner)"
  # No permission bits at all for group and others: mode 0600 or 0400.
  ((8#$mode & 8#077)) && die "$path must not be accessible by group or others (mode $mode; use chmod 0600)"

  cp -- "$path" "$work/token"
  applied="" # set from the token's hash below
}

applied=""
case $token_source in
  secret-manager) fetch_from_secret_manager ;;
  file) fetch_from_file ;;
  *) die "GATEHOUSE_TOKEN_SOURCE must be secret-manager or file (got '$token_source')" ;;
esac

# Read the token with builtins only. Accept a bare token or a TUNNEL_TOKEN=... line, and ignore a
# trailing newline or carriage return.
token=$(<"$work/token")
token=${token#TUNNEL_TOKEN=}
token=${token%$'\r'}
[[ -n $token ]] || die "the tunnel token is empty"
# Tunnel tokens are base64 (standard or URL-safe). Anything else would also break the env file.
[[ $token =~ ^[A-Za-z0-9+/=_.-]+$ ]] || die "the tunnel token contains unexpected characters; refusing it"

if [[ -z $applied ]]; then
  applied=$(printf '%s' "$token" | sha256sum) || die "sha256sum failed"
  applied="sha256:${applied:0:16}"
fi

recorded=""
if [[ -r $version_file ]]; then recorded=$(<"$version_file"); fi
if ((if_changed)) && [[ $recorded == "$applied" && -s $env_file ]]; then
  exit 3
fi

# Write next to the target and rename, so cloudflared never sees a half-written file.
env_dir=$(dirname -- "$env_file")
mkdir -p -- "$env_dir"
tmp=$(mktemp -- "$env_dir/.tunnel.env.XXXXXX")
printf 'TUNNEL_TOKEN=%s\n' "$token" >"$tmp"
chmod 0600 -- "$tmp"
mv -f -- "$tmp" "$env_file"
tmp=""

# Record the applied version (root only), then report it.
mkdir -p -- "$state_dir"
tmp=$(mktemp -- "$version_file.XXXXXX")
printf '%s\n' "$applied" >"$tmp"
chmod 0600 -- "$tmp"
mv -f -- "$tmp" "$version_file"
tmp=""
"$status_cmd" token_version "$applied" || true
printf 'gatehouse-fetch-token: wrote %s (%s, version %s)\n' "$env_file" "$token_source" "$applied" >&2
