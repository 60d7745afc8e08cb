#!/usr/bin/env bash
# Fetches and runs a real Apache Kafka broker (combined broker + controller, KRaft mode, no
# ZooKeeper) for the integration tests.
#
#   scripts/kafka.sh fetch                 resolve the broker jars into the cache (idempotent);
#                                          prints libdir=DIR
#   scripts/kafka.sh start DATADIR [PORT]  configure, format and start a broker in DATADIR
#                                          (a DATADIR started before keeps its data);
#                                          PORT 0 or absent picks free ports. Prints
#                                          bootstrap=127.0.0.1:PORT once the broker answers a
#                                          metadata request; writes DATADIR/pid and
#                                          DATADIR/bootstrap
#   scripts/kafka.sh stop DATADIR          SIGTERM, up to 15 s, then SIGKILL
#
# Environment:
#   EVENTSTREAMS_CACHE  cache root (default $HOME/.cache/eventstreams); the jars go to
#                       $EVENTSTREAMS_CACHE/kafka-<version>/
#   KAFKA_OWNER_PID     (start) a process whose death stops the broker: a watchdog kills the
#                       broker if that process ends without calling stop (crash, SIGKILL)
#   KAFKA_OWNER_CLEANUP (start) 1: the watchdog also removes DATADIR after stopping the broker
#   KAFKA_HEAP          (start) JVM heap size (default 512m)
#
# The only network access is Maven's, during fetch.
set -euo pipefail

readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT="${SCRIPT_DIR}/$(basename "${BASH_SOURCE[0]}")"
readonly POM="${SCRIPT_DIR}/kafka/pom.xml"
readonly CACHE_ROOT="${EVENTSTREAMS_CACHE:-${HOME}/.cache/eventstreams}"
readonly VERSIONS=(3.9.1 3.9.0)  # preferred first; the next is tried if one fails to resolve
readonly MARKER=".complete"
readonly START_DEADLINE_S=60
readonly STOP_GRACE_S=15

log() { echo "kafka.sh: $*" >&2; }
die() {
  log "$*"
  exit 1
}

