#!/usr/bin/env bash
# udp-rate.sh - UDP datagram rate and loss over loopback, in both directions.
#
# usage: bench/udp-rate.sh [-m COUNT] [-s SIZE] [-r RUNS] [-R RATE] [-6] [-d recv|send|both] TOOL...
#   TOOL   preset: socat ncat nc python netkit, or ad hoc
#          'label::LISTEN_TEMPLATE::SEND_TEMPLATE' (placeholders {HOST} {HOSTB} {PORT} {PF} {SIZE};
#          an empty template skips that direction). See bench/lib.sh.
#   recv direction: the TOOL listens on {PORT} and writes payloads to stdout; a fixed
#          python3 sender sends COUNT datagrams of SIZE bytes (unpaced unless -R
#          datagrams/s); a python3 sink counts the bytes on the tool's stdout.
#          received datagrams = bytes / SIZE. The listener is stopped 1 s after the sender.
#   send direction: the TOOL reads a COUNT*SIZE-byte regular file on stdin and sends it;
#          a fixed python3 receiver counts datagrams and bytes (the tool decides the
#          datagram size: socat -b SIZE keeps SIZE, others use their read size).
#   -m  datagrams (default 200000)   -s  payload bytes (default 512)
#   -r  runs per tool (default 3), tools interleaved run by run
#   -R  comma-separated list of rates (datagrams/s) for the python sender in the recv
#       direction; 0 = unpaced flood (default "0,50000")
# Loss is also cross-checked with the kernel's Udp RcvbufErrors counter (/proc/net/snmp).
# example: bench/udp-rate.sh -m 200000 -s 512 python socat ncat nc
# netkit: udp-listen HOST PORT as the listener, udp-send --chunk SIZE HOST PORT as the sender
# (the launcher ./netkit of this checkout unless NETKIT is set; the jar must be built).
# The results and how they were taken are in BENCHMARKS.md.
set -u
. "$(dirname "$0")/lib.sh"
[ "$NETKIT" = netkit ] && NETKIT="$(cd "$(dirname "$0")/.." && pwd)/netkit"

COUNT=200000; SIZE=512; RUNS=3; RATES=0,50000; DIR=both; TMAX=60
while getopts "m:s:r:R:6d:h" o; do
  case $o in m) COUNT=$OPTARG ;; s) SIZE=$OPTARG ;; r) RUNS=$OPTARG ;; R) RATES=$OPTARG ;;
    6) set_family 6 ;; d) DIR=$OPTARG ;; *) sed -n '2,22p' "$0"; exit 2 ;; esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '2,22p' "$0"; exit 2; }

preset() {   # -> LISTEN::SEND
  case $1 in
    socat)  echo 'socat -u -b 65536 UDP{PF}-RECV:{PORT},bind={HOSTB} STDOUT::socat -u -b {SIZE} STDIN UDP{PF}-SENDTO:{HOSTB}:{PORT}' ;;
    ncat)   echo 'ncat -u -l --recv-only {HOST} {PORT}::ncat -u --send-only {HOST} {PORT}' ;;
    nc)     echo 'nc -u -l {HOST} {PORT}::nc -u -q 0 {HOST} {PORT}' ;;
    python) echo "python3 $BENCH_TMP/udp_listen.py {HOST} {PORT}::python3 $BENCH_TMP/udp_send.py {HOST} {PORT} {SIZE} 0 0 stdin" ;;
    netkit) echo "$(nk NETKIT_UDP_LISTEN "$NETKIT udp-listen {HOST} {PORT}")::$(nk NETKIT_UDP_SEND "$NETKIT udp-send --chunk {SIZE} {HOST} {PORT}")" ;;
    *::*::*) echo "${1#*::}" ;;
    *) echo "unknown tool $1" >&2; return 1 ;;
  esac
}
label_of() { case $1 in *::*::*) echo "${1%%::*}" ;; *) echo "$1" ;; esac; }

# --- fixed python3 helpers -------------------------------------------------------
cat >"$BENCH_TMP/udp_send.py" <<'EOF'
# udp_send.py HOST PORT SIZE COUNT RATE [stdin]: send COUNT datagrams of SIZE bytes
# (or, with 'stdin', SIZE-byte chunks of stdin). Prints JSON: sent, seconds.
import json, os, socket, sys, time
host, port, size, count, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM); s.connect((host, port))
t0 = time.time(); sent = 0
if len(sys.argv) > 6:
    while True:
        b = os.read(0, size)
        if not b: break
        s.send(b); sent += 1
