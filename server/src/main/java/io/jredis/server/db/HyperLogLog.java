package io.jredis.server.db;

import io.jredis.server.util.Bytes;
import java.util.Arrays;
import java.util.Random;

/**
 * Redis's HyperLogLog string format (hyperloglog.c), byte for byte: a 16-byte header ("HYLL", encoding byte 0 dense
 * or 1 sparse, 3 unused bytes, cached cardinality as 8 little-endian bytes whose top bit marks it invalid) followed by
 * 16384 registers, either packed as 6-bit fields (dense) or run-length encoded with the ZERO, XZERO and VAL opcodes
 * (sparse). Values stay plain strings; an instance is a working copy of one that commands change and store back as a
 * new array, or ({@link #inPlace}) a dense value only its key holds, changed where it is stored.
 *
 * <p>The sparse update keeps Redis's exact algorithm (split of the covering opcode, then merge of adjacent VAL opcodes
 * scanning at most five opcodes) so that the bytes, not only the counts, are those Redis produces. Validity checks
 * are those of the reference build, which carries the CVE-2025-32023 fix: a sparse value whose runs pass 16384
 * registers is corrupt.
 */
public final class HyperLogLog {
    /** Registers: 2^14. */
    public static final int REGISTERS = 1 << 14;
    /** Bytes of the header. */
    private static final int HEADER = 16;
    /** Length of a dense value: header plus 16384 6-bit registers. */
    private static final int DENSE_SIZE = HEADER + (REGISTERS * 6 + 7) / 8;
    /** Encoding byte of a dense value. */
    private static final int DENSE = 0;
    /** Encoding byte of a sparse value. */
    private static final int SPARSE = 1;

    private static final int P = 14;
    private static final int Q = 64 - P;
    private static final int REGISTER_MAX = 63;
    private static final int ENCODING = 4;
    private static final int CARD = 8;
    private static final int VAL_MAX_VALUE = 32;
    private static final int VAL_MAX_LEN = 4;
    private static final int ZERO_MAX_LEN = 64;
    private static final double ALPHA_INF = 0.721347520444481703680;
    private static final long SEED = 0xadc83b19L;
    private static final long M = 0xc6a4a7935bd1e995L;

    /**
     * The value's bytes in a buffer with room to grow: a sparse update may need 3 more bytes, and reads of an XZERO
     * opcode cut at the end see the zero after the string, as Redis reads the sds terminator.
     */
    private byte[] buf;
    private int len;

    private HyperLogLog(byte[] buf, int len) {
        this.buf = buf;
        this.len = len;
    }

    /** A new empty HyperLogLog: sparse, one XZERO opcode covering every register (Redis's createHLLObject). */
    public static HyperLogLog create() {
        byte[] b = new byte[HEADER + 2 + 4];
        b[0] = 'H';
        b[1] = 'Y';
        b[2] = 'L';
        b[3] = 'L';
        b[ENCODING] = SPARSE;
        setXzero(b, HEADER, REGISTERS);
        return new HyperLogLog(b, HEADER + 2);
    }

    /** A working copy of a value that passed {@link #isValid}. */
    public static HyperLogLog of(byte[] value) {
        byte[] b = new byte[value.length + 4];
        System.arraycopy(value, 0, b, 0, value.length);
        return new HyperLogLog(b, value.length);
    }

    /**
     * The stored dense value itself, which {@link #add} then changes in place (a dense value never changes length):
     * for a value only its key holds (raw, see {@link Values#isRaw}), where a working copy and a stored copy cost two
     * 12 KB copies a PFADD.
     */
    public static HyperLogLog inPlace(byte[] denseValue) {
        return new HyperLogLog(denseValue, denseValue.length);
    }

