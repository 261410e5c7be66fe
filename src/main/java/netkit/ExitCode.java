package netkit;

/** The exit-code table of SPEC §1: the same in every command. */
public enum ExitCode {
    /** Success (isip: every input valid; scans: at least one port open). */
    OK(0),
    /** Other network or I/O failure; isip: some input invalid; scan: no port open. */
    FAILURE(1),
    /** Usage error: unknown option, bad value, bad combination. */
    USAGE(2),
    /** Connection refused (TCP RST, or ICMP port unreachable on a connected UDP socket). */
    REFUSED(3),
    /** A connect, idle, accept or reply wait expired. */
    TIMEOUT(4),
    /** A host name could not be resolved. */
    UNRESOLVED(5),
    /** Cannot bind or join: address in use, permission denied, address not available, no such interface. */
    BIND(6),
    /** Interrupted (Ctrl-C / SIGINT). */
    INTERRUPTED(130);

    public final int code;

    ExitCode(int code) {
        this.code = code;
    }
}
