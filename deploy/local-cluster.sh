#!/usr/bin/env bash
# deploy/local-cluster.sh — the production topology on loopback, in one command:
#
#   PostgreSQL ── N silos (grains + the API) ── M gateways (the API as Orleans clients)
#
# Usage: deploy/local-cluster.sh [options]
#   -s, --silos N          silos to start (default 3)
#   -g, --gateways M       gateways to start (default 2)
#   -c, --configuration C  build configuration (default Release)
#   -p, --base-port P      first port of the port plan below (default 7100)
#   -t, --timeout S        seconds to wait for every /health/ready (default 180)
#   -k, --keep             keep the temporary directory (logs, database) after stopping
#   -h, --help
#
# Port plan (printed once the cluster is ready; fixed so that URLs are predictable, below the ephemeral range that tests and
# bench/run.sh draw free ports from, and away from the defaults 5080/5081/11111/30000 of a plain `dotnet run`):
#   P        PostgreSQL (only when this script starts one)
#   P+i      silo i HTTP            (7101, 7102, …)
#   P+100+j  gateway j HTTP         (7201, 7202, …)
#   P+200+i  silo i silo-to-silo    (7301, …)
#   P+300+i  silo i Orleans gateway (7401, …; where gateways connect)
#
# PostgreSQL: a throwaway server (initdb in the temporary directory, loopback only) unless ConnectionStrings__Presence
# is set, in which case that database is used as it is (the silos apply the schema themselves).
# Every process runs in Development, so the dev app exists: org demo, app demo, demo-client / demo-secret.
# Ctrl+C stops everything: gateways, then silos (SIGTERM: grains deactivate with their state written), then
# PostgreSQL; then the temporary directory is removed. A second Ctrl+C kills whatever is still running.
# Killing one process on purpose (kill -9 <pid>) is fine: the script reports it and keeps the rest running.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

SILOS=3
GATEWAYS=2
CONFIGURATION=Release
BASE_PORT=7100
READY_TIMEOUT=180
KEEP=0

WORK=""          # temporary directory: bin/, logs/, pg/
PG_BIN=""        # set when this script runs its own PostgreSQL
PG_PORT=""
CONNECTION_STRING=""
CLUSTER_ID=""
FORCE=0          # set by a second Ctrl+C during shutdown
STOPPING=0       # set once cleanup has begun

# One entry per started process, same index in each array.
NAMES=()
PIDS=()
HTTP=()
ORLEANS=()       # silo-to-silo / Orleans gateway ports ("-" for gateways)
LOGS=()
EXITED=()        # exit status once the process is gone, "" while it runs

log() { printf '[local-cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

# shellcheck disable=SC2015  # `check && check || die` is meant: die when either check fails
parse_args() {
  while (($#)); do
    case $1 in
      -s|--silos) SILOS=${2:?"$1 needs a number"}; shift 2 ;;
      -g|--gateways) GATEWAYS=${2:?"$1 needs a number"}; shift 2 ;;
      -c|--configuration) CONFIGURATION=${2:?"$1 needs a name"}; shift 2 ;;
      -p|--base-port) BASE_PORT=${2:?"$1 needs a port"}; shift 2 ;;
      -t|--timeout) READY_TIMEOUT=${2:?"$1 needs seconds"}; shift 2 ;;
      -k|--keep) KEEP=1; shift ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; die "unknown option '$1'" ;;
    esac
  done
  [[ $SILOS =~ ^[0-9]+$ ]] && ((SILOS >= 1 && SILOS <= 99)) || die "--silos must be 1–99 (the port plan has room for 99)"
  [[ $GATEWAYS =~ ^[0-9]+$ ]] && ((GATEWAYS <= 99)) || die "--gateways must be 0–99"
  [[ $BASE_PORT =~ ^[0-9]+$ ]] && ((BASE_PORT >= 1024 && BASE_PORT + 399 <= 65535)) || die "--base-port must leave room for P..P+399"
  [[ $READY_TIMEOUT =~ ^[0-9]+$ ]] || die "--timeout must be a number of seconds"
}

