#!/usr/bin/env bash
# connect-rate.sh - TCP connect/close cycles ("port checks") against a loopback listener:
#                   per-process cost (one tool process per check) vs in-process loops,
#                   plus a port-range scan over closed ports.
#
# usage: bench/connect-rate.sh [-k CHECKS] [-K LOOPS] [-r RUNS] [-S LO-HI] [CASE...]
#   CASE   preset (see -l) or ad hoc:
#            'label::per::COMMAND'   run COMMAND once per check, CHECKS times (a port check)
#            'label::loop::COMMAND'  one process that does LOOPS connects itself ({COUNT})
#            'label::scan::COMMAND'  one process that scans the range ({LO} {HI})
#          placeholders {HOST} {PORT} {COUNT} {LO} {HI}; see bench/lib.sh.
#          default: every preset except netkit-*; the first case is the ratio baseline
#          (use e.g. `nc-z ...` to make nc the baseline).
#   -k     checks for per-process cases (default 200)
#   -K     connects for in-process loops (default 10000)
#   -r     runs (default 5), cases interleaved run by run
#   -S     scan range (default 5001-10000: 5000 ports, none open but the listener's
#          port LO; the script refuses a range in which another process listens)
#   -l     list presets
# Each per-process check runs as `timeout 10 COMMAND` (the bound; timeout's own fork+exec,
# about 1 ms here, is in every per-process figure alike). A scan passes when it exits 0.
# The listener is a python3 accept-and-close loop (backlog 4096) started by the script.
# example: bench/connect-rate.sh nc-z ncat-z python-loop nc-scan
#          bench/connect-rate.sh -k 100 ncat-z netkit-z netkit-V java25-version-flags java25-hello-flags java25-portcheck-flags nc-z
#          (netkit = ./netkit of this checkout; NETKIT='java -jar netkit.jar' to override;
#          netkit-V and java25-version-flags are the JVM floor with the launcher's flags and AOT cache)
set -u
# netkit from this checkout unless NETKIT says otherwise (the launcher; NETKIT_NO_BUILD=1 skips its staleness check)
NETKIT=${NETKIT:-$(cd "$(dirname "$0")/.." && pwd)/netkit}
. "$(dirname "$0")/lib.sh"

CHECKS=200; LOOPS=10000; RUNS=5; RANGE=5001-10000; LIST=0
while getopts "k:K:r:S:lh" o; do
  case $o in k) CHECKS=$OPTARG ;; K) LOOPS=$OPTARG ;; r) RUNS=$OPTARG ;; S) RANGE=$OPTARG ;; l) LIST=1 ;;
    *) sed -n '2,25p' "$0"; exit 2 ;; esac
