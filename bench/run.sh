#!/usr/bin/env bash
# Benchmarks of the presence service: one Release silo on 127.0.0.1, in-memory storage (or --postgres), wrk and
# bench/Presence.Bench as load generators on the same machine. Prints one markdown table and writes
# bench/results/latest.json (latest-postgres.json with --postgres; also kept as latest-quick…/latest-full…), stamped
# with the commit measured ("commit", and "dirty": true when uncommitted changes were built too).
# Exit status 1 if any scenario failed.
#
#   bench/run.sh [--quick] [--postgres | --cluster] [--only ID]
#   bench/run.sh --chaos [--minutes N] [--seed S] [--sockets K]
#
#   --quick     shorter runs and smaller data sets (20,000 users, 100,000 subscriptions, fan-out to 1,000):
#               a few minutes on 2 cores once built
#   --only ID   one scenario by its id in latest.json (e.g. fanout-10000, mem-sockets, r5), with the data it reads
#               seeded first (the online users, and for r5 the subscriptions); written to latest-only.json
#   --postgres  a throwaway PostgreSQL cluster (initdb in a temporary directory, loopback port, removed at the end);
#               every scenario twice, each on a fresh database: first with our group-commit grain storage (the default),
#               then with Orleans' ADO.NET grain storage ("AdoNet · " rows), so the choice stays measured. Each AdoNet row
#               is also given as a ratio to the same scenario with group commit.
#   --cluster   the REST and fan-out scenarios twice on the throwaway PostgreSQL (storage and membership), each time
#               through deploy/local-cluster.sh: first one silo serving the API itself, then one gateway in front of
#               3 silos. Each cluster row is also given as a ratio to the same scenario on the single silo (fan-out:
#               its p99), i.e. what the extra network hop costs on one machine. Writes latest-cluster.json.
#
#   --chaos     the chaos run of tests/Cluster.Tests/Chaos for N minutes (default 10): 3 silos and 2 gateways on a throwaway
#               PostgreSQL under mixed load and K sockets (default 2000), a process killed or stopped every 20-40 s from the
#               seed S (random, printed), PostgreSQL stopped once while a silo starts; the ledger checked at the end. Prints
#               the per-minute table and writes bench/results/chaos-Nmin.png. The test suite runs a 2-minute version.
#
# The in-memory run ends with fan-out through clusters of deploy/local-cluster.sh on a throwaway PostgreSQL, the sockets
# split over the gateways: fanout-10000-cluster (quick: fanout-1000-cluster) over 3 silos and 2 gateways, and in a full
# run fanout-50000 over 3 silos and 3 gateways. Every socket needs a descriptor on each side: the script raises its
# open-files limit as far as the hard limit allows; past it the load generator spreads the sockets over child processes,
# each from its own loopback source address (127.0.0.x), and a server that cannot hold its share is reported as skipped.
#
# Environment: BENCH_SILO_ENV="K=V …" adds settings to the silo (e.g. DOTNET_GCDynamicAdaptationMode=0);
# BENCH_GRAIN_STORAGE="GroupCommit AdoNet" (the default with --postgres) names the grain storage providers to run;
# BENCH_CONNECTIONS / BENCH_THREADS set wrk's -c / -t (64 / 2).
#
# Every load goes to 127.0.0.1 only, and every loop is bounded in count and in time.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODE=full
STORAGE=memory
TOPOLOGY=silo
ONLY=""
CHAOS=""
MINUTES=10
SEED=""
SOCKETS=2000
while (($#)); do
  case "$1" in
    --chaos) CHAOS=1 ;;
    --minutes) MINUTES=${2:?--minutes needs a number}; shift ;;
    --seed) SEED=${2:?--seed needs a number}; shift ;;
    --sockets) SOCKETS=${2:?--sockets needs a number}; shift ;;
    --quick) MODE=quick ;;
    --postgres) STORAGE=postgres ;;
    --cluster) STORAGE=postgres; TOPOLOGY=cluster ;;
    --only) ONLY=${2:?--only needs a scenario id}; shift ;;
    --only=*) ONLY=${1#--only=} ;;
    -h|--help) sed -n '2,39p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

