#!/bin/sh
# Builds an example plugin out of tree as a plugin author would: a copy of its folder (so
# nothing of the project's tree is at hand), configured with only the installed SDK on
# CMAKE_PREFIX_PATH, built with warnings as errors, its own tests run if it has any. Then
# checks the compile commands: every include path is the copy's own, the SDK's or the
# system's, and none names the project's plugin-api/ or host/.
#   build_against_sdk.sh CMAKE CTEST EXAMPLE_DIR WORK_DIR SDK_PREFIX CXX PROJECT_SOURCE_DIR
set -eu
cmake=$1 ctest=$2 example=$3 work=$4 sdk=$5 cxx=$6 project=$7
rm -rf "$work"
mkdir -p "$work"
cp -r "$example" "$work/src"
rm -rf "$work/src/build"
"$cmake" -S "$work/src" -B "$work/build" -DCMAKE_PREFIX_PATH="$sdk" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
"$cmake" --build "$work/build"
if [ -f "$work/build/CTestTestfile.cmake" ]; then
  (cd "$work/build" && "$ctest" --output-on-failure)
fi
commands="$work/build/compile_commands.json"
[ -s "$commands" ] || { echo "no $commands" >&2; exit 1; }
bad=$(grep -o -e '-I *[^ "]*' -e '-isystem *[^ "]*' "$commands" | sed -e 's/^-I *//' -e 's/^-isystem *//' |
  sort -u | while read -r dir; do
    case "$dir" in
      "$work"/* | "$sdk"/* | "$sdk" | /usr/include | /usr/include/*) ;;
      *) echo "$dir" ;;
    esac
  done)
if [ -n "$bad" ]; then
  echo "include paths outside the copy, the SDK and the system: $bad" >&2
  exit 1
fi
if grep -q -e "$project/plugin-api" -e "$project/host" "$commands"; then
  echo "the compile commands name the project's sources:" >&2
  grep -o -e "$project/plugin-api[^ \"]*" -e "$project/host[^ \"]*" "$commands" | sort -u >&2
  exit 1
fi
echo "built against $sdk only: $(grep -c '"command"' "$commands") compile commands checked"
