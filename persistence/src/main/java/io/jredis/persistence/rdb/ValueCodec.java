package io.jredis.persistence.rdb;

import io.jredis.server.db.ValueType;
import java.io.IOException;

/**
 * How one data type is saved to and loaded from RDB: the plug-in point for each type. {@link ValueCodecs} keeps
 * one per {@link ValueType}; a new type adds a codec there.
 */
public interface ValueCodec {
    ValueType type();

    /** The RDB type codes this codec reads. */
    int[] rdbTypes();

    /** Captures a live value of this type for saving; runs on the engine thread and must be cheap. */
    FrozenValue freeze(Object value, EncodingConfig enc);

    /**
     * Reads a value body of RDB type {@code rdbType}, in the encoding Redis would give it under {@code enc}; null
     * for an empty collection, which Redis skips. Damaged blobs throw {@link IllegalArgumentException}.
     */
    Object read(int rdbType, RdbInput in, EncodingConfig enc) throws IOException;
}
