package io.jredis.server.util;

import java.util.Arrays;

/** A {@code byte[]} with content equality and a cached hash, for use as a key in Java collections. */
public final class BytesKey {
    private final byte[] bytes;
    private final int hash;

    public BytesKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BytesKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Bytes.str(bytes);
    }
}
