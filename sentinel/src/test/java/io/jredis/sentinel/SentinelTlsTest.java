package io.jredis.sentinel;

import static io.jredis.sentinel.SentinelLab.await;
import static io.jredis.sentinel.SentinelLab.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestCerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With tls-replication yes a Sentinel's links to the master and its replicas speak TLS, as Redis's Sentinel. */
class SentinelTlsTest {

    @Test
    void linksUseTlsWithTlsReplication(@TempDir Path dir) throws Exception {
        TestCerts certs = TestCerts.get();
        RealRedis.assumeInstalled();
        String[] tls = {"--tls-cert-file", certs.path("server.crt"), "--tls-key-file", certs.path("server.key"),
            "--tls-ca-cert-file", certs.path("ca.crt"), "--tls-auth-clients", "yes"};
        int masterTls = RealRedis.freePort();
        int replicaTls = RealRedis.freePort();
        try (RealRedis master = RealRedis.start(concat(tls, "--tls-port", Integer.toString(masterTls)));
                RealRedis replica = RealRedis.start(concat(tls, "--tls-port", Integer.toString(replicaTls),
                        "--tls-replication", "yes", "--replicaof", "127.0.0.1", Integer.toString(masterTls)))) {
            // A generous down-after: a cold JVM's first TLS handshakes can take seconds on a loaded machine, and
            // this test is about the links being TLS, not about detecting failures.
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, "bind 127.0.0.1\nport 0\ntls-replication yes\n"
                    + "tls-cert-file " + certs.path("client.crt") + "\ntls-key-file " + certs.path("client.key")
                    + "\ntls-ca-cert-file " + certs.path("ca.crt") + "\n"
                    + "sentinel monitor mymaster 127.0.0.1 " + masterTls + " 1\n"
                    + "sentinel down-after-milliseconds mymaster 15000\n");
            try (RedisServer sentinel = SentinelLab.startSentinel(conf)) {
                int port = sentinel.port();
                // The replica is found through INFO over the TLS link, at the TLS port it announces.
                await("replica discovered over TLS", () -> call(port, "SENTINEL", "REPLICAS", "mymaster")
                        instanceof List<?> l && l.size() == 1
                        && RespParser.toText(l.get(0)).contains("127.0.0.1:" + replicaTls));
                await("both links on the master's TLS port", () -> {
                    String clients = RespParser.toText(call(master.port(), "CLIENT", "LIST"));
                    return clients.lines().filter(c -> c.contains("name=sentinel-")
                            && c.contains("laddr=127.0.0.1:" + masterTls)).count() == 2;
                });
                List<?> m = (List<?>) call(port, "SENTINEL", "MASTER", "mymaster");
                assertEquals("master", RespParser.toText(m.get(m.indexOf(find(m, "flags")) + 1)));
                assertTrue(RespParser.toText(call(port, "SENTINEL", "CKQUORUM", "mymaster")).startsWith("OK"));
            }
        }
    }

    /**
     * Sentinels with a TLS port and tls-replication announce that port in their hellos, as Redis's: a peer reaches
     * them over TLS there (the plain port it announced before refused the handshake, so peers went s_down and no
     * failover could be authorized).
     */
    @Test
    void peersAreReachedOnTheTlsPortTheyAnnounce(@TempDir Path dir) throws Exception {
        TestCerts certs = TestCerts.get();
        RealRedis.assumeInstalled();
        int masterTls = RealRedis.freePort();
        try (RealRedis master = RealRedis.start("--tls-port", Integer.toString(masterTls), "--tls-cert-file",
                certs.path("server.crt"), "--tls-key-file", certs.path("server.key"), "--tls-ca-cert-file",
                certs.path("ca.crt"))) {
            int[] tlsPorts = {RealRedis.freePort(), RealRedis.freePort()};
            RedisServer[] sentinels = new RedisServer[2];
            try {
                for (int i = 0; i < 2; i++) {
                    Path conf = dir.resolve("s" + i + ".conf");
                    Files.writeString(conf, "bind 127.0.0.1\ntls-replication yes\ntls-port " + tlsPorts[i] + "\n"
                            + "tls-cert-file " + certs.path("server.crt") + "\ntls-key-file "
                            + certs.path("server.key") + "\ntls-ca-cert-file " + certs.path("ca.crt") + "\n"
                            + "sentinel monitor mymaster 127.0.0.1 " + masterTls + " 2\n");
                    // A plain port too: with port 0 and a tls-port a server listens on TLS only.
                    sentinels[i] = SentinelLab.startSentinel(conf, RealRedis.freePort());
                }
                for (int i = 0; i < 2; i++) {
                    int port = sentinels[i].port();
                    String peer = Integer.toString(tlsPorts[1 - i]);
                    await("Sentinel " + i + " pings its peer on the peer's TLS port", () ->
                            call(port, "SENTINEL", "SENTINELS", "mymaster") instanceof List<?> l && l.size() == 1
                                    && l.get(0) instanceof List<?> f
                                    && peer.equals(RespParser.toText(f.get(f.indexOf(find(f, "port")) + 1)))
                                    && Long.parseLong(RespParser.toText(
                                            f.get(f.indexOf(find(f, "last-ok-ping-reply")) + 1))) < 2000);
                }
            } finally {
                for (RedisServer s : sentinels) {
                    if (s != null) {
                        s.close();
                    }
                }
            }
        }
    }

    private static Object find(List<?> kv, String key) {
        for (Object o : kv) {
            if (key.equals(RespParser.toText(o))) {
                return o;
            }
        }
        throw new AssertionError(key + " missing in " + kv);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
