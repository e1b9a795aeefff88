package io.jredis.persistence.aof;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer that encodes commands as RESP multibulk, the AOF's record format (and MIGRATE's). */
public final class RespBuffer {
    private byte[] buf;
    private int len;

    /** An empty buffer of {@code capacity} bytes to start with. */
    public RespBuffer(int capacity) {
        buf = new byte[capacity];
    }

    int length() {
        return len;
    }

    /** The contents, and the buffer starts empty again. */
    public byte[] take() {
        byte[] out = Arrays.copyOf(buf, len);
        len = 0;
        if (buf.length > 1 << 20) {
            buf = new byte[4096];
        }
        return out;
    }

    /** {@code *N} then each argument as {@code $len\r\n<bytes>\r\n}. */
    public void command(byte[][] argv) {
        header('*', argv.length);
        for (byte[] a : argv) {
            bulk(a, 0, a.length);
        }
    }

    void header(char kind, long n) {
        ensure(24);
        buf[len++] = (byte) kind;
        ascii(Long.toString(n));
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    void bulk(byte[] b, int off, int n) {
        header('$', n);
        ensure(n + 2);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    void bulk(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        bulk(b, 0, b.length);
    }

    /** Raw text, e.g. a {@code #TS:<unix>\r\n} annotation. */
    void raw(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }
}
