package io.jredis.persistence.rdb;

import io.jredis.server.util.Bytes;
import io.jredis.server.util.Crc64;
import io.jredis.server.util.Doubles;
import io.jredis.server.util.Lzf;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Writes RDB primitives as Redis's rdb.c does: lengths, strings (integer-encoded when they are small canonical
 * integers, LZF-compressed when {@code rdbcompression} is on and it saves at least four bytes), doubles and
 * fixed-width integers, keeping the running CRC-64 of everything written.
 */
public final class RdbOutput {
    private static final int BUFFER = 64 * 1024;

    private final OutputStream out;
    private final boolean compress;
    private final boolean checksum;
    private byte[] buf;
    private int pos;
    private long flushed;
    private long crc;
    private byte[] lzf = new byte[256];
    private final long[] num = new long[1];
    /** Reused for every listpack this output encodes, so saving does not allocate one buffer per value. */
    private final Listpack.Builder listpack = new Listpack.Builder(256);
    private byte[] scratch = new byte[256];

    /** Writes to {@code out} through a 64 KB buffer. */
    public RdbOutput(OutputStream out, boolean compress, boolean checksum) {
        this.out = out;
        this.compress = compress;
        this.checksum = checksum;
        this.buf = new byte[BUFFER];
    }

    /** Writes into memory (DUMP payloads); read the result with {@link #toByteArray()}. */
    public RdbOutput(boolean compress) {
        this.out = null;
        this.compress = compress;
        this.checksum = true;
        this.buf = new byte[256];
    }

    /** Bytes written so far. */
    public long position() {
        return flushed + pos;
    }

    /** CRC-64 of every byte written so far (0 when checksums are off). */
    public long crc() {
        return checksum ? Crc64.update(crc, buf, 0, pos) : 0;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int n) throws IOException {
        if (pos + n <= buf.length) {
            return;
        }
        if (out == null) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            return;
        }
        flushBuffer();
        if (n > buf.length) {
            buf = new byte[n];
        }
    }

    private void flushBuffer() throws IOException {
        if (checksum) {
            crc = Crc64.update(crc, buf, 0, pos);
        }
        out.write(buf, 0, pos);
        flushed += pos;
        pos = 0;
    }

    /** Pushes buffered bytes to the stream. */
    public void flush() throws IOException {
        if (out != null) {
            flushBuffer();
            out.flush();
        }
    }

    public void writeByte(int b) throws IOException {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    public void writeRaw(byte[] b, int off, int len) throws IOException {
        if (out != null && len > buf.length / 2) {
            flushBuffer();
            if (checksum) {
                crc = Crc64.update(crc, b, off, len);
            }
            out.write(b, off, len);
            flushed += len;
            return;
        }
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    public void writeRaw(byte[] b) throws IOException {
        writeRaw(b, 0, b.length);
    }

    /** An integer of {@code n} bytes, little-endian. */
    public void writeLE(long v, int n) throws IOException {
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
    }

    /**
     * Redis's rdbSaveLen: 6 bits, 14 bits (big-endian), {@code 80} + 32 bits or {@code 81} + 64 bits; {@code len} is
     * unsigned (stream IDs and counters use the whole 64 bits).
     */
    public void writeLength(long len) throws IOException {
        ensure(9);
        if (len >= 0 && len < (1 << 6)) {
            buf[pos++] = (byte) len;
        } else if (len >= 0 && len < (1 << 14)) {
            buf[pos++] = (byte) (0x40 | (len >>> 8));
            buf[pos++] = (byte) len;
        } else if (len >= 0 && len <= 0xffffffffL) {
            buf[pos++] = (byte) 0x80;
            for (int i = 3; i >= 0; i--) {
                buf[pos++] = (byte) (len >>> (8 * i));
            }
        } else {
            buf[pos++] = (byte) 0x81;
            for (int i = 7; i >= 0; i--) {
                buf[pos++] = (byte) (len >>> (8 * i));
            }
        }
    }

    /** Whether strings are LZF-compressed (rdbcompression). */
    public boolean compresses() {
        return compress;
    }

    public void writeString(byte[] s) throws IOException {
        writeString(s, 0, s.length);
    }

    /** Redis's rdbSaveRawString: integer encoding, then LZF, then length-prefixed bytes. */
    public void writeString(byte[] s, int off, int len) throws IOException {
        if (len <= 11 && writeIntEncoded(s, off, len)) {
            return;
        }
        if (compress && len > 20 && writeLzf(s, off, len)) {
            return;
        }
        writeLength(len);
        writeRaw(s, off, len);
    }

    /** A string holding {@code v}'s decimal text, integer-encoded when it fits 32 bits (Redis's rdbSaveLongLongAsStringObject). */
    public void writeLongString(long v) throws IOException {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            writeInt(v);
        } else {
            byte[] s = Bytes.fromLong(v);
            writeLength(s.length);
            writeRaw(s);
        }
    }

    /**
     * This output's listpack builder, emptied: build a value's listpack in it and write it with {@link
     * #writeListpack}, before asking for it again.
     */
    public Listpack.Builder listpack() {
        return listpack.reset();
    }

    /** Finishes {@code lp} and writes it as one RDB string (integer-encoded or compressed as any string). */
    public void writeListpack(Listpack.Builder lp) throws IOException {
        int len = lp.finish();
        writeString(lp.array(), 0, len);
    }

    /** Writes {@code sorted[0, n)} (ascending, distinct) as an intset blob string, encoded in a reused buffer. */
    public void writeIntset(long[] sorted, int n) throws IOException {
        int len = Intset.encodedLength(sorted, n);
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        Intset.encode(sorted, n, scratch);
        writeString(scratch, 0, len);
    }

    private boolean writeIntEncoded(byte[] s, int off, int len) throws IOException {
        if (!Listpack.Builder.canonicalLong(s, off, len, num) || num[0] < Integer.MIN_VALUE
                || num[0] > Integer.MAX_VALUE) {
            return false;
        }
        writeInt(num[0]);
        return true;
    }

    private void writeInt(long v) throws IOException {
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            writeByte(0xc0);
            writeLE(v, 1);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            writeByte(0xc1);
            writeLE(v, 2);
        } else {
            writeByte(0xc2);
            writeLE(v, 4);
        }
    }

    /** Writes {@code C3 <compressed len> <original len> <bytes>} if LZF saves at least four bytes. */
    private boolean writeLzf(byte[] s, int off, int len) throws IOException {
        int max = len - 4;
        if (lzf.length < max) {
            lzf = new byte[Math.max(max, lzf.length * 2)];
        }
        int clen = Lzf.compress(s, off, len, lzf, max);
        if (clen == 0) {
            return false;
        }
        writeByte(0xc3);
        writeLength(clen);
        writeLength(len);
        writeRaw(lzf, 0, clen);
        return true;
    }

    /** An 8-byte little-endian IEEE double (ZSET_2 scores). */
    public void writeBinaryDouble(double d) throws IOException {
        writeLE(Double.doubleToRawLongBits(d), 8);
    }

    /**
     * Redis 7.0's {@code d2string}, the text a zset listpack stores for a score: integers in (-2^52, 2^52) as
     * integers, others as {@code %.17g}.
     */
    public static String scoreText(double score) {
        if (isIntegerScore(score)) {
            return Long.toString((long) score);
        }
        return Doubles.g17(score);
    }

    /** True when {@link #scoreText} prints {@code score} as an integer. */
    static boolean isIntegerScore(double score) {
        return score > -4503599627370495.0 && score < 4503599627370496.0 && score == (double) (long) score;
    }
}
