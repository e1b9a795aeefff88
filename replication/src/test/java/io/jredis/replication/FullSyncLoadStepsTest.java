package io.jredis.replication;

import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.awaitCaughtUp;
import static io.jredis.replication.Nodes.fill;
import static io.jredis.replication.Nodes.info;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RealRedis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The steps of a replica's full sync load in Redis 7.0's readSyncBulkPayload order: the old dataset goes ("Flushing
 * old data") before "Loading DB in memory" when the payload loads into the live databases, "Finished with success"
 * comes after the load, and while a payload received to disk loads, INFO replication still shows the finished
 * transfer (master_sync_total_bytes / read / left / perc), as a real Redis 7.0.15 replica does.
 */
class FullSyncLoadStepsTest {
    private static final int KEYS = 2000;

    /** INFO replication fields that a loading replica shows; the byte counts as "total=read" or not. */
    private static List<String> loadingInfo(Jedis r) {
        List<String> out = new ArrayList<>();
        for (String f : new String[] {"master_link_status", "master_sync_in_progress", "master_sync_left_bytes",
            "master_sync_perc"}) {
            out.add(f + "=" + info(r, f));
        }
        long total = Long.parseLong(info(r, "master_sync_total_bytes"));
        out.add("total>0=" + (total > 0));
        out.add("total==read=" + (total == Long.parseLong(info(r, "master_sync_read_bytes"))));
        return out;
    }

    /** Makes {@code r} load a slow payload of {@code m} from disk; INFO replication during the load. */
    private static List<String> diskLoad(Jedis m, Jedis r, int masterPort) {
        fill(m, "key:", KEYS, 40);
        r.configSet("repl-diskless-load", "disabled");
        r.configSet("loading-process-events-interval-bytes", "1024");
        r.configSet("key-load-delay", "2000");
        r.replicaof("127.0.0.1", masterPort);
        List<List<String>> seen = new ArrayList<>();
        await("the replica loading", 60, () -> {
            if (!"1".equals(info(r, "loading"))) {
                return false;
            }
            seen.add(loadingInfo(r));
            return true;
        });
        r.configSet("key-load-delay", "0");
        awaitCaughtUp(m, r);
        return seen.get(0);
    }

    @Test
    void aDiskLoadShowsItsTransferInInfoAsRealRedis() throws Exception {
        List<String> jredis;
        try (RedisServer master = Nodes.jredis("repl-diskless-sync", "no");
                RedisServer replica = Nodes.jredis();
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            r.set("old", "data");
            jredis = diskLoad(m, r, master.port());
            String log = Nodes.log(replica);
            assertInOrder(log, "MASTER <-> REPLICA sync: receiving ", "MASTER <-> REPLICA sync: Flushing old data",
                    "MASTER <-> REPLICA sync: Loading DB in memory", "Done loading RDB, keys loaded: " + KEYS,
                    "MASTER <-> REPLICA sync: Finished with success");
        }
        assertEquals(List.of("master_link_status=down", "master_sync_in_progress=1", "master_sync_left_bytes=0",
                "master_sync_perc=100.00", "total>0=true", "total==read=true"), jredis);
        try (RealRedis master = RealRedis.start("--repl-diskless-sync", "no");
                RealRedis replica = RealRedis.start();
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            r.set("old", "data");
            assertEquals(jredis, diskLoad(m, r, master.port()));
        }
    }

    @Test
    void aPayloadParsedIntoEmptyDatabasesFlushesBeforeLoading() {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0");
                RedisServer replica = Nodes.jredis("repl-diskless-load", "on-empty-db");
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            fill(m, "key:", KEYS, 40);
            r.replicaof("127.0.0.1", master.port());
            awaitCaughtUp(m, r);
            assertEquals(String.valueOf(KEYS), String.valueOf(r.dbSize()));
            assertInOrder(Nodes.log(replica), "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF "
                    + "to parser", "MASTER <-> REPLICA sync: Flushing old data",
                    "MASTER <-> REPLICA sync: Loading DB in memory", "Done loading RDB, keys loaded: " + KEYS,
                    "MASTER <-> REPLICA sync: Finished with success");
        }
    }

    private static void assertInOrder(String log, String... lines) {
        int at = -1;
        for (String line : lines) {
            int next = log.indexOf(line, at + 1);
            assertTrue(next > at, "'" + line + "' after the previous step in:\n" + log);
            at = next;
        }
    }
}
