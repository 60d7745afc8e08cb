#!/usr/bin/env bash
# The operator's test (issue 10), as root (CI runs it after scripts/test.sh): builds the
# Debian packages, installs them with apt (dependencies from Debian), starts the installed
# host the way its systemd unit does with a config under /etc against a real Kafka broker,
# streams over HTTP, builds both examples out of tree against the installed SDK alone, drops
# them into the plugin directory, restarts the installed host, gets `Accept: text/plain`
# events and resumes them, then purges the packages and checks that nothing is left but the
# system user (which Debian keeps).
#
#   scripts/package-test.sh            (as root; about 2 minutes after the package build)
#
# Environment: PACKAGE_BUILD_DIR (default build-package/), KEEP_WORK=1 keeps the work folder.
# The machine must not have the packages installed for another purpose: they are purged.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
[[ $(id -u) -eq 0 ]] || { echo "package-test: run as root" >&2; exit 2; }

passed=0
failed=0
work="$(mktemp -d /tmp/es-package-test.XXXXXX)"
chmod 755 "${work}"
host_pid=""
stream_pids=()

log() { echo "package-test: $*" >&2; }
pass() {
  passed=$((passed + 1))
  echo "ok ${passed} - $*"
}
fail() {
  failed=$((failed + 1))
  echo "not ok - $*"
  [[ -f "${work}/host.log" ]] && { log "host log tail:"; tail -n 30 "${work}/host.log" >&2; }
  exit 1
}
check() { # check DESCRIPTION COMMAND...
  local what="$1"
  shift
  if "$@"; then pass "${what}"; else fail "${what}"; fi
}

