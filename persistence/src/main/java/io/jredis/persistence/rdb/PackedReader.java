package io.jredis.persistence.rdb;

import io.jredis.server.util.Bytes;
import java.util.Arrays;

/**
 * What the ziplist and listpack readers share: the entry they stand on (an integer, or a slice of the blob) and the
 * bounds-checked decoding of its string and little-endian integer payloads. Damage throws
 * {@link IllegalArgumentException} naming the format.
 */
abstract sealed class PackedReader permits Ziplist, Listpack.Reader {
    /** The encoded blob, its terminator byte last. */
    final byte[] blob;
    /** "ziplist" or "listpack", for the damage messages. */
    private final String format;
    /** The offset of the next byte to decode. */
    int pos;
    /** Entries decoded so far, checked against the header's count at the terminator. */
    int seen;
    boolean isInt;
    long intValue;
    private int strOff;
    private int strLen;

    PackedReader(String format, byte[] blob, int header) {
        this.format = format;
        this.blob = blob;
        this.pos = header;
    }

    /** Fails unless the {@code n} bytes at {@code pos} lie before the terminator. */
    final void need(int n) {
        if (pos + n > blob.length - 1) {
            throw new IntegrityException(format + " entry past the end of the blob");
        }
    }

    /** The current entry is the string of {@code len} bytes at {@code dataOff}; moves past it. */
    final void string(int dataOff, int len) {
        if ((long) dataOff + len > blob.length - 1) {
            throw new IntegrityException(format + " string past the end of the blob");
        }
        isInt = false;
        strOff = dataOff;
        strLen = len;
        pos = dataOff + len;
    }

    /** The current entry is the signed little-endian integer of {@code bytes} bytes after the encoding byte. */
    final void integer(int bytes) {
        need(1 + bytes);
        long v = le(blob, pos + 1, bytes);
        int shift = 64 - 8 * bytes;
        intValue = (v << shift) >> shift;
        pos += 1 + bytes;
    }

    /** The unsigned little-endian integer of {@code n} bytes at {@code off}. */
    static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (b[off + i] & 0xffL) << (8 * i);
        }
        return v;
    }

    /** Moves to the next entry; false (after checking the count) at the end. */
    public abstract boolean next();

    public boolean isInt() {
        return isInt;
    }

    public long intValue() {
        return intValue;
    }

    /** The current entry as bytes; integers as their decimal text, as Redis returns them. */
    public byte[] bytes() {
        return isInt ? Bytes.fromLong(intValue) : Arrays.copyOfRange(blob, strOff, strOff + strLen);
    }

    /** The current entry read as a score: integers exactly, strings as {@code strtod} reads them. */
    public double score() {
        return isInt ? intValue : RdbInput.parseScore(blob, strOff, strLen);
    }
}
