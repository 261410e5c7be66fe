#!/usr/bin/env bash
# tcp-throughput.sh - bulk TCP throughput over loopback, client -> listener -> /dev/null.
#
# usage: bench/tcp-throughput.sh [-b BYTES] [-r RUNS] [-6] [-F] [-s] [-S SHA_BYTES] [-t SECS] TOOL...
#   TOOL    preset: nc ncat socat socat-b128k iperf3 netkit netkit-buffer (zero-copy off:
#           -Dnetkit.zeroCopy=off) netkit-splice-all (also splices a stdin pipe:
#           -Dnetkit.zeroCopy=all) netkit-pipe64k (stdin/stdout pipes left at the
#           kernel's 64 KiB: -Dnetkit.pipeSize=0) pipe-floor (no network:
#           head | cat) java17-io java25-io java25-nio (bench/ref/JCat.java, a plain
#           64 KiB Java copy loop: what a Java CLI gets without tuning)
#           or ad hoc: 'label::LISTEN_TEMPLATE::CONNECT_TEMPLATE'
#           (placeholders {HOST} {HOSTB} {PORT} {PF}; see bench/lib.sh)
#           The listener must write what it receives to stdout and exit when the
#           client closes; the client must send its stdin and close at EOF.
#   -b      bytes per transfer (default 2147483648 = 2 GiB), read by head -c from /dev/zero
#   -r      timed runs per tool (default 5); tools are interleaved run by run
#           (run 1: A B C, run 2: A B C, ...) so the paired ratio vs the first
#           tool is side by side. One extra untimed warm-up run per tool pipes the
#           listener into `wc -c` and checks the byte count.
#   -6      use ::1 instead of 127.0.0.1
#   -F      timed runs read a regular file of BYTES zeros (made once in $BENCH_TMP)
#           as the client's stdin instead of head -c ... | (sendfile territory)
#   -s      also do the byte-exact check: send a random file (-S bytes, default
#           256 MiB) and compare sha256 at the receiver
#   -t      time bound for one transfer (default 120 s)
# example: bench/tcp-throughput.sh -r 5 -s nc ncat socat netkit
#          (netkit = ./netkit of this checkout; NETKIT='java -jar netkit.jar' to override)
# prints markdown tables: MB/s (10^6 bytes/s) median and min-max, and paired ratios.
set -u
# netkit from this checkout unless NETKIT says otherwise (the launcher; NETKIT_NO_BUILD=1 skips its staleness check)
NETKIT=${NETKIT:-$(cd "$(dirname "$0")/.." && pwd)/netkit}
. "$(dirname "$0")/lib.sh"

BYTES=2147483648; RUNS=5; SHA=0; SHA_BYTES=268435456; TMAX=120; FILESRC=0
while getopts "b:r:6FsS:t:h" o; do
  case $o in
    b) BYTES=$OPTARG ;; r) RUNS=$OPTARG ;; 6) set_family 6 ;; s) SHA=1 ;; F) FILESRC=1 ;;
    S) SHA_BYTES=$OPTARG ;; t) TMAX=$OPTARG ;; *) sed -n '2,25p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '2,25p' "$0"; exit 2; }

