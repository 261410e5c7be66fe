#!/usr/bin/env bash
# TLS interop checks: netkit --tls against openssl s_server/s_client, ncat --ssl and socat OPENSSL, in both
# roles, byte-exact (sha256), plus verification, mutual TLS and half-close (close_notify) against them.
# Loopback only; every process runs under `timeout`; netkit listeners bind port 0 and the port is read from
# their -v "listening on" line, peer listeners get a free port found with python3. Certificates are made
# here with openssl (a CA, a server certificate for localhost/127.0.0.1, a client certificate, and an
# untrusted self-signed one). Installs the peers with apt-get when they are missing.
# Usage: scripts/interop-tls.sh    (prints PASS/FAIL per check and "N passed, N failed"; exit 1 on failure)
set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T=20 # seconds any single process may run

need=()
command -v openssl >/dev/null || need+=(openssl)
command -v ncat >/dev/null || need+=(ncat)
command -v socat >/dev/null || need+=(socat)
install_peers ${need[@]+"${need[@]}"}
command -v python3 >/dev/null || { echo "python3 is needed (free ports)" >&2; exit 1; }
start_netkit

# --- certificates -------------------------------------------------------------------------------
(
    cd "$work" || exit 1
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 \
        -subj "/CN=interop CA" -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost"
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nbasicConstraints=CA:false\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -out server.pem -extfile server.ext
    openssl ecparam -name prime256v1 -genkey -out client.key # SEC1 EC key, as netkit --key reads it
    openssl req -new -key client.key -out client.csr -subj "/CN=interop client"
    printf 'basicConstraints=CA:false\nextendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -out client.pem -extfile client.ext
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout self.key -out self.pem -days 1 \
        -subj "/CN=localhost" -addext subjectAltName=DNS:localhost,IP:127.0.0.1
) >/dev/null 2>&1 || { echo "cannot make certificates with openssl" >&2; exit 1; }
C="$work"

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
    for i in $(seq 200); do
        grep -q 'listening on' "$work/$name.err" 2>/dev/null && break
        sleep 0.05
    done
    p=$(sed -n 's/^netkit: listening on .*:\([0-9]*\)$/\1/p' "$work/$name.err" | head -1)
}

# Waits until a peer listens on PORT (seen in the kernel's socket table, no probe connection), at most ~10 s.