if [[ -n $CHAOS ]]; then
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true # two descriptors per socket
  mkdir -p "$ROOT/bench/results"
  chart="$ROOT/bench/results/chaos-${MINUTES}min.png"
  echo "chaos run: $MINUTES min, $SOCKETS sockets${SEED:+, seed $SEED}; chart $chart" >&2
  PRESENCE_CHAOS_MINUTES=$MINUTES PRESENCE_CHAOS_SOCKETS=$SOCKETS PRESENCE_CHAOS_SEED=$SEED PRESENCE_CHAOS_CHART=$chart \
    exec dotnet test "$ROOT/tests/Cluster.Tests" -c Release --filter "FullyQualifiedName~ChaosTests" \
      --logger "console;verbosity=normal"
fi
# want ID: whether scenario ID runs (all of them unless --only).
want() { [[ -z $ONLY || $ONLY == "$1" ]]; }

if [[ $MODE == quick ]]; then
  DURATION=5; WARMUP=1; USERS=20000; SUBSCRIBERS=1000; R2_SUBSCRIBERS=2000; SOCKETS=2000; FANOUT_SIZES="1000"; FANOUT_CHANGES=10
  CLUSTER_FANOUT=1000; LARGE_FANOUT=""
else
  DURATION=15; WARMUP=3; USERS=100000; SUBSCRIBERS=10000; R2_SUBSCRIBERS=10000; SOCKETS=10000; FANOUT_SIZES="10000"; FANOUT_CHANGES=20
  CLUSTER_FANOUT=10000; LARGE_FANOUT=50000
fi
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fmt() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# ---- tools ----
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk"
  as_root apt-get update -qq
  as_root apt-get install -y -qq wrk >/dev/null
fi
# Every WebSocket needs a descriptor on each side: as many as the hard limit allows (servers inherit it).
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
log "open-files limit: $(ulimit -n)"

# The commit measured, read before the build (the work tree may change while a run lasts) and written into every results
# JSON: HEAD, and whether uncommitted changes were built too (files under bench/results/ do not count).
COMMIT=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || true)
DIRTY=false
if [[ -z $COMMIT ]] || [[ -n $(git -C "$ROOT" status --porcelain -- . ':(exclude)bench/results' 2>/dev/null) ]]; then DIRTY=true; fi
log "measuring commit ${COMMIT:-unknown}$([[ $DIRTY == true ]] && echo ' with uncommitted changes')"

log "building (Release)"
for project in src/Silo/Presence.Silo.csproj bench/Presence.Bench/Presence.Bench.csproj; do
  if ! dotnet build -c Release -nologo -v q "$ROOT/$project" >/tmp/presence-bench-build.log 2>&1; then
    grep -E 'error|Error' /tmp/presence-bench-build.log | sort -u | head -20 >&2
    exit 1
  fi
done
SILO_DLL="$ROOT/src/Silo/bin/Release/net10.0/Presence.Silo.dll"
BENCH_DLL="$ROOT/bench/Presence.Bench/bin/Release/net10.0/Presence.Bench.dll"
bench() { dotnet "$BENCH_DLL" "$@"; }

WORK=$(mktemp -d /tmp/presence-bench.XXXXXX)
chmod 755 "$WORK"
RESULTS="$WORK/results.jsonl"
: > "$RESULTS"
PG_BIN=""
PG_DATA=""
PG_PORT=""
TOPOLOGY_DIRS=()  # deploy/local-cluster.sh's kept directories (published binaries, logs), removed at the end

cleanup() {
  stop_server
  rm -rf "${TOPOLOGY_DIRS[@]}"
  if [[ -n $PG_DATA && -f $PG_DATA/postmaster.pid ]]; then
    run_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---- storage ----
declare -a EXTRA_ENV=() SILO_ENV=()
read -r -a EXTRA_ENV <<< "${BENCH_SILO_ENV:-}"
run_pg() { "$@"; }

# start_postgres MAX_CONNECTIONS: a throwaway PostgreSQL cluster on a free loopback port (PG_BIN, PG_DATA, PG_PORT).
start_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    log "installing postgresql"
    as_root apt-get update -qq
    as_root apt-get install -y -qq postgresql >/dev/null
  fi
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  # PostgreSQL refuses to run as root: root runs it as the postgres account the Debian package creates.
  run_pg() { if [[ $(id -u) -eq 0 ]]; then (cd /tmp && runuser -u postgres -- "$@"); else "$@"; fi; }
  PG_DATA="$WORK/pg/data"
  mkdir -p "$WORK/pg/sock"
  [[ $(id -u) -eq 0 ]] && chown -R postgres: "$WORK/pg"
  run_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C >/dev/null
  PG_PORT=$(bench free-port)
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  run_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $WORK/pg/sock -c listen_addresses=127.0.0.1 -c max_connections=$1 -c shared_buffers=512MB" start >/dev/null
}

