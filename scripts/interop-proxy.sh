#!/usr/bin/env bash
# Proxy interop checks (SPEC §14): curl through `tcp-listen --proxy` (SOCKS5 with curl and with the
# proxy resolving, SOCKS4a, HTTP absolute-form, HTTP CONNECT, --proxy-user, a denied destination),
# ncat as a SOCKS5/HTTP client of it, netkit's client through ncat's HTTP proxy (with and without
# credentials) and through a chain of netkit proxies, byte-exact (sha256).
# Loopback only: the one name used, target.test, is resolved by the proxy JVM from a hosts file this
# script writes (-Djdk.net.hosts.file); curl and ncat are only ever pointed at loopback proxies and
# loopback targets, with their proxy environment variables unset. Every process runs under `timeout`.
# Installs curl and ncat with apt-get when missing. Not part of .ci/run (JUnit needs no peers).
# Usage: scripts/interop-proxy.sh   (PASS/FAIL per check, then "N passed, N failed"; exit 1 on failure)
set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T=20 # seconds any single process may run

need=()
command -v curl >/dev/null || need+=(curl)
command -v ncat >/dev/null || need+=(ncat)
install_peers ${need[@]+"${need[@]}"}
command -v python3 >/dev/null || { echo "python3 is needed (free ports, HTTP origin)" >&2; exit 1; }
unset http_proxy https_proxy all_proxy no_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY NO_PROXY
start_netkit

mkdir -p "$work/www"
head -c 3000000 /dev/urandom >"$work/www/blob"
want=$(sha256sum <"$work/www/blob" | cut -d' ' -f1)
printf '127.0.0.1 target.test\n::1 target.test\n' >"$work/hosts"

# Starts a netkit listener in the background; sets p (its port). NAME ARGS...
nk_listen() {
    local name=$1 i
    shift
    JAVA_TOOL_OPTIONS="-Djdk.net.hosts.file=$work/hosts" timeout "$T" "$NK" tcp-listen -v "$@" </dev/null \
        >"$work/$name.out" 2>"$work/$name.err" &
    pids+=($!)
    for i in $(seq 200); do grep -q 'listening on' "$work/$name.err" 2>/dev/null && break; sleep 0.05; done
    p=$(sed -n 's/^netkit: listening on .*:\([0-9]*\)$/\1/p' "$work/$name.err" | head -1)
}
check() { # NAME FILE
    local got
    got=$(sha256sum <"$2" | cut -d' ' -f1)
    [ "$got" = "$want" ]
    result "$1" $? "sha256 $got, want $want"
}
crl() { timeout "$T" curl -q -sS --max-time 15 "$@"; }

# an HTTP origin on loopback serving the blob
origin=$(free_port)
timeout 120 python3 -m http.server --bind 127.0.0.1 "$origin" --directory "$work/www" >/dev/null 2>&1 &
pids+=($!)
await_port "$origin" || { echo "http origin did not start" >&2; exit 1; }

# --- curl through netkit's proxy server ------------------------------------------------------------
nk_listen proxy --proxy -k 127.0.0.1 0
P=$p
crl --socks5 "127.0.0.1:$P" "http://127.0.0.1:$origin/blob" -o "$work/c1"; check "curl --socks5 -> tcp-listen --proxy" "$work/c1"
crl --socks5-hostname "127.0.0.1:$P" "http://target.test:$origin/blob" -o "$work/c2"
check "curl --socks5-hostname target.test (the proxy resolves it) -> tcp-listen --proxy" "$work/c2"
crl --socks4a "127.0.0.1:$P" "http://target.test:$origin/blob" -o "$work/c3"; check "curl --socks4a -> tcp-listen --proxy" "$work/c3"
crl -x "http://127.0.0.1:$P" "http://target.test:$origin/blob" -o "$work/c4"; check "curl -x http:// (absolute form) -> tcp-listen --proxy" "$work/c4"
crl -p -x "http://127.0.0.1:$P" "http://127.0.0.1:$origin/blob" -o "$work/c5"; check "curl -p -x http:// (CONNECT) -> tcp-listen --proxy" "$work/c5"

