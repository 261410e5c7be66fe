#!/usr/bin/env bash
# scan.sh - port scans of 127.0.0.1, netkit against nc -z, side by side in one run:
#   (a) range: a LO-HI range of closed ports with a few listeners the script opens itself;
#   (b) filtered: ports whose listeners have a full accept queue (Linux drops the SYN, so a
#       connect times out, like a firewalled port), probed with a 1 s connect timeout.
#
# usage: bench/scan.sh [-r RUNS] [-S LO-HI] [-F N] [-n NC_FILTERED] [-w SECONDS] [-N] [CASE...]
#   -r   runs (default 5); cases interleaved run by run; ratios are paired within a run
#   -S   range for (a) (default 20000-59999: 40,000 ports)
#   -F   filtered ports for (b) (default 200, starting at 61000)
#   -n   how many of the filtered ports nc probes (default 5: nc takes the full timeout for
#        each, one after another; its time for all F ports is extrapolated and marked so)
#   -w   connect timeout of (b) in seconds (default 1)
#   -N   do not enter a private network namespace (see below)
#   CASE extra netkit variants for (a), as 'label::TEMPLATE' with {HOST} {LO} {HI}
#        e.g. 'netkit-c2::./netkit tcp-connect -z --concurrency 2 {HOST} {LO}-{HI}'
# netkit: NETKIT (default: the repo's ./netkit launcher), or the full templates
#   NETKIT_SCAN          (default '$NETKIT tcp-connect -z {HOST} {LO}-{HI}')
#   NETKIT_SCAN_FILTERED (default '$NETKIT tcp-connect -z -w {W} --concurrency 200 {HOST} {LO}-{HI}')
# One untimed warm-up scan of each tool comes first; WARMUP_WAIT=SECONDS waits after it (e.g. for
# the launcher's background AOT recording to finish).
#
# Safety: by default the script re-runs itself inside a private network namespace
# (`unshare -n`, its own loopback): no other process listens there, so no port that is not the
# benchmark's own is ever probed, and nothing of the machine's network is touched. With -N (or
# when unshare is not permitted) it refuses ranges in which anything listens (`ss -ltn`).
set -u
here=$(cd "$(dirname "$0")" && pwd)
NETKIT=${NETKIT:-$(cd "$here/.." && pwd)/netkit}   # before lib.sh, whose default is a bare `netkit`
. "$here/lib.sh"

ARGS=("$@")
RUNS=5; RANGE=20000-59999; NF=200; NCF=5; W=1; NONS=0
while getopts "r:S:F:n:w:Nh" o; do
  case $o in r) RUNS=$OPTARG ;; S) RANGE=$OPTARG ;; F) NF=$OPTARG ;; n) NCF=$OPTARG ;; w) W=$OPTARG ;; N) NONS=1 ;;
    *) sed -n '2,26p' "$0"; exit 2 ;; esac
done
shift $((OPTIND - 1))

if [ "$NONS" = 0 ] && [ -z "${SCAN_BENCH_IN_NS:-}" ]; then
  if unshare -n true 2>/dev/null; then
    exec unshare -n env SCAN_BENCH_IN_NS=1 bash "$0" "${ARGS[@]}"
  fi
  echo "# unshare -n not permitted: running in the machine's namespace (ranges checked with ss)" >&2
fi
NETNS=machine
if [ -n "${SCAN_BENCH_IN_NS:-}" ]; then ip link set lo up || exit 1; NETNS="private (unshare -n)"; fi

