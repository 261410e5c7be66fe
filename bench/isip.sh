#!/usr/bin/env bash
# isip.sh - bulk `netkit isip` throughput: N addresses on stdin, wall time including JVM start-up.
#
# usage: bench/isip.sh [-n LINES] [-r ROUNDS]
#   -n   lines of input (default 1000000): about 50 % IPv4, 30 % IPv6, 10 % IPv6 with a zone,
#        10 % near misses (127.1, leading zeros, brackets, prefixes, names); fixed seed.
#   -r   rounds (default 5); each round runs every tool once on the same file, interleaved.
# Tools: netkit (the ./netkit launcher of this checkout, or $NETKIT), node (a `readline` loop
# printing net.isIP per line: the reference semantics). Every run's output is compared with
# node's byte for byte, so the benchmark is also a million-line correctness check.
# Needs python3 and node. Touches no network. Prints markdown: median s, min - max, paired ratio.
set -u
. "$(dirname "$0")/lib.sh"
N=1000000; ROUNDS=5
while getopts "n:r:h" o; do
  case $o in n) N=$OPTARG ;; r) ROUNDS=$OPTARG ;; *) sed -n '2,12p' "$0"; exit 2 ;; esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
NK=${NETKIT_CMD:-$root/netkit}
W="$BENCH_TMP/isip"; mkdir -p "$W"
in="$W/input-$N.txt"
[ -s "$in" ] || python3 - "$N" "$in" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
random.seed(20261126)
near = ['127.1', '01.2.3.4', 'host.example', '::ffff:1.2.3.4', '[::1]', '1.2.3.4/24', ' 1.2.3.4', '1:2:3:4:5:6:7:8:9']
with open(path, 'w') as f:
    for _ in range(n):
        r = random.random()
        if r < 0.5: f.write('.'.join(str(random.randrange(256)) for _ in range(4)))
        elif r < 0.8: f.write(':'.join('%x' % random.randrange(65536) for _ in range(8)))
        elif r < 0.9: f.write('fe80::%x:%x%%eth0' % (random.randrange(65536), random.randrange(65536)))
        else: f.write(random.choice(near))
        f.write('\n')
PY
cat >"$W/isip.js" <<'EOF_JS'
const net = require('net');
const rl = require('readline').createInterface({ input: process.stdin, crlfDelay: Infinity });
const out = [];
rl.on('line', (l) => { out.push(net.isIP(l)); if (out.length >= 65536) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; } });
rl.on('close', () => { if (out.length) process.stdout.write(out.join('\n') + '\n'); });
EOF_JS
declare -A CMD=([netkit]="$NK isip" [node]="node $W/isip.js")
# the launcher may build on its first run: do that outside the timing
timeout 300 $NK isip 127.0.0.1 >/dev/null 2>&1
timeout 60 node "$W/isip.js" <"$in" >"$W/expected.txt"
echo "# isip bulk: $N lines, $(machine_info)"
echo "# netkit: $NK isip < input > out   |   node: readline + net.isIP ($(node --version))"
res="$W/res.$$"; : >"$res"
for ((round = 1; round <= ROUNDS; round++)); do
  for tool in netkit node; do
    t0=$(now)
    timeout 120 ${CMD[$tool]} <"$in" >"$W/$tool.out" 2>"$W/$tool.err"
    t1=$(now)
    if cmp -s "$W/$tool.out" "$W/expected.txt"; then ok=same; else ok=DIFFERENT; fi
    [ "$ok" = same ] || echo "# round $round $tool: output differs from node's ($(head -c 200 "$W/$tool.err"))" >&2
    echo "$round $tool $(elapsed "$t0" "$t1")" >>"$res"
  done
done
echo
echo "## wall seconds for $N lines (start-up included)"
cut -d' ' -f2- "$res" | stats_table s 2
echo
ratio_table node <"$res"
rm -f "$res"
