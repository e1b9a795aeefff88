package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;
import io.jredis.server.testing.TempPaths;

/**
 * Three jredis Sentinels fail over real redis-server nodes (SIGKILL of the master) while Jedis, Lettuce, phpredis
 * and redis-cli use them; every client finds the promoted replica, and writes acknowledged by both replicas
 * ({@code WAIT 2}) before the kill are on it, whichever replica is promoted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentinelClientsTest {
    private static final String PHP = """
            <?php
            foreach (explode(',', $argv[1]) as $p) {
                $s = new RedisSentinel('127.0.0.1', (int) $p);
                if ($s->ping() !== true) { echo "no pong\\n"; exit(2); }
                $a = $s->getMasterAddrByName('mymaster');
                echo $a[0], ':', $a[1], ' ', count($s->slaves('mymaster')), ' ', count($s->sentinels('mymaster')), "\\n";
            }
            """;

    private SentinelLab lab;
    private JedisSentinelPool pool;
    private RedisClient lettuce;
    private StatefulRedisConnection<String, String> lettuceConn;
    private String oldMaster;
    private String newMaster;
    private final List<String> acknowledged = new ArrayList<>();
    private String phpSkip;
    private String phpBefore;
    private String phpAfter;
    private Path phpScript;

    @BeforeAll
    void failOver() throws Exception {
        lab = new SentinelLab(TempPaths.dir("sentinel-clients")).dataNodes(2, null);
        for (int i = 0; i < 3; i++) {
            lab.jredisSentinel("s" + i, lab.sentinelConf(""));
        }
        lab.awaitDiscovery();
        oldMaster = "127.0.0.1:" + lab.master.port();
        Set<String> sentinels = new HashSet<>();
        StringJoiner lettuceUri = new StringJoiner(",", "redis-sentinel://", "#mymaster");
        for (int p : lab.sentinelPorts) {
            sentinels.add("127.0.0.1:" + p);
            lettuceUri.add("127.0.0.1:" + p);
        }
        pool = new JedisSentinelPool("mymaster", sentinels);
        assertEquals(oldMaster, pool.getCurrentHostMaster().toString());
        try (Jedis j = pool.getResource()) {
            assertEquals("OK", j.set("before", "jedis"));
            for (int i = 0; i < 200; i++) {
                j.set("acked:" + i, Integer.toString(i));
                // Within Jedis's 2 s socket timeout: a slow acknowledgement just leaves the write out of the check.
                if (j.waitReplicas(2, 1000) >= 2) {
                    acknowledged.add("acked:" + i);
                }
            }
        }
        lettuce = RedisClient.create(RedisURI.create(lettuceUri.toString()));
        lettuceConn = lettuce.connect();
        lettuceConn.setTimeout(Duration.ofSeconds(2));
        assertEquals("OK", lettuceConn.sync().set("before-lettuce", "lettuce"));
        phpScript = lab.dir.resolve("sentinel.php");
        Files.writeString(phpScript, PHP);
        phpSkip = phpUnavailable();
        if (phpSkip == null) {
            phpBefore = php();
        }

        List<RawClient> subscribers = new ArrayList<>();
        for (int p : lab.sentinelPorts) {
            RawClient sub = lab.add(new RawClient("127.0.0.1", p));
            sub.call("SUBSCRIBE", "+switch-master");
            subscribers.add(sub);
        }
        lab.master.close();
        // Read once every Sentinel names a new master: the failover can outlast a read's 10 s socket timeout when a
        // loaded machine put the Sentinels in TILT (30 s) first.
        SentinelLab.await("every Sentinel names a new master", () -> lab.sentinelPorts.stream()
                .allMatch(p -> SentinelLab.announcesOtherThan(p, oldMaster)));
        for (RawClient sub : subscribers) {
            String[] w = RespParser.toText(((List<?>) sub.read()).get(2)).split(" ");
            assertEquals(oldMaster, w[1] + ":" + w[2]);
            String addr = w[3] + ":" + w[4];
            if (newMaster == null) {
                newMaster = addr;
            }
            assertEquals(newMaster, addr, "every Sentinel switches to the same replica");
        }
        if (phpSkip == null) {
            phpAfter = php();
        }
    }

    @AfterAll
    void close() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (lettuceConn != null) {
            lettuceConn.close();
        }
        if (lettuce != null) {
            lettuce.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (lab != null) {
            lab.close();
        }
    }

    private int newMasterPort() {
        return Integer.parseInt(newMaster.substring(newMaster.indexOf(':') + 1));
    }

    private String onNewMaster(String key) {
        return RespParser.toText(SentinelLab.call(newMasterPort(), "GET", key));
    }

    @Test
    void jedisSentinelPoolWritesToThePromotedReplica() throws Exception {
        assertNotEquals(oldMaster, newMaster);
        Await.until("JedisSentinelPool switches master", 30,
                () -> pool.getCurrentHostMaster().toString().equals(newMaster));
        try (Jedis j = pool.getResource()) {
            assertEquals("OK", j.set("after", "jedis"));
        }
        assertEquals("jedis", onNewMaster("after"));
    }

    @Test
    void lettuceSentinelUriReconnectsToThePromotedReplica() throws Exception {
        try (StatefulRedisConnection<String, String> fresh = lettuce.connect()) {
            assertEquals("OK", fresh.sync().set("after-fresh", "lettuce"));
        }
        assertEquals("lettuce", onNewMaster("after-fresh"));
        Await.until("the old Lettuce connection reconnects to the new master", 30, () -> {
            try {
                return "OK".equals(lettuceConn.sync().set("after-old", "lettuce"));
            } catch (RuntimeException e) {
                return false;
            }
        });
        assertEquals("lettuce", onNewMaster("after-old"));
    }

    @Test
    void redisCliAsksEverySentinel() throws Exception {
        for (int p : lab.sentinelPorts) {
            Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(p), "SENTINEL",
                    "get-master-addr-by-name", "mymaster").redirectErrorStream(true).start();
            String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(cli.waitFor(10, TimeUnit.SECONDS));
            assertEquals(newMaster.replace(':', '\n') + "\n", out);
        }
    }

    @Test
    void phpRedisSentinelFollowsTheFailover() {
        Assumptions.assumeTrue(phpSkip == null, phpSkip);
        StringBuilder before = new StringBuilder();
        StringBuilder after = new StringBuilder();
        for (int i = 0; i < lab.sentinelPorts.size(); i++) {
            before.append(oldMaster).append(" 2 2\n");
            after.append(newMaster).append(" 2 2\n");
        }
        assertEquals(before.toString(), phpBefore);
        assertEquals(after.toString(), phpAfter);
    }

    @Test
    void writesAcknowledgedByWaitSurviveTheFailover() {
        assertTrue(acknowledged.size() > 100, "most writes were acknowledged before the kill: " + acknowledged.size());
        for (String key : acknowledged) {
            assertEquals(key.substring("acked:".length()), onNewMaster(key), key);
        }
        assertEquals("jedis", onNewMaster("before"));
    }

    /** Why phpredis cannot run here, or null when it can. */
    private static String phpUnavailable() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("php", "-r", "exit(class_exists('RedisSentinel') ? 0 : 3);")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(30, TimeUnit.SECONDS);
            return p.exitValue() == 0 ? null : "the php redis extension (RedisSentinel) is not installed";
        } catch (IOException e) {
            return "php is not installed";
        }
    }

    private String php() throws IOException, InterruptedException {
        StringJoiner ports = new StringJoiner(",");
        for (int p : lab.sentinelPorts) {
            ports.add(Integer.toString(p));
        }
        Process p = new ProcessBuilder("php", phpScript.toString(), ports.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
