#!/usr/bin/env bash
# tls.sh - TLS over loopback, side by side in one run (issue 14):
#   1. bulk throughput: BYTES through `tcp-connect --tls` -> `tcp-listen --tls`, against a socat
#      OPENSSL <-> OPENSSL-LISTEN pair and an ncat --ssl pair (bench/tcp-throughput.sh, ad-hoc tools);
#   2. handshake + exit of one process: `netkit tcp-connect --tls -z` against `ncat --ssl -z`
#      (hyperfine -N), both against the same TLS listener.
# usage: bench/tls.sh [-b BYTES] [-r RUNS] [-H RUNS]
#   -b  bytes per transfer (default 1073741824 = 1 GiB)   -r  timed transfers per tool (default 3)
#   -H  hyperfine runs per command (default 30)
#   NETKIT  how to run netkit (default: ./netkit of this checkout)
# Certificates (a CA and a server certificate for 127.0.0.1/localhost, ECDSA P-256, the usual
# choice) are made with openssl under $BENCH_TMP. Prints markdown; loopback only, everything bounded.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NETKIT=${NETKIT:-$here/../netkit}
. "$here/lib.sh"

BYTES=1073741824; RUNS=3; HRUNS=30
while getopts "b:r:H:h" o; do
  case $o in
    b) BYTES=$OPTARG ;; r) RUNS=$OPTARG ;; H) HRUNS=$OPTARG ;; *) sed -n '2,14p' "$0"; exit 2 ;;
  esac
done
$NETKIT --version >/dev/null || { echo "netkit does not run" >&2; exit 1; }
export NETKIT_NO_BUILD=1

C="$BENCH_TMP/tls-certs"; mkdir -p "$C"
(
  cd "$C" || exit 1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 \
    -subj "/CN=bench CA" -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj "/CN=localhost"
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:false\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -out server.pem -extfile server.ext
) >/dev/null 2>&1 || { echo "openssl could not make the certificates" >&2; exit 1; }

echo "# tls: $(machine_info)"
echo "# $(openssl version); $(socat -V 2>/dev/null | sed -n 's/^socat version \([^ ]*\).*/socat \1/p'); $(ncat --version 2>&1 | head -1)"
echo

# 1. throughput. ncat's pair: at its stdin EOF an ncat --ssl listener drops the connection, and ncat
# --send-only resets it with the server's session ticket unread; so the listener sinks into
# --sh-exec 'cat >/dev/null' (its warm-up byte count reads 0: the bytes go to that cat, not stdout)
# and the client reads (nothing) until the listener closes.
NK_L="$NETKIT tcp-listen --tls --recv-only --cert $C/server.pem --key $C/server.key {HOST} {PORT}"
NK_C="$NETKIT tcp-connect --tls --cafile $C/ca.pem {HOST} {PORT}"
SO_L="socat -u OPENSSL-LISTEN:{PORT},bind={HOSTB},reuseaddr,cert=$C/server.pem,key=$C/server.key,verify=0 STDOUT"
SO_C="socat -u STDIN OPENSSL:{HOSTB}:{PORT},cafile=$C/ca.pem"
NC_L="ncat --ssl --ssl-cert $C/server.pem --ssl-key $C/server.key -l --sh-exec 'exec cat >/dev/null' {HOST} {PORT}"
NC_C="ncat --ssl {HOST} {PORT}"  # ncat --ssl-verify fails on an IP address with 'getpeername failed'
"$here/tcp-throughput.sh" -b "$BYTES" -r "$RUNS" -t 300 \
  "netkit-tls::$NK_L::$NK_C" "socat-openssl::$SO_L::$SO_C" "ncat-ssl::$NC_L::$NC_C"

# 2. handshake + exit, per process, against one netkit TLS echo server.
port=$(pick_port tcp) || exit 1
timeout -k 2 600 $NETKIT tcp-listen --tls --echo --cert "$C/server.pem" --key "$C/server.key" "$HOST" "$port" \
  </dev/null >/dev/null 2>&1 &
srv=$!
trap 'kill_tree $srv' EXIT
wait_port tcp "$port" 10 || { echo "TLS server did not start" >&2; exit 1; }
echo
echo "## TLS handshake + exit of one process ($HOST:$port, ECDSA P-256 server certificate)"
echo "# netkit: tcp-connect --tls -z --cafile CA $HOST PORT   (verifies the certificate and its name)"
echo "# ncat:   ncat --ssl -z $HOST PORT"
hyperfine -N -w 3 -r "$HRUNS" --export-markdown "$BENCH_TMP/tls-hs.md" \
  -n netkit-tls-z "$NETKIT tcp-connect --tls -z --cafile $C/ca.pem $HOST $port" \
  -n ncat-ssl-z "ncat --ssl -z $HOST $port" >/dev/null 2>"$BENCH_TMP/tls-hs.err" || cat "$BENCH_TMP/tls-hs.err"
cat "$BENCH_TMP/tls-hs.md"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
