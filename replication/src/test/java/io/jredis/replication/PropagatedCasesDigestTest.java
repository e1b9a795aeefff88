package io.jredis.replication;

import static io.jredis.replication.Nodes.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.PropagationCases;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The propagation cases across implementations: a redis-server replica of a jredis master, and a jredis replica of
 * a redis-server master, hold the same data as their master after every case (DEBUG DIGEST, Redis's algorithm on
 * both), so each side applies what the other propagates, rewrites included.
 */
class PropagatedCasesDigestTest {
    /**
     * Cases whose master keeps data its replicas never get, in Redis too: a script's writes left out with
     * redis.set_repl, DEBUG POPULATE (not propagated), and a BITFIELD that fails its overflow check after it created
     * its key.
     */
    private static final List<String> MASTER_ONLY = List.of("BITFIELD b OVERFLOW FAIL INCRBY u8 0 300",
            "DEBUG POPULATE 3 ; DEBUG RELOAD ; SET a 1");

    @Test
    void redisReplicaOfJredisMasterKeepsItsData() throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0", "enable-debug-command", "yes");
                RealRedis replica = RealRedis.start("--enable-debug-command", "yes", "--replicaof", "127.0.0.1",
                        Integer.toString(master.port()))) {
            check(master.port(), replica.port());
        }
    }

    @Test
    void jredisReplicaOfRedisMasterKeepsItsData() throws Exception {
        try (RealRedis master = RealRedis.start("--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes");
                RedisServer replica = Nodes.jredis("enable-debug-command", "yes", "replicaof",
                        "127.0.0.1 " + master.port())) {
            check(master.port(), replica.port());
        }
    }

    private static void check(int masterPort, int replicaPort) throws Exception {
        RealRedis.assumeInstalled();
        List<String> cases = new ArrayList<>(PropagationCases.HAND_WRITTEN);
        cases.addAll(PropagationCases.expiredLookups());
        cases.removeIf(c -> MASTER_ONLY.contains(c) || c.contains("set_repl"));
        List<String> diffs = new ArrayList<>();
        try (Jedis m = new Jedis("127.0.0.1", masterPort, 30_000); Jedis r = new Jedis("127.0.0.1", replicaPort);
                RawClient mc = new RawClient("127.0.0.1", masterPort);
                RawClient rc = new RawClient("127.0.0.1", replicaPort)) {
            awaitCaughtUp(m, r);
            PropagationCases.prepare(masterPort);
            for (String c : cases) {
                PropagationCases.run(masterPort, c);
                awaitCaughtUp(m, r);
                if (!RawClient.text(mc.call("DEBUG", "DIGEST")).equals(RawClient.text(rc.call("DEBUG", "DIGEST")))) {
                    diffs.add(c);
                }
            }
        }
        assertTrue(diffs.isEmpty(), diffs.size() + " of " + cases.size()
                + " cases leave the replica with other data:\n" + String.join("\n", diffs));
    }
}