JAVA17=${JAVA17:-$(command -v java)}
JAVA25=${JAVA25:-$(ls -d /usr/lib/jvm/*-25*/bin/java 2>/dev/null | head -n 1)}
JCAT="$BENCH_TMP/jcat/jcat.jar"   # bench/ref/JCat.java: a plain Java copy loop, 64 KiB buffer
build_jcat() {
  [ -s "$JCAT" ] && return 0
  mkdir -p "$BENCH_TMP/jcat" && "$(dirname "$(readlink -f "$JAVA17")")/javac" --release 17 \
    -d "$BENCH_TMP/jcat" "$(dirname "$0")/ref/JCat.java" && (cd "$BENCH_TMP/jcat" && jar --create --file "$JCAT" JCat*.class)
}
# preset -> "LISTEN::CONNECT"
preset() {
  case $1 in
    pipe-floor)  echo 'PIPE' ;;   # head -c BYTES /dev/zero | cat >/dev/null: no network
    java17-io)   echo "$JAVA17 -cp $JCAT JCat io listen {HOST} {PORT}::$JAVA17 -cp $JCAT JCat io connect {HOST} {PORT}" ;;
    java25-io)   echo "$JAVA25 -cp $JCAT JCat io listen {HOST} {PORT}::$JAVA25 -cp $JCAT JCat io connect {HOST} {PORT}" ;;
    java25-nio)  echo "$JAVA25 -cp $JCAT JCat nio listen {HOST} {PORT}::$JAVA25 -cp $JCAT JCat nio connect {HOST} {PORT}" ;;
    nc)          echo 'nc -l {HOST} {PORT}::nc -N {HOST} {PORT}' ;;
    ncat)        echo 'ncat -l --recv-only {HOST} {PORT}::ncat --send-only {HOST} {PORT}' ;;
    socat)       echo 'socat -u TCP{PF}-LISTEN:{PORT},bind={HOSTB},reuseaddr STDOUT::socat -u STDIN TCP{PF}:{HOSTB}:{PORT}' ;;
    socat-b128k) echo 'socat -b 131072 -u TCP{PF}-LISTEN:{PORT},bind={HOSTB},reuseaddr STDOUT::socat -b 131072 -u STDIN TCP{PF}:{HOSTB}:{PORT}' ;;
    netkit)      echo "$(nk NETKIT_TCP_LISTEN "$NETKIT tcp-listen {HOST} {PORT}")::$(nk NETKIT_TCP_CONNECT "$NETKIT tcp-connect {HOST} {PORT}")" ;;
    netkit-buffer) echo "env JDK_JAVA_OPTIONS=-Dnetkit.zeroCopy=off $NETKIT tcp-listen {HOST} {PORT}::env JDK_JAVA_OPTIONS=-Dnetkit.zeroCopy=off $NETKIT tcp-connect {HOST} {PORT}" ;;
    netkit-pipe64k) echo "env JDK_JAVA_OPTIONS=-Dnetkit.pipeSize=0 $NETKIT tcp-listen {HOST} {PORT}::env JDK_JAVA_OPTIONS=-Dnetkit.pipeSize=0 $NETKIT tcp-connect {HOST} {PORT}" ;;
    netkit-splice-all) echo "env JDK_JAVA_OPTIONS=-Dnetkit.zeroCopy=all $NETKIT tcp-listen {HOST} {PORT}::env JDK_JAVA_OPTIONS=-Dnetkit.zeroCopy=all $NETKIT tcp-connect {HOST} {PORT}" ;;
    iperf3)      echo 'IPERF3' ;;
    *::*::*)     echo "${1#*::}" ;;
    *) echo "unknown tool $1" >&2; return 1 ;;
  esac
}
label_of() { case $1 in *::*::*) echo "${1%%::*}" ;; *) echo "$1" ;; esac; }

# one transfer. args: TOOL SINK(devnull|count|sha) SOURCE(zero|FILE)
# prints "SECONDS EXTRA" (EXTRA = byte count / sha256 / iperf3 own MB/s)
transfer() {
  local tool=$1 sink=$2 src=$3 spec L C port lpid t0 t1 extra=- rc out
  spec=$(preset "$tool") || return 1
  port=$(pick_port tcp) || return 1
  out="$BENCH_TMP/tcp-recv.$$"
  if [ "$spec" = PIPE ]; then
    t0=$(now)
    if [ "$sink" = count ]; then extra=$(head -c "$BYTES" /dev/zero | cat | wc -c)
    else head -c "$BYTES" /dev/zero | cat >/dev/null; fi
    t1=$(now)
    echo "$(elapsed "$t0" "$t1") $extra"; return 0
  fi
  if [ "$spec" = IPERF3 ]; then
    timeout -k 2 "$TMAX" iperf3 -s -1 -B "$HOST" -p "$port" >/dev/null 2>&1 </dev/null &
    lpid=$!
    wait_port tcp "$port" 5 || { kill_tree $lpid; return 1; }
    t0=$(now)
    timeout -k 2 "$TMAX" iperf3 -c "$HOST" -p "$port" -n "$BYTES" -J >"$out.json" 2>/dev/null </dev/null
    rc=$?
    wait $lpid 2>/dev/null
    t1=$(now)
    extra=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("%.0f" % (j["end"]["sum_received"]["bits_per_second"]/8e6))' "$out.json" 2>/dev/null || echo "?")
    rm -f "$out.json"
    [ $rc -eq 0 ] || { echo "iperf3 client rc=$rc" >&2; return 1; }
    echo "$(elapsed "$t0" "$t1") iperf3-own=${extra}MB/s"
    return 0
  fi
  L=$(fill "${spec%%::*}" "$port"); C=$(fill "${spec#*::}" "$port")
  case $sink in
    devnull) timeout -k 2 "$TMAX" sh -c "exec $L" </dev/null >/dev/null 2>"$out.err" & ;;
    count)   { timeout -k 2 "$TMAX" sh -c "exec $L" </dev/null 2>"$out.err" | wc -c >"$out"; } & ;;
    sha)     { timeout -k 2 "$TMAX" sh -c "exec $L" </dev/null 2>"$out.err" | sha256sum | cut -d' ' -f1 >"$out"; } & ;;
  esac
  lpid=$!
  wait_port tcp "$port" 5 || { kill_tree $lpid; return 1; }
  t0=$(now)
  if [ "$src" = zero ]; then
    head -c "$BYTES" /dev/zero | timeout -k 2 "$TMAX" sh -c "exec $C" >/dev/null 2>>"$out.err"
  else
    timeout -k 2 "$TMAX" sh -c "exec $C" <"$src" >/dev/null 2>>"$out.err"
  fi
  rc=$?
  wait $lpid 2>/dev/null
  t1=$(now)
  [ $rc -eq 0 ] || { echo "$tool: client rc=$rc: $(head -c 300 "$out.err")" >&2; }
  [ "$sink" != devnull ] && extra=$(cat "$out")
  rm -f "$out" "$out.err"
  echo "$(elapsed "$t0" "$t1") $extra"
}