done
shift $((OPTIND - 1))
LO=${RANGE%-*}; HI=${RANGE#*-}
JAVA17=${JAVA17:-$(command -v java)}
JAVA25=${JAVA25:-$(ls -d /usr/lib/jvm/*-25*/bin/java 2>/dev/null | head -n 1)}
JAVAC=${JAVAC:-$(dirname "$(readlink -f "$JAVA17")")/javac}
W="$BENCH_TMP/connect"; mkdir -p "$W"; PJAR="$W/portcheck.jar"

PRESETS="spawn-true nc-z ncat-z socat-z java17-z java25-z java25-aot-z bash-devtcp-loop python-loop java25-loop nc-scan python-scan"
EXTRA="netkit-z netkit-V java25-version-flags java25-hello-flags java25-portcheck-flags netkit-scan"
# The JVM floor of a netkit port check: the launcher's flags for a single check or -V (interpreter only,
# Serial GC, no perf data) and its fast-path AOT cache, running the same jar's cheapest command (-V) or the
# JVM alone; and, with the same flags and an AOT cache of their own, a jar whose main prints one line
# (java25-hello-flags: what starting any jar costs) and the plain Java port check (java25-portcheck-flags).
NK_HOME=$(cd "$(dirname "$0")/.." && pwd)
NK_AOT=$(ls -t "$NK_HOME"/target/aot/netkit-fast-25*.aot 2>/dev/null | head -n 1)
NK_FLAGS="-XX:+UseSerialGC -Xint -XX:-UsePerfData"
HJAR="$W/hello.jar"
spec_of() {
  case $1 in
    spawn-true)       echo 'per::true' ;;   # floor: timeout + exec of /bin/true, no network
    nc-z)             echo 'per::nc -z {HOST} {PORT}' ;;
    ncat-z)           echo 'per::ncat -z {HOST} {PORT}' ;;
    socat-z)          echo 'per::socat -u /dev/null TCP:{HOST}:{PORT}' ;;
    java17-z)         echo "per::$JAVA17 -cp $PJAR PortCheck {HOST} {PORT} 1" ;;
    java25-z)         echo "per::$JAVA25 -cp $PJAR PortCheck {HOST} {PORT} 1" ;;
    java25-aot-z)     echo "per::$JAVA25 -XX:AOTCache=$W/portcheck.aot -cp $PJAR PortCheck {HOST} {PORT} 1" ;;
    bash-devtcp-loop) echo "loop::bash -c 'for ((i=0;i<{COUNT};i++)); do exec 3<>/dev/tcp/{HOST}/{PORT} && exec 3>&-; done'" ;;
    python-loop)      echo "loop::python3 $W/connect_loop.py {HOST} {PORT} {COUNT}" ;;
    java25-loop)      echo "loop::$JAVA25 -cp $PJAR PortCheck {HOST} {PORT} {COUNT}" ;;
    nc-scan)          echo 'scan::nc -z {HOST} {LO}-{HI}' ;;
    python-scan)      echo "scan::python3 $W/connect_loop.py {HOST} {LO}-{HI} 0" ;;
    netkit-z)         echo "per::$(nk NETKIT_Z "$NETKIT tcp-connect -z {HOST} {PORT}")" ;;
    netkit-V)         echo "per::$NETKIT -V" ;;
    java25-version-flags) echo "per::$JAVA25 $NK_FLAGS ${NK_AOT:+-XX:AOTCache=$NK_AOT -Xlog:aot=off -Xlog:cds=off} -version" ;;
    java25-hello-flags) echo "per::$JAVA25 $NK_FLAGS -XX:AOTCache=$W/hello-flags.aot -Xlog:aot=off -Xlog:cds=off -jar $HJAR" ;;
    java25-portcheck-flags) echo "per::$JAVA25 $NK_FLAGS -XX:AOTCache=$W/portcheck-flags.aot -Xlog:aot=off -Xlog:cds=off -cp $PJAR PortCheck {HOST} {PORT} 1" ;;
    netkit-scan)      echo "scan::$(nk NETKIT_SCAN "$NETKIT tcp-connect -z {HOST} {LO}-{HI}")" ;;
    *::per::*|*::loop::*|*::scan::*) echo "${1#*::}" ;;
    *) return 1 ;;
  esac
}
label_of() { case $1 in *::*) echo "${1%%::*}" ;; *) echo "$1" ;; esac; }
if [ "$LIST" = 1 ]; then for p in $PRESETS $EXTRA; do printf '%-18s %s\n' "$p" "$(spec_of "$p")"; done; exit 0; fi
[ $# -ge 1 ] || set -- $PRESETS

# --- helpers: neutral listener, python connect loop / scanner, Java port check ------------
cat >"$W/listener.py" <<'EOF'
# listener.py HOST PORT: accept and close, forever (the script bounds it with timeout)
import socket, sys
ls = socket.create_server((sys.argv[1], int(sys.argv[2])), backlog=4096)
while True:
    c, _ = ls.accept(); c.close()
EOF
cat >"$W/connect_loop.py" <<'EOF'
# connect_loop.py HOST PORT COUNT  -> COUNT connect/close cycles, prints successes
# connect_loop.py HOST LO-HI 0     -> scan: prints open ports
import socket, sys
host, p, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
if "-" in p:
    lo, hi = map(int, p.split("-")); open_ = []
    for port in range(lo, hi + 1):
        s = socket.socket(fam); s.settimeout(1)
        if s.connect_ex((host, port)) == 0: open_.append(port)
        s.close()
    print("open:", *open_)
else:
    ok = 0
    for _ in range(n):
        s = socket.socket(fam)
        try: s.connect((host, int(p))); ok += 1
        except OSError: pass
        s.close()
    print(ok); sys.exit(0 if ok == n else 1)
sys.exit(0 if "-" not in p or open_ else 1)
EOF
if [ ! -s "$PJAR" ]; then
  mkdir -p "$W/src" && cat >"$W/src/PortCheck.java" <<'EOF'
import java.net.InetSocketAddress;
import java.net.Socket;
/** PortCheck HOST PORT COUNT: COUNT connect/close cycles; exit 0 when all succeeded. */
public class PortCheck {
    public static void main(String[] a) throws Exception {
        InetSocketAddress addr = new InetSocketAddress(a[0], Integer.parseInt(a[1]));
        int n = Integer.parseInt(a[2]), ok = 0;
        for (int i = 0; i < n; i++) {
            try (Socket s = new Socket()) { s.connect(addr, 1000); ok++; } catch (Exception e) { }
        }
        if (n > 1) System.out.println(ok);
        System.exit(ok == n ? 0 : 1);
    }
}
EOF
  "$JAVAC" --release 17 -d "$W/src" "$W/src/PortCheck.java" && (cd "$W/src" && jar --create --file "$PJAR" PortCheck.class)
fi

if [ ! -s "$HJAR" ]; then
  # a jar with netkit's manifest attributes whose main prints one line, as -V does
  mkdir -p "$W/hello" && printf 'public class Hello { public static void main(String[] a) { System.out.println("hello 0.1.0"); } }\n' >"$W/hello/Hello.java" &&
    printf 'Main-Class: Hello\nAdd-Exports: java.base/sun.nio.ch\nEnable-Native-Access: ALL-UNNAMED\n' >"$W/hello/manifest" &&
    "$JAVAC" --release 17 -d "$W/hello" "$W/hello/Hello.java" &&
    (cd "$W/hello" && jar --create --file "$HJAR" --manifest manifest Hello.class)
fi

busy=$(ss -Hltn | awk -v lo="$LO" -v hi="$HI" '{ n = split($4, a, ":"); p = a[n] + 0; if (p >= lo && p <= hi) print p }')
[ -z "$busy" ] || { echo "ports already listening in $RANGE: $busy - choose another -S range" >&2; exit 2; }
PORT=$LO
timeout -k 2 900 python3 "$W/listener.py" "$HOST" "$PORT" </dev/null >/dev/null 2>&1 &
LPID=$!
trap 'kill_tree $LPID' EXIT
wait_port tcp "$PORT" 5 || exit 1
case " $* " in *java25-aot-z*) [ -s "$W/portcheck.aot" ] ||
  timeout 60 "$JAVA25" -XX:AOTCacheOutput="$W/portcheck.aot" -cp "$PJAR" PortCheck "$HOST" "$PORT" 1 >"$W/aot.log" 2>&1 ;; esac
