#!/usr/bin/env bash
# conn-scale.sh - how many concurrent TCP clients a chat/broker hub holds, its memory,
#                 and how long one broadcast takes to reach every client (loopback only).
#
# usage: bench/conn-scale.sh [-n N[,N...]] [-b BROADCASTS] [-r RUNS] [-t SECS] [-S BURST] HUB...
#   HUB    preset: ncat-broker ncat-chat python-broker python-chat c-broker netkit-broker netkit-chat netkit-echo
#          (c-broker: the floor, bench/ref/chub.c built with cc: one thread, epoll, one send(2) per client
#          from an array of descriptors, nothing else; what the kernel's loopback sends cost)
#          (python-chat: the python hub speaking netkit's chat protocol: a greeting, a nickname, a welcome,
#          then each line to every other member as `<nick> line`, so its sockets carry what a chat's do)
#          (an echo server relays nothing: it gets no broadcasts, only the memory and CPU columns)
#          netkit-chat-engine (the chat engine behind a bare test host, no CLI), or ad hoc
#          'label::HUB_TEMPLATE' ({HOST} {PORT} {MAXC}=N+16 placeholders; see bench/lib.sh).
#          The hub must relay a line sent by one client to all the others.
#   -n     client counts (default 1000,5000)
#   -b     broadcasts per run (default 5), each from a different client
#   -r     runs per hub and N (default 3)
#   -t     time bound of one run (default 90 s); the hub and the clients are stopped after it
#   -B     connect batch (default 8): a batch must be accepted by the hub (listen queue
#          empty) before the next is opened; -B N opens all N at once (a burst, which
#          shows the cost of a small listen backlog)
#   -J     chat rooms that want a nickname first: every client sends `uI` (I = its index)
#          as its first line once all are connected, and the broadcasts start only once
#          every client got its own `* welcome, uI` line (netkit-chat* and python-chat imply -J and wait
#          for the welcome; other hubs with -J do not wait)
#   -S     also run a connect burst in the same run: BURST clients opened at once
#          (batch = BURST), one broadcast; "accepted" = the hub's listen queue is empty
#          and BURST sockets are established (default 500, 0 = no burst case)
# One python3 process opens N idle client sockets (non-blocking, draining whatever the
# hub sends, e.g. chat join announcements), waits until the hub has accepted all N
# (ss: N established sockets on the hub's port), reads the hub's RSS, then sends B
# lines, one at a time, and times how long each takes to reach all N-1 other clients.
# Raises `ulimit -n` to the hard limit (needs about N+100 descriptors on each side).
# Adapted for netkit's chat room from the shared benchmark harness's conn-scale.sh: the burst case, the
# acceptance test on the listen queue, netkit presets, paired ratios vs the first hub, and
# receivers counted as the token arrives (the original recounted all N sockets after every
# select(), which made a hub that spreads its writes over time look quadratic).
# example: bench/conn-scale.sh -n 1000,10000 -r 3 ncat-chat ncat-broker netkit-chat
set -u
. "$(dirname "$0")/lib.sh"

NS=1000,5000; BC=5; RUNS=3; TMAX=90; BATCH=8; NICK=0; BURST=500
while getopts "n:b:r:t:B:JS:h" o; do
  case $o in n) NS=$OPTARG ;; b) BC=$OPTARG ;; r) RUNS=$OPTARG ;; t) TMAX=$OPTARG ;; B) BATCH=$OPTARG ;; J) NICK=1 ;;
    S) BURST=$OPTARG ;; *) sed -n '2,38p' "$0"; exit 2 ;; esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '2,38p' "$0"; exit 2; }
# the soft limit up to the hard one: N clients need N descriptors here and N in the hub
ulimit -S -n "$(ulimit -H -n)" 2>/dev/null || true
ROOT=$(cd "$(dirname "$0")/.." && pwd)

