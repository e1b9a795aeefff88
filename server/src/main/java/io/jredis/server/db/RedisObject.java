package io.jredis.server.db;

/**
 * A non-string value (list, hash, set, sorted set, stream). Strings are stored as plain {@code byte[]} to save an
 * object per key; every other type implements this.
 */
public interface RedisObject {
    ValueType type();

    /** The name OBJECT ENCODING reports (listpack, quicklist, intset, hashtable, skiplist, stream). */
    String encoding();

    /** A deep copy, for COPY. */
    RedisObject copy();
}
