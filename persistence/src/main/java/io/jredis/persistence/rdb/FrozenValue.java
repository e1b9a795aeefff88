package io.jredis.persistence.rdb;

import java.io.IOException;

/**
 * A value captured for saving: made on the engine thread from references to immutable parts of the live value, so
 * that encoding, compression and I/O can run on another thread while the live value keeps changing.
 */
public interface FrozenValue {
    /** The RDB type code written before the key. */
    int rdbType();

    /** Writes the value body (after the type and key). */
    void write(RdbOutput out) throws IOException;

    /** Approximate bytes the capture keeps alive, to bound what a snapshot holds in flight. */
    long weight();
}
