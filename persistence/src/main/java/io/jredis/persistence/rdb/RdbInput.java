package io.jredis.persistence.rdb;

import io.jredis.server.util.Bytes;
import io.jredis.server.util.Crc64;
import io.jredis.server.util.Lzf;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads RDB primitives (Redis's rdbLoadLen, rdbGenericLoadStringObject ...) from a stream or a byte array, keeping
 * the offset for error messages and the CRC-64 of everything consumed. Lengths are checked against what is left of
 * the input, so a damaged length fails cleanly instead of allocating gigabytes.
 */
public final class RdbInput {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int len;
    /** Offset of {@code buf[0]} in the input. */
    private long base;
    private final long size;
    private long crc;
    /** First byte of {@code buf} not yet added to {@link #crc}. */
    private int crcFrom;

    /** Reads {@code size} bytes (the file's length) from {@code in}. */
    public RdbInput(InputStream in, long size) {
        this.in = in;
        this.buf = new byte[1 << 20];
        this.size = size;
    }

    /** Reads a byte array (a DUMP payload without its footer). */
    public RdbInput(byte[] data, int length) {
        this.in = null;
        this.buf = data;
        this.len = length;
        this.size = length;
    }

    public long offset() {
        return base + pos;
    }

    /** CRC-64 of every byte consumed so far. */
    public long crc() {
        crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
        crcFrom = pos;
        return crc;
    }

    public RdbException error(String message) {
        return new RdbException(message, offset());
    }

    private boolean fill() throws IOException {
        if (in == null) {
            return false;
        }
        crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
        base += pos;
        System.arraycopy(buf, pos, buf, 0, len - pos);
        len -= pos;
        pos = 0;
        crcFrom = 0;
        int n = in.read(buf, len, buf.length - len);
        if (n <= 0) {
            return false;
        }
        len += n;
        return true;
    }

    public int readByte() throws IOException {
        if (pos == len && !fill()) {
            throw eof();
        }
        return buf[pos++] & 0xff;
    }

    private RdbException eof() {
        return new RdbException("Unexpected EOF reading RDB file", offset(),
                "Short read or OOM loading DB. Unrecoverable error, aborting now.", new EOFException());
    }

    public void readFully(byte[] b, int off, int n) throws IOException {
        while (n > 0) {
            if (pos == len && !fill()) {
                throw eof();
            }
            int k = Math.min(n, len - pos);
            System.arraycopy(buf, pos, b, off, k);
            pos += k;
            off += k;
            n -= k;
        }
    }

    /** {@code n} bytes, after checking that the input still holds them. */
    public byte[] readBytes(long n) throws IOException {
        if (n < 0 || n > Integer.MAX_VALUE - 16) {
            throw error("Length " + n + " exceeds the " + Math.max(0, size - offset()) + " bytes left");
        }
        if (n > size - offset()) {
            // Where Redis would read up to the end of the file first.
            throw eof();
        }
        if (n <= len - pos) {
            byte[] b = Arrays.copyOfRange(buf, pos, pos + (int) n);
            pos += (int) n;
            return b;
        }
        byte[] b = new byte[(int) n];
        readFully(b, 0, b.length);
        return b;
    }

    public long readLE(int n) throws IOException {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) readByte() << (8 * i);
        }
        return v;
    }

    /** A length (Redis's rdbLoadLen); fails on the special string encodings, which are not lengths. */
    public long readLength() throws IOException {
        int b = readByte();
        int kind = b >>> 6;
        if (kind == 3) {
            throw error("Unexpected encoded value where a length was expected");
        }
        return lengthBody(b);
    }

    /** A length read as an unsigned 64-bit number (stream IDs and counters), as rdbLoadLen returns it. */
    public long readUnsignedLength() throws IOException {
        int b = readByte();
        if (b >>> 6 == 3) {
            throw error("Unexpected encoded value where a length was expected");
        }
        if (b == 0x81) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | readByte();
            }
            return v;
        }
        return lengthBody(b);
    }

    private long lengthBody(int b) throws IOException {
        switch (b >>> 6) {
            case 0:
                return b & 0x3f;
            case 1:
                return ((b & 0x3f) << 8) | readByte();
            default:
                if (b == 0x80) {
                    long v = 0;
                    for (int i = 0; i < 4; i++) {
                        v = (v << 8) | readByte();
                    }
                    return v;
                }
                if (b == 0x81) {
                    long v = 0;
                    for (int i = 0; i < 8; i++) {
                        v = (v << 8) | readByte();
                    }
                    if (v < 0) {
                        throw error("Length " + Long.toUnsignedString(v) + " out of range");
                    }
                    return v;
                }
                throw error("Unknown length encoding " + b + " in rdbLoadLen()");
        }
    }

    /** A length that must also fit an int (element counts). */
    public int readCount() throws IOException {
        long n = readLength();
        if (n > Integer.MAX_VALUE - 16) {
            throw error("Count " + n + " too large");
        }
        return (int) n;
    }

    /** A string in any of its encodings: integer, LZF-compressed or plain. */
    public byte[] readString() throws IOException {
        int b = readByte();
        if (b >>> 6 != 3) {
            return readBytes(lengthBody(b));
        }
        switch (b & 0x3f) {
            case 0:
                return Bytes.fromLong((byte) readLE(1));
            case 1:
                return Bytes.fromLong((short) readLE(2));
            case 2:
                return Bytes.fromLong((int) readLE(4));
            case 3: {
                long clen = readLength();
                long ulen = readLength();
                if (ulen > Integer.MAX_VALUE - 16) {
                    throw error("LZF string of " + ulen + " bytes too large");
                }
                long at = offset();
                byte[] c = readBytes(clen);
                try {
                    return Lzf.decompress(c, 0, c.length, (int) ulen);
                } catch (IllegalArgumentException e) {
                    throw new RdbException("Invalid LZF compressed string: " + e.getMessage(), at);
                }
            }
            default:
                throw error("Unknown RDB string encoding type " + (b & 0x3f));
        }
    }

    public double readBinaryDouble() throws IOException {
        return Double.longBitsToDouble(readLE(8));
    }

    /** A legacy double (ZSET type 3): a length byte, 253/254/255 for nan/+inf/-inf, else that many ASCII bytes. */
    public double readLegacyDouble() throws IOException {
        int n = readByte();
        switch (n) {
            case 253:
                return Double.NaN;
            case 254:
                return Double.POSITIVE_INFINITY;
            case 255:
                return Double.NEGATIVE_INFINITY;
            default:
                byte[] b = new byte[n];
                readFully(b, 0, n);
                try {
                    return parseScore(b);
                } catch (IllegalArgumentException e) {
                    throw error(e.getMessage());
                }
        }
    }

    /** A score stored as text, read as C's strtod reads it; throws {@link IllegalArgumentException} if it is not one. */
    public static double parseScore(byte[] b) {
        return parseScore(b, 0, b.length);
    }

    /** {@link #parseScore(byte[])} of {@code b[off, off+len)}. */
    public static double parseScore(byte[] b, int off, int len) {
        double fast = plainDecimal(b, off, len);
        if (fast == fast) {
            return fast;
        }
        byte[] text = off == 0 && len == b.length ? b : Arrays.copyOfRange(b, off, off + len);
        double[] d = new double[1];
        if (!Bytes.parseDouble(text, d)) {
            throw new IllegalArgumentException("Invalid score '" + Bytes.str(text) + "'");
        }
        return d[0];
    }

    /** 10^0 .. 10^22, every one exact in a double. */
    private static final double[] POW10 = new double[23];
    /** 10^0 .. 10^18, as longs. */
    private static final long[] LPOW10 = new long[19];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
        long q = 1;
        for (int i = 0; i < LPOW10.length; i++) {
            LPOW10[i] = q;
            q *= 10;
        }
    }

    /**
     * Scores in listpacks are short decimals ({@code 12.5}) or %.17g texts ({@code 12.300000000000001}); both are
     * read here without the general parser, with strtod's result: the double nearest to the decimal. NaN when the
     * text has another form (exponent, more than 18 digits, ...), for the general parser.
     */
    private static double plainDecimal(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        boolean negative = i < end && b[i] == '-';
        if (negative) {
            i++;
        }
        long m = 0;
        int digits = 0;
        int dot = -1;
        for (; i < end; i++) {
            int c = b[i];
            if (c >= '0' && c <= '9') {
                if (++digits > 18) {
                    return Double.NaN;
                }
                m = m * 10 + (c - '0');
            } else if (c == '.' && dot < 0 && digits > 0) {
                dot = digits;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0 || dot == digits) {
            return Double.NaN;
        }
        int k = dot < 0 ? 0 : digits - dot;
        double v;
        if (m < 1L << 53) {
            // Both operands exact, and IEEE division rounds correctly: exactly strtod's result.
            v = m / POW10[k];
        } else {
            v = nearest(m, k);
            if (v != v) {
                return v;
            }
        }
        return negative ? -v : v;
    }

    /**
     * The double nearest to {@code m / 10^k} for {@code 2^53 <= m < 10^18}: a candidate from floating division
     * (within an ulp), moved until {@code m / 10^k} lies strictly between the midpoints to its neighbours, checked
     * in exact 128-bit integer arithmetic. NaN in the cases left to the general parser (ties, tiny or huge values).
     */
    private static double nearest(long m, int k) {
        double c = m / POW10[k];
        long ten = LPOW10[k];
        for (int attempt = 0; attempt < 3; attempt++) {
            long bits = Double.doubleToRawLongBits(c);
            long frac = bits & ((1L << 52) - 1);
            int e = (int) (bits >>> 52) - 1075;
            int shift = 1 - e;
            if (frac == 0 || shift < 1 || shift > 66) {
                return Double.NaN;
            }
            long mant = frac | 1L << 52;
            // m / 10^k against (2 mant -/+ 1) 2^(e-1), both sides times 10^k 2^(1-e): integers below 2^127.
            long aHi = shift >= 64 ? m << (shift - 64) : m >>> (64 - shift);
            long aLo = shift >= 64 ? 0 : m << shift;
            int low = compare128(aHi, aLo, Math.multiplyHigh(2 * mant - 1, ten), (2 * mant - 1) * ten);
            int high = compare128(aHi, aLo, Math.multiplyHigh(2 * mant + 1, ten), (2 * mant + 1) * ten);
            if (low > 0 && high < 0) {
                return c;
            }
            if (low == 0 || high == 0) {
                return Double.NaN;
            }
            c = low < 0 ? Math.nextDown(c) : Math.nextUp(c);
        }
        return Double.NaN;
    }

    /** Compares two non-negative 128-bit integers given as high and low halves. */
    private static int compare128(long aHi, long aLo, long bHi, long bLo) {
        return aHi != bHi ? Long.compare(aHi, bHi) : Long.compareUnsigned(aLo, bLo);
    }
}
