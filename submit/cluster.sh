#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, on loopback only, from the project's Spark
# runtime (or $SPARK_HOME): one Master and W Workers.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/spark-home.sh"

usage() {
  cat <<USAGE
usage: submit/cluster.sh start|stop|status|executors [--cores N] [--memory M] [--workers W]

  start   start a Master (spark://127.0.0.1:7077, web UI http://127.0.0.1:8080) and W Workers
          (each with N cores and M memory, web UI 8081...), wait until they are registered,
          print the master URL
  status  say whether the master and workers are alive and how many cores are registered
          (exit 0 when the master runs, 1 when it does not)
  stop    stop the workers (and their executors) and the master, and wait for them
  executors  print the pids of the running applications' executor JVMs, one per line

  --cores N     cores per worker (default 2)
  --memory M    memory per worker, e.g. 8g (default 8g)
  --workers W   number of workers (default 1)

Logs, pid files and the workers' work dir live in target/cluster/. Every listener binds to
127.0.0.1 (SPARK_LOCAL_IP). Submit a job as two single-core executors, e.g.

  submit/prepare.sh --master spark://127.0.0.1:7077 --executor-cores 1 --total-executor-cores 2 \\
      --executor-memory 3g -- --mnist data/mnist --out data/prepared

(conf/spark-defaults.conf asks for $(sed -n 's/^spark\.executor\.memory[[:space:]]*//p' "$LAES_ROOT/conf/spark-defaults.conf" | head -n 1) per executor; two executors must fit in the
worker's memory, hence --executor-memory.)
USAGE
}

CLUSTER_DIR="$LAES_ROOT/target/cluster"
MASTER_HOST=127.0.0.1
MASTER_PORT=7077
MASTER_WEBUI_PORT=8080
MASTER_URL="spark://$MASTER_HOST:$MASTER_PORT"
MASTER_CLASS=org.apache.spark.deploy.master.Master
WORKER_CLASS=org.apache.spark.deploy.worker.Worker

# pid of a running daemon from its pid file, verified against /proc (no stale-pid accidents).
daemon_pid() {
  local pidfile="$CLUSTER_DIR/$1.pid" class=$2 pid
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF "$class" || return 1
  echo "$pid"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# GET a path of the master's web UI (curl, else bash's /dev/tcp).
master_get() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 3 "http://$MASTER_HOST:$MASTER_WEBUI_PORT$1" 2>/dev/null
  else
    (exec 3<>"/dev/tcp/$MASTER_HOST/$MASTER_WEBUI_PORT" || exit 1
     printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$1" "$MASTER_HOST" >&3
     timeout 3 cat <&3 | sed '1,/^\r\{0,1\}$/d') 2>/dev/null
  fi
}

# A top-level number of the master's pretty-printed JSON (indented two spaces; workers' fields are deeper).
json_field() { sed -n "s/^  \"$1\" *: *\([0-9][0-9]*\).*/\1/p" | head -n 1; }

worker_names() { (cd "$CLUSTER_DIR" 2>/dev/null && ls worker-*.pid 2>/dev/null | sed 's/\.pid$//' | sort -V) || true; }

# Child processes of a pid (the executors of a worker).
children_of() {
  local s
  for s in /proc/[0-9]*/status; do
    grep -q "^PPid:[[:space:]]*$1\$" "$s" 2>/dev/null && basename "$(dirname "$s")"
  done
  return 0
}

# The executor JVMs of running applications (children of the workers), one pid per line.
executors() {
  local name pid child
  for name in $(worker_names); do
    pid="$(daemon_pid "$name" "$WORKER_CLASS")" || continue
    for child in $(children_of "$pid"); do
      tr '\0' ' ' < "/proc/$child/cmdline" 2>/dev/null | grep -q CoarseGrainedExecutorBackend && echo "$child"
    done
  done
  return 0
}

launch() { # name class args...
  local name=$1; shift
  nohup "$SPARK_HOME_USED/bin/spark-class" "$@" > "$CLUSTER_DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$CLUSTER_DIR/$name.pid"
}

fail_start() {
  echo "error: $1 (log: $2)" >&2
  tail -n 20 "$2" | sed 's/^/  | /' >&2 || true
  stop_all >/dev/null 2>&1 || true
  exit 1
}

start() {
  local cores=$1 memory=$2 workers=$3 i pid
  laes_require_java17
  if daemon_pid master "$MASTER_CLASS" >/dev/null; then
    laes_die "a cluster is already running ($MASTER_URL); stop it first: submit/cluster.sh stop"
  fi
  for i in "$MASTER_PORT" "$MASTER_WEBUI_PORT"; do
    port_in_use "$i" && laes_die "port 127.0.0.1:$i is already in use by another process"
  done
  SPARK_HOME_USED="$(laes_spark_home)" || exit 1
  mkdir -p "$CLUSTER_DIR/work"
  rm -f "$CLUSTER_DIR"/*.pid

  # The master must get exactly its ports (no silent fallback to 7078).
  SPARK_MASTER_OPTS="${SPARK_MASTER_OPTS:-} -Dspark.port.maxRetries=0" \
    launch master "$MASTER_CLASS" --host "$MASTER_HOST" --port "$MASTER_PORT" --webui-port "$MASTER_WEBUI_PORT"
  local deadline=$((SECONDS + 90))
  until master_get /json/ | grep -q '"status" *: *"ALIVE"'; do
    daemon_pid master "$MASTER_CLASS" >/dev/null || fail_start "the master exited" "$CLUSTER_DIR/master.log"
    [ $SECONDS -lt $deadline ] || fail_start "the master did not come up within 90 s" "$CLUSTER_DIR/master.log"
    sleep 0.5
  done

  for ((i = 1; i <= workers; i++)); do
    launch "worker-$i" "$WORKER_CLASS" --host "$MASTER_HOST" --webui-port $((MASTER_WEBUI_PORT + i)) \
      --cores "$cores" --memory "$memory" --work-dir "$CLUSTER_DIR/work" "$MASTER_URL"
  done
  deadline=$((SECONDS + 90))
  until [ "$(master_get /json/ | json_field aliveworkers)" = "$workers" ]; do
    for ((i = 1; i <= workers; i++)); do
      daemon_pid "worker-$i" "$WORKER_CLASS" >/dev/null || fail_start "worker-$i exited" "$CLUSTER_DIR/worker-$i.log"
    done
    [ $SECONDS -lt $deadline ] || fail_start "the workers did not register within 90 s" "$CLUSTER_DIR/master.log"
    sleep 0.5
  done
  laes_log "cluster up: $workers worker(s) x $cores cores x $memory, web UI http://$MASTER_HOST:$MASTER_WEBUI_PORT, logs in $CLUSTER_DIR"
  echo "$MASTER_URL"
}

status() {
  local pid name up=0 json
  if pid="$(daemon_pid master "$MASTER_CLASS")"; then
    up=1
    json="$(master_get /json/ || true)"
    echo "master: running (pid $pid) $MASTER_URL, web UI http://$MASTER_HOST:$MASTER_WEBUI_PORT"
    echo "registered: $(echo "$json" | json_field aliveworkers) alive worker(s), $(echo "$json" | json_field cores) cores ($(echo "$json" | json_field coresused) in use)"
  else
    echo "master: not running"
  fi
  for name in $(worker_names); do
    if pid="$(daemon_pid "$name" "$WORKER_CLASS")"; then
      echo "$name: running (pid $pid)"
    else
      echo "$name: not running"
    fi
  done
  [ "$up" = 1 ]
}

# Sends TERM, waits up to 30 s, then KILLs.
stop_pids() {
  local pid deadline=$((SECONDS + 30))
  [ $# -gt 0 ] || return 0
  kill "$@" 2>/dev/null || true
  for pid in "$@"; do
    while [ -d "/proc/$pid" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if [ -d "/proc/$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
  done
}

stop_all() {
  local name pid pids=() executors=()
  for name in $(worker_names); do
    if pid="$(daemon_pid "$name" "$WORKER_CLASS")"; then
      pids+=("$pid")
      # shellcheck disable=SC2207
      executors+=($(children_of "$pid"))
    fi
  done
  stop_pids "${pids[@]}"
  stop_pids "${executors[@]}"   # normally already gone: a worker kills its executors on shutdown
  if pid="$(daemon_pid master "$MASTER_CLASS")"; then stop_pids "$pid"; fi
  rm -f "$CLUSTER_DIR"/*.pid
  echo "cluster stopped"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
cores=2 memory=8g workers=1
while [ $# -gt 0 ]; do
  case "$1" in
    --cores) cores=${2:?--cores needs a value}; shift 2 ;;
    --memory) memory=${2:?--memory needs a value}; shift 2 ;;
    --workers) workers=${2:?--workers needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown option '$1' (see submit/cluster.sh --help)" >&2; exit 2 ;;
  esac
done
[[ $cores =~ ^[1-9][0-9]*$ ]] || { echo "error: --cores must be a positive integer, got '$cores'" >&2; exit 2; }
[[ $workers =~ ^[1-9][0-9]*$ ]] || { echo "error: --workers must be a positive integer, got '$workers'" >&2; exit 2; }
[[ $memory =~ ^[1-9][0-9]*[mMgG]$ ]] || { echo "error: --memory must look like 4g or 512m, got '$memory'" >&2; exit 2; }

case "$cmd" in
  start) start "$cores" "$memory" "$workers" ;;
  status) status ;;
  stop) stop_all ;;
  executors) executors ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
