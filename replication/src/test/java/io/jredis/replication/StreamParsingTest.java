package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jredis.server.RedisServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The replica parses its master's stream in place: commands split at every byte, keepalive newlines, a large bulk
 * and many commands in one write must all apply, and the offset must count every byte. The master here is a
 * scripted socket, so the exact bytes and their split are under the test's control.
 */
class StreamParsingTest {
    private static final String REPL_ID = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void replicaAppliesAStreamSplitAtEveryByte() throws Exception {
        withScriptedMaster((out, r) -> {
            ByteArrayOutputStream split = new ByteArrayOutputStream();
            split.write(command("SELECT", "0"));
            split.write('\n');
            for (int i = 0; i < 20; i++) {
                split.write(command("SET", "split:" + i, "value-" + i));
            }
            byte[] big = "b".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream batched = new ByteArrayOutputStream();
            batched.write(command("SET", "big", new String(big, StandardCharsets.US_ASCII)));
            for (int i = 0; i < 2000; i++) {
                batched.write(command("RPUSH", "list", "e" + i));
            }
            batched.write(command("DEL", "split:0"));
            for (byte b : split.toByteArray()) {
                out.write(b);
                out.flush();
            }
            out.write(batched.toByteArray());
            out.flush();
            long offset = split.size() + batched.size();

            Nodes.await("the replica applied the whole stream", 30,
                    () -> Nodes.infoLong(r, "slave_repl_offset") == offset);
            assertEquals("up", Nodes.info(r, "master_link_status"));
            assertNull(r.get("split:0"));
            for (int i = 1; i < 20; i++) {
                assertEquals("value-" + i, r.get("split:" + i));
            }
            assertEquals(100_000, r.strlen("big"));
            assertEquals(2000, r.llen("list"));
            assertEquals("e1999", r.lindex("list", -1));
        });
    }

    /**
     * The master writes a replica's stream at the end of its event-loop turn; a write and SHUTDOWN arriving in the
     * same turn must still reach the replica before the connection closes.
     */
    @Test
    void aWriteInTheTurnOfShutdownReachesTheReplica() throws Exception {
        RedisServer master = Nodes.jredis();
        try (RedisServer replica = Nodes.jredis();
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            try (Jedis m = new Jedis("127.0.0.1", master.port())) {
                r.replicaof("127.0.0.1", master.port());
                // After a diskless sync the stream starts with the replica's first ACK (until then the master holds
                // it, and a SHUTDOWN then does not send it, as Redis's): wait until it flows. A write made before
                // the sync ended may travel in the snapshot instead, so "first" is written only once it has.
                Nodes.await("the replica finished its sync", 30,
                        () -> "up".equals(Nodes.info(r, "master_link_status")));
                m.set("first", "streamed");
                Nodes.await("the stream flows to the replica", 30, () -> "streamed".equals(r.get("first")));
            }
            try (Socket s = new Socket("127.0.0.1", master.port())) {
                s.getOutputStream().write(concat(command("SET", "last", "written"),
                        command("SHUTDOWN", "NOSAVE")));
                s.getOutputStream().flush();
                byte[] reply = s.getInputStream().readNBytes(5);
                assertEquals("+OK\r\n", new String(reply, StandardCharsets.US_ASCII));
            }
            Nodes.await("the write reached the replica", 30, () -> "written".equals(r.get("last")));
        } finally {
            master.close();
        }
    }