if [[ $STORAGE == postgres ]]; then
  # Pools of up to 100 connections per silo (3 silos and a gateway with --cluster).
  start_postgres "$([[ $TOPOLOGY == cluster ]] && echo 450 || echo 200)"
  SILO_ENV+=("Presence__Storage__Provider=Postgres")
fi

# ---- servers ----
# Settings for every server under test: no rate limits, room for the data sets, every change its own event, quiet logs;
# no Orleans dashboard, as the shipped manifests run (they configure no operator credential, and without one silos
# host no dashboard): its meter listener and grain-call filter cost R1 ≈ 12–15 % of its CPU per request (docs/operations.md#orleans-dashboard).
# BENCH_SILO_ENV=Presence__Admin__Dashboard=true measures with it.
# Health-check results are logged at Critical only: wait-ready polls /health/ready while a silo starts, and the
# health-check service logs every not-ready answer as an error, which the error scan at the end would report.
SERVER_ENV=(ASPNETCORE_ENVIRONMENT=Development
            Presence__RateLimits__Enabled=false
            Presence__RateLimits__PermitLimit=100000000
            Presence__Limits__MaxSubscribersPerUser=60000
            Presence__Bench__Enabled=true
            Presence__Admin__Dashboard=false
            Presence__Limits__CoalescingWindow=00:00:00
            Logging__LogLevel__Default=Warning
            Logging__LogLevel__Microsoft.AspNetCore=Warning
            Logging__LogLevel__Presence=Warning
            Logging__LogLevel__Microsoft.Extensions.Diagnostics.HealthChecks=Critical)
SERVER_LOGS=()   # every server log, scanned for errors at the end
SERVER_PID=""    # the process the load goes to (a silo, or the gateway in front of the cluster)
SERVER_URL=""
TOPOLOGY_PID=""  # deploy/local-cluster.sh, in --cluster mode

# start_silo NAME [K=V …]: one silo (log NAME.log) with SERVER_ENV, SILO_ENV, the settings given and BENCH_SILO_ENV.
start_silo() {
  local name=$1 port silo_port gateway_port
  shift
  port=$(bench free-port)
  SERVER_URL="http://127.0.0.1:$port"
  # The silo's own Orleans ports (silo-to-silo and client gateway), free ones rather than the 11111/30000 defaults,
  # so a bench run never collides with another silo on this machine; a one-silo localhost cluster of its own.
  silo_port=$(bench free-port)
  gateway_port=$(bench free-port)
  log "starting the silo on $SERVER_URL ($STORAGE storage${*:+; $*}; Orleans ports $silo_port, $gateway_port)"
  SERVER_LOGS+=("$WORK/$name.log")
  env "${SERVER_ENV[@]}" \
      Presence__Cluster__Provider=Localhost \
      Presence__Cluster__ClusterId="bench-$port" \
      Presence__Cluster__SiloPort="$silo_port" \
      Presence__Cluster__GatewayPort="$gateway_port" \
      "${SILO_ENV[@]}" "$@" "${EXTRA_ENV[@]}" \
      dotnet "$SILO_DLL" --urls "$SERVER_URL" >"$WORK/$name.log" 2>&1 &
  SERVER_PID=$!
  if ! bench wait-ready --url "$SERVER_URL" --seconds 60; then
    tail -30 "$WORK/$name.log" >&2
    exit 1
  fi
}

