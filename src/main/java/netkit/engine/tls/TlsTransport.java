package netkit.engine.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.stream.LayeredTransport;
import netkit.engine.stream.Transport;

/**
 * TLS over any {@link Transport}: an {@link SSLEngine} fed by blocking reads and writes of the inner
 * transport. {@link #read} returns plaintext, {@link #write} takes plaintext. One thread reads while
 * others write (serialised by the caller); the engine itself is safe for one wrap and one unwrap
 * at a time, and neither lock is held across the other's I/O.
 *
 * <p>Ends of stream, as over TCP: {@link #shutdownOutput} sends close_notify then FIN and keeps
 * reading (TLS 1.3 lets the peer go on sending; under 1.2 the peer answers with its own
 * close_notify); the peer's close_notify is end of stream ({@code -1}); a FIN without close_notify
 * is a truncation and fails the read (exit 1, code {@code EPROTO}). {@link #close} sends
 * close_notify when the session is open and no write is in flight, then closes.
 */
public final class TlsTransport extends LayeredTransport {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Records wrapped per write of the inner transport at first (fewer syscalls for bulk data). */
    private static final int RECORDS_PER_WRITE = 4;
    /**
     * Records per write and per read once a connection moves bulk data (a write that had more than
     * {@link #RECORDS_PER_WRITE} records to send, a read that filled the buffer): one syscall per
     * ~256 KiB, as the relay's bulk buffers. Connections that never do keep the small buffers.
     */
    private static final int BULK_RECORDS = 16;
    /** How long {@link #close} may spend sending close_notify to a peer that does not read. */
    private static final long GOODBYE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * How long a failed write waits for the reader to decode the peer's alert: a TLS 1.3 server that rejects
     * our client certificate does so after our handshake ended, and closes; whichever of our pumps notices
     * first must report the alert (exit 7), not the broken pipe it caused (exit 1).
     */
    private static final long ALERT_WAIT_MILLIS = 250;

    private final SSLEngine engine;
    private final boolean client;
    private final boolean verified;
    private final Duration handshakeTimeout;
    private final String peerText;
    private final int appSize;
    private final int packetSize;
    private final String optionPrefix;

    private final ReentrantLock handshakeLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile boolean handshaken;
    private NetkitException handshakeFailure; // guarded by handshakeLock
    private volatile boolean timedOut;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean outboundClosed;
    private boolean inboundDone; // guarded by readLock
    private volatile Map<String, Object> details = Map.of();
    /** The TLS failure the reader decoded (the peer's alert), for a writer that failed at the same time. */
    private final CompletableFuture<NetkitException> inboundFailure = new CompletableFuture<>();

    private ByteBuffer netIn; // ciphertext received, write mode; guarded by readLock (handshake: both)
    private final ByteBuffer appIn; // plaintext decrypted, not yet returned, write mode; guarded by readLock
    private ByteBuffer netOut; // ciphertext to send; guarded by writeLock

