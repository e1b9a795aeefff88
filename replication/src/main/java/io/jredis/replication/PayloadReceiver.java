package io.jredis.replication;

import io.jredis.server.Engine;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.scripting.FunctionLibraries;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The RDB payload of a full sync on the replica side, per {@code repl-diskless-load} (Redis 7.0's
 * readSyncBulkPayload): written to a temp file that then replaces the RDB file and is loaded (disabled, or
 * on-empty-db with data present), or parsed straight from the socket by a loader thread (swapdb, on-empty-db with
 * empty databases). Either way the old dataset stays until the new one is complete, and a failed transfer keeps it.
 */
abstract class PayloadReceiver {
    final Replication repl;
    final Engine engine;
    /** The payload's length, or -1 for an EOF-marked one. */
    final long length;
    /** The 40-byte end mark of a diskless transfer, or null. */
    final byte[] mark;
    /** Run when the payload is about to replace the dataset (Redis's replicationAttachToNewMaster). */
    final Runnable attach;

    PayloadReceiver(Replication repl, long length, byte[] mark, Runnable attach) {
        this.repl = repl;
        this.engine = repl.engine;
        this.length = length;
        this.mark = mark;
        this.attach = attach;
    }

    static PayloadReceiver toDisk(Replication repl, long length, byte[] mark, Runnable attach) throws IOException {
        return new ToDisk(repl, length, mark, attach);
    }

    static PayloadReceiver toParser(Replication repl, Channel channel, long length, byte[] mark, boolean async,
            Runnable attach, BiConsumer<PayloadReceiver, IOException> done) {
        return new ToParser(repl, channel, length, mark, async, attach, done);
    }

    /** Takes payload bytes from {@code in} (engine thread); true when the payload is complete and on disk. */
    abstract boolean receive(ByteBuf in) throws IOException;

    /**
     * Loads a payload received to disk (engine thread), replacing the dataset; clients get {@code -LOADING}
     * meanwhile, and are served when it runs inside {@link Engine#runPolling}.
     */
    abstract void loadFromDisk() throws IOException;

    /** Drops a payload not yet complete (the link went down): the dataset stays as it was. */
    abstract void cancel();

    /** The connection closed before the payload was complete: logs it as Redis does, then {@link #cancel}s. */
    abstract void lost();

    /** A payload parsed into a side dataset that failed: the side dataset goes (swapdb). */
    void discarded() {
    }

    /** INFO master_sync_total_bytes: the length, 0 for an EOF-marked payload (Redis's repl_transfer_size). */
    long total() {
        return length >= 0 ? length : 0;
    }

    /** INFO master_sync_read_bytes. */
    abstract long read();

    void flushOldData() {
        engine.log().notice("MASTER <-> REPLICA sync: Flushing old data");
        for (int i = 0; i < engine.databaseCount(); i++) {
            engine.emptyDatabase(engine.database(i));
        }
    }