    /**
     * Redis's isHLLObjectOrReply for a string: at least a header, the "HYLL" magic, a known encoding and, for dense,
     * the exact length. Sparse contents are checked only when read.
     */
    public static boolean isValid(byte[] v) {
        if (v.length < HEADER || v[0] != 'H' || v[1] != 'Y' || v[2] != 'L' || v[3] != 'L') {
            return false;
        }
        int encoding = v[ENCODING] & 0xff;
        return encoding <= SPARSE && (encoding != DENSE || v.length == DENSE_SIZE);
    }

    /** The value's bytes. */
    public byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    public boolean isSparse() {
        return buf[ENCODING] == SPARSE;
    }

    /** True when a valid value uses the dense encoding. */
    public static boolean isDense(byte[] v) {
        return v[ENCODING] == DENSE;
    }

    // ---- cached cardinality ----

    /** Marks the cached cardinality stale (HLL_INVALIDATE_CACHE). */
    public void invalidateCache() {
        buf[CARD + 7] |= (byte) 0x80;
    }

    /** True when the value's cached cardinality may be used (HLL_VALID_CACHE). */
    public static boolean cacheValid(byte[] v) {
        return (v[CARD + 7] & 0x80) == 0;
    }

    /** The cached cardinality of a value: 64 bits, little endian. */
    public static long cachedCardinality(byte[] v) {
        long card = 0;
        for (int i = 7; i >= 0; i--) {
            card = (card << 8) | (v[CARD + i] & 0xff);
        }
        return card;
    }

    /** A copy of {@code v} with {@code card} stored as its cached cardinality. */
    public static byte[] withCachedCardinality(byte[] v, long card) {
        byte[] out = v.clone();
        cacheCardinality(out, card);
        return out;
    }

    /** Stores {@code card} as the cached cardinality of {@code v}, in place. */
    public static void cacheCardinality(byte[] v, long card) {
        for (int i = 0; i < 8; i++) {
            v[CARD + i] = (byte) (card >>> (8 * i));
        }
    }

    // ---- hashing ----

    /** MurmurHash64A as Redis has it (endian neutral, 8-byte blocks read little endian). */
    private static long murmurHash64A(byte[] key, long seed) {
        int len = key.length;
        long h = seed ^ (len * M);
        int end = len - (len & 7);
        for (int i = 0; i < end; i += 8) {
            long k = (key[i] & 0xffL) | (key[i + 1] & 0xffL) << 8 | (key[i + 2] & 0xffL) << 16
                    | (key[i + 3] & 0xffL) << 24 | (key[i + 4] & 0xffL) << 32 | (key[i + 5] & 0xffL) << 40
                    | (key[i + 6] & 0xffL) << 48 | (key[i + 7] & 0xffL) << 56;
            k *= M;
            k ^= k >>> 47;
            k *= M;
            h ^= k;
            h *= M;
        }
        int rest = len & 7;
        if (rest > 0) {
            for (int i = rest - 1; i >= 0; i--) {
                h ^= (key[end + i] & 0xffL) << (8 * i);
            }
            h *= M;
        }
        h ^= h >>> 47;
        h *= M;
        h ^= h >>> 47;
        return h;
    }

    /** Redis's hllPatLen: register index (low 14 bits) in the high word, run length of "000..1" in the low one. */
    private static long patLen(byte[] element) {
        long hash = murmurHash64A(element, SEED);
        long index = hash & (REGISTERS - 1);
        hash >>>= P;
        hash |= 1L << Q;
        return index << 32 | (Long.numberOfTrailingZeros(hash) + 1);
    }

    // ---- dense registers ----

    /** HLL_DENSE_GET_REGISTER over the registers starting at {@code off}. */
    private static int denseGet(byte[] p, int off, int regnum) {
        int bit = regnum * 6;
        int b = off + (bit >>> 3);
        int fb = bit & 7;
        int v = (p[b] & 0xff) >>> fb;
        if (fb > 2) {
            v |= (p[b + 1] & 0xff) << (8 - fb);
        }
        return v & REGISTER_MAX;
    }

