package netkit.engine.udp;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.Channel;
import java.util.Locale;
import java.util.Optional;

/**
 * Socket options the JDK has no portable name for (unicast TTL / hop limit), set with
 * {@code setsockopt} on the channel's file descriptor through the FFM API.
 *
 * <p>Why reflection: the build targets release 21, where {@code java.lang.foreign} is a preview
 * API that cannot be compiled against without {@code --enable-preview}. It is final from Java 22
 * on, so it is looked up reflectively and used only there; on 21 every call fails with one clear
 * line instead of doing nothing. The descriptor comes from {@code sun.nio.ch.SelChImpl.getFDVal()},
 * which needs {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (the launcher, the jar manifest
 * and the test JVMs pass it).
 *
 * <p>Linux and macOS only: the option numbers differ per OS and are listed here.
 */
public final class NativeSocketOptions {
    private NativeSocketOptions() {}

    /** A socket option: protocol level and option name for this OS. */
    public record Option(String name, int level, int option) {}

    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    private static final boolean MAC = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");

    /** IP_TTL: the TTL of unicast IPv4 datagrams (Node {@code setTTL}). */
    public static final Option IP_TTL = new Option("IP_TTL", 0, LINUX ? 2 : 4);
    /** IPV6_UNICAST_HOPS: the hop limit of unicast IPv6 datagrams (Node {@code setTTL}). */
    public static final Option IPV6_UNICAST_HOPS = new Option("IPV6_UNICAST_HOPS", 41, LINUX ? 16 : 4);

    /** IPV6_V6ONLY: an IPv6 socket that does not take IPv4 traffic (the JDK has no option for it). */
    public static final Option IPV6_V6ONLY = new Option("IPV6_V6ONLY", 41, LINUX ? 26 : 27);

    /** SO_RCVBUFFORCE (Linux): a receive buffer above net.core.rmem_max, for a process with CAP_NET_ADMIN. */
    public static final Option SO_RCVBUFFORCE = new Option("SO_RCVBUFFORCE", 1, LINUX ? 33 : -1);

