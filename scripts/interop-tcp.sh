#!/usr/bin/env bash
# TCP interop checks: netkit against OpenBSD nc, ncat and socat, in both roles, byte-exact (sha256).
# Loopback only; every process runs under `timeout`; netkit listeners bind port 0 and the port is
# read from their -v "listening on" line, peer listeners get a free port found with python3.
# Installs the peers with apt-get when they are missing. Not part of .ci/run (JUnit needs no peers).
# Usage: scripts/interop-tcp.sh    (prints PASS/FAIL per check and "N passed, N failed"; exit 1 on failure)
set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T=10 # seconds any single process may run

need=()
command -v ncat >/dev/null || need+=(ncat)
command -v nc >/dev/null && nc -h 2>&1 | grep -q -- '-N' || need+=(netcat-openbsd)
command -v socat >/dev/null || need+=(socat)
install_peers ${need[@]+"${need[@]}"}
command -v python3 >/dev/null || { echo "python3 is needed (free ports, chat client)" >&2; exit 1; }
start_netkit

head -c 3000000 /dev/urandom >"$work/blob"
want=$(sha256sum <"$work/blob" | cut -d' ' -f1)

# Starts a netkit listener in the background (stderr to $work/NAME.err); sets p (its port) and nk_pid.
nk_listen() { # NAME STDIN-FILE STDOUT-FILE ARGS...
    local name=$1 in=$2 out=$3
    shift 3
    timeout "$T" "$NK" tcp-listen -v "$@" <"$in" >"$out" 2>"$work/$name.err" &
    nk_pid=$!
    pids+=($nk_pid)
    local i
    for i in $(seq 100); do
        grep -q 'listening on' "$work/$name.err" 2>/dev/null && break
        sleep 0.05
    done
    p=$(sed -n 's/^netkit: listening on .*:\([0-9]*\)$/\1/p' "$work/$name.err" | head -1)
}

# Waits until a peer listens on PORT (seen in the kernel's socket table, no probe connection), at most ~5 s.

digest() { sha256sum <"$1" | cut -d' ' -f1; }

check_digest() { # NAME FILE
    local got
    got=$(digest "$2")
    [ "$got" = "$want" ]
    result "$1" $? "sha256 $got, want $want"
}

# --- netkit listens, the peer connects and sends -----------------------------------------------
nk_listen l-nc /dev/null "$work/l-nc.out" 127.0.0.1 0
timeout "$T" nc -N 127.0.0.1 "$p" <"$work/blob"
wait "${pids[-1]}"
check_digest "tcp-listen <- nc -N (3 MB)" "$work/l-nc.out"

nk_listen l-ncat /dev/null "$work/l-ncat.out" 127.0.0.1 0
timeout "$T" ncat 127.0.0.1 "$p" <"$work/blob"
wait "${pids[-1]}"
check_digest "tcp-listen <- ncat (3 MB)" "$work/l-ncat.out"

nk_listen l-socat /dev/null "$work/l-socat.out" ::1 0
timeout "$T" socat -u OPEN:"$work/blob" "TCP6:[::1]:$p"
wait "${pids[-1]}"
check_digest "tcp-listen <- socat over ::1 (3 MB)" "$work/l-socat.out"

# --- netkit listens and sends, the peer receives ------------------------------------------------
nk_listen s-nc "$work/blob" /dev/null 127.0.0.1 0
timeout "$T" nc -d 127.0.0.1 "$p" >"$work/s-nc.out"
wait "${pids[-1]}"
check_digest "tcp-listen -> nc (3 MB)" "$work/s-nc.out"

nk_listen s-socat "$work/blob" /dev/null 127.0.0.1 0
timeout "$T" socat -u "TCP:127.0.0.1:$p" STDOUT >"$work/s-socat.out"
wait "${pids[-1]}"
check_digest "tcp-listen -> socat (3 MB)" "$work/s-socat.out"

# --- netkit connects and sends, the peer listens ------------------------------------------------
p=$(free_port)
timeout "$T" nc -l 127.0.0.1 "$p" >"$work/c-nc.out" &
pids+=($!)
await_port "$p"
timeout "$T" "$NK" tcp-connect 127.0.0.1 "$p" <"$work/blob"
wait "${pids[-1]}"
check_digest "tcp-connect -> nc -l (3 MB)" "$work/c-nc.out"

p=$(free_port)
timeout "$T" ncat -l 127.0.0.1 "$p" >"$work/c-ncat.out" &
pids+=($!)
await_port "$p"
timeout "$T" "$NK" tcp-connect 127.0.0.1 "$p" <"$work/blob"
rc=$?
wait "${pids[-1]}"
[ "$rc" = 0 ]
result "tcp-connect exit 0 after sending to ncat -l" $? "exit $rc"
check_digest "tcp-connect -> ncat -l (3 MB)" "$work/c-ncat.out"

p=$(free_port)
timeout "$T" socat -u "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr" "CREATE:$work/c-socat.out" &
pids+=($!)
await_port "$p"
timeout "$T" "$NK" tcp-connect 127.0.0.1 "$p" <"$work/blob"
wait "${pids[-1]}"
check_digest "tcp-connect -> socat TCP-LISTEN (3 MB)" "$work/c-socat.out"

