package io.jredis.replication;

import static io.jredis.replication.Nodes.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.Libraries;
import io.jredis.server.testing.RealRedis;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * Function libraries through a full sync: the replica drops its own libraries and gets its master's, from the RDB
 * payload (disk or diskless on both sides), then the ones the stream brings; with jredis and redis-server in either
 * role.
 */
class FunctionSyncTest {
    private static final String MINE = "#!lua name=mine\nredis.register_function('mine', function() return 1 end)";
    private static final String LATER = "#!lua name=later\nredis.register_function{function_name='later', "
            + "callback=function() return 7 end, flags={'no-writes'}}";

    @ParameterizedTest(name = "repl-diskless-sync {0}, repl-diskless-load {1}")
    @CsvSource({"no, disabled", "yes, disabled", "yes, swapdb", "yes, on-empty-db", "no, swapdb"})
    void jredisReplicaOfJredisMaster(String disklessSync, String disklessLoad) throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync", disklessSync, "repl-diskless-sync-delay", "0");
                RedisServer replica = Nodes.jredis("repl-diskless-load", disklessLoad);
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            replicateAndAssertSynced(m, master.port(), r);
            String log = Nodes.log(replica);
            assertTrue(log.contains((disklessLoad.equals("disabled") ? " to disk" : " to parser")), log);
            assertEquals(1, Nodes.infoLong(m, "sync_full"));
        }
    }

    @ParameterizedTest(name = "repl-diskless-load {0}")
    @ValueSource(strings = {"disabled", "swapdb"})
    void jredisReplicaOfRealMaster(String disklessLoad) throws Exception {
        try (RealRedis master = RealRedis.start("--repl-diskless-sync-delay", "0");
                Jedis m = new Jedis("127.0.0.1", master.port());
                RedisServer replica = Nodes.jredis("repl-diskless-load", disklessLoad);
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            replicateAndAssertSynced(m, master.port(), r);
        }
    }

    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"yes", "no"})
    void realReplicaOfJredisMaster(String disklessSync) throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync", disklessSync, "repl-diskless-sync-delay", "0");
                Jedis m = new Jedis("127.0.0.1", master.port());
                RealRedis replica = RealRedis.start();
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            replicateAndAssertSynced(m, master.port(), r);
        }
    }

    /**
     * Loads both libraries and a key in the master {@code m} (at {@code masterPort}) and a library of its own in
     * {@code r}, makes {@code r} a replica, and checks that it has its master's libraries, not its own, and gets those
     * the stream brings next.
     */
    private static void replicateAndAssertSynced(Jedis m, int masterPort, Jedis r) {
        Libraries.loadBoth(m);
        m.set("key", "value");
        r.functionLoad(MINE);
        r.replicaof("127.0.0.1", masterPort);
        awaitCaughtUp(m, r);
        Map<String, String> masterLibs = Libraries.describe(m);
        assertEquals(masterLibs, Libraries.describe(r));
        Libraries.assertBothLoaded(r);
        assertEquals("value", r.get("key"));
        m.functionLoad(LATER);
        m.functionDelete("lib2");
        awaitCaughtUp(m, r);
        assertEquals(Libraries.describe(m), Libraries.describe(r));
        assertEquals(List.of("later", "lib1"), List.copyOf(Libraries.describe(r).keySet()));
        assertEquals(7L, r.fcallReadonly("later", List.of(), List.of()));
    }
}
