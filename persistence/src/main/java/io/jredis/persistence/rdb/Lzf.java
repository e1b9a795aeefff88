package io.jredis.persistence.rdb;

/**
 * LZF compression in liblzf's format, which RDB uses for strings ({@code C3} encoding) and compressed list nodes.
 * A stream is a sequence of items, each starting with a control byte:
 * <ul>
 *   <li>{@code 000LLLLL}: a literal run of L+1 bytes (1..32) follows;</li>
 *   <li>{@code LLLooooo oooooooo}: copy L+2 bytes (L 1..6) from {@code offset+1} bytes back, offset 13 bits;</li>
 *   <li>{@code 111ooooo LLLLLLLL oooooooo}: the same with L+9 bytes (9..264).</li>
 * </ul>
 * The compressor is a greedy matcher over a hash of the next three bytes; any output in this format decompresses
 * with liblzf, and liblzf's output decompresses here.
 */
public final class Lzf {
    private static final int HASH_LOG = 14;
    private static final int MAX_LITERAL = 32;
    private static final int MAX_OFFSET = 1 << 13;
    private static final int MAX_MATCH = (1 << 8) + (1 << 3);
    /**
     * The per-thread hash table: for each 3-byte hash, the call's stamp (high 32 bits) and the position of its
     * last occurrence (low 32 bits). Stamps make entries of earlier calls invalid without clearing 16K slots for
     * every short string.
     */
    private static final ThreadLocal<Table> TABLE = ThreadLocal.withInitial(Table::new);

    private static final class Table {
        final long[] slots = new long[1 << HASH_LOG];
        int stamp;

        long next() {
            if (++stamp == 0) {
                java.util.Arrays.fill(slots, 0);
                stamp = 1;
            }
            return (long) stamp << 32;
        }
    }

    private Lzf() {}

    /**
     * Compresses {@code in[off, off+len)} into {@code out}, using at most {@code maxOut} bytes; returns the
     * compressed length, or 0 when the result would not fit (the caller then stores the data uncompressed).
     */
    public static int compress(byte[] in, int off, int len, byte[] out, int maxOut) {
        Table t = TABLE.get();
        long[] table = t.slots;
        long stamp = t.next();
        int end = off + len;
        int ip = off;
        int literalStart = off;
        int op = 0;
        while (ip + 2 < end) {
            int h = hash(in, ip);
            long slot = table[h];
            int ref = (slot & 0xffffffff00000000L) == stamp ? (int) slot : -1;
            table[h] = stamp | ip;
            int distance = ip - ref - 1;
            if (ref >= off && distance < MAX_OFFSET && in[ref] == in[ip] && in[ref + 1] == in[ip + 1]
                    && in[ref + 2] == in[ip + 2]) {
                int max = Math.min(MAX_MATCH, end - ip);
                int matched = 3;
                while (matched < max && in[ref + matched] == in[ip + matched]) {
                    matched++;
                }
                op = literals(in, literalStart, ip, out, op, maxOut);
                if (op < 0 || op + 3 > maxOut) {
                    return 0;
                }
                int l = matched - 2;
                if (l < 7) {
                    out[op++] = (byte) ((l << 5) | (distance >>> 8));
                } else {
                    out[op++] = (byte) ((7 << 5) | (distance >>> 8));
                    out[op++] = (byte) (l - 7);
                }
                out[op++] = (byte) distance;
                int next = ip + matched;
                for (int p = ip + 1; p < next && p + 2 < end; p++) {
                    table[hash(in, p)] = stamp | p;
                }
                ip = next;
                literalStart = ip;
            } else {
                ip++;
            }
        }
        op = literals(in, literalStart, end, out, op, maxOut);
        return op < 0 ? 0 : op;
    }

    private static int hash(byte[] in, int p) {
        int v = (in[p] & 0xff) << 16 | (in[p + 1] & 0xff) << 8 | (in[p + 2] & 0xff);
        return (v * 0x9E3779B1) >>> (32 - HASH_LOG);
    }

    /** Emits {@code in[from, to)} as literal runs; returns the new output position or -1 when out of room. */
    private static int literals(byte[] in, int from, int to, byte[] out, int op, int maxOut) {
        while (from < to) {
            int n = Math.min(MAX_LITERAL, to - from);
            if (op + 1 + n > maxOut) {
                return -1;
            }
            out[op++] = (byte) (n - 1);
            System.arraycopy(in, from, out, op, n);
            op += n;
            from += n;
        }
        return op;
    }

    /**
     * Decompresses {@code in[off, off+len)} into a new array of exactly {@code outLen} bytes; throws
     * {@link IllegalArgumentException} when the data is corrupt or does not produce exactly that many bytes.
     */
    public static byte[] decompress(byte[] in, int off, int len, int outLen) {
        byte[] out = new byte[outLen];
        int ip = off;
        int end = off + len;
        int op = 0;
        while (ip < end) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int n = ctrl + 1;
                if (op + n > outLen) {
                    throw new IllegalArgumentException("LZF literal run overflows the output");
                }
                if (ip + n > end) {
                    throw new IllegalArgumentException("LZF literal run past the input");
                }
                System.arraycopy(in, ip, out, op, n);
                ip += n;
                op += n;
            } else {
                int n = ctrl >>> 5;
                int ref = op - ((ctrl & 0x1f) << 8) - 1;
                if (n == 7) {
                    if (ip >= end) {
                        throw new IllegalArgumentException("LZF back reference past the input");
                    }
                    n += in[ip++] & 0xff;
                }
                if (ip >= end) {
                    throw new IllegalArgumentException("LZF back reference past the input");
                }
                ref -= in[ip++] & 0xff;
                n += 2;
                if (op + n > outLen) {
                    throw new IllegalArgumentException("LZF back reference overflows the output");
                }
                if (ref < 0) {
                    throw new IllegalArgumentException("LZF back reference before the start");
                }
                // A reference closer than its length repeats the bytes it is writing (a run): copied in pieces of
                // at most the distance, each one already written.
                int distance = op - ref;
                if (distance == 1) {
                    java.util.Arrays.fill(out, op, op + n, out[ref]);
                    op += n;
                } else {
                    while (n > 0) {
                        int k = Math.min(n, distance);
                        System.arraycopy(out, ref, out, op, k);
                        op += k;
                        ref += k;
                        n -= k;
                    }
                }
            }
        }
        if (op != outLen) {
            throw new IllegalArgumentException("LZF data holds " + op + " bytes, " + outLen + " expected");
        }
        return out;
    }
}