# Waits (at most ~10 s) until FILE has a line matching the extended regex PATTERN.
wait_for() { # FILE PATTERN
    local i
    for i in $(seq 200); do
        grep -Eq "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

digest() { sha256sum <"$1" | cut -d' ' -f1; }

check_digest() { # NAME FILE
    local got
    got=$(digest "$2")
    [ "$got" = "$want" ]
    result "$1" $? "sha256 $got, want $want"
}

# --- netkit connects and sends, the peer listens ------------------------------------------------
p=$(free_port)
sleep "$T" | timeout "$T" openssl s_server -quiet -naccept 1 -accept "127.0.0.1:$p" -cert "$C/server.pem" \
    -key "$C/server.key" >"$work/c-openssl.out" 2>/dev/null &
pids+=($!)
await_port "$p"
timeout "$T" "$NK" tcp-connect --tls --cafile "$C/ca.pem" localhost "$p" <"$work/blob"
rc=$?
wait "${pids[-1]}"
[ "$rc" = 0 ]
result "tcp-connect --tls (verified) exit 0 after sending to openssl s_server" $? "exit $rc"
check_digest "tcp-connect --tls -> openssl s_server (3 MB)" "$work/c-openssl.out"

p=$(free_port)
timeout "$T" socat -u "OPENSSL-LISTEN:$p,bind=127.0.0.1,reuseaddr,cert=$C/server.pem,key=$C/server.key,verify=0" \
    "CREATE:$work/c-socat.out" &
pids+=($!)
await_port "$p"
timeout "$T" "$NK" tcp-connect --tls --cafile "$C/ca.pem" 127.0.0.1 "$p" <"$work/blob"
wait "${pids[-1]}"
check_digest "tcp-connect --tls -> socat OPENSSL-LISTEN (3 MB)" "$work/c-socat.out"

p=$(free_port)
# ncat's stdin stays open: at its stdin EOF (and at once with --recv-only) ncat --ssl drops the connection
sleep "$T" | timeout "$T" ncat --ssl --ssl-cert "$C/server.pem" --ssl-key "$C/server.key" -l 127.0.0.1 "$p" \
    >"$work/c-ncat.out" &
pids+=($!)
await_port "$p"
timeout "$T" "$NK" tcp-connect --tls --cafile "$C/ca.pem" 127.0.0.1 "$p" <"$work/blob"
wait "${pids[-1]}"
check_digest "tcp-connect --tls -> ncat --ssl -l (3 MB)" "$work/c-ncat.out"

# --- netkit connects and receives, the peer listens and sends -----------------------------------
p=$(free_port)
timeout "$T" socat -u "OPEN:$work/blob" \
    "OPENSSL-LISTEN:$p,bind=127.0.0.1,reuseaddr,cert=$C/server.pem,key=$C/server.key,verify=0" &
pids+=($!)
await_port "$p"
timeout "$T" "$NK" tcp-connect --tls --cafile "$C/ca.pem" 127.0.0.1 "$p" </dev/null >"$work/r-socat.out"
wait "${pids[-1]}"
check_digest "tcp-connect --tls <- socat OPENSSL-LISTEN (3 MB)" "$work/r-socat.out"

p=$(free_port)
timeout "$T" ncat --ssl --ssl-cert "$C/server.pem" --ssl-key "$C/server.key" --send-only -l 127.0.0.1 "$p" \
    <"$work/blob" &
pids+=($!)
await_port "$p"
timeout "$T" "$NK" tcp-connect --tls --recv-only --cafile "$C/ca.pem" 127.0.0.1 "$p" >"$work/r-ncat.out"
wait "${pids[-1]}"
check_digest "tcp-connect --tls --recv-only <- ncat --ssl -l (3 MB)" "$work/r-ncat.out"

# --- netkit listens, the peer connects and sends ------------------------------------------------
# --recv-only: a TLS peer ends its whole session at our close_notify (no half-close in openssl's and ncat's
# clients). openssl s_client sends at most 8 KiB of a piped file before it quits (to socat just the same), so
# it gets a 6000-byte payload.
head -c 6000 "$work/blob" >"$work/small"
nk_listen l-openssl /dev/null "$work/l-openssl.out" --recv-only --tls --cert "$C/server.pem" --key "$C/server.key" 127.0.0.1 0
timeout "$T" openssl s_client -quiet -no_ign_eof -verify_return_error -CAfile "$C/ca.pem" -servername localhost \
    -connect "127.0.0.1:$p" <"$work/small" >/dev/null 2>&1
wait "${pids[-1]}"
cmp -s "$work/small" "$work/l-openssl.out"
result "tcp-listen --tls <- openssl s_client (6000 bytes)" $? "got $(wc -c <"$work/l-openssl.out") bytes"

nk_listen l-socat /dev/null "$work/l-socat.out" --tls --cert "$C/server.pem" --key "$C/server.key" 127.0.0.1 0
timeout "$T" socat -u OPEN:"$work/blob" "OPENSSL:127.0.0.1:$p,cafile=$C/ca.pem,verify=1"
wait "${pids[-1]}"
check_digest "tcp-listen --tls <- socat OPENSSL (verifying, 3 MB)" "$work/l-socat.out"

# ncat --ssl as the sender: -e cat into a file sees ncat's close_notify as EOF, then the connection closes.
# (ncat --send-only resets the connection at its EOF with our session ticket unread, losing data in flight.)
nk_listen l-ncat /dev/null /dev/null --tls --cert "$C/server.pem" --key "$C/server.key" \
    --sh-exec "cat >'$work/l-ncat.out'" 127.0.0.1 0
timeout "$T" ncat --ssl --ssl-verify --ssl-trustfile "$C/ca.pem" localhost "$p" <"$work/blob" >/dev/null
wait "${pids[-1]}"
check_digest "tcp-listen --tls -e 'cat >FILE' <- ncat --ssl --ssl-verify (3 MB)" "$work/l-ncat.out"

# --- netkit listens with its throwaway certificate and sends ------------------------------------
nk_listen s-socat "$work/blob" /dev/null --tls 127.0.0.1 0
grep -q '^netkit: tls certificate sha256 [0-9A-F:]*$' "$work/s-socat.err"
result "tcp-listen --tls -v prints the throwaway certificate's fingerprint" $? "$(cat "$work/s-socat.err")"
timeout "$T" socat -u "OPENSSL:127.0.0.1:$p,verify=0" STDOUT >"$work/s-socat.out"
wait "${pids[-1]}"
check_digest "tcp-listen --tls (ephemeral) -> socat OPENSSL (3 MB)" "$work/s-socat.out"
fp=$(sed -n 's/^netkit: tls certificate sha256 //p' "$work/s-socat.err" | tr -d ':')
nk_listen s-openssl "$work/blob" /dev/null --tls 127.0.0.1 0
fp=$(sed -n 's/^netkit: tls certificate sha256 //p' "$work/s-openssl.err" | tr -d ':')
got=$(timeout "$T" openssl s_client -connect "127.0.0.1:$p" </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 \
    | sed 's/.*=//' | tr -d ':')
wait "${pids[-1]}"
[ -n "$fp" ] && [ "$fp" = "$got" ]
result "the printed fingerprint is the one openssl x509 -fingerprint -sha256 sees" $? "$fp vs $got"

# --- both directions; half-close through close_notify -------------------------------------------
nk_listen echo /dev/null /dev/null --tls --echo --cert "$C/server.pem" --key "$C/server.key" 127.0.0.1 0
echo_pid=$nk_pid
timeout "$T" socat -t5 - "OPENSSL:127.0.0.1:$p,cafile=$C/ca.pem" <"$work/blob" >"$work/e-socat.out"
check_digest "tcp-listen --tls --echo <-> socat OPENSSL (3 MB each way)" "$work/e-socat.out"
timeout "$T" ncat --ssl --ssl-verify --ssl-trustfile "$C/ca.pem" localhost "$p" <"$work/blob" >"$work/e-ncat.out"
check_digest "tcp-listen --tls --echo <-> ncat --ssl (3 MB each way)" "$work/e-ncat.out"
kill "$echo_pid" 2>/dev/null

p=$(free_port)
timeout "$T" socat "OPENSSL-LISTEN:$p,bind=127.0.0.1,reuseaddr,cert=$C/server.pem,key=$C/server.key,verify=0" \
    SYSTEM:'cat; echo reply after your EOF' &
pids+=($!)
await_port "$p"
out=$(printf 'hello\n' | timeout "$T" "$NK" tcp-connect --tls --cafile "$C/ca.pem" 127.0.0.1 "$p")
rc=$?
[ "$rc" = 0 ] && [ "$out" = $'hello\nreply after your EOF' ]
result "tcp-connect --tls: stdin EOF sends close_notify, socat's reply is still read (TLS 1.3)" $? "exit $rc, '$out'"

# --- verification and mutual TLS against peers --------------------------------------------------
p=$(free_port)
timeout "$T" ncat --ssl --ssl-cert "$C/self.pem" --ssl-key "$C/self.key" -l -k 127.0.0.1 "$p" >/dev/null </dev/null &
pids+=($!)
await_port "$p"
err=$(printf 'secret' | timeout "$T" "$NK" tcp-connect --tls 127.0.0.1 "$p" 2>&1 >/dev/null)
rc=$?
[ "$rc" = 7 ] && grep -q 'unknown certificate authority' <<<"$err"
result "tcp-connect --tls refuses ncat's untrusted certificate: exit 7" $? "exit $rc, $err"
out=$(timeout "$T" "$NK" tcp-connect --tls -z --cafile "$C/ca.pem" 127.0.0.1 "$p" 2>&1)
rc=$?
[ "$rc" = 7 ]
result "tcp-connect --tls -z: a certificate problem is exit 7 for one port" $? "exit $rc, $out"
out=$(timeout "$T" "$NK" tcp-connect --tls -z --insecure 127.0.0.1 "$p,$(free_port)" 2>/dev/null)
rc=$?
[ "$rc" = 0 ] && [ "$out" = "127.0.0.1 $p open" ]
result "tcp-connect --tls -z --insecure finds ncat --ssl open" $? "exit $rc, '$out'"
kill "${pids[-1]}" 2>/dev/null

nk_listen mtls /dev/null "$work/mtls.out" -k --recv-only --tls --cert "$C/server.pem" --key "$C/server.key" \
    --cafile "$C/ca.pem" --require-client-cert 127.0.0.1 0
mtls_pid=$nk_pid
printf 'from a client with a certificate\n' | timeout "$T" openssl s_client -quiet -no_ign_eof \
    -CAfile "$C/ca.pem" -cert "$C/client.pem" -key "$C/client.key" -connect "127.0.0.1:$p" >/dev/null 2>&1
wait_for "$work/mtls.err" 'closed .*id 1'
grep -q 'from a client with a certificate' "$work/mtls.out" && grep -q 'peer CN=interop client' "$work/mtls.err"
result "tcp-listen --tls --require-client-cert accepts openssl s_client -cert" $? "$(cat "$work/mtls.err")"
printf 'no certificate\n' | timeout "$T" openssl s_client -quiet -no_ign_eof -CAfile "$C/ca.pem" \
    -connect "127.0.0.1:$p" >/dev/null 2>&1
wait_for "$work/mtls.err" 'closed .*id 2'
! grep -q 'no certificate' "$work/mtls.out" && grep -q 'sent no certificate' "$work/mtls.err"
result "tcp-listen --tls --require-client-cert refuses a client without one" $? "$(tail -2 "$work/mtls.err")"
kill "$mtls_pid" 2>/dev/null

p=$(free_port)
sleep "$T" | timeout "$T" openssl s_server -quiet -naccept 1 -accept "127.0.0.1:$p" -cert "$C/server.pem" \
    -key "$C/server.key" -Verify 1 -verify_return_error -CAfile "$C/ca.pem" >"$work/c-mtls.out" 2>/dev/null &
pids+=($!)
await_port "$p"
timeout "$T" "$NK" tcp-connect --tls --cafile "$C/ca.pem" --cert "$C/client.pem" --key "$C/client.key" \
    127.0.0.1 "$p" <"$work/blob"
wait "${pids[-1]}"
check_digest "tcp-connect --tls --cert/--key (SEC1 EC) -> openssl s_server -Verify (3 MB)" "$work/c-mtls.out"

summary
