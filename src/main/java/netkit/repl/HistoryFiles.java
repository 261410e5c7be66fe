package netkit.repl;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;

/**
 * Where the shell and the session REPL keep their history: two files side by side in the user's
 * home, {@code ~/.netkit_history} (commands typed at {@code netkit>}) and
 * {@code ~/.netkit_session_history} (lines typed in sessions). Both are created readable by their
 * owner only: a session line may be a password typed to a peer.
 */
final class HistoryFiles {
    private HistoryFiles() {}

    static final String SHELL = ".netkit_history";
    static final String SESSIONS = ".netkit_session_history";

    /** The folder of both files: {@code HOME}, else the JVM's {@code user.home}; null when neither is known. */
    static Path home(Map<String, String> env) {
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return home == null || home.isEmpty() ? null : Path.of(home);
    }

    /** The session REPL's history beside the shell's {@code shellHistory} (may be null: none). */
    static Path sessionsBeside(Path shellHistory) {
        return shellHistory == null ? null : shellHistory.resolveSibling(SESSIONS);
    }

    /**
     * Makes {@code builder}'s reader load and save its history in {@code file} (null: history in
     * memory only), creating the file owner-only first. Duplicates in a row are kept once; a line
     * typed with a leading space is not kept (JLine's default, as in bash).
     */
    static LineReaderBuilder use(LineReaderBuilder builder, Path file) {
        builder.option(LineReader.Option.HISTORY_IGNORE_DUPS, true);
        if (file != null) {
            createPrivate(file);
            builder.variable(LineReader.HISTORY_FILE, file);
        }
        return builder;
    }

    private static void createPrivate(Path file) {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // kept as the user has it
        } catch (IOException | UnsupportedOperationException e) {
            // history is a convenience: JLine creates it on save, or keeps it in memory
        }
    }

    /** Writes what is not saved yet; history is a convenience, so a failure is ignored. */
    static void save(LineReader reader) {
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            // nothing to tell the user about
        }
    }
}
