#!/usr/bin/env bash
# Installs the Debian packages the test suites talk to, when they are missing:
# mosquitto (MQTT interop), chromium (browser tests), postgresql (scale-out store),
# systemd (systemd-analyze verify and systemd-sysusers for the agent's service unit; no daemon runs),
# prometheus (promtool tests the shipped alert rules; a real Prometheus scrapes a test hub).
# Runs before `npm test`; a no-op when everything is present.
set -euo pipefail
need=()
[ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/lib/postgresql ] || need+=(postgresql)
[ -x /usr/bin/systemd-analyze ] || need+=(systemd)
{ [ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ]; } || need+=(prometheus)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-services: missing ${need[*]}; install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "ensure-services: installing ${need[*]} from Debian's packages…"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian packages start their daemons; the tests start their own on free ports instead.
for daemon in mosquitto prometheus; do
  systemctl disable --now "$daemon" >/dev/null 2>&1 || service "$daemon" stop >/dev/null 2>&1 || true
done
echo "ensure-services: done"