preset() {
  case $1 in
    ncat-broker)   echo 'ncat -l {HOST} {PORT} --broker --max-conns {MAXC}' ;;
    ncat-chat)     echo 'ncat -l {HOST} {PORT} --chat --max-conns {MAXC}' ;;
    python-broker) echo "python3 $BENCH_TMP/hub.py broker {HOST} {PORT}" ;;
    python-chat)   echo "python3 $BENCH_TMP/hub.py chat {HOST} {PORT}" ;;
    c-broker)      [ "$BENCH_TMP/chub" -nt "$ROOT/bench/ref/chub.c" ] || cc -O2 -o "$BENCH_TMP/chub" "$ROOT/bench/ref/chub.c" ||
                     { echo "c-broker needs cc (gcc)" >&2; return 1; }
                   echo "$BENCH_TMP/chub {HOST} {PORT}" ;;
    netkit-broker) echo "$(nk NETKIT_BROKER "$NETKIT tcp-listen --broker {HOST} {PORT}")" ;;
    netkit-chat)   echo "$(nk NETKIT_CHAT "$NETKIT tcp-listen --chat {HOST} {PORT}")" ;;
    netkit-echo)   echo "$(nk NETKIT_ECHO "$NETKIT tcp-listen --echo {HOST} {PORT}")" ;;
    netkit-chat-engine) echo "${JAVA:-java} -XX:+UseSerialGC -cp $ROOT/target/classes:$ROOT/target/test-classes netkit.engine.chat.ChatHubMain {HOST} {PORT}" ;;
    *::*)          echo "${1#*::}" ;;
    *) echo "unknown hub $1" >&2; return 1 ;;
  esac
}
label_of() { case $1 in *::*) echo "${1%%::*}" ;; *) echo "$1" ;; esac; }

cat >"$BENCH_TMP/hub.py" <<'EOF'
# hub.py MODE HOST PORT: reference hub (selectors/epoll, one thread). MODE broker relays the bytes a client
# sends to all the others; MODE chat greets a client, takes its first line as its nickname, welcomes it, then
# sends each line it says to every other named member as `<nick> line` (netkit's chat protocol)
import selectors, socket, sys
chat = sys.argv[1] == "chat"
sel = selectors.DefaultSelector()
ls = socket.create_server((sys.argv[2], int(sys.argv[3])), backlog=4096)
ls.setblocking(False); sel.register(ls, selectors.EVENT_READ)
clients = set(); names = {}; tails = {}
audience = names if chat else clients
def relay(data, s):
    for c in audience:
        if c is not s:
            try: c.sendall(data)
            except OSError: pass
while True:
    for key, _ in sel.select():
        s = key.fileobj
        if s is ls:
            while True:
                try: c, _ = ls.accept()
                except BlockingIOError: break
                clients.add(c); sel.register(c, selectors.EVENT_READ)
                if chat:
                    tails[c] = b""
                    try: c.sendall(b"* welcome to the room; your nickname?\n")
                    except OSError: pass
            continue
        try: data = s.recv(65536)
        except ConnectionError: data = b""
        if not data:
            sel.unregister(s); clients.discard(s); names.pop(s, None); tails.pop(s, None); s.close(); continue
        if not chat:
            relay(data, s); continue
        lines = (tails[s] + data).split(b"\n"); tails[s] = lines.pop()
        for line in lines:
            if s not in names:
                names[s] = line.strip()
                try: s.sendall(b"* welcome, %s (%d online)\n" % (names[s], len(names)))
                except OSError: pass
                continue
            relay(b"<%s> %s\n" % (names[s], line), s)
EOF

