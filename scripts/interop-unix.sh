#!/usr/bin/env bash
# Unix-socket and forwarding interop checks: netkit -U against OpenBSD nc -U and socat UNIX-*, in both
# roles, byte-exact (sha256); tcp-listen --forward between nc/socat clients and servers, to TCP and
# Unix upstreams, with a reply after the client's FIN; udp-listen --forward with socat UDP peers.
# Loopback and a private temp directory only; every process runs under `timeout`; netkit listeners
# bind port 0 and their port is read from the -v "listening on" line. Installs the peers with apt-get
# when they are missing. Not part of the JUnit suite (it needs no peers).
# Usage: scripts/interop-unix.sh   (PASS/FAIL per check and "N passed, N failed"; exit 1 on failure)
set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T=15 # seconds any single process may run

need=()
command -v nc >/dev/null && nc -h 2>&1 | grep -q -- '-U' || need+=(netcat-openbsd)
command -v socat >/dev/null || need+=(socat)
install_peers ${need[@]+"${need[@]}"}
command -v python3 >/dev/null || { echo "python3 is needed (free ports)" >&2; exit 1; }
start_netkit

head -c 3000000 /dev/urandom >"$work/blob"
want=$(sha256sum <"$work/blob" | cut -d' ' -f1)

digest() { sha256sum <"$1" | cut -d' ' -f1; }

check_digest() { # NAME FILE [WANT]
    local got w=${3:-$want}
    got=$(digest "$2")
    [ "$got" = "$w" ]
    result "$1" $? "sha256 $got, want $w"
}

await_file() { # PATH: until a socket file exists, ~5 s
    local i
    for i in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done
    return 1
}

# Starts a netkit listener in the background (stderr to $work/NAME.err); sets nk_pid, and p when on a port.
nk_listen() { # NAME STDIN-FILE STDOUT-FILE ARGS...
    local name=$1 in=$2 out=$3
    shift 3
    timeout "$T" "$NK" tcp-listen -v "$@" <"$in" >"$out" 2>"$work/$name.err" &
    nk_pid=$!
    pids+=($nk_pid)
    local i
    for i in $(seq 200); do
        grep -q 'listening on' "$work/$name.err" 2>/dev/null && break
        sleep 0.05
    done
    p=$(sed -n 's/^netkit: listening on .*:\([0-9]*\)$/\1/p' "$work/$name.err" | head -1)
}

# --- netkit listens on a Unix socket, the peer connects -----------------------------------------
s=$work/l-nc.sock
nk_listen l-nc /dev/null "$work/l-nc.out" -U "$s"
timeout "$T" nc -N -U "$s" <"$work/blob"
wait "$nk_pid"
check_digest "tcp-listen -U <- nc -U -N (3 MB)" "$work/l-nc.out"
[ ! -e "$s" ]
result "socket file removed after the one client" $?

s=$work/l-socat.sock
nk_listen l-socat /dev/null "$work/l-socat.out" -U "$s"
timeout "$T" socat -u OPEN:"$work/blob" "UNIX-CONNECT:$s"
wait "$nk_pid"
check_digest "tcp-listen -U <- socat UNIX-CONNECT (3 MB)" "$work/l-socat.out"

s=$work/echo.sock
nk_listen echo /dev/null /dev/null -U "$s" --echo --mode 600
echo_pid=$nk_pid
[ "$(stat -c %a "$s")" = 600 ]
result "--mode 600 on the socket file" $? "$(stat -c %a "$s")"
timeout "$T" nc -N -U "$s" <"$work/blob" >"$work/e-nc.out"
check_digest "tcp-listen -U --echo <-> nc -U -N (3 MB each way)" "$work/e-nc.out"
timeout "$T" socat -t5 - "UNIX-CONNECT:$s" <"$work/blob" >"$work/e-socat.out"
check_digest "tcp-listen -U --echo <-> socat UNIX-CONNECT (3 MB each way)" "$work/e-socat.out"
timeout "$T" "$NK" tcp-listen -U "$s" 2>"$work/inuse.err"
rc=$?
[ "$rc" = 6 ] && grep -q 'address already in use' "$work/inuse.err"
result "a second listener on a live socket: exit 6" $? "exit $rc: $(cat "$work/inuse.err")"
kill -INT "$echo_pid"
wait "$echo_pid" 2>/dev/null
[ ! -e "$s" ]
result "socket file removed on SIGINT" $?

