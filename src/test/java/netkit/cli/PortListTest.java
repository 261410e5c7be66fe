package netkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import netkit.ExitCode;
import netkit.NetkitException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PortListTest {
    @Test
    void aSinglePortIsAListOfOne() {
        PortList list = PortList.parse("PORT", "22");
        assertArrayEquals(new int[] {22}, list.ports());
        assertTrue(list.single());
    }

    @Test
    void listsAndRangesAreMergedSortedAndDeduplicated() {
        PortList list = PortList.parse("PORT", "8002,22,8000-8003,80,22");
        assertArrayEquals(new int[] {22, 80, 8000, 8001, 8002, 8003}, list.ports());
        assertEquals("22,80,8000-8003", list.toString());
    }

    @Test
    void theWholePortSpaceIsOneRange() {
        PortList list = PortList.parse("PORT", "1-65535");
        assertEquals(65535, list.size());
        assertEquals(1, list.ports()[0]);
        assertEquals(65535, list.ports()[65534]);
    }

    @Test
    void aOneWideRangeIsAllowed() {
        assertArrayEquals(new int[] {5}, PortList.parse("PORT", "5-5").ports());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0|port out of range: 0",
                "70000|port out of range: 70000",
                "5-1|range runs backwards: 5-1",
                "a-b|not a port: a",
                "22,,80|empty list item",
                "-5|missing port",
                "5-|missing port",
                "1-2-3|not a port: 2-3",
                "' 22'|not a port:  22",
                "+22|not a port: +22",
                "1000000|not a port: 1000000",
            })
    void badListsAreUsageErrorsQuotingTheValue(String value, String reason) {
        NetkitException e = assertThrows(NetkitException.class, () -> PortList.parse("PORT", value));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals(
                "invalid value for PORT: '" + value + "' (" + reason + "; " + PortList.EXPECTED + ")", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {""})
    void anEmptyListIsAUsageError(String value) {
        NetkitException e = assertThrows(NetkitException.class, () -> PortList.parse("PORT", value));
        assertEquals("invalid value for PORT: '' (empty; " + PortList.EXPECTED + ")", e.getMessage());
    }
}