# --- netkit connects and receives, the peer listens and sends -----------------------------------
p=$(free_port)
timeout "$T" socat -u "OPEN:$work/blob" "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr" &
pids+=($!)
await_port "$p"
timeout "$T" "$NK" tcp-connect 127.0.0.1 "$p" </dev/null >"$work/r-socat.out"
wait "${pids[-1]}"
check_digest "tcp-connect <- socat TCP-LISTEN (3 MB)" "$work/r-socat.out"

p=$(free_port)
timeout "$T" nc -N -l 127.0.0.1 "$p" <"$work/blob" &
pids+=($!)
await_port "$p"
timeout "$T" "$NK" tcp-connect --recv-only 127.0.0.1 "$p" >"$work/r-nc.out"
wait "${pids[-1]}"
check_digest "tcp-connect --recv-only <- nc -N -l (3 MB)" "$work/r-nc.out"

# --- both directions in one session: request, FIN, reply after our FIN --------------------------
nk_listen echo /dev/null /dev/null --echo 127.0.0.1 0
echo_pid=$nk_pid
timeout "$T" nc -N 127.0.0.1 "$p" <"$work/blob" >"$work/e-nc.out"
check_digest "tcp-listen --echo <-> nc -N (3 MB each way)" "$work/e-nc.out"
timeout "$T" ncat 127.0.0.1 "$p" <"$work/blob" >"$work/e-ncat.out"
check_digest "tcp-listen --echo <-> ncat (3 MB each way)" "$work/e-ncat.out"
timeout "$T" socat -t5 - "TCP:127.0.0.1:$p" <"$work/blob" >"$work/e-socat.out"
check_digest "tcp-listen --echo <-> socat (3 MB each way)" "$work/e-socat.out"
kill "$echo_pid" 2>/dev/null

p=$(free_port)
timeout "$T" socat "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr" EXEC:cat &
pids+=($!)
await_port "$p"
timeout "$T" "$NK" tcp-connect 127.0.0.1 "$p" <"$work/blob" >"$work/x-socat.out"
check_digest "tcp-connect <-> socat EXEC:cat (reply after our FIN)" "$work/x-socat.out"

nk_listen exec /dev/null /dev/null -k -e cat 127.0.0.1 0
exec_pid=$nk_pid
timeout "$T" ncat 127.0.0.1 "$p" <"$work/blob" >"$work/x-ncat.out"
check_digest "tcp-listen -e cat <-> ncat (3 MB each way)" "$work/x-ncat.out"
kill "$exec_pid" 2>/dev/null

# --- -C against a peer: LF becomes CRLF, an existing CRLF is kept --------------------------------
p=$(free_port)
timeout "$T" nc -l 127.0.0.1 "$p" >"$work/crlf.out" &
pids+=($!)
await_port "$p"
printf 'a\nb\r\nc\n' | timeout "$T" "$NK" tcp-connect -C 127.0.0.1 "$p"
wait "${pids[-1]}"
[ "$(od -An -c "$work/crlf.out" | tr -d ' \n')" = 'a\r\nb\r\nc\r\n' ]
result "tcp-connect -C -> nc -l (CRLF, never doubled)" $? "$(od -An -c "$work/crlf.out")"

# --- refused and scan against a peer ------------------------------------------------------------
p=$(free_port)
timeout "$T" "$NK" tcp-connect 127.0.0.1 "$p" </dev/null 2>/dev/null
rc=$?
[ "$rc" = 3 ]
result "tcp-connect to a closed port: exit 3" $? "exit $rc"

p=$(free_port)
timeout "$T" ncat -l -k 127.0.0.1 "$p" >/dev/null &
pids+=($!)
await_port "$p"
out=$(timeout "$T" "$NK" tcp-connect -z 127.0.0.1 "$p,$(free_port)" 2>/dev/null)
rc=$?
[ "$rc" = 0 ] && [ "$out" = "127.0.0.1 $p open" ]
result "tcp-connect -z finds ncat -l open" $? "exit $rc, '$out'"
kill "${pids[-1]}" 2>/dev/null

# --- chat with nc clients -----------------------------------------------------------------------
nk_listen chat /dev/null "$work/chat.out" --chat 127.0.0.1 0
chat_pid=$nk_pid
(printf 'alice\n'; sleep 1; printf 'hello room\n/quit\n') | timeout "$T" nc 127.0.0.1 "$p" >/dev/null &
got=$( (printf 'bob\n'; sleep 2; printf '/quit\n') | timeout "$T" nc 127.0.0.1 "$p")
grep -q '^<alice> hello room$' <<<"$got"
result "tcp-listen --chat relays between nc clients" $? "$got"
kill "$chat_pid" 2>/dev/null

# --- broker: a 3 MB binary from an nc client reaches an ncat client byte-exact -------------------
nk_listen broker /dev/null /dev/null --broker -k 127.0.0.1 0
broker_pid=$nk_pid
timeout "$T" ncat --recv-only 127.0.0.1 "$p" >"$work/broker.out" &
recv_pid=$!
pids+=($recv_pid)
for i in $(seq 100); do # the receiver is in before the sender speaks
    grep -q 'connection from' "$work/broker.err" 2>/dev/null && break
    sleep 0.05
done
timeout "$T" nc -N 127.0.0.1 "$p" <"$work/blob" >/dev/null
for i in $(seq 200); do
    [ "$(stat -c %s "$work/broker.out")" -ge 3000000 ] && break
    sleep 0.05
done
kill "$recv_pid" 2>/dev/null
check_digest "tcp-listen --broker relays nc -> ncat (3 MB)" "$work/broker.out"
kill "$broker_pid" 2>/dev/null

summary
