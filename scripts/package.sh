#!/usr/bin/env bash
# Builds the Debian packages, as root or through sudo for the packages it needs:
#   build-package/eventstreams_<version>_<arch>.deb      the server, plugins, conffiles, unit
#   build-package/eventstreams-dev_<version>_<arch>.deb  the plugin SDK and the examples
# with the prefix /usr (multiarch libdir, /etc), Debian's hardening build flags and no tests,
# in $PACKAGE_BUILD_DIR (default build-package/). Prints the paths of the two files.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# cpack's shlibdeps needs dpkg-shlibdeps (dpkg-dev) and file.
missing=()
for p in dpkg-dev file; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build="${PACKAGE_BUILD_DIR:-build-package}"
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cppflags="$(dpkg-buildflags --get CPPFLAGS)"
export CFLAGS="$(dpkg-buildflags --get CFLAGS) ${cppflags}"
export CXXFLAGS="$(dpkg-buildflags --get CXXFLAGS) ${cppflags}"
export LDFLAGS="$(dpkg-buildflags --get LDFLAGS)"
# The flags are read when the build directory is first configured.
cmake -S . -B "${build}" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
  -DES_BUILD_TESTS=OFF >/dev/null
cmake --build "${build}" -j "${JOBS:-2}"
rm -f "${build}"/*.deb
(cd "${build}" && cpack -G DEB >/dev/null)
ls -1 "${build}"/eventstreams_*.deb "${build}"/eventstreams-dev_*.deb