else:
    payload = b"x" * (size - 1) + b"\n"; send = s.send
    batch = 1000 if rate <= 0 else 32
    while sent < count:
        n = min(batch, count - sent)
        for _ in range(n):
            try: send(payload)
            except (ConnectionRefusedError, BlockingIOError): pass  # ICMP from a late listener
        sent += n
        if rate > 0:
            ahead = sent / rate - (time.time() - t0)
            if ahead > 0: time.sleep(ahead)
print(json.dumps({"sent": sent, "t0": t0, "seconds": time.time() - t0}), file=sys.stderr if len(sys.argv) > 6 else sys.stdout)
EOF
cat >"$BENCH_TMP/udp_recv.py" <<'EOF'
# udp_recv.py HOST PORT IDLE MAXSECS: count datagrams until IDLE s without one (bounded by MAXSECS)
import json, select, socket, sys, time
host, port, idle, maxs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)  # yardstick: as large as rmem_max allows
s.bind((host, port)); s.setblocking(False)
buf = bytearray(65536); n = nbytes = 0; first = last = None; sizes = set(); start = time.time()
recv = s.recv_into
while time.time() - start < maxs:
    try:
        k = recv(buf)
    except BlockingIOError:
        r, _, _ = select.select([s], [], [], idle if first else maxs)
        if not r: break
        continue
    n += 1; nbytes += k; last = time.time()
    if first is None: first = last
    if len(sizes) < 8: sizes.add(k)
print(json.dumps({"count": n, "bytes": nbytes, "first": first, "last": last, "sizes": sorted(sizes)}))
EOF
cat >"$BENCH_TMP/udp_listen.py" <<'EOF'
# udp_listen.py HOST PORT: reference listener, payloads to stdout (what a tool does)
import os, signal, socket, sys
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))   # flush stdout when stopped
host, port = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM); s.bind((host, port))
buf = bytearray(65536); mv = memoryview(buf); out = sys.stdout.buffer
while True:
    k = s.recv_into(buf); out.write(mv[:k])
EOF
cat >"$BENCH_TMP/sink.py" <<'EOF'
# sink.py: count bytes on stdin until EOF; JSON with first/last arrival times
import json, os, time
n = 0; first = last = None
while True:
    b = os.read(0, 1 << 20)
    if not b: break
    last = time.time(); n += len(b)
    if first is None: first = last
print(json.dumps({"bytes": n, "first": first, "last": last}))
EOF

rcvbuf_errors() { awk '/^Udp:/ { if (h) { print $6 } else { h = 1 } }' /proc/net/snmp; }  # RcvbufErrors

# recv direction: TOOL listens. prints "received seconds rate_kdps rcvbuf_err"
run_recv() {
  local tool=$1 spec L port lpid spid e0 e1 out="$BENCH_TMP/udp.$$" snd
  spec=$(preset "$tool") || return 1
  [ -n "${spec%%::*}" ] || return 2
  port=$(pick_port udp) || return 1
  L=$(fill "${spec%%::*}" "$port")
  rm -f "$out.fifo"; mkfifo "$out.fifo"
  timeout "$TMAX" python3 "$BENCH_TMP/sink.py" <"$out.fifo" >"$out.sink" &
  spid=$!
  timeout -k 2 "$TMAX" sh -c "exec $L" </dev/null >"$out.fifo" 2>"$out.err" &
  lpid=$!
  wait_port udp "$port" 5 || { kill_tree $lpid; wait $spid; return 1; }
  e0=$(rcvbuf_errors)
  snd=$(timeout "$TMAX" python3 "$BENCH_TMP/udp_send.py" "$HOST" "$port" "$SIZE" "$COUNT" "$RATE")
  sleep 1
  e1=$(rcvbuf_errors)
  kill_tree $lpid; wait $lpid 2>/dev/null; wait $spid
  python3 -c '
import json, sys
s = json.loads(sys.argv[1]); k = json.load(open(sys.argv[2])); size = int(sys.argv[3])
got = k["bytes"] // size
secs = (k["last"] - s["t0"]) if k["last"] else float("nan")
rx = got / (k["last"] - k["first"]) / 1e3 if got > 1 and k["last"] > k["first"] else 0
print(got, "%.3f" % secs, "%.1f" % rx, int(sys.argv[4]), "%.3f" % s["seconds"])
' "$snd" "$out.sink" "$SIZE" "$((e1 - e0))"
  rm -f "$out.sink" "$out.err" "$out.fifo"
}