# deploy/local-cluster.sh with SILOS silos and GATEWAYS gateways on the database DB (Postgres membership and storage);
# the load goes to the first gateway, or to the first silo when there is none.
start_topology() {
  local name=$1 silos=$2 gateways=$3 base_port=$4 db=$5 target logs out=$WORK/$1.out
  log "starting $silos silo(s) and $gateways gateway(s) with deploy/local-cluster.sh (ports from $base_port, database $db)"
  run_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$db"
  env "${SERVER_ENV[@]}" "${EXTRA_ENV[@]}" \
      "ConnectionStrings__Presence=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$db;Maximum Pool Size=100" \
      "$ROOT/deploy/local-cluster.sh" --silos "$silos" --gateways "$gateways" --base-port "$base_port" --keep \
      >"$out" 2>"$WORK/$name.err" &
  TOPOLOGY_PID=$!
  # The script prints its process table once every process answers /health/ready.
  for _ in $(seq 1 600); do
    grep -q 'Press Ctrl+C' "$out" 2>/dev/null && break
    kill -0 "$TOPOLOGY_PID" 2>/dev/null || { tail -30 "$WORK/$name.err" >&2; exit 1; }
    sleep 1
  done
  grep -q 'Press Ctrl+C' "$out" || { tail -30 "$WORK/$name.err" >&2; log "$name: not ready in 600 s"; exit 1; }
  target=$( ((gateways > 0)) && echo gateway1 || echo silo1)
  read -r SERVER_PID SERVER_URL < <(awk -v t="$target" '$1 == t { print $2, $3 }' "$out")
  logs=$(dirname "$(awk -v t="$target" '$1 == t { print $NF }' "$out")")
  TOPOLOGY_DIRS+=("$(dirname "$logs")")
  SERVER_LOGS+=("$logs"/silo*.log "$logs"/gateway*.log)
  log "$name: load goes to $target ($SERVER_URL, pid $SERVER_PID)"
}

stop_server() {
  local pid=${TOPOLOGY_PID:-$SERVER_PID}
  # Stop the cluster script before its processes, so it drains them in order and cleans up after them.
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || { SERVER_PID=""; TOPOLOGY_PID=""; return 0; }
  if [[ -n $SERVER_PID ]] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
    log "the process under load died during the run"; FAILED=1
  fi
  kill -TERM "$pid" 2>/dev/null || true
  # local-cluster.sh drains gateways (30 s) then silos (60 s) at most.
  for _ in $(seq 1 500); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  SERVER_PID=""; TOPOLOGY_PID=""
}

FAILED=0
QUIET_WAIT=$([[ $MODE == quick ]] && echo 10 || echo 60)
# Wait (bounded) for other work on the machine to calm down before each scenario; the rows say how noisy it was.
scenario() { bench wait-quiet --seconds "$QUIET_WAIT" --max-cores 0.3; "$@" || FAILED=1; }

