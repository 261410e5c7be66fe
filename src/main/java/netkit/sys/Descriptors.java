package netkit.sys;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.Channel;

/**
 * The file descriptor behind a JDK channel. The JDK offers no public way to it; the one place that
 * reaches into {@code sun.nio.ch} is here. It is reached by name, not compiled against (javac's
 * {@code --release} forbids exporting JDK internals), and needs
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} at run time (the launcher, the jar
 * manifest and the test JVMs pass it).
 */
public final class Descriptors {
    private Descriptors() {}

    private static final class Handle {
        static final MethodHandle GET_FD_VAL;
        static final String PROBLEM;

        static {
            MethodHandle h = null;
            String problem = null;
            try {
                Class<?> sel = Class.forName("sun.nio.ch.SelChImpl");
                h = MethodHandles.lookup()
                        .findVirtual(sel, "getFDVal", MethodType.methodType(int.class))
                        .asType(MethodType.methodType(int.class, Channel.class));
            } catch (IllegalAccessException e) {
                problem = "the JVM must run with --add-exports java.base/sun.nio.ch=ALL-UNNAMED to reach a socket's "
                        + "descriptor (./netkit and the jar manifest pass it)";
            } catch (ReflectiveOperationException | RuntimeException e) {
                problem = "cannot find a socket's file descriptor in this JVM (" + e + ")";
            }
            GET_FD_VAL = h;
            PROBLEM = problem;
        }
    }

    /** The descriptor of a socket, datagram or pipe channel of the JDK's own implementation. */
    public static int fd(Channel channel) {
        if (Handle.GET_FD_VAL == null) {
            throw new UnsupportedOperationException(Handle.PROBLEM);
        }
        try {
            return (int) Handle.GET_FD_VAL.invokeExact(channel);
        } catch (ClassCastException e) {
            throw new UnsupportedOperationException(
                    "cannot find the file descriptor of " + channel.getClass().getName());
        } catch (Throwable t) {
            throw new UnsupportedOperationException("cannot find the file descriptor: " + t);
        }
    }
}