    /**
     * @param verified whether the peer's certificate is checked (false under {@code --insecure}, or a
     *                 server that does not ask for client certificates)
     * @param optionPrefix what this side's options are prefixed with in error messages ("" or "forward-")
     */
    TlsTransport(Transport inner, SSLEngine engine, boolean verified, Duration handshakeTimeout, String optionPrefix) {
        super(inner);
        this.optionPrefix = optionPrefix;
        this.engine = engine;
        this.client = engine.getUseClientMode();
        this.verified = verified;
        this.handshakeTimeout = handshakeTimeout;
        this.peerText = inner.remoteEndpoint().text();
        SSLSession s = engine.getSession();
        this.appSize = s.getApplicationBufferSize();
        this.packetSize = s.getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packetSize * 2);
        this.appIn = ByteBuffer.allocate(appSize);
        this.netOut = ByteBuffer.allocate(packetSize * RECORDS_PER_WRITE);
    }

    @Override
    public void handshake() throws IOException {
        if (handshaken) {
            return;
        }
        handshakeLock.lock();
        try {
            if (handshaken) {
                return;
            }
            if (handshakeFailure != null) {
                throw handshakeFailure;
            }
            CountDownLatch done = new CountDownLatch(1);
            if (handshakeTimeout != null && !handshakeTimeout.isZero()) {
                Thread.ofVirtual().name("tls-handshake-timeout").start(() -> {
                    try {
                        if (!done.await(handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                            timedOut = true;
                            closeInner();
                        }
                    } catch (InterruptedException ignored) {
                        // the handshake ended
                    }
                });
            }
            readLock.lock();
            writeLock.lock();
            try {
                runHandshake();
                details = describe();
                handshaken = true;
            } catch (IOException | RuntimeException e) {
                handshakeFailure = TlsErrors.named(failure(e), optionPrefix);
                closeInner();
                throw handshakeFailure;
            } finally {
                writeLock.unlock();
                readLock.unlock();
                done.countDown();
            }
        } finally {
            handshakeLock.unlock();
        }
    }

    private NetkitException failure(Exception e) {
        if (timedOut) {
            return new NetkitException(
                    ExitCode.TIMEOUT,
                    "ETIMEDOUT",
                    "TLS handshake with " + peerText
                            + " timed out after " + netkit.output.Durations.text(handshakeTimeout)
                            + " (is it a TLS " + (client ? "server" : "client") + "?)",
                    e);
        }
        if (e instanceof SSLException) {
            return TlsErrors.map(e, "TLS with " + peerText, client);
        }
        if (e instanceof EndOfHandshake) {
            return TlsErrors.tls(
                    "TLS with " + peerText + ": handshake failed: the peer closed the connection"
                            + (client
                                    ? " (not a TLS server, or it rejected us)"
                                    : " (not a TLS client, or it rejected us)"),
                    e);
        }
        return NetkitException.from(e, "TLS handshake with " + peerText);
    }

    /** The peer closed during the handshake. */
    private static final class EndOfHandshake extends IOException {
        private static final long serialVersionUID = 1L;

        EndOfHandshake() {
            super("end of stream during the TLS handshake");
        }
    }

    private void runHandshake() throws IOException {
        engine.beginHandshake();
        try {
            handshakeSteps();
        } catch (SSLException e) {
            sendAlert();
            throw e;
        }
    }

    private void handshakeSteps() throws IOException {
        HandshakeStatus hs = engine.getHandshakeStatus();
        for (int step = 0; step < 10_000; step++) {
            switch (hs) {
                case NEED_WRAP -> {
                    netOut.clear();
                    SSLEngineResult r = engine.wrap(EMPTY, netOut);
                    flush();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new EndOfHandshake();
                    }
                    hs = r.getHandshakeStatus();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    SSLEngineResult r = unwrapInto(appIn);
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        if (fill() < 0) {
                            throw new EndOfHandshake();
                        }
                    } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        sendAlert();
                        throw new EndOfHandshake();
                    }
                    hs = r.getHandshakeStatus();
                }
                case NEED_TASK -> {
                    runTasks();
                    hs = engine.getHandshakeStatus();
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    hs = engine.getHandshakeStatus();
                    if (hs != HandshakeStatus.NEED_WRAP) {
                        return; // TLS 1.3: a server's session tickets go out as NEED_WRAP after FINISHED
                    }
                }
            }
        }
        throw new SSLException("handshake did not finish");
    }

    /** After a failed unwrap the engine holds the alert for the peer: send it, so the peer learns why. */
    private void sendAlert() {
        try {
            for (int i = 0; i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
                netOut.clear();
                engine.wrap(EMPTY, netOut);
                flush();
            }
        } catch (IOException | RuntimeException ignored) {
            // the handshake failed already; the alert is a courtesy
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Unwraps what {@link #netIn} holds into {@code dst}. */
    private SSLEngineResult unwrapInto(ByteBuffer dst) throws SSLException {
        netIn.flip();
        try {
            return engine.unwrap(netIn, dst);
        } finally {
            netIn.compact();
        }
    }

    /**
     * Reads more ciphertext into {@link #netIn}, growing it when a record does not fit, and to
     * {@link #BULK_RECORDS} records once a read fills it (a bulk sender); -1 at end of stream.
     */
    private int fill() throws IOException {
        if (!netIn.hasRemaining()) {
            growNetIn(netIn.capacity() + packetSize);
        }
        int room = netIn.remaining();
        int n = inner.read(netIn);
        if (n == room && netIn.capacity() < BULK_RECORDS * packetSize) {
            growNetIn(BULK_RECORDS * packetSize);
        }
        return n;
    }

    private void growNetIn(int capacity) {
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        netIn.flip();
        bigger.put(netIn);
        netIn = bigger;
    }

    /** Writes all of {@link #netOut} (filled, write mode) to the inner transport. */
    private void flush() throws IOException {
        netOut.flip();
        while (netOut.hasRemaining()) {
            inner.write(netOut);
        }
        netOut.clear();
    }

    private Map<String, Object> describe() {
        SSLSession s = engine.getSession();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("protocol", s.getProtocol());
        d.put("cipher", s.getCipherSuite());
        X509Certificate peer = null;
        try {
            Certificate[] chain = s.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate x) {
                peer = x;
            }
        } catch (SSLPeerUnverifiedException e) {
            // a client without certificate
        }
        d.put(
                "peerSubject",
                peer == null ? null : peer.getSubjectX500Principal().getName());
        d.put("peerFingerprint", peer == null ? null : Fingerprints.certificate(peer));
        String alpn = engine.getApplicationProtocol();
        d.put("alpn", alpn == null || alpn.isEmpty() ? null : alpn);
        d.put("verified", peer != null && verified);
        return java.util.Collections.unmodifiableMap(d);
    }

    @Override
    public Map<String, Object> details() {
        return details;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        handshake();
        if (!dst.hasRemaining()) {
            return 0;
        }
        readLock.lock();
        try {
            for (int step = 0; step < 1_000_000; step++) {
                if (appIn.position() > 0) {
                    return drainAppIn(dst);
                }
                if (inboundDone) {
                    return -1;
                }
                int produced = unwrapAvailable(dst);
                if (produced > 0 || appIn.position() > 0) {
                    return produced > 0 ? produced : drainAppIn(dst);
                }
                if (inboundDone) {
                    return -1;
                }
                int n = fill();
                if (n < 0) {
                    inboundDone = true;
                    throw new NetkitException(
                            ExitCode.FAILURE,
                            "EPROTO",
                            peerText
                                    + " closed the connection without TLS close_notify: what was received may be truncated",
                            null);
                }
            }
            throw new IOException("TLS read made no progress");
        } catch (SSLException e) {
            NetkitException failure = TlsErrors.named(TlsErrors.map(e, "TLS with " + peerText, client), optionPrefix);
            inboundFailure.complete(failure);
            throw failure;
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Unwraps every whole record in {@link #netIn} that fits: straight into {@code dst} while it has
     * room for a full record, else one record into {@link #appIn}. Returns the bytes put into {@code dst}.
     */
    private int unwrapAvailable(ByteBuffer dst) throws IOException {
        // one flip and one compaction for all the records a read brought, not one per record
        netIn.flip();
        try {
            return unwrapRecords(dst);
        } finally {
            netIn.compact();
        }
    }

    private int unwrapRecords(ByteBuffer dst) throws IOException {
        int start = dst.position();
        for (int i = 0; i < 1024 && netIn.hasRemaining(); i++) {
            boolean direct = dst.remaining() >= appSize;
            SSLEngineResult r = engine.unwrap(netIn, direct ? dst : appIn);
            switch (r.getStatus()) {
                case OK -> {
                    afterUnwrap(r);
                    if (!direct && r.bytesProduced() > 0) {
                        return dst.position() - start;
                    }
                }
                case CLOSED -> {
                    inboundDone = true; // the peer's close_notify: end of stream
                    afterUnwrap(r);
                    return dst.position() - start;
                }
                case BUFFER_UNDERFLOW -> {
                    return dst.position() - start;
                }
                case BUFFER_OVERFLOW -> {
                    if (direct || appIn.position() > 0) {
                        return dst.position() - start;
                    }
                    throw new IOException("TLS record larger than the session's buffer");
                }
            }
            if (r.bytesConsumed() == 0
                    && r.bytesProduced() == 0
                    && r.getHandshakeStatus() != HandshakeStatus.NEED_TASK) {
                return dst.position() - start;
            }
        }
        return dst.position() - start;
    }

    /** Post-handshake messages: a key update to answer, a TLS 1.2 close_notify to answer, tasks to run. */
    private void afterUnwrap(SSLEngineResult r) throws IOException {
        HandshakeStatus hs = r.getHandshakeStatus();
        if (hs == HandshakeStatus.NEED_TASK) {
            runTasks();
            hs = engine.getHandshakeStatus();
        }
        if (hs == HandshakeStatus.NEED_WRAP) {
            writeLock.lock();
            try {
                for (int i = 0;
                        i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && !engine.isOutboundDone();
                        i++) {
                    netOut.clear();
                    engine.wrap(EMPTY, netOut);
                    flush();
                }
            } catch (IOException e) {
                // the peer went away while we answered; the read side finds out next
            } finally {
                writeLock.unlock();
            }
        }
    }

    private int drainAppIn(ByteBuffer dst) {
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        ByteBuffer slice = appIn.slice(appIn.position(), n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        appIn.compact();
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src});
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        handshake();
        try {
            return writeRecords(srcs);
        } catch (SSLException e) {
            throw e;
        } catch (IOException e) {
            throw peerAlertOr(e);
        }
    }

    /**
     * A write failed at the socket: the peer's alert, if the reader decodes one within {@link #ALERT_WAIT_MILLIS}
     * (it says why the peer went away), else {@code e}. Called without the write lock.
     */
    private IOException peerAlertOr(IOException e) {
        NetkitException alert;
        try {
            alert = inboundFailure.get(ALERT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException none) {
            return e;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return e;
        }
        throw alert;
    }

    private long writeRecords(ByteBuffer[] srcs) throws IOException {
        writeLock.lock();
        try {
            if (outboundClosed || engine.isOutboundDone()) {
                throw new IOException("Broken pipe (TLS output already closed)");
            }
            long consumed = 0;
            if (netOut.capacity() < BULK_RECORDS * packetSize && remaining(srcs) > (long) RECORDS_PER_WRITE * appSize) {
                netOut = ByteBuffer.allocate(BULK_RECORDS * packetSize); // a bulk writer: fewer, larger writes
            }
            netOut.clear();
            for (int i = 0; i < BULK_RECORDS && remaining(srcs) > 0 && netOut.remaining() >= packetSize; i++) {
                SSLEngineResult r = engine.wrap(srcs, netOut);
                consumed += r.bytesConsumed();
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    if (consumed == 0) {
                        throw new IOException("Broken pipe (the peer closed the TLS session)");
                    }
                    break;
                }
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    break;
                }
            }
            flush();
            return consumed;
        } catch (SSLException e) {
            throw TlsErrors.named(TlsErrors.map(e, "TLS with " + peerText, client), optionPrefix);
        } finally {
            writeLock.unlock();
        }
    }

    private static long remaining(ByteBuffer[] srcs) {
        long n = 0;
        for (ByteBuffer b : srcs) {
            n += b.remaining();
        }
        return n;
    }

    @Override
    public void shutdownOutput() throws IOException {
        handshake();
        try {
            writeLock.lock();
            try {
                sendCloseNotify();
                inner.shutdownOutput();
            } finally {
                writeLock.unlock();
            }
        } catch (SSLException e) {
            throw e;
        } catch (IOException e) {
            throw peerAlertOr(e);
        }
    }

    /** close_notify, once; under the write lock. */
    private void sendCloseNotify() throws IOException {
        if (outboundClosed) {
            return;
        }
        outboundClosed = true;
        engine.closeOutbound();
        for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
            netOut.clear();
            engine.wrap(EMPTY, netOut);
            flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (handshaken && !outboundClosed && writeLock.tryLock()) {
            try {
                goodbye();
            } finally {
                writeLock.unlock();
            }
        }
        closeInner();
    }

    /** Best effort close_notify, bounded in time: a peer that reads nothing must not hold our exit. */
    private void goodbye() {
        CountDownLatch sent = new CountDownLatch(1);
        Thread guard = Thread.ofVirtual().name("tls-goodbye").start(() -> {
            try {
                if (!sent.await(GOODBYE_NANOS, TimeUnit.NANOSECONDS)) {
                    closeInner();
                }
            } catch (InterruptedException ignored) {
                // sent
            }
        });
        try {
            sendCloseNotify();
        } catch (IOException | RuntimeException ignored) {
            // the connection is going away anyway
        } finally {
            sent.countDown();
            guard.interrupt();
        }
    }

    private void closeInner() {
        try {
            inner.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Encrypted bytes on the wire: zero-copy paths must not move them past this object. */
    @Override
    public boolean plain() {
        return false;
    }

    @Override
    public String toString() {
        return "tls over " + inner;
    }
}
