package io.jredis.cluster;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal blocking RESP2 connection for the cluster harness and the command-line tools (no client library in the
 * jar): bulk and simple strings as {@link String}, integers as {@link Long}, arrays as {@link List}, nulls as
 * {@code null}, error replies thrown as {@link ServerError}.
 */
public final class RespConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** An error reply ({@code -ERR ...}); the message is the reply's text. */
    public static final class ServerError extends RuntimeException {
        ServerError(String text) {
            super(text);
        }
    }

    /** Connects with the given connect and read timeout. */
    public RespConnection(String host, int port, int timeoutMillis) throws IOException {
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Opens a connection, sends one command, closes; returns the reply. */
    public static Object once(String host, int port, int timeoutMillis, String... args) throws IOException {
        try (RespConnection c = new RespConnection(host, port, timeoutMillis)) {
            return c.call(args);
        }
    }

    /** Sends a command and reads its reply. */
    public Object call(String... args) throws IOException {
        send(args);
        return read();
    }

    /** Sends a command without reading (for SUBSCRIBE followed by {@link #read()} calls). */
    public void send(String... args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(bytes);
            b.writeBytes(new byte[] {'\r', '\n'});
        }
        out.write(b.toByteArray());
        out.flush();
    }

    /** Reads the next reply (or pushed message). */
    public Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed by the server");
        }
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new ServerError(line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    yield null;
                }
                byte[] data = in.readNBytes(n + 2);
                if (data.length < n + 2) {
                    throw new EOFException("connection closed by the server");
                }
                yield new String(data, 0, n, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    yield null;
                }
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    try {
                        items.add(read());
                    } catch (ServerError e) {
                        items.add(e);
                    }
                }
                yield items;
            }
            default -> throw new IOException("protocol error: unexpected byte '" + (char) type + "'");
        };
    }

    /** Changes the read timeout (0 waits for ever). */
    public void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new EOFException("connection closed by the server");
            }
            b.write(c);
        }
        in.read();
        return b.toString(StandardCharsets.UTF_8);
    }

    /** A field of an INFO reply ({@code name:value} lines), or null. */
    public static String infoField(Object info, String name) {
        for (String l : String.valueOf(info).split("\r\n")) {
            if (l.startsWith(name + ":")) {
                return l.substring(name.length() + 1);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
