#!/usr/bin/env bash
# UDP, broadcast and multicast interop checks: netkit against python3 sockets, Node's dgram, socat,
# OpenBSD nc and ncat, in both roles. Loopback only: unicast to 127.0.0.1 / ::1, broadcast only to
# 127.255.255.255, multicast only 239.255.x.y on interface lo with TTL 0. Every process runs under
# `timeout`; every wait is a bounded poll. Installs the peers with apt-get when they are missing.
# Not part of .ci/run (the JUnit suite needs no peers).
# Usage: scripts/interop-udp.sh   (PASS/FAIL per check, then "N passed, N failed"; exit 1 on a failure)
set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T=10 # seconds any single process may run

need=()
command -v ncat >/dev/null || need+=(ncat)
command -v nc >/dev/null && nc -h 2>&1 | grep -q -- '-N' || need+=(netcat-openbsd)
command -v socat >/dev/null || need+=(socat)
install_peers ${need[@]+"${need[@]}"}
command -v python3 >/dev/null || { echo "python3 is needed (peers, free ports)" >&2; exit 1; }
command -v node >/dev/null || { echo "node is needed (the dgram tutorial peers)" >&2; exit 1; }
start_netkit

free_port() { # a UDP port free on 127.0.0.1 and 0.0.0.0 right now
    python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])'
}

wait_text() { # FILE TEXT: up to 10 s for TEXT to appear in FILE
    for _ in $(seq 100); do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

wait_udp_bound() { # PORT [COUNT]: up to 10 s for COUNT (default 1) UDP sockets to be bound to PORT (peers print nothing)
    local hex
    hex=$(printf ':%04X ' "$1")
    for _ in $(seq 100); do
        [ "$(cat /proc/net/udp /proc/net/udp6 2>/dev/null | awk '{print $2" "}' | grep -cF -- "$hex")" -ge "${2:-1}" ] &&
            return 0
        sleep 0.1
    done
    return 1
}

bg() { # runs "$@" under timeout in the background; sets bg_pid
    timeout "$T" "$@" &
    bg_pid=$!
}

finish() { # PID: its exit code (it is bounded by timeout)
    wait "$1"
}

# --- python peers ------------------------------------------------------------------------------
cat >"$work/py_recv.py" <<'EOF'
# receive N datagrams on ADDR:PORT, write them to stdout one per line as hex, sender in stderr
import socket, sys
addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET6 if ':' in addr else socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port)); s.settimeout(8)
for _ in range(n):
    d, peer = s.recvfrom(70000)
    print(d.hex(), flush=True)
    if len(sys.argv) > 4:
        s.sendto(sys.argv[4].encode(), peer)
EOF
cat >"$work/py_send.py" <<'EOF'
# send each argument as a datagram from a bound socket, then print the replies (hex) until quiet
import socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ':' in addr else socket.AF_INET, socket.SOCK_DGRAM)
if addr.startswith('127.255.'):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
if addr.startswith('239.'):
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('127.0.0.1'))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 0)
s.settimeout(1.5)
for m in sys.argv[3:]:
    s.sendto(m.encode(), (addr, port))
try:
    while True:
        print(s.recvfrom(70000)[0].hex(), flush=True)
except socket.timeout:
    pass
EOF
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

# --- node peers (the dgram tutorial's echo server, client and multicast member) ---------------
cat >"$work/node_echo_server.js" <<'EOF'
const dgram = require('node:dgram');
const [port, addr] = [+process.argv[2], process.argv[3]];
const server = dgram.createSocket(addr.includes(':') ? 'udp6' : 'udp4');
server.on('message', (msg, rinfo) => server.send(msg, rinfo.port, rinfo.address));
server.on('listening', () => console.log('listening ' + server.address().port));
server.bind(port, addr);
setTimeout(() => server.close(), 8000).unref();
EOF
cat >"$work/node_echo_client.js" <<'EOF'
const dgram = require('node:dgram');
const client = dgram.createSocket('udp4');
const timer = setTimeout(() => { console.log('no reply'); process.exit(1); }, 4000);
client.on('message', (m, r) => {
  console.log(`${m.toString()}|${r.address}|${r.family}|${r.size}`);
  clearTimeout(timer); client.close();
});
client.send(Buffer.from(process.argv[3]), +process.argv[2], '127.0.0.1');
EOF
cat >"$work/node_member.js" <<'EOF'
const dgram = require('node:dgram');
const [group, port] = [process.argv[2], +process.argv[3]];
const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
const timer = setTimeout(() => process.exit(1), 8000);
s.on('message', (m) => { process.stdout.write(m); clearTimeout(timer); s.dropMembership(group, '127.0.0.1'); s.close(); });
s.bind(port, () => { s.addMembership(group, '127.0.0.1'); console.error('joined'); });
EOF

