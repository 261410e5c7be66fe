package netkit.cli;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import netkit.NetkitException;
import netkit.engine.tcp.UnixListen;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** {@code -U/--unix PATH}, {@code --mode}, {@code --unlink}: tcp-listen on a Unix socket file (SPEC §11). */
public final class UnixListenOptions {
    @Option(
            names = {"-U", "--unix"},
            paramLabel = "PATH",
            description = "Listen on a Unix-domain stream socket at PATH instead of [ADDRESS] PORT (nc -lU). Every "
                    + "mode works as over TCP. The socket file is created (exit 6 EADDRINUSE when a server listens "
                    + "there, or when a stale file is in the way without --unlink) and removed when netkit stops "
                    + "listening, also on Ctrl-C and SIGTERM (not on SIGKILL: --unlink then). Events name the path; "
                    + "clients' NETKIT_REMOTE_ADDR is the path. -4/-6, --keepalive, --nodelay, --allow/--deny do "
                    + "not apply (the file's permissions are the access rule: --mode). Linux abstract names "
                    + "(@name) are not supported.")
    Path unix;

    @Option(
            names = "--mode",
            paramLabel = "OCTAL",
            description = "With -U: the socket file's permissions, e.g. 660 or 0600 (octal; applied right after "
                    + "the bind). Default: what the umask leaves (usually 755 or 775); connecting needs write "
                    + "permission.")
    String mode;

    @Option(
            names = "--unlink",
            description = "With -U: replace a stale socket file (one no server listens on, left by a killed "
                    + "process) instead of failing. A live socket is never replaced, nor a file that is not a socket.")
    boolean unlink;

    /** Options of an IP listener or connection that mean nothing on a Unix socket. */
    static final Set<String> NOT_FOR_UNIX = Set.of(
            "-4",
            "-6",
            "--source",
            "--source-port",
            "--keepalive",
            "--keepalive-interval",
            "--keepalive-count",
            "--nodelay",
            "--allow",
            "--deny");

    /** The socket file to listen on, or null without -U; usage errors for what cannot go with it. */
    UnixListen unixListen(ParseResult given, List<String> operands) {
        if (unix == null) {
            if (mode != null) {
                throw NetkitException.usage("--mode needs -U/--unix PATH");
            }
            if (unlink) {
                throw NetkitException.usage("--unlink needs -U/--unix PATH");
            }
            return null;
        }
        Path path = checkedPath(unix);
        rejectIpOptions(given);
        if (operands != null && !operands.isEmpty()) {
            throw NetkitException.usage(
                    "[ADDRESS] PORT cannot be combined with -U/--unix (got '" + String.join(" ", operands) + "')");
        }
        return new UnixListen(path, mode == null ? null : permissions(mode), unlink);
    }

    /** {@code -U PATH} as given: an empty path or an abstract {@code @name} is a usage error. */
    static Path checkedPath(Path unix) {
        String text = unix.toString();
        if (text.isEmpty()) {
            throw NetkitException.invalidValue("-U/--unix", text, "expected a socket file path");
        }
        if (text.startsWith("@")) {
            throw NetkitException.invalidValue(
                    "-U/--unix", text, "Linux abstract socket names are not supported; " + "use a path");
        }
        return unix;
    }

    /** Usage error naming the first IP-only option given with {@code -U}. */
    static void rejectIpOptions(ParseResult given) {
        if (given == null) {
            return;
        }
        for (OptionSpec o : given.matchedOptions()) {
            if (NOT_FOR_UNIX.contains(o.longestName())) {
                throw NetkitException.usage(String.join("/", o.names()) + " cannot be combined with -U/--unix "
                        + "(it applies to IP sockets only)");
            }
        }
    }

    /** {@code 660}, {@code 0600}: owner, group and others permission digits (no setuid/setgid/sticky). */
    static Set<PosixFilePermission> permissions(String octal) {
        String digits = octal.length() == 4 && octal.charAt(0) == '0' ? octal.substring(1) : octal;
        if (!digits.matches("[0-7]{3}")) {
            throw NetkitException.invalidValue("--mode", octal, "expected 3 octal digits such as 660 or 0600");
        }
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ, OWNER_WRITE, OWNER_EXECUTE, GROUP_…
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int who = 0; who < 3; who++) {
            int bits = digits.charAt(who) - '0';
            for (int b = 0; b < 3; b++) {
                if ((bits & (4 >> b)) != 0) {
                    set.add(all[who * 3 + b]);
                }
            }
        }
        return set;
    }
}
