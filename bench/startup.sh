#!/usr/bin/env bash
# startup.sh - netkit's whole-process start-up against its goals (issue 10), side by side in one run:
#   netkit isip 127.0.0.1                <= 2.0 x  java -version (the same JDK 25)
#   netkit tcp-connect -z 127.0.0.1 PORT <= 1.0 x  ncat -z 127.0.0.1 PORT
#
# usage: bench/startup.sh [-r ROUNDS] [-k RUNS] [-w WARMUP] [CASE...]
#   CASE   a preset (see -l) or 'label::command line'; default: all presets.
#   -r rounds (default 5): each round runs every case under `hyperfine -N --warmup W --runs K`,
#      cases interleaved round by round; the ratios are taken per round, then the median over rounds.
#   -k runs per case per round (default 10)   -w warm-up runs (default 2)   -l list the presets
# env: JAVA25 (default: the JDK the launcher chose, else the first JDK 25 under /usr/lib/jvm).
# The port checks go to a python3 accept-and-close listener on 127.0.0.1 that the script starts (and
# stops). Loopback only; every process is bounded by timeout. Needs hyperfine, python3, ncat, nc.
# Prints markdown: median ms, min - max, peak RSS of one run, paired ratios vs java25-version and ncat-z.
set -u
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=5; RUNS=10; WARM=2; LIST=0
while getopts "r:k:w:lh" o; do
  case $o in r) ROUNDS=$OPTARG ;; k) RUNS=$OPTARG ;; w) WARM=$OPTARG ;; l) LIST=1 ;; *) sed -n '2,15p' "$0"; exit 2 ;; esac
done
shift $((OPTIND - 1))

NK=$root/netkit
timeout 300 "$NK" isip 127.0.0.1 >/dev/null 2>&1      # builds when needed, records the JDK choice
JAVA25=${JAVA25:-$( [ -f "$root/target/launcher-jdk" ] && echo "$(sed -n 3p "$root/target/launcher-jdk")/bin/java")}
[ -x "${JAVA25:-}" ] || JAVA25=$(ls -d /usr/lib/jvm/*-25*/bin/java 2>/dev/null | head -n 1)
JAR=$root/target/netkit.jar
PORT=$(pick_port tcp)
CLOSED=$(pick_port tcp)

PRESETS="java25-version netkit-isip netkit-isip-noaot java-isip-aot netkit-isip-v netkit-version nc-z ncat-z netkit-z netkit-z-noaot"
cmd_of() {
  case $1 in
    java25-version)    echo "$JAVA25 -version" ;;
    netkit-isip)       echo "$NK isip 127.0.0.1" ;;
    netkit-isip-noaot) echo "env NETKIT_AOT=off $NK isip 127.0.0.1" ;;
    java-isip-aot)     echo "$JAVA25 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:AOTCache=$AOT -Xlog:aot=off -Xlog:cds=off -jar $JAR isip 127.0.0.1" ;;
    netkit-isip-v)     echo "$NK isip -v 127.0.0.1" ;;
    netkit-version)    echo "$NK --version" ;;
    nc-z)              echo "nc -z 127.0.0.1 $PORT" ;;
    ncat-z)            echo "ncat -z 127.0.0.1 $PORT" ;;
    netkit-z)          echo "$NK tcp-connect -z 127.0.0.1 $PORT" ;;
    netkit-z-noaot)    echo "env NETKIT_AOT=off $NK tcp-connect -z 127.0.0.1 $PORT" ;;
    *::*)              echo "${1#*::}" ;;
    *) return 1 ;;
  esac
}
label_of() { case $1 in *::*) echo "${1%%::*}" ;; *) echo "$1" ;; esac; }
if [ "$LIST" = 1 ]; then AOT='$AOT'; for p in $PRESETS; do printf '%-18s %s\n' "$p" "$(cmd_of "$p")"; done; exit 0; fi
[ $# -ge 1 ] || set -- $PRESETS

# The launcher's archives for this JDK (recorded in the background by the first run of each kind after a
# build: the fast path's and the full one's): trigger both, wait for them.
timeout 60 "$NK" isip -v 127.0.0.1 >/dev/null 2>&1
archive() { ls -t "$root"/target/aot/netkit-"$1"-*.aot 2>/dev/null | head -n 1; }
for _ in $(seq 1 180); do
  AOT=$(archive fast); FULL=$(archive full)
  [ -n "$AOT" ] && [ "$AOT" -nt "$JAR" ] && [ -n "$FULL" ] && [ "$FULL" -nt "$JAR" ] && break
  sleep 1
done
[ -n "$AOT" ] && [ -n "$FULL" ] || echo "# the AOT archives did not appear in target/aot within 180 s: netkit-* rows run without them" >&2

W="$BENCH_TMP/startup-nk"; mkdir -p "$W"
cat >"$W/listener.py" <<'PY'
import socket, sys
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(sys.argv[1]))); ls.listen(4096)
while True:
    c, _ = ls.accept(); c.close()
