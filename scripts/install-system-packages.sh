#!/usr/bin/env bash
# Debian/Ubuntu packages the portal needs: PostgreSQL 15 + PostGIS + pgRouting, GDAL/GEOS/PROJ for
# GeoDjango, Chromium for the browser tests, gettext to compile the translations. Installs what is
# missing as root; otherwise says how.
set -euo pipefail

packages=(
  postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting postgresql-client-15
  gdal-bin libgdal32 libgeos-c1v5 libproj25
  python3-venv chromium gettext
)
if [ "${1:-}" = "--with-dev-tools" ]; then
  packages+=(docker-compose)  # lets the test suite validate docker-compose.yml without a Docker engine
  packages+=(redis-server)  # the fault tests stop a real Redis under the portal (tests/faults)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages. Run once as root, then again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