case " $* " in *java25-portcheck-flags*) [ -s "$W/portcheck-flags.aot" ] ||
  timeout 60 "$JAVA25" $NK_FLAGS -XX:AOTCacheOutput="$W/portcheck-flags.aot" -cp "$PJAR" PortCheck "$HOST" "$PORT" 1 >"$W/aot.log" 2>&1 ;; esac
case " $* " in *java25-hello-flags*) [ -s "$W/hello-flags.aot" ] ||
  timeout 60 "$JAVA25" $NK_FLAGS -XX:AOTCacheOutput="$W/hello-flags.aot" -jar "$HJAR" >"$W/aot.log" 2>&1 ;; esac

echo "# connect-rate: $(machine_info)"
echo "# checks(per-process)=$CHECKS loops(in-process)=$LOOPS runs=$RUNS scan=$LO-$HI listener=python3 accept+close on $HOST:$PORT"
for c in "$@"; do
  sp=$(spec_of "$c") || { echo "unknown case $c" >&2; exit 2; }
  cmd=$(fill "${sp#*::}"); cmd=${cmd//\{COUNT\}/$LOOPS}; cmd=${cmd//\{LO\}/$LO}; cmd=${cmd//\{HI\}/$HI}
  case ${sp%%::*} in per) echo "# $(label_of "$c"): $CHECKS x ( $cmd )" ;; *) echo "# $(label_of "$c"): $cmd" ;; esac
