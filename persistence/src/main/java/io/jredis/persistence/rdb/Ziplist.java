package io.jredis.persistence.rdb;

/**
 * Reads Redis's ziplist blob, the pre-7.0 compact encoding still found in RDB types 10, 12, 13 and 14 (written by
 * Redis 3.2 to 6.2): {@code <uint32 LE bytes><uint32 LE tail offset><uint16 LE count>} then entries and {@code FF}.
 * Each entry is a previous-entry length (1 byte, or {@code FE} + uint32 LE), an encoding (string lengths of 6, 14
 * big-endian or 32 big-endian bits; int16/32/64, int24, int8 or a 4-bit immediate 0..12) and its data.
 */
public final class Ziplist extends PackedReader {
    private static final int HEADER = 10;
    private final int declaredCount;
    private final long tail;
    private int prevLen;
    private int lastStart;

    public Ziplist(byte[] zl) {
        super("ziplist", zl, HEADER);
        if (zl.length < HEADER + 1) {
            throw new IntegrityException("ziplist shorter than its header");
        }
        long total = le(zl, 0, 4) & 0xffffffffL;
        if (total != zl.length) {
            throw new IntegrityException("ziplist header says " + total + " bytes, blob has " + zl.length);
        }
        if ((zl[zl.length - 1] & 0xff) != 0xff) {
            throw new IntegrityException("ziplist does not end with its terminator");
        }
        this.tail = le(zl, 4, 4) & 0xffffffffL;
        if (tail > zl.length - 1) {
            throw new IntegrityException("ziplist tail offset " + tail + " past the blob");
        }
        this.declaredCount = (int) le(zl, 8, 2);
    }

    @Override
    public boolean next() {
        if ((blob[pos] & 0xff) == 0xff) {
            if (pos != blob.length - 1) {
                throw new IntegrityException("ziplist terminator before the end of the blob");
            }
            if (declaredCount != 65535 && declaredCount != seen) {
                throw new IntegrityException("ziplist header counts " + declaredCount + " entries, found "
                        + seen);
            }
            if (seen > 0 && tail != lastStart) {
                throw new IntegrityException("ziplist tail offset " + tail + " is not the last entry's " + lastStart);
            }
            return false;
        }
        int start = pos;
        int prev;
        if ((blob[pos] & 0xff) == 0xfe) {
            need(5);
            prev = (int) le(blob, pos + 1, 4);
            pos += 5;
        } else {
            prev = blob[pos] & 0xff;
            pos += 1;
        }
        if (prev != prevLen) {
            throw new IntegrityException("ziplist entry prevlen " + prev + " does not match " + prevLen);
        }
        need(1);
        int b = blob[pos] & 0xff;
        isInt = true;
        switch (b >>> 6) {
            case 0 -> string(pos + 1, b & 0x3f);
            case 1 -> {
                need(2);
                string(pos + 2, ((b & 0x3f) << 8) | (blob[pos + 1] & 0xff));
            }
            case 2 -> {
                need(5);
                long len = (blob[pos + 1] & 0xffL) << 24 | (blob[pos + 2] & 0xffL) << 16 | (blob[pos + 3] & 0xffL) << 8
                        | (blob[pos + 4] & 0xffL);
                if (len > blob.length) {
                    throw new IntegrityException("ziplist string length " + len + " past the blob");
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
                            throw new IntegrityException("invalid ziplist entry encoding 0x"
                                    + Integer.toHexString(b));
                        }
                    }
                }
            }
        }
        prevLen = pos - start;
        lastStart = start;
        seen++;
        return true;
    }
}
