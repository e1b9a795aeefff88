package io.jredis.server.protocol;

import io.jredis.server.util.Digits;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Commands encoded as RESP multibulk ({@code *N}, then {@code $len} and the bytes of each argument) into one
 * growable array: the AOF's records, the replication stream, MIGRATE's requests and commands jredis sends as a
 * client. Every write command passes through here once per AOF and once per replication stream, so lengths are
 * written as digits straight into the array, without a String.
 */
public final class CommandEncoder {
    private byte[] buf;
    private int len;

    /** An empty encoder of {@code capacity} bytes to start with. */
    public CommandEncoder(int capacity) {
        buf = new byte[capacity];
    }

    /** The encoded bytes are {@code array()[0 .. length())}; the array is replaced when the encoder grows. */
    public byte[] array() {
        return buf;
    }

    /** Bytes encoded since the last {@link #clear()} or {@link #take()}. */
    public int length() {
        return len;
    }

    /**
     * Starts empty again; a buffer a big command grew past {@code keep} bytes is dropped rather than kept for the
     * server's life.
     */
    public void clear(int keep) {
        len = 0;
        if (buf.length > keep) {
            buf = new byte[Math.min(keep, 4096)];
        }
    }

    /** The contents, and the encoder starts empty again. */
    public byte[] take() {
        byte[] out = Arrays.copyOf(buf, len);
        clear(1 << 20);
        return out;
    }

    /** Appends {@code argv} as one command. */
    public CommandEncoder command(byte[][] argv) {
        header('*', argv.length);
        for (byte[] a : argv) {
            bulk(a, 0, a.length);
        }
        return this;
    }

    /** Appends {@code kind} (e.g. {@code '*'}) and {@code n >= 0} in decimal, then CRLF. */
    public void header(char kind, long n) {
        ensure(23);
        buf[len++] = (byte) kind;
        if (n < 10) {
            buf[len++] = (byte) ('0' + n);
        } else {
            int end = len + Digits.count(n);
            Digits.write(n, buf, end);
            len = end;
        }
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    /** Appends one bulk string: {@code $n}, the bytes, CRLF. */
    public void bulk(byte[] b, int off, int n) {
        header('$', n);
        ensure(n + 2);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    /** Appends ASCII text as it is, e.g. an AOF {@code #TS:<unix>\r\n} annotation. */
    public void raw(String ascii) {
        byte[] b = ascii.getBytes(StandardCharsets.US_ASCII);
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }
}