# ---- scenarios ----
# run_scenarios ID_PREFIX NAME_PREFIX [--seed]: every scenario (or --only's) against SERVER_URL / SERVER_PID. With --seed
# the memory scenarios only load the users and subscriptions that R5 and the others read (nothing is measured per item).
run_scenarios() {
  local id=$1 name=$2 seed=${3:-} token common wrk size users_seed=${3:-} subs_seed=${3:-}
  token=$(bench token --url "$SERVER_URL")
  common=(--url "$SERVER_URL" --token "$token" --pid "$SERVER_PID" --out "$RESULTS")
  wrk=(--duration "$DURATION" --warmup "$WARMUP" --connections "$CONNECTIONS" --threads "$THREADS" --log "$WORK/wrk.log")
  # --only: what the chosen scenario reads is loaded first, unmeasured.
  [[ $ONLY =~ ^(mem-sockets|mem-subs|r[1-5])$ ]] && users_seed=--seed
  [[ $ONLY == r5 ]] && subs_seed=--seed

  if want "${id}mem-users" || [[ -n $users_seed ]]; then
    log "${name}memory: $USERS users online"
    scenario bench mem-users "${common[@]}" $users_seed --id "${id}mem-users" --name "${name}memory: $(fmt "$USERS") users online" --users "$USERS"
  fi
  if want "${id}mem-bare-activation" && [[ -z $seed ]]; then
    log "${name}memory: $USERS empty activations (the reference for a user)"
    scenario bench mem-bare-activation "${common[@]}" --id "${id}mem-bare-activation" \
      --name "${name}memory: $(fmt "$USERS") empty Orleans activations" --activations "$USERS"
  fi
  if want "${id}mem-subs" || [[ -n $subs_seed ]]; then
    log "${name}memory: $SUBSCRIBERS subscribers x 100 subscriptions"
    scenario bench mem-subs "${common[@]}" $subs_seed --id "${id}mem-subs" --name "${name}memory: $(fmt $((SUBSCRIBERS * 100))) subscriptions" \
      --users "$USERS" --subscribers "$SUBSCRIBERS"
  fi
  if want "${id}mem-sockets" && [[ -z $seed ]]; then
    log "${name}memory: $SOCKETS idle WebSockets"
    scenario bench mem-sockets "${common[@]}" --id "${id}mem-sockets" --name "${name}memory: $(fmt "$SOCKETS") idle WebSockets" --sockets "$SOCKETS"
  fi

  if want "${id}baseline" || [[ -n $ONLY && $ONLY =~ ^(cluster-|adonet-)?r[0-9]$ ]]; then
    log "${name}baseline: GET /ping"
    scenario bench wrk "${common[@]}" "${wrk[@]}" --id "${id}baseline" --name "${name}baseline: GET /ping (token check, no grain)" \
      --script "$ROOT/bench/lua/ping.lua"
  fi
  if want "${id}r1"; then
    log "${name}R1 set status"
    scenario bench wrk "${common[@]}" "${wrk[@]}" --id "${id}r1" --name "${name}R1 set status, $(fmt "$USERS") users" \
      --script "$ROOT/bench/lua/r1.lua" --lua "USERS=$USERS"
  fi
  if want "${id}r3"; then
    log "${name}R3 get 100 users"
    scenario bench wrk "${common[@]}" "${wrk[@]}" --id "${id}r3" --name "${name}R3 get presence of 100 users" \
      --script "$ROOT/bench/lua/r3.lua" --lua "USERS=$USERS"
  fi
  if want "${id}r2"; then
    log "${name}R2 subscribe to 100 users"
    scenario bench wrk "${common[@]}" "${wrk[@]}" --id "${id}r2" --name "${name}R2 subscribe to 100 users" \
      --script "$ROOT/bench/lua/r2.lua" --lua "USERS=$USERS;SUBSCRIBERS=$R2_SUBSCRIBERS"
  fi
  if want "${id}r5"; then
    log "${name}R5 sublist page of 100"
    scenario bench wrk "${common[@]}" "${wrk[@]}" --id "${id}r5" --name "${name}R5 sublist, page of 100" \
      --script "$ROOT/bench/lua/r5.lua" --lua "SUBSCRIBERS=$SUBSCRIBERS"
  fi

  for size in $FANOUT_SIZES; do
    if want "${id}fanout-baseline-$size"; then
      log "${name}fan-out baseline: a frame broadcast to $size WebSockets, no grain"
      scenario bench fanout "${common[@]}" --broadcast --id "${id}fanout-baseline-$size" \
        --name "${name}fan-out baseline: broadcast to $(fmt "$size") WebSockets, no grain" --subscribers "$size" --changes "$FANOUT_CHANGES" --rate 2
    fi
    if want "${id}fanout-$size"; then
      log "${name}fan-out to $size WebSocket subscribers"
      scenario bench fanout "${common[@]}" --id "${id}fanout-$size" --name "${name}fan-out to $(fmt "$size") WebSockets" \
        --subscribers "$size" --changes "$FANOUT_CHANGES" --rate 2
    fi
  done
}

# cluster_fanout ID SIZE GATEWAYS BASE_PORT RATE: fan-out to SIZE sockets through 3 silos and GATEWAYS gateways on the
# throwaway PostgreSQL, the watchers' sockets split over the gateways (and over child processes of the load generator
# past its open-files limit), the changes sent to the first gateway. Silo CPU is the 3 silos'; memory and peak RSS are
# the first gateway's.
cluster_fanout() {
  local id=$1 size=$2 gateways=$3 base_port=$4 rate=$5 token urls silos name=fanout-cluster-$2
  want "$id" || return 0
  [[ -n $PG_PORT ]] || start_postgres 700
  start_topology "$name" 3 "$gateways" "$base_port" "bench_${name//-/_}"
  urls=$(awk '$1 ~ /^gateway[0-9]+$/ { print $3 }' "$WORK/$name.out" | paste -sd, -)
  silos=$(awk '$1 ~ /^silo[0-9]+$/ { print $2 }' "$WORK/$name.out" | paste -sd, -)
  token=$(bench token --url "$SERVER_URL")
  log "fan-out to $size WebSockets through 3 silos and $gateways gateways ($urls)"
  scenario bench fanout --url "$SERVER_URL" --token "$token" --pid "$SERVER_PID" --out "$RESULTS" --ws-urls "$urls" --silo-pids "$silos" \
    --id "$id" --name "fan-out to $(fmt "$size") WebSockets, 3 silos + $gateways gateways" \
    --subscribers "$size" --changes "$FANOUT_CHANGES" --rate "$rate"
  stop_server
}

