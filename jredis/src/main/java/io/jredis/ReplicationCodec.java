package io.jredis;

import io.jredis.persistence.ReplicationSnapshots;
import io.jredis.persistence.Snapshot;
import io.jredis.replication.SnapshotCodec;
import io.jredis.server.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Replication's snapshots and RDB parsing, served by the persistence module (which replication does not know). */
final class ReplicationCodec implements SnapshotCodec {
    private final ReplicationSnapshots snapshots;

    ReplicationCodec(ReplicationSnapshots snapshots) {
        this.snapshots = snapshots;
    }

    @Override
    public boolean busy() {
        return snapshots.busy();
    }

    @Override
    public Job saveToDisk(Engine engine, String replId, long replOffset, Consumer<Path> done) {
        return job(snapshots.saveToDisk(replId, replOffset, done));
    }

    @Override
    public Job saveToStream(Engine engine, String replId, long replOffset, boolean data, boolean functions,
            OutputStream out, Consumer<Boolean> done) {
        return job(snapshots.saveToStream(replId, replOffset, data, functions, out, done));
    }

    private static Job job(Snapshot s) {
        return s == null ? null : s::abort;
    }

    @Override
    public void parse(Engine engine, InputStream in, byte[] trailer, Keys keys) throws IOException {
        ReplicationSnapshots.parse(engine, in, trailer, ReplicationSnapshots.target(keys::key, keys::function));
    }

    @Override
    public void load(Engine engine, Path file, Keys keys) throws IOException {
        ReplicationSnapshots.load(engine, file, ReplicationSnapshots.target(keys::key, keys::function));
    }

    @Override
    public Path rdbPath(Engine engine) {
        return snapshots.rdbPath();
    }
}
