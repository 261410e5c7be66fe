package netkit.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import netkit.engine.tcp.StdinEofPolicy;

/**
 * An enum option's values as users type them, lower case, for help ({@code ${COMPLETION-CANDIDATES}}) and
 * shell completion; the constants themselves are upper case and picocli matches them case-insensitively.
 */
abstract class EnumNames implements Iterable<String> {
    private final Class<? extends Enum<?>> type;

    EnumNames(Class<? extends Enum<?>> type) {
        this.type = type;
    }

    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT))
                .iterator();
    }

    static final class Color extends EnumNames {
        Color() {
            super(GlobalOptions.ColorMode.class);
        }
    }

    static final class Progress extends EnumNames {
        Progress() {
            super(TcpSessionOptions.ProgressMode.class);
        }
    }

    static final class StdinEof extends EnumNames {
        StdinEof() {
            super(StdinEofPolicy.class);
        }
    }
}
