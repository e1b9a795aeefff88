package io.jredis.persistence.rdb;

import io.jredis.server.util.Bytes;
import java.util.Arrays;

/**
 * Reads Redis's ziplist blob, the pre-7.0 compact encoding still found in RDB types 10, 12, 13 and 14 (written by
 * Redis 3.2 to 6.2): {@code <uint32 LE bytes><uint32 LE tail offset><uint16 LE count>} then entries and {@code FF}.
 * Each entry is a previous-entry length (1 byte, or {@code FE} + uint32 LE), an encoding (string lengths of 6, 14
 * big-endian or 32 big-endian bits; int16/32/64, int24, int8 or a 4-bit immediate 0..12) and its data.
 */
public final class Ziplist {
    private static final int HEADER = 10;
    private final byte[] zl;
    private final int declaredCount;
    private int pos = HEADER;
    private int prevLen;
    private int seen;
    private boolean isInt;
    private long intValue;
    private int strOff;
    private int strLen;

    public Ziplist(byte[] zl) {
        if (zl.length < HEADER + 1) {
            throw new IllegalArgumentException("ziplist shorter than its header");
        }
        long total = le(zl, 0, 4) & 0xffffffffL;
        if (total != zl.length) {
            throw new IllegalArgumentException("ziplist header says " + total + " bytes, blob has " + zl.length);
        }
        if ((zl[zl.length - 1] & 0xff) != 0xff) {
            throw new IllegalArgumentException("ziplist does not end with its terminator");
        }
        this.zl = zl;
        this.declaredCount = (int) le(zl, 8, 2);
    }

    /** Moves to the next entry; false (after checking the count) at the end. */
    public boolean next() {
        if ((zl[pos] & 0xff) == 0xff) {
            if (pos != zl.length - 1) {
                throw new IllegalArgumentException("ziplist terminator before the end of the blob");
            }
            if (declaredCount != 65535 && declaredCount != seen) {
                throw new IllegalArgumentException("ziplist header counts " + declaredCount + " entries, found "
                        + seen);
            }
            return false;
        }
        int start = pos;
        int prev;
        if ((zl[pos] & 0xff) == 0xfe) {
            need(5);
            prev = (int) le(zl, pos + 1, 4);
            pos += 5;
        } else {
            prev = zl[pos] & 0xff;
            pos += 1;
        }
        if (prev != prevLen) {
            throw new IllegalArgumentException("ziplist entry prevlen " + prev + " does not match " + prevLen);
        }
        need(1);
        int b = zl[pos] & 0xff;
        isInt = true;
        switch (b >>> 6) {
            case 0 -> string(pos + 1, b & 0x3f);
            case 1 -> {
                need(2);
                string(pos + 2, ((b & 0x3f) << 8) | (zl[pos + 1] & 0xff));
            }
            case 2 -> {
                need(5);
                long len = (zl[pos + 1] & 0xffL) << 24 | (zl[pos + 2] & 0xffL) << 16 | (zl[pos + 3] & 0xffL) << 8
                        | (zl[pos + 4] & 0xffL);
                if (len > zl.length) {
                    throw new IllegalArgumentException("ziplist string length " + len + " past the blob");
                }
                string(pos + 5, (int) len);
            }
            default -> {
                switch (b) {
                    case 0xc0 -> integer(2);
                    case 0xd0 -> integer(4);
                    case 0xe0 -> integer(8);
                    case 0xf0 -> integer(3);
                    case 0xfe -> integer(1);
                    default -> {
                        if (b >= 0xf1 && b <= 0xfd) {
                            intValue = (b & 0x0f) - 1;
                            pos += 1;
                        } else {
                            throw new IllegalArgumentException("invalid ziplist entry encoding 0x"
                                    + Integer.toHexString(b));
                        }
                    }
                }
            }
        }
        prevLen = pos - start;
        seen++;
        return true;
    }

    private void need(int n) {
        if (pos + n > zl.length - 1) {
            throw new IllegalArgumentException("ziplist entry past the end of the blob");
        }
    }

    private void string(int dataOff, int len) {
        if ((long) dataOff + len > zl.length - 1) {
            throw new IllegalArgumentException("ziplist string past the end of the blob");
        }
        isInt = false;
        strOff = dataOff;
        strLen = len;
        pos = dataOff + len;
    }

    private void integer(int bytes) {
        need(1 + bytes);
        long v = le(zl, pos + 1, bytes);
        int shift = 64 - 8 * bytes;
        intValue = (v << shift) >> shift;
        pos += 1 + bytes;
    }

    private static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (b[off + i] & 0xffL) << (8 * i);
        }
        return v;
    }

    /** The current entry as bytes; integers as their decimal text. */
    public byte[] bytes() {
        return isInt ? Bytes.fromLong(intValue) : Arrays.copyOfRange(zl, strOff, strOff + strLen);
    }

    /** The current entry read as a score. */
    public double score() {
        return isInt ? intValue : RdbInput.parseScore(zl, strOff, strLen);
    }
}
