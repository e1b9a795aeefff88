package io.jredis.persistence.rdb;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * {@link RdbLoader#load} split over two threads: a reader thread reads, checks and decodes the file into values
 * while the calling thread hands them to the target (the keyspace, which only that thread may touch). Decoding is
 * most of the work of a load, so with a spare core a load takes about the time of inserting the keys. Keys travel
 * in batches through a short queue, so at most a few thousand decoded keys wait at any time; the target sees
 * exactly the calls, in the order, that {@link RdbLoader#load} would make, and errors come out the same.
 */
public final class PipelinedLoad {
    /** Keys per batch handed over. */
    private static final int BATCH = 1024;
    /** Marks the end of the file in the queue. */
    private static final Object END = new Object();

    /** Parallel arrays of keys; an entry with a null key is another call to make ({@link #calls}). */
    private static final class Batch {
        final int[] dbs = new int[BATCH];
        final byte[][] keys = new byte[BATCH][];
        final Object[] values = new Object[BATCH];
        final long[] expires = new long[BATCH];
        final long[] idles = new long[BATCH];
        final long[] offsets = new long[BATCH];
        int n;

        boolean full() {
            return n == BATCH;
        }
    }

    /** The reader thread's target: fills batches and queues them. */
    private static final class Batcher implements RdbLoader.Target {
        private final BlockingQueue<Object> queue;
        private Batch batch = new Batch();

        Batcher(BlockingQueue<Object> queue) {
            this.queue = queue;
        }

        @Override
        public void key(int db, byte[] key, Object value, long expireAt, long idleSeconds) {
            throw new IllegalStateException("RdbLoader passes the offset");
        }

        @Override
        public void key(int db, byte[] key, Object value, long expireAt, long idleSeconds, long offset)
                throws IOException {
            Batch b = batch;
            int i = b.n++;
            b.dbs[i] = db;
            b.keys[i] = key;
            b.values[i] = value;
            b.expires[i] = expireAt;
            b.idles[i] = idleSeconds;
            b.offsets[i] = offset;
            if (b.full()) {
                flush();
            }
        }

        private void call(Consumer<RdbLoader.Target> call, long offset) throws IOException {
            Batch b = batch;
            b.offsets[b.n] = offset;
            b.values[b.n++] = call;
            if (b.full()) {
                flush();
            }
        }

        @Override
        public void resize(int db, long keys) {
            callUnchecked(t -> t.resize(db, keys), -1);
        }

        @Override
        public void aux(String key, byte[] value) {
            callUnchecked(t -> t.aux(key, value), -1);
        }

        @Override
        public void emptyKey(byte[] key) {
            callUnchecked(t -> t.emptyKey(key), -1);
        }

        @Override
        public void function(byte[] code) {
            throw new IllegalStateException("RdbLoader passes the offset");
        }

        @Override
        public void function(byte[] code, long offset) {
            callUnchecked(t -> t.function(code), offset);
        }

        private void callUnchecked(Consumer<RdbLoader.Target> c, long offset) {
            try {
                call(c, offset);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void flush() throws IOException {
            put(batch);
            batch = new Batch();
        }

        void put(Object o) throws IOException {
            try {
                queue.put(o);
            } catch (InterruptedException e) {
                // The calling thread gave up (its target failed): stop reading.
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("load abandoned");
            }
        }
    }

    /** Told, on the calling thread, the file offset the keys handed to the target have reached. */
    @FunctionalInterface
    public interface Progress {
        /** May throw to stop the load (it then fails with that exception). */
        void reached(long offset) throws IOException;
    }

    private PipelinedLoad() {}

    /** As {@link RdbLoader#load}, decoding on a reader thread; {@code in} must not be used by anyone else meanwhile. */
    public static void load(RdbInput in, EncodingConfig enc, int databases, RdbLoader.Target target)
            throws IOException {
        load(in, enc, databases, target, offset -> { });
    }

    /** As {@link #load(RdbInput, EncodingConfig, int, RdbLoader.Target)}, reporting progress after every batch. */
    public static void load(RdbInput in, EncodingConfig enc, int databases, RdbLoader.Target target,
            Progress progress) throws IOException {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            RdbLoader.load(in, enc, databases, reporting(target, progress));
            return;
        }
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(4);
        Batcher batcher = new Batcher(queue);
        Thread reader = new Thread(() -> {
            try {
                RdbLoader.load(in, enc, databases, batcher);
                batcher.flush();
                batcher.put(END);
            } catch (Throwable t) {
                // What was read before the failure reaches the target first (the header's fields are logged before
                // the error, as by Redis), then the failure takes the place of the rest of the file. A caller that
                // stopped interrupts this thread, which then ends here.
                try {
                    batcher.flush();
                    batcher.put(t);
                } catch (IOException stopped) {
                    // The caller gave up: nobody waits for the failure.
                }
            }
        }, "jredis-rdb-reader");
        reader.setDaemon(true);
        reader.start();
        boolean done = false;
        try {
            while (true) {
                Object o = queue.take();
                if (o == END) {
                    done = true;
                    return;
                }
                if (o instanceof Throwable t) {
                    done = true;
                    throw rethrow(t);
                }
                apply((Batch) o, target, progress);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while loading");
        } finally {
            if (!done) {
                reader.interrupt();
            }
        }
    }

    /** The target of a load on one thread, reporting progress after every key as the pipeline does. */
    private static RdbLoader.Target reporting(RdbLoader.Target target, Progress progress) {
        return new RdbLoader.Forwarding(target) {
            @Override
            public void key(int db, byte[] key, Object value, long expireAt, long idleSeconds, long offset)
                    throws IOException {
                key(db, key, value, expireAt, idleSeconds);
                progress.reached(offset);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static void apply(Batch b, RdbLoader.Target target, Progress progress) throws IOException {
        for (int i = 0; i < b.n; i++) {
            if (b.keys[i] == null) {
                try {
                    ((Consumer<RdbLoader.Target>) b.values[i]).accept(target);
                } catch (IllegalArgumentException e) {
                    if (b.offsets[i] < 0) {
                        throw e;
                    }
                    // A call with an offset is a function library's: it did not load.
                    throw RdbLoader.functionFailed(e, b.offsets[i]);
                }
                continue;
            }
            try {
                target.key(b.dbs[i], b.keys[i], b.values[i], b.expires[i], b.idles[i]);
            } catch (IllegalArgumentException e) {
                throw new RdbException(e.getMessage(), b.offsets[i]);
            }
            progress.reached(b.offsets[i]);
        }
    }

    private static IOException rethrow(Throwable t) {
        if (t instanceof IOException e) {
            return e;
        }
        if (t instanceof UncheckedIOException e) {
            return e.getCause();
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IOException(t);
    }
}