cat >"$BENCH_TMP/clients.py" <<'EOF'
# clients.py HOST PORT N BROADCASTS HUBPID MAXSECS BATCH NICK WELCOME
import json, os, selectors, socket, subprocess, sys, time
host, port, n, bc, hubpid, maxs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
batch = int(sys.argv[7]); nick = len(sys.argv) > 8 and sys.argv[8] == "1"
wait_welcome = len(sys.argv) > 9 and sys.argv[9] == "1"   # netkit chat: `* welcome, uI` when uI was taken
deadline = time.time() + maxs
sel = selectors.DefaultSelector()
socks = []; tails = {}; seen = {}
def status(pid):
    d = {}
    try:
        for line in open(f"/proc/{pid}/status"):
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"): d[k] = int(v.split()[0])
        st = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        d["cpu_s"] = round((int(st[11]) + int(st[12])) / os.sysconf("SC_CLK_TCK"), 2)   # utime + stime
        d["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    except OSError: d["dead"] = True
    return d
def cpu_s(pid):                          # CPU time of the hub's threads, in ns (schedstat), not clock ticks
    total = 0
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            try: total += int(open(f"/proc/{pid}/task/{t}/schedstat").read().split()[0])
            except OSError: pass
    except OSError: pass
    return total / 1e9
def hub_established():
    out = subprocess.run(["ss", "-Htn", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True).stdout
    return sum(1 for l in out.splitlines() if l.strip())
hits = [0, None]                         # [sockets that saw the token, the sender]
welcome = {}; welcomed = set()           # chat: the welcome line each client waits for; who got it
def drain(timeout, want=None):
    """read everything readable; if want (token), return set of sockets that saw it"""
    got = 0
    for key, _ in sel.select(timeout):
        s = key.fileobj
        try: data = s.recv(65536)
        except (BlockingIOError, InterruptedError): continue
        except OSError: data = b""
        if not data:                     # closed: waits for no welcome any more
            sel.unregister(s); seen[s] = "closed"; welcomed.add(s); continue
        got += len(data)
        t = tails.get(s, b"") + data
        if want is not None and want in t and seen.get(s) is not True:
            seen[s] = True
            if s is not hits[1]: hits[0] += 1
        if s in welcome and s not in welcomed and welcome[s] in t:
            welcomed.add(s)
        tails[s] = t[-64:]
    return got
def listen_queue():
    out = subprocess.run(["ss", "-Hltn", f"( sport = :{port} )"], capture_output=True, text=True).stdout.split()
    return int(out[1]) if len(out) > 1 else 0
r = {"n": n, "batch": batch, "hub_before": status(hubpid)}
t0 = time.time(); errors = 0
# connect in batches: each batch must be connected (client side) and taken off the
# listen queue by the hub before the next one starts, so a small listen backlog
# (e.g. 10) does not turn the phase into SYN-retransmit waits (1 s, 3 s, 7 s, ...)
i = 0
def hub_dead(): return not os.path.exists(f"/proc/{hubpid}")
while i < n and time.time() < deadline and not (i % 256 == 0 and hub_dead()):
    pend = []
    for _ in range(min(batch, n - i)):
        s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        s.setblocking(False)
        err = s.connect_ex((host, port)); i += 1
        if err not in (0, 115):  # EINPROGRESS
            errors += 1; s.close(); continue
        socks.append(s); sel.register(s, selectors.EVENT_READ); pend.append(s)
    if batch < n:
        wsel = selectors.DefaultSelector()
        for s in pend: wsel.register(s, selectors.EVENT_WRITE)
        left = len(pend)
        while left and time.time() < deadline:
            for key, _ in wsel.select(0.01):
                wsel.unregister(key.fileobj); left -= 1
            drain(0)       # keep reading: a chat hub blocks on clients that do not
        wsel.close()
        while listen_queue() > 0 and time.time() < deadline: drain(0.001)
    drain(0)
r["connect_errors"] = errors; r["opened"] = len(socks)
acc = 0
while time.time() < deadline and not hub_dead():
    acc = hub_established()
    if acc >= len(socks) and listen_queue() == 0: break
    drain(0.01 if batch >= n else 0.05)
r["accepted"] = acc; r["connect_s"] = round(time.time() - t0, 3); r["hub_died"] = hub_dead()
if nick:                                 # chat rooms that ask for a nickname first
    tj = time.time()
    if wait_welcome:
        for idx, s in enumerate(socks): welcome[s] = b"welcome, u%d " % idx
    for idx, s in enumerate(socks):
        try: s.sendall(b"u%d\n" % idx)
        except OSError: pass
        if idx % 64 == 0: drain(0)
    r["nick_send_s"] = round(time.time() - tj, 3)
    # A client is in the room (gets broadcasts) only once the hub took its nickname: wait until
    # every client saw its own welcome. Timing the first broadcast before that (after a quiet gap
    # of 200 ms, which a loaded hub can leave mid-storm) counts clients still joining as "not reached".
    while wait_welcome and len(welcomed) < len(socks) and time.time() < deadline and not hub_dead():
        drain(0.2)
    r["welcomed"] = len(welcomed); r["join_s"] = round(time.time() - tj, 3)
end_quiet = time.time() + 0.5            # let join announcements (chat) settle
while time.time() < end_quiet and time.time() < deadline: drain(0.05)
while drain(0.2) > 0 and time.time() < deadline: pass
r["hub_after_connect"] = status(hubpid)
lat = []; reached = []; ccpu = []; hcpu = []
alive = [s for s in socks if seen.get(s) != "closed"]
for k in range(bc):
    if time.time() > deadline or len(alive) < 2: break
    token = f"bcast-{k}-{os.getpid()}".encode()
    sender = alive[(k * 97) % len(alive)]
    for s in alive: seen.pop(s, None); tails[s] = b""
    hits[0] = 0; hits[1] = sender
    h0 = cpu_s(hubpid); c0 = time.process_time()
    ts = time.time()
    sender.sendall(token + b"\n")
    target = len(alive) - 1
    while time.time() < deadline:
        drain(0.5, token)
        cnt = hits[0]   # counted as they arrive: a per-select O(N) count would time the harness
        if cnt >= target: break
    lat.append(round((time.time() - ts) * 1000, 2)); reached.append(cnt)
    ccpu.append(round((time.process_time() - c0) * 1000, 1)); hcpu.append(round((cpu_s(hubpid) - h0) * 1000, 1))
    while drain(0.05) > 0 and time.time() < deadline: pass
r["broadcast_ms"] = lat; r["reached"] = reached; r["clients_cpu_ms"] = ccpu; r["hub_cpu_ms"] = hcpu; r["receivers"] = len(alive) - 1
r["hub_after_broadcast"] = status(hubpid)
print(json.dumps(r))
for s in socks: s.close()
EOF

echo "# conn-scale: $(date -u +%FT%TZ) $(machine_info) load=$(cut -d' ' -f1-3 /proc/loadavg) ulimit -n=$(ulimit -n)"
echo "# Ns=$NS broadcasts=$BC runs=$RUNS connect-batch=$BATCH hubs=$*"
res="$BENCH_TMP/conn-res.$$"; : >"$res"
CASES=""
for N in ${NS//,/ }; do CASES="$CASES $N:$BATCH:$BC"; done
[ "$BURST" -gt 0 ] && CASES="$CASES $BURST:$BURST:1"
for CASE in $CASES; do
  IFS=: read -r N CB CBC <<<"$CASE"
  for ((run = 1; run <= RUNS; run++)); do
    for hub in "$@"; do
      spec=$(preset "$hub") || exit 2
      port=$(pick_port tcp)
      H=$(fill "$spec" "$port"); H=${H//\{MAXC\}/$((N + 16))}
      [ "$run" = 1 ] && echo "# $(label_of "$hub") N=$N batch=$CB: $(fill "$spec" PORT | sed "s/{MAXC}/$((N + 16))/")"
      timeout -k 2 "$((TMAX + 15))" sh -c "exec $H" </dev/null >/dev/null 2>"$BENCH_TMP/hub.err" &
      hpid=$!
      wait_port tcp "$port" 5 || { kill_tree $hpid; continue; }
      # the hub process itself (timeout's child), for /proc/PID/status; a second to settle first, so that
      # "hub CPU for the joins" does not count a JVM's start-up (its compilers go on after the port opens)
      sleep 1; rpid=$(pgrep -P $hpid | head -1); rpid=${rpid:-$hpid}
      nick=$NICK; wel=0; case $(label_of "$hub") in netkit-chat* | python-chat) nick=1; wel=1 ;; esac
      bc=$CBC; [ "$hub" = netkit-echo ] && bc=0
      tmax=$TMAX; [ "$CB" = "$N" ] && tmax=$(( TMAX < 20 ? TMAX : 20 ))
      out=$(timeout "$((tmax + 10))" python3 "$BENCH_TMP/clients.py" "$HOST" "$port" "$N" "$bc" "$rpid" "$tmax" "$CB" "$nick" "$wel")
      kill_tree $hpid; wait $hpid 2>/dev/null
      note=$(head -c 160 "$BENCH_TMP/hub.err" | tr '\n|' '  ')
      out=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["note"]=sys.argv[2]; print(json.dumps(d))' "$out" "$note" 2>/dev/null || echo "$out")
      echo "$N/$CB $run $(label_of "$hub") $out" >>"$res"
      echo "# N=$N batch=$CB run $run $(label_of "$hub"): $out"
      [ -s "$BENCH_TMP/hub.err" ] && echo "#   hub stderr: $(head -c 200 "$BENCH_TMP/hub.err")"
    done
  done
done
python3 - "$res" <<'EOF'
import json, sys, statistics as st
rows = {}
for line in open(sys.argv[1]):
    n, run, lab, js = line.split(" ", 3)
    try: rows.setdefault((n, lab), []).append(json.loads(js))
    except json.JSONDecodeError: pass
def m(v, f="%.1f"):
    return (f % st.median(v)) + " (" + (f % min(v)) + " - " + (f % max(v)) + ")" if v else "-"
print("\n## hub with N idle clients: accepted, connect phase, hub RSS, one-line broadcast to all")
print("| hub | N/batch | runs | accepted (min) | connect+accept s | hub CPU s for the joins | hub RSS MiB idle -> N clients | KiB per client | broadcast ms median (min - max) | hub CPU ms per broadcast | clients' CPU ms per broadcast | reached all? | note |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for (n, lab), rs in rows.items():
    acc = min(r["accepted"] for r in rs)
    rss0 = [r["hub_before"].get("VmRSS", 0) / 1024 for r in rs]
    live = [r for r in rs if "VmRSS" in r["hub_after_connect"]] or rs
    rss1 = [r["hub_after_connect"].get("VmRSS", 0) / 1024 for r in live]
    per = [(r["hub_after_connect"].get("VmRSS", 0) - r["hub_before"].get("VmRSS", 0)) / max(1, r["accepted"]) for r in live if "VmRSS" in r["hub_after_connect"]] or [0]
    lat = [x for r in rs for x in r["broadcast_ms"]]
    hcpu = [x for r in rs for x in r.get("hub_cpu_ms", [])]; ccpu = [x for r in rs for x in r.get("clients_cpu_ms", [])]
    cpu = [r["hub_after_connect"]["cpu_s"] - r["hub_before"]["cpu_s"] for r in live if "cpu_s" in r["hub_after_connect"] and "cpu_s" in r["hub_before"]]
    ok = all(all(c == r["receivers"] for c in r["reached"]) and r["reached"] for r in rs)
    reached = min((min(r["reached"]) if r["reached"] else 0) for r in rs)
    print(f"| {lab} | {n} | {len(rs)} | {acc} | {m([r['connect_s'] for r in rs], '%.2f')} | {m(cpu, '%.2f')} | {st.median(rss0):.1f} -> {st.median(rss1):.1f} | {st.median(per):.1f} | {m(lat)} | {m(hcpu)} | {m(ccpu)} | {'-' if not lat else 'yes' if ok else 'NO (min reached %d)' % reached} | {'hub died: ' if any(r.get('hub_died') for r in rs) else ''}{next((r['note'] for r in rs if r.get('note')), '')} |")
EOF
python3 - "$res" <<'EOF'
import json, sys, statistics as st
runs, labs = {}, []
for line in open(sys.argv[1]):
    n, run, lab, js = line.split(" ", 3)
    if lab not in labs: labs.append(lab)
    try: runs.setdefault((n, run), {})[lab] = json.loads(js)
    except json.JSONDecodeError: pass
base = labs[0]
print(f"\n## paired ratios vs {base} (same N and run; only where both held every client)")
print("| hub | N/batch | connect+accept s ratio | broadcast ms ratio (run medians) | hub RSS ratio |")
print("|---|---|---|---|---|")
def ok(d): return bool(d) and not d.get("hub_died") and d.get("accepted", 0) >= d.get("n", 1)
for n in dict.fromkeys(k[0] for k in runs):
    for lab in labs:
        c, b, r = [], [], []
        for (nn, run), d in runs.items():
            if nn != n or not ok(d.get(lab)) or not ok(d.get(base)): continue
            x, y = d[lab], d[base]
            c.append(x["connect_s"] / max(y["connect_s"], 1e-3))
            if x["broadcast_ms"] and y["broadcast_ms"]:
                b.append(st.median(x["broadcast_ms"]) / max(st.median(y["broadcast_ms"]), 1e-3))
            r.append(x["hub_after_connect"].get("VmRSS", 0) / max(y["hub_after_connect"].get("VmRSS", 1), 1))
        print(f"| {lab} | {n} | {st.median(c):.2f} | {st.median(b):.2f} | {st.median(r):.1f} |" if c and b else f"| {lab} | {n} | {st.median(c):.2f} | - | {st.median(r):.1f} |" if c else f"| {lab} | {n} | - | - | - |")
EOF
rm -f "$res"