s=$work/term.sock
nk_listen term /dev/null /dev/null -k -U "$s"
kill -TERM "$nk_pid"
wait "$nk_pid" 2>/dev/null
[ ! -e "$s" ]
result "socket file removed on SIGTERM" $?

# a stale file (SIGKILL leaves it) is replaced only with --unlink
s=$work/stale.sock
nk_listen stale /dev/null /dev/null -k -U "$s"
java_pid=$(pgrep -P "$nk_pid" | head -1) # the JVM under `timeout`: SIGKILL must hit it, not timeout
[ -n "$java_pid" ] && kill -KILL "$java_pid"
wait "$nk_pid" 2>/dev/null
[ -S "$s" ]
result "SIGKILL leaves a stale socket file" $?
timeout "$T" "$NK" tcp-listen -U "$s" 2>"$work/stale.err"
rc=$?
[ "$rc" = 6 ] && grep -q -- '--unlink' "$work/stale.err"
result "stale file without --unlink: exit 6 naming --unlink" $? "exit $rc"
nk_listen unlink /dev/null "$work/unlink.out" -U "$s" --unlink
timeout "$T" nc -N -U "$s" <"$work/blob"
wait "$nk_pid"
check_digest "stale file replaced with --unlink, then nc -U (3 MB)" "$work/unlink.out"

# --- netkit listens on Unix and sends ---------------------------------------------------------
s=$work/s-nc.sock
nk_listen s-nc "$work/blob" /dev/null -U "$s"
timeout "$T" nc -d -U "$s" >"$work/s-nc.out"
wait "$nk_pid"
check_digest "tcp-listen -U -> nc -U (3 MB)" "$work/s-nc.out"

s=$work/s-socat.sock
nk_listen s-socat "$work/blob" /dev/null -U "$s"
timeout "$T" socat -u "UNIX-CONNECT:$s" STDOUT >"$work/s-socat.out"
wait "$nk_pid"
check_digest "tcp-listen -U -> socat UNIX-CONNECT (3 MB)" "$work/s-socat.out"

# --- netkit connects to a peer's Unix socket ---------------------------------------------------
s=$work/c-nc.sock
timeout "$T" nc -l -U "$s" >"$work/c-nc.out" &
pids+=($!)
await_file "$s"
timeout "$T" "$NK" tcp-connect -U "$s" <"$work/blob"
wait "${pids[-1]}"
check_digest "tcp-connect -U -> nc -l -U (3 MB)" "$work/c-nc.out"

s=$work/c-socat.sock
timeout "$T" socat -u "UNIX-LISTEN:$s" "CREATE:$work/c-socat.out" &
pids+=($!)
await_file "$s"
timeout "$T" "$NK" tcp-connect -U "$s" <"$work/blob"
wait "${pids[-1]}"
check_digest "tcp-connect -U -> socat UNIX-LISTEN (3 MB)" "$work/c-socat.out"

s=$work/x-socat.sock
timeout "$T" socat "UNIX-LISTEN:$s" EXEC:cat &
pids+=($!)
await_file "$s"
timeout "$T" "$NK" tcp-connect -U "$s" <"$work/blob" >"$work/x-socat.out"
check_digest "tcp-connect -U <-> socat UNIX-LISTEN EXEC:cat (reply after our FIN)" "$work/x-socat.out"