    /** HLL_DENSE_SET_REGISTER: a field starting past bit 2 of its byte continues into the next one. */
    private static void denseSet(byte[] p, int off, int regnum, int val) {
        int bit = regnum * 6;
        int b = off + (bit >>> 3);
        int fb = bit & 7;
        p[b] = (byte) ((p[b] & ~(REGISTER_MAX << fb)) | (val << fb));
        if (fb > 2) {
            p[b + 1] = (byte) ((p[b + 1] & ~(REGISTER_MAX >>> (8 - fb))) | (val >>> (8 - fb)));
        }
    }

    /** The 6-byte groups of a dense value, each holding eight registers. */
    private static final int GROUPS = REGISTERS / 8;
    /** Bit 7 of each byte. */
    private static final long HIGH_BITS = 0x8080808080808080L;

    /**
     * The eight registers of group {@code g} of the registers starting at {@code off}, as the low 48 bits of a
     * little-endian read (register 8g in the lowest six). The last group is read from two bytes earlier, so that no
     * read passes the end of an exactly sized value.
     */
    private static long group(byte[] p, int off, int g) {
        int at = off + g * 6;
        return g < GROUPS - 1 ? Bytes.longLE(p, at) & 0xFFFFFFFFFFFFL : Bytes.longLE(p, at - 2) >>> 16;
    }

    /** Writes the 48 bits of {@code regs} as group {@code g}, leaving the bytes around it as they are. */
    private static void putGroup(byte[] p, int off, int g, long regs) {
        int at = off + g * 6;
        if (g < GROUPS - 1) {
            Bytes.putLongLE(p, at, (Bytes.longLE(p, at) & 0xFFFF000000000000L) | regs);
        } else {
            Bytes.putLongLE(p, at - 2, (Bytes.longLE(p, at - 2) & 0xFFFFL) | regs << 16);
        }
    }

    /** The eight 6-bit registers packed in the low 48 bits of {@code w}, one per byte (register 0 in the lowest). */
    private static long spread(long w) {
        long a = (w & 0xFFFFFFL) | (w & 0xFFFFFF000000L) << 8;
        long b = (a & 0x00000FFF00000FFFL) | (a & 0x00FFF00000FFF000L) << 4;
        return (b & 0x003F003F003F003FL) | (b & 0x0FC00FC00FC00FC0L) << 2;
    }

    /** The inverse of {@link #spread}: eight bytes below 64 packed as 6-bit fields in the low 48 bits. */
    private static long pack(long c) {
        long b = (c & 0x003F003F003F003FL) | (c >>> 2 & 0x0FC00FC00FC00FC0L);
        long a = (b & 0x00000FFF00000FFFL) | (b >>> 4 & 0x00FFF00000FFF000L);
        return (a & 0xFFFFFFL) | (a >>> 8 & 0xFFFFFF000000L);
    }

    /**
     * The byte-wise maximum of two words whose bytes are all below 128: setting bit 7 of each byte of {@code a}
     * before subtracting keeps every byte's difference from borrowing from the next, and leaves bit 7 set where
     * {@code a >= b}.
     */
    private static long maxBytes(long a, long b) {
        long aWins = (((a | HIGH_BITS) - b) & HIGH_BITS) >>> 7;
        long mask = aWins * 0xFF;
        return (a & mask) | (b & ~mask);
    }

    /** Adds the eight registers of {@code spreadRegs} (one per byte) to a histogram. */
    private static void countGroup(int[] histo, long spreadRegs) {
        for (int k = 0; k < 64; k += 8) {
            histo[(int) (spreadRegs >>> k) & 0xff]++;
        }
    }

    // ---- sparse opcodes ----

    private static boolean isZero(int op) {
        return (op & 0xc0) == 0;
    }

    private static boolean isXzero(int op) {
        return (op & 0xc0) == 0x40;
    }

    private static boolean isVal(int op) {
        return (op & 0x80) != 0;
    }

    private static int zeroLen(int op) {
        return (op & 0x3f) + 1;
    }

