package io.jredis.replication;

import io.jredis.server.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What a full resynchronization needs from persistence, which replication does not depend on: background snapshots
 * of the dataset for replicas (a BGSAVE in Redis's accounting, captured in slices on the engine thread and encoded
 * on a writer thread, so the image is the dataset at the instant it starts) and parsing a master's RDB.
 */
public interface SnapshotCodec {
    /** A snapshot being written. */
    interface Job {
        /** Stops it (engine thread); its callback then reports failure. */
        void abort();
    }

    /** Receives the keys and function libraries of a parsed RDB, on the parsing thread. */
    interface Keys {
        void key(int db, byte[] key, Object value, long expireAt) throws IOException;

        /**
         * A function library's code (FUNCTION2), in the file's order; an {@link IllegalArgumentException} (a library
         * that does not load, with the error text) fails the load.
         */
        void function(byte[] code);
    }

    /** True while a background save (or rewrite) runs: only one snapshot exists at a time. Engine thread. */
    boolean busy();

    /**
     * Starts a BGSAVE to the RDB file whose header records {@code replId}/{@code replOffset} (engine thread).
     * {@code done} runs on the engine thread with the file once it is complete, or null when it failed. Returns
     * null when {@link #busy()}.
     */
    Job saveToDisk(Engine engine, String replId, long replOffset, Consumer<Path> done);

    /**
     * Starts a snapshot written to {@code out} on the writer thread, which closes {@code out} after the last byte
     * (engine thread): with the keys when {@code data}, with the function libraries when {@code functions} (a
     * replica's REPLCONF rdb-filter-only). {@code done} runs on the engine thread with true when every byte was
     * written. Returns null when {@link #busy()}.
     */
    Job saveToStream(Engine engine, String replId, long replOffset, boolean data, boolean functions,
            OutputStream out, Consumer<Boolean> done);

    /**
     * Parses an RDB stream on the calling thread, handing every key and library to {@code keys} (after the
     * {@code key-load-delay} pause), then reads {@code trailer.length} more bytes into {@code trailer} (the end mark
     * of a diskless transfer).
     */
    void parse(Engine engine, InputStream in, byte[] trailer, Keys keys) throws IOException;

    /**
     * Loads the RDB file a disk-based replica received, handing every key and library to {@code keys} on the engine
     * thread, as Redis's rdbLoad of a sync: the engine answers {@code -LOADING} and INFO shows the progress meanwhile,
     * clients are served every {@code loading-process-events-interval-bytes} when called inside
     * {@link Engine#runPolling}, and {@code key-load-delay} applies. A shutdown served meanwhile ends it with an
     * {@link java.io.InterruptedIOException} and the load stays reported, so that nothing saves the partial data.
     */
    void load(Engine engine, Path file, Keys keys) throws IOException;

    /** The RDB file a disk-based replica stores its master's payload in before loading it. */
    Path rdbPath(Engine engine);
}
