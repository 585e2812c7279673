#!/usr/bin/env bash
# The zeusd benchmark: whole HTTP requests against `zeusd serve --simulate`, with nginx serving the same JSON
# on the same kind of socket as the floor, daemon and floor rounds interleaved so machine drift cancels.
#
#   bench/run.sh            full run (about 6 minutes); prints a Markdown table
#   bench/run.sh --smoke    a few seconds per part: checks that every part works, no thresholds
#
# The daemon is started the way every documented path starts it: through the launcher target/zeusd/bin/zeusd,
# with the JVM options of its conf/jvm.options (ZEUSD_BENCH_JAVA_OPTS adds options, for experiments).
#
# Needs: the packaged daemon (built here if missing), cc, nginx (Debian: nginx-light; installed here if
# missing and we are root), curl.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SMOKE=0
[ "${1:-}" = "--smoke" ] && SMOKE=1
if [ $SMOKE = 1 ]; then
  ROUNDS=1; SECS=1; SSE_SECS=3; IDLE_SECS=2; STARTS=1; SSE_BIG=50; SSE_SMALL=10; SETTLE_SECS=2
else
  ROUNDS=3; SECS=5; SSE_SECS=10; IDLE_SECS=30; STARTS=5; SSE_BIG=1000; SSE_SMALL=100; SETTLE_SECS=60
fi
EXTRA_OPTS=${ZEUSD_BENCH_JAVA_OPTS:-}
# Ports: the test suite passes free ones; by hand these defaults.
MGMT_PORT=${ZEUSD_BENCH_MGMT_PORT:-19480}
TCP_PORT=${ZEUSD_BENCH_TCP_PORT:-19481}
FLOOR_TCP_PORT=${ZEUSD_BENCH_FLOOR_TCP_PORT:-19482}

# ---- tools ----------------------------------------------------------------------------------------------
if ! command -v nginx >/dev/null 2>&1 && [ -x /usr/sbin/nginx ]; then PATH=$PATH:/usr/sbin; fi
if ! command -v nginx >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx-light >/dev/null
    PATH=$PATH:/usr/sbin
  else
    echo "bench: nginx is needed for the floor (apt-get install nginx-light)" >&2; exit 1
  fi
fi
LAUNCHER=target/zeusd/bin/zeusd
if [ ! -x "$LAUNCHER" ]; then ./mvnw -B -q package -DskipTests; fi
JVM_OPTIONS=$(sed -e 's/^[[:space:]]*//' -e '/^#/d' -e '/^$/d' target/zeusd/conf/jvm.options | tr '\n' ' ')
mkdir -p target/bench
cc -O2 -Wall -Wextra -Werror -o target/bench/loadgen bench/loadgen.c
LOADGEN=$ROOT/target/bench/loadgen
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

