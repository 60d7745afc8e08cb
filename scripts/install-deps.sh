#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the server and the tests need (idempotent: only
# what is missing is installed). Java 17 and Maven fetch and run the Kafka broker for tests;
# python3-venv holds the pinned Python tools of the spec and metrics tests
# (scripts/python-venv.sh).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libpoco-dev librdkafka-dev libyaml-cpp-dev libboost-dev libgtest-dev libgmock-dev
  rapidjson-dev
  prometheus-cpp-dev  # /metrics (host/services/metrics_registry)
  zlib1g-dev  # compressed streams (host/pipeline/deflater)
  openjdk-17-jre-headless maven kcat
  openssl  # the https tests make their own CA
  chromium  # the UI test (tests/integration/ui) drives it headless
  python3 python3-venv  # the spec test's OpenAPI validator
  # CI's sanitizer and fuzz builds (CMakePresets.json): clang 14 with its sanitizer and
  # libFuzzer runtimes, llvm-symbolizer for readable reports, ccache to share objects.
  clang-14 libclang-rt-14-dev llvm-14 ccache
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A JDK from elsewhere (e.g. a Temurin install) serves as well as Debian's JRE.
if command -v java >/dev/null 2>&1; then
  missing=("${missing[@]/openjdk-17-jre-headless/}")
fi
if command -v mvn >/dev/null 2>&1; then
  missing=("${missing[@]/maven/}")
fi
# Node.js and npm run the UI test's browser driver; a Node.js from elsewhere serves as well.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
read -r -a missing <<<"${missing[*]}"
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