    /** One library of the master's payload, loaded as Redis's rdbFunctionLoad (engine thread). */
    void loadFunction(byte[] code) {
        if (engine.scripting() == null) {
            throw new IllegalArgumentException("Failed creating the library");
        }
        try {
            engine.scripting().functions().loadSaved(code, false);
        } catch (FunctionLibraries.LoadError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static void insert(Engine engine, int db, byte[] key, Object value, long expireAt) {
        // A replica keeps keys that already expired: its master's DEL removes them (Redis's rdbLoad on replicas).
        Database d = engine.database(db);
        Dict.Entry e = d.addLoaded(key, value);
        if (expireAt != -1) {
            d.setExpire(e, expireAt);
        }
    }

    /** Into {@code temp-<unixtime>.<pid>.rdb} in {@code dir}, then renamed over the RDB file and loaded. */
    private static final class ToDisk extends PayloadReceiver {
        private final Path temp;
        private final FileChannel file;
        private final byte[] last = new byte[40];
        private long written;

        ToDisk(Replication repl, long length, byte[] mark, Runnable attach) throws IOException {
            super(repl, length, mark, attach);
            temp = repl.cfg.dir.path().resolve("temp-" + System.currentTimeMillis() / 1000 + "."
                    + ProcessHandle.current().pid() + ".rdb");
            try {
                file = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                throw new IOException("Opening the temp file needed for MASTER <-> REPLICA synchronization: "
                        + e.getMessage(), e);
            }
        }

        @Override
        boolean receive(ByteBuf in) throws IOException {
            int n = in.readableBytes();
            if (length >= 0) {
                n = (int) Math.min(n, length - written);
            }
            if (n > 0) {
                ByteBuffer chunk = in.nioBuffer(in.readerIndex(), n);
                while (chunk.hasRemaining()) {
                    file.write(chunk);
                }
                if (mark != null) {
                    keepLast(in, n);
                }
                in.skipBytes(n);
                written += n;
            }
            if (length >= 0) {
                return written == length;
            }
            return written >= mark.length && Arrays.equals(last, mark);
        }

        /** Keeps the last 40 bytes received, to spot the end mark. */
        private void keepLast(ByteBuf in, int n) {
            int from = in.readerIndex();
            if (n >= last.length) {
                in.getBytes(from + n - last.length, last);
            } else {
                System.arraycopy(last, n, last, 0, last.length - n);
                in.getBytes(from, last, last.length - n, n);
            }
        }

        @Override
        void loadFromDisk() throws IOException {
            if (mark != null) {
                file.truncate(written - mark.length);
            }
            file.force(true);
            file.close();
            Path rdb = repl.codec.rdbPath(engine);
            try {
                Files.move(temp, rdb, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                Files.deleteIfExists(temp);
                throw new IOException("Failed trying to rename the temp DB into " + rdb.getFileName()
                        + " in MASTER <-> REPLICA synchronization: " + e.getMessage(), e);
            }
            attach.run();
            flushOldData();
            // Redis's emptyData drops the function libraries too: the payload's replace them one by one.
            if (engine.scripting() != null) {
                engine.scripting().functions().flush();
            }
            engine.log().notice("MASTER <-> REPLICA sync: Loading DB in memory");
            long[] keys = new long[1];
            try {
                repl.codec.load(engine, rdb, new SnapshotCodec.Keys() {
                    @Override
                    public void key(int db, byte[] key, Object value, long expireAt) {
                        insert(engine, db, key, value, expireAt);
                        keys[0]++;
                    }

                    @Override
                    public void function(byte[] code) {
                        loadFunction(code);
                    }
                });
                engine.log().notice("Done loading RDB, keys loaded: " + keys[0] + ", keys expired: 0.");
            } finally {
                // As Redis, loaded or not: a replica that persists nothing keeps no copy of its master's data.
                if (repl.cfg.rdbDelSyncFiles.value() && repl.allPersistenceDisabled()) {
                    engine.log().notice("Removing the RDB file obtained from the master. This replica has "
                            + "persistence disabled");
                    Replication.bgUnlink(rdb);
                }
            }
        }

        @Override
        void lost() {
            // Redis's readSyncBulkPayload when its read finds the connection closed.
            engine.log().warning("I/O error trying to sync with MASTER: connection lost");
            cancel();
        }

        @Override
        void cancel() {
            try {
                file.close();
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // A stale temp file is harmless: the next transfer uses a new name.
            }
        }

        @Override
        long read() {
            return written;
        }
    }

    /** Parsed from the socket by a loader thread; the keys replace the dataset in one step on the engine thread. */
    private static final class ToParser extends PayloadReceiver {
        /** Received bytes queued for the parser above which the socket stops being read. */
        private static final long MAX_QUEUED = 16L << 20;
        private static final byte[] END = new byte[0];

        private record Key(int db, byte[] key, Object value, long expireAt) {}

        private final Channel channel;
        private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        private final AtomicLong queued = new AtomicLong();
        private final BiConsumer<PayloadReceiver, IOException> done;
        private final boolean swapdb;
        private final boolean async;
        private volatile boolean cancelled;
        private long fed;
        /** The load as INFO persistence shows it: the bytes received so far of the announced length. */
        private final Engine.LoadProgress progress = new Engine.LoadProgress() {
            private final long startTime = System.currentTimeMillis() / 1000;

            @Override
            public long startTime() {
                return startTime;
            }

            @Override
            public long totalBytes() {
                return total();
            }

            @Override
            public long rdbUsedMem() {
                return 0;
            }

            @Override
            public long loadedBytes() {
                return fed;
            }

            @Override
            public boolean async() {
                return async;
            }
        };

        ToParser(Replication repl, Channel channel, long length, byte[] mark, boolean async, Runnable attach,
                BiConsumer<PayloadReceiver, IOException> done) {
            super(repl, length, mark, attach);
            this.channel = channel;
            this.done = done;
            this.swapdb = repl.cfg.replDisklessLoad.value().equals("swapdb");
            this.async = async;
            if (!swapdb) {
                // Redis parses into the live databases: it drops the old dataset (and its sub-replicas) first.
                attach.run();
                flushOldData();
            }
            // Redis's startLoading: -LOADING until the new dataset is in place (async: for no_async_loading commands).
            engine.loading(progress);
            engine.log().notice("MASTER <-> REPLICA sync: Loading DB in memory");
            Thread t = new Thread(this::parse, "jredis-repl-load");
            t.setDaemon(true);
            t.start();
        }

        @Override
        boolean receive(ByteBuf in) {
            int n = in.readableBytes();
            if (length >= 0) {
                n = (int) Math.min(n, length - fed);
            }
            if (n > 0) {
                byte[] chunk = new byte[n];
                in.readBytes(chunk);
                fed += n;
                queued.addAndGet(n);
                queue.add(chunk);
                if (queued.get() > MAX_QUEUED) {
                    channel.config().setAutoRead(false);
                }
            }
            if (length >= 0 && fed == length && n > 0) {
                queue.add(END);
            }
            return false;
        }

        private void parse() {
            List<Key> keys = new ArrayList<>();
            List<byte[]> functions = new ArrayList<>();
            IOException error = null;
            try {
                byte[] trailer = new byte[mark != null ? mark.length : 0];
                repl.codec.parse(engine, new Pipe(), trailer, new SnapshotCodec.Keys() {
                    @Override
                    public void key(int db, byte[] key, Object value, long expireAt) {
                        keys.add(new Key(db, key, value, expireAt));
                    }

                    @Override
                    public void function(byte[] code) {
                        // Compiled on the engine thread, which owns the Lua state, when the dataset is replaced.
                        functions.add(code);
                    }
                });
                if (mark != null && !Arrays.equals(trailer, mark)) {
                    throw new IOException("Replication stream EOF marker is broken");
                }
            } catch (IOException e) {
                error = e;
            } catch (RuntimeException e) {
                error = new IOException(e.getMessage(), e);
            }
            IOException failure = error;
            try {
                engine.loop().execute(() -> finish(keys, functions, failure));
            } catch (RejectedExecutionException e) {
                // The server is closing.
            }
        }

        private void finish(List<Key> keys, List<byte[]> functions, IOException parseError) {
            if (cancelled) {
                return;
            }
            endLoading();
            channel.config().setAutoRead(true);
            IOException error = parseError == null ? replaceFunctions(functions) : parseError;
            if (error == null) {
                engine.log().notice("Done loading RDB, keys loaded: " + keys.size() + ", keys expired: 0.");
                if (swapdb) {
                    attach.run();
                    engine.log().notice("MASTER <-> REPLICA sync: Swapping active DB with loaded DB");
                    for (int i = 0; i < engine.databaseCount(); i++) {
                        engine.emptyDatabase(engine.database(i));
                    }
                }
                for (Key k : keys) {
                    insert(engine, k.db, k.key, k.value, k.expireAt);
                }
                if (swapdb) {
                    engine.log().notice("MASTER <-> REPLICA sync: Discarding old DB in background");
                }
            }
            done.accept(this, error);
        }

        /**
         * The master's libraries replace the replica's (Redis loads them into a context of their own and swaps it in):
         * all of them compile before any is linked, so a library that fails fails the sync and the old ones stay.
         */
        private IOException replaceFunctions(List<byte[]> functions) {
            if (engine.scripting() == null) {
                return functions.isEmpty() ? null : new IOException("Failed loading library, Failed creating the "
                        + "library");
            }
            try {
                engine.scripting().functions().restore(functions, FunctionLibraries.Policy.FLUSH);
                return null;
            } catch (FunctionLibraries.LoadError e) {
                engine.log().warning("Failed loading library, " + e.getMessage());
                return new IOException("Failed loading library, " + e.getMessage(), e);
            }
        }

        private void endLoading() {
            if (engine.loading() == progress) {
                engine.loading(null);
            }
        }

        @Override
        void loadFromDisk() {
            throw new IllegalStateException("a payload parsed from the socket is never on disk");
        }

        @Override
        void cancel() {
            cancelled = true;
            endLoading();
            queue.add(END);
        }

        @Override
        void lost() {
            // Redis's blocking load reads the socket itself: the closed connection is a short read of the RDB.
            engine.log().warning("Short read or OOM loading DB. Unrecoverable error, aborting now.");
            engine.log().warning("Internal error in RDB reading offset " + fed + ", function at rdb.c:3249 -> "
                    + "Unexpected EOF reading RDB file. Failure loading rdb format from socket, assuming connection "
                    + "error, resuming operation.");
            engine.log().warning("Failed trying to load the MASTER synchronization DB from socket: connection lost");
            cancel();
            discarded();
        }

        @Override
        void discarded() {
            if (swapdb) {
                engine.log().notice("MASTER <-> REPLICA sync: Discarding temporary DB in background");
            }
        }

        @Override
        long read() {
            return 0;
        }

        /** The queued socket bytes as a blocking stream for the parser. */
        private final class Pipe extends InputStream {
            private byte[] cur = new byte[0];
            private int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (pos == cur.length) {
                    if (cur == END) {
                        return -1;
                    }
                    try {
                        cur = queue.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    }
                    pos = 0;
                    if (cancelled) {
                        throw new IOException("transfer cancelled");
                    }
                    if (queued.addAndGet(-cur.length) < MAX_QUEUED / 4 && !channel.config().isAutoRead()) {
                        channel.config().setAutoRead(true);
                    }
                }
                int k = Math.min(len, cur.length - pos);
                System.arraycopy(cur, pos, b, off, k);
                pos += k;
                return k;
            }
        }
    }
}
