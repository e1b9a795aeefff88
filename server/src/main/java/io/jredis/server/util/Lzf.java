package io.jredis.server.util;

/**
 * LZF in liblzf's format, which RDB uses for strings ({@code C3} encoding) and compressed list nodes. A stream is a
 * sequence of items, each starting with a control byte:
 * <ul>
 *   <li>{@code 000LLLLL}: a literal run of L+1 bytes (1..32) follows;</li>
 *   <li>{@code LLLooooo oooooooo}: copy L+2 bytes (L 1..6) from {@code offset+1} bytes back, offset 13 bits;</li>
 *   <li>{@code 111ooooo LLLLLLLL oooooooo}: the same with L+9 bytes (9..264).</li>
 * </ul>
 * The compressor is liblzf 3.6's lzf_compress as Redis builds it (HLOG 16, VERY_FAST, no table initialisation, a
 * reference never at the first byte), so DUMP payloads, RDB files and FUNCTION DUMP are byte for byte Redis's.
 */
public final class Lzf {
    private static final int HLOG = 16;
    private static final int HSIZE = 1 << HLOG;
    private static final int MAX_LIT = 1 << 5;
    private static final int MAX_OFF = 1 << 13;
    private static final int MAX_REF = (1 << 8) + (1 << 3);
    /**
     * The per-thread hash table: for each slot, the call's stamp (high 32 bits) and the position last stored there
     * (low 32 bits). Stamps make entries of earlier calls empty without clearing 64K slots for every short string;
     * liblzf's table starts as stack garbage its range checks reject, which an empty table reproduces.
     */
    private static final ThreadLocal<Table> TABLE = ThreadLocal.withInitial(Table::new);

    private static final class Table {
        final long[] slots = new long[HSIZE];
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

    private static int idx(int h) {
        return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
    }

    private static int first(byte[] in, int p) {
        return ((in[p] & 0xff) << 8) | (in[p + 1] & 0xff);
    }

    private static int next(int v, byte[] in, int p) {
        return (v << 8) | (in[p + 2] & 0xff);
    }

    /**
     * Compresses {@code in[off, off+len)} into {@code out}, using at most {@code maxOut} bytes; returns the
     * compressed length, or 0 when the result would not fit (the caller then stores the data uncompressed).
     */
    public static int compress(byte[] in, int off, int len, byte[] out, int maxOut) {
        if (len == 0 || maxOut == 0) {
            return 0;
        }
        Table t = TABLE.get();
        long[] htab = t.slots;
        long stamp = t.next();
        int inEnd = off + len;
        int ip = off;
        int op = 0;
        int lit = 0;
        op++; // start run
        int hval = len > 1 ? first(in, ip) : 0;
        while (ip < inEnd - 2) {
            hval = next(hval, in, ip);
            int slot = idx(hval);
            long stored = htab[slot];
            int ref = (stored & 0xffffffff00000000L) == stamp ? (int) stored : -1;
            htab[slot] = stamp | ip;
            int distance = ip - ref - 1;
            if (ref > off && distance < MAX_OFF && in[ref + 2] == in[ip + 2] && in[ref] == in[ip]
                    && in[ref + 1] == in[ip + 1]) {
                int n = 2;
                int maxlen = Math.min(inEnd - ip - n, MAX_REF);
                if (op + 3 + 1 >= maxOut && op - (lit == 0 ? 1 : 0) + 3 + 1 >= maxOut) {
                    return 0;
                }
                out[op - lit - 1] = (byte) (lit - 1); // stop run
                op -= lit == 0 ? 1 : 0; // undo run if length is zero
                n = matchLength(in, ref, ip, maxlen);
                n -= 2;
                ip++;
                if (n < 7) {
                    out[op++] = (byte) ((distance >>> 8) + (n << 5));
                } else {
                    out[op++] = (byte) ((distance >>> 8) + (7 << 5));
                    out[op++] = (byte) (n - 7);
                }
                out[op++] = (byte) distance;
                lit = 0;
                op++; // start run
                ip += n + 1;
                if (ip >= inEnd - 2) {
                    break;
                }
                // VERY_FAST: hash only the last two positions the match covered.
                ip -= 2;
                hval = first(in, ip);
                hval = next(hval, in, ip);
                htab[idx(hval)] = stamp | ip;
                ip++;
                hval = next(hval, in, ip);
                htab[idx(hval)] = stamp | ip;
                ip++;
            } else {
                if (op >= maxOut) {
                    return 0;
                }
                lit++;
                out[op++] = in[ip++];
                if (lit == MAX_LIT) {
                    out[op - lit - 1] = (byte) (lit - 1);
                    lit = 0;
                    op++;
                }
            }
        }
        if (op + 3 > maxOut) {
            return 0;
        }
        while (ip < inEnd) {
            lit++;
            out[op++] = in[ip++];
            if (lit == MAX_LIT) {
                out[op - lit - 1] = (byte) (lit - 1);
                lit = 0;
                op++;
            }
        }
        out[op - lit - 1] = (byte) (lit - 1); // end run
        op -= lit == 0 ? 1 : 0;
        return op;
    }

    /**
     * How many bytes match at {@code ref} and {@code ip} (three already do), as liblzf counts them: past 16 bytes of
     * room it compares 16 more without the bound, so a match may run to the very end of the input.
     */
    private static int matchLength(byte[] in, int ref, int ip, int maxlen) {
        int n = 2;
        if (maxlen > 16) {
            for (int k = 0; k < 16; k++) {
                n++;
                if (in[ref + n] != in[ip + n]) {
                    return n;
                }
            }
        }
        do {
            n++;
        } while (n < maxlen && in[ref + n] == in[ip + n]);
        return n;
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