# --- forwarding -------------------------------------------------------------------------------
# TCP -> Unix upstream (socat EXEC:cat: answers after the client's FIN, so half-close must pass both ways)
s=$work/up.sock
timeout "$T" socat "UNIX-LISTEN:$s,fork" EXEC:cat &
pids+=($!)
await_file "$s"
nk_listen fwd-unix /dev/null /dev/null 127.0.0.1 0 --forward "unix:$s"
fwd_pid=$nk_pid
timeout "$T" nc -N 127.0.0.1 "$p" <"$work/blob" >"$work/f-nc.out"
check_digest "nc -N -> tcp-listen --forward unix: -> socat EXEC:cat (3 MB each way)" "$work/f-nc.out"
timeout "$T" socat -t5 - "TCP:127.0.0.1:$p" <"$work/blob" >"$work/f-socat.out"
check_digest "socat -> tcp-listen --forward unix: -> socat EXEC:cat (3 MB each way)" "$work/f-socat.out"
kill "$fwd_pid" 2>/dev/null

# Unix listener -> TCP upstream (socat: reads the request to its FIN, then answers with the blob)
up=$(free_port)
timeout "$T" socat "TCP-LISTEN:$up,bind=127.0.0.1,reuseaddr" SYSTEM:"cat >$work/f-up.out; cat $work/blob" &
pids+=($!)
await_port "$up"
s=$work/front.sock
nk_listen fwd-tcp /dev/null /dev/null -c 1 -U "$s" --forward "127.0.0.1:$up"
printf 'request\n' | timeout "$T" nc -N -U "$s" >"$work/f-down.out"
wait "$nk_pid"
check_digest "nc -U -> tcp-listen -U --forward TCP -> socat (reply after the FIN, 3 MB)" "$work/f-down.out"
[ "$(cat "$work/f-up.out")" = request ]
result "the request reached the upstream" $? "$(head -c 80 "$work/f-up.out")"
grep -q 'upstream 127.0.0.1:'"$up"': 8 bytes sent, 3000000 bytes received' "$work/fwd-tcp.err"
result "one close line with both sides' bytes" $? "$(grep closed "$work/fwd-tcp.err")"

# refused upstream: the client is closed, the listener lives on
dead=$(free_port)
nk_listen fwd-dead /dev/null /dev/null 127.0.0.1 0 --forward "127.0.0.1:$dead"
timeout "$T" nc -N 127.0.0.1 "$p" </dev/null >/dev/null
timeout "$T" nc -N 127.0.0.1 "$p" </dev/null >/dev/null
sleep 0.5
[ "$(grep -c 'connection refused' "$work/fwd-dead.err")" = 2 ] && kill -0 "$nk_pid" 2>/dev/null
result "refused upstream closes each client, listener lives on" $? "$(cat "$work/fwd-dead.err")"
kill "$nk_pid" 2>/dev/null

# UDP: socat UDP-RECVFROM answers (upper case); two socat clients each get their own reply
up=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
timeout "$T" socat "UDP4-RECVFROM:$up,bind=127.0.0.1,fork" SYSTEM:'tr a-z A-Z' &
pids+=($!)
sleep 0.3
timeout "$T" "$NK" udp-listen -v -i 5s --forward "127.0.0.1:$up" 127.0.0.1 0 2>"$work/udp.err" &
udp_pid=$!
pids+=($udp_pid)
for i in $(seq 200); do grep -q 'listening on' "$work/udp.err" && break; sleep 0.05; done
up_port=$(sed -n 's/^netkit: listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/udp.err" | head -1)
a=$(echo alpha | timeout 5 socat -t2 - "UDP4:127.0.0.1:$up_port")
b=$(echo beta | timeout 5 socat -t2 - "UDP4:127.0.0.1:$up_port")
[ "$a" = ALPHA ] && [ "$b" = BETA ]
result "udp-listen --forward: socat clients each get their own reply" $? "got '$a' and '$b'"
kill "$udp_pid" 2>/dev/null

summary
