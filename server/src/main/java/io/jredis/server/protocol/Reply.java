package io.jredis.server.protocol;

import io.jredis.server.util.Digits;
import io.jredis.server.util.Doubles;
import io.netty.buffer.ByteBuf;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes replies in the client's protocol (RESP2 or RESP3) into a buffer that is flushed once per read batch.
 * Aggregates degrade as Redis degrades them for RESP2: maps become flat arrays, sets arrays, nulls {@code $-1}/{@code *-1}.
 */
public final class Reply {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] SMALL_INTS = new byte[128][];
    /** Bulk values up to this size are written with their header and CRLF in one copy into the reply buffer. */
    private static final int SMALL_BULK = 128;

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            SMALL_INTS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final ReplySink sink;
    /**
     * Where a reply is assembled before one write into the buffer: a header line (type byte, sign, 19 digits, CRLF),
     * or a whole small bulk reply (header, value, CRLF).
     */
    private final byte[] scratch = new byte[24 + SMALL_BULK + 2];
    private int protocol = 2;

    public Reply(ReplySink sink) {
        this.sink = sink;
    }

    /** The buffer replies go to; obtained lazily so idle clients hold no memory. */
    public interface ReplySink {
        ByteBuf buffer();

        /**
         * Told of a reply piece longer than {@link #PIECE_BYTES} that Redis would copy into its reply buffers at once
         * (a bulk value), {@code length} bytes at {@code at} in {@code b}, as written: Redis gives what of it does
         * not fit its last reply block a block of that length.
         */
        default void piece(ByteBuf b, int at, int length) {
        }
    }

    /** PROTO_REPLY_CHUNK_BYTES: a reply piece longer than this may get a reply block of its own in Redis. */
    public static final int PIECE_BYTES = 16 * 1024;

    public int protocol() {
        return protocol;
    }

    public void protocol(int version) {
        this.protocol = version;
    }

    public boolean resp3() {
        return protocol == 3;
    }

    /** Room for a header-sized write (type byte, 20 digits, CRLF). */
    private ByteBuf buf() {
        return buf(32);
    }

    /**
     * The sink's buffer with at least {@code need} writable bytes. Netty grows buffers past 4 MiB in 4 MiB steps,
     * which makes a 100 MB reply batch (a pipeline of GETs of a big value) cost gigabytes of copying and zeroing;
     * doubling keeps the copying linear in the reply size.
     */
    private ByteBuf buf(int need) {
        ByteBuf b = sink.buffer();
        if (b.writableBytes() < need) {
            long cap = Math.max((long) b.writerIndex() + need, 2L * b.capacity());
            b.capacity((int) Math.min(cap, b.maxCapacity()));
        }
        return b;
    }

    public void ok() {
        buf().writeBytes(OK);
    }

    /** A status reply ({@code +text}); CR and LF become spaces, as Redis strips them from status replies. */
    public void simple(String s) {
        ByteBuf b = buf(s.length() + 3);
        b.writeByte('+');
        writeLine(b, s);
        b.writeBytes(CRLF);
    }

    /** An error reply; {@code msg} starts with its code ({@code ERR ...}, {@code WRONGTYPE ...}). */
    public void error(String msg) {
        ByteBuf b = buf(msg.length() + 3);
        b.writeByte('-');
        writeLine(b, msg);
        b.writeBytes(CRLF);
    }

    /** Newlines inside a status or error line would break the protocol; Redis replaces them with spaces. */
    private static void writeLine(ByteBuf b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            b.writeByte(ch == '\r' || ch == '\n' ? ' ' : (byte) ch);
        }
    }

    public void integer(long v) {
        if (v >= 0 && v < SMALL_INTS.length) {
            buf().writeBytes(SMALL_INTS[(int) v]);
            return;
        }
        writeHeader(buf(), ':', v);
    }

    /** An integer reply from the digits of a long (INCR's new value, just stored): no second formatting. */
    public void integer(byte[] digits) {
        int len = digits.length + 3;
        byte[] h = scratch;
        h[0] = ':';
        System.arraycopy(digits, 0, h, 1, digits.length);
        h[len - 2] = '\r';
        h[len - 1] = '\n';
        buf(len).writeBytes(h, 0, len);
    }

    public void bulk(byte[] v) {
        if (v == null) {
            nullBulk();
            return;
        }
        bulk(v, 0, v.length);
    }

    public void bulk(byte[] v, int off, int len) {
        if (len <= SMALL_BULK) {
            // Header, value and CRLF in one write: most values are small (GET's reply).
            byte[] h = scratch;
            int n = line(h, '$', len);
            System.arraycopy(v, off, h, n, len);
            n += len;
            h[n++] = '\r';
            h[n++] = '\n';
            buf(n).writeBytes(h, 0, n);
            return;
        }
        ByteBuf b = buf(len + 32);
        writeHeader(b, '$', len);
        if (len > PIECE_BYTES) {
            sink.piece(b, b.writerIndex(), len);
        }
        b.writeBytes(v, off, len);
        b.writeBytes(CRLF);
    }

    public void bulk(String s) {
        if (s == null) {
            nullBulk();
            return;
        }
        bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    public void bulk(long v) {
        bulk(Long.toString(v));
    }

    /** RESP3 verbatim string ({@code =len\r\ntxt:...}); a bulk string in RESP2. Used by INFO, CLIENT LIST. */
    public void verbatim(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (!resp3()) {
            bulk(bytes);
            return;
        }
        ByteBuf b = buf(bytes.length + 40);
        writeHeader(b, '=', bytes.length + 4);
        b.writeCharSequence("txt:", StandardCharsets.US_ASCII);
        if (bytes.length > PIECE_BYTES) {
            sink.piece(b, b.writerIndex(), bytes.length);
        }
        b.writeBytes(bytes);
        b.writeBytes(CRLF);
    }

    public void nullBulk() {
        buf().writeBytes(resp3() ? NULL3 : NULL_BULK);
    }

    public void nullArray() {
        buf().writeBytes(resp3() ? NULL3 : NULL_ARRAY);
    }

    public void array(long n) {
        header('*', n);
    }

    public void map(int n) {
        if (resp3()) {
            header('%', n);
        } else {
            header('*', n * 2);
        }
    }

    public void set(int n) {
        header(resp3() ? '~' : '*', n);
    }

    /** RESP3 push ({@code >}); RESP2 clients get an array, which is how pub/sub messages always looked. */
    public void push(int n) {
        header(resp3() ? '>' : '*', n);
    }

    public void dbl(double d) {
        if (resp3()) {
            ByteBuf b = buf();
            b.writeByte(',');
            b.writeCharSequence(Doubles.g17(d), StandardCharsets.US_ASCII);
            b.writeBytes(CRLF);
        } else {
            bulk(Doubles.g17(d));
        }
    }

    /** RESP3 big number ({@code (digits}); a bulk string in RESP2, as Redis's addReplyBigNum. */
    public void bigNumber(String digits) {
        if (!resp3()) {
            bulk(digits);
            return;
        }
        ByteBuf b = buf(digits.length() + 3);
        b.writeByte('(');
        b.writeCharSequence(digits, StandardCharsets.US_ASCII);
        b.writeBytes(CRLF);
    }

    public void bool(boolean v) {
        if (resp3()) {
            buf().writeCharSequence(v ? "#t\r\n" : "#f\r\n", StandardCharsets.US_ASCII);
        } else {
            integer(v ? 1 : 0);
        }
    }

    /** Writes pre-encoded RESP bytes as they are (replies cached from a previous encoding). */
    public void raw(byte[] encoded) {
        buf(encoded.length).writeBytes(encoded);
    }

    /**
     * Writes a generic value tree: byte[]/String as bulk, Long/Integer as integer, Double as double, BigInteger as big
     * number, Boolean, List as array, Set as set, Map as map, {@link Status} and {@link RespError} as their kinds,
     * null as null.
     */
    public void value(Object v) {
        if (v == null) {
            nullBulk();
        } else if (v instanceof byte[] b) {
            bulk(b);
        } else if (v instanceof String s) {
            bulk(s);
        } else if (v instanceof Long || v instanceof Integer) {
            integer(((Number) v).longValue());
        } else if (v instanceof Double d) {
            dbl(d);
        } else if (v instanceof BigInteger bi) {
            bigNumber(bi.toString());
        } else if (v instanceof Boolean bo) {
            bool(bo);
        } else if (v instanceof Status st) {
            simple(st.text());
        } else if (v instanceof RespError er) {
            error(er.text());
        } else if (v instanceof Map<?, ?> m) {
            map(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                value(e.getKey());
                value(e.getValue());
            }
        } else if (v instanceof Set<?> s) {
            set(s.size());
            for (Object o : s) {
                value(o);
            }
        } else if (v instanceof Collection<?> l) {
            array(l.size());
            for (Object o : l) {
                value(o);
            }
        } else {
            throw new IllegalArgumentException("not a RESP value: " + v.getClass());
        }
    }

    /** A simple-string value in a value tree. */
    public record Status(String text) {}

    /** An error value in a value tree. */
    public record RespError(String text) {}

    public void strings(List<String> items) {
        array(items.size());
        for (String s : items) {
            bulk(s);
        }
    }

    private void header(char kind, long n) {
        writeHeader(buf(), kind, n);
    }

    /**
     * Writes {@code kind}, the digits of {@code n} and CRLF with one copy into the buffer: every reply starts with
     * such a line, and each separate write into a Netty buffer pays its bounds and reference-count checks.
     */
    private void writeHeader(ByteBuf b, char kind, long n) {
        if (n == Long.MIN_VALUE) {
            // Its negation does not fit a long.
            b.writeByte(kind);
            b.writeBytes(MIN_LONG);
            b.writeBytes(CRLF);
            return;
        }
        b.writeBytes(scratch, 0, line(scratch, kind, n));
    }

    /** Puts {@code kind}, the digits of {@code n} (not Long.MIN_VALUE) and CRLF at the start of {@code h}. */
    private static int line(byte[] h, char kind, long n) {
        long u = n < 0 ? -n : n;
        int len = 1 + (n < 0 ? 1 : 0) + Digits.count(u) + 2;
        h[0] = (byte) kind;
        if (n < 0) {
            h[1] = '-';
        }
        Digits.write(u, h, len - 2);
        h[len - 2] = '\r';
        h[len - 1] = '\n';
        return len;
    }
}
