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
            return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof java.nio.file.AccessDeniedException) {
                reason = "permission denied";
            } else if (e instanceof java.nio.file.NoSuchFileException) {
                reason = "no such directory";
            }
            throw NetkitException.failure("EIO", "cannot open " + option + " '" + file + "': " + reason, e);
        }
    }
}
