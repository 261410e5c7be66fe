package netkit.output;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import netkit.NetkitException;

/** {@code -o/--output FILE} and {@code --append}, and the FILE of {@code -x/--hexdump=FILE}: opened once, one error line when impossible. */
public final class OutputFile {
    private OutputFile() {}

    /**
     * Opens {@code file} for writing: truncated, or appended to with {@code append}. {@code option}
     * names the option in the error message ({@code --output}).
     */
    public static OutputStream open(Path file, boolean append, String option) {
        try {
            return Files.newOutputStream(
                    file,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            throw cannotOpen(e, option, file);
        }
    }

    /**
     * {@code cannot open --output 'FILE': No such file or directory}: the system's reason, which the
     * JDK's exceptions keep apart from a message that is often only the path.
     */
    public static NetkitException cannotOpen(Exception e, String option, Object file) {
        String reason;
        String code = "EIO";
        if (e instanceof java.nio.file.NoSuchFileException) {
            reason = "No such file or directory";
            code = "ENOENT";
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            reason = "Permission denied";
            code = "EACCES";
        } else if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            reason = f.getReason();
            code = reason.contains("directory") ? "EISDIR" : reason.contains("Read-only") ? "EROFS" : "EIO";
        } else {
            reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return NetkitException.failure(code, "cannot open " + option + " '" + file + "': " + reason, e);
    }
}
