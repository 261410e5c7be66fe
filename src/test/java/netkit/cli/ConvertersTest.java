package netkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {
    private final Converters.DurationConverter duration = new Converters.DurationConverter();
    private final Converters.PortConverter port = new Converters.PortConverter();
    private final Converters.ListenPortConverter listenPort = new Converters.ListenPortConverter();
    private final Converters.PositiveIntConverter positive = new Converters.PositiveIntConverter();

    @Test
    void durationsAcceptEveryDocumentedUnit() {
        assertEquals(Duration.ofMillis(250), duration.convert("250ms"));
        assertEquals(Duration.ofSeconds(2), duration.convert("2s"));
        assertEquals(Duration.ofMillis(1500), duration.convert("1.5s"));
        assertEquals(Duration.ofMinutes(3), duration.convert("3m"));
        assertEquals(Duration.ofHours(1), duration.convert("1h"));
        assertEquals(Duration.ofMillis(500), duration.convert(".5"));
    }

    @Test
    void bareNumberMeansSecondsAndZeroMeansZero() {
        assertEquals(Duration.ofSeconds(10), duration.convert("10"));
        assertEquals(Duration.ofMillis(2500), duration.convert("2.5"));
        assertEquals(Duration.ZERO, duration.convert("0"));
        assertEquals(Duration.ZERO, duration.convert("0ms"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "abc",
                "-1",
                "-1s",
                "1e3",
                "2 s",
                " 2s",
                "2s ",
                "2sec",
                "1.5.5",
                "1.",
                "5d",
                "2S",
                "1,5s",
                "ms",
                "0x10",
                "\u0661s",
                "9999h",
                "99999999999999999999"
            })
    void badDurationsAreRejectedQuotingTheValue(String text) {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> duration.convert(text));
        assertTrue(e.getMessage().startsWith("'" + text + "' (expected"), e.getMessage());
    }

    @Test
    void portsAreOneTo65535ToConnectAndZeroTo65535ToListen() {
        assertEquals(1, port.convert("1"));
        assertEquals(65535, port.convert("65535"));
        assertEquals(0, listenPort.convert("0"));
        assertEquals(65535, listenPort.convert("65535"));
        assertEquals(
                "'0' (expected 1-65535)",
                assertThrows(TypeConversionException.class, () -> port.convert("0"))
                        .getMessage());
        assertEquals(
                "'70000' (expected 0-65535)",
                assertThrows(TypeConversionException.class, () -> listenPort.convert("70000"))
                        .getMessage());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "-1",
                "+80",
                "65536",
                "99999999999",
                "http",
                "80 ",
                " 80",
                "8o",
                "1.0",
                "0x50",
                "\u0668\u0660"
            })
    void badPortsAreRejectedQuotingTheValue(String text) {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> port.convert(text));
        assertEquals("'" + text + "' (expected 1-65535)", e.getMessage());
    }

    @Test
    void positiveIntsStartAtOne() {
        assertEquals(1, positive.convert("1"));
        assertEquals(Integer.MAX_VALUE, positive.convert(String.valueOf(Integer.MAX_VALUE)));
        for (String bad : new String[] {"0", "-3", "x", "", "2147483648"}) {
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> positive.convert(bad));
            assertEquals("'" + bad + "' (expected a whole number from 1)", e.getMessage());
        }
    }
}
