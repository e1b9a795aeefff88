package io.jredis.persistence.rdb;

/**
 * Redis's intset blob (RDB type 11): {@code <uint32 LE width 2|4|8><uint32 LE count>} then the members, sorted
 * ascending, each a little-endian integer of that width.
 */
public final class Intset {
    private Intset() {}

    /** The blob for {@code sorted} (ascending, distinct), in the narrowest width that holds every member. */
    public static byte[] encode(long[] sorted, int n) {
        byte[] b = new byte[encodedLength(sorted, n)];
        encode(sorted, n, b);
        return b;
    }

    /** The length of {@code sorted[0, n)}'s blob. */
    static int encodedLength(long[] sorted, int n) {
        return 8 + n * width(sorted, n);
    }

    /** Writes the blob of {@code sorted[0, n)} at the start of {@code b} ({@link #encodedLength} bytes). */
    static void encode(long[] sorted, int n, byte[] b) {
        int width = width(sorted, n);
        putLE(b, 0, width, 4);
        putLE(b, 4, n, 4);
        for (int i = 0; i < n; i++) {
            putLE(b, 8 + i * width, sorted[i], width);
        }
    }

    private static int width(long[] sorted, int n) {
        int width = 2;
        for (int i = 0; i < n; i++) {
            long v = sorted[i];
            if (v != (int) v) {
                return 8;
            }
            if (v != (short) v) {
                width = 4;
            }
        }
        return width;
    }

    private static void putLE(byte[] b, int off, long v, int n) {
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /** The members of an intset blob; throws {@link IllegalArgumentException} when it is malformed. */
    public static long[] decode(byte[] b) {
        if (b.length < 8) {
            throw new IntegrityException("intset shorter than its header");
        }
        long width = le(b, 0, 4) & 0xffffffffL;
        long count = le(b, 4, 4) & 0xffffffffL;
        if (width != 2 && width != 4 && width != 8) {
            throw new IntegrityException("invalid intset encoding " + width);
        }
        if (8 + count * width != b.length) {
            throw new IntegrityException("intset of " + count + " members does not fill its " + b.length
                    + " bytes");
        }
        int w = (int) width;
        long[] out = new long[(int) count];
        int shift = 64 - 8 * w;
        for (int i = 0; i < out.length; i++) {
            out[i] = (le(b, 8 + i * w, w) << shift) >> shift;
            if (i > 0 && out[i] <= out[i - 1]) {
                throw new IntegrityException("intset members out of order");
            }
        }
        return out;
    }

    private static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (b[off + i] & 0xffL) << (8 * i);
        }
        return v;
    }
}
