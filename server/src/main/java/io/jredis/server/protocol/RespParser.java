package io.jredis.server.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Parses replies (RESP2 and RESP3) into plain Java values: bulk strings as {@code byte[]}, simple strings as
 * {@link Reply.Status}, errors as {@link Reply.RespError}, integers as {@link Long}, doubles as {@link Double},
 * arrays and pushes as {@link List}, maps as {@link LinkedHashMap}, sets as {@link LinkedHashSet}, nulls as
 * {@link #NULL}. This is the client side of the protocol (replica links, Sentinel links, stored metadata).
 */
public final class RespParser {
    /** A parsed null (RESP2 {@code $-1}/{@code *-1}, RESP3 {@code _}); distinct from "need more bytes". */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "(nil)";
        }
    };

    private RespParser() {}

    /** Parses one value; returns {@code null} and leaves the reader index untouched if the bytes are incomplete. */
    public static Object parse(ByteBuf in) {
        int start = in.readerIndex();
        Object v = read(in);
        if (v == null) {
            in.readerIndex(start);
        }
        return v;
    }

    /** Parses every value in a complete byte array. */
    public static List<Object> parseAll(byte[] data) {
        ByteBuf in = Unpooled.wrappedBuffer(data);
        List<Object> out = new ArrayList<>();
        while (in.isReadable()) {
            Object v = parse(in);
            if (v == null) {
                throw new IllegalArgumentException("truncated RESP at offset " + in.readerIndex());
            }
            out.add(v);
        }
        return out;
    }

    private static Object read(ByteBuf in) {
        if (!in.isReadable()) {
            return null;
        }
        byte type = in.readByte();
        String line = readLine(in);
        if (line == null) {
            return null;
        }
        switch (type) {
            case '+':
                return new Reply.Status(line);
            case '-':
                return new Reply.RespError(line);
            case ':':
                return Long.parseLong(line);
            case ',':
                return parseDouble(line);
            case '#':
                return line.equals("t");
            case '_':
                return NULL;
            case '(':
                return new java.math.BigInteger(line);
            case '$':
            case '=':
            case '!': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return NULL;
                }
                if (in.readableBytes() < n + 2) {
                    return null;
                }
                byte[] b = new byte[n];
                in.readBytes(b);
                in.skipBytes(2);
                if (type == '=') {
                    // Verbatim strings carry a 3-letter format and a colon; callers want the text.
                    return java.util.Arrays.copyOfRange(b, Math.min(4, b.length), b.length);
                }
                if (type == '!') {
                    return new Reply.RespError(new String(b, StandardCharsets.UTF_8));
                }
                return b;
            }
            case '*':
            case '>':
            case '~': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return NULL;
                }
                java.util.Collection<Object> c = type == '~' ? new LinkedHashSet<>() : new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    Object e = read(in);
                    if (e == null) {
                        return null;
                    }
                    c.add(e);
                }
                return c;
            }
            case '%':
            case '|': {
                int n = Integer.parseInt(line);
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    Object k = read(in);
                    if (k == null) {
                        return null;
                    }
                    Object v = read(in);
                    if (v == null) {
                        return null;
                    }
                    m.put(k instanceof byte[] kb ? new String(kb, StandardCharsets.UTF_8) : k, v);
                }
                if (type == '|') {
                    // Attributes precede the real reply; they are metadata callers do not need.
                    return read(in);
                }
                return m;
            }
            default:
                throw new IllegalArgumentException("unknown RESP type byte '" + (char) type + "'");
        }
    }

    private static Double parseDouble(String s) {
        return switch (s) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }

    private static String readLine(ByteBuf in) {
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (eol < 0) {
            return null;
        }
        int len = eol - in.readerIndex();
        String s = in.toString(in.readerIndex(), len > 0 && in.getByte(eol - 1) == '\r' ? len - 1 : len,
                StandardCharsets.ISO_8859_1);
        in.readerIndex(eol + 1);
        return s;
    }

    /** Renders a parsed value as text, for logs and test failure messages. */
    public static String toText(Object v) {
        if (v instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (v instanceof Reply.Status s) {
            return s.text();
        }
        if (v instanceof Reply.RespError e) {
            return "(error) " + e.text();
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object o : l) {
                parts.add(toText(o));
            }
            return parts.toString();
        }
        return String.valueOf(v);
    }
}
