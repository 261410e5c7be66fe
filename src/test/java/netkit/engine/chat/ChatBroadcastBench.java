package netkit.engine.chat;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A JUnit-free A/B harness for the room's broadcast, without sockets: it loads two builds of
 * netkit's classes (two {@code target/classes} folders) in class loaders of their own, fills a
 * room of each with N members over in-memory transports (served through the public
 * {@code ChatRoom.serve}, as the listener serves them), and times the join of all N and how long
 * one line takes to reach the N-1 others; the builds take turns, round by round. No kernel, no
 * client process: what differs is the engine. It uses no netkit class itself (reflection only).
 *
 * <pre>
 * java -cp target/test-classes netkit.engine.chat.ChatBroadcastBench OLD/target/classes target/classes 5000 10 6
 * </pre>
 *
 * Arguments: CLASSES_A CLASSES_B N BROADCASTS ROUNDS. {@code bench/conn-scale.sh} measures the
 * same over real sockets.
 */
public final class ChatBroadcastBench {
    private ChatBroadcastBench() {}

    private static final byte[] EOF = new byte[0];

    public static void main(String[] a) throws Exception {
        String[] dirs = {a[0], a[1]};
        int n = Integer.parseInt(a[2]), bc = Integer.parseInt(a[3]), rounds = Integer.parseInt(a[4]);
        Map<Integer, List<Double>> all = new TreeMap<>();
        Map<Integer, List<Double>> joins = new TreeMap<>();
        for (int r = 0; r < rounds; r++) {
            for (int v = 0; v < 2; v++) {
                int variant = (r % 2 == 0) ? v : 1 - v; // alternate which goes first
                double[] res = run(dirs[variant], n, bc);
                all.computeIfAbsent(variant, k -> new ArrayList<>());
                joins.computeIfAbsent(variant, k -> new ArrayList<>()).add(res[0]);
                for (int i = 1; i < res.length; i++) all.get(variant).add(res[i]);
                System.out.printf(
                        "round %d %s join %.0f ms, broadcasts %s%n",
                        r, variant == 0 ? "A" : "B", res[0], Arrays.toString(Arrays.copyOfRange(res, 1, res.length)));
                System.gc();
            }
        }
        for (int v = 0; v < 2; v++) {
            List<Double> l = new ArrayList<>(all.get(v));
            Collections.sort(l);
            List<Double> j = new ArrayList<>(joins.get(v));
            Collections.sort(j);
            System.out.printf(
                    "%s N=%d: broadcast median %.2f ms (p25 %.2f, p75 %.2f, n=%d); join of N median %.0f ms%n",
                    v == 0 ? "A" : "B",
                    n,
                    l.get(l.size() / 2),
                    l.get(l.size() / 4),
                    l.get(l.size() * 3 / 4),
                    l.size(),
                    j.get(j.size() / 2));
        }
    }

    static final class Peer {
        final LinkedBlockingQueue<byte[]> in = new LinkedBlockingQueue<>();
        final StringBuilder tail = new StringBuilder();
        volatile String want;
        volatile boolean seen;
    }

    static double[] run(String dir, int n, int bc) throws Exception {
        URLClassLoader cl =
                new URLClassLoader(new URL[] {Path.of(dir).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> optionsC = cl.loadClass("netkit.engine.chat.ChatOptions");
        Class<?> roomC = cl.loadClass("netkit.engine.chat.ChatRoom");
        Class<?> transportC = cl.loadClass("netkit.engine.chat.ChatTransport");
        Class<?> eventsC = cl.loadClass("netkit.engine.chat.RoomEvents");
        Object options = optionsC.getMethod("defaults").invoke(null);
        Object room = roomC.getConstructor(optionsC, java.io.OutputStream.class, eventsC)
                .newInstance(options, null, null);
        Method serve = roomC.getMethod("serve", transportC);
        Peer[] peers = new Peer[n];
        CountDownLatch welcomed = new CountDownLatch(n);
        AtomicReference<CountDownLatch> reached = new AtomicReference<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Peer p = peers[i] = new Peer();
            p.want = "welcome, u" + i + " ";
            p.in.add(("u" + i + "\n").getBytes(StandardCharsets.US_ASCII));
            Object t = java.lang.reflect.Proxy.newProxyInstance(
                    cl, new Class<?>[] {transportC}, (proxy, m, args) -> switch (m.getName()) {
                        case "read" -> {
                            byte[] b = p.in.take();
                            if (b == EOF) {
                                p.in.add(EOF);
                                yield -1;
                            }
                            ((ByteBuffer) args[0]).put(b);
                            yield b.length;
                        }
                        case "write" -> {
                            for (ByteBuffer src : (ByteBuffer[]) args[0]) {
                                byte[] b = new byte[src.remaining()];
                                src.get(b);
                                String w = p.want;
                                if (w != null && !p.seen) {
                                    p.tail.append(new String(b, StandardCharsets.ISO_8859_1));
                                    if (p.tail.indexOf(w) >= 0) {
                                        p.seen = true;
                                        if (w.startsWith("welcome")) welcomed.countDown();
                                        else reached.get().countDown();
                                    }
                                    if (p.tail.length() > 256) p.tail.delete(0, p.tail.length() - 64);
                                }
                            }
                            yield null;
                        }
                        case "close" -> {
                            p.in.add(EOF);
                            yield null;
                        }
                        case "remote" -> null;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "peer";
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
            Thread.ofVirtual().start(() -> {
                try {
                    serve.invoke(room, t);
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
        }
        if (!welcomed.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("join did not finish");
        double join = (System.nanoTime() - t0) / 1e6;
        Thread.sleep(500); // let the join notices drain
        double[] res = new double[bc + 1];
        res[0] = join;
        for (int k = 0; k < bc; k++) {
            String token = "bcast-" + k + "-x";
            int sender = (k * 97) % n;
            CountDownLatch l = new CountDownLatch(n - 1);
            reached.set(l);
            for (int i = 0; i < n; i++) {
                peers[i].tail.setLength(0);
                peers[i].seen = i == sender;
                peers[i].want = i == sender ? null : token;
            }
            long ts = System.nanoTime();
            peers[sender].in.add((token + "\n").getBytes(StandardCharsets.US_ASCII));
            if (!l.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("broadcast did not reach all");
            res[k + 1] = Math.round((System.nanoTime() - ts) / 1e4) / 100.0;
            Thread.sleep(100);
        }
        ((AutoCloseable) room).close();
        cl.close();
        return res;
    }
}
