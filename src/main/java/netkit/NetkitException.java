package netkit;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one exception type that ends a command: it carries the exit code (SPEC §1), the Node-style
 * error code (ECONNREFUSED, …) and a one-line message. {@link #from} is the single mapping from
 * JDK exceptions to that table.
 */
public final class NetkitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ExitCode exitCode;
    private final String code;
    private final boolean quiet;

    public NetkitException(ExitCode exitCode, String code, String message, Throwable cause) {
        this(exitCode, code, message, cause, false);
    }

    private NetkitException(ExitCode exitCode, String code, String message, Throwable cause, boolean quiet) {
        super(message, cause);
        this.exitCode = exitCode;
        this.code = code;
        this.quiet = quiet;
    }

    /**
     * Whether the command ends without a line: our output's consumer went away ({@code | head}),
     * which is not a failure (SPEC §1), so the exit code is 0 and nothing is printed.
     */
    public boolean quiet() {
        return quiet;
    }

    /**
     * A failed write of received data to {@code what} (stdout, {@code -o} FILE): a broken pipe means
     * the consumer closed it — the command ends quietly with exit 0, like nc; anything else (a full
     * disk, an I/O error) is exit 1 with the reason and its code ({@code ENOSPC}, {@code EIO}, …).
     */
    public static NetkitException output(IOException e, String what) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String lower = detail.toLowerCase(Locale.ROOT);
        if (lower.contains("broken pipe")) {
            return new NetkitException(ExitCode.OK, "EPIPE", "write to " + what + ": broken pipe", e, true);
        }
        String code = lower.contains("no space left")
                ? "ENOSPC"
                : lower.contains("quota") ? "EDQUOT" : lower.contains("file too large") ? "EFBIG" : "EIO";
        return failure(code, "write to " + what + ": " + lower, e);
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** Node-style error code, e.g. {@code ECONNREFUSED}; {@code EINVAL} for usage errors. */
    public String code() {
        return code;
    }

    public static NetkitException usage(String message) {
        return new NetkitException(ExitCode.USAGE, "EINVAL", message, null);
    }

    /** A usage error about one value: {@code invalid value for NAME: 'VALUE' (EXPECTED)}. */
    public static NetkitException invalidValue(String name, String value, String expected) {
        return usage("invalid value for " + name + ": '" + value + "' (" + expected + ")");
    }

    public static NetkitException refused(String message) {
        return new NetkitException(ExitCode.REFUSED, "ECONNREFUSED", message, null);
    }

    public static NetkitException timeout(String message) {
        return new NetkitException(ExitCode.TIMEOUT, "ETIMEDOUT", message, null);
    }

    public static NetkitException unresolved(String host) {
        return new NetkitException(ExitCode.UNRESOLVED, "ENOTFOUND", "cannot resolve host '" + host + "'", null);
    }

    public static NetkitException bind(String code, String message, Throwable cause) {
        return new NetkitException(ExitCode.BIND, code, message, cause);
    }

    public static NetkitException failure(String code, String message, Throwable cause) {
        return new NetkitException(ExitCode.FAILURE, code, message, cause);
    }

    /**
     * Maps a JDK exception to the exit-code table. {@code context} says what was being done, e.g.
     * {@code "connect to 127.0.0.1:9"} or {@code "bind 0.0.0.0:80"}; the message becomes
     * {@code "CONTEXT: REASON"}.
     */
    public static NetkitException from(Throwable t, String context) {
        if (t instanceof NetkitException n) {
            return n;
        }
        // Wrappers say nothing themselves: map what they carry.
        if ((t instanceof UncheckedIOException || t instanceof ExecutionException || t instanceof CompletionException)
                && t.getCause() != null) {
            return from(t.getCause(), context);
        }
        String detail = t.getMessage() == null ? "" : t.getMessage();
        String lower = detail.toLowerCase(Locale.ROOT);
        String prefix = context == null || context.isEmpty() ? "" : context + ": ";
        if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
            // The JDK's message is "NAME" or "NAME: Name or service not known"; the context names the host otherwise.
            int colon = detail.indexOf(": ");
            String host = colon > 0 ? detail.substring(0, colon) : detail;
            String what = host.isEmpty() ? "host not found" : "cannot resolve host '" + host + "'";
            return new NetkitException(ExitCode.UNRESOLVED, "ENOTFOUND", prefix + what, t);
        }
        if (t instanceof BindException
                || lower.contains("address already in use")
                || lower.contains("cannot assign requested address")) {
            String code = lower.contains("in use")
                    ? "EADDRINUSE"
                    : lower.contains("permission")
                            ? "EACCES"
                            : lower.contains("assign") || lower.contains("not available")
                                    ? "EADDRNOTAVAIL"
                                    : "EADDRINUSE";
            return bind(code, prefix + reason(detail, code), t);
        }
        if (t instanceof PortUnreachableException
                || t instanceof ConnectException && lower.contains("refused")
                || lower.contains("connection refused")) {
            return new NetkitException(ExitCode.REFUSED, "ECONNREFUSED", prefix + "connection refused", t);
        }
        if (t instanceof SocketTimeoutException
                || t instanceof InterruptedByTimeoutException
                || t instanceof TimeoutException
                || lower.contains("timed out")) {
            return new NetkitException(ExitCode.TIMEOUT, "ETIMEDOUT", prefix + "timed out", t);
        }
        if (t instanceof NoRouteToHostException || lower.contains("no route to host")) {
            return failure("EHOSTUNREACH", prefix + "no route to host", t);
        }
        if (lower.contains("network is unreachable")) {
            return failure("ENETUNREACH", prefix + "network is unreachable", t);
        }
        if (lower.contains("connection reset")) {
            return failure("ECONNRESET", prefix + "connection reset by peer", t);
        }
        if (lower.contains("broken pipe")) {
            return failure("EPIPE", prefix + "broken pipe", t);
        }
        if (lower.contains("permission denied")) {
            return bind("EACCES", prefix + "permission denied", t);
        }
        if (t instanceof InterruptedIOException
                || t instanceof InterruptedException
                || t instanceof ClosedByInterruptException) {
            return new NetkitException(ExitCode.INTERRUPTED, "EINTR", prefix + "interrupted", t);
        }
        if (t instanceof IOException) {
            return failure("EIO", prefix + (detail.isEmpty() ? t.getClass().getSimpleName() : detail), t);
        }
        // Not an I/O failure: a bug. Still one line; --stacktrace shows where.
        return failure("EIO", prefix + "internal error: " + t + " (rerun with --stacktrace for details)", t);
    }

    private static String reason(String detail, String code) {
        return switch (code) {
            case "EADDRINUSE" -> "address already in use";
            case "EACCES" -> "permission denied";
            case "EADDRNOTAVAIL" -> "address not available";
            default -> detail;
        };
    }
}