# send direction: TOOL sends a file. prints "received seconds rate_kdps rcvbuf_err sizes"
run_send() {
  local tool=$1 spec S port rpid e0 e1 t0 t1 out="$BENCH_TMP/udp.$$" src="$BENCH_TMP/udp-$COUNT-$SIZE.bin"
  spec=$(preset "$tool") || return 1
  [ -n "${spec#*::}" ] || return 2
  [ -s "$src" ] || head -c $((COUNT * SIZE)) /dev/zero | tr '\0' 'x' >"$src"
  port=$(pick_port udp) || return 1
  S=$(fill "${spec#*::}" "$port")
  timeout "$TMAX" python3 "$BENCH_TMP/udp_recv.py" "$HOST" "$port" 1 "$TMAX" >"$out.recv" &
  rpid=$!
  wait_port udp "$port" 5 || { kill_tree $rpid; return 1; }
  e0=$(rcvbuf_errors); t0=$(now)
  timeout -k 2 "$TMAX" sh -c "exec $S" <"$src" >/dev/null 2>&1
  t1=$(now)
  wait $rpid
  e1=$(rcvbuf_errors)
  python3 -c '
import json, sys
k = json.loads(open(sys.argv[1]).read().splitlines()[-1]); t0, t1 = float(sys.argv[2]), float(sys.argv[3])
drops = int(sys.argv[4]); secs = t1 - t0
# offered = what reached the receiving socket (queued + dropped for a full buffer)
print(k["count"], "%.3f" % secs, "%.1f" % ((k["count"] + drops) / secs / 1e3), drops,
      "%.1f" % (k["bytes"] / secs / 1e6), k["bytes"], ",".join(map(str, k["sizes"])))
' "$out.recv" "$t0" "$t1" "$((e1 - e0))"
  rm -f "$out.recv"
}

echo "# udp-rate: $(machine_info) rmem_default=$(cat /proc/sys/net/core/rmem_default)"
echo "# count=$COUNT size=$SIZE runs=$RUNS recv-direction rates=$RATES (0 = unpaced) host=$HOST"
for tool in "$@"; do
  spec=$(preset "$tool") || exit 2
  echo "# $(label_of "$tool"): listen: $(fill "${spec%%::*}" PORT) | sink   /   send: $(fill "${spec#*::}" PORT) < file"
done
res="$BENCH_TMP/udp-res.$$"; : >"$res"
for ((run = 1; run <= RUNS; run++)); do
  for tool in "$@"; do
    lab=$(label_of "$tool")
    if [ "$DIR" != send ]; then
      for RATE in ${RATES//,/ }; do
        r=$(run_recv "$tool") && { echo "recv@$RATE $run $lab $r" >>"$res"; echo "# run $run recv@$RATE $lab: received rx_end_s rx_kdgram/s rcvbuf_err sender_s = $r"; }
      done
    fi
    if [ "$DIR" != recv ]; then
      r=$(run_send "$tool") && { echo "send $run $lab $r" >>"$res"; echo "# run $run send $lab: received sender_s offered_kdgram/s rcvbuf_err MB/s bytes sizes = $r"; }
    fi
  done
done
python3 - "$res" "$COUNT" "$SIZE" <<'EOF'
import sys, statistics as st
count, size = int(sys.argv[2]), int(sys.argv[3]); rows = {}
for line in open(sys.argv[1]):
    p = line.split()
    rows.setdefault(p[0], {}).setdefault(p[2], []).append(p[3:])
def m(v, f="%.1f"): return (f % st.median(v)) + " (" + (f % min(v)) + " - " + (f % max(v)) + ")"
for d in rows:
    if d.startswith("recv"):
        rate = int(d.split("@")[1])
        print(f"\n## UDP: tool LISTENS, python3 sender offers {count} x {size} B " + ("unpaced (flood)" if rate == 0 else f"paced at {rate}/s"))
        print("| tool | runs | delivered % | rx kdgram/s while receiving | sender s | kernel RcvbufErrors |")
        print("|---|---|---|---|---|---|")
        for tool, r in rows[d].items():
            dl = [100.0 * int(x[0]) / count for x in r]
            print(f"| {tool} | {len(r)} | {m(dl)} | {m([float(x[2]) for x in r], '%.0f')} | {m([float(x[4]) for x in r], '%.2f')} | {m([int(x[3]) for x in r], '%.0f')} |")
    else:
        print(f"\n## UDP: tool SENDS a {count * size}-byte file (udp-send), python3 receiver (SO_RCVBUF 4 MiB)")
        print("| tool | runs | datagram size B | sender s | offered kdgram/s | offered MB/s (received bytes) | received % of bytes | RcvbufErrors at receiver |")
        print("|---|---|---|---|---|---|---|---|")
        for tool, r in rows[d].items():
            recvd = [100.0 * int(x[5]) / (count * size) for x in r]
            print(f"| {tool} | {len(r)} | {r[0][6]} | {m([float(x[1]) for x in r], '%.2f')} | {m([float(x[2]) for x in r], '%.0f')} | {m([float(x[4]) for x in r])} | {m(recvd)} | {m([int(x[3]) for x in r], '%.0f')} |")
EOF
rm -f "$res"
