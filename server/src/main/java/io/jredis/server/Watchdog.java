package io.jredis.server;

import io.jredis.server.log.Log;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Redis's software watchdog ({@code watchdog-period}): Redis re-arms a one-shot SIGALRM at every serverCron, so a
 * command or load that keeps the main thread from its cron for the period gets the "WATCHDOG TIMER EXPIRED" report
 * with the thread's stack, once per stall. Here a daemon thread, started the first time the period is set, plays the
 * timer against the deadline the engine's cron re-arms, and prints the engine thread's Java stack.
 */
final class Watchdog {
    /** Polls at most this long apart while disarmed, so a period set later takes effect within it. */
    private static final long IDLE_NANOS = 100_000_000L;

    private final Log log;
    private final LongSupplier periodMs;
    /** When the report is due (System.nanoTime); 0 when disarmed. Written by the engine thread only. */
    private volatile long deadline;
    private volatile boolean stopped;
    private Thread engine;
    /** Read by {@link #stop()} from whichever thread closes the server. */
    private volatile Thread timer;

    Watchdog(Log log, LongSupplier periodMs) {
        this.log = log;
        this.periodMs = periodMs;
    }

    /** Re-arms the timer for one period from now, or disarms it when the period is 0: every cron tick, and CONFIG SET. */
    void rearm() {
        long period = periodMs.getAsLong();
        if (period == 0) {
            deadline = 0;
            return;
        }
        deadline = System.nanoTime() + period * 1_000_000L;
        if (timer == null) {
            engine = Thread.currentThread();
            timer = new Thread(this::run, "jredis-watchdog");
            timer.setDaemon(true);
            timer.start();
        }
    }

    /** Ends the timer thread, if one was started (the server is going away). */
    void stop() {
        stopped = true;
        Thread t = timer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void run() {
        long reported = 0;
        while (!stopped) {
            long due = deadline;
            long now = System.nanoTime();
            if (due != 0 && due != reported && now - due >= 0) {
                report();
                // One report per stall: Redis's alarm does not restart until the next serverCron sets it again.
                reported = due;
            }
            long wait = due == 0 || due == reported ? IDLE_NANOS : Math.min(IDLE_NANOS, due - now);
            LockSupport.parkNanos(Math.max(1_000_000L, wait));
        }
    }

    /** The lines Redis's watchdogSignalHandler writes, with the engine thread's frames. */
    private void report() {
        if (!log.enabled(Log.WARNING)) {
            return;
        }
        log.fromSignalHandler("\n--- WATCHDOG TIMER EXPIRED ---\n" + CrashReport.stackTrace(engine.getStackTrace()));
        log.fromSignalHandler("--------\n");
    }
}
