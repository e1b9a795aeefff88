package io.jredis.persistence;

import io.jredis.persistence.rdb.EncodingConfig;
import io.jredis.persistence.rdb.FrozenValue;
import io.jredis.persistence.rdb.Rdb;
import io.jredis.persistence.rdb.RdbOutput;
import io.jredis.persistence.rdb.RdbWriter;
import io.jredis.persistence.rdb.ValueCodecs;
import io.jredis.server.Engine;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.db.Values;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A point-in-time RDB image of every database, taken without fork while writes go on (BGSAVE).
 *
 * <p>The engine thread walks each database's dict with its scan cursor in short slices between client commands,
 * capturing entries ({@link FrozenValue}: references to immutable parts, cheap) and handing them in batches to a
 * writer thread that encodes, compresses, checksums and writes them. Meanwhile the snapshot is the databases'
 * {@link Database.ChangeObserver}: before any entry the walk has not reached is read for a change, overwritten or
 * removed, its current state (still the state at the start) is captured first; entries created after the start
 * are marked so the walk skips them. Each entry's {@link Dict.Entry#snapshotMark} records that it is done, so
 * an entry is written exactly once even when the scan returns it twice. FLUSHDB/FLUSHALL and SWAPDB replace or
 * exchange dict objects, so the snapshot keeps the dicts it started with and finds an entry's database by its
 * dict: a flushed dict is simply frozen, and a swapped one is still written under its original number.
 *
 * <p>Memory stays bounded by what is in flight: the walk pauses while the writer holds more than
 * {@link #MAX_IN_FLIGHT} bytes of captures. Only one snapshot runs at a time (one mark per entry).
 */
public final class Snapshot {
    /** Where a snapshot's bytes go. Every method runs on the writer thread. */
    public interface Destination {
        OutputStream open() throws IOException;

        /** Called every few megabytes written (incremental fsync) and once after the last byte, before commit. */
        void sync() throws IOException;

        /** Makes the complete image visible (rename into place). */
        void commit() throws IOException;

        /** Drops a partial image after a failure or abort. */
        void discard();
    }

    /**
     * What the writer thread makes of the captured entries: the RDB format ({@link #start(Engine, RdbWriter.Aux,
     * boolean, boolean, Destination, Callback)}: BGSAVE, full sync, an AOF base with preamble) or another encoding
     * of the same image, such as the AOF commands of a rewrite without preamble.
     */
    public interface Format {
        /** Captures a live value on the engine thread, cheaply (references to immutable parts). */
        Object freeze(Object value);

        /** Approximate bytes a capture keeps alive, to bound what the snapshot holds in flight. */
        long weight(Object frozen);

        /** Starts the image on {@code out} (writer thread). */
        Encoder open(OutputStream out) throws IOException;
    }

    /** Encodes one image; every method runs on the writer thread. */
    public interface Encoder {
        /** The function libraries' code; called once, right after {@link Format#open}, before any key. */
        void functions(List<byte[]> codes) throws IOException;

        /**
         * The next keys belong to database {@code db}; {@code first} is true the first time, with the database's
         * key and TTL counts at the start.
         */
        void selectDb(int db, boolean first, long size, long expires) throws IOException;

        /**
         * One key, with its LRU/LFU record as {@link Snapshot#lruRecord} captured it and its value as
         * {@link Format#freeze} captured it.
         */
        void key(byte[] key, long expireAt, long lru, Object frozen) throws IOException;

        /** The image's trailer. */
        void end() throws IOException;

        /** Bytes encoded so far. */
        long position();

        /** Pushes buffered bytes to the destination's stream. */
        void flush() throws IOException;
    }

    /** How a snapshot ended. */
    public enum Outcome { OK, FAILED, ABORTED }

    /** Told on the engine thread when the snapshot ended; {@code error} is set when it failed. */
    @FunctionalInterface
    public interface Callback {
        void done(Outcome outcome, Exception error);
    }

    /** Captures held by the writer (bytes, estimated) above which the walk waits. */
    static final long MAX_IN_FLIGHT = 4L << 20;
    /** Captures per batch handed to the writer. */
    private static final long BATCH_WEIGHT = 256 << 10;
    /**
     * Engine time per slice of the walk: one slice runs per event-loop turn, so it is added to the latency of every
     * request served in that turn. The walk is mostly cache misses on entries (about 1 us per key on this VM), so
     * 250 us visits a few hundred keys; on an idle loop the slices follow each other at once.
     */
    private static final long SLICE_NANOS = 250_000;
    /**
     * While clients are being served, a slice is followed by a pause this many times its length (3: the walk takes at
     * most a quarter of the engine thread), so requests keep most of the thread during a BGSAVE, as they keep Redis's
     * main thread while its fork child works on another core; with no client command between two slices they follow
     * each other at once. {@code -Djredis.snapshot.pause=N} changes it (0: a slice every loop turn), for benchmarks.
     */
    private static final long PAUSE_PER_SLICE = Long.getLong("jredis.snapshot.pause", 3);
    /** Bytes between two fsyncs with rdb-save-incremental-fsync (Redis's REDIS_AUTOSYNC_BYTES). */
    private static final long AUTOSYNC_BYTES = 4L << 20;
    private static final AtomicInteger MARKS = new AtomicInteger();
    private static final Object END = new Object();

    /** Scan steps (buckets) whose entries are collected before they are captured together ({@link #captureFound()}). */
    private static final int FOUND_BATCH = 32;
    /** Keys per batch at most, so that a batch's arrays stay the same size and can be reused. */
    private static final int BATCH_KEYS = 4096;

    /**
     * Captures handed to the writer together, as parallel arrays (no object per capture). The writer hands emptied
     * batches back through {@link #free}, so a snapshot allocates a few batches, not one per slice.
     */
    private static final class Batch {
        final int[] db = new int[BATCH_KEYS];
        final byte[][] keys = new byte[BATCH_KEYS][];
        final long[] expireAt = new long[BATCH_KEYS];
        final long[] lru = new long[BATCH_KEYS];
        final Object[] values = new Object[BATCH_KEYS];
        int size;
        long weight;

        boolean add(int d, byte[] key, long expire, long lruRecord, Object value, long w) {
            db[size] = d;
            keys[size] = key;
            expireAt[size] = expire;
            lru[size] = lruRecord;
            values[size++] = value;
            weight += w;
            return size == BATCH_KEYS || weight >= BATCH_WEIGHT;
        }

        /** Drops the references so that written values can be collected while the batch waits for reuse. */
        void clear() {
            Arrays.fill(keys, 0, size, null);
            Arrays.fill(values, 0, size, null);
            size = 0;
            weight = 0;
        }
    }

    private final Engine engine;
    private final Format format;
    /** The function libraries' code when the snapshot started. */
    private final List<byte[]> functions;
    private final int mark;
    /** Each database's dict when the snapshot started (null when empty), indexed by database number. */
    private final Dict[] dicts;
    private final long[] sizes;
    private final long[] expires;
    private final long keysTotal;
    private final Callback callback;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Queue<Batch> free = new ConcurrentLinkedQueue<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong keysWritten = new AtomicLong();
    /** Entries the scan returned, captured after it: see {@link #captureFound()}. */
    private Dict.Entry[] found = new Dict.Entry[FOUND_BATCH * 2];
    private int foundCount;
    private final Consumer<Dict.Entry> visitor = this::found;
    /** Sink of the prefetch loop's loads, so that the JIT keeps them. */
    private int touched;
    private volatile boolean aborted;
    private volatile boolean writerFailed;
    private Batch batch = new Batch();
    private int walkDb;
    private long cursor;
    private int visitDb;
    /** Commands the engine had processed when the last slice ended: were clients served since? */
    private long servedBefore = -1;
    private boolean walking = true;
    private Thread writer;

    /**
     * Which parts of the dataset an image holds: all of it, except for a replica that filtered its full sync
     * (REPLCONF rdb-filter-only, Redis's SLAVE_REQ_RDB_EXCLUDE_DATA and _FUNCTIONS).
     */
    public record Parts(boolean data, boolean functions) {
        public static final Parts ALL = new Parts(true, true);
    }

    private Snapshot(Engine engine, Format format, Parts parts, Callback callback) {
        this.engine = engine;
        this.format = format;
        this.callback = callback;
        this.functions = parts.functions() ? SavedFunctions.codes(engine) : List.of();
        int m;
        do {
            m = MARKS.incrementAndGet();
        } while (m == 0);
        this.mark = m;
        int n = engine.databaseCount();
        dicts = new Dict[n];
        sizes = new long[n];
        expires = new long[n];
        long total = 0;
        for (int i = 0; i < n && parts.data(); i++) {
            Database db = engine.database(i);
            if (db.size() > 0) {
                dicts[i] = db.dict();
                sizes[i] = db.size();
                expires[i] = db.expiresSize();
                total += db.size();
            }
        }
        keysTotal = total;
    }

    /**
     * Starts a snapshot of the engine's databases now (engine thread). The image holds exactly the data of this
     * instant, the {@code parts} of it; {@code callback} runs on the engine thread when it is written.
     */
    public static Snapshot start(Engine engine, RdbWriter.Aux aux, boolean compress, boolean checksum, Parts parts,
            Destination dest, Callback callback) {
        return start(engine, rdbFormat(EncodingConfig.of(engine.config()), aux, compress, checksum), parts, dest,
                callback);
    }

    /**
     * Starts a snapshot of every part written in {@code format} (engine thread); otherwise as {@link #start(Engine,
     * RdbWriter.Aux, boolean, boolean, Parts, Destination, Callback)}.
     */
    public static Snapshot start(Engine engine, Format format, Destination dest, Callback callback) {
        return start(engine, format, Parts.ALL, dest, callback);
    }

    private static Snapshot start(Engine engine, Format format, Parts parts, Destination dest, Callback callback) {
        long began = System.nanoTime();
        Snapshot s = new Snapshot(engine, format, parts, callback);
        engine.changeObserver(s.observer);
        s.writer = new Thread(() -> s.write(dest), "jredis-bgsave");
        s.writer.setDaemon(true);
        s.writer.start();
        engine.stats().forks++;
        engine.stats().latestForkMicros = (System.nanoTime() - began) / 1000;
        s.step();
        return s;
    }

    /** Keys in the image (the databases' sizes at the start). */
    public long keysTotal() {
        return keysTotal;
    }

    /** Keys written so far. */
    public long keysWritten() {
        return keysWritten.get();
    }

    /** Stops the snapshot (engine thread); the callback then reports {@link Outcome#ABORTED}. */
    public void abort() {
        synchronized (this) {
            if (aborted) {
                return;
            }
            aborted = true;
        }
        if (walking) {
            stopWalking();
        }
        queue.add(END);
    }

    /** Aborts and waits (bounded) until the writer has removed its partial file: for a server about to exit. */
    public void abortAndWait(long millis) {
        abort();
        try {
            writer.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- engine thread ----

    private final Database.ChangeObserver observer = new Database.ChangeObserver() {
        @Override
        public void beforeChange(Database db, Dict.Entry e) {
            if (e.snapshotMark == mark) {
                return;
            }
            e.snapshotMark = mark;
            Dict d = db.dict();
            int slot = db.id() < dicts.length && dicts[db.id()] == d ? db.id() : slotOf(d);
            if (slot >= 0) {
                capture(slot, e);
            }
        }

        @Override
        public void created(Database db, Dict.Entry e) {
            e.snapshotMark = mark;
        }
    };

    /** The database number a dict had when the snapshot started, or -1 for a dict created since. */
    private int slotOf(Dict d) {
        for (int i = 0; i < dicts.length; i++) {
            if (dicts[i] == d) {
                return i;
            }
        }
        return -1;
    }

    private void found(Dict.Entry e) {
        if (foundCount == found.length) {
            found = Arrays.copyOf(found, found.length * 2);
        }
        found[foundCount++] = e;
    }

    /**
     * Captures the entries the last scans returned. The walk is bound by cache misses (entry, value and key live
     * anywhere in the heap): the scan only collects entries, and a first pass touches the values and keys of the
     * whole group with independent loads that the CPU overlaps, so that the capture pass finds them in cache instead
     * of waiting for each miss in turn.
     */
    private void captureFound() {
        int t = 0;
        for (int i = 0; i < foundCount; i++) {
            Dict.Entry e = found[i];
            t += e.key.length + (e.value() instanceof byte[] b ? b.length : 1);
        }
        touched += t;
        for (int i = 0; i < foundCount; i++) {
            Dict.Entry e = found[i];
            found[i] = null;
            if (e.snapshotMark != mark) {
                e.snapshotMark = mark;
                capture(visitDb, e);
            }
        }
        foundCount = 0;
    }

    private void capture(int db, Dict.Entry e) {
        // A raw string may change in place once the walk goes on: the writer thread gets its own copy.
        Object v = format.freeze(e.value() instanceof byte[] s ? Values.owned(s) : e.value());
        if (batch.add(db, e.key, e.expireAt, lruRecord(engine, e), v, format.weight(v) + e.key.length + 48)) {
            flushBatch();
        }
    }

    private void flushBatch() {
        if (batch.size == 0) {
            return;
        }
        inFlight.addAndGet(batch.weight);
        queue.add(batch);
        Batch next = free.poll();
        batch = next != null ? next : new Batch();
    }

    /** One slice of the walk; reschedules itself so that client I/O runs between slices. */
    private void step() {
        if (!walking) {
            return;
        }
        flushBatch();
        if (writerFailed) {
            abort();
            return;
        }
        if (inFlight.get() > MAX_IN_FLIGHT) {
            reschedule(1_000_000);
            return;
        }
        long start = System.nanoTime();
        long deadline = start + SLICE_NANOS;
        while (walkDb < dicts.length) {
            Dict d = dicts[walkDb];
            if (d == null) {
                walkDb++;
                continue;
            }
            visitDb = walkDb;
            cursor = d.scan(cursor, FOUND_BATCH, visitor);
            // Nothing stays collected across slices: the commands in between may change those entries.
            captureFound();
            if (cursor == 0) {
                walkDb++;
            }
            if (System.nanoTime() > deadline || inFlight.get() + batch.weight > MAX_IN_FLIGHT) {
                break;
            }
        }
        flushBatch();
        if (walkDb < dicts.length) {
            long served = engine.stats().commandsProcessed;
            reschedule(served != servedBefore ? (System.nanoTime() - start) * PAUSE_PER_SLICE : 0);
            servedBefore = served;
            return;
        }
        stopWalking();
        queue.add(END);
    }

    /**
     * Runs the next slice after pending I/O: a scheduled task waits for the loop's next round, where a task
     * submitted with execute() could run in the same round and starve clients.
     */
    private void reschedule(long delayNanos) {
        try {
            engine.loop().schedule(this::step, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            abort(); // the server is closing
        }
    }

    /** Every entry of the start is captured (or the snapshot is aborted): writes need no more observing. */
    private void stopWalking() {
        walking = false;
        engine.changeObserver(null);
        flushBatch();
    }

    // ---- writer thread ----

    private void write(Destination dest) {
        WriterPriority.lowerCurrentThread();
        Exception error = null;
        Outcome outcome;
        boolean endSeen = false;
        try {
            Encoder out = format.open(dest.open());
            out.functions(functions);
            int db = -1;
            boolean[] resized = new boolean[dicts.length];
            long lastSync = 0;
            boolean closing = false;
            while (true) {
                Object item = queue.poll(100, TimeUnit.MILLISECONDS);
                if (item == null) {
                    // A server closed without SHUTDOWN drops the walk's next slice: nobody will finish it.
                    closing = engine.loop().isShuttingDown();
                    if (closing) {
                        break;
                    }
                    continue;
                }
                if (item == END) {
                    endSeen = true;
                    break;
                }
                if (aborted) {
                    break;
                }
                Batch b = (Batch) item;
                // Checked per key too: with rdb-key-save-delay one batch can take minutes, and a killed child stops.
                for (int i = 0; i < b.size && !aborted; i++) {
                    if (b.db[i] != db) {
                        db = b.db[i];
                        out.selectDb(db, !resized[db], sizes[db], expires[db]);
                        resized[db] = true;
                    }
                    out.key(b.keys[i], b.expireAt[i], b.lru[i], b.values[i]);
                    keysWritten.incrementAndGet();
                    keySaveDelay();
                }
                inFlight.addAndGet(-b.weight);
                b.clear();
                free.add(b);
                if (engine.config().rdbSaveIncrementalFsync.value() && out.position() - lastSync >= AUTOSYNC_BYTES) {
                    out.flush();
                    dest.sync();
                    lastSync = out.position();
                }
            }
            if (closing) {
                dest.discard();
                outcome = Outcome.ABORTED;
            } else {
                if (!aborted) {
                    out.end();
                    out.flush();
                    dest.sync();
                }
                outcome = commitUnlessAborted(dest);
            }
        } catch (IOException | RuntimeException e) {
            error = e;
            writerFailed = true;
            dest.discard();
            outcome = aborted ? Outcome.ABORTED : Outcome.FAILED;
            if (!endSeen) {
                awaitEnd();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = e;
            outcome = Outcome.FAILED;
            dest.discard();
        }
        report(outcome, error);
    }

    /** Renames the image into place unless {@link #abort()} came first; after abort() returns, nothing commits. */
    private synchronized Outcome commitUnlessAborted(Destination dest) throws IOException {
        if (aborted) {
            dest.discard();
            return Outcome.ABORTED;
        }
        dest.commit();
        return Outcome.OK;
    }

    /** After a write error the walk stops at its next slice; wait for that so the callback comes last. */
    private void awaitEnd() {
        try {
            Object item;
            while ((item = queue.poll(100, TimeUnit.MILLISECONDS)) != END) {
                if (item == null && engine.loop().isShuttingDown()) {
                    return;
                }
                inFlight.set(0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The LRU/LFU record Redis's rdbSaveKeyValuePair saves for entry {@code e}: its idle seconds under an LRU
     * maxmemory-policy, its decayed LFU counter under an LFU one, none under the others. Engine thread only.
     */
    public static long lruRecord(Engine engine, Dict.Entry e) {
        String policy = engine.config().maxmemoryPolicy.value();
        if (policy.endsWith("-lfu")) {
            return Rdb.freq(engine.memory().frequency(e));
        }
        return policy.endsWith("-lru") ? engine.memory().idleSeconds(e) : Rdb.NO_LRU;
    }

    /** The RDB format: header with {@code aux}, SELECTDB and RESIZEDB per database, EOF and the checksum. */
    public static Format rdbFormat(EncodingConfig enc, RdbWriter.Aux aux, boolean compress, boolean checksum) {
        return new Format() {
            // Strings (most keys) are immutable arrays: captured as themselves, without a FrozenValue around them.
            @Override
            public Object freeze(Object value) {
                return value instanceof byte[] ? value : ValueCodecs.freeze(value, enc);
            }

            @Override
            public long weight(Object frozen) {
                return frozen instanceof byte[] s ? s.length + 16 : ((FrozenValue) frozen).weight();
            }

            @Override
            public Encoder open(OutputStream os) throws IOException {
                RdbOutput out = new RdbOutput(os, compress, checksum);
                RdbWriter.header(out, aux);
                return new Encoder() {
                    @Override
                    public void functions(List<byte[]> codes) throws IOException {
                        RdbWriter.functions(out, codes);
                    }

                    @Override
                    public void selectDb(int db, boolean first, long size, long expires) throws IOException {
                        RdbWriter.selectDb(out, db);
                        if (first) {
                            RdbWriter.resizeDb(out, size, expires);
                        }
                    }

                    @Override
                    public void key(byte[] key, long expireAt, long lru, Object frozen) throws IOException {
                        if (frozen instanceof byte[] s) {
                            RdbWriter.stringKey(out, key, expireAt, lru, s);
                        } else {
                            RdbWriter.key(out, key, expireAt, lru, (FrozenValue) frozen);
                        }
                    }

                    @Override
                    public void end() throws IOException {
                        RdbWriter.end(out);
                    }

                    @Override
                    public long position() {
                        return out.position();
                    }

                    @Override
                    public void flush() throws IOException {
                        out.flush();
                    }
                };
            }
        };
    }

    /** Redis's rdb-key-save-delay (tests): microseconds to sleep per key, or nanoseconds when negative. */
    private void keySaveDelay() {
        long delay = engine.config().rdbKeySaveDelay.value();
        if (delay > 0) {
            LockSupport.parkNanos(delay * 1000);
        } else if (delay < 0) {
            LockSupport.parkNanos(-delay);
        }
    }

    private void report(Outcome outcome, Exception error) {
        try {
            engine.loop().execute(() -> callback.done(outcome, error));
        } catch (RejectedExecutionException e) {
            // The server is closing: nobody waits for the result.
        }
    }
}
