package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jredis.server.RedisServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A replica's link carries the replication stream only: a command the replica sends there that produces a reply
 * gets the connection closed with Redis's log line, and keyspace commands are refused (Redis's processCommand and
 * _addReplyToBufferOrList for CLIENT_SLAVE).
 */
class ReplicaLinkRepliesTest {
    @Test
    void replyOnTheLinkAfterSyncClosesIt() throws Exception {
        RedisServer master = Nodes.jredis();
        try (Jedis m = new Jedis("127.0.0.1", master.port())) {
            m.set("foo", "bar");
            drainUntilClosed(master, "SYNC\r\nPING\r\n");
            Nodes.await("the reply logged", 20, () -> Nodes.log(master)
                    .contains("Replica generated a reply to command 'ping', disconnecting it: "));
            assertEquals("PONG", m.ping());
        } finally {
            master.close();
        }
    }

    @Test
    void keyspaceCommandOnTheLinkAfterPsyncIsRefusedAndClosesIt() throws Exception {
        RedisServer master = Nodes.jredis();
        try (Jedis m = new Jedis("127.0.0.1", master.port())) {
            m.set("foo", "bar");
            String seen = drainUntilClosed(master, "PSYNC replicationid -1\r\nGET foo\r\n");
            assertTrue(seen.startsWith("+FULLRESYNC "), seen);
            assertTrue(!seen.contains("bar"), seen);
            Nodes.await("the refusal logged", 20, () -> Nodes.log(master)
                    .contains("Replica generated a reply to command 'get', disconnecting it: "));
            String log = Nodes.log(master);
            assertTrue(log.contains("== CRITICAL == This master is sending an error to its replica: "
                    + "'Replica can't interact with the keyspace' after processing the command 'get'"), log);
            assertEquals("bar", m.get("foo"));
        } finally {
            master.close();
        }
    }

    /** Sends {@code requests} as a replica would and reads what comes back until the master closes the link. */
    private static String drainUntilClosed(RedisServer master, String requests) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", master.port()));
            s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[8192];
            // The master writes newlines and PINGs to a replica: a bound on each read alone would never expire.
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    fail("the master kept the link open; got: " + seen);
                }
                s.setSoTimeout((int) left);
                int n = in.read(buf);
                if (n < 0) {
                    return seen.toString();
                }
                seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        }
    }
}