    /**
     * Whether this process may use {@link #SO_RCVBUFFORCE}: Linux, and CAP_NET_ADMIN in the effective
     * set (read from /proc, so no native code is loaded to find out).
     */
    public static boolean canForceBuffers() {
        if (!LINUX) {
            return false;
        }
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << 12)) != 0; // CAP_NET_ADMIN
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** Sets an int option; throws {@link UnsupportedOperationException} with a one-line reason when impossible. */
    public static void setInt(Channel channel, Option option, int value) {
        Ffm ffm = Ffm.get();
        int fd = fd(channel);
        ffm.setsockopt(fd, option, value);
    }

    /** Reads an int option back ({@code getsockopt}). */
    public static int getInt(Channel channel, Option option) {
        Ffm ffm = Ffm.get();
        int fd = fd(channel);
        return ffm.getsockopt(fd, option);
    }

    /** The file descriptor behind a JDK socket channel. */
    static int fd(Channel channel) {
        try {
            Method m = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            return (int) m.invoke(channel);
        } catch (IllegalAccessException | IllegalAccessError e) {
            throw new UnsupportedOperationException("the JVM must run with --add-exports java.base/sun.nio.ch=ALL-UNNAMED"
                    + " to reach the socket's descriptor (./netkit and the jar manifest pass it)");
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new UnsupportedOperationException("cannot find the socket's file descriptor in this JVM (" + e + ")");
        }
    }

    /** The reflective FFM calls, resolved once. */
    private static final class Ffm {
        private static volatile Ffm instance;

        private final MethodHandle setsockopt;
        private final MethodHandle getsockopt;
        private final MethodHandle strerror;
        private final Object captureLayout;
        private final long errnoOffset;
        private final Object javaInt;
        private final Class<?> arenaClass;
        private final Class<?> segmentClass;
        private final Class<?> ofIntClass;

        static Ffm get() {
            Ffm f = instance;
            if (f == null) {
                synchronized (Ffm.class) {
                    if (instance == null) {
                        instance = create();
                    }
                    f = instance;
                }
            }
            return f;
        }

        private static Ffm create() {
            int feature = Runtime.version().feature();
            if (feature < 22) {
                throw new UnsupportedOperationException("needs Java 22 or newer for the FFM API (running Java " + feature
                        + "; the JDK has no portable option for it)");
            }
            if (!LINUX && !MAC) {
                throw new UnsupportedOperationException("is supported on Linux and macOS only (this is "
                        + System.getProperty("os.name") + ")");
            }
            try {
                return new Ffm();
            } catch (ReflectiveOperationException | RuntimeException e) {
                Throwable c = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
                throw new UnsupportedOperationException("cannot call setsockopt through FFM in this JVM: " + c);
            }
        }

        private Ffm() throws ReflectiveOperationException {
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> valueLayoutClass = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> pathClass = Class.forName("java.lang.foreign.MemoryLayout$PathElement");
            segmentClass = Class.forName("java.lang.foreign.MemorySegment");
            arenaClass = Class.forName("java.lang.foreign.Arena");
            ofIntClass = Class.forName("java.lang.foreign.ValueLayout$OfInt");

            Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
            javaInt = valueLayoutClass.getField("JAVA_INT").get(null);
            Object address = valueLayoutClass.getField("ADDRESS").get(null);

            Object options = java.lang.reflect.Array.newInstance(optionClass, 1);
            java.lang.reflect.Array.set(options, 0,
                    optionClass.getMethod("captureCallState", String[].class).invoke(null, (Object) new String[] {"errno"}));
            captureLayout = optionClass.getMethod("captureStateLayout").invoke(null);
            Object pathArray = java.lang.reflect.Array.newInstance(pathClass, 1);
            java.lang.reflect.Array.set(pathArray, 0, pathClass.getMethod("groupElement", String.class).invoke(null, "errno"));
            errnoOffset = (long) layoutClass.getMethod("byteOffset", pathArray.getClass()).invoke(captureLayout, pathArray);

            Method of = descriptorClass.getMethod("of", layoutClass, layoutArray(layoutClass, 0).getClass());
            // int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
            Object setDesc = of.invoke(null, javaInt, layoutArray(layoutClass, 5, javaInt, javaInt, javaInt, address, javaInt));
            // int getsockopt(int fd, int level, int name, void *value, socklen_t *len)
            Object getDesc = of.invoke(null, javaInt, layoutArray(layoutClass, 5, javaInt, javaInt, javaInt, address, address));
            // char *strerror(int errnum)
            Object errDesc = of.invoke(null, address, layoutArray(layoutClass, 1, javaInt));

            Method find = lookupClass.getMethod("find", String.class);
            Method downcall = linkerClass.getMethod("downcallHandle", segmentClass, descriptorClass, options.getClass());
            Object noOptions = java.lang.reflect.Array.newInstance(optionClass, 0);
            setsockopt = (MethodHandle) downcall.invoke(linker, symbol(find, lookup, "setsockopt"), setDesc, options);
            getsockopt = (MethodHandle) downcall.invoke(linker, symbol(find, lookup, "getsockopt"), getDesc, options);
            strerror = (MethodHandle) downcall.invoke(linker, symbol(find, lookup, "strerror"), errDesc, noOptions);
        }

        private static Object layoutArray(Class<?> layoutClass, int n, Object... items) {
            Object a = java.lang.reflect.Array.newInstance(layoutClass, n);
            for (int i = 0; i < items.length; i++) {
                java.lang.reflect.Array.set(a, i, items[i]);
            }
            return a;
        }

        private static Object symbol(Method find, Object lookup, String name) throws ReflectiveOperationException {
            Optional<?> s = (Optional<?>) find.invoke(lookup, name);
            return s.orElseThrow(() -> new NoSuchMethodException("native symbol " + name));
        }

        void setsockopt(int fd, Option option, int value) {
            try (AutoCloseable arena = (AutoCloseable) arenaClass.getMethod("ofConfined").invoke(null)) {
                Object state = allocate(arena, captureLayout);
                Object v = allocate(arena, javaInt);
                setIntAt(v, 0, value);
                int rc = (int) setsockopt.invokeWithArguments(state, fd, option.level(), option.option(), v, 4);
                if (rc != 0) {
                    throw new UnsupportedOperationException("setsockopt " + option.name() + "=" + value + " failed: "
                            + error(getIntAt(state, errnoOffset)));
                }
            } catch (UnsupportedOperationException e) {
                throw e;
            } catch (Throwable t) {
                throw new UnsupportedOperationException("setsockopt " + option.name() + " through FFM failed: " + t);
            }
        }

        int getsockopt(int fd, Option option) {
            try (AutoCloseable arena = (AutoCloseable) arenaClass.getMethod("ofConfined").invoke(null)) {
                Object state = allocate(arena, captureLayout);
                Object v = allocate(arena, javaInt);
                Object len = allocate(arena, javaInt);
                setIntAt(len, 0, 4);
                int rc = (int) getsockopt.invokeWithArguments(state, fd, option.level(), option.option(), v, len);
                if (rc != 0) {
                    throw new UnsupportedOperationException("getsockopt " + option.name() + " failed: "
                            + error(getIntAt(state, errnoOffset)));
                }
                return getIntAt(v, 0);
            } catch (UnsupportedOperationException e) {
                throw e;
            } catch (Throwable t) {
                throw new UnsupportedOperationException("getsockopt " + option.name() + " through FFM failed: " + t);
            }
        }

        private String error(int errno) throws Throwable {
            Object p = strerror.invokeWithArguments(errno);
            Object text = segmentClass.getMethod("reinterpret", long.class).invoke(p, 256L);
            String s = (String) segmentClass.getMethod("getString", long.class).invoke(text, 0L);
            return s.toLowerCase(Locale.ROOT) + " (errno " + errno + ")";
        }

        private Object allocate(Object arena, Object layout) throws ReflectiveOperationException {
            return arenaClass.getMethod("allocate", Class.forName("java.lang.foreign.MemoryLayout")).invoke(arena, layout);
        }

        private void setIntAt(Object segment, long offset, int value) throws ReflectiveOperationException {
            segmentClass.getMethod("set", ofIntClass, long.class, int.class).invoke(segment, javaInt, offset, value);
        }

        private int getIntAt(Object segment, long offset) throws ReflectiveOperationException {
            return (int) segmentClass.getMethod("get", ofIntClass, long.class).invoke(segment, javaInt, offset);
        }
    }
}
