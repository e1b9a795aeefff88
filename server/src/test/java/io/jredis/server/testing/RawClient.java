package io.jredis.server.testing;

import io.jredis.server.protocol.RespParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking RESP client over a plain socket: sends commands as multibulk (or raw bytes) and returns each
 * reply both parsed and as the exact bytes the server sent, so tests can compare byte for byte.
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteBuf buf = Unpooled.buffer();

    public RawClient(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends a command and returns its parsed reply. */
    public Object call(String... args) throws IOException {
        send(encode(args(args)));
        return read();
    }

    /** INFO {@code section} as text; an I/O error is unchecked, so that a poll ({@link Await#until}) can call it. */
    public String info(String section) {
        try {
            return text(call("INFO", section));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number {@code field} holds in INFO {@code section}, unchecked as {@link #info}. */
    public long infoLong(String section, String field) {
        return infoField(info(section), field);
    }

    /** The number {@code name} holds in an INFO text; fails the test when the text has no such field. */
    public static long infoField(String info, String name) {
        String value = infoValue(info, name);
        if (value == null) {
            throw new AssertionError("no " + name + " in " + info);
        }
        return Long.parseLong(value);
    }

    /** The value of {@code name} in an INFO text, null when the text has no such field. */
    public static String infoValue(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** The UTF-8 bytes of each argument, for {@link #callRaw} and {@link #encode}. */
    public static byte[][] args(String... args) {
        byte[][] b = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            b[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return b;
    }

    /** Sends a binary command and returns the exact bytes of its reply. */
    public byte[] callRaw(byte[]... args) throws IOException {
        send(encode(args));
        return readRaw();
    }

    public static byte[] encode(byte[]... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            o.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            o.writeBytes(a);
            o.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return o.toByteArray();
    }

    public void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Reads one reply, parsed. */
    public Object read() throws IOException {
        while (true) {
            Object v = RespParser.parse(buf);
            if (v != null) {
                buf.discardReadBytes();
                return v;
            }
            fill();
        }
    }

    /** Reads one reply and returns its exact bytes. */
    public byte[] readRaw() throws IOException {
        while (true) {
            int start = buf.readerIndex();
            Object v = RespParser.parse(buf);
            if (v != null) {
                byte[] raw = new byte[buf.readerIndex() - start];
                buf.getBytes(start, raw);
                buf.discardReadBytes();
                return raw;
            }
            fill();
        }
    }

    /** True once the server has closed the connection (reads return end of stream). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private void fill() throws IOException {
        byte[] chunk = new byte[16384];
        int n = in.read(chunk);
        if (n < 0) {
            throw new IOException("connection closed by server");
        }
        buf.writeBytes(chunk, 0, n);
    }

    /** The text of a simple string, bulk string or error reply (errors keep their code). */
    public static String text(Object reply) {
        return RespParser.toText(reply);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        buf.release();
    }
}
