package io.jredis.server.testing;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Polling with a bound, the way tests wait for a state on a loaded machine instead of sleeping a guessed time: the
 * condition is tried every few milliseconds (without spinning a core the servers under test need) until it holds.
 */
public final class Await {
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Await() {
    }

    /** Returns once {@code condition} holds; fails with "timed out waiting for {@code what}" after {@code seconds}. */
    public static void until(String what, int seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(PAUSE_NANOS);
        }
    }
}
