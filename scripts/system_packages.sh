#!/usr/bin/env bash
# Install Debian packages that some tests and benchmarks need (chromium for browser tests, dovecot
# for IMAP, wrk for the portal's throughput). As root we install what is missing; otherwise we say
# loudly what will be skipped.
set -uo pipefail
declare -A BIN=([chromium]=/usr/bin/chromium [dovecot-imapd]=/usr/sbin/dovecot [wrk]=/usr/bin/wrk)
missing=()
for pkg in "$@"; do
  [[ -x "${BIN[$pkg]:-/nonexistent}" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "==> Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || echo "!!! could not install ${missing[*]}: tests and figures needing them will skip (or fail under POSHTIBAN_REQUIRE_ALL=1)"
else
  echo "!!! not root: ${missing[*]} missing; tests and figures needing them will SKIP (or fail under POSHTIBAN_REQUIRE_ALL=1)"
fi
exit 0
