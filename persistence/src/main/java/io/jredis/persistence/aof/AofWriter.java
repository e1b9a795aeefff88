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
import java.util.function.LongConsumer;

/**
 * The AOF's disk side, off the engine thread: one writer thread appends the engine's batches to the current incr
 * file and does every file-system change (new incr files, manifests, renames, deletions) in submission order; a
 * second thread fsyncs once a second under {@code appendfsync everysec}, as Redis's bio thread does.
 *
 * <p>{@code appendfsync always}: the writer fsyncs after each batch and then reports the batch's end offset, so the
 * engine can release the replies that acknowledged it (see {@link AppendOnlyFile}).
 */
final class AofWriter {
    /** Redis postpones AOF writes while a background fsync runs, for at most this long. */
    static final long MAX_POSTPONE_MS = 2000;

    /** A file-system step run on the writer thread. */
    interface IoTask {
        void run() throws IOException;
    }

    private final Log log;
    private final LongConsumer synced;
    private final ExecutorService writer;
    private final ScheduledExecutorService fsyncer;
    private volatile FileChannel channel;
    private volatile String policy;
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

    long delayedFsync() {
        return delayedFsync;
    }

    boolean fsyncPending() {
        synchronized (fsyncLock) {
            return fsyncInProgress;
        }
    }

    /** The last write error's text, or null when the last write succeeded. */
    String lastWriteError() {
        return lastWriteError;
    }

    /** Makes {@code file} the file batches are appended to (created if missing); the previous one is synced. */
    void open(Path file) {
        submit(() -> {
            closeChannel();
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
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
            c.force(false);
            c.close();
        }
    }

    /** Appends one engine batch ending at AOF offset {@code endOffset}. */
    void append(byte[] data, long endOffset) {
        writer.execute(() -> {
            String p = policy;
            if (p.equals("everysec")) {
                postponeWhileFsyncing();
            }
            FileChannel c = channel;
            try {
                if (c != null) {
                    ByteBuffer b = ByteBuffer.wrap(data);
                    while (b.hasRemaining()) {
                        c.write(b);
                    }
                    written += data.length;
                    if (p.equals("always")) {
                        c.force(false);
                    }
                }
                if (lastWriteError != null) {
                    log.warning("AOF write error looks solved, Redis can write again.");
                    lastWriteError = null;
                }
            } catch (IOException e) {
                lastWriteError = e.getMessage() == null ? e.toString() : e.getMessage();
                log.warning("Error writing to the AOF file: " + lastWriteError);
            }
            // On error too: the engine must not hold replies forever; writes are refused by the MISCONF guard.
            synced.accept(endOffset);
        });
    }

    /**
     * Under everysec Redis does not write while the previous fsync still runs, unless it has waited 2 seconds:
     * then it writes anyway and counts a delayed fsync.
     */
    private void postponeWhileFsyncing() {
        synchronized (fsyncLock) {
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
            c.force(false);
            fsyncedWritten = target;
        } catch (ClosedChannelException e) {
            // Rotated or closed meanwhile: closing forced it.
            fsyncedWritten = target;
        } catch (IOException e) {
            log.warning("Error syncing the AOF file: " + e.getMessage());
        } finally {
            synchronized (fsyncLock) {
                fsyncInProgress = false;
                fsyncLock.notifyAll();
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
                    c.force(false);
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