    private static int xzeroLen(int op, int next) {
        return ((op & 0x3f) << 8 | next) + 1;
    }

    private static int valValue(int op) {
        return ((op >>> 2) & 0x1f) + 1;
    }

    private static int valLen(int op) {
        return (op & 3) + 1;
    }

    private static byte val(int value, int len) {
        return (byte) (((value - 1) << 2 | (len - 1)) | 0x80);
    }

    private static void setXzero(byte[] b, int p, int len) {
        int l = len - 1;
        b[p] = (byte) ((l >>> 8) | 0x40);
        b[p + 1] = (byte) l;
    }

    private int u8(int i) {
        return buf[i] & 0xff;
    }

    /** Byte {@code i} of {@code v}, or the zero terminator Redis would read past the end. */
    private static int at(byte[] v, int i) {
        return i < v.length ? v[i] & 0xff : 0;
    }

    // ---- updates ----

    /**
     * Adds an element (hllAdd): 1 when a register grew, 0 when none did, -1 when the sparse data is corrupt. A sparse
     * value turns dense when a register needs more than 32 or the value would pass {@code sparseMaxBytes}.
     */
    public int add(byte[] element, long sparseMaxBytes) {
        long pat = patLen(element);
        return set((int) (pat >>> 32), (int) pat, sparseMaxBytes);
    }

    /** Raises register {@code index} to {@code count} if lower (hllDenseSet / hllSparseSet); as {@link #add}. */
    public int set(int index, int count, long sparseMaxBytes) {
        if (!isSparse()) {
            if (count > denseGet(buf, HEADER, index)) {
                denseSet(buf, HEADER, index, count);
                return 1;
            }
            return 0;
        }
        return sparseSet(index, count, sparseMaxBytes);
    }

