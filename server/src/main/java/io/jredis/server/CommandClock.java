package io.jredis.server;

import java.time.Instant;

/**
 * The engine thread's clock for commands: one monotonic reading serves as a command's start time, its wall-clock
 * time and, within one network read, the next command's start.
 *
 * <p>Redis reads the clock about three times per command (call()'s cached mstime, its start and end); each read
 * costs about 2 % of a small command's CPU time here (a vDSO call on a virtual machine). Here a pipelined read of
 * sixteen commands takes seventeen readings: the read's start, then each command's end, which is also when the next
 * one starts (the time between them is parsing, which Redis does not count either way). Wall-clock milliseconds
 * are derived from the monotonic reading against a base that {@link #sync} re-aligns every cron tick, so a stepped
 * system clock is followed within one tick, as Redis's cached server time is.
 *
 * <p>Engine thread only.
 */
final class CommandClock {
    /** {@link System#nanoTime()} at the last {@link #sync}. */
    private long baseNanos;
    /** The wall clock in nanoseconds since the epoch at the same moment. */
    private long baseEpochNanos;
    /** The latest reading (monotonic ns). */
    private long lastNanos;
    /** True during a network read: the latest reading is recent enough to start the next command. */
    private boolean carrying;

    CommandClock() {
        sync();
    }

    /** Re-aligns the derived wall clock with the system's (serverCron). */
    void sync() {
        Instant wall = Instant.now();
        lastNanos = System.nanoTime();
        baseNanos = lastNanos;
        baseEpochNanos = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
    }

    /** A connection's read begins: its commands run back to back until {@link #readEnds}. */
    void readBegins() {
        lastNanos = System.nanoTime();
        carrying = true;
    }

    void readEnds() {
        carrying = false;
    }

    /** When a command starts: during a read, the previous command's end; otherwise a fresh reading. */
    long commandStart() {
        return carrying ? lastNanos : (lastNanos = System.nanoTime());
    }

    /** When a command ends: a fresh reading, which the read's next command starts from. */
    long commandEnd() {
        return lastNanos = System.nanoTime();
    }

    /** Unix milliseconds of a reading. */
    long millis(long nanos) {
        return (baseEpochNanos + (nanos - baseNanos)) / 1_000_000;
    }

    /** Unix milliseconds of the latest reading (at most a cron tick old): for bookkeeping a second's precision serves. */
    long recentMillis() {
        return millis(lastNanos);
    }
}