# --- unicast -----------------------------------------------------------------------------------
check_python_to_listen_json() {
    local port; port=$(free_port)
    bg "$NK" udp-listen -v --json -c 2 127.0.0.1 "$port" >"$work/a.out" 2>"$work/a.err"; local nk=$bg_pid
    wait_text "$work/a.err" '"listening"' || return 1
    timeout "$T" python3 "$work/py_send.py" 127.0.0.1 "$port" "hi" "" >/dev/null
    finish "$nk" || return 1
    grep -q '"address":"127.0.0.1","family":"IPv4","port":[0-9]*,"size":2,"text":"hi"}' "$work/a.out" &&
        grep -q '"size":0,"text":""}' "$work/a.out"
}
check_send_to_python() {
    local port; port=$(free_port)
    bg python3 "$work/py_recv.py" 127.0.0.1 "$port" 3 >"$work/b.out"; local py=$bg_pid
    wait_udp_bound "$port" || return 1
    timeout "$T" "$NK" udp-send 127.0.0.1 "$port" two words || return 1
    printf 'l1\nl2\n' | timeout "$T" "$NK" udp-send 127.0.0.1 "$port" || return 1
    finish "$py" || return 1
    [ "$(cat "$work/b.out")" = "$(hex 'two words')
$(hex $'l1\n')
$(hex $'l2\n')" ]
}
check_binary_chunks_sha256() {
    local port; port=$(free_port)
    head -c 6000 /dev/urandom >"$work/blob"
    bg python3 "$work/py_recv.py" 127.0.0.1 "$port" 12 >"$work/c.out"; local py=$bg_pid
    wait_udp_bound "$port" || return 1
    timeout "$T" "$NK" udp-send --chunk 500 127.0.0.1 "$port" <"$work/blob" || return 1
    finish "$py" || return 1
    [ "$(xxd -r -p <"$work/c.out" | sha256sum)" = "$(sha256sum <"$work/blob")" ]
}
check_wait_reply_python_echo() {
    local port; port=$(free_port)
    bg python3 "$work/py_recv.py" 127.0.0.1 "$port" 1 "pong" >/dev/null; local py=$bg_pid
    wait_udp_bound "$port" || return 1
    [ "$(timeout "$T" "$NK" udp-send -r2s 127.0.0.1 "$port" ping)" = pong ] || return 1
    finish "$py"
}
check_node_echo_server() { # ADDR
    local port; port=$(free_port)
    bg node "$work/node_echo_server.js" "$port" "$1" >"$work/d.out"; local srv=$bg_pid
    wait_text "$work/d.out" listening || return 1
    [ "$(timeout "$T" "$NK" udp-send -v -r2s "$1" "$port" "hello node" 2>"$work/d.err")" = "hello node" ] || return 1
    local fam=IPv4; [[ $1 == *:* ]] && fam=IPv6
    kill "$srv" 2>/dev/null
    grep -q "(${fam}, 10 bytes)" "$work/d.err" && grep -q "sent 10 bytes to" "$work/d.err"
}
check_node_client_to_echo() {
    local port; port=$(free_port)
    bg "$NK" udp-listen -v --echo -c 1 127.0.0.1 "$port" >/dev/null 2>"$work/e.err"; local nk=$bg_pid
    wait_text "$work/e.err" "listening on" || return 1
    [ "$(timeout "$T" node "$work/node_echo_client.js" "$port" "from node")" = "from node|127.0.0.1|IPv4|9" ] || return 1
    finish "$nk"
}
check_socat_both_ways() {
    local port port2; port=$(free_port); port2=$(free_port)
    bg "$NK" udp-listen -v -c 1 127.0.0.1 "$port" >"$work/f.out" 2>"$work/f.err"; local nk=$bg_pid
    wait_text "$work/f.err" "listening on" || return 1
    printf 'via socat' | timeout "$T" socat -u - "UDP-SENDTO:127.0.0.1:$port" || return 1
    finish "$nk" || return 1
    [ "$(cat "$work/f.out")" = "via socat" ] || return 1
    bg socat -u "UDP4-RECV:$port2,bind=127.0.0.1" "OPEN:$work/f2.out,creat,trunc"; local so=$bg_pid
    wait_udp_bound "$port2" || return 1
    timeout "$T" "$NK" udp-send 127.0.0.1 "$port2" "to socat" || return 1
    for _ in $(seq 50); do [ -s "$work/f2.out" ] && break; sleep 0.1; done
    kill "$so" 2>/dev/null
    [ "$(cat "$work/f2.out")" = "to socat" ]
}
check_nc_both_ways() {
    local port; port=$(free_port)
    bg "$NK" udp-listen -v --echo -c 1 127.0.0.1 "$port" >/dev/null 2>"$work/g.err"; local nk=$bg_pid
    wait_text "$work/g.err" "listening on" || return 1
    [ "$(printf 'nc line\n' | timeout 3 nc -u -w1 127.0.0.1 "$port")" = "nc line" ] || return 1
    finish "$nk" || return 1
    port=$(free_port)
    bg nc -u -l 127.0.0.1 "$port" >"$work/g2.out"; local ncl=$bg_pid
    wait_udp_bound "$port" || return 1
    timeout "$T" "$NK" udp-send 127.0.0.1 "$port" "to nc" || return 1
    for _ in $(seq 50); do [ -s "$work/g2.out" ] && break; sleep 0.1; done
    kill "$ncl" 2>/dev/null
    [ "$(cat "$work/g2.out")" = "to nc" ]
}
check_ncat_listener() {
    local port; port=$(free_port)
    bg ncat -u -l 127.0.0.1 "$port" >"$work/h.out"; local nc=$bg_pid
    wait_udp_bound "$port" || return 1
    printf 'a\nb\n' | timeout "$T" "$NK" udp-send 127.0.0.1 "$port" || return 1
    for _ in $(seq 50); do [ "$(wc -l <"$work/h.out")" -ge 2 ] && break; sleep 0.1; done
    kill "$nc" 2>/dev/null
    [ "$(cat "$work/h.out")" = $'a\nb' ]
}
check_listen_hears_every_sender() { # nc and ncat lock onto the first sender; netkit must not
    local port; port=$(free_port)
    bg "$NK" udp-listen -v -c 3 127.0.0.1 "$port" >"$work/i.out" 2>"$work/i.err"; local nk=$bg_pid
    wait_text "$work/i.err" "listening on" || return 1
    timeout "$T" python3 "$work/py_send.py" 127.0.0.1 "$port" "p;" >/dev/null
    printf 's;' | timeout "$T" socat -u - "UDP-SENDTO:127.0.0.1:$port"
    printf 'n;' | timeout 3 nc -u -w1 127.0.0.1 "$port"
    finish "$nk" || return 1
    [ "$(cat "$work/i.out")" = "p;s;n;" ] && [ "$(grep -c ' from 127.0.0.1:' "$work/i.err")" = 3 ]
}
check_refused_exit_3() {
    local port; port=$(free_port)
    timeout "$T" "$NK" udp-send -r1s 127.0.0.1 "$port" anyone 2>/dev/null
    [ $? = 3 ]
}
check_silent_peer_exit_4() {
    local port; port=$(free_port)
    bg python3 "$work/py_recv.py" 127.0.0.1 "$port" 1 >/dev/null; local py=$bg_pid
    wait_udp_bound "$port" || return 1
    timeout "$T" "$NK" udp-send -r500ms 127.0.0.1 "$port" hello 2>/dev/null
    local rc=$?
    finish "$py"
    [ "$rc" = 4 ]
}
check_bind_in_use_exit_6() {
    local port; port=$(free_port)
    bg socat -u "UDP4-RECV:$port,bind=127.0.0.1" /dev/null; local so=$bg_pid
    wait_udp_bound "$port" || return 1
    timeout "$T" "$NK" udp-listen 127.0.0.1 "$port" 2>"$work/j.err"
    local rc=$?
    kill "$so" 2>/dev/null
    [ "$rc" = 6 ] && [ "$(wc -l <"$work/j.err")" = 1 ] && grep -q "address already in use" "$work/j.err"
}

# --- broadcast (127.255.255.255 only) ----------------------------------------------------------
check_broadcast_discovery() {
    local port; port=$(free_port)
    bg python3 "$work/py_recv.py" 0.0.0.0 "$port" 1 "py here" >/dev/null; local py=$bg_pid
    # the reply's child reads the request first: one that exits before socat hands it the datagram makes socat
    # fail on the closed pipe (EPIPE) and exit without replying
    bg socat "UDP4-RECVFROM:$port,reuseaddr" "SYSTEM:head -c1 >/dev/null; printf socat-here" >/dev/null 2>&1
    local so=$bg_pid
    wait_udp_bound "$port" 2 || return 1 # both responders, on the same port
    timeout "$T" "$NK" broadcast --json -r1s --address 127.255.255.255 "$port" "who is there?" >"$work/k.out" || return 1
    finish "$py"
    kill "$so" 2>/dev/null
    grep -q '"text":"py here"' "$work/k.out" && grep -q '"text":"socat-here"' "$work/k.out"
}
check_broadcast_listen_reply() {
    local port; port=$(free_port)
    bg "$NK" broadcast --listen -v -c 1 --reply "netkit here" "$port" >"$work/l.out" 2>"$work/l.err"; local nk=$bg_pid
    wait_text "$work/l.err" "listening on" || return 1
    [ "$(timeout "$T" python3 "$work/py_send.py" 127.255.255.255 "$port" "anyone?")" = "$(hex 'netkit here')" ] || return 1
    finish "$nk" && [ "$(cat "$work/l.out")" = "anyone?" ]
}
check_broadcast_ipv6_usage() {
    timeout "$T" "$NK" broadcast -6 9 x 2>"$work/m.err"
    [ $? = 2 ] && grep -q "ff02::1" "$work/m.err"
}

# --- multicast (239.255.x.y on lo, TTL 0) ------------------------------------------------------
group() { echo "239.255.$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"; }
joined_on_lo() { # GROUP: whether /proc/net/igmp lists it on lo
    local IFS=. a b c d
    read -r a b c d <<<"$1"
    awk -v hex="$(printf '%02X%02X%02X%02X' "$d" "$c" "$b" "$a")" '
        /^[0-9]/ { lo = ($2 == "lo") } lo && $1 == hex { found = 1 } END { exit !found }' /proc/net/igmp
}
check_two_receivers_python_sender_and_leave() {
    local g port; g=$(group); port=$(free_port)
    bg "$NK" multicast-join -v -c 1 --interface lo "$g" "$port" >"$work/n1.out" 2>"$work/n1.err"; local r1=$bg_pid
    bg "$NK" multicast-join --json -c 1 --interface lo "$g" "$port" >"$work/n2.out" 2>"$work/n2.err"; local r2=$bg_pid
    wait_text "$work/n1.err" "joined $g on lo" && wait_text "$work/n2.err" '"event":"join"' || return 1
    timeout "$T" python3 "$work/py_send.py" "$g" "$port" "tick" >/dev/null
    finish "$r1" && finish "$r2" || return 1
    [ "$(cat "$work/n1.out")" = tick ] && grep -q '"text":"tick"' "$work/n2.out" &&
        grep -q "left $g on lo" "$work/n1.err" && ! joined_on_lo "$g"
}
check_send_to_node_member() {
    local g port; g=$(group); port=$(free_port)
    bg node "$work/node_member.js" "$g" "$port" >"$work/o.out" 2>"$work/o.err"; local nd=$bg_pid
    wait_text "$work/o.err" joined || return 1
    printf 'clock\n' | timeout "$T" "$NK" multicast-join --send --ttl 0 -c 1 --interface lo "$g" "$port" >/dev/null || return 1
    finish "$nd" && [ "$(cat "$work/o.out")" = clock ]
}
check_udp_send_to_socat_member() {
    local g port; g=$(group); port=$(free_port)
    bg socat -u "UDP4-RECV:$port,reuseaddr,ip-add-membership=$g:127.0.0.1" "OPEN:$work/p.out,creat,trunc"; local so=$bg_pid
    wait_udp_bound "$port" || return 1
    for _ in $(seq 50); do joined_on_lo "$g" && break; sleep 0.1; done
    timeout "$T" "$NK" udp-send --interface lo --multicast-ttl 0 "$g" "$port" "to the group" || return 1
    for _ in $(seq 50); do [ -s "$work/p.out" ] && break; sleep 0.1; done
    kill "$so" 2>/dev/null
    [ "$(cat "$work/p.out")" = "to the group" ]
}
check_ctrl_c_leaves_the_group() { # SIGINT as Ctrl-C sends it; timeout passes it on to netkit
    local g port; g=$(group); port=$(free_port)
    bg "$NK" multicast-join -v --interface lo "$g" "$port" </dev/null >/dev/null 2>"$work/q.err"; local nk=$bg_pid
    wait_text "$work/q.err" "joined $g on lo" || return 1
    joined_on_lo "$g" || return 1
    kill -INT "$nk"
    wait "$nk"
    local rc=$?
    [ "$rc" = 130 ] && grep -q "left $g on lo" "$work/q.err" && ! joined_on_lo "$g"
}

for c in python_to_listen_json send_to_python binary_chunks_sha256 wait_reply_python_echo \
    "node_echo_server 127.0.0.1" "node_echo_server ::1" node_client_to_echo socat_both_ways nc_both_ways \
    ncat_listener listen_hears_every_sender refused_exit_3 silent_peer_exit_4 bind_in_use_exit_6 \
    broadcast_discovery broadcast_listen_reply broadcast_ipv6_usage \
    two_receivers_python_sender_and_leave send_to_node_member udp_send_to_socat_member ctrl_c_leaves_the_group; do
    # shellcheck disable=SC2086
    check_$c >"$work/check.log" 2>&1
    result "${c// /:}" $? "$(tail -c 300 "$work/check.log" | tr '\n' ' ')"
done

summary
