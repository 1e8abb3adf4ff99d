#!/usr/bin/env bash
# Benchmarks of the presence service: one Release silo on 127.0.0.1, in-memory storage (or --postgres), wrk and
# bench/Presence.Bench as load generators on the same machine. Prints one markdown table and writes
# bench/results/latest.json (latest-postgres.json with --postgres; also kept as latest-quick…/latest-full…).
# Exit status 1 if any scenario failed.
#
#   bench/run.sh [--quick] [--postgres]
#
#   --quick     shorter runs and smaller data sets (20,000 users, 100,000 subscriptions, fan-out to 1,000):
#               under 3 minutes on 2 cores once built
#   --postgres  a throwaway PostgreSQL cluster (initdb in a temporary directory, loopback port, removed at the end)
#
# Environment: BENCH_SILO_ENV="K=V …" adds settings to the silo (e.g. DOTNET_GCDynamicAdaptationMode=0);
# BENCH_CONNECTIONS / BENCH_THREADS set wrk's -c / -t (64 / 2).
#
# Every load goes to 127.0.0.1 only, and every loop is bounded in count and in time.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODE=full
STORAGE=memory
for arg in "$@"; do
  case "$arg" in
    --quick) MODE=quick ;;
    --postgres) STORAGE=postgres ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

if [[ $MODE == quick ]]; then
  DURATION=5; WARMUP=1; USERS=20000; SUBSCRIBERS=1000; R2_SUBSCRIBERS=2000; FANOUT_SIZES="1000"; FANOUT_CHANGES=10
else
  DURATION=15; WARMUP=3; USERS=100000; SUBSCRIBERS=10000; R2_SUBSCRIBERS=10000; FANOUT_SIZES="1000 10000"; FANOUT_CHANGES=20
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
# 10,000 WebSockets need 10,000 descriptors on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true

log "building (Release)"
for project in src/Silo/Presence.Orleans.Silo.csproj bench/Presence.Bench/Presence.Bench.csproj; do
  if ! dotnet build -c Release -nologo -v q "$ROOT/$project" >/tmp/presence-bench-build.log 2>&1; then
    grep -E 'error|Error' /tmp/presence-bench-build.log | sort -u | head -20 >&2
    exit 1
  fi
done
SILO_DLL="$ROOT/src/Silo/bin/Release/net10.0/Presence.Orleans.Silo.dll"
BENCH_DLL="$ROOT/bench/Presence.Bench/bin/Release/net10.0/Presence.Bench.dll"
bench() { dotnet "$BENCH_DLL" "$@"; }

WORK=$(mktemp -d /tmp/presence-bench.XXXXXX)
chmod 755 "$WORK"
RESULTS="$WORK/results.jsonl"
: > "$RESULTS"
SILO_PID=""
PG_BIN=""
PG_DATA=""