silo_http_port()    { echo $((BASE_PORT + $1)); }
gateway_http_port() { echo $((BASE_PORT + 100 + $1)); }
silo_port()         { echo $((BASE_PORT + 200 + $1)); }
silo_gateway_port() { echo $((BASE_PORT + 300 + $1)); }

# Something answers a TCP connect on this loopback port (bash's /dev/tcp; no extra tools needed).
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Fail before building or starting anything when a planned port is taken (another run, another service).
check_ports() {
  local ports=() port i
  [[ -z ${ConnectionStrings__Presence:-} ]] && ports+=("$BASE_PORT")
  for ((i = 1; i <= SILOS; i++)); do ports+=("$(silo_http_port "$i")" "$(silo_port "$i")" "$(silo_gateway_port "$i")"); done
  for ((i = 1; i <= GATEWAYS; i++)); do ports+=("$(gateway_http_port "$i")"); done
  for port in "${ports[@]}"; do
    if port_in_use "$port"; then
      die "port $port is in use (another local cluster?); choose other ports with --base-port"
    fi
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Build

# Publish into the temporary directory rather than running from src/*/bin: other builds on this machine (Debug
# builds, tests) can then rewrite src/*/bin while this cluster runs, and the copy disappears with the directory.
build() {
  local project out
  for project in Silo Gateway; do
    out="$WORK/bin/${project,,}"
    log "building $project ($CONFIGURATION) → $out"
    if ! dotnet publish "$ROOT/src/$project/Presence.$project.csproj" -c "$CONFIGURATION" -o "$out" \
        --nologo >"$WORK/logs/build-${project,,}.log" 2>&1; then
      tail -n 40 "$WORK/logs/build-${project,,}.log" >&2
      die "dotnet publish of src/$project failed (full output above and in $WORK/logs/build-${project,,}.log)"
    fi
  done
}

# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL

# PostgreSQL refuses to run as root; root runs the server tools as the postgres account that the Debian package
# creates (as tests/Testing/PostgresServer.cs does). cd /tmp: the postgres user may not be able to read our cwd.
run_pg() {
  if ((EUID == 0)); then (cd /tmp && runuser -u postgres -- "$@"); else "$@"; fi
}

# Finds the server binaries before anything is built, so that a missing PostgreSQL fails at once.
find_postgres() {
  if [[ -n ${ConnectionStrings__Presence:-} ]]; then
    CONNECTION_STRING=$ConnectionStrings__Presence
    log "using the PostgreSQL of ConnectionStrings__Presence"
    return
  fi
  PG_BIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  if [[ -z $PG_BIN || ! -x $PG_BIN/initdb ]]; then
    die "no PostgreSQL server under /usr/lib/postgresql/*/bin: install it (apt-get install -y postgresql) or set ConnectionStrings__Presence"
  fi
  if ((EUID == 0)) && ! id postgres >/dev/null 2>&1; then
    die "running as root needs the postgres account to run the server (apt-get install -y postgresql creates it)"
  fi
}

start_postgres() {
  [[ -n $PG_BIN ]] || return 0
  PG_PORT=$BASE_PORT
  mkdir -p "$WORK/pg/sock"
  if ((EUID == 0)); then
    chmod 711 "$WORK"                # let the postgres user reach its directory inside ours
    chown -R postgres: "$WORK/pg"
  fi
  log "starting PostgreSQL ($PG_BIN) on 127.0.0.1:$PG_PORT"
  run_pg "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$WORK/logs/initdb.log" 2>&1 \
    || { cat "$WORK/logs/initdb.log" >&2; die "initdb failed"; }
  # fsync=off: a throwaway database; only an operating-system crash could lose data, and then it is thrown away anyway.
  run_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $WORK/pg/sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null \
    || { tail -n 20 "$WORK/pg/server.log" >&2; die "PostgreSQL did not start"; }
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres presence
  CONNECTION_STRING="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=presence"
}

stop_postgres() {
  [[ -n $PG_BIN && -f $WORK/pg/data/postmaster.pid ]] || return 0
  log "stopping PostgreSQL"
  # fast: disconnect clients and shut down cleanly (the silos are gone by now).
  run_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m fast -w -t 30 stop >/dev/null \
    || run_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate -w -t 30 stop >/dev/null \
    || log "warning: PostgreSQL did not stop"
}

# ---------------------------------------------------------------------------------------------------------------
# Silos and gateways

# Starts one process in the background with its output in a log file. Background jobs of a script ignore SIGINT,
# so a Ctrl+C reaches only this script, which then stops the processes in order (gateways, silos, database).
launch() {
  local name=$1 http=$2 orleans=$3 dll=$4
  shift 4
  local logfile="$WORK/logs/$name.log"
  # POD_IP unset: the advertised address must be loopback here (Presence:Cluster:AdvertisedAddress says so too).
  env -u POD_IP \
    ASPNETCORE_ENVIRONMENT=Development \
    ASPNETCORE_URLS="$http" \
    DOTNET_gcServer=0 \
    ConnectionStrings__Presence="$CONNECTION_STRING" \
    Presence__Cluster__Provider=Postgres \
    Presence__Cluster__ClusterId="$CLUSTER_ID" \
    "$@" \
    dotnet "$dll" >"$logfile" 2>&1 &
  NAMES+=("$name") PIDS+=("$!") HTTP+=("$http") ORLEANS+=("$orleans") LOGS+=("$logfile") EXITED+=("")
}

# DOTNET_gcServer=0 (above): N+M server-GC processes on a small machine would each size their heaps for every core.
start_processes() {
  local i
  for ((i = 1; i <= SILOS; i++)); do
    launch "silo$i" "http://127.0.0.1:$(silo_http_port "$i")" "$(silo_port "$i")/$(silo_gateway_port "$i")" \
      "$WORK/bin/silo/Presence.Silo.dll" \
      Presence__Storage__Provider=Postgres \
      Presence__Cluster__SiloPort="$(silo_port "$i")" \
      Presence__Cluster__GatewayPort="$(silo_gateway_port "$i")" \
      Presence__Cluster__AdvertisedAddress=127.0.0.1
  done
  # Gateways need no silo to start: they keep retrying and turn ready once connected.
  for ((i = 1; i <= GATEWAYS; i++)); do
    launch "gateway$i" "http://127.0.0.1:$(gateway_http_port "$i")" "-" \
      "$WORK/bin/gateway/Presence.Gateway.dll"
  done
  log "started ${#PIDS[@]} processes (cluster id $CLUSTER_ID)"
}

# Status code of /health/ready, or 000 when nothing answers.
ready_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1/health/ready" || true; }

# Marks processes that exited; prints each once. Returns 1 when any process has exited since the last call.
reap_exited() {
  local i status changed=0
  for i in "${!PIDS[@]}"; do
    [[ -z ${EXITED[$i]} ]] || continue
    kill -0 "${PIDS[$i]}" 2>/dev/null && continue
    status=0
    wait "${PIDS[$i]}" 2>/dev/null || status=$?
    EXITED[i]=$status
    if ((STOPPING)); then
      log "  ${NAMES[$i]} exited with status $status"
    else
      log "${NAMES[$i]} (pid ${PIDS[$i]}) exited with status $status — log: ${LOGS[$i]}"
    fi
    changed=1
  done
  return $((changed))
}

# Waits until every process answers 200 on /health/ready, printing progress; gives up at the deadline or when a
# process exits during start (its log's tail is printed).
wait_until_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT)) started=$SECONDS last_report=-1 i code ready waiting
  local -A is_ready=()
  log "waiting for /health/ready of every process (up to ${READY_TIMEOUT}s)"
  while :; do
    if ! reap_exited; then
      for i in "${!PIDS[@]}"; do
        [[ -n ${EXITED[$i]} ]] && { tail -n 30 "${LOGS[$i]}" >&2; die "${NAMES[$i]} exited while starting"; }
      done
    fi
    ready=0 waiting=""
    for i in "${!PIDS[@]}"; do
      if [[ -n ${is_ready[$i]:-} ]]; then ready=$((ready + 1)); continue; fi
      code=$(ready_status "${HTTP[$i]}")
      if [[ $code == 200 ]]; then
        is_ready[$i]=1
        ready=$((ready + 1))
        log "  ${NAMES[$i]} ready after $((SECONDS - started))s"
      else
        waiting+=" ${NAMES[$i]}($([[ $code == 000 ]] && echo 'no answer' || echo "$code"))"
      fi
    done
    ((ready == ${#PIDS[@]})) && return 0
    if ((SECONDS >= deadline)); then
      die "not ready after ${READY_TIMEOUT}s:$waiting — see the logs in $WORK/logs (and --timeout)"
    fi
    # A progress line every 5 s: who is still starting and what its probe says (503 = live, not ready yet).
    if (((SECONDS - started) / 5 != last_report)); then
      last_report=$(((SECONDS - started) / 5))
      log "  $ready/${#PIDS[@]} ready after $((SECONDS - started))s; waiting for:$waiting"
    fi
    sleep 1
  done
}

print_summary() {
  local i first_gateway first_silo second_silo
  printf '\n%-10s %-8s %-24s %-20s %s\n' PROCESS PID HTTP "ORLEANS silo/gw" LOG
  [[ -n $PG_BIN ]] && printf '%-10s %-8s %-24s %-20s %s\n' postgres "-" "127.0.0.1:$PG_PORT" "-" "$WORK/pg/server.log"
  for i in "${!PIDS[@]}"; do
    printf '%-10s %-8s %-24s %-20s %s\n' "${NAMES[$i]}" "${PIDS[$i]}" "${HTTP[$i]}" "${ORLEANS[$i]}" "${LOGS[$i]}"
  done
  first_silo="http://127.0.0.1:$(silo_http_port 1)"
  second_silo="http://127.0.0.1:$(silo_http_port $((SILOS > 1 ? 2 : 1)))"
  first_gateway=$first_silo
  ((GATEWAYS > 0)) && first_gateway="http://127.0.0.1:$(gateway_http_port 1)"
  # The database: ours is printed for psql; an external one's string may hold a password, so it is not echoed.
  if [[ -n $PG_BIN ]]; then
    printf '\nConnectionStrings__Presence=%s\n  (psql: %s/psql -h 127.0.0.1 -p %s -U postgres presence)\n' \
      "$CONNECTION_STRING" "$PG_BIN" "$PG_PORT"
  else
    printf '\nConnectionStrings__Presence: the one set in the environment\n'
  fi
  cat <<EOF

Try it (the dev app; a change through one process is seen through any other):
  TOKEN=\$(curl -s -X POST $first_gateway/demo/demo/token -H 'Content-Type: application/json' \\
    -d '{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret"}' \\
    | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  curl -s -X POST $first_gateway/demo/demo/users/alice/presence/web_1/busy \\
    -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' -d '{"ext":"in a meeting"}'
  curl -s -X POST $second_silo/demo/demo/users/bob/presence \\
    -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' -d '{"usernames":["alice"]}'

Failover: kill -9 a silo's pid and repeat the last call (users are served again within ~10 s).
Press Ctrl+C to stop everything.
EOF
}

# Keeps running until Ctrl+C, reporting processes that exit meanwhile (a silo killed on purpose, a crash).
watch_processes() {
  while :; do
    reap_exited || true
    sleep 2 &
    wait $! || true   # a signal interrupts wait at once (a foreground sleep would delay the trap)
  done
}

# Sends SIGTERM to the named group's running processes and waits for them (until the deadline or a second Ctrl+C),
# then SIGKILLs what is left.
stop_group() {
  local prefix=$1 timeout=$2 i pids=() deadline
  for i in "${!PIDS[@]}"; do
    [[ ${NAMES[$i]} == "$prefix"* && -z ${EXITED[$i]} ]] || continue
    kill -TERM "${PIDS[$i]}" 2>/dev/null && pids+=("$i")
  done
  ((${#pids[@]})) || return 0
  log "stopping ${#pids[@]} ${prefix}(s) (SIGTERM, up to ${timeout}s)"
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline && !FORCE)); do
    reap_exited || true
    local running=0
    for i in "${pids[@]}"; do [[ -z ${EXITED[$i]} ]] && running=1; done
    ((running)) || return 0
    sleep 0.5 & wait $! || true
  done
  for i in "${pids[@]}"; do
    if [[ -z ${EXITED[$i]} ]] && kill -0 "${PIDS[$i]}" 2>/dev/null; then
      log "warning: ${NAMES[$i]} did not stop in time; killing it"
      kill -KILL "${PIDS[$i]}" 2>/dev/null || true
      wait "${PIDS[$i]}" 2>/dev/null || true
      EXITED[i]=killed
    fi
  done
}

# The EXIT trap: runs once, whatever ended the script (Ctrl+C, SIGTERM, an error while starting).
cleanup() {
  local status=$?
  set +e
  STOPPING=1
  trap 'FORCE=1; log "second interrupt: killing what is left"' INT TERM HUP
  # Order matters: gateways first (their sockets close with 1001 and nothing new reaches the silos), then silos
  # (they deactivate grains and write state, so PostgreSQL must still be up), then PostgreSQL.
  stop_group gateway 30
  stop_group silo 60
  stop_postgres
  if [[ -n $WORK && -d $WORK ]]; then
    if ((KEEP)); then log "kept $WORK (logs in $WORK/logs)"; else rm -rf "$WORK"; log "removed $WORK"; fi
  fi
  exit "$status"
}

# A script started in the background by another script (`local-cluster.sh &`) inherits SIGINT ignored, and bash
# cannot trap a signal that was ignored on entry: re-exec once with SIGINT restored, so that `kill -INT` stops
# the cluster as Ctrl+C does. (Its children still ignore SIGINT: bash does that for every background job.)
restore_sigint() {
  [[ -z ${LOCAL_CLUSTER_SIGINT_RESTORED:-} && -r /proc/$$/status ]] || return 0
  local ignored
  ignored=$(awk '/^SigIgn:/ { print $2 }' "/proc/$$/status")
  if (((16#$ignored >> 1) & 1)) && env --default-signal=INT true 2>/dev/null; then
    LOCAL_CLUSTER_SIGINT_RESTORED=1 exec env --default-signal=INT "${BASH_SOURCE[0]}" "$@"
  fi
}

main() {
  restore_sigint "$@"
  parse_args "$@"
  command -v dotnet >/dev/null || die "dotnet is not on PATH"
  command -v curl >/dev/null || die "curl is not on PATH"
  check_ports
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/presence-local-cluster.XXXXXX")
  mkdir -p "$WORK/logs" "$WORK/bin"
  # From here on, every way out (error, Ctrl+C, SIGTERM, closed terminal) goes through cleanup.
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  log "working directory $WORK"
  # A fresh cluster id per run: a reused database keeps old runs' membership rows (a silo killed with -9 stays Active
  # there), which new silos of the same cluster would first have to probe and vote dead.
  # The service id (grain state, reminders) stays the default, so state survives from run to run on a reused database.
  CLUSTER_ID="local-$(date +%s)"
  find_postgres
  build
  start_postgres
  start_processes
  wait_until_ready
  print_summary
  watch_processes
}

main "$@"