done

res="$BENCH_TMP/connect-res.$$"; : >"$res"
for ((run = 1; run <= RUNS; run++)); do
  for c in "$@"; do
    sp=$(spec_of "$c"); kind=${sp%%::*}
    cmd=$(fill "${sp#*::}"); cmd=${cmd//\{COUNT\}/$LOOPS}; cmd=${cmd//\{LO\}/$LO}; cmd=${cmd//\{HI\}/$HI}
    fails=0; t0=$(now)
    case $kind in
      per)
        # word-split, no shell in between: only `timeout` (the bound) wraps each check
        # shellcheck disable=SC2086
        for ((i = 0; i < CHECKS; i++)); do
          timeout 10 $cmd </dev/null >/dev/null 2>&1 || fails=$((fails + 1))
        done
        n=$CHECKS ;;
      loop) out=$(timeout 300 sh -c "exec $cmd" </dev/null 2>/dev/null) || fails="rc!=0($out)"; n=$LOOPS ;;
      scan) timeout 300 sh -c "exec $cmd" </dev/null >/dev/null 2>&1 || fails="rc!=0 (open port $LO missed?)"
            n=$((HI - LO + 1)) ;;
    esac
    t1=$(now)
    secs=$(elapsed "$t0" "$t1")
    us=$(awk -v s="$secs" -v n="$n" 'BEGIN{printf "%.1f", s/n*1e6}')
    echo "$run $(label_of "$c") $kind $n $secs $us $fails" >>"$res"
    echo "# run $run $(label_of "$c"): $n in ${secs}s = ${us} us each, failures: $fails"
  done
done
python3 - "$res" <<'EOF'
import sys, statistics as st
rows, order, per_run = {}, [], {}
for line in open(sys.argv[1]):
    run, lab, kind, n, secs, us, fails = line.split(None, 6)
    rows.setdefault(lab, []).append((kind, int(n), float(secs), float(us), fails.strip()))
    per_run.setdefault(run, {})[lab] = float(us)
    if lab not in order: order.append(lab)
base = order[0]
print(f"\n## TCP connect/close to a loopback listener; per-process = one process per check")
print(f"| case | kind | connects per run | runs | total s median | us per connect median (min - max) | connects/s | ratio vs {base} (paired) | failures |")
print("|---|---|---|---|---|---|---|---|---|")
for lab in order:
    r = rows[lab]; us = [x[3] for x in r]
    ratio = [d[lab] / d[base] for d in per_run.values() if lab in d and base in d]
    f = sorted(set(x[4] for x in r))
    print(f"| {lab} | {r[0][0]} | {r[0][1]} | {len(r)} | {st.median([x[2] for x in r]):.3f} | {st.median(us):.1f} ({min(us):.1f} - {max(us):.1f}) | {1e6 / st.median(us):.0f} | {st.median(ratio):.3f} | {','.join(f)} |")
EOF
rm -f "$res"
