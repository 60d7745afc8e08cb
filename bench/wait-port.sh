# Sourced by bench scripts: wait_port PORT PID waits (<= 60 s) until 127.0.0.1:PORT accepts a
# connection; fails early when PID died (the server that was to listen there).
wait_port() {
  local i
  for ((i = 0; i < 600; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