PY
timeout 1800 python3 "$W/listener.py" "$PORT" & LPID=$!
trap 'kill_tree $LPID' EXIT
wait_port tcp "$PORT" 5 || exit 1

echo "# startup: $(machine_info); load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "# java25: $("$JAVA25" -version 2>&1 | sed -n 2p)"
echo "# rounds=$ROUNDS runs/round=$RUNS warmup=$WARM (hyperfine -N); listener 127.0.0.1:$PORT"
labels=(); cmds=()
for c in "$@"; do
  cmd=$(cmd_of "$c") || { echo "unknown case $c" >&2; exit 2; }
  out=$(timeout 30 sh -c "exec $cmd" 2>&1 </dev/null); rc=$?
  echo "# $(label_of "$c"): $cmd   [rc=$rc, out: $(printf '%s' "$out" | head -1 | cut -c1-60)]"
  labels+=("$(label_of "$c")"); cmds+=("$cmd")
done

res="$W/res.$$"; : >"$res"; rss="$W/rss.$$"; : >"$rss"; cpu="$W/cpu.$$"; : >"$cpu"
for ((round = 1; round <= ROUNDS; round++)); do
  for i in "${!cmds[@]}"; do
    j="$W/hf.$$.json"
    timeout 300 hyperfine -N -i --style none --warmup "$WARM" --runs "$RUNS" --export-json "$j" "${cmds[$i]}" >/dev/null 2>&1
    python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
for t in r["times"]: print(sys.argv[2], sys.argv[3], "%.3f" % (t * 1000))
with open(sys.argv[4], "a") as c: print(sys.argv[2], sys.argv[3], "%.3f" % ((r["user"] + r["system"]) * 1000), file=c)
' "$j" "$round" "${labels[$i]}" "$cpu" >>"$res" || echo "# round $round ${labels[$i]} FAILED" >&2
    rm -f "$j"
  done
done
for i in "${!cmds[@]}"; do
  # shellcheck disable=SC2086
  kb=$(timeout 60 /usr/bin/time -f '%M' -o "$rss.one" ${cmds[$i]} </dev/null >/dev/null 2>&1; tail -1 "$rss.one")
  echo "${labels[$i]} $(awk -v k="$kb" 'BEGIN{printf "%.1f", k/1024}')" >>"$rss"
done
rm -f "$rss.one"
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at end"

echo
echo "## start-up, wall ms (all runs of all rounds), peak RSS MiB of one run"
python3 -c '
import sys, statistics
t, order, m = {}, [], {}
for line in open(sys.argv[1]):
    rnd, lab, v = line.split(); t.setdefault(lab, []).append(float(v))
    if lab not in order: order.append(lab)
for line in open(sys.argv[2]):
    lab, v = line.rsplit(None, 1); m[lab] = float(v)
print("| case | n | median ms | min - max ms | peak RSS MiB |")
print("|---|---|---|---|---|")
for lab in order:
    v = t[lab]
    print(f"| {lab} | {len(v)} | {statistics.median(v):.1f} | {min(v):.1f} - {max(v):.1f} | {m.get(lab, 0):.1f} |")
' "$res" "$rss"
per_round() {   # RUN LABEL MEDIAN-OF-ROUND lines for ratio_table
  python3 -c '
import sys, statistics
d = {}
for line in open(sys.argv[1]):
    rnd, lab, v = line.split(); d.setdefault(rnd, {}).setdefault(lab, []).append(float(v))
for rnd in d:
    for lab, v in d[rnd].items(): print(rnd, lab, statistics.median(v))
' "$res"
}
for base in java25-version ncat-z; do
  case " ${labels[*]} " in *" $base "*) echo; echo "wall time:"; per_round | ratio_table "$base" ;; esac
done
# CPU time (user + system, mean per run of each round) is far less disturbed by other load on the machine
echo
echo "## CPU ms per run (user + system; mean of each round, median over rounds)"
cut -d' ' -f2- "$cpu" | stats_table ms 1
for base in java25-version ncat-z; do
  case " ${labels[*]} " in *" $base "*) echo; echo "CPU time:"; ratio_table "$base" <"$cpu" ;; esac
done
rm -f "$res" "$rss" "$cpu"