cleanup() {
  if [[ -n $SILO_PID ]] && kill -0 "$SILO_PID" 2>/dev/null; then
    kill -TERM "$SILO_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SILO_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SILO_PID" 2>/dev/null || true
  fi
  if [[ -n $PG_DATA && -f $PG_DATA/postmaster.pid ]]; then
    run_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---- storage ----
declare -a SILO_ENV=()
read -r -a SILO_ENV <<< "${BENCH_SILO_ENV:-}"
if [[ $STORAGE == postgres ]]; then
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
    -o "-p $PG_PORT -k $WORK/pg/sock -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=512MB" start >/dev/null
  SILO_ENV+=("Presence__Storage__Provider=Postgres"
             "ConnectionStrings__Presence=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Maximum Pool Size=100")
else
  run_pg() { "$@"; }
fi

# ---- silo ----
PORT=$(bench free-port)
URL="http://127.0.0.1:$PORT"
# The silo's own Orleans ports (silo-to-silo and client gateway), free ones rather than the 11111/30000 defaults, so
# a bench run never collides with another silo on this machine; a one-silo localhost cluster of its own.
SILO_PORT=$(bench free-port)
GATEWAY_PORT=$(bench free-port)
log "starting the silo on $URL ($STORAGE storage; Orleans ports $SILO_PORT, $GATEWAY_PORT)"
# Health-check results are logged at Critical only: wait-ready polls /health/ready while the silo starts, and the
# health-check service logs every not-ready answer as an error, which the error scan at the end would report.
env ASPNETCORE_ENVIRONMENT=Development \
    Presence__Cluster__Provider=Localhost \
    Presence__Cluster__ClusterId="bench-$PORT" \
    Presence__Cluster__SiloPort="$SILO_PORT" \
    Presence__Cluster__GatewayPort="$GATEWAY_PORT" \
    Presence__RateLimits__Enabled=false \
    Presence__RateLimits__PermitLimit=100000000 \
    Presence__Limits__MaxSubscribersPerUser=20000 \
    Presence__Limits__CoalescingWindow=00:00:00 \
    Logging__LogLevel__Default=Warning \
    Logging__LogLevel__Microsoft.AspNetCore=Warning \
    Logging__LogLevel__Presence.Orleans=Warning \
    Logging__LogLevel__Microsoft.Extensions.Diagnostics.HealthChecks=Critical \
    "${SILO_ENV[@]}" \
    dotnet "$SILO_DLL" --urls "$URL" >"$WORK/silo.log" 2>&1 &
SILO_PID=$!
if ! bench wait-ready --url "$URL" --seconds 60; then
  tail -30 "$WORK/silo.log" >&2
  exit 1
fi
TOKEN=$(bench token --url "$URL")
COMMON=(--url "$URL" --token "$TOKEN" --pid "$SILO_PID" --out "$RESULTS")
WRK=(--duration "$DURATION" --warmup "$WARMUP" --connections "$CONNECTIONS" --threads "$THREADS" --log "$WORK/wrk.log")
FAILED=0
QUIET_WAIT=$([[ $MODE == quick ]] && echo 10 || echo 60)
# Wait (bounded) for other work on the machine to calm down before each scenario; the rows say how noisy it was.
scenario() { bench wait-quiet --seconds "$QUIET_WAIT" --max-cores 0.3; "$@" || FAILED=1; }

# ---- scenarios ----
log "memory: $USERS users online"
scenario bench mem-users "${COMMON[@]}" --id mem-users --name "memory: $(fmt "$USERS") users online" --users "$USERS"
log "memory: $SUBSCRIBERS subscribers x 100 subscriptions"
scenario bench mem-subs "${COMMON[@]}" --id mem-subs --name "memory: $(fmt $((SUBSCRIBERS * 100))) subscriptions" \
  --users "$USERS" --subscribers "$SUBSCRIBERS"

log "baseline: GET /ping"
scenario bench wrk "${COMMON[@]}" "${WRK[@]}" --id baseline --name "baseline: GET /ping (token check, no grain)" \
  --script "$ROOT/bench/lua/ping.lua"
log "R1 set status"
scenario bench wrk "${COMMON[@]}" "${WRK[@]}" --id r1 --name "R1 set status, $(fmt "$USERS") users" \
  --script "$ROOT/bench/lua/r1.lua" --lua "USERS=$USERS"
log "R3 get 100 users"
scenario bench wrk "${COMMON[@]}" "${WRK[@]}" --id r3 --name "R3 get presence of 100 users" \
  --script "$ROOT/bench/lua/r3.lua" --lua "USERS=$USERS"
log "R2 subscribe to 100 users"
scenario bench wrk "${COMMON[@]}" "${WRK[@]}" --id r2 --name "R2 subscribe to 100 users" \
  --script "$ROOT/bench/lua/r2.lua" --lua "USERS=$USERS;SUBSCRIBERS=$R2_SUBSCRIBERS"
log "R5 sublist page of 100"
scenario bench wrk "${COMMON[@]}" "${WRK[@]}" --id r5 --name "R5 sublist, page of 100" \
  --script "$ROOT/bench/lua/r5.lua" --lua "SUBSCRIBERS=$SUBSCRIBERS"

for size in $FANOUT_SIZES; do
  log "fan-out to $size WebSocket subscribers"
  scenario bench fanout "${COMMON[@]}" --id "fanout-$size" --name "fan-out to $(fmt "$size") WebSockets" \
    --subscribers "$size" --changes "$FANOUT_CHANGES" --rate 2
done

# ---- report ----
if ! kill -0 "$SILO_PID" 2>/dev/null; then
  log "the silo died during the run"; tail -30 "$WORK/silo.log" >&2; FAILED=1
fi
if grep -qiE '\b(fail|crit)[a-z]*:' "$WORK/silo.log"; then
  # With the line after each (the console logger writes the message there), so the cause is visible.
  log "the silo logged errors:"; grep -iE -A1 '\b(fail|crit)[a-z]*:' "$WORK/silo.log" | head -10 >&2
fi
mkdir -p "$ROOT/bench/results"
SUFFIX=""; [[ $STORAGE == postgres ]] && SUFFIX="-postgres"
bench report --in "$RESULTS" --json "$ROOT/bench/results/latest$SUFFIX.json" --mode "$MODE" --storage "$STORAGE" || FAILED=1
# The same, kept per mode, so a quick run does not hide the last full one.
cp "$ROOT/bench/results/latest$SUFFIX.json" "$ROOT/bench/results/latest-$MODE$SUFFIX.json"
exit $FAILED