if [[ $TOPOLOGY == cluster ]]; then
  # Ports below the ephemeral range, away from local-cluster.sh's default plan (7100…7499).
  BASE_PORT=${BENCH_CLUSTER_BASE_PORT:-7600}
  start_topology single 1 0 "$BASE_PORT" bench_single
  run_scenarios "" "1 silo · " --seed
  stop_server
  start_topology cluster 3 1 $((BASE_PORT + 400)) bench_cluster
  run_scenarios "cluster-" "gateway + 3 silos · " --seed
  stop_server
elif [[ $STORAGE == postgres ]]; then
  # Each grain storage provider on a fresh database of the same server; group commit's rows keep the plain ids.
  for provider in ${BENCH_GRAIN_STORAGE:-GroupCommit AdoNet}; do
    case "$provider" in
      GroupCommit) id=""; name="" ;;
      AdoNet) id="adonet-"; name="AdoNet · " ;;
      *) echo "unknown grain storage in BENCH_GRAIN_STORAGE: $provider (GroupCommit or AdoNet)" >&2; exit 2 ;;
    esac
    db="bench_$(echo "$provider" | tr '[:upper:]' '[:lower:]')"
    run_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$db"
    start_silo "silo-$db" "Presence__Storage__GrainStorage=$provider" \
      "ConnectionStrings__Presence=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$db;Maximum Pool Size=100"
    run_scenarios "$id" "$name"
    stop_server
  done
else
  if [[ -z $ONLY || ! ( $ONLY == fanout-*-cluster || $ONLY == "fanout-$LARGE_FANOUT" ) ]]; then
    start_silo silo
    run_scenarios "" ""
    stop_server
  fi
  # Past one process's open-files limit only a cluster holds the sockets: fanout-50000 goes over 3 gateways.
  cluster_fanout "fanout-$CLUSTER_FANOUT-cluster" "$CLUSTER_FANOUT" 2 "${BENCH_CLUSTER_BASE_PORT:-7600}" 2
  if [[ -n $LARGE_FANOUT ]]; then
    # One change every 2 s: 25,000 events/s, within what 2 cores deliver (10,000 watchers at 2/s is 20,000/s).
    cluster_fanout "fanout-$LARGE_FANOUT" "$LARGE_FANOUT" 3 $((${BENCH_CLUSTER_BASE_PORT:-7600} + 400)) 0.5
  fi
fi

# ---- report ----
if [[ -n $SERVER_PID ]] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
  log "the silo died during the run"; tail -30 "${SERVER_LOGS[0]}" >&2; FAILED=1
fi
for server_log in "${SERVER_LOGS[@]}"; do
  [[ -f $server_log ]] || continue
  if grep -qiE '\b(fail|crit)[a-z]*:' "$server_log"; then
    # With the line after each (the console logger writes the message there), so the cause is visible.
    log "$(basename "$server_log") logged errors:"; { grep -iE -A2 '\b(fail|crit)[a-z]*:' "$server_log" | head -24 >&2; } || true
  fi
done
mkdir -p "$ROOT/bench/results"
SUFFIX=""
[[ $STORAGE == postgres ]] && SUFFIX="-postgres"
[[ $TOPOLOGY == cluster ]] && SUFFIX="-cluster"
if [[ -n $ONLY ]]; then
  # One scenario: its own file, so that it never hides a whole run's.
  bench report --in "$RESULTS" --json "$ROOT/bench/results/latest-only.json" --mode "$MODE" --storage "$STORAGE" \
    --commit "$COMMIT" --dirty "$DIRTY" || FAILED=1
else
  bench report --in "$RESULTS" --json "$ROOT/bench/results/latest$SUFFIX.json" --mode "$MODE" --storage "$STORAGE" \
    --commit "$COMMIT" --dirty "$DIRTY" || FAILED=1
  # The same, kept per mode, so a quick run does not hide the last full one.
  cp "$ROOT/bench/results/latest$SUFFIX.json" "$ROOT/bench/results/latest-$MODE$SUFFIX.json"
fi
exit $FAILED
