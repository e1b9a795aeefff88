package io.jredis.replication;

import io.jredis.server.Engine;
import java.io.IOException;
import java.io.OutputStream;

/**
 * What a full resynchronization needs from persistence: an RDB image of the dataset for a replica, and loading a
 * master's RDB into the engine. Both run on the engine thread, so the image is a point-in-time snapshot.
 */
public interface SnapshotCodec {
    /**
     * Writes the whole dataset as an RDB stream, with the replication aux fields {@code repl-stream-db},
     * {@code repl-id} and {@code repl-offset} that let a restarted node resume.
     */
    void write(Engine engine, String replId, long replOffset, OutputStream out) throws IOException;

    /** Loads a whole RDB payload into the (already flushed) databases of {@code engine}. */
    void load(Engine engine, byte[] rdb) throws IOException;
}