    /**
     * Makes room for a sparse update (sdsMakeRoomFor): 3 more bytes, the terminator, and the byte a split of an
     * XZERO cut at the end writes past it, as Redis does.
     */
    private void ensureRoom(int newLen) {
        if (newLen + 4 > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(newLen + 4, buf.length * 2));
        }
    }

    /** Changes the length as sdsIncrLen does, writing the zero terminator after the string. */
    private void setLength(int newLen) {
        ensureRoom(newLen);
        len = newLen;
        buf[len] = 0;
    }

    /**
     * Raises every register of a dense value to at least the one-byte register of {@code max} at its index: the
     * dense part of PFMERGE, which Redis does register by register (hllDenseSet for each non-zero one), done eight
     * at a time.
     */
    public void raiseDense(byte[] max) {
        for (int g = 0; g < GROUPS; g++) {
            long regs = spread(group(buf, HEADER, g));
            long raised = maxBytes(regs, Bytes.longLE(max, g * 8));
            if (raised != regs) {
                putGroup(buf, HEADER, g, pack(raised));
            }
        }
    }

    /** Redis's hllSparseSet, step for step. */
    private int sparseSet(long index, int count, long sparseMaxBytes) {
        if (count > VAL_MAX_VALUE) {
            return promote(index, count);
        }
        ensureRoom(len + 3);
        // Step 1: find the opcode covering the register.
        int sparse = HEADER;
        int p = sparse;
        int end = len;
        long first = 0;
        long span = 0;
        int prev = -1;
        while (p < end) {
            int op = u8(p);
            int oplen = 1;
            if (isZero(op)) {
                span = zeroLen(op);
            } else if (isVal(op)) {
                span = valLen(op);
            } else {
                span = xzeroLen(op, u8(p + 1));
                oplen = 2;
            }
            if (index <= first + span - 1) {
                break;
            }
            prev = p;
            p += oplen;
            first += span;
        }
        if (span == 0 || p >= end) {
            return -1;
        }
        int op = u8(p);
        int next = isXzero(op) ? p + 2 : p + 1;
        if (next >= end) {
            next = -1;
        }
        boolean zero = isZero(op);
        boolean xzero = isXzero(op);
        boolean value = !zero && !xzero;
        long runlen = zero ? zeroLen(op) : xzero ? xzeroLen(op, u8(p + 1)) : valLen(op);

        boolean updated = false;
        if (value) {
            if (valValue(op) >= count) {
                return 0;
            }
            if (runlen == 1) {
                buf[p] = val(count, 1);
                updated = true;
            }
        }
        if (!updated && zero && runlen == 1) {
            buf[p] = val(count, 1);
            updated = true;
        }
        if (!updated) {
            // General case: split the opcode into at most XZERO-VAL-XZERO (5 bytes) and put it in its place.
            byte[] seq = new byte[5];
            int n = 0;
            int last = (int) (first + span - 1);
            if (zero || xzero) {
                if (index != first) {
                    n = putZeros(seq, n, (int) (index - first));
                }
                seq[n++] = val(count, 1);
                if (index != last) {
                    n = putZeros(seq, n, (int) (last - index));
                }
            } else {
                int curval = valValue(op);
                if (index != first) {
                    seq[n++] = val(curval, (int) (index - first));
                }
                seq[n++] = val(count, 1);
                if (index != last) {
                    seq[n++] = val(curval, (int) (last - index));
                }
            }
            int deltalen = n - (xzero ? 2 : 1);
            if (deltalen > 0 && (long) len + deltalen > sparseMaxBytes) {
                return promote(index, count);
            }
            if (deltalen != 0 && next >= 0) {
                System.arraycopy(buf, next, buf, next + deltalen, end - next);
            }
            setLength(len + deltalen);
            System.arraycopy(seq, 0, buf, p, n);
            end += deltalen;
        }
        // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from the previous one.
        p = prev >= 0 ? prev : sparse;
        int scanlen = 5;
        while (p < end && scanlen-- > 0) {
            int o = u8(p);
            if (isXzero(o)) {
                p += 2;
                continue;
            } else if (isZero(o)) {
                p++;
                continue;
            }
            if (p + 1 < end && isVal(u8(p + 1))) {
                int v1 = valValue(o);
                int v2 = valValue(u8(p + 1));
                if (v1 == v2) {
                    int merged = valLen(o) + valLen(u8(p + 1));
                    if (merged <= VAL_MAX_LEN) {
                        buf[p + 1] = val(v1, merged);
                        System.arraycopy(buf, p + 1, buf, p, end - p);
                        setLength(len - 1);
                        end--;
                        continue;
                    }
                }
            }
            p++;
        }
        invalidateCache();
        return 1;
    }

    /** Writes a ZERO opcode, or an XZERO one for runs longer than 64; returns the new write position. */
    private static int putZeros(byte[] seq, int n, int len) {
        if (len > ZERO_MAX_LEN) {
            setXzero(seq, n, len);
            return n + 2;
        }
        seq[n] = (byte) (len - 1);
        return n + 1;
    }

    private int promote(long index, int count) {
        if (!toDense()) {
            return -1;
        }
        denseSet(buf, HEADER, (int) index, count);
        return 1;
    }

    /**
     * Converts a sparse value to dense (hllSparseToDense), keeping the header's other bytes; false, changing nothing,
     * when the sparse data is corrupt.
     */
    public boolean toDense() {
        if (!isSparse()) {
            return true;
        }
        byte[] dense = new byte[DENSE_SIZE + 4];
        System.arraycopy(buf, 0, dense, 0, HEADER);
        dense[ENCODING] = DENSE;
        long idx = 0;
        int p = HEADER;
        while (p < len) {
            int op = u8(p);
            if (isZero(op)) {
                idx += zeroLen(op);
                p++;
            } else if (isXzero(op)) {
                idx += xzeroLen(op, u8(p + 1));
                p += 2;
            } else {
                int runlen = valLen(op);
                if (idx + runlen > REGISTERS) {
                    return false;
                }
                for (int i = 0; i < runlen; i++) {
                    denseSet(dense, HEADER, (int) idx++, valValue(op));
                }
                p++;
            }
            if (idx > REGISTERS) {
                return false;
            }
        }
        if (idx != REGISTERS) {
            return false;
        }
        buf = dense;
        len = DENSE_SIZE;
        return true;
    }

    // ---- reading ----

    /** The 16384 register values of a valid dense value (PFDEBUG GETREG). */
    public int[] registers() {
        int[] r = new int[REGISTERS];
        for (int i = 0; i < REGISTERS; i++) {
            r[i] = denseGet(buf, HEADER, i);
        }
        return r;
    }

    /**
     * The opcodes of a sparse value as PFDEBUG DECODE prints them: "z:len", "Z:len" and "v:value,len", space
     * separated. Corrupt data is decoded as it is.
     */
    public static String decode(byte[] v) {
        StringBuilder sb = new StringBuilder();
        int p = HEADER;
        while (p < v.length) {
            int op = v[p] & 0xff;
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (isZero(op)) {
                sb.append("z:").append(zeroLen(op));
                p++;
            } else if (isXzero(op)) {
                sb.append("Z:").append(xzeroLen(op, at(v, p + 1)));
                p += 2;
            } else {
                sb.append("v:").append(valValue(op)).append(',').append(valLen(op));
                p++;
            }
        }
        return sb.toString();
    }

    /**
     * Folds a valid value's registers into {@code max} (hllMerge): max[i] = MAX(max[i], register i). False when the
     * value is sparse and corrupt; {@code max} may then be partly updated.
     */
    public static boolean merge(byte[] max, byte[] v) {
        if (v[ENCODING] == DENSE) {
            // Eight registers at a time: one read, spread to a byte each, and a byte-wise maximum with eight of max's.
            for (int g = 0; g < GROUPS; g++) {
                int at = g * 8;
                Bytes.putLongLE(max, at, maxBytes(Bytes.longLE(max, at), spread(group(v, HEADER, g))));
            }
            return true;
        }
        long i = 0;
        int p = HEADER;
        while (p < v.length) {
            int op = v[p] & 0xff;
            if (isZero(op)) {
                i += zeroLen(op);
                p++;
            } else if (isXzero(op)) {
                i += xzeroLen(op, at(v, p + 1));
                p += 2;
            } else {
                int runlen = valLen(op);
                int regval = valValue(op);
                if (i + runlen > REGISTERS) {
                    return false;
                }
                for (int k = 0; k < runlen; k++) {
                    if (regval > max[(int) i]) {
                        max[(int) i] = (byte) regval;
                    }
                    i++;
                }
                p++;
            }
            if (i > REGISTERS) {
                return false;
            }
        }
        return i == REGISTERS;
    }

    /**
     * The estimated cardinality of a valid value (hllCount), or null when it is sparse and corrupt. Returned as
     * Redis's uint64 reinterpreted as signed, so an estimate out of range reads as Long.MIN_VALUE like Redis's reply.
     */
    public static Long count(byte[] v) {
        int[] histo = new int[64];
        if (v[ENCODING] == DENSE) {
            for (int g = 0; g < GROUPS; g++) {
                countGroup(histo, spread(group(v, HEADER, g)));
            }
        } else if (!sparseHistogram(v, histo)) {
            return null;
        }
        return estimate(histo);
    }

    /** The estimated cardinality of plain one-byte registers (PFCOUNT of several keys). */
    public static long countRaw(byte[] registers) {
        int[] histo = new int[64];
        // Eight registers a read; runs of empty registers (most of them in a small set) count as one step.
        for (int i = 0; i < REGISTERS; i += 8) {
            long w = Bytes.longLE(registers, i);
            if (w == 0) {
                histo[0] += 8;
            } else {
                countGroup(histo, w);
            }
        }
        return estimate(histo);
    }

    private static boolean sparseHistogram(byte[] v, int[] histo) {
        long idx = 0;
        int p = HEADER;
        while (p < v.length) {
            int op = v[p] & 0xff;
            int runlen;
            int regval = 0;
            if (isZero(op)) {
                runlen = zeroLen(op);
                p++;
            } else if (isXzero(op)) {
                runlen = xzeroLen(op, at(v, p + 1));
                p += 2;
            } else {
                runlen = valLen(op);
                regval = valValue(op);
                p++;
            }
            if (idx + runlen > REGISTERS) {
                return false;
            }
            idx += runlen;
            histo[regval] += runlen;
        }
        return idx == REGISTERS;
    }

    /** Otmar Ertl's estimator over the register histogram, as Redis 7.0 computes it (doubles, then llroundl). */
    private static long estimate(int[] histo) {
        double m = REGISTERS;
        double z = m * tau((m - histo[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += histo[j];
            z *= 0.5;
        }
        z += m * sigma(histo[0] / m);
        return llround(ALPHA_INF * m * m / z);
    }

    /** llroundl on x86-64 for the estimator's non-negative values: halves up; out of range gives LLONG_MIN. */
    private static long llround(double x) {
        if (!(x < 0x1p63)) {
            return Long.MIN_VALUE;
        }
        double r = Math.floor(x);
        return (long) r + (x - r >= 0.5 ? 1 : 0);
    }

    private static double sigma(double x) {
        if (x == 1.) {
            return Double.POSITIVE_INFINITY;
        }
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    private static double tau(double x) {
        if (x == 0. || x == 1.) {
            return 0.;
        }
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            z -= Math.pow(1 - x, 2) * y;
        } while (zPrime != z);
        return z / 3;
    }

    // ---- PFSELFTEST ----

    /**
     * Redis's PFSELFTEST: 1000 rounds of random values in every register must read back unchanged (no field
     * disturbing its neighbours); then 10 million distinct elements go into a dense and a sparse HyperLogLog, which
     * must agree (the sparse one staying sparse while small) and stay within six standard errors at each power of
     * ten. Returns the TESTFAILED error text, or null when every check passed.
     */
    public static String selfTest(Random rnd, long sparseMaxBytes) {
        byte[] registers = new byte[DENSE_SIZE];
        int[] expected = new int[REGISTERS];
        for (int j = 0; j < 1000; j++) {
            for (int i = 0; i < REGISTERS; i++) {
                expected[i] = rnd.nextInt(REGISTER_MAX + 1);
                denseSet(registers, HEADER, i, expected[i]);
            }
            for (int i = 0; i < REGISTERS; i++) {
                int got = denseGet(registers, HEADER, i);
                if (got != expected[i]) {
                    return "TESTFAILED Register " + i + " should be " + expected[i] + " but is " + got;
                }
            }
        }
        HyperLogLog dense = create();
        dense.toDense();
        HyperLogLog sparse = create();
        double relerr = 1.04 / Math.sqrt(REGISTERS);
        long checkpoint = 1;
        long seed = rnd.nextLong();
        byte[] ele = new byte[8];
        for (long j = 1; j <= 10_000_000; j++) {
            long e = j ^ seed;
            for (int b = 0; b < 8; b++) {
                ele[b] = (byte) (e >>> (8 * b));
            }
            dense.add(ele, sparseMaxBytes);
            sparse.add(ele, sparseMaxBytes);
            if (j != checkpoint) {
                continue;
            }
            if (j < sparseMaxBytes / 2 && !sparse.isSparse()) {
                return "TESTFAILED sparse encoding not used";
            }
            long card = count(dense.toBytes());
            if (card != count(sparse.toBytes())) {
                return "TESTFAILED dense/sparse disagree";
            }
            long maxerr = j == 10 ? 1 : (long) Math.ceil(relerr * 6 * checkpoint);
            long abserr = Math.abs(checkpoint - card);
            if (abserr > maxerr) {
                return "TESTFAILED Too big error. card:" + checkpoint + " abserr:" + abserr;
            }
            checkpoint *= 10;
        }
        return null;
    }
}
