package io.jredis.persistence;

import io.jredis.persistence.rdb.EncodingConfig;
import io.jredis.persistence.rdb.PipelinedLoad;
import io.jredis.persistence.rdb.RdbException;
import io.jredis.persistence.rdb.RdbInput;
import io.jredis.persistence.rdb.RdbLoader;
import io.jredis.persistence.rdb.RdbWriter;
import io.jredis.server.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The persistence side of a full resynchronization: the background saves a master runs for its replicas, counted
 * as BGSAVEs by {@link RdbPersistence}, and parsing the RDB a replica receives. The replication module reaches these
 * through its SnapshotCodec interface, wired where both modules are installed.
 */
public final class ReplicationSnapshots {
    private final RdbPersistence rdb;

    public ReplicationSnapshots(RdbPersistence rdb) {
        this.rdb = rdb;
    }

    /** True while a background save or an AOF rewrite runs: one snapshot at a time, as Redis's one child. */
    public boolean busy() {
        return rdb.bgsaveInProgress() || rdb.aofRewriteInProgress();
    }

    /** A BGSAVE to the RDB file for replicas; {@code done} gets the file, or null on failure. Null when busy. */
    public Snapshot saveToDisk(String replId, long replOffset, Consumer<Path> done) {
        Path file = rdb.rdbPath();
        return rdb.startSyncSave(new RdbWriter.ReplInfo(0, replId, replOffset), Snapshot.Parts.ALL, null,
                (outcome, error) -> done.accept(outcome == Snapshot.Outcome.OK ? file : null));
    }

    /**
     * A snapshot of the keys when {@code data} and the function libraries when {@code functions}, streamed to
     * {@code out} (closed after the last byte); {@code done} tells success. Null when busy.
     */
    public Snapshot saveToStream(String replId, long replOffset, boolean data, boolean functions, OutputStream out,
            Consumer<Boolean> done) {
        return rdb.startSyncSave(new RdbWriter.ReplInfo(0, replId, replOffset), new Snapshot.Parts(data, functions),
                new Snapshot.Destination() {
            @Override
            public OutputStream open() {
                return out;
            }

            @Override
            public void sync() {
                // A socket has nothing to fsync.
            }

            @Override
            public void commit() throws IOException {
                out.close();
            }

            @Override
            public void discard() {
                // The receivers see the transfer end without its end mark and discard it themselves.
            }
        }, (outcome, error) -> done.accept(outcome == Snapshot.Outcome.OK));
    }

    /**
     * Parses an RDB stream of unknown length, then reads {@code trailer.length} bytes after it. Keys that already
     * expired are kept: a replica's master deletes them (Redis's rdbLoad on replicas).
     */
    public static void parse(Engine engine, InputStream in, byte[] trailer, RdbLoader.Target keys)
            throws IOException {
        RdbInput input = new RdbInput(in, Long.MAX_VALUE);
        RdbLoader.load(input, EncodingConfig.of(engine.config()), engine.databaseCount(), delayed(engine, keys));
        input.readFully(trailer, 0, trailer.length);
    }

    /**
     * Loads the RDB file a replica received from its master on the engine thread, as Redis's rdbLoad of a sync:
     * under {@link Loading} (clients get {@code -LOADING}, and are served between steps when running inside
     * {@link Engine#runPolling}). Keys that already expired are kept, as in {@link #parse}. A shutdown served
     * meanwhile ends it with {@link Loading.Aborted}. A damaged file fails with an {@link RdbException} whose
     * message is Redis's "Internal error in RDB reading" report, after the warning Redis logs before it.
     */
    public static void load(Engine engine, Path file, RdbLoader.Target keys) throws IOException {
        long size = Files.size(file);
        Loading.run(engine, size, () -> false, loading -> {
            try (InputStream in = Files.newInputStream(file)) {
                PipelinedLoad.load(new RdbInput(in, size), EncodingConfig.of(engine.config()),
                        engine.databaseCount(), reporting(engine, loading, delayed(engine, keys)), loading::progress);
            } catch (RdbException e) {
                if (e.warning() != null) {
                    engine.log().warning(e.warning());
                }
                throw new RdbException("Internal error in RDB reading offset " + e.offset() + " of " + file + ": "
                        + e.getMessage(), e.offset(), e);
            }
        });
    }

    /** Receives one key of a master's payload. */
    @FunctionalInterface
    public interface KeySink {
        void key(int db, byte[] key, Object value, long expireAt) throws IOException;
    }

    /**
     * The target a replica loads its master's payload into: keys to {@code keys} (the LRU idle time is not kept),
     * function libraries to {@code functions}, which fails the load with an {@link IllegalArgumentException} for a
     * library that does not load.
     */
    public static RdbLoader.Target target(KeySink keys, Consumer<byte[]> functions) {
        return new RdbLoader.Target() {
            @Override
            public void key(int db, byte[] key, Object value, long expireAt, long idleSeconds) throws IOException {
                keys.key(db, key, value, expireAt);
            }

            @Override
            public void function(byte[] code) {
                functions.accept(code);
            }
        };
    }

    /** {@code keys} after the {@code key-load-delay} pause per key, when one is set. */
    private static RdbLoader.Target delayed(Engine engine, RdbLoader.Target keys) {
        long delay = engine.config().keyLoadDelay.value();
        if (delay == 0) {
            return keys;
        }
        return new RdbLoader.Forwarding(keys) {
            @Override
            public void key(int db, byte[] key, Object value, long expireAt, long idleSeconds) throws IOException {
                Loading.keyLoadDelay(delay);
                super.key(db, key, value, expireAt, idleSeconds);
            }
        };
    }

    /** {@code keys} logging the RDB's header fields as Redis's rdbLoad does, and telling {@code loading} used-mem. */
    private static RdbLoader.Target reporting(Engine engine, Loading loading, RdbLoader.Target keys) {
        return new RdbLoader.Forwarding(keys) {
            @Override
            public void aux(String key, byte[] value) {
                String v = new String(value, StandardCharsets.UTF_8);
                RdbPersistence.logAux(engine.log(), key, v);
                if (key.equals("used-mem")) {
                    loading.usedMem(number(v));
                }
                super.aux(key, value);
            }
        };
    }

    private static long number(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The RDB file of this server. */
    public Path rdbPath() {
        return rdb.rdbPath();
    }
}
