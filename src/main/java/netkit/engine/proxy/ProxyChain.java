package netkit.engine.proxy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.stream.Target;
import netkit.engine.stream.Transport;
import netkit.engine.stream.TransportLayer;
import netkit.net.Family;
import netkit.output.Durations;

/**
 * {@code tcp-connect --proxy URL…}: the connect phase through a chain of proxies, as one
 * {@link TransportLayer} over the socket the connector dialed to the first proxy. Hop i asks its
 * proxy for a tunnel to proxy i+1, the last one to the final target; the result is a transport
 * whose bytes are the target's. A layer applied after this one (TLS) therefore runs inside the
 * tunnel, end to end with the target: it cannot be applied to the proxy's own exchange.
 *
 * <p>The timeout bounds the whole exchange through every hop: when it expires the socket is closed
 * and the failure names the hop that did not answer (exit 4).
 */
public final class ProxyChain implements TransportLayer {
    private final List<ProxyUrl> hops;
    private final Duration timeout;
    private final Family family;

    /**
     * @param hops    the proxies, first (the one the connector dials) first
     * @param timeout bound of the whole exchange; null = none
     * @param family  {@code -4}/{@code -6}, for names resolved on our side (socks5://, socks4://)
     */
    public ProxyChain(List<ProxyUrl> hops, Duration timeout, Family family) {
        if (hops.isEmpty()) {
            throw new IllegalArgumentException("a proxy chain needs a proxy");
        }
        this.hops = List.copyOf(hops);
        this.timeout = timeout;
        this.family = family;
    }

    /** Where the connector dials: the first proxy. */
    public Target first() {
        return hops.get(0).target();
    }

    /** {@code socks5h://127.0.0.1:1080, http://127.0.0.1:8080}: the chain for messages. */
    public String text() {
        return hops.stream().map(ProxyUrl::text).collect(Collectors.joining(", "));
    }

    @Override
    public Transport apply(Transport inner, Target target) throws IOException {
        if (!(target instanceof Target.HostPort end)) {
            throw NetkitException.usage("--proxy needs HOST PORT, not a Unix socket");
        }
        Watchdog watchdog = new Watchdog(inner);
        int at = 0;
        try {
            for (; at < hops.size(); at++) {
                Target.HostPort next = at + 1 < hops.size() ? hops.get(at + 1).target() : end;
                ProxyClient.connect(inner, hops.get(at), next, family);
            }
        } catch (IOException | RuntimeException e) {
            if (!watchdog.cancel()) {
                throw timedOut(at, e);
            }
            if (e instanceof NetkitException) {
                throw e;
            }
            // the proxy reset or broke off: it is the one that failed, whatever the socket said
            NetkitException n = NetkitException.from(e, hops.get(at).name());
            throw new NetkitException(ExitCode.PROXY, ProxyErrors.CODE, n.getMessage(), e);
        }
        if (!watchdog.cancel()) {
            throw timedOut(hops.size() - 1, null); // expired as the last reply came: the socket is closed
        }
        return new TunnelTransport(inner, text(), end.text());
    }

    private NetkitException timedOut(int hop, Throwable cause) {
        return new NetkitException(
                ExitCode.TIMEOUT,
                "ETIMEDOUT",
                hops.get(hop).name() + ": no answer within " + Durations.text(timeout)
                        + " (-w bounds the whole proxy chain)",
                cause);
    }

    /** Closes the socket when the timeout expires, which ends a read blocked on a silent proxy. */
    private final class Watchdog {
        private final CountDownLatch done = new CountDownLatch(1);
        /** 0 running, then 1 cancelled or 2 fired: whoever is first decides. */
        private final AtomicInteger state = new AtomicInteger();

        Watchdog(Transport t) {
            if (timeout == null || timeout.isZero()) {
                return;
            }
            Thread.ofVirtual().name("proxy-timeout").start(() -> {
                try {
                    if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS) && state.compareAndSet(0, 2)) {
                        t.close();
                    }
                } catch (InterruptedException | IOException ignored) {
                    // cancelled, or the socket was closed already
                }
            });
        }

        /** Stops the watchdog; false when it fired first (the socket is closed). */
        boolean cancel() {
            done.countDown();
            return state.compareAndSet(0, 1) || state.get() == 1;
        }
    }
}
