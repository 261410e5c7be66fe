#!/usr/bin/env bash
# bench/repl-flood.sh - how fast an interactive session shows a flood of incoming lines.
#
# A loopback peer (python3) sends N lines (~54 bytes each) as fast as the client reads, then FIN,
# and waits for the client to close. Each client runs in a real terminal (a detached tmux window,
# 120x40), so terminal output is part of the cost, as it is for a person watching:
#   netkit   `netkit tcp-connect HOST PORT` - the session REPL (line editor, data printed above it)
#   nc       `nc -d HOST PORT`              - raw bytes to the terminal, no line editor
#   ncat     `ncat --recv-only HOST PORT`
#   socat    `socat -u TCP:HOST:PORT STDOUT`
# The peer waits DELAY seconds after accept (every client is up by then, JVM start-up and terminal
# set-up excluded), then times from its first byte to the client's close: the consumption rate.
# Usage: bench/repl-flood.sh [-n LINES] [-r ROUNDS] [-d DELAY] [TOOL...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

LINES=100000 ROUNDS=3 DELAY=3
while getopts "n:r:d:" o; do
  case $o in n) LINES=$OPTARG ;; r) ROUNDS=$OPTARG ;; d) DELAY=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
TOOLS=("$@")
[ ${#TOOLS[@]} -gt 0 ] || TOOLS=(netkit nc ncat socat)
command -v tmux >/dev/null || { echo "repl-flood: tmux is needed" >&2; exit 1; }

sock="netkit-bench-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; }
trap cleanup EXIT

peer="$BENCH_TMP/flood-peer.py"
cat >"$peer" <<'PY'
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
s.settimeout(60)
c, _ = s.accept()
c.settimeout(120)
n = int(sys.argv[2])
data = b"".join(b"line %07d of the flood, some text to make it longer\n" % i for i in range(n))
time.sleep(float(sys.argv[3]))  # every client is up by then
t = time.time()
c.sendall(data)
c.shutdown(socket.SHUT_WR)
c.recv(1)
print("%.3f" % (time.time() - t), flush=True)
PY

client() {  # client TOOL PORT -> the command line
  case $1 in
    netkit) printf '%s' "env NO_COLOR=1 $NETKIT tcp-connect 127.0.0.1 $2" ;;
    nc) printf '%s' "nc -d 127.0.0.1 $2" ;;
    ncat) printf '%s' "ncat --recv-only 127.0.0.1 $2" ;;
    socat) printf '%s' "socat -u TCP:127.0.0.1:$2 STDOUT" ;;
    *) echo "unknown tool $1" >&2; exit 2 ;;
  esac
}

declare -A results
for r in $(seq 1 "$ROUNDS"); do
  for tool in "${TOOLS[@]}"; do
    port=$(pick_port tcp)
    out="$BENCH_TMP/flood-$tool-$r.out"
    timeout 180 python3 "$peer" "$port" "$LINES" "$DELAY" >"$out" &
    ppid=$!
    for _ in $(seq 1 50); do port_busy tcp "$port" && break; sleep 0.05; done
    tmux -L "$sock" new-session -d -s "b$r$tool" -x 120 -y 40 "$(client "$tool" "$port"); sleep 2"
    wait "$ppid" || { echo "repl-flood: $tool round $r failed" >&2; continue; }
    t=$(cat "$out")
    results[$tool]="${results[$tool]:-} $t"
    tmux -L "$sock" kill-session -t "b$r$tool" 2>/dev/null || true
    echo "round $r $tool $t s"
  done
done

echo
echo "| tool | rounds | median s | min - max s | lines/s (median) |"
echo "|---|---|---|---|---|"
for tool in "${TOOLS[@]}"; do
  read -r -a v <<<"${results[$tool]:-}"
  [ ${#v[@]} -gt 0 ] || continue
  sorted=$(printf '%s\n' "${v[@]}" | sort -g)
  med=$(printf '%s\n' "$sorted" | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}')
  min=$(printf '%s\n' "$sorted" | head -1); max=$(printf '%s\n' "$sorted" | tail -1)
  rate=$(awk -v n="$LINES" -v t="$med" 'BEGIN{printf "%.0f", n/t}')
  echo "| $tool | ${#v[@]} | $med | $min - $max | $rate |"
done
