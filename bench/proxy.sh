#!/usr/bin/env bash
# proxy.sh - netkit's proxies on loopback: bulk throughput through a SOCKS5 tunnel against the same
# transfer direct, and many concurrent tunnels held open and checked byte for byte.
#
# usage: bench/proxy.sh [-b BYTES] [-r RUNS] [-n TUNNELS] [-k KIB] [-t SECS]
#   -b  bytes per bulk transfer (default 1073741824 = 1 GiB)
#   -r  timed runs per variant, interleaved (default 5); runs bench/tcp-throughput.sh with two tools:
#         netkit          tcp-connect 127.0.0.1 PORT -> tcp-listen 127.0.0.1 PORT >/dev/null
#         netkit-socks5h  tcp-connect --proxy socks5h://127.0.0.1:PP 127.0.0.1 PORT
#                           -> tcp-listen --proxy -k 127.0.0.1 PP (one proxy for every run)
#                           -> tcp-listen 127.0.0.1 PORT >/dev/null
#       and its -s byte-exact check (sha256 of 256 MiB random through each)
#   -n  concurrent tunnels (default 1000): a python3 asyncio client opens them all through
#       tcp-listen --proxy to a tcp-listen --echo, waits until every one is established (all held
#       at once), then each sends KIB KiB of random bytes and checks the echo byte for byte
#   -k  KiB per tunnel (default 64)
#   -t  time bound of one transfer (default 120 s)
# Loopback only; every process runs under timeout; the proxy and echo server are stopped at the end.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NETKIT=${NETKIT:-$(cd "$here/.." && pwd)/netkit}
. "$here/lib.sh"

BYTES=1073741824; RUNS=5; TUNNELS=1000; KIB=64; TMAX=120
while getopts "b:r:n:k:t:h" o; do
  case $o in
    b) BYTES=$OPTARG ;; r) RUNS=$OPTARG ;; n) TUNNELS=$OPTARG ;; k) KIB=$OPTARG ;; t) TMAX=$OPTARG ;;
    *) sed -n '2,22p' "$0"; exit 2 ;;
  esac
done
"$NETKIT" --version >/dev/null || { echo "netkit does not run" >&2; exit 1; }
export NETKIT_NO_BUILD=1

pids=()
cleanup() { for p in "${pids[@]}"; do kill_tree "$p"; done; }
trap cleanup EXIT

# start_nk NAME ARGS... -> sets PORT from its "listening on" line, PID to its timeout wrapper
start_nk() {
  local name=$1 i; shift
  timeout -k 2 1800 $NETKIT tcp-listen -v "$@" </dev/null >/dev/null 2>"$BENCH_TMP/$name.err" &
  PID=$!; pids+=($PID)
  for i in $(seq 400); do grep -q 'listening on' "$BENCH_TMP/$name.err" 2>/dev/null && break; sleep 0.05; done
  PORT=$(sed -n 's/^netkit: listening on .*:\([0-9]*\)$/\1/p' "$BENCH_TMP/$name.err" | head -1)
  [ -n "$PORT" ] || { echo "$name did not start: $(cat "$BENCH_TMP/$name.err")" >&2; exit 1; }
}
rss_kib() { local j; j=$(pgrep -P "$1" | head -1); awk '/VmRSS/{print $2}' "/proc/${j:-$1}/status" 2>/dev/null; }

echo "# proxy: $(machine_info)"
start_nk proxy --proxy -k 127.0.0.1 0
PP=$PORT; PROXY=$PID
echo "# proxy: tcp-listen --proxy -k 127.0.0.1 $PP"

echo
echo "## bulk: $BYTES bytes, direct vs through tcp-listen --proxy (socks5h)"
"$here/tcp-throughput.sh" -b "$BYTES" -r "$RUNS" -t "$TMAX" -s netkit \
  "netkit-socks5h::$NETKIT tcp-listen {HOST} {PORT}::$NETKIT tcp-connect --proxy socks5h://127.0.0.1:$PP {HOST} {PORT}"

echo
echo "## $TUNNELS concurrent tunnels through tcp-listen --proxy to tcp-listen --echo, $KIB KiB each"
start_nk echo --echo 127.0.0.1 0
EP=$PORT
before=$(rss_kib "$PROXY")
timeout -k 2 "$TMAX" python3 - "$PP" "$EP" "$TUNNELS" "$KIB" "$PROXY" <<'PY'
import asyncio, os, struct, sys, time
pp, ep, n, kib, proxy_pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]

def rss():
    try:
        child = open(f"/proc/{proxy_pid}/task/{proxy_pid}/children").read().split()
        pid = child[0] if child else proxy_pid
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS"):
                return int(line.split()[1])
    except OSError:
        return -1

async def open_tunnel():
    r, w = await asyncio.open_connection("127.0.0.1", pp)
    w.write(b"\x05\x01\x00"); await w.drain()
    assert await r.readexactly(2) == b"\x05\x00"
    w.write(b"\x05\x01\x00\x01" + bytes([127, 0, 0, 1]) + struct.pack(">H", ep)); await w.drain()
    rep = await r.readexactly(10)
    assert rep[1] == 0, f"SOCKS5 reply {rep[1]}"
    return r, w

async def exchange(r, w, data):
    w.write(data); await w.drain()
    got = await r.readexactly(len(data))
    return got == data

async def main():
    t0 = time.monotonic()
    tunnels = await asyncio.gather(*(open_tunnel() for _ in range(n)), return_exceptions=True)
    ok = [t for t in tunnels if not isinstance(t, BaseException)]
    t1 = time.monotonic()
    held = rss()
    datas = [os.urandom(kib * 1024) for _ in ok]
    results = await asyncio.gather(*(exchange(r, w, d) for (r, w), d in zip(ok, datas)), return_exceptions=True)
    t2 = time.monotonic()
    exact = sum(1 for x in results if x is True)
    for _, w in ok:
        w.close()
    print("| tunnels asked | established and held at once | byte-exact echoes | open all (s) | exchange all (s) | proxy RSS held (MiB) |")
    print("|---|---|---|---|---|---|")
    print(f"| {n} | {len(ok)} | {exact} | {t1 - t0:.2f} | {t2 - t1:.2f} | {held / 1024:.0f} |")
    errs = [t for t in tunnels if isinstance(t, BaseException)][:3]
    if errs:
        print("# first errors:", errs)
    sys.exit(0 if exact == n else 1)

asyncio.run(main())
PY
rc=$?
echo "# proxy RSS before the tunnels: $((before / 1024)) MiB; tunnels check exit $rc"
