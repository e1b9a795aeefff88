package io.jredis.replication;

import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.info;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestCerts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * tls-replication: the replica connects to its master's tls-port with the configured certificate (the master
 * requires client certificates) and announces its own TLS port; jredis and real redis-server on either side.
 */
class TlsReplicationTest {
    private final TestCerts certs = TestCerts.get();

    /** Name/value pairs for a node with a plain port, a TLS port and the test CA; client certificates required. */
    private List<String> tls(int port, int tlsPort) {
        return new ArrayList<>(List.of("port", Integer.toString(port), "tls-port", Integer.toString(tlsPort),
                "tls-cert-file", certs.path("server.crt"), "tls-key-file", certs.path("server.key"),
                "tls-ca-cert-file", certs.path("ca.crt"), "tls-auth-clients", "yes",
                "repl-diskless-sync-delay", "0"));
    }

    private static String[] args(List<String> kv) {
        return kv.toArray(String[]::new);
    }

    /** The same pairs as redis-server command-line options. */
    private static String[] options(List<String> kv) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < kv.size(); i += 2) {
            if (!kv.get(i).equals("port")) {
                out.add("--" + kv.get(i));
                out.addAll(List.of(kv.get(i + 1).split(" ")));
            }
        }
        return out.toArray(String[]::new);
    }

    /**
     * The replica's link comes up, it has the "before" key the master set ahead of the sync, and it receives a
     * write the master streams afterwards.
     */
    private static void assertReplicates(Jedis m, Jedis r) {
        await("TLS link up", 20, () -> "up".equals(info(r, "master_link_status")));
        assertEquals("sync", r.get("before"));
        m.set("after", "stream");
        await("streamed write", 20, () -> "stream".equals(r.get("after")));
    }

    @Test
    void jredisReplicaOfJredisMasterOverTls() throws Exception {
        int masterTls = RealRedis.freePort();
        try (RedisServer master = Nodes.jredis(args(tls(RealRedis.freePort(), masterTls)));
                Jedis m = new Jedis("127.0.0.1", master.port(), 30_000)) {
            m.set("before", "sync");
            List<String> replicaConf = tls(RealRedis.freePort(), RealRedis.freePort());
            int replicaTls = Integer.parseInt(replicaConf.get(3));
            replicaConf.addAll(List.of("tls-replication", "yes", "replicaof", "127.0.0.1 " + masterTls));
            try (RedisServer replica = Nodes.jredis(args(replicaConf));
                    Jedis r = new Jedis("127.0.0.1", replica.port(), 30_000)) {
                assertReplicates(m, r);
                // The replica announces the port its own replicas would use: its TLS one.
                assertTrue(info(m, "slave0").startsWith("ip=127.0.0.1,port=" + replicaTls + ","), info(m, "slave0"));
            }
        }
    }

    @Test
    void realReplicaOfJredisMasterOverTls() throws Exception {
        int masterTls = RealRedis.freePort();
        try (RedisServer master = Nodes.jredis(args(tls(RealRedis.freePort(), masterTls)));
                Jedis m = new Jedis("127.0.0.1", master.port(), 30_000)) {
            m.set("before", "sync");
            List<String> replicaConf = tls(0, RealRedis.freePort());
            replicaConf.addAll(List.of("tls-replication", "yes", "replicaof", "127.0.0.1 " + masterTls));
            try (RealRedis replica = RealRedis.start(options(replicaConf));
                    Jedis r = new Jedis("127.0.0.1", replica.port(), 30_000)) {
                assertReplicates(m, r);
            }
        }
    }

    @Test
    void jredisReplicaOfRealMasterOverTls() throws Exception {
        int masterTls = RealRedis.freePort();
        try (RealRedis master = RealRedis.start(options(tls(0, masterTls)));
                Jedis m = new Jedis("127.0.0.1", master.port(), 30_000)) {
            m.set("before", "sync");
            List<String> replicaConf = tls(RealRedis.freePort(), RealRedis.freePort());
            replicaConf.addAll(List.of("tls-replication", "yes", "replicaof", "127.0.0.1 " + masterTls));
            try (RedisServer replica = Nodes.jredis(args(replicaConf));
                    Jedis r = new Jedis("127.0.0.1", replica.port(), 30_000)) {
                assertReplicates(m, r);
            }
        }
    }

    @Test
    void replicaWithoutTlsReplicationCannotSync() throws Exception {
        int masterTls = RealRedis.freePort();
        try (RedisServer master = Nodes.jredis(args(tls(RealRedis.freePort(), masterTls)));
                Jedis m = new Jedis("127.0.0.1", master.port(), 30_000)) {
            m.set("k", "v");
            long before = Nodes.infoLong(m, "total_connections_received");
            try (RedisServer replica = Nodes.jredis("replicaof", "127.0.0.1 " + masterTls);
                    Jedis r = new Jedis("127.0.0.1", replica.port(), 30_000)) {
                // Two plain-text attempts reached the TLS port (the replica retries every second) and neither synced.
                await("two sync attempts", 20, () -> Nodes.infoLong(m, "total_connections_received") >= before + 2);
                assertEquals("down", info(r, "master_link_status"));
                assertEquals(null, r.get("k"));
                assertEquals("0", info(m, "connected_slaves"));
            }
        }
    }
}
