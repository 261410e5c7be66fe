#!/usr/bin/env bash
# The attack on `tcp-listen -k -e cat` of issue 17 (A), as a repeatable probe: IDLE clients that
# connect and stay, then RESETS clients that connect, send a line and reset, RATE at a time; after
# each wave a fresh client must be served (its line echoed), and at the end the listener must be back
# to the descriptors and children it started with. Loopback only; every process runs under `timeout`.
# Usage: scripts/exec-attack.sh [IDLE=1000] [RESETS=5000]   (prints the figures and PASS/FAIL; exit 1 on FAIL)
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IDLE=${1:-1000}
RESETS=${2:-5000}
command -v python3 >/dev/null || { echo "python3 is needed (the clients)" >&2; exit 1; }
"$here/netkit" --version >/dev/null || { echo "netkit does not run" >&2; exit 1; }
ulimit -n $((IDLE * 6 + 1000)) 2>/dev/null || true

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
# -m above IDLE: the idle clients all get a child, and the fresh one still finds a slot
NETKIT_NO_BUILD=1 timeout 600 "$here/netkit" tcp-listen -v -k -m $((IDLE + 10)) -e cat 127.0.0.1 0 \
    2>"$work/err" >/dev/null &
pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/err" && break; sleep 0.1; done
jvm=$(ps --no-headers -o pid= --ppid "$pid" | tr -d ' ') # timeout's child: the launcher exec'd java
port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/err")
[ -n "$port" ] || { echo "FAIL: no listening line"; cat "$work/err"; exit 1; }
fds() { ls "/proc/$jvm/fd" 2>/dev/null | wc -l; }
kids() { ps --no-headers --ppid "$jvm" 2>/dev/null | wc -l; }
fd0=$(fds)
echo "listening on $port: $fd0 descriptors, $(kids) children"

timeout 300 python3 - "$port" "$IDLE" "$RESETS" <<'PY'
import socket, struct, sys, time
port, idle, resets = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])

def served(tag):
    # a client over the -m limit is closed at once: the listener may still be ending the last
    # wave's children, so the fresh client tries again for up to 10 s
    t = time.time()
    for attempt in range(40):
        got = b""
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"ping\n")
            while not got.endswith(b"\n"):
                chunk = s.recv(100)
                if not chunk:
                    break
                got += chunk
            s.close()
        except OSError:
            pass
        if got == b"ping\n":
            print(f"served after {tag} (attempt {attempt + 1}, {time.time() - t:.2f} s)", flush=True)
            return
        time.sleep(0.25)
    print("NOT SERVED after " + tag, flush=True)
    sys.exit(1)

held = []
for i in range(idle):
    held.append(socket.create_connection(("127.0.0.1", port), timeout=10))
print(f"{idle} idle clients connected", flush=True)
time.sleep(2)
served(f"{idle} idle clients")
for s in held:
    s.close()
t = time.time()
batch = 25
for start in range(0, resets, batch):
    group = []
    for i in range(min(batch, resets - start)):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"line\n")
        group.append(s)
    for s in group:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()  # RST
print(f"{resets} clients connected, sent a line and reset in {time.time() - t:.1f} s", flush=True)
served(f"{resets} resets")
PY
rc=$?
# children end at their client's reset (EOF) or, ignoring it, after the grace period
for _ in $(seq 300); do [ "$(fds)" -le "$fd0" ] && [ "$(kids)" -eq 0 ] && break; sleep 0.1; done
fd1=$(fds); k1=$(kids)
echo "after: $fd1 descriptors (started with $fd0), $k1 children; $(grep -c 'rejected' "$work/err") rejected"
if ! kill -0 "$jvm" 2>/dev/null; then echo "FAIL: the listener died"; tail -5 "$work/err"; exit 1; fi
warnings=$(grep -v -e 'connection from' -e 'closed' -e 'listening on' -e 'at most' -e 'rejected' "$work/err" | sort | uniq -c)
[ -n "$warnings" ] && echo "other stderr lines:" && echo "$warnings" | head -10
if [ "$rc" -eq 0 ] && [ "$fd1" -le "$fd0" ] && [ "$k1" -eq 0 ]; then echo PASS; else echo FAIL; exit 1; fi