stop_host() {
  if [[ -n "${host_pid}" ]] && kill -0 "${host_pid}" 2>/dev/null; then
    kill -TERM "${host_pid}" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "${host_pid}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${host_pid}" 2>/dev/null || true
  fi
  host_pid=""
}
purge_packages() {
  local installed=()
  for p in eventstreams-dev eventstreams; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "installed" && installed+=("$p")
  done
  if ((${#installed[@]} > 0)); then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${installed[@]}" >/dev/null
  fi
}
cleanup() {
  local status=$?
  set +e
  for pid in "${stream_pids[@]}"; do kill "${pid}" 2>/dev/null; done
  stop_host
  scripts/kafka.sh stop "${work}/kafka" >/dev/null 2>&1
  [[ -n "${plugin_dir:-}" ]] && rm -f "${plugin_dir}/libeventstreams-text-plain.so" \
    "${plugin_dir}/libeventstreams-strip-user-comments.so"
  if [[ ${status} -ne 0 ]]; then purge_packages; fi
  if [[ "${KEEP_WORK:-0}" == 1 ]]; then log "work folder kept: ${work}"; else rm -rf "${work}"; fi
  echo "package-test: ${passed} passed, $((failed + (status != 0 && failed == 0 ? 1 : 0))) failed"
}
trap cleanup EXIT

# Files (outside the package database and caches) that exist now; compared after the purge.
snapshot() {
  find /etc /usr /lib /var/lib /opt -xdev \( -path /var/lib/dpkg -o -path /var/lib/apt \
    -o -path /var/lib/systemd/deb-systemd-helper-enabled -o -path /var/lib/ucf \) -prune -o -print \
    2>/dev/null | sort
}

# --- build and check the packages -------------------------------------------------------------
purge_packages # left by an earlier run that was killed
missing=()
for p in lintian curl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
log "building the packages"
mapfile -t debs < <(scripts/package.sh | tail -n 2)
deb=$(printf '%s\n' "${debs[@]}" | grep '/eventstreams_[^/]*\.deb$' || true)
dev_deb=$(printf '%s\n' "${debs[@]}" | grep '/eventstreams-dev_[^/]*\.deb$' || true)
[[ -f "${deb}" && -f "${dev_deb}" ]] || fail "the packages were built"
pass "built $(basename "${deb}") and $(basename "${dev_deb}")"
version="$(dpkg-deb -f "${deb}" Version)"
project_version="$(sed -n 's/^project(eventstreams VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
check "the package version ${version} is project(VERSION) ${project_version}" \
  test "${version}" = "${project_version}"
check "eventstreams-dev depends on eventstreams (= ${version})" \
  sh -c "dpkg-deb -f '${dev_deb}' Depends | grep -qF 'eventstreams (= ${version})'"
check "eventstreams' Depends come from its shared libraries" \
  sh -c "dpkg-deb -f '${deb}' Depends | grep -q librdkafka1 && dpkg-deb -f '${deb}' Depends | grep -q libc6"

lintian --fail-on error --tag-display-limit 0 "${deb}" "${dev_deb}" >"${work}/lintian.txt" 2>&1 &&
  lintian_ok=1 || lintian_ok=0
sed 's/^/  lintian: /' "${work}/lintian.txt"
check "lintian reports no error on either package" test "${lintian_ok}" = 1

# --- install -----------------------------------------------------------------------------------
snapshot >"${work}/before.txt"
getent passwd eventstreams >/dev/null && had_user=1 || had_user=0
log "installing with apt"
(cd "$(dirname "${deb}")" && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  "./$(basename "${deb}")" "./$(basename "${dev_deb}")") >"${work}/apt-install.log" 2>&1 ||
  { cat "${work}/apt-install.log" >&2; fail "apt-get install"; }
pass "apt-get install ./$(basename "${deb}") ./$(basename "${dev_deb}")"

unit=$(dpkg -L eventstreams | grep '/systemd/system/eventstreams.service$')
plugin_dir=$(dpkg -L eventstreams | grep '/eventstreams/plugins$')
check "the binary is /usr/bin/eventstreams and says version ${version}" \
  test "$(/usr/bin/eventstreams --version)" = "eventstreams ${version}"
check "the plugins are in the multiarch libdir (${plugin_dir})" \
  test "${plugin_dir}" = "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/eventstreams/plugins"
check "config.yaml and streams.yaml are conffiles" \
  sh -c "dpkg-query -W -f='\${Conffiles}' eventstreams | grep -q /etc/eventstreams/config.yaml &&
         dpkg-query -W -f='\${Conffiles}' eventstreams | grep -q /etc/eventstreams/streams.yaml"
check "postinst made the system user eventstreams" \
  sh -c "getent passwd eventstreams | grep -q ':/nonexistent:/usr/sbin/nologin$'"
check "config.yaml is root:eventstreams 0640" \
  test "$(stat -c '%U:%G %a' /etc/eventstreams/config.yaml)" = "root:eventstreams 640"
check "the unit is enabled (multi-user.target.wants)" \
  test -L /etc/systemd/system/multi-user.target.wants/eventstreams.service
# No process of the user eventstreams.
no_service_process() { ! grep -qs "^Uid:[[:space:]]*$(id -u eventstreams)[[:space:]]" /proc/[0-9]*/status; }
check "the unit is not started" no_service_process
if command -v systemd-analyze >/dev/null; then
  man_check=yes
  command -v man >/dev/null || man_check=no
  check "systemd-analyze verify ${unit}" sh -c "systemd-analyze verify --man=${man_check} '${unit}' \
    >'${work}/verify.txt' 2>&1 && ! grep -i eventstreams '${work}/verify.txt'"
else
  log "no systemd-analyze on this machine: the unit is not verified"
fi
check "the host lists its own plugins from the installed directory" \
  sh -c "/usr/bin/eventstreams --list-plugins | grep -qP '^sse\tencoder\t1.0\t${plugin_dir}/libeventstreams-sse-encoder.so\ttext/event-stream$'"

# --- Kafka and the admin's config ------------------------------------------------------------
log "starting Kafka"
bootstrap=$(KAFKA_OWNER_PID=$$ scripts/kafka.sh start "${work}/kafka" | sed -n 's/^bootstrap=//p')
[[ -n "${bootstrap}" ]] || fail "the Kafka broker started"
pass "Kafka broker at ${bootstrap}"
cat >"${work}/create-topic.c" <<'C'
// create-topic BOOTSTRAP TOPIC: one partition, replication 1, waits for the result.
#include <librdkafka/rdkafka.h>
#include <stdio.h>
int main(int argc, char** argv) {
  char err[512];
  if (argc != 3) return 2;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err)) return fprintf(stderr, "%s\n", err), 1;
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) return fprintf(stderr, "%s\n", err), 1;
  rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(argv[2], 1, 1, err, sizeof err);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &topic, 1, NULL, queue);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, 30000);
  int rc = 1;
  if (!ev) {
    fprintf(stderr, "no answer\n");
  } else if (rd_kafka_event_error(ev)) {
    fprintf(stderr, "%s\n", rd_kafka_event_error_string(ev));
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** r =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    if (n == 1 && !rd_kafka_topic_result_error(r[0])) rc = 0;
    else if (n == 1) fprintf(stderr, "%s\n", rd_kafka_topic_result_error_string(r[0]));
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_NewTopic_destroy(topic);
  rd_kafka_queue_destroy(queue);
  rd_kafka_destroy(rk);
  return rc;
}
C
cc -o "${work}/create-topic" "${work}/create-topic.c" $(pkg-config --cflags --libs rdkafka)
topic=eqiad.mediawiki.recentchange
"${work}/create-topic" "${bootstrap}" "${topic}" || fail "topic ${topic} created"
for _ in $(seq 1 100); do
  kcat -b "${bootstrap}" -L -t "${topic}" 2>/dev/null | grep -q "partition 0, leader 1" && break
  sleep 0.1
