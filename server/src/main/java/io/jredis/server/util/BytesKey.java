package io.jredis.server.util;

import java.util.Arrays;

/** A {@code byte[]} with content equality and a cached hash, for use as a key in Java collections. */
public final class BytesKey {
    /** How many bytes at each end {@link #byEnds} hashes. */
    private static final int END = 64;

    private final byte[] bytes;
    private final int hash;

    public BytesKey(byte[] bytes) {
        this(bytes, Arrays.hashCode(bytes));
    }

    private BytesKey(byte[] bytes, int hash) {
        this.bytes = bytes;
        this.hash = hash;
    }

    /**
     * A key whose hash reads only the length and at most the first and last 64 bytes, for long arrays that are
     * compared whole anyway (script bodies): arrays that differ only in their middle merely share a bucket. A map
     * must hold keys made one way only, as the two hashes differ.
     */
    public static BytesKey byEnds(byte[] bytes) {
        int n = bytes.length;
        int h = n;
        for (int i = 0, end = Math.min(n, END); i < end; i++) {
            h = 31 * h + bytes[i];
        }
        for (int i = Math.max(END, n - END); i < n; i++) {
            h = 31 * h + bytes[i];
        }
        return new BytesKey(bytes, h);
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
