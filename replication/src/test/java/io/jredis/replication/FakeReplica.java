package io.jredis.replication;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A replica reduced to its wire protocol, for any master (jredis or redis-server): it does the handshake, skips the
 * RDB payload of the full sync (plain or EOF-marked, as a diskless master sends it) and then hands out the
 * commands of the replication stream, each as its arguments, the master's heartbeats (PING, REPLCONF GETACK) left
 * out.
 */
final class FakeReplica implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteBuf buf = Unpooled.buffer();

    /** Connects and does a full sync: on return the next bytes the master sends are its replication stream. */
    FakeReplica(int masterPort) throws IOException {
        socket = new Socket("127.0.0.1", masterPort);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        for (String[] cmd : new String[][] {{"REPLCONF", "listening-port", "1"},
                {"REPLCONF", "capa", "eof", "capa", "psync2"}}) {
            send(cmd);
            String reply = line();
            if (!reply.equals("+OK")) {
                throw new IOException(String.join(" ", cmd) + ": " + reply);
            }
        }
        send("PSYNC", "?", "-1");
        String reply = line();
        if (!reply.startsWith("+FULLRESYNC")) {
            throw new IOException("PSYNC: " + reply);
        }
        skipRdb();
        // After a diskless transfer a master streams nothing until the replica ACKs, and it ignores an ACK that
        // arrives before it saw the transfer end (which it may see well after the last payload byte reached us):
        // ACK until it lists the replica online, then once more, an ACK it can only read after that. The ACK that
        // preceded the listing may have been one of the ignored ones, and a stream never started would be waited
        // for in vain (no real replica's periodic ACK comes to start it later).
        try (RawClient c = new RawClient("127.0.0.1", masterPort)) {
            Await.until("the fake replica online", 20, () -> {
                ack();
                return c.info("replication").contains(",state=online,");
            });
        }
        ack();
    }

    private void ack() {
        try {
            send("REPLCONF", "ACK", "0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void send(String... args) throws IOException {
        byte[][] b = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            b[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        out.write(RawClient.encode(b));
        out.flush();
    }

    /** The next non-empty line (a master keeps the link alive with bare newlines while it prepares the RDB). */
    private String line() throws IOException {
        while (true) {
            int eol = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) '\n');
            if (eol < 0) {
                fill();
                continue;
            }
            String l = buf.toString(buf.readerIndex(), eol - buf.readerIndex(), StandardCharsets.ISO_8859_1).strip();
            buf.readerIndex(eol + 1);
            if (!l.isEmpty()) {
                return l;
            }
        }
    }

    private void skipRdb() throws IOException {
        String header = line();
        if (header.startsWith("$EOF:")) {
            byte[] mark = header.substring(5).getBytes(StandardCharsets.ISO_8859_1);
            while (true) {
                int end = indexOf(mark);
                if (end >= 0) {
                    buf.readerIndex(end + mark.length);
                    return;
                }
                // Keep the tail that may hold the start of the mark.
                buf.readerIndex(Math.max(buf.readerIndex(), buf.writerIndex() - mark.length));
                buf.discardReadBytes();
                fill();
            }
        }
        long len = Long.parseLong(header.substring(1));
        while (len > 0) {
            if (!buf.isReadable()) {
                fill();
            }
            int n = (int) Math.min(len, buf.readableBytes());
            buf.skipBytes(n);
            len -= n;
        }
    }

    private int indexOf(byte[] mark) {
        outer:
        for (int i = buf.readerIndex(); i + mark.length <= buf.writerIndex(); i++) {
            for (int k = 0; k < mark.length; k++) {
                if (buf.getByte(i + k) != mark[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The next command of the stream that is not a heartbeat. */
    List<String> next() throws IOException {
        while (true) {
            Object v = RespParser.parse(buf);
            if (v == null) {
                buf.discardReadBytes();
                fill();
                continue;
            }
            List<String> argv = new ArrayList<>();
            for (Object a : (List<?>) v) {
                argv.add(new String((byte[]) a, StandardCharsets.ISO_8859_1));
            }
            String name = argv.get(0).toUpperCase(java.util.Locale.ROOT);
            if (!name.equals("PING") && !(name.equals("REPLCONF") && argv.size() > 1
                    && argv.get(1).equalsIgnoreCase("GETACK"))) {
                return argv;
            }
        }
    }

    private void fill() throws IOException {
        byte[] chunk = new byte[65536];
        int n = in.read(chunk);
        if (n < 0) {
            throw new IOException("the master closed the replication link");
        }
        buf.writeBytes(chunk, 0, n);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        buf.release();
    }
}