case " $* " in *java*) build_jcat || { echo "JCat build failed" >&2; exit 1; } ;; esac
echo "# tcp-throughput: $(machine_info)"
echo "# bytes=$BYTES runs=$RUNS host=$HOST tools=$*"
for tool in "$@"; do   # warm-up + byte-count check, also prints the command lines
  spec=$(preset "$tool") || exit 2
  if [ "$spec" = PIPE ]; then echo "# $(label_of "$tool"): head -c $BYTES /dev/zero | cat >/dev/null   (no network)"
  elif [ "$spec" = IPERF3 ]; then echo "# $(label_of "$tool"): iperf3 -s -1 -B $HOST -p PORT  /  iperf3 -c $HOST -p PORT -n $BYTES -J"
  else echo "# $(label_of "$tool"): head -c $BYTES /dev/zero | $(fill "${spec#*::}" PORT)  ->  $(fill "${spec%%::*}" PORT) >/dev/null"; fi
  r=$(transfer "$tool" count zero) || { echo "# $tool: warm-up FAILED"; continue; }
  got=${r#* }
  if [ "$spec" = IPERF3 ]; then echo "#   warm-up ok ($got)"
  elif [ "$got" = "$BYTES" ]; then echo "#   warm-up byte count ok ($got)"
  else echo "#   warm-up byte count MISMATCH: got $got of $BYTES"; fi
done

timed_src=zero
if [ "$FILESRC" = 1 ]; then
  timed_src="$BENCH_TMP/zeros-$BYTES.bin"
  [ -s "$timed_src" ] && [ "$(stat -c %s "$timed_src")" = "$BYTES" ] || head -c "$BYTES" /dev/zero >"$timed_src"
  cat "$timed_src" >/dev/null   # in the page cache before the first timed run
  echo "# timed runs: CLIENT < $timed_src (a regular file)"
fi
res="$BENCH_TMP/tcp-throughput.$$"; : >"$res"
for ((run = 1; run <= RUNS; run++)); do
  for tool in "$@"; do
    r=$(transfer "$tool" devnull "$timed_src") || { echo "# run $run $tool FAILED"; continue; }
    secs=${r%% *}
    mbs=$(awk -v b="$BYTES" -v s="$secs" 'BEGIN{printf "%.1f", b/s/1e6}')
    echo "$run $(label_of "$tool") $mbs" >>"$res"
    echo "# run $run $(label_of "$tool"): ${secs}s ${mbs} MB/s ${r#* }"
  done
done
echo
echo "## TCP throughput, $BYTES bytes, $HOST, MB/s"
cut -d' ' -f2- "$res" | stats_table MB/s 0
echo
ratio_table "$(label_of "$1")" <"$res"
rm -f "$res"

if [ "$SHA" = 1 ]; then
  src="$BENCH_TMP/random-$SHA_BYTES.bin"
  [ -s "$src" ] && [ "$(stat -c %s "$src")" = "$SHA_BYTES" ] || head -c "$SHA_BYTES" /dev/urandom >"$src"
  want=$(sha256sum "$src" | cut -d' ' -f1)
  echo
  echo "## byte-exact check: $SHA_BYTES random bytes, sha256 ${want:0:16}..."
  echo "| tool | sha256 at receiver | result | seconds |"
  echo "|---|---|---|---|"
  for tool in "$@"; do
    case $(preset "$tool") in IPERF3|PIPE) continue ;; esac
    r=$(transfer "$tool" sha "$src") || { echo "| $(label_of "$tool") | - | FAILED | - |"; continue; }
    got=${r#* }
    if [ "$got" = "$want" ]; then ok=PASS; else ok=FAIL; fi
    echo "| $(label_of "$tool") | ${got:0:16}... | $ok | ${r%% *} |"
  done
fi
