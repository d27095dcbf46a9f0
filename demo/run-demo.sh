#!/usr/bin/env bash
# Runs Keycloak with the Act-As provider and the demo realm 'acme' (called by ./mvnw -Pdemo package).
# Development mode, embedded H2 in the server's data/ folder: a restart keeps what you changed.
set -euo pipefail

KC_HOME="$1"
PORT="${2:-8080}"
BASE="http://localhost:${PORT}"

# Bootstrap admin of the master realm; Keycloak creates it only on the first start.
export KC_BOOTSTRAP_ADMIN_USERNAME="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
export KC_BOOTSTRAP_ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}"

print_banner() {
  cat <<TXT

  ============================================================================
   Act-As demo is ready: Keycloak $(cat "${KC_HOME}/version.txt" | sed 's/.*Version //') with the Act-As provider
  ----------------------------------------------------------------------------
   Admin console (master)   ${BASE}/admin/                 ${KC_BOOTSTRAP_ADMIN_USERNAME} / ${KC_BOOTSTRAP_ADMIN_PASSWORD}
   Realm 'acme' console     ${BASE}/admin/acme/console/    acme-admin / demo
   Account console          ${BASE}/realms/acme/account/   admin1 / demo
   Demo users (password demo): admin1 admin2 support1 user_1 user_2 vip1 acme-admin
   Grants API               ${BASE}/admin/realms/acme/act-as/grants
   Explain API              ${BASE}/admin/realms/acme/act-as/explain
   Service client           ticket-service / ticket-service-secret
  ----------------------------------------------------------------------------
   Stop with Ctrl-C. Data persists in ${KC_HOME}/data
  ============================================================================

TXT
}

# Ctrl-C reaches Maven, this script and Keycloak at once. Keycloak shuts down by itself; this script waits for
# it and ends with 0, so a stop is not reported as a failed build.
stopping=0
trap 'stopping=1' INT TERM

(
  if ! command -v curl >/dev/null 2>&1; then
    sleep 60 && print_banner   # no curl to poll readiness with: print after a typical start time
    exit 0
  fi
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "${BASE}/realms/acme/.well-known/openid-configuration" 2>/dev/null; then
      print_banner
      exit 0
    fi
    sleep 1
  done
  echo "The demo did not become ready within 5 minutes; see the Keycloak log above." >&2
) &

READY_WAITER=$!
set +e
bash "${KC_HOME}/bin/kc.sh" start-dev --http-port="${PORT}" --import-realm --metrics-enabled=true
status=$?
kill "${READY_WAITER}" 2>/dev/null
if [[ ${stopping} == 1 || ${status} == 130 || ${status} == 143 ]]; then
  echo "Act-As demo stopped. Start it again with ./mvnw -Pdemo package (your changes are kept)."
  exit 0
fi
exit "${status}"
