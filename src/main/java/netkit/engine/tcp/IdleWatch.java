package netkit.engine.tcp;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The idle timeout ({@code -i}, Node {@code setTimeout}) of whatever moves bytes: it sleeps until the
 * last activity plus the timeout, looks again, and calls {@code onIdle} once nothing moved for that
 * long; it stops as soon as {@code done} completes. One watcher thread per session or splice.
 */
final class IdleWatch {
    private IdleWatch() {}

    /**
     * Runs on the calling thread until {@code done} completes or the timeout fires.
     *
     * @param lastActivity the {@link System#nanoTime} of the last byte moved
     */
    static void run(CompletableFuture<?> done, Duration idle, LongSupplier lastActivity, Runnable onIdle) {
        long limit = idle.toNanos();
        while (!done.isDone()) {
            long wait = lastActivity.getAsLong() + limit - System.nanoTime();
            if (wait <= 0) {
                onIdle.run();
                return;
            }
            try {
                done.get(wait, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // look at the last activity again
            } catch (Exception e) {
                return;
            }
        }
    }
}