done
event() { # event N: a recentchange edit of "Page N" by EditorN at 07:00:0N
  printf '{"$schema":"/mediawiki/recentchange/1.0.0","meta":{"dt":"2026-11-28T07:00:0%sZ","domain":"en.wikipedia.org"},"type":"edit","wiki":"enwiki","title":"Page %s","user":"Editor%s","bot":false,"comment":"change %s"}\n' \
    "$1" "$1" "$1" "$1"
}
{ event 1; event 2; event 3; } >"${work}/events.ndjson"
kcat -P -b "${bootstrap}" -t "${topic}" -p 0 -l "${work}/events.ndjson" || fail "events produced"
pass "3 events produced to ${topic} with kcat"

port=""
for _ in $(seq 1 100); do
  p=$((20000 + RANDOM % 12000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/${p}") 2>/dev/null; then port=${p}; break; fi
done
[[ -n "${port}" ]] || fail "a free port"
base="http://127.0.0.1:${port}"
from_start='[{"topic":"'"${topic}"'","partition":0,"offset":0}]'
# What the admin edits: the brokers, the topics, a port; the rest of the template stays.
sed -i -e "s/^port: .*/port: ${port}/" -e "s/^interface: .*/interface: 127.0.0.1/" \
  -e "s/^  metadata.broker.list: .*/  metadata.broker.list: \"${bootstrap}\"/" \
  -e "s/^heartbeat_interval_ms: .*/heartbeat_interval_ms: 1000/" /etc/eventstreams/config.yaml
cat >/etc/eventstreams/streams.yaml <<YAML
mediawiki.recentchange:
  topics: [${topic}]
  stream_aliases: [recentchange]
YAML
check "the edited config checks out, read as the service user" \
  setpriv --reuid=eventstreams --regid=eventstreams --init-groups \
  /usr/bin/eventstreams --check-config --config /etc/eventstreams/config.yaml

# --- the installed host, started as its unit starts it ------------------------------------------
# Without systemd (a container, CI): the unit's ExecStart, as its User and Group, with its
# LimitNOFILE and NoNewPrivileges. With systemd, systemctl would do the same.
exec_start=$(sed -n 's/^ExecStart=//p' "${unit}")
exec_reload=$(sed -n 's/^ExecReload=//p' "${unit}")
nofile=$(sed -n 's/^LimitNOFILE=//p' "${unit}")
# Where the machine's hard limit is lower and cannot be raised (a container without
# CAP_SYS_RESOURCE), as much of it as there is.
hard=$(ulimit -Hn)
if [[ "${hard}" != unlimited && "${hard}" -lt "${nofile}" ]]; then
  log "LimitNOFILE=${nofile} is above this machine's hard limit ${hard}: the host gets ${hard}"
  nofile=${hard}
fi
start_host() {
  : >"${work}/host.log"
  # shellcheck disable=SC2086
  prlimit --nofile="${nofile}:${nofile}" setpriv --reuid=eventstreams --regid=eventstreams \
    --init-groups --no-new-privs ${exec_start} >>"${work}/host.log" 2>&1 &
  host_pid=$!
  for _ in $(seq 1 300); do
    grep -q '"message":"listening"' "${work}/host.log" && return 0
    kill -0 "${host_pid}" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
check "the installed host starts from /etc/eventstreams/config.yaml as user eventstreams" start_host
check "it runs as eventstreams with ${nofile} descriptors (LimitNOFILE)" \
  sh -c "grep -q \"^Uid:[[:space:]]*\$(id -u eventstreams)[[:space:]]\" /proc/${host_pid}/status &&
         grep -q '^Max open files *${nofile} *${nofile}' /proc/${host_pid}/limits"

# stream NAME URL [curl args...]: curl in the background into ${work}/NAME.out
stream() {
  local name="$1" url="$2"
  shift 2
  curl -sN --max-time 60 -D "${work}/${name}.head" "$@" "${url}" >"${work}/${name}.out" 2>/dev/null &
  stream_pids+=($!)
  eval "${name}_pid=$!"
}
# wait_lines NAME PATTERN N: until N lines of NAME.out match, at most 20 s.
wait_lines() {
  for _ in $(seq 1 200); do
    [[ $(grep -c -- "$2" "${work}/$1.out" 2>/dev/null || true) -ge $3 ]] && return 0
    sleep 0.1
  done
  log "$1: wanted $3 lines matching '$2', got:"
  cat "${work}/$1.out" >&2
  return 1
}

stream sse "${base}/v2/stream/recentchange" -H "Last-Event-ID: ${from_start}"
check "GET /v2/stream/recentchange streams the 3 events as SSE" wait_lines sse '^data: {.*"title":"Page [123]"' 3
check "  with ids naming the topic" sh -c "grep -q '^id: \\[{\"topic\":\"${topic}\"' '${work}/sse.out'"
stream ndjson "${base}/v2/stream/recentchange" -H "Accept: application/json" -H "Last-Event-ID: ${from_start}"
check "Accept: application/json streams them as NDJSON" wait_lines ndjson '^{.*"title":"Page' 3

# The admin adds a stream and reloads (the unit's ExecReload: SIGHUP); the server goes on.
cat >>/etc/eventstreams/streams.yaml <<YAML
edits:
  topics: [${topic}]
YAML
eval "${exec_reload//\$MAINPID/${host_pid}}"
check "systemctl reload (the unit's ExecReload) re-reads streams.yaml and the server goes on" \
  sh -c "for i in \$(seq 1 50); do grep -q 'stream config reloaded' '${work}/host.log' && break; sleep 0.1; done
         grep -q 'stream config reloaded' '${work}/host.log' && kill -0 ${host_pid}"
curl -sN --max-time 3 -D "${work}/edits.head" -o /dev/null -H "Last-Event-ID: ${from_start}" \
  "${base}/v2/stream/edits" || true
check "  the new stream is served" grep -q '^HTTP/1.1 200' "${work}/edits.head"

# SIGTERM (systemctl stop) with streams open: each ends with its terminal chunk, exit 0.
kill -TERM "${host_pid}"
status=0
for _ in $(seq 1 150); do kill -0 "${host_pid}" 2>/dev/null || break; sleep 0.1; done
wait "${host_pid}" || status=$?
host_pid=""
check "SIGTERM stops it with exit 0 (${status})" test "${status}" = 0
curl_status=0
wait "${sse_pid}" || curl_status=$?
check "  and the open SSE stream ended cleanly (curl exit ${curl_status})" test "${curl_status}" = 0
curl_status=0
wait "${ndjson_pid}" || curl_status=$?
check "  and the open NDJSON stream ended cleanly (curl exit ${curl_status})" test "${curl_status}" = 0
stream_pids=()

# --- the examples, built out of tree against the installed SDK ----------------------------------
for example in text-plain-encoder strip-user-comments; do
  src="${work}/examples/${example}"
  mkdir -p "${work}/examples"
  cp -r "/usr/share/doc/eventstreams-dev/examples/${example}" "${src}"
  if ! { cmake -S "${src}" -B "${src}/build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
      -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" && cmake --build "${src}/build"; } \
      >"${work}/${example}-build.log" 2>&1; then
    cat "${work}/${example}-build.log" >&2
    fail "${example} builds against the installed SDK"
  fi
  pass "${example} builds from /usr/share/doc/eventstreams-dev/examples with find_package(EventStreamsPluginSDK)"
  commands="${src}/build/compile_commands.json"
  check "  its compile commands name nothing of the project's tree (${repo})" \
    sh -c "test -s '${commands}' && ! grep -qF '${repo}' '${commands}'"
  check "  and include only its own folder and /usr/include" \
    sh -c "! grep -o -e '-I *[^ \"]*' -e '-isystem *[^ \"]*' '${commands}' |
             sed -e 's/^-I *//' -e 's/^-isystem *//' | grep -v -e '^${src}' -e '^/usr/include'"
done
check "text-plain's own unit tests pass" \
  sh -c "cd '${work}/examples/text-plain-encoder/build' && ctest --output-on-failure >'${work}/text-plain-ctest.log' 2>&1"

# The admin drops both into the plugin directory (cmake --install puts a plugin where the
# SDK says the host looks; a copy does the same), names them, restarts the (same) host.
cmake --install "${work}/examples/text-plain-encoder/build" >/dev/null
cp "${work}/examples/strip-user-comments/build/libeventstreams-strip-user-comments.so" "${plugin_dir}/"
check "cmake --install put text-plain into ${plugin_dir}" test -f "${plugin_dir}/libeventstreams-text-plain.so"
sed -i -e "s/^  encoders: \[sse, ndjson\]$/  encoders: [sse, ndjson, text-plain]\n  transforms: [filter, strip-user-comments]\n  config:\n    strip-user-comments: {users: [Editor2]}/" \
  /etc/eventstreams/config.yaml
check "the config names text-plain" grep -q '^  encoders: \[sse, ndjson, text-plain\]$' /etc/eventstreams/config.yaml
/usr/bin/eventstreams --list-plugins --config /etc/eventstreams/config.yaml >"${work}/list.txt" 2>&1 &&
  list_status=0 || list_status=$?
sed 's/^/  list-plugins: /' "${work}/list.txt"
check "--list-plugins exits 0: every plugin the config names is there" test "${list_status}" = 0
check "  it lists text-plain as an encoder of text/plain" \
  grep -qP "^text-plain\tencoder\t1.0\t${plugin_dir}/libeventstreams-text-plain.so\ttext/plain$" "${work}/list.txt"
check "  and strip-user-comments as a transform" \
  grep -qP "^strip-user-comments\ttransform\t1.0\t${plugin_dir}/libeventstreams-strip-user-comments.so\t-$" "${work}/list.txt"
check "the installed host restarts with them" start_host

curl -sf "${base}/?spec" -o "${work}/spec.json" || true
check "  /?spec names text/plain among the stream route's media types" grep -qF '"text/plain"' "${work}/spec.json"
stream text "${base}/v2/stream/recentchange" -H "Accept: text/plain" -H "Last-Event-ID: ${from_start}"
check "Accept: text/plain gets one line per event" wait_lines text '^2026-11-28T07:00:0[123]Z enwiki edit' 3
check "  Content-Type: text/plain; charset=utf-8" grep -qi '^content-type: text/plain; charset=utf-8' "${work}/text.head"
check "  exactly: time, wiki, type, [[title]], user: comment (Editor2's comment stripped)" \
  sh -c "grep -v '^id: ' '${work}/text.out' | grep -v '^$' | head -n 3 | diff -u - /dev/fd/3 3<<'LINES'
2026-11-28T07:00:01Z enwiki edit [[Page 1]] Editor1: change 1
2026-11-28T07:00:02Z enwiki edit [[Page 2]] Editor2
2026-11-28T07:00:03Z enwiki edit [[Page 3]] Editor3: change 3
LINES"
# Resuming as a script does: the last id: line, sent back as Last-Event-ID.
last_id=$(grep '^id: ' "${work}/text.out" | sed -n '1s/^id: //p')
stream resumed "${base}/v2/stream/recentchange" -H "Accept: text/plain" -H "Last-Event-ID: ${last_id}"
check "a text/plain client resumes after its last id: line, without duplicate" \
  sh -c "for i in \$(seq 1 200); do [ \$(grep -c '^2026' '${work}/resumed.out') -ge 2 ] && break; sleep 0.1; done
         grep '^2026' '${work}/resumed.out' | head -n 2 | diff -u - /dev/fd/3 3<<'LINES'
2026-11-28T07:00:02Z enwiki edit [[Page 2]] Editor2
2026-11-28T07:00:03Z enwiki edit [[Page 3]] Editor3: change 3
LINES"
for pid in "${stream_pids[@]}"; do kill "${pid}" 2>/dev/null || true; done
stream_pids=()
stop_host

# --- purge ------------------------------------------------------------------------------------
rm -f "${plugin_dir}/libeventstreams-text-plain.so" "${plugin_dir}/libeventstreams-strip-user-comments.so"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq eventstreams-dev eventstreams >"${work}/purge.log" 2>&1 ||
  { cat "${work}/purge.log" >&2; fail "apt-get purge"; }
pass "apt-get purge eventstreams-dev eventstreams"
check "dpkg knows neither package any more" \
  sh -c "! dpkg-query -W -f='\${Status}\n' eventstreams eventstreams-dev 2>/dev/null | grep -q ."
snapshot >"${work}/after.txt"
# What is new: only files of packages apt pulled in as dependencies, or the user's entries.
comm -13 "${work}/before.txt" "${work}/after.txt" >"${work}/new.txt"
leftover=$(while read -r path; do
  case "${path}" in
    /etc/passwd- | /etc/group- | /etc/shadow- | /etc/gshadow- | /etc/subuid- | /etc/subgid-) continue ;;
    # Folders of systemd's and deb-systemd-helper's state that enabling a unit may create and
    # that stay (empty) for the next unit, as with any debhelper-packaged service.
    /etc/systemd/system/multi-user.target.wants | /var/lib/systemd/deb-systemd-helper-masked) continue ;;
  esac
  dpkg -S "${path}" >/dev/null 2>&1 || echo "${path}"
done <"${work}/new.txt")
[[ -z "${leftover}" ]] || log "left after purge: ${leftover}"
check "nothing is left after purge but files of other packages" test -z "${leftover}"
# (man-db's cache of formatted pages is man-db's: systemd-analyze verify ran man.)
check "  no file named *eventstreams* in /etc, /usr, /lib, /var" \
  sh -c "! find /etc /usr /lib /var -xdev -path /var/cache/man -prune -o -name '*eventstreams*' -print 2>/dev/null | grep ."
if [[ ${had_user} == 0 ]]; then
  check "  the system user eventstreams stays, as Debian policy keeps system users" \
    getent passwd eventstreams
fi
