package io.jredis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.sentinel.SentinelModule;
import io.jredis.server.RedisServer;
import io.jredis.server.config.ConfigFile;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jredis all the way: three jredis Sentinels fail over jredis data nodes (master and two replicas, with
 * replication); writes acknowledged by {@code WAIT 1} before the master dies are on the promoted replica, and the
 * other replica follows it.
 */
class SentinelOverJredisNodesTest {

    private static Object call(int port, String... args) {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            return c.call(args);
        } catch (Exception e) {
            return e;
        }
    }

    private static EmbeddedRedis dataNode(String... replicaOf) {
        EmbeddedRedis.Builder b = EmbeddedRedis.builder().port(0).quiet(true).setting("save", "");
        if (replicaOf.length > 0) {
            b.setting("replicaof", replicaOf);
        }
        return b.build().start();
    }

    private static RedisServer sentinel(Path conf) throws Exception {
        ServerConfig cfg = new ServerConfig();
        SentinelModule.prepare(cfg);
        new ConfigFile(cfg).load(ConfigFile.CommandLine.parse(List.of(conf.toString(), "--port", "0")), System.in);
        RedisServer server = new RedisServer(cfg, Log.silent());
        SentinelModule module = SentinelModule.install(server);
        server.start();
        module.start(server);
        return server;
    }

    @Test
    void jredisSentinelsFailOverJredisDataNodes(@TempDir Path dir) throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        try {
            EmbeddedRedis master = dataNode();
            open.add(master);
            String mp = Integer.toString(master.port());
            List<EmbeddedRedis> replicas = List.of(dataNode("127.0.0.1", mp), dataNode("127.0.0.1", mp));
            open.addAll(replicas);
            Await.until("replicas online", 60, () -> RespParser.toText(call(master.port(), "INFO", "replication"))
                    .contains("connected_slaves:2"));
            List<Integer> sentinels = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path conf = dir.resolve("s" + i + ".conf");
                Files.writeString(conf, "bind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 " + mp + " 2\n"
                        + "sentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 10000\n");
                RedisServer s = sentinel(conf);
                open.add(s);
                sentinels.add(s.port());
            }
            for (int p : sentinels) {
                Await.until("sentinel " + p + " discovers peers and replicas", 60, () ->
                        call(p, "SENTINEL", "SENTINELS", "mymaster") instanceof List<?> l && l.size() == 2
                                && call(p, "SENTINEL", "REPLICAS", "mymaster") instanceof List<?> r && r.size() == 2);
            }
            // Acknowledged by both replicas: whichever one the Sentinels promote must hold it. (WAIT 1 promises
            // only one copy, and the promoted replica may be the other one.)
            List<String> acked = new ArrayList<>();
            try (RawClient c = new RawClient("127.0.0.1", master.port())) {
                for (int i = 0; i < 100; i++) {
                    c.call("SET", "acked:" + i, Integer.toString(i));
                    if ((Long) c.call("WAIT", "2", "5000") >= 2) {
                        acked.add("acked:" + i);
                    }
                }
            }
            assertTrue(acked.size() > 50, "writes acknowledged by a replica: " + acked.size());
            List<RawClient> subs = new ArrayList<>();
            for (int p : sentinels) {
                RawClient sub = new RawClient("127.0.0.1", p);
                open.add(sub);
                sub.call("SUBSCRIBE", "+switch-master");
                subs.add(sub);
            }

            master.close();
            // Read once every Sentinel names a new master: the failover can outlast a read's 10 s socket timeout when
            // a loaded machine put the Sentinels in TILT (30 s) first.
            Await.until("every Sentinel names a new master", 60, () -> sentinels.stream().allMatch(p ->
                    call(p, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster") instanceof List<?> l && l.size() == 2
                            && !mp.equals(RespParser.toText(l.get(1)))));

            String promoted = null;
            for (RawClient sub : subs) {
                String[] w = RespParser.toText(((List<?>) sub.read()).get(2)).split(" ");
                assertEquals(mp, w[2]);
                if (promoted == null) {
                    promoted = w[4];
                }
                assertEquals(promoted, w[4], "every Sentinel switches to the same replica");
            }
            int newMaster = Integer.parseInt(promoted);
            assertTrue(Set.of(replicas.get(0).port(), replicas.get(1).port()).contains(newMaster));
            assertEquals("OK", RespParser.toText(call(newMaster, "SET", "after", "failover")));
            for (String key : acked) {
                assertEquals(key.substring("acked:".length()), RespParser.toText(call(newMaster, "GET", key)), key);
            }
            int other = replicas.get(0).port() == newMaster ? replicas.get(1).port() : replicas.get(0).port();
            Await.until("the other replica follows the promoted one", 60, () -> {
                String info = RespParser.toText(call(other, "INFO", "replication"));
                return info.contains("master_port:" + newMaster) && info.contains("master_link_status:up");
            });
            Await.until("the write after the failover reaches the other replica", 60,
                    () -> "failover".equals(RespParser.toText(call(other, "GET", "after"))));
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }
}
