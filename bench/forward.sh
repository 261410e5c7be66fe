#!/usr/bin/env bash
# forward.sh - TCP forwarders side by side over loopback: netkit tcp-listen --forward, socat
# TCP-LISTEN,fork TCP:, ncat -l -k -c 'ncat ...'.
#
# usage: bench/forward.sh [-b BYTES] [-r RUNS] [-n CONNS] [-S SIZE] [-i IDLE_CONNS] [-p PARTS] [-W] TOOL...
#   TOOL   netkit netkit-zc netkit-buf socat socat-t60 ncat c-copy c-splice direct (direct = no forwarder:
#          the client talks to the upstream itself; netkit-zc = netkit with -Dnetkit.zeroCopy=all, splice
#          socket to socket; netkit-buf = -Dnetkit.zeroCopy=off, the JDK's channels; socat-t60 = socat -t60,
#          see below; c-copy and c-splice = the floor, bench/ref/cfwd.c built with cc: a thread per direction
#          and nothing else, recv/send through 256 KiB or splice through a 1 MiB pipe)
#   -b     bulk: bytes through the forwarder in one connection (default 1073741824 = 1 GiB), from
#          /dev/zero by socat -b256k to a sink behind the forwarder that counts what it reads (python,
#          recv_into a 256 KiB buffer: it writes nothing; a sink writing its gigabyte to a file made the
#          page cache's writeback part of every figure); time until the sink has everything. Runs
#          interleaved (A B C, A B C, ...), paired ratios vs the first tool.
#   -r     bulk runs per tool (default 3)
#   -W     bulk, warm: each forwarder first carries one untimed transfer of the same size, then the timed one
#          (a long-running forwarder's figure: a JVM's class loading and compiling done; a forking one's unchanged)
#   -n/-S  many: N concurrent connections (default 1000) each sending SIZE bytes (default 1048576)
#          through the forwarder to an upstream that answers with the sha256 of what it got; every
#          digest is checked (bench/ref/FwdLoad.java, one JVM; `direct` = the harness alone). Time
#          from the first connect to the last digest, after an untimed warm-up of the harness.
#   -i     idle: RSS of the forwarder (all its processes) holding this many forwarded idle
#          connections (default 1000)
#   -p     which parts: any of b (bulk), m (many), i (idle); default bmi
# Loopback only; every process under `timeout`, every loop bounded; forwarders are stopped by pid.
# example: bench/forward.sh -r 3 netkit socat ncat
set -u
NETKIT=${NETKIT:-$(cd "$(dirname "$0")/.." && pwd)/netkit}
. "$(dirname "$0")/lib.sh"
LOAD="python3 $(dirname "$0")/ref/fwd_load.py"
# the many-connections load runs in Java (bench/ref/FwdLoad.java, source launch on a JDK 25): its own cost
# (0.9 s for 1000 x 1 MiB on this machine kind) is far below a forwarder's, where the python one was not
JAVA25=${JAVA25:-$(ls -d /usr/lib/jvm/*-25*/bin/java "$HOME"/.sdkman/candidates/java/25*/bin/java 2>/dev/null | head -n 1)}
MANY="${JAVA25:-java} -XX:+UseSerialGC -Xmx1g $(dirname "$0")/ref/FwdLoad.java"

BYTES=1073741824; RUNS=3; CONNS=1000; SIZE=1048576; IDLE=1000; PARTS=bmi; WARM=0
while getopts "b:r:n:S:i:p:Wh" o; do
  case $o in
    b) BYTES=$OPTARG ;; r) RUNS=$OPTARG ;; n) CONNS=$OPTARG ;; S) SIZE=$OPTARG ;; i) IDLE=$OPTARG ;; W) WARM=1 ;;
    p) PARTS=$OPTARG ;; *) sed -n '2,27p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '2,27p' "$0"; exit 2; }
for t in socat python3; do command -v $t >/dev/null || { echo "needs $t" >&2; exit 2; }; done

