#!/usr/bin/env bash
# RSS of a `tcp-listen -k` (relay to /dev/null) across N short connections (issue 17 G): each client
# connects, sends 1 KiB and closes, 50 at a time. Prints VmRSS before, every N/4 and after.
# Usage: bench/churn-rss.sh [N=16000] [NETKIT=./netkit]      Loopback only.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${1:-16000}
NK=${2:-$here/netkit}
NETKIT_NO_BUILD=1 timeout 600 "$NK" tcp-listen -v -k 127.0.0.1 0 2>/tmp/churn-rss.$$ >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f /tmp/churn-rss.$$' EXIT
for _ in $(seq 100); do grep -q 'listening on' /tmp/churn-rss.$$ && break; sleep 0.1; done
jvm=$(ps --no-headers -o pid= --ppid "$pid" | tr -d ' ')
port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\)$/\1/p' /tmp/churn-rss.$$)
rss() { awk '/VmRSS/ {print int($2/1024) " MB"}' "/proc/$jvm/status"; }
echo "start: $(rss)"
timeout 500 python3 - "$port" "$N" "$jvm" <<'PY'
import socket, sys
port, n, jvm = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
data = b"x" * 1024
def rss():
    for line in open(f"/proc/{jvm}/status"):
        if line.startswith("VmRSS"):
            return str(int(line.split()[1]) // 1024) + " MB"
done = 0
while done < n:
    group = [socket.create_connection(("127.0.0.1", port)) for _ in range(min(50, n - done))]
    for s in group:
        s.sendall(data)
        s.close()
    done += len(group)
    if done % (n // 4) == 0:
        print(f"after {done}: {rss()}", flush=True)
PY
sleep 2
echo "end (2 s later): $(rss)"
