# scripts/lib.sh - what the interop scripts share (source it, do not run it): the launcher, peers
# installed on demand, a work folder and background jobs cleaned up on exit, PASS/FAIL counting, and
# free and listening ports on loopback. Every peer and every netkit runs on 127.0.0.1 or ::1 only.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NK="$here/netkit"

# install_peers PACKAGE... - apt-get installs the given packages (the missing peers); none: nothing.
install_peers() {
    (($#)) || return 0
    echo "installing $*" >&2
    local sudo=
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq && $sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
        || { echo "cannot install $*" >&2; exit 1; }
}

# start_netkit - builds netkit once if it is stale, then keeps every later run from rebuilding.
start_netkit() {
    "$NK" --version >/dev/null || { echo "netkit does not run" >&2; exit 1; }
    export NETKIT_NO_BUILD=1
}

work=$(mktemp -d)
pids=()
cleanup() { # our own background jobs, and the pids a script recorded
    local p
    for p in "${pids[@]}" $(jobs -p); do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
result() { # NAME OK(0|1) [detail]
    if [ "$2" = 0 ]; then
        echo "PASS $1"
        passed=$((passed + 1))
    else
        echo "FAIL $1${3:+: $3}"
        failed=$((failed + 1))
    fi
}

# summary - the closing line, and the script's exit status: 0 when nothing failed.
summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
}

free_port() { # a TCP port free on 127.0.0.1 right now
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

await_port() { # PORT: until something listens on it (the kernel's table, no probe), ~10 s
    local i
    for i in $(seq 200); do
        if command -v ss >/dev/null; then
            [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ] && return 0
        else
            grep -qi ":$(printf '%04X' "$1") .* 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null && return 0
        fi
        sleep 0.05
    done
    return 1
}
