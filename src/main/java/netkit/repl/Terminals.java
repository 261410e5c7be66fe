package netkit.repl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The process's one JLine system terminal. The shell opens it and every session run inside the
 * shell reuses it; a session run directly from the command line opens it and closes it afterwards.
 * With the terminal goes the file the session REPL keeps its history in: the shell names the one
 * beside its own, a session on its own uses the one in the user's home.
 * Only interactive paths touch this class, so JLine is never loaded for piped use.
 */
final class Terminals {
    private Terminals() {}

    private static Terminal shared;
    private static Path sharedHistory;

    /**
     * A terminal lease: close it when done (closes the terminal only when this lease opened it).
     * {@code history} is the session REPL's history file, or null for history in memory only.
     */
    record Lease(Terminal terminal, boolean owned, Path history) implements AutoCloseable {
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
            return new Lease(shared, false, sharedHistory);
        }
        Path home = HistoryFiles.home(System.getenv());
        return new Lease(openSystem(), true, home == null ? null : home.resolve(HistoryFiles.SESSIONS));
    }

    /**
     * Makes {@code terminal} the one sessions use until {@link #unshare}, with {@code history} (may
     * be null) as their history file; the shell calls this.
     */
    static synchronized void share(Terminal terminal, Path history) {
        shared = terminal;
        sharedHistory = history;
    }

    static synchronized void unshare() {
        shared = null;
        sharedHistory = null;
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