WORK=$(mktemp -d /tmp/zeusd-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---- helpers --------------------------------------------------------------------------------------------
json() { sed -E "s/.*\"$2\":(-?[0-9.]+).*/\1/" <<<"$1"; }
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
TICKS=$(getconf CLK_TCK)
cpu_percent() { awk -v d="$1" -v s="$2" -v t="$TICKS" 'BEGIN { printf "%.2f", 100 * d / t / s }'; }
device_calls() { # gpu|cpu
  curl -s "127.0.0.1:$MGMT_PORT/q/metrics" | awk -v d="$1" '$0 ~ "^zeusd_device_calls_total.*device=\"" d "\"" {s += $2} END {printf "%d", s}'
}

DAEMON_PID=
T0=
start_daemon() { # args: listener flags; sets DAEMON_PID and T0 (wall clock ns just before the exec)
  T0=$(date +%s%N)
  JAVA_OPTS=$EXTRA_OPTS "$LAUNCHER" serve --simulate --management-bind-address "127.0.0.1:$MGMT_PORT" "$@" \
    >/dev/null 2>>"$WORK/zeusd.log" &
  DAEMON_PID=$!
  PIDS+=("$DAEMON_PID")
}
stop_daemon() { kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null || true; }

declare -A R # results

# ---- start-up: process start to the first 200 over the Unix socket ----------------------------------------
start_median() { # extra daemon flags; prints the median time from exec to the first 200 over UDS, in ms
  local starts="" out
  for _ in $(seq "$STARTS"); do
    rm -f "$WORK/zeusd.sock"
    start_daemon --socket-path "$WORK/zeusd.sock" "$@"
    out=$("$LOADGEN" first "unix:$WORK/zeusd.sock" /discover "$T0" 30)
    starts="$starts $(json "$out" first_200_ms)"
    stop_daemon
  done
  median <<<"$starts"
}
R[start_ms]=$(start_median)

# ---- the Unix-socket daemon: idle, then load ---------------------------------------------------------------
rm -f "$WORK/zeusd.sock"
start_daemon --socket-path "$WORK/zeusd.sock"
"$LOADGEN" first "unix:$WORK/zeusd.sock" /discover "$T0" 30 >/dev/null
sleep 2
# Hardware calls while idle: a scrape itself reads the devices once (at most once a second), so compare two
# windows that contain one scrape each: any difference is polling with nobody listening.
g0=$(device_calls gpu); c0=$(device_calls cpu); sleep 1.5; g1=$(device_calls gpu); c1=$(device_calls cpu)
sleep 1 # the CPU window starts once the scrape itself is over
k0=$(cpu_ticks "$DAEMON_PID"); sleep "$IDLE_SECS"; k1=$(cpu_ticks "$DAEMON_PID")
# RSS at the end of the idle window, before the closing scrape: a scrape after a long idle sets off a few JIT
# compilations whose native scratch memory (about 1 MB) the trimmer gives back within seconds; that is not idle.
R[idle_rss]=$(rss_mb "$DAEMON_PID")
g2=$(device_calls gpu); c2=$(device_calls cpu)
R[scraped_rss]=$(rss_mb "$DAEMON_PID")
R[idle_cpu]=$(cpu_percent $((k1 - k0)) "$IDLE_SECS")
R[idle_gpu_calls]=$(( (g2 - g1) - (g1 - g0) ))
# RAPL: the wrap guard reads each package's counters every 30 s even when idle, or a counter wrap would be missed
R[idle_rapl_calls]=$(( (c2 - c1) - (c1 - c0) ))
GUARD_MAX=$(( 2 * ( (IDLE_SECS + 1 + 29) / 30 + 1 ) )) # 2 simulated packages

PAYLOAD=$(curl -s --unix-socket "$WORK/zeusd.sock" http://localhost/gpu/get_power)
cat >"$WORK/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 100000000;
  server {
    listen unix:$WORK/floor.sock;
    listen 127.0.0.1:$FLOOR_TCP_PORT;
    location = /gpu/get_power { default_type application/json; return 200 '$PAYLOAD'; }
  }
}
EOF
nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" 2>>"$WORK/nginx-error.log" &
PIDS+=($!)
for _ in $(seq 100); do [ -S "$WORK/floor.sock" ] && break; sleep 0.05; done

# Interleaved rounds: daemon, floor, daemon, floor ... on the same kind of socket; medians per side.
compare() { # name daemon_target floor_target conns
  local name=$1 dt=$2 ft=$3 conns=$4 d_p50="" d_p99="" d_rps="" f_p50="" f_p99="" f_rps="" out
  "$LOADGEN" req "$dt" /gpu/get_power "$conns" 2 >/dev/null # JIT warm-up
  "$LOADGEN" req "$ft" /gpu/get_power "$conns" 1 >/dev/null
  for _ in $(seq "$ROUNDS"); do
    out=$("$LOADGEN" req "$dt" /gpu/get_power "$conns" "$SECS")
    d_p50="$d_p50 $(json "$out" p50_us)"; d_p99="$d_p99 $(json "$out" p99_us)"; d_rps="$d_rps $(json "$out" rps)"
    out=$("$LOADGEN" req "$ft" /gpu/get_power "$conns" "$SECS")
    f_p50="$f_p50 $(json "$out" p50_us)"; f_p99="$f_p99 $(json "$out" p99_us)"; f_rps="$f_rps $(json "$out" rps)"
  done
  R[${name}_d_p50]=$(median <<<"$d_p50"); R[${name}_d_p99]=$(median <<<"$d_p99"); R[${name}_d_rps]=$(median <<<"$d_rps")
  R[${name}_f_p50]=$(median <<<"$f_p50"); R[${name}_f_p99]=$(median <<<"$f_p99"); R[${name}_f_rps]=$(median <<<"$f_rps")
}
compare uds1 "unix:$WORK/zeusd.sock" "unix:$WORK/floor.sock" 1
compare uds16 "unix:$WORK/zeusd.sock" "unix:$WORK/floor.sock" 16
compare uds64 "unix:$WORK/zeusd.sock" "unix:$WORK/floor.sock" 64

# SSE subscribers at the default 20 Hz, daemon CPU over the same window.
sse() { # subscribers; CPU is taken in steady state, after every subscriber has connected
  local k0 k1 out
  "$LOADGEN" sse "unix:$WORK/zeusd.sock" /gpu/stream_power "$1" "$SSE_SECS" >"$WORK/sse.out" &
  local lg=$!
  sleep 2 # the load tool connects, settles 1 s, then counts for SSE_SECS
  k0=$(cpu_ticks "$DAEMON_PID")
  wait "$lg" || true
  k1=$(cpu_ticks "$DAEMON_PID")
  out=$(cat "$WORK/sse.out")
  R[sse$1_min]=$(json "$out" min_eps); R[sse$1_median]=$(json "$out" median_eps); R[sse$1_failed]=$(json "$out" failed)
  R[sse$1_cpu]=$(cpu_percent $((k1 - k0)) "$((SSE_SECS - 1))")
}
sse "$SSE_SMALL"
sse "$SSE_BIG"
R[load_rss]=$(rss_mb "$DAEMON_PID")
sleep "$SETTLE_SECS" # does the daemon give memory back once the load is over?
R[settled_rss]=$(rss_mb "$DAEMON_PID")

# One-shot CPU power: back to back, and after the previous sample has aged out (cold).
out=$("$LOADGEN" req "unix:$WORK/zeusd.sock" /cpu/get_power 1 "$SECS"); R[cpu_hot_p50]=$(json "$out" p50_us)
out=$("$LOADGEN" req "unix:$WORK/zeusd.sock" /cpu/get_power 1 "$((SECS + 3))" 1200); R[cpu_cold_p50]=$(json "$out" p50_us)

# The client path: `zeusd gpu power` through the launcher, from exec to exit, against this daemon.
client_ms=""
for _ in $(seq "$STARTS"); do
  t=$(date +%s%N)
  "$LAUNCHER" gpu power --socket "$WORK/zeusd.sock" >/dev/null
  client_ms+=" $((($(date +%s%N) - t) / 1000000))"
done
R[client_ms]=$(median <<<"$client_ms")
stop_daemon

# ---- pod attribution on: a fake kubelet (a real gRPC server, test code) listing PODS time-sliced GPU pods ----------
# Listed every second here (the default is 10 s), so that its cost shows in the idle window.
PODS=16
KUBELET_CLASS=target/test-classes/dev/zeusd/testsupport/FakeKubelet.class
[ "$KUBELET_CLASS" -nt src/test/java/dev/zeusd/testsupport/FakeKubelet.java ] || ./mvnw -B -q test-compile
./mvnw -B -q exec:java -Dexec.mainClass=dev.zeusd.testsupport.FakeKubelet -Dexec.classpathScope=test \
  -Dexec.args="$WORK/kubelet.sock $PODS" >"$WORK/kubelet.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 600); do [ -S "$WORK/kubelet.sock" ] && break; sleep 0.1; done
sleep 5 # the fake kubelet's JVM (Maven's) settles first: its start-up must not be timed as ours
ATTRIBUTION=(--kubelet-pod-resources-socket "$WORK/kubelet.sock" --pod-attribution-interval 1s)
R[pods_start_ms]=$(start_median "${ATTRIBUTION[@]}")
rm -f "$WORK/zeusd.sock"
start_daemon --socket-path "$WORK/zeusd.sock" "${ATTRIBUTION[@]}"
"$LOADGEN" first "unix:$WORK/zeusd.sock" /discover "$T0" 30 >/dev/null
sleep 3
k0=$(cpu_ticks "$DAEMON_PID"); sleep "$IDLE_SECS"; k1=$(cpu_ticks "$DAEMON_PID")
R[pods_idle_rss]=$(rss_mb "$DAEMON_PID")
R[pods_idle_cpu]=$(cpu_percent $((k1 - k0)) "$IDLE_SECS")
R[pods_listed]=$(curl -s --unix-socket "$WORK/zeusd.sock" http://localhost/gpu/get_pods | { grep -o '"pod":' || true; } | wc -l)
stop_daemon

# ---- the TCP daemon ------------------------------------------------------------------------------------------
start_daemon --mode tcp --tcp-bind-address "127.0.0.1:$TCP_PORT"
"$LOADGEN" first "tcp:127.0.0.1:$TCP_PORT" /discover "$T0" 30 >/dev/null
compare tcp1 "tcp:127.0.0.1:$TCP_PORT" "tcp:127.0.0.1:$FLOOR_TCP_PORT" 1
compare tcp16 "tcp:127.0.0.1:$TCP_PORT" "tcp:127.0.0.1:$FLOOR_TCP_PORT" 16
compare tcp64 "tcp:127.0.0.1:$TCP_PORT" "tcp:127.0.0.1:$FLOOR_TCP_PORT" 64
stop_daemon

# ---- the stack's own floor: bench/quarkus-floor, a bare Quarkus REST app ----------------------------------
# The same Quarkus with only quarkus-rest-jackson, one non-blocking endpoint returning the same JSON, the same JVM
# options and its own AppCDS archive: what any daemon on this stack costs before it does anything of its own.
FLOOR_APP=bench/quarkus-floor/target/quarkus-app/quarkus-run.jar
[ -f "$FLOOR_APP" ] || ./mvnw -B -q -f bench/quarkus-floor/pom.xml package -DskipTests
start_floor_app() { # args: extra JVM options; sets DAEMON_PID and T0 like start_daemon
  rm -f "$WORK/floor-app.sock"
  T0=$(date +%s%N)
  # shellcheck disable=SC2086 # one JVM option per word
  MALLOC_ARENA_MAX=2 java $JVM_OPTIONS "$@" "-Dquarkus.http.domain-socket=$WORK/floor-app.sock" -jar "$FLOOR_APP" \
    >/dev/null 2>>"$WORK/floor-app.log" &
  DAEMON_PID=$!
  PIDS+=("$DAEMON_PID")
}
start_floor_app "-XX:ArchiveClassesAtExit=$WORK/floor-app.jsa" # AppCDS training: start, requests, clean exit
"$LOADGEN" first "unix:$WORK/floor-app.sock" /gpu/get_power "$T0" 30 >/dev/null
"$LOADGEN" req "unix:$WORK/floor-app.sock" /gpu/get_power 16 1 >/dev/null
stop_daemon
FLOOR_CDS=(-XX:SharedArchiveFile="$WORK/floor-app.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
starts=""
for _ in $(seq "$STARTS"); do
  start_floor_app "${FLOOR_CDS[@]}"
  out=$("$LOADGEN" first "unix:$WORK/floor-app.sock" /gpu/get_power "$T0" 30)
  starts="$starts $(json "$out" first_200_ms)"
  stop_daemon
done
R[bare_start_ms]=$(median <<<"$starts")
start_floor_app "${FLOOR_CDS[@]}"
"$LOADGEN" first "unix:$WORK/floor-app.sock" /gpu/get_power "$T0" 30 >/dev/null
sleep "$((IDLE_SECS + 5))" # as long after the first 200 as the daemon's idle RSS is read
R[bare_idle_rss]=$(rss_mb "$DAEMON_PID")
compare bare16 "unix:$WORK/floor-app.sock" "unix:$WORK/floor.sock" 16
stop_daemon

# ---- report --------------------------------------------------------------------------------------------------
ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print ok ? "ok" : "MISS" }'; }
row() { printf '| %s | %s | %s | %s | %s | %s |\n' "$@"; }

echo
echo "zeusd benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "Started through $LAUNCHER; JVM options (conf/jvm.options): $JVM_OPTIONS${EXTRA_OPTS:+ + $EXTRA_OPTS}"
echo "Floor: nginx $(nginx -v 2>&1 | sed 's/.*\///'); rounds: $ROUNDS x ${SECS} s, interleaved"
[ $SMOKE = 1 ] && echo "SMOKE RUN: durations too short for the numbers to mean anything"
echo
row "Measure" "zeusd" "floor (nginx)" "ratio" "target" "verdict"
row "---" "---:" "---:" "---:" "---" "---"
for t in uds tcp; do
  r50=$(ratio "${R[${t}1_d_p50]}" "${R[${t}1_f_p50]}"); r99=$(ratio "${R[${t}1_d_p99]}" "${R[${t}1_f_p99]}")
  row "get_power ${t^^} 1 conn p50 (ms)" "$(ms "${R[${t}1_d_p50]}")" "$(ms "${R[${t}1_f_p50]}")" "$r50" "≤ 1.5×" "$(verdict "$r50" "<=" 1.5)"
  row "get_power ${t^^} 1 conn p99 (ms)" "$(ms "${R[${t}1_d_p99]}")" "$(ms "${R[${t}1_f_p99]}")" "$r99" "≤ 3×" "$(verdict "$r99" "<=" 3)"
  for c in 16 64; do
    rr=$(ratio "${R[${t}${c}_d_rps]}" "${R[${t}${c}_f_rps]}")
    target="—"; v="—"
    [ "$c" = 16 ] && { target="≥ 0.5×"; v=$(verdict "$rr" ">=" 0.5); }
    row "get_power ${t^^} $c conns (req/s)" "${R[${t}${c}_d_rps]}" "${R[${t}${c}_f_rps]}" "$rr" "$target" "$v"
  done
done
for n in "$SSE_SMALL" "$SSE_BIG"; do
  row "SSE $n subscribers @20 Hz: events/s min / median" "${R[sse${n}_min]} / ${R[sse${n}_median]}" "" "" "min ≥ 19" "$(verdict "${R[sse${n}_min]}" ">=" 19)"
  row "SSE $n subscribers: daemon CPU, steady state (% of a core)" "${R[sse${n}_cpu]}" "" "" "≤ 25" "$(verdict "${R[sse${n}_cpu]}" "<=" 25)"
  [ "${R[sse${n}_failed]}" = 0 ] || row "SSE $n subscribers: FAILED connections" "${R[sse${n}_failed]}" "" "" "0" "MISS"
done
row "idle CPU (% of a core, ${IDLE_SECS} s)" "${R[idle_cpu]}" "" "" "≤ 0.2" "$(verdict "${R[idle_cpu]}" "<=" 0.2)"
row "idle NVML calls (${IDLE_SECS} s)" "${R[idle_gpu_calls]}" "" "" "0" "$(verdict "${R[idle_gpu_calls]}" "<=" 0)"
row "idle RAPL reads (${IDLE_SECS} s): the wrap guard, 1 per package per 30 s" "${R[idle_rapl_calls]}" "" "" "≤ $GUARD_MAX" "$(verdict "${R[idle_rapl_calls]}" "<=" "$GUARD_MAX")"
row "idle RSS (MB)" "${R[idle_rss]}" "" "" "≤ 96" "$(verdict "${R[idle_rss]}" "<=" 96)"
row "RSS right after the scrapes that close the idle window (MB)" "${R[scraped_rss]}" "" "" "—" "—"
row "RSS after the load: requests and SSE runs (MB)" "${R[load_rss]}" "" "" "≤ 160" "$(verdict "${R[load_rss]}" "<=" 160)"
row "RSS after ${SETTLE_SECS} s idle after the load (MB)" "${R[settled_rss]}" "" "" "< 128" "$(verdict "${R[settled_rss]}" "<=" 127)"
row "start to first 200 over UDS (ms, median of $STARTS)" "${R[start_ms]}" "" "" "≤ 1000" "$(verdict "${R[start_ms]}" "<=" 1000)"
row "pod attribution on ($PODS pods, listed every 1 s): containers listed" "${R[pods_listed]}" "" "" "$PODS" "$(verdict "${R[pods_listed]}" ">=" "$PODS")"
row "pod attribution on: idle RSS (MB)" "${R[pods_idle_rss]}" "" "" "≤ 96" "$(verdict "${R[pods_idle_rss]}" "<=" 96)"
row "pod attribution on: idle CPU (% of a core, ${IDLE_SECS} s)" "${R[pods_idle_cpu]}" "" "" "≤ 0.5" "$(verdict "${R[pods_idle_cpu]}" "<=" 0.5)"
row "pod attribution on: start to first 200 over UDS (ms, median of $STARTS)" "${R[pods_start_ms]}" "" "" "≤ 1000" "$(verdict "${R[pods_start_ms]}" "<=" 1000)"
row "zeusd gpu power, start to exit (ms, median of $STARTS)" "${R[client_ms]}" "" "" "≤ 400" "$(verdict "${R[client_ms]}" "<=" 400)"
row "cpu/get_power back to back p50 (ms)" "$(ms "${R[cpu_hot_p50]}")" "" "" "≤ 25" "$(verdict "$(ms "${R[cpu_hot_p50]}")" "<=" 25)"
row "cpu/get_power after 1.2 s idle p50 (ms)" "$(ms "${R[cpu_cold_p50]}")" "" "" "≤ 25" "$(verdict "$(ms "${R[cpu_cold_p50]}")" "<=" 25)"
rb=$(ratio "${R[bare16_d_rps]}" "${R[bare16_f_rps]}")
row "bare Quarkus REST (bench/quarkus-floor): get_power UDS 16 conns (req/s)" "${R[bare16_d_rps]}" "${R[bare16_f_rps]}" "$rb" "—" "—"
row "bare Quarkus REST: idle RSS (MB)" "${R[bare_idle_rss]}" "" "" "—" "—"
row "bare Quarkus REST: start to first 200 over UDS (ms, median of $STARTS)" "${R[bare_start_ms]}" "" "" "—" "—"