usage() {
  sed -n '2,/^set -euo/p' "${SCRIPT}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

# Prints the directory of the first complete cached jar set, or nothing.
cached_libdir() {
  local v
  for v in "${VERSIONS[@]}"; do
    if [[ -f "${CACHE_ROOT}/kafka-${v}/${MARKER}" ]]; then
      echo "${CACHE_ROOT}/kafka-${v}"
      return 0
    fi
  done
  return 0
}

# Resolves the jars of one version into its cache directory. Returns non-zero on failure.
fetch_version() {
  local v="$1"
  local dest="${CACHE_ROOT}/kafka-${v}"
  local tmp="${dest}.tmp.$$"
  rm -rf "${tmp}"
  mkdir -p "${tmp}"
  log "resolving Apache Kafka ${v} with Maven into ${dest}"
  if ! mvn -q -B -f "${POM}" -Dkafka.version="${v}" dependency:copy-dependencies \
    -DoutputDirectory="${tmp}" -DincludeScope=runtime >"${tmp}.log" 2>&1; then
    log "mvn failed for Kafka ${v}:"
    tail -n 30 "${tmp}.log" >&2 || true
    rm -rf "${tmp}" "${tmp}.log"
    return 1
  fi
  if [[ ! -f "${tmp}/kafka_2.13-${v}.jar" ]]; then
    log "mvn succeeded but kafka_2.13-${v}.jar is missing"
    rm -rf "${tmp}" "${tmp}.log"
    return 1
  fi
  rm -f "${tmp}.log"
  (cd "${tmp}" && ls -1 ./*.jar | sed 's|^\./||') >"${tmp}/${MARKER}.tmp"
  mv "${tmp}/${MARKER}.tmp" "${tmp}/${MARKER}"
  rm -rf "${dest}"
  mv "${tmp}" "${dest}"
  return 0
}

# Prints the jar directory, fetching it first when the cache is incomplete.
ensure_libdir() {
  local dir
  dir="$(cached_libdir)"
  if [[ -n "${dir}" ]]; then
    echo "${dir}"
    return 0
  fi
  mkdir -p "${CACHE_ROOT}"
  # Serialise concurrent fetches (several test binaries may start at once).
  exec 9>"${CACHE_ROOT}/.kafka-fetch.lock"
  flock 9
  dir="$(cached_libdir)"
  if [[ -z "${dir}" ]]; then
    rm -rf "${CACHE_ROOT}"/kafka-*.tmp.* # left by an interrupted fetch (we hold the lock)
    command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
    local v
    for v in "${VERSIONS[@]}"; do
      if fetch_version "${v}"; then
        dir="${CACHE_ROOT}/kafka-${v}"
        break
      fi
    done
  fi
  exec 9>&-
  [[ -n "${dir}" ]] || die "could not resolve any of Kafka ${VERSIONS[*]}"
  echo "${dir}"
}

cmd_fetch() {
  local dir
  dir="$(ensure_libdir)"
  echo "libdir=${dir}"
}

# True when a socket uses local port P (with "listen": only a listening one).
port_in_use() {
  local p="$1" states="-Htan"
  [[ "${2:-}" == listen ]] && states="-Htln"
  if command -v ss >/dev/null; then
    [[ -n "$(ss "${states}" "( sport = :${p} )" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/${p}") 2>/dev/null
  fi
}

# A free port below the kernel's ephemeral range, so it does not collide with the local ends
# of outgoing connections.
pick_port() {
  local p avoid="${1:-0}" i
  for i in $(seq 1 200); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
    if [[ "${p}" != "${avoid}" ]] && ! port_in_use "${p}"; then
      echo "${p}"
      return 0
    fi
  done
  die "no free port found"
}

# A Kafka Uuid: 16 random bytes, URL-safe base64 without padding (22 characters), not starting
# with '-' (as kafka.tools.StorageTool random-uuid guarantees), saving a JVM start.
random_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    if [[ ${#id} -eq 22 && "${id}" != -* ]]; then
      echo "${id}"
      return 0
    fi
  done
}

write_config() {
  local datadir="$1" port="$2" cport="$3"
  cat >"${datadir}/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${cport}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${cport}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${datadir}/logs
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
# Retention checks every second so tests can age events out with per-topic retention.ms.
log.retention.check.interval.ms=1000
EOF
  cat >"${datadir}/log4j.properties" <<EOF
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

# True when PID is alive and is the broker started for DATADIR (guards against pid reuse).
is_our_broker() {
  local pid="$1" datadir="$2"
  [[ -n "${pid}" && -r "/proc/${pid}/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF "${datadir}/server.properties"
}

# True when the broker PID listens on PORT and answers a metadata request there.
broker_ready() {
  local port="$1" pid="$2"
  # A cheap TCP check first: kcat against a closed port waits out librdkafka's reconnect
  # backoff.
  (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null || return 1
  # The listener must be our broker's, not another process's on the same port.
  if command -v ss >/dev/null; then
    ss -Htlnp "( sport = :${port} )" 2>/dev/null | grep -q "pid=${pid}," || return 1
  fi
  timeout 10 kcat -b "127.0.0.1:${port}" -L -m 5 -q 2>/dev/null | grep -q "broker 1 at"
}

print_log_tail() {
  local datadir="$1"
  if [[ -f "${datadir}/broker.log" ]]; then
    log "broker log tail (${datadir}/broker.log):"
    tail -n 60 "${datadir}/broker.log" >&2 || true
  fi
}

cmd_start() {
  [[ $# -ge 1 && $# -le 2 ]] || usage
  local datadir="$1" want_port="${2:-0}"
  [[ "${want_port}" =~ ^[0-9]+$ ]] || die "bad port: ${want_port}"
  command -v java >/dev/null || die "java not found"
  command -v kcat >/dev/null || die "kcat not found"
  mkdir -p "${datadir}"
  datadir="$(cd "${datadir}" && pwd)"

  if [[ -f "${datadir}/pid" ]] && is_our_broker "$(cat "${datadir}/pid")" "${datadir}"; then
    die "a broker is already running for ${datadir} (pid $(cat "${datadir}/pid"))"
  fi
  rm -f "${datadir}/pid" "${datadir}/bootstrap"

  local libdir
  libdir="$(ensure_libdir)"
  local cp="${libdir}/*"
  local heap="${KAFKA_HEAP:-512m}"

  local attempts=1
  [[ "${want_port}" == 0 ]] && attempts=3
  local attempt port cport pid formatted=0
  # A restart on the same data: the log directory keeps its cluster id (formatting it again
  # with a new id would make the broker refuse to start).
  [[ -f "${datadir}/logs/meta.properties" ]] && formatted=1
  for attempt in $(seq 1 "${attempts}"); do
    if [[ "${want_port}" == 0 ]]; then
      port="$(pick_port)"
    else
      port="${want_port}"
      if port_in_use "${port}" listen; then die "port ${port} is already in use"; fi
    fi
    cport="$(pick_port "${port}")"
    write_config "${datadir}" "${port}" "${cport}"

    if [[ "${formatted}" == 0 ]]; then
      if ! java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "${cp}" \
        kafka.tools.StorageTool format --ignore-formatted \
        -t "$(random_cluster_id)" -c "${datadir}/server.properties" \
        >"${datadir}/format.log" 2>&1; then
        log "formatting the log directory failed:"
        cat "${datadir}/format.log" >&2
        exit 1
      fi
      formatted=1
    fi

    : >"${datadir}/broker.log"
    java "-Xmx${heap}" "-Xms${heap}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -Djava.awt.headless=true -Dlog4j.configuration="file:${datadir}/log4j.properties" \
      -cp "${cp}" kafka.Kafka "${datadir}/server.properties" \
      </dev/null >>"${datadir}/broker.log" 2>&1 &
    pid=$!
    echo "${pid}" >"${datadir}/pid"

    if [[ -n "${KAFKA_OWNER_PID:-}" ]]; then
      # Watchdog: stops the broker if the owner dies without calling stop. Fully detached
      # from our stdout/stderr so that a caller reading our output sees EOF when we exit.
      nohup bash -c 'tail --pid="$1" -f /dev/null 2>/dev/null || true
          "$2" stop "$3" || true
          if [[ "$4" == 1 ]]; then rm -rf "$3"; fi' \
        kafka-watchdog "${KAFKA_OWNER_PID}" "${SCRIPT}" "${datadir}" "${KAFKA_OWNER_CLEANUP:-0}" \
        </dev/null >/dev/null 2>&1 &
      echo "$!" >"${datadir}/watchdog.pid"
    fi

    local deadline=$((SECONDS + START_DEADLINE_S))
    while :; do
      if ! kill -0 "${pid}" 2>/dev/null; then
        break
      fi
      if broker_ready "${port}" "${pid}"; then
        echo "127.0.0.1:${port}" >"${datadir}/bootstrap"
        echo "bootstrap=127.0.0.1:${port}"
        return 0
      fi
      if ((SECONDS >= deadline)); then
        log "broker did not answer a metadata request on 127.0.0.1:${port}" \
          "within ${START_DEADLINE_S} s"
        print_log_tail "${datadir}"
        cmd_stop "${datadir}" || true
        exit 1
      fi
      sleep 0.1
    done

    # The broker exited during start-up.
    wait "${pid}" 2>/dev/null || true
    rm -f "${datadir}/pid"
    kill_watchdog "${datadir}"
    if [[ "${attempt}" -lt "${attempts}" ]] &&
      grep -q "Address already in use" "${datadir}/broker.log"; then
      log "port ${port} or ${cport} was taken meanwhile; retrying with other ports"
      continue
    fi
    log "the broker exited during start-up"
    print_log_tail "${datadir}"
    exit 1
  done
}

kill_watchdog() {
  local datadir="$1" wpid
  if [[ -f "${datadir}/watchdog.pid" ]]; then
    wpid="$(cat "${datadir}/watchdog.pid")"
    rm -f "${datadir}/watchdog.pid"
    # Only when it is still our watchdog (its command line names the data directory), and not
    # ourselves (the watchdog calls stop).
    if [[ "${wpid}" != "$$" && "${wpid}" != "${PPID}" && -r "/proc/${wpid}/cmdline" ]] &&
      tr '\0' ' ' <"/proc/${wpid}/cmdline" | grep -qF "kafka-watchdog" &&
      tr '\0' ' ' <"/proc/${wpid}/cmdline" | grep -qF "${datadir}"; then
      pkill -TERM -P "${wpid}" 2>/dev/null || true # its tail
      kill -TERM "${wpid}" 2>/dev/null || true
    fi
  fi
}

cmd_stop() {
  [[ $# -eq 1 ]] || usage
  local datadir="$1"
  [[ -d "${datadir}" ]] || return 0
  datadir="$(cd "${datadir}" && pwd)"
  kill_watchdog "${datadir}"
  [[ -f "${datadir}/pid" ]] || return 0
  local pid
  pid="$(cat "${datadir}/pid")"
  if is_our_broker "${pid}" "${datadir}"; then
    kill -TERM "${pid}" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_GRACE_S))
    while is_our_broker "${pid}" "${datadir}" && ((SECONDS < deadline)); do
      sleep 0.1
    done
    if is_our_broker "${pid}" "${datadir}"; then
      log "broker ${pid} did not stop within ${STOP_GRACE_S} s; killing it"
      kill -KILL "${pid}" 2>/dev/null || true
      while is_our_broker "${pid}" "${datadir}"; do sleep 0.1; done
    fi
  fi
  rm -f "${datadir}/pid" "${datadir}/bootstrap"
}

main() {
  [[ $# -ge 1 ]] || usage
  local cmd="$1"
  shift
  case "${cmd}" in
    fetch) [[ $# -eq 0 ]] || usage; cmd_fetch ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
