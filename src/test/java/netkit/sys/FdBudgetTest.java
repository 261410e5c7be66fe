package netkit.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class FdBudgetTest {
    @Test
    void descriptorsAreRefusedOnlyWhenTheReserveWouldBeTouched() {
        int open = Posix.openFds();
        assertNull(new FdBudget(open + 1000, 16).refuse(4));
        assertEquals("near the limit of " + (open + 20) + " (ulimit -n)", new FdBudget(open + 20, 16).refuse(8));
        assertNull(new FdBudget(-1, 16).refuse(1_000_000)); // unlimited or unknown
    }

    @Test
    void aBudgetCountsAgainOnceItsAllowanceIsUsed() {
        int open = Posix.openFds();
        FdBudget budget = new FdBudget(open + 100, 20); // allowance (100 - 20) / 2 = 40 before counting again
        for (int i = 0; i < 40; i++) {
            assertNull(budget.refuse(1), "take " + i);
        }
        assertNull(budget.refuse(1)); // counted again: nothing was really taken
        assertEquals("near the limit of " + (open + 100) + " (ulimit -n)", budget.refuse(90, true));
    }
}
