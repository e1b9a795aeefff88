package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The master's log lines at the end of a diskless transfer, Redis's rdbPipeReadHandler ones. */
class DisklessTransferLogTest {
    @Test
    void transferStartAndEndAreLogged() {
        RedisServer master = Nodes.jredis("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0");
        RedisServer replica = Nodes.jredis();
        try (Jedis m = new Jedis("127.0.0.1", master.port()); Jedis r = new Jedis("127.0.0.1", replica.port())) {
            Nodes.fill(m, "k", 1000, 100);
            r.replicaof("127.0.0.1", master.port());
            Nodes.awaitCaughtUp(m, r);
            Nodes.await("the transfer's end logged", 20, () -> Nodes.log(master)
                    .contains("Diskless rdb transfer, done reading from pipe, 1 replicas still up."));
            // Redis names the child doing the transfer; here it is this process.
            assertTrue(Nodes.log(master).contains("Background RDB transfer started by pid "
                    + ProcessHandle.current().pid()), Nodes.log(master));
        } finally {
            replica.close();
            master.close();
        }
    }

    @Test
    void lastReplicaDroppedIsLogged() throws Exception {
        RedisServer master = Nodes.jredis("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0",
                "enable-debug-command", "yes");
        try (Jedis m = new Jedis("127.0.0.1", master.port())) {
            Nodes.fill(m, "k", 100, 100);
            // 100 ms per key: the transfer is still running when its only replica goes.
            m.configSet("rdb-key-save-delay", "100000");
            try (RawClient replica = new RawClient("127.0.0.1", master.port())) {
                replica.call("REPLCONF", "capa", "eof", "capa", "psync2");
                assertTrue(RawClient.text(replica.call("PSYNC", "?", "-1")).startsWith("FULLRESYNC"));
                Nodes.await("the transfer started", 20, () -> Nodes.infoLong(m, "rdb_bgsave_in_progress") == 1);
            }
            Nodes.await("the transfer stopped", 30, () -> Nodes.infoLong(m, "rdb_bgsave_in_progress") == 0);
            String log = Nodes.log(master);
            assertTrue(log.contains("Diskless rdb transfer, last replica dropped, killing fork child."), log);
        } finally {
            master.close();
        }
    }
}
