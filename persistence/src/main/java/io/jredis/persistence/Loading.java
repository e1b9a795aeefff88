package io.jredis.persistence;

import io.jredis.server.Engine;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A load of RDB or AOF data on the engine thread, as Redis's startLoading / loadingAbsProgress / stopLoading: while
 * it runs, the engine answers {@code -LOADING} to commands without the {@code loading} flag and INFO shows the
 * progress; every {@code loading-process-events-interval-bytes} the load serves the clients that are ready (Redis's
 * processEventsWhileBlocked), when it runs in a task that may poll ({@link Engine#runPolling}). A SHUTDOWN served
 * meanwhile, a closing server, or a stop requested by another thread ends the load with {@link Aborted}; the load
 * then stays reported as running, so that nothing saves the half-loaded data while the server stops.
 */
public final class Loading implements Engine.LoadProgress {
    /** The load was stopped before its end; the databases hold part of the data and the load stays reported. */
    public static final class Aborted extends InterruptedIOException {
        Aborted() {
            super("loading aborted");
        }
    }

    private final Engine engine;
    private final long startTime = System.currentTimeMillis() / 1000;
    private final long totalBytes;
    private final long interval;
    private final BooleanSupplier stopRequested;
    private long usedMem;
    /** Bytes loaded before the current file, and in it. */
    private long base;
    private long loaded;
    private long nextPoll;

    private Loading(Engine engine, long totalBytes, BooleanSupplier stopRequested) {
        this.engine = engine;
        this.totalBytes = totalBytes;
        this.stopRequested = stopRequested;
        this.interval = engine.config().loadingProcessEventsIntervalBytes.value();
        this.nextPoll = interval;
    }

    /**
     * Starts a load of {@code totalBytes} (0 when unknown): from now on the engine reports it. {@code stopRequested}
     * (read from the engine thread, set by any thread: a signal asking the process to exit) stops the load at its
     * next progress report. Engine thread.
     */
    private static Loading start(Engine engine, long totalBytes, BooleanSupplier stopRequested) {
        Loading l = new Loading(engine, totalBytes, stopRequested);
        engine.loading(l);
        return l;
    }

    /** A load reporting its progress to {@link Loading}. */
    public interface Work {
        void load(Loading loading) throws IOException;
    }

    /**
     * Runs {@code work} as a load of {@code totalBytes} (see {@link #start}). When it ends or fails the engine serves
     * every command again, except after an abort: the server is stopping and must not save the half-loaded data, so
     * it stays "loading". Engine thread.
     */
    public static void run(Engine engine, long totalBytes, BooleanSupplier stopRequested, Work work)
            throws IOException {
        Loading loading = start(engine, totalBytes, stopRequested);
        try {
            work.load(loading);
        } catch (Aborted e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            loading.stop();
            throw e;
        }
        loading.stop();
    }

    /** Ends the load (engine thread); the engine serves every command again. */
    public void stop() {
        engine.loading(null);
    }

    /** The RDB header's used-mem field, shown as loading_rdb_used_mem. */
    public void usedMem(long bytes) {
        this.usedMem = bytes;
    }

    /** The next file starts after {@code bytes} loaded (the AOF's base, then its incr files). */
    public void nextFile(long bytes) {
        base = bytes;
        loaded = bytes;
    }

    /**
     * Reports the offset reached in the current file; past each interval the ready clients are served. Throws
     * {@link Aborted} when the load must stop.
     */
    public void progress(long offset) throws IOException {
        loaded = base + offset;
        if (loaded >= nextPoll) {
            nextPoll = loaded + interval;
            poll();
        }
    }

    /**
     * Reports the offset reached in the current file and serves the ready clients now, as the AOF loader does every
     * 1024 commands; throws {@link Aborted} when the load must stop.
     */
    public void poll(long offset) throws IOException {
        loaded = base + offset;
        poll();
    }

    private void poll() throws IOException {
        checkAbort();
        engine.pollIo();
        checkAbort();
    }

    private void checkAbort() throws Aborted {
        if (stopRequested.getAsBoolean() || engine.shuttingDown()
                || (engine.loop() != null && engine.loop().isShuttingDown())) {
            throw new Aborted();
        }
    }

    /**
     * The {@code key-load-delay} debugging pause per loaded key, as Redis's debugDelay: microseconds, or when
     * negative a 1 us pause for one key in {@code -delay} on average.
     */
    public static void keyLoadDelay(long delay) {
        if (delay > 0) {
            LockSupport.parkNanos(delay * 1000);
        } else if (ThreadLocalRandom.current().nextLong(-delay) == 0) {
            LockSupport.parkNanos(1000);
        }
    }

    @Override
    public long startTime() {
        return startTime;
    }

    @Override
    public long totalBytes() {
        return totalBytes;
    }

    @Override
    public long rdbUsedMem() {
        return usedMem;
    }

    @Override
    public long loadedBytes() {
        return loaded;
    }
}