# forwarder TOOL FWD_PORT UP_PORT -> the command line of a forwarder listening on FWD_PORT
forwarder() {
  case $1 in
    netkit) echo "$NETKIT tcp-listen -k 127.0.0.1 $2 --forward 127.0.0.1:$3" ;;
    netkit-zc) echo "env JAVA_TOOL_OPTIONS=-Dnetkit.zeroCopy=all $NETKIT tcp-listen -k 127.0.0.1 $2 --forward 127.0.0.1:$3" ;;
    netkit-buf) echo "env JAVA_TOOL_OPTIONS=-Dnetkit.zeroCopy=off $NETKIT tcp-listen -k 127.0.0.1 $2 --forward 127.0.0.1:$3" ;;
    socat) echo "socat TCP-LISTEN:$2,bind=127.0.0.1,fork,reuseaddr,backlog=4096 TCP:127.0.0.1:$3" ;;
    # socat's default -t 0.5 closes a connection 0.5 s after the first side's FIN: a reply that comes
    # later is lost. socat-t60 is socat as one tunes it for request/FIN/reply protocols.
    socat-t60) echo "socat -t60 TCP-LISTEN:$2,bind=127.0.0.1,fork,reuseaddr,backlog=4096 TCP:127.0.0.1:$3" ;;
    ncat) echo "ncat -l -k --max-conns 5000 127.0.0.1 $2 -c 'ncat 127.0.0.1 $3'" ;;
    c-copy | c-splice)
      [ "$BENCH_TMP/cfwd" -nt "$(dirname "$0")/ref/cfwd.c" ] ||
        cc -O2 -pthread -o "$BENCH_TMP/cfwd" "$(dirname "$0")/ref/cfwd.c" || { echo "$1 needs cc (gcc)" >&2; return 1; }
      echo "$BENCH_TMP/cfwd 127.0.0.1 $2 127.0.0.1 $3 ${1#c-}" ;;
    direct) echo "" ;;
    *) echo "unknown tool $1" >&2; return 1 ;;
  esac
}

FWD_PID=
start_forwarder() { # TOOL FWD UP -> sets FWD_PID ("" for direct); returns 1 if it did not come up
  local cmd
  cmd=$(forwarder "$1" "$2" "$3") || return 1
  FWD_PID=
  [ -n "$cmd" ] || return 0
  timeout 900 sh -c "exec $cmd" >/dev/null 2>"$BENCH_TMP/fwd-$1.err" &
  FWD_PID=$!
  wait_port tcp "$2" 30
}
stop_forwarder() { [ -n "$FWD_PID" ] && kill_tree "$FWD_PID"; wait "$FWD_PID" 2>/dev/null; FWD_PID=; }

# rss_kb PID -> resident memory of PID and all its descendants, in KiB
rss_kb() {
  local pid=$1 total=0 c
  total=$(awk '/^VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  for c in $(pgrep -P "$pid" 2>/dev/null); do total=$((total + $(rss_kb "$c"))); done
  echo "${total:-0}"
}

# cpu_ticks PID -> CPU time (user+sys, with reaped children: socat's and ncat's per-client processes) of
# PID and all its descendants, in clock ticks
cpu_ticks() {
  local pid=$1 total c
  total=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}')
  total=${total:-0}
  for c in $(pgrep -P "$pid" 2>/dev/null); do total=$((total + $(cpu_ticks "$c"))); done
  echo "$total"
}
HZ=$(getconf CLK_TCK)

echo "# forward.sh $(date -u +%FT%TZ) $(machine_info) load=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "tools: $*"

if [[ $PARTS == *b* ]]; then
  cat >"$BENCH_TMP/sink.py" <<'EOF'
# sink.py HOST PORT OUT [CONNS]: accepts CONNS connections (default 1) one after the other, reads each to its
# end, writes the byte count of the last one to OUT
import socket, sys
s = socket.create_server((sys.argv[1], int(sys.argv[2])))
buf = bytearray(1 << 18)
for _ in range(int(sys.argv[4]) if len(sys.argv) > 4 else 1):
    c, _ = s.accept(); n = 0
    while True:
        k = c.recv_into(buf)
        if not k: break
        n += k
    c.close()
