package io.jredis.persistence;

import io.jredis.persistence.rdb.EncodingConfig;
import io.jredis.persistence.rdb.RdbInput;
import io.jredis.persistence.rdb.RdbLoader;
import io.jredis.persistence.rdb.RdbWriter;
import io.jredis.server.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
        return rdb.startSyncSave(new RdbWriter.ReplInfo(0, replId, replOffset), null,
                (outcome, error) -> done.accept(outcome == Snapshot.Outcome.OK ? file : null));
    }

    /** A snapshot streamed to {@code out} (closed after the last byte); {@code done} tells success. Null when busy. */
    public Snapshot saveToStream(String replId, long replOffset, OutputStream out, Consumer<Boolean> done) {
        return rdb.startSyncSave(new RdbWriter.ReplInfo(0, replId, replOffset), new Snapshot.Destination() {
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
        RdbLoader.load(input, EncodingConfig.of(engine.config()), engine.databaseCount(), keys);
        input.readFully(trailer, 0, trailer.length);
    }

    /** The RDB file of this server. */
    public Path rdbPath() {
        return rdb.rdbPath();
    }
}
