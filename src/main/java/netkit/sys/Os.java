package netkit.sys;

import java.util.Locale;

/** Which operating system this is, without linking anything (reading it is free; {@link Libc} links on first use). */
public final class Os {
    private Os() {}

    public static final boolean LINUX =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    public static final boolean MAC =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");
}
