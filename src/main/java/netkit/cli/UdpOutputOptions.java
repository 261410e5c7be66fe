package netkit.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code -x}, {@code -o} and {@code --append} of the datagram commands. */
public final class UdpOutputOptions {
    @Option(
            names = {"-x", "--hexdump"},
            arity = "0..1",
            fallbackValue = "-",
            paramLabel = "FILE",
            preprocessor = OptionalValue.class,
            description = "Log every datagram as a hex dump: a header with the direction (> sent, < received), "
                    + "timestamp, size and running offset, then offset/hex/ASCII rows. On stderr, or in FILE when "
                    + "given attached (--hexdump=FILE).")
    String hexdump;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write received payloads to FILE instead of stdout (truncated first unless --append).")
    Path output;

    @Option(names = "--append", description = "With -o: append to FILE instead of truncating it.")
    boolean append;
}