nk_listen auth --proxy -k --proxy-auth 'user:p@ss' 127.0.0.1 0
A=$p
crl --socks5 "127.0.0.1:$A" --proxy-user 'user:p@ss' "http://127.0.0.1:$origin/blob" -o "$work/c6"
check "curl --socks5 --proxy-user -> tcp-listen --proxy --proxy-auth" "$work/c6"
crl -p -x "http://127.0.0.1:$A" --proxy-user 'user:p@ss' "http://127.0.0.1:$origin/blob" -o "$work/c7"
check "curl -p -x --proxy-user -> tcp-listen --proxy --proxy-auth" "$work/c7"
crl --socks5 "127.0.0.1:$A" --proxy-user 'user:wrong' "http://127.0.0.1:$origin/blob" -o /dev/null 2>"$work/c8.err"
[ $? != 0 ]; result "curl with a wrong --proxy-user is turned away" $? "$(cat "$work/c8.err")"
code=$(crl -x "http://127.0.0.1:$A" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$origin/blob")
[ "$code" = 407 ]; result "curl -x without credentials gets 407" $? "got $code"

nk_listen deny --proxy -k --proxy-deny 127.0.0.0/8,::1 127.0.0.1 0
crl --socks5-hostname "127.0.0.1:$p" "http://target.test:$origin/blob" -o /dev/null 2>"$work/d.err"
# curl words SOCKS5 reply 2 (connection not allowed by ruleset) as "... (2)" or "not allowed"
grep -qiE 'not allowed|\(2\)' "$work/d.err"; result "a denied destination (a name that resolves into --proxy-deny) is refused by ruleset" $? "$(cat "$work/d.err")"
for i in $(seq 100); do grep -q 'denied by --proxy-deny' "$work/deny.err" && break; sleep 0.05; done
grep -q 'denied by --proxy-deny' "$work/deny.err"; result "the refusal is logged with its rule" $? "$(tail -2 "$work/deny.err")"

# --- ncat as a client of netkit's proxy ---------------------------------------------------------------
nk_listen sink1 127.0.0.1 0
timeout "$T" ncat --proxy "127.0.0.1:$P" --proxy-type socks5 --send-only 127.0.0.1 "$p" <"$work/www/blob"
wait "${pids[-1]}"; check "ncat --proxy-type socks5 -> tcp-listen --proxy -> sink" "$work/sink1.out"
nk_listen sink2 127.0.0.1 0
timeout "$T" ncat --proxy "127.0.0.1:$P" --proxy-type http --send-only 127.0.0.1 "$p" <"$work/www/blob"
wait "${pids[-1]}"; check "ncat --proxy-type http -> tcp-listen --proxy -> sink" "$work/sink2.out"

# --- netkit's client through ncat's HTTP proxy -------------------------------------------------------
np=$(free_port)
timeout "$T" ncat -l -k 127.0.0.1 "$np" --proxy-type http >/dev/null 2>&1 &
pids+=($!)
await_port "$np"
# The sinks behind ncat's HTTP proxy are --recv-only: a listener whose stdin is at its end at once half-closes
# toward the proxy, and ncat's proxy then tears the whole tunnel down, dropping what the client sent meanwhile
# (socat through the same proxy loses it the same way; with --recv-only, 6 of 6 tries were byte-exact).
nk_listen sink3 --recv-only 127.0.0.1 0
timeout "$T" "$NK" tcp-connect --proxy "http://127.0.0.1:$np" 127.0.0.1 "$p" <"$work/www/blob" >/dev/null
wait "${pids[-1]}"; check "tcp-connect --proxy http:// -> ncat -l --proxy-type http -> sink" "$work/sink3.out"

na=$(free_port)
timeout "$T" ncat -l -k 127.0.0.1 "$na" --proxy-type http --proxy-auth 'me:s3cret' >/dev/null 2>&1 &
pids+=($!)
await_port "$na"
nk_listen sink4 --recv-only 127.0.0.1 0
timeout "$T" "$NK" tcp-connect --proxy "http://me:s3cret@127.0.0.1:$na" 127.0.0.1 "$p" <"$work/www/blob" >/dev/null
wait "${pids[-1]}"; check "tcp-connect --proxy http://USER:PASS@ -> ncat --proxy-auth -> sink" "$work/sink4.out"
timeout "$T" "$NK" tcp-connect --proxy "http://me:wrong@127.0.0.1:$na" 127.0.0.1 9 </dev/null >/dev/null 2>"$work/w.err"
rc=$?
[ $rc = 8 ] && grep -q '407' "$work/w.err"; result "wrong credentials at ncat: exit 8 with the status line" $? "rc=$rc $(cat "$work/w.err")"

# --- netkit's client through a chain of netkit proxies, to a name the last proxy resolves -------------
nk_listen sink5 127.0.0.1 0
timeout "$T" "$NK" tcp-connect -v --proxy "socks5h://127.0.0.1:$P" --proxy "socks4a://127.0.0.1:$P" \
    --proxy "http://user:p%40ss@127.0.0.1:$A" target.test "$p" <"$work/www/blob" >/dev/null 2>"$work/chain.err"
wait "${pids[-1]}"; check "tcp-connect through socks5h -> socks4a -> http (with credentials) -> target.test" "$work/sink5.out"

# --- ssh's ProxyCommand shape: netkit as the pipe, an echo behind the proxy ----------------------------
nk_listen echo --echo 127.0.0.1 0
out=$(printf 'SSH-2.0-probe\r\n' | timeout "$T" "$NK" tcp-connect --proxy "socks5h://127.0.0.1:$P" target.test "$p")
[ "$out" = $'SSH-2.0-probe\r' ]; result "ProxyCommand-style: tcp-connect --proxy socks5h://… %h %p" $? "got '$out'"

summary