LO=${RANGE%-*}; HI=${RANGE#*-}
FLO=61000; FHI=$((FLO + NF - 1)); NCHI=$((FLO + NCF - 1))
SCAN_T=$(nk NETKIT_SCAN "$NETKIT tcp-connect -z {HOST} {LO}-{HI}")
FILT_T=$(nk NETKIT_SCAN_FILTERED "$NETKIT tcp-connect -z -w {W} --concurrency 200 {HOST} {LO}-{HI}")
WK="$BENCH_TMP/scan"; mkdir -p "$WK"

for r in "$LO-$HI" "$FLO-$FHI"; do
  busy=$(ss -Hltn | awk -v lo="${r%-*}" -v hi="${r#*-}" '{ n = split($4, a, ":"); p = a[n] + 0; if (p >= lo && p <= hi) print p }')
  [ -z "$busy" ] || { echo "ports already listening in $r: $busy - choose another range" >&2; exit 2; }
done

# The benchmark's own listeners: a few open ports in the range (accept and close) and NF
# listeners with backlog 0 whose accept queue is filled, so further SYNs are dropped.
OPEN="$((LO + 7)) $(((LO + HI) / 2)) $((HI - 3))"
cat >"$WK/listeners.py" <<'EOF'
import select, socket, sys, time
opens = [int(p) for p in sys.argv[1].split()]
flo, fhi = int(sys.argv[2]), int(sys.argv[3])
srv = [socket.create_server(("127.0.0.1", p), backlog=128) for p in opens]
full, fillers = [], []
for p in range(flo, fhi + 1):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", p)); s.listen(0); full.append(s)
    for _ in range(3):  # backlog 0 queues one connection; the next SYNs are dropped
        c = socket.socket(); c.setblocking(False); c.connect_ex(("127.0.0.1", p)); fillers.append(c)
time.sleep(0.3)
print("ready", flush=True)
while True:
    r, _, _ = select.select(srv, [], [], 1.0)
    for s in r:
        c, _ = s.accept(); c.close()
EOF
timeout -k 2 3600 python3 "$WK/listeners.py" "$OPEN" "$FLO" "$FHI" >"$WK/listeners.out" 2>&1 </dev/null &
LPID=$!
trap 'kill_tree $LPID' EXIT
for _ in $(seq 1 100); do grep -q ready "$WK/listeners.out" 2>/dev/null && break; sleep 0.05; done
grep -q ready "$WK/listeners.out" || { echo "listeners did not start:"; cat "$WK/listeners.out"; exit 1; } >&2

fillr() { local t; t=$(fill "$1" 0); t=${t//\{LO\}/$2}; t=${t//\{HI\}/$3}; t=${t//\{W\}/$W}; printf '%s' "$t"; }
# timed LABEL EXPECTED_RC OUTFILE COMMAND -> prints seconds; records a failure when rc differs
timed() {
  local label=$1 want=$2 outf=$3 t0 t1 rc
  shift 3
  t0=$(now); timeout 600 sh -c "exec $*" </dev/null >"$outf" 2>/dev/null; rc=$?; t1=$(now)
  [ "$rc" = "$want" ] || echo "$label: exit $rc, expected $want" >>"$WK/failures"
  elapsed "$t0" "$t1"
}

echo "# scan: $(machine_info); load: $(cut -d' ' -f1-3 /proc/loadavg); netns: $NETNS"
echo "# (a) $((HI - LO + 1)) ports $LO-$HI, open (the script's own listeners): $OPEN"
echo "#     nc:     nc -z $HOST $LO-$HI"
echo "#     netkit: $(fillr "$SCAN_T" "$LO" "$HI")"
for c in "$@"; do echo "#     ${c%%::*}: $(fillr "${c#*::}" "$LO" "$HI")"; done
echo "# (b) $NF filtered ports $FLO-$FHI (full accept queues), connect timeout ${W}s"
echo "#     netkit: $(fillr "$FILT_T" "$FLO" "$FHI")"
echo "#     nc:     nc -z -w $W $HOST $FLO-$NCHI  ($NCF ports; extrapolated to $NF)"
# one untimed warm-up of each (page cache; the netkit launcher may record its AOT cache meanwhile)
timeout 120 nc -z "$HOST" "$LO-$HI" >/dev/null 2>&1 </dev/null
timeout 120 sh -c "exec $(fillr "$SCAN_T" "$LO" "$HI")" >/dev/null 2>&1 </dev/null
sleep "${WARMUP_WAIT:-0}"
: >"$WK/failures"; res="$WK/res.$$"; : >"$res"
want_open=$(for p in $OPEN; do echo "$HOST $p open"; done)
for ((run = 1; run <= RUNS; run++)); do
  s=$(timed nc 0 "$WK/nc.out" nc -z "$HOST" "$LO-$HI"); echo "$run a nc $s" >>"$res"
  s=$(timed netkit 0 "$WK/nk.out" "$(fillr "$SCAN_T" "$LO" "$HI")"); echo "$run a netkit $s" >>"$res"
  [ "$(cat "$WK/nk.out")" = "$want_open" ] || echo "netkit run $run: open ports $(tr '\n' ' ' <"$WK/nk.out")" >>"$WK/failures"
  for c in "$@"; do
    s=$(timed "${c%%::*}" 0 "$WK/x.out" "$(fillr "${c#*::}" "$LO" "$HI")"); echo "$run a ${c%%::*} $s" >>"$res"
  done
  s=$(timed netkit-filtered 1 "$WK/nkf.out" "$(fillr "$FILT_T" "$FLO" "$FHI")"); echo "$run b netkit $s" >>"$res"
  if [ "$run" = 1 ] || [ "$run" = "$RUNS" ]; then   # nc: NCF ports x W s each, twice is enough
    s=$(timed nc-filtered 1 "$WK/ncf.out" nc -z -w "$W" "$HOST" "$FLO-$NCHI")
    echo "$run b nc $(awk -v s="$s" -v n="$NCF" -v f="$NF" 'BEGIN{printf "%.6f", s / n * f}')" >>"$res"
  fi
  echo "# run $run done ($(grep -c "^$run " "$res") cases)"
done
python3 - "$res" "$NF" "$NCF" <<'EOF'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
nf, ncf = sys.argv[2], sys.argv[3]
for part, title in (("a", "(a) range scan, wall time including start-up"), ("b", f"(b) {nf} filtered ports")):
    runs, order = {}, []
    for run, p, lab, s in rows:
        if p != part: continue
        runs.setdefault(run, {})[lab] = float(s)
        if lab not in order: order.append(lab)
    base = "nc"
    print(f"\n### {title}\n")
    print(f"| tool | runs | median s | min - max s | paired ratio vs nc: median (min - max) |")
    print("|---|---|---|---|---|")
    for lab in order:
        v = [d[lab] for d in runs.values() if lab in d]
        r = [d[lab] / d[base] for d in runs.values() if lab in d and base in d]
        name = lab + (f" (extrapolated from {ncf} ports)" if part == "b" and lab == "nc" else "")
        ratio = f"{st.median(r):.3f} ({min(r):.3f} - {max(r):.3f})" if r else "-"
        print(f"| {name} | {len(v)} | {st.median(v):.3f} | {min(v):.3f} - {max(v):.3f} | {ratio} |")
EOF
if [ -s "$WK/failures" ]; then echo; echo "failures:"; cat "$WK/failures"; fi
rm -f "$res"
