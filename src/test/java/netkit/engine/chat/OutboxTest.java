package netkit.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OutboxTest {

    @Test
    void concurrentOffersAreAllWrittenInOrderByWritersThatComeAndGo() throws Exception {
        List<byte[]> written = new ArrayList<>();
        Outbox box = new Outbox(Long.MAX_VALUE, "test-writer", new Outbox.Writer() {
            @Override
            public void write(byte[][] batch) {
                synchronized (written) {
                    written.addAll(List.of(batch));
                }
                Thread.yield();
            }

            @Override
            public void failed(Exception e) {
                throw new AssertionError(e);
            }
        });
        int producers = 4;
        int each = 20_000;
        CountDownLatch done = new CountDownLatch(producers);
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread.ofVirtual().start(() -> {
                for (int i = 0; i < each; i++) {
                    assertTrue(box.offer(new byte[] {(byte) id, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
                    if (i % 1000 == 0) {
                        Thread.yield();
                    }
                }
                done.countDown();
            });
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertTrue(box.awaitIdle(Duration.ofSeconds(10)));
        int[] next = new int[producers];
        synchronized (written) {
            assertEquals(producers * each, written.size());
            for (byte[] b : written) {
                int i = ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
                assertEquals(next[b[0]]++, i, "order of producer " + b[0]);
            }
        }
    }

    @Test
    void offersBeyondTheLimitAreRefusedAndFinishRefusesEverything() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Outbox box = new Outbox(10, "test-writer", new Outbox.Writer() {
            @Override
            public void write(byte[][] batch) throws InterruptedException {
                release.await(); // a peer that does not read
            }

            @Override
            public void failed(Exception e) {}
        });
        assertTrue(box.offer(new byte[4]));
        // The writer takes what is queued once (at most the 8 bytes that fit before a refusal) and
        // then never returns: at most 8 bytes taken plus 8 queued are accepted, then offers are refused.
        int accepted = 1;
        while (box.offer(new byte[4])) {
            accepted++;
            assertTrue(accepted <= 4, "more than the limit was accepted");
        }
        assertTrue(accepted >= 2, "the limit holds two arrays of 4");
        release.countDown();
        assertTrue(box.awaitIdle(Duration.ofSeconds(5)));
        box.finish();
        assertFalse(box.offer(new byte[1]));
    }
}
