package netkit.output;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import netkit.NetkitException;

/** Streams of our output whose failures already say what they mean for the command. */
public final class OutputStreams {
    private OutputStreams() {}

    /**
     * {@code out}, with every failed write or flush thrown as {@link NetkitException#output}: a
     * consumer that closed the pipe ends the command quietly with exit 0, a full disk is exit 1.
     */
    public static OutputStream failingAsOutput(OutputStream out, String name) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw NetkitException.output(e, name);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw NetkitException.output(e, name);
                }
            }

            @Override
            public void flush() {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw NetkitException.output(e, name);
                }
            }
        };
    }
}
