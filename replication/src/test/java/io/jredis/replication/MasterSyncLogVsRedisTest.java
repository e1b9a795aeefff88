package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.RedisLog;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A master's log through a diskless full sync of a redis-server replica, line for line as redis-server's: the end
 * of the stream ("done reading from pipe") comes before the end of the transfer ("Background RDB transfer
 * terminated with success"), then the replica goes online; through the RDB file, the BGSAVE's end is said once.
 */
class MasterSyncLogVsRedisTest {
    @Test
    void aDisklessFullSyncLogsWhatRedisLogs() throws Exception {
        RealRedis.assumeInstalled();
        assertEquals(syncLog(true, "yes"), syncLog(false, "yes"), "redis-server master's log, then jredis's");
    }

    /** A sync through the RDB file says once that the BGSAVE ended. */
    @Test
    void aDiskFullSyncLogsWhatRedisLogs() throws Exception {
        RealRedis.assumeInstalled();
        assertEquals(syncLog(true, "no"), syncLog(false, "no"), "redis-server master's log, then jredis's");
    }

    private static List<String> syncLog(boolean realMaster, String diskless) throws Exception {
        RealRedis real = null;
        RedisServer jredis = null;
        RealRedis replica = null;
        Supplier<String> log;
        int port;
        try {
            if (realMaster) {
                real = RealRedis.start("--loglevel", "notice", "--repl-diskless-sync", diskless,
                        "--repl-diskless-sync-delay", "0");
                port = real.port();
                RealRedis r = real;
                log = r::log;
            } else {
                jredis = Nodes.jredis("repl-diskless-sync", diskless, "repl-diskless-sync-delay", "0");
                port = jredis.port();
                RedisServer j = jredis;
                log = () -> Nodes.log(j);
            }
            try (Jedis m = new Jedis("127.0.0.1", port)) {
                m.set("k", "v");
                replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(port));
                Nodes.await("the replica online", 20, () -> Nodes.online(m, 1));
                Nodes.await("the sync's end logged", 20,
                        () -> log.get().contains("* Synchronization with replica "));
            }
            return syncMessages(log.get());
        } finally {
            if (replica != null) {
                replica.close();
            }
            if (real != null) {
                real.close();
            }
            if (jredis != null) {
                jredis.close();
            }
        }
    }

    /**
     * The messages from the replica's request to its going online, numbers and ids masked; Redis's "Fork CoW" line
     * (the forked child's copy-on-write, which a JVM has no counterpart of) left out.
     */
    private static List<String> syncMessages(String log) {
        List<String> all = RedisLog.messages(log);
        int from = 0;
        while (from < all.size() && !all.get(from).contains("asks for synchronization")) {
            from++;
        }
        int to = from;
        while (to < all.size() && !all.get(to).contains("* Synchronization with replica ")) {
            to++;
        }
        return all.subList(from, Math.min(to + 1, all.size()));
    }
}
