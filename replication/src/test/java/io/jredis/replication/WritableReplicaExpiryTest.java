package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * Keys a writable replica's own clients give a time to live are deleted by the replica once expired (Redis's
 * expireSlaveKeys), while the master's keys still wait for the master's DEL.
 */
class WritableReplicaExpiryTest {
    @Test
    void replicaExpiresItsOwnKeysOnly() throws Exception {
        RedisServer master = Nodes.jredis();
        RedisServer replica = Nodes.jredis("replica-read-only", "no");
        try (RawClient m = new RawClient("127.0.0.1", master.port());
                RawClient r = new RawClient("127.0.0.1", replica.port())) {
            m.call("SET", "from-master", "v", "PX", "60000");
            r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
            Await.until("the link up", 30, () -> r.info("replication").contains("master_link_status:up"));
            Await.until("the master's key replicated", 30, () -> call(r, "EXISTS", "from-master").equals(1L));
            long before = r.infoLong("stats", "expired_keys");
            r.call("SET", "local", "v", "PX", "1");
            Await.until("the replica's own key deleted by its cron", 15,
                    () -> r.infoLong("stats", "expired_keys") == before + 1);
            assertEquals(0L, r.call("EXISTS", "local"));
            assertEquals(1L, r.call("EXISTS", "from-master"));
        } finally {
            replica.close();
            master.close();
        }
    }

    /**
     * A local write to a master's key that expired by the replica's clock replaces it as a new key, without the old
     * TTL (Redis's lookupKeyWrite deletes it first on a writable replica); a read only hides it.
     */
    @Test
    void localWriteReplacesAKeyTheReplicaSeesExpired() throws Exception {
        RedisServer master = Nodes.jredis("enable-debug-command", "yes");
        RedisServer replica = Nodes.jredis("replica-read-only", "no");
        try (RawClient m = new RawClient("127.0.0.1", master.port());
                RawClient r = new RawClient("127.0.0.1", replica.port())) {
            m.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
            r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
            Await.until("the link up", 30, () -> r.info("replication").contains("master_link_status:up"));
            m.call("SET", "key1", "5", "PX", "10");
            m.call("SET", "key2", "5", "PX", "10");
            Await.until("both keys replicated and expired for the replica", 30,
                    () -> call(r, "DBSIZE").equals(2L) && call(r, "EXISTS", "key1", "key2").equals(0L));
            assertEquals(1L, r.call("INCR", "key1"));
            assertEquals(-1L, r.call("TTL", "key1"));
            assertEquals("(nil)", RawClient.text(r.call("GET", "key2")));
            assertEquals(2L, r.call("DBSIZE"));
        } finally {
            replica.close();
            master.close();
        }
    }

    private static Object call(RawClient c, String... args) {
        try {
            return c.call(args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
