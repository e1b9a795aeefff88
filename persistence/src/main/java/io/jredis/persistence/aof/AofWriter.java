package io.jredis.persistence.aof;

import io.jredis.server.log.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * The AOF's disk side, off the engine thread: one writer thread appends the engine's batches to the current incr
 * file and does every file-system change (new incr files, manifests, renames, deletions) in submission order; a
 * second thread fsyncs once a second under {@code appendfsync everysec}, as Redis's bio thread does.
 *
 * <p>{@code appendfsync always}: the writer fsyncs after each batch and then reports the batch's end offset, so the
 * engine can release the replies that acknowledged it (see {@link AppendOnlyFile}).
 *
 * <p><b>Disk errors</b> (Redis's flushAppendOnlyFile): a batch that cannot be written is cut back off the file
 * (ftruncate to the last complete batch) and kept; it is retried before the next batch and once a second, reopening
 * the file, until the disk takes it. Meanwhile {@link #lastWriteError()} is set, which makes the engine refuse
 * writes with {@code -MISCONF}, and the error is logged at most every 30 seconds. Under {@code everysec} and
 * {@code no} the replies went out already, as in Redis. Under {@code always} Redis exits, because its replies are
 * already in the output buffers; here they are still held, so they stay held until the batch is on disk: nothing
 * unwritten is acknowledged, and nothing is lost. A failed background fsync also sets the error until one succeeds.
 */
final class AofWriter {
    /** Redis postpones AOF writes while a background fsync runs, for at most this long. */
    static final long MAX_POSTPONE_MS = 2000;
    /** Redis's AOF_WRITE_LOG_ERROR_RATE: seconds between two logs of the same write failure. */
    private static final long LOG_ERROR_RATE_MS = 30_000;

    /** A file-system step run on the writer thread. */
    interface IoTask {
        void run() throws IOException;
    }

    private final Log log;
    private final LongConsumer synced;
    private final ExecutorService writer;
    private final ScheduledExecutorService fsyncer;
    private volatile FileChannel channel;
    /** The file batches go to, its size up to the last complete batch, and whether to reopen it before writing. */
    private Path current;
    private long fileSize;
    private boolean reopen;
    /** Batches not yet on disk because of a write error, oldest first, and the AOF offset where the last ends. */
    private final java.util.ArrayDeque<byte[]> pending = new java.util.ArrayDeque<>();
    private long pendingEnd;
    private long lastErrorLog;
    private volatile String fsyncError;
    private volatile String policy;
    private volatile long flushSleepMicros;
    /** Bytes written since start-up over all files, and the part of it known to be fsynced. */
    private volatile long written;
    private long fsyncedWritten;
    private final Object fsyncLock = new Object();
    private boolean fsyncInProgress;
    private volatile long delayedFsync;
    private volatile String lastWriteError;

    AofWriter(Log log, String policy, LongConsumer synced) {
        this.log = log;
        this.policy = policy;
        this.synced = synced;
        this.writer = Executors.newSingleThreadExecutor(r -> daemon(r, "jredis-aof-writer"));
        this.fsyncer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "jredis-aof-fsync"));
        fsyncer.scheduleWithFixedDelay(this::everysec, 1, 1, TimeUnit.SECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void policy(String p) {
        policy = p;
    }

    /** DEBUG AOF-FLUSH-SLEEP: each write of a non-empty batch first waits this many microseconds. */
    void flushSleep(long micros) {
        flushSleepMicros = micros;
    }

    long delayedFsync() {
        return delayedFsync;
    }

    boolean fsyncPending() {
        synchronized (fsyncLock) {
            return fsyncInProgress;
        }
    }

    /** The last write (or background fsync) error's text, or null when the last attempt succeeded. */
    String lastWriteError() {
        String e = lastWriteError;
        return e != null ? e : fsyncError;
    }

    /**
     * Makes {@code file} the file batches are appended to (created if missing; emptied first when {@code truncate},
     * as Redis opens a new incr file); the previous one is synced.
     */
    void open(Path file, boolean truncate) {
        submit(() -> {
            closeChannel();
            current = file;
            reopen = false;
            channel = truncate
                    ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)
                    : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.APPEND);
            fileSize = channel.size();
            channel.position(fileSize);
        });
    }

    /** Stops appending: the current file is fsynced and closed. */
    void closeFile() {
        submit(this::closeChannel);
    }

    private void closeChannel() throws IOException {
        FileChannel c = channel;
        if (c != null) {
            channel = null;
            current = null;
            try {
                fsync(c);
            } finally {
                c.close();
            }
        }
    }

    /** Appends one engine batch ending at AOF offset {@code endOffset}. */
    void append(byte[] data, long endOffset) {
        writer.execute(() -> {
            pending.add(data);
            pendingEnd = endOffset;
            drain();
        });
    }

    /** Writes the pending batches (writer thread) and reports their end offset once they count as done. */
    private void drain() {
        String p = policy;
        if (p.equals("everysec")) {
            postponeWhileFsyncing();
        }
        long sleep = flushSleepMicros;
        if (sleep > 0 && !pending.isEmpty()) {
            long until = System.nanoTime() + sleep * 1000;
            for (long left = sleep * 1000; left > 0; left = until - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
        try {
            FileChannel c = reopenIfFailed();
            if (c == null) {
                pending.clear();
            }
            while (!pending.isEmpty()) {
                byte[] data = pending.peek();
                writeFully(c, data);
                fileSize += data.length;
                written += data.length;
                pending.poll();
            }
            if (c != null && p.equals("always")) {
                fsync(c);
            }
            if (lastWriteError != null) {
                log.warning("AOF write error looks solved, Redis can write again.");
                lastWriteError = null;
            }
            synced.accept(pendingEnd);
        } catch (IOException e) {
            writeFailed(e);
            if (!p.equals("always")) {
                synced.accept(pendingEnd);
            }
        }
    }

    /** After a write error the file is opened again: a replaced file or a remounted disk is then written to. */
    private FileChannel reopenIfFailed() throws IOException {
        if (reopen && current != null) {
            FileChannel old = channel;
            channel = null;
            if (old != null) {
                try {
                    old.close();
                } catch (IOException ignored) {
                    // The descriptor is released anyway.
                }
            }
            FileChannel c = FileChannel.open(current, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            fileSize = c.size();
            channel = c;
            reopen = false;
        }
        return channel;
    }

    /** Writes all of {@code data}; on failure cuts a partial write off again, as Redis's ftruncate does. */
    private void writeFully(FileChannel c, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        try {
            while (b.hasRemaining()) {
                c.write(b);
            }
        } catch (IOException e) {
            if (b.position() > 0) {
                try {
                    c.truncate(fileSize);
                } catch (IOException t) {
                    log.warning("Could not remove short write from the append-only file. Redis may refuse to load "
                            + "the AOF the next time it starts. ftruncate: " + t.getMessage());
                }
            }
            throw e;
        }
    }

    private void writeFailed(IOException e) {
        reopen = true;
        lastWriteError = e.getMessage() == null ? e.toString() : e.getMessage();
        long now = System.currentTimeMillis();
        if (now - lastErrorLog > LOG_ERROR_RATE_MS) {
            lastErrorLog = now;
            log.warning("Error writing to the AOF file: " + lastWriteError);
        }
    }

    /**
     * Under everysec Redis does not write while the previous fsync still runs, unless it has waited 2 seconds:
     * then it writes anyway and counts a delayed fsync.
     */
    private void postponeWhileFsyncing() {
        synchronized (fsyncLock) {
            if (fsyncInProgress) {
                // Redis's flushAppendOnlyFile returns without writing and its replies go out meanwhile.
                synced.accept(pendingEnd);
            }
            long deadline = System.currentTimeMillis() + MAX_POSTPONE_MS;
            while (fsyncInProgress) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    delayedFsync++;
                    log.notice("Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer "
                            + "without waiting for fsync to complete, this may slow down Redis.");
                    return;
                }
                try {
                    fsyncLock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void everysec() {
        if (lastWriteError != null) {
            writer.execute(this::drain);
        }
        if (!policy.equals("everysec")) {
            return;
        }
        long target = written;
        FileChannel c = channel;
        if (c == null || target == fsyncedWritten) {
            return;
        }
        synchronized (fsyncLock) {
            fsyncInProgress = true;
        }
        try {
            fsync(c);
            fsyncedWritten = target;
            fsyncError = null;
        } catch (ClosedChannelException e) {
            // Rotated or closed meanwhile: closing forced it.
            fsyncedWritten = target;
        } catch (IOException e) {
            fsyncError = e.getMessage();
            log.warning("Fail to fsync the AOF file: " + e.getMessage());
        } finally {
            synchronized (fsyncLock) {
                fsyncInProgress = false;
                fsyncLock.notifyAll();
            }
        }
    }

    /**
     * fsync, where EINVAL and EBADF do not count as failures, as in Redis's bio fsync job: a file that cannot be
     * synced (a device such as /dev/full) holds nothing to sync, and the error a client sees stays the write's
     * ("No space left on device"), not "Invalid argument".
     */
    private static void fsync(FileChannel c) throws IOException {
        try {
            c.force(false);
        } catch (ClosedChannelException e) {
            throw e;
        } catch (IOException e) {
            String m = e.getMessage();
            if (!"Invalid argument".equals(m) && !"Bad file descriptor".equals(m)) {
                throw e;
            }
        }
    }

    /** Runs a file-system step after everything submitted before it; failures are logged. */
    Future<?> submit(IoTask task) {
        return writer.submit(() -> {
            try {
                task.run();
            } catch (IOException e) {
                lastWriteError = e.getMessage() == null ? e.toString() : e.getMessage();
                log.warning("AOF file operation failed: " + lastWriteError);
            }
        });
    }

    /** Waits until everything submitted so far is done and fsynced. */
    void sync() {
        try {
            submit(() -> {
                FileChannel c = channel;
                if (c != null) {
                    fsync(c);
                }
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            log.warning("AOF sync failed: " + e.getCause());
        }
    }

    /** Finishes pending work, fsyncs and closes the file, and ends both threads. */
    void shutdown() {
        if (writer.isShutdown()) {
            return;
        }
        submit(this::closeChannel);
        writer.shutdown();
        fsyncer.shutdownNow();
        try {
            writer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
