package io.jredis.server.db;

/**
 * Estimates of what keys and values occupy on the JVM heap (compressed references, 8-byte alignment), so that
 * {@code maxmemory} bounds the heap the dataset really takes. Collections keep a running total of what their
 * elements occupy, so the estimate after every write costs the same for a large collection as for a small one
 * (sampling elements, as Redis's {@code objectComputeSize} does, made each write to a large sorted set several times
 * slower).
 */
public final class MemoryEstimate {
    /** Object header plus the fields of a {@link Dict.Entry}, aligned. */
    static final long DICT_ENTRY = 56;
    /** One table slot per entry at Redis's load factor of one, plus the spare half during growth. */
    static final long DICT_SLOT = 6;
    private static final long ARRAY_HEADER = 16;
    private static final long REF = 4;
    private static final long OBJECT = 32;
    /** A skiplist node with its forward and span arrays at the average level of 1.33. */
    private static final long SKIPLIST_NODE = 96;

    private MemoryEstimate() {}

    /** Bytes a {@code byte[]} of length {@code n} occupies. */
    public static long bytes(int n) {
        return align(ARRAY_HEADER + n);
    }

    /** Bytes of a whole keyspace entry: the entry, its key, its value and its slot in the expires dict. */
    public static long entry(Dict.Entry e) {
        long n = DICT_ENTRY + DICT_SLOT + bytes(e.key.length) + value(e.stored());
        if (e.expireAt >= 0) {
            n += DICT_ENTRY + DICT_SLOT;
        }
        return n;
    }

    /** Bytes of a value. */
    public static long value(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof byte[] b) {
            return bytes(b.length);
        }
        if (v instanceof AppendedString a) {
            return bytes(a.capacity());
        }
        if (v instanceof UnsharedInteger u) {
            return OBJECT + bytes(u.digits().length);
        }
        if (v instanceof ListValue l) {
            long slots = align(ARRAY_HEADER + REF * Math.max(4, Integer.highestOneBit(Math.max(1, l.size())) * 2L));
            return OBJECT + slots + l.elementsMemory();
        }
        if (v instanceof HashValue h) {
            // A listpack is the array itself; a hashtable, its entries plus the pairs' running total.
            return h.isListpack() ? OBJECT + bytes(h.listpackBytes())
                    : OBJECT + (long) h.size() * (DICT_ENTRY + DICT_SLOT) + h.pairsMemory();
        }
        if (v instanceof SetValue s) {
            return s.isIntset() ? OBJECT + align(ARRAY_HEADER + (long) s.intsetWidth() * s.size())
                    : OBJECT + (long) s.size() * (DICT_ENTRY + DICT_SLOT) + s.membersMemory();
        }
        if (v instanceof ZSetValue z) {
            return zset(z);
        }
        if (v instanceof StreamValue s) {
            return OBJECT + s.memoryEstimate();
        }
        return OBJECT;
    }

    private static long zset(ZSetValue z) {
        int n = z.size();
        if (n == 0) {
            return OBJECT;
        }
        if ("listpack".equals(z.encoding())) {
            // Parallel score and member arrays that grow by doubling.
            long capacity = Math.max(4, Integer.highestOneBit(Math.max(1, n - 1)) * 2L);
            return OBJECT + 2 * ARRAY_HEADER + capacity * (8 + REF) + z.membersMemory();
        }
        return OBJECT + (long) n * (SKIPLIST_NODE + DICT_ENTRY + DICT_SLOT) + z.membersMemory();
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
    }
}
