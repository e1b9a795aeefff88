package io.jredis.server.db;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Estimates of what keys and values occupy on the JVM heap (compressed references, 8-byte alignment), so that
 * {@code maxmemory} bounds the heap the dataset really takes. Large collections are sampled as Redis's
 * {@code objectComputeSize} does: the average size of a few elements times the element count.
 */
public final class MemoryEstimate {
    /** Elements sampled per collection when no count is given (Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES). */
    public static final int DEFAULT_SAMPLES = 5;

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
        long n = DICT_ENTRY + DICT_SLOT + bytes(e.key.length) + value(e.value, DEFAULT_SAMPLES);
        if (e.expireAt >= 0) {
            n += DICT_ENTRY + DICT_SLOT;
        }
        return n;
    }

    /**
     * Bytes of a value; collections with more than {@code samples} elements are estimated from that many sampled
     * elements ({@code samples} 0: every element is counted).
     */
    public static long value(Object v, int samples) {
        if (v == null) {
            return 0;
        }
        if (v instanceof byte[] b) {
            return bytes(b.length);
        }
        if (v instanceof ListValue l) {
            return list(l);
        }
        if (v instanceof HashValue h) {
            return hash(h, samples);
        }
        if (v instanceof SetValue s) {
            return set(s, samples);
        }
        if (v instanceof ZSetValue z) {
            return zset(z, samples);
        }
        if (v instanceof StreamValue s) {
            return OBJECT + s.memoryEstimate();
        }
        return OBJECT;
    }

    /** A list knows what its elements occupy: exact, whatever {@code samples} asks for. */
    private static long list(ListValue l) {
        int n = l.size();
        long slots = align(ARRAY_HEADER + REF * Math.max(4, Integer.highestOneBit(Math.max(1, n)) * 2L));
        return OBJECT + slots + l.elementsMemory();
    }

    private static long hash(HashValue h, int samples) {
        if (h.isListpack()) {
            // The array itself: estimated after every write to the key, so not walked.
            return OBJECT + bytes(h.listpackBytes());
        }
        int n = h.size();
        int take = samples == 0 ? n : Math.min(n, samples);
        long sum = 0;
        if (take == n) {
            long[] all = new long[1];
            h.forEach((fb, fo, fl, vb, vo, vl) -> all[0] += bytes(fl) + bytes(vl));
            sum = all[0];
        } else {
            for (byte[][] fv : h.randomEntries(take, false)) {
                sum += bytes(fv[0].length) + bytes(fv[1].length);
            }
        }
        return OBJECT + (long) n * (DICT_ENTRY + DICT_SLOT) + (take == 0 ? 0 : sum * n / take);
    }

    private static long set(SetValue s, int samples) {
        int n = s.size();
        if (s.isIntset()) {
            return OBJECT + align(ARRAY_HEADER + (long) s.intsetWidth() * n);
        }
        int take = samples == 0 ? n : Math.min(n, samples);
        long sum = 0;
        if (take == n) {
            for (byte[] m : s.members()) {
                sum += bytes(m.length);
            }
        } else {
            for (byte[] m : s.randomMembers(take, false)) {
                sum += bytes(m.length);
            }
        }
        return OBJECT + (long) n * (DICT_ENTRY + DICT_SLOT) + (take == 0 ? 0 : sum * n / take);
    }

    private static long zset(ZSetValue z, int samples) {
        int n = z.size();
        if (n == 0) {
            return OBJECT;
        }
        boolean listpack = "listpack".equals(z.encoding());
        int take = samples == 0 ? n : Math.min(n, samples);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long sum = 0;
        for (int i = 0; i < take; i++) {
            sum += bytes(z.memberAt(take == n ? i : rnd.nextInt(n)).length);
        }
        if (listpack) {
            // Parallel score and member arrays that grow by doubling.
            long capacity = Math.max(4, Integer.highestOneBit(Math.max(1, n - 1)) * 2L);
            return OBJECT + 2 * ARRAY_HEADER + capacity * (8 + REF) + sum * n / take;
        }
        return OBJECT + (long) n * (SKIPLIST_NODE + DICT_ENTRY + DICT_SLOT) + sum * n / take;
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
    }
}
