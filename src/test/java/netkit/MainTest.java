package netkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.channels.spi.SelectorProvider;
import org.junit.jupiter.api.Test;

/** What {@link Main} sets up before any command runs. */
class MainTest {
    private static final String PROPERTY = "java.nio.channels.spi.SelectorProvider";

    @Test
    void namesTheProviderTheJdkPicksByDefaultAndKeepsOneTheUserNamed() {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "the provider named is Linux's");
        String before = System.getProperty(PROPERTY);
        try {
            System.clearProperty(PROPERTY);
            Main.nameTheSelectorProvider();
            // the JDK's default on this system is the class named: nothing but the class path search changes
            assertEquals(SelectorProvider.provider().getClass().getName(), System.getProperty(PROPERTY));

            System.setProperty(PROPERTY, "com.example.Mine");
            Main.nameTheSelectorProvider();
            assertEquals("com.example.Mine", System.getProperty(PROPERTY));
        } finally {
            if (before == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, before);
            }
        }
    }
}
