package io.jredis.replication;

import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.info;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A master connection that closes in the middle of a full sync's payload, as Redis 7.0's readSyncBulkPayload and
 * cancelReplicationHandshake handle it: a payload parsed from the socket fails as a short read of the RDB with
 * Redis's log lines, the replica connects again at once, and its cached master survives (the old dataset is still
 * there), so it asks to continue from it again.
 */
class TransferLostTest {
    private static final String FIRST = "1111111111111111111111111111111111111111";
    private static final String SECOND = "2222222222222222222222222222222222222222";
    private static final String MARK = "e".repeat(40);

    @Test
    void aPayloadCutShortIsAShortReadAndTheCachedMasterStays() throws Exception {
        byte[] rdb = StreamParsingTest.emptyRdb();
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                RedisServer replica = Nodes.jredis("repl-diskless-load", "swapdb", "replica-read-only", "no");
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            listener.setSoTimeout(60_000);
            int port = listener.getLocalPort();
            r.replicaof("127.0.0.1", port);
            try (Socket link = listener.accept()) {
                StreamParsingTest.serve(link, "+FULLRESYNC " + FIRST + " 0\r\n$" + rdb.length + "\r\n", rdb);
                await("the first sync done", 30, () -> "up".equals(info(r, "master_link_status")));
            }
            await("the link down", 30, () -> "down".equals(info(r, "master_link_status")));
            r.set("old", "data");
            try (Socket link = listener.accept()) {
                List<String> psync = StreamParsingTest.serve(link, "+FULLRESYNC " + SECOND + " 100\r\n$EOF:" + MARK + "\r\n",
                        Arrays.copyOf(rdb, 9));
                assertEquals(List.of("PSYNC", FIRST, "1"), psync);
                await("the second load started", 30,
                        () -> Nodes.log(replica).split("Loading DB in memory", -1).length == 3);
            }
            try (Socket link = listener.accept()) {
                assertEquals(List.of("PSYNC", FIRST, "1"), StreamParsingTest.serve(link, null, null), "the cached master stays");
            }
            String log = Nodes.log(replica);
            for (String line : new String[] {
                "# Short read or OOM loading DB. Unrecoverable error, aborting now.",
                "# Internal error in RDB reading offset 9, function at rdb.c:3249 -> Unexpected EOF reading RDB file. "
                        + "Failure loading rdb format from socket, assuming connection error, resuming operation.",
                "# Failed trying to load the MASTER synchronization DB from socket: ",
                "* MASTER <-> REPLICA sync: Discarding temporary DB in background",
                "* Reconnecting to MASTER 127.0.0.1:" + port + " after failure",
                "# Connection with master lost.",
                "* Caching the disconnected master state.\n"}) {
                assertTrue(log.contains(line), line + " in:\n" + log);
            }
            assertEquals("0", info(r, "loading"));
            assertEquals("data", r.get("old"));
            r.replicaofNoOne();
        }
    }
}
