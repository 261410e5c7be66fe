package netkit.cli;

import java.nio.file.Path;
import java.time.Duration;
import netkit.NetkitException;
import netkit.Stdio;
import netkit.engine.tcp.SessionOptions;
import netkit.engine.tcp.SocketTuning;
import netkit.engine.tcp.StdinEofPolicy;
import netkit.engine.tcp.Traffic;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The relay options tcp-connect and tcp-listen share (SPEC §2, §3). */
public final class TcpSessionOptions {
    /** When the progress line is drawn. */
    public enum ProgressMode {
        AUTO,
        ALWAYS,
        NEVER
    }

    @Option(
            names = {"-i", "--idle-timeout"},
            paramLabel = "DUR",
            converter = Converters.DurationConverter.class,
            description = "Close a connection when no byte moved in either direction for DUR (Node setTimeout); "
                    + "exit 4 when it ends the session. Data each way resets it. Default: no limit.")
    Duration idleTimeout;

    @Mixin
    KeepaliveOptions keepalive = new KeepaliveOptions();

    @Option(
            names = "--nodelay",
            description = "Set TCP_NODELAY: send small writes at once instead of coalescing them (Nagle off).")
    boolean noDelay;

    @Option(
            names = "--stdin-eof",
            paramLabel = "POLICY",
            defaultValue = "shutdown",
            completionCandidates = EnumNames.StdinEof.class,
            description = "What stdin EOF does: 'shutdown' sends FIN and keeps reading until the peer closes "
                    + "(default; a reply sent after our EOF is still printed); 'keep' sends nothing and the "
                    + "session goes on until the peer closes; 'close' closes at once.")
    StdinEofPolicy stdinEof;

    @Option(
            names = {"-q", "--quit-after"},
            paramLabel = "DUR",
            converter = Converters.DurationConverter.class,
            description = "After stdin EOF, end the session DUR later even if the peer is still open (nc -q); "
                    + "0 ends it at once. Default: wait for the peer.")
    Duration quitAfter;

    @Option(
            names = "--allow-half-open",
            negatable = true,
            description = "After the peer's FIN, keep sending stdin until it ends (Node allowHalfOpen). "
                    + "Default: on when stdin is not a terminal, so no piped byte is ever dropped; off on a "
                    + "terminal, where the session ends when the peer ends. A listener serving several clients "
                    + "(-k, -c) ends each client's session at its FIN unless this is given, as stdin is shared.")
    Boolean allowHalfOpen;

    @Option(names = "--send-only", description = "Only send stdin; received bytes are read and discarded.")
    boolean sendOnly;

    @Option(names = "--recv-only", description = "Only receive; stdin is never read and no FIN is sent on our side.")
    boolean recvOnly;

    @Option(
            names = {"-C", "--crlf"},
            description = "Turn LF into CRLF in what we send; an existing CRLF is never doubled, also when CR "
                    + "and LF arrive in separate reads. Received bytes are never changed.")
    boolean crlf;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write received bytes to FILE instead of stdout (truncated first unless --append). "
                    + "A listener writes every client's bytes to it, nothing lost.")
    Path output;

    @Option(names = "--append", description = "With -o: append to FILE instead of truncating it.")
    boolean append;

    @Option(
            names = {"-x", "--hexdump"},
            arity = "0..1",
            paramLabel = "FILE",
            fallbackValue = "-",
            preprocessor = OptionalValue.class,
            description = "Log both directions as a hex dump on stderr, or in FILE with --hexdump=FILE: per "
                    + "chunk a header with direction ('>' sent, '<' received), timestamp, size and running "
                    + "per-direction offset, then offset/hex/ASCII rows.")
    String hexdump;

    @Option(
            names = "--progress",
            arity = "0..1",
            paramLabel = "WHEN",
            fallbackValue = "auto",
            preprocessor = OptionalValue.class,
            completionCandidates = EnumNames.Progress.class,
            description = "A live line on stderr with bytes sent and received and their rates, redrawn at most "
                    + "4 times a second. --progress draws it when stderr is a terminal; --progress=always "
                    + "draws it anyway. Default: never.")
    ProgressMode progress;

    @Option(
            names = "--interactive",
            negatable = true,
            description = "Force (or with --no-interactive disable) the interactive session: a line editor "
                    + "whose lines are sent (with CRLF under -C), what the peer sends shown above it, escaped "
                    + "(/help, /stats, /pause, /eof, /send FILE, /clients, /kick, …; see the README). Default: on "
                    + "when stdin and stdout are terminals. In it, -x without FILE is the REPL's /hex, -o FILE "
                    + "also gets the received bytes, --progress is not drawn (use /stats).")
    Boolean interactive;

    /** The session behaviour these options ask for; usage errors for impossible combinations. */
    SessionOptions sessionOptions(Stdio stdio) {
        return sessionOptions(stdio, !stdio.stdinIsTerminal());
    }

    /** As {@link #sessionOptions(Stdio)}, with the default of --allow-half-open given by the command. */
    SessionOptions sessionOptions(Stdio stdio, boolean defaultHalfOpen) {
        if (sendOnly && recvOnly) {
            throw NetkitException.usage("--send-only and --recv-only cannot be combined");
        }
        if (append && output == null) {
            throw NetkitException.usage("--append needs -o/--output FILE");
        }
        boolean halfOpen = allowHalfOpen != null ? allowHalfOpen : defaultHalfOpen;
        Traffic traffic = sendOnly ? Traffic.SEND_ONLY : recvOnly ? Traffic.RECV_ONLY : Traffic.BOTH;
        return new SessionOptions(
                idleTimeout == null || idleTimeout.isZero() ? null : idleTimeout,
                stdinEof,
                quitAfter,
                halfOpen,
                traffic,
                crlf);
    }

    SocketTuning tuning() {
        return new SocketTuning(keepalive.keepalive(), noDelay);
    }
}