    /**
     * A key past its expiry on the replica's clock is still alive for its master's commands until the master sends a
     * DEL (Redis's expireIfNeeded): an INCR from the master updates it and a PERSIST keeps it, as on the master.
     * Normal clients meanwhile see it missing.
     */
    @Test
    void masterCommandsSeeKeysTheReplicaThinksExpired() throws Exception {
        withScriptedMaster((out, r) -> {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            stream.write(command("SELECT", "0"));
            // Expired for the replica's clock from the start: the master's clock is its own.
            stream.write(command("SET", "k", "1", "PXAT", "1000"));
            stream.write(command("SET", "seen", "k"));
            byte[] first = stream.toByteArray();
            out.write(first);
            out.flush();
            Nodes.await("the replica applied the SET", 30, () -> "k".equals(r.get("seen")));
            assertNull(r.get("k"), "a normal client sees the key expired");
            assertEquals(2, r.dbSize(), "hidden, not deleted");

            byte[] second = concat(concat(command("INCR", "k"), command("PERSIST", "k")),
                    command("SET", "seen", "persist"));
            out.write(second);
            out.flush();
            Nodes.await("the replica applied the PERSIST", 30, () -> "persist".equals(r.get("seen")));
            assertEquals("2", r.get("k"));
            assertEquals(-1, r.pttl("k"));
        });
    }

    /** What a test sends its replica on the scripted master's link once the full sync is done. */
    private interface MasterScript {
        void run(OutputStream out, Jedis replica) throws Exception;
    }

    /**
     * Makes a jredis replica of a scripted master (a listening socket), answers its handshake with an empty RDB, runs
     * {@code script} on the link (TCP_NODELAY, so each write leaves at once), and detaches the replica afterwards.
     */
    private static void withScriptedMaster(MasterScript script) throws Exception {
        byte[] rdb = emptyRdb();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                RedisServer replica = Nodes.jredis();
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            r.replicaof("127.0.0.1", listener.getLocalPort());
            try (Socket link = listener.accept()) {
                link.setTcpNoDelay(true);
                InputStream in = new BufferedInputStream(link.getInputStream());
                OutputStream out = link.getOutputStream();
                handshake(in, out, rdb);
                script.run(out, r);
            }
            r.replicaofNoOne();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Answers PING, REPLCONF and PSYNC as a master does, then sends the RDB payload. */
    static void handshake(InputStream in, OutputStream out, byte[] rdb) throws IOException {
        serve(in, out, "+FULLRESYNC " + REPL_ID + " 0\r\n$" + rdb.length + "\r\n", rdb);
    }

    /** {@link #serve(InputStream, OutputStream, String, byte[])} on an accepted replica link. */
    static List<String> serve(Socket link, String reply, byte[] payload) throws IOException {
        return serve(new BufferedInputStream(link.getInputStream()), link.getOutputStream(), reply, payload);
    }

    /**
     * Answers a replica's handshake as a master does (PONG to PING, OK to the rest) until its PSYNC or SYNC, which it
     * returns after writing {@code reply} and {@code payload}, each unless null.
     */
    static List<String> serve(InputStream in, OutputStream out, String reply, byte[] payload) throws IOException {
        while (true) {
            List<String> cmd = readCommand(in);
            String name = cmd.get(0).toUpperCase();
            if (name.equals("PSYNC") || name.equals("SYNC")) {
                if (reply != null) {
                    out.write(reply.getBytes(StandardCharsets.US_ASCII));
                }
                if (payload != null) {
                    out.write(payload);
                }
                out.flush();
                return cmd;
            }
            out.write((name.equals("PING") ? "+PONG\r\n" : "+OK\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    static List<String> readCommand(InputStream in) throws IOException {
        String head = line(in);
        int n = Integer.parseInt(head.substring(1));
        List<String> args = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = Integer.parseInt(line(in).substring(1));
            byte[] a = in.readNBytes(len + 2);
            args.add(new String(a, 0, len, StandardCharsets.UTF_8));
        }
        return args;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("replica closed the link");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private static byte[] command(String... argv) {
        StringBuilder sb = new StringBuilder("*").append(argv.length).append("\r\n");
        for (String a : argv) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An RDB file of an empty dataset, as jredis's SAVE writes it. */
    static byte[] emptyRdb() throws Exception {
        try (RedisServer s = Nodes.jredis();
                Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.save();
            return Files.readAllBytes(Path.of(j.configGet("dir").get("dir"), "dump.rdb"));
        }
    }
}
