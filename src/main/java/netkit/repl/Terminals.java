package netkit.repl;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The process's one JLine system terminal. The shell opens it and every session run inside the
 * shell reuses it; a session run directly from the command line opens it and closes it afterwards.
 * Only interactive paths touch this class, so JLine is never loaded for piped use.
 */
final class Terminals {
    private Terminals() {}

    private static Terminal shared;

    /** A terminal lease: close it when done (closes the terminal only when this lease opened it). */
    record Lease(Terminal terminal, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                try {
                    terminal.close();
                } catch (IOException e) {
                    // nothing left to restore
                }
            }
        }
    }

    static synchronized Lease acquire() {
        if (shared != null) {
            return new Lease(shared, false);
        }
        return new Lease(openSystem(), true);
    }

    /** Makes {@code terminal} the one sessions use until {@link #unshare}; the shell calls this. */
    static synchronized void share(Terminal terminal) {
        shared = terminal;
    }

    static synchronized void unshare() {
        shared = null;
    }

    static Terminal openSystem() {
        try {
            return TerminalBuilder.builder()
                    .system(true)
                    .name("netkit")
                    .nativeSignals(true)
                    .signalHandler(Terminal.SignalHandler.SIG_DFL)
                    .dumb(true)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal: " + e.getMessage(), e);
        }
    }
}