open(sys.argv[3], "w").write(str(n))
EOF
  echo; echo "## bulk: $BYTES bytes through the forwarder, one connection, $RUNS runs"
  : >"$BENCH_TMP/bulk.txt"
  for ((r = 1; r <= RUNS; r++)); do
    for tool in "$@"; do
      up=$(pick_port tcp); fwd=$(pick_port tcp)
      rm -f "$BENCH_TMP/sink.count"
      timeout 300 python3 "$BENCH_TMP/sink.py" 127.0.0.1 "$up" "$BENCH_TMP/sink.count" $((WARM + 1)) &
      sink=$!
      wait_port tcp "$up" 10 || { kill_tree $sink; continue; }
      target=$fwd; [ "$tool" = direct ] && target=$up
      start_forwarder "$tool" "$fwd" "$up" || { echo "$tool did not start" >&2; kill_tree $sink; continue; }
      # -W: one untimed transfer first, through the same forwarder process (a JVM's classes loaded, its code compiled)
      [ "$WARM" = 1 ] && timeout 300 socat -u -b262144 "OPEN:/dev/zero,readbytes=$BYTES" "TCP:127.0.0.1:$target"
      t0=$(now)
      timeout 300 socat -u -b262144 "OPEN:/dev/zero,readbytes=$BYTES" "TCP:127.0.0.1:$target"
      wait $sink
      t1=$(now)
      got=$(cat "$BENCH_TMP/sink.count" 2>/dev/null || echo 0)
      stop_forwarder
      if [ "$got" != "$BYTES" ]; then echo "$tool run $r: sink got $got of $BYTES bytes" >&2; continue; fi
      secs=$(elapsed "$t0" "$t1")
      echo "$r $tool $(awk -v b="$BYTES" -v s="$secs" 'BEGIN{printf "%.1f", b/s/1e6}')" >>"$BENCH_TMP/bulk.txt"
    done
  done
  rm -f "$BENCH_TMP/sink.count"
  awk '{print $2, $3}' "$BENCH_TMP/bulk.txt" | stats_table MB/s 1
  echo; ratio_table "$1" <"$BENCH_TMP/bulk.txt"
fi

if [[ $PARTS == *m* ]]; then
  echo; echo "## many: $CONNS concurrent connections x $SIZE bytes, sha256 checked per connection"
  echo "(CPU: user+sys seconds the forwarder used for it, its per-client processes included)"
  echo "| tool | connections ok | seconds | forwarder CPU s |"; echo "|---|---|---|---|"
  for tool in "$@"; do
    up=$(pick_port tcp); fwd=$(pick_port tcp)
    [ "$tool" = direct ] && fwd=$up # the harness alone: its clients talk to its upstream
    start_forwarder "$tool" "$fwd" "$up" || { echo "| $tool | did not start | | |"; continue; }
    cpu0=0; [ -n "$FWD_PID" ] && cpu0=$(cpu_ticks "$FWD_PID")
    res=$(timeout 600 $MANY digest "$up" "$fwd" "$CONNS" "$SIZE" 2>>"$BENCH_TMP/fwd-load.err")
    cpu=-; [ -n "$FWD_PID" ] && cpu=$(awk -v a="$cpu0" -v b="$(cpu_ticks "$FWD_PID")" -v hz="$HZ" 'BEGIN{printf "%.2f", (b - a) / hz}')
    stop_forwarder
    echo "| $tool | $(echo "$res" | awk '{print $2}') | $(echo "$res" | awk '{print $4}') | $cpu |"
  done
fi

if [[ $PARTS == *i* ]]; then
  echo; echo "## idle: forwarder RSS holding $IDLE idle forwarded connections"
  echo "| tool | processes | RSS before (MiB) | RSS holding (MiB) | per connection (KiB) |"; echo "|---|---|---|---|---|"
  for tool in "$@"; do
    [ "$tool" = direct ] && continue
    up=$(pick_port tcp); fwd=$(pick_port tcp)
    start_forwarder "$tool" "$fwd" "$up" || { echo "| $tool | did not start | | | |"; continue; }
    sleep 1
    before=$(rss_kb "$FWD_PID")
    coproc LOADP { timeout 300 $LOAD idle "$up" "$fwd" "$IDLE" 20 2>>"$BENCH_TMP/fwd-load.err"; }
    load_pid=${LOADP_PID:-}
    line=""; read -r -t 120 line <&"${LOADP[0]}" || line="not all held"
    sleep 2
    during=$(rss_kb "$FWD_PID"); procs=$(( $(pgrep -P "$FWD_PID" | wc -l) ))
    [[ $tool == netkit* ]] && procs=1
    [ "$tool" = socat ] || [ "$tool" = ncat ] && procs=$(( $(ps --ppid "$(pgrep -P "$FWD_PID" | head -1)" -o pid= | wc -l) + 1 ))
    [ -n "$load_pid" ] && { kill_tree "$load_pid" 2>/dev/null; wait "$load_pid" 2>/dev/null; }
    stop_forwarder
    echo "| $tool ($line) | $procs | $((before / 1024)) | $((during / 1024)) | $(( (during - before) / IDLE )) |"
  done
fi
