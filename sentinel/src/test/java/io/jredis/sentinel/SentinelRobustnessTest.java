package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.net.TrafficControl;
import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sentinel under restarts, TILT, manual failover and password-protected data nodes. */
class SentinelRobustnessTest {

    /** A real redis-server with a config file, killed with SIGKILL and restarted with the same file and port. */
    private static final class Node implements AutoCloseable {
        final Path conf;
        final int port;
        Process process;

        Node(Path dir, String name) throws IOException {
            port = RealRedis.freePort();
            Path data = Files.createDirectories(dir.resolve(name));
            conf = data.resolve("redis.conf");
            Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\nsave \"\"\nappendonly no\ndir " + data + "\n");
        }

        Node start() throws Exception {
            process = new ProcessBuilder(RealRedis.binary(), conf.toString()).redirectErrorStream(true)
                    .redirectOutput(conf.resolveSibling("redis.log").toFile()).start();
            Await.until("redis-server on " + port, 10, () -> "PONG".equals(
                    RespParser.toText(SentinelLab.call(port, "PING"))));
            return this;
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

    private static Map<String, String> fields(Object report) {
        List<?> l = (List<?>) report;
        Map<String, String> f = new java.util.LinkedHashMap<>();
        for (int i = 0; i < l.size(); i += 2) {
            f.put(RespParser.toText(l.get(i)), RespParser.toText(l.get(i + 1)));
        }
        return f;
    }

    /** A check run once against a real redis-sentinel and once against a jredis Sentinel, in its own directory. */
    private interface KindCheck {
        void run(String kind, Path dir) throws Exception;
    }

    /**
     * Runs {@code check} for both kinds of Sentinel at once: each run mostly waits out a Sentinel timer (a failover
     * timeout, four hello periods), so side by side they take the time of one.
     */
    private static void forBothKinds(Path dir, KindCheck check) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (String kind : List.of("real", "jredis")) {
                Path kindDir = Files.createDirectories(dir.resolve(kind));
                runs.add(pool.submit(() -> {
                    check.run(kind, kindDir);
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                try {
                    run.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw (Exception) e.getCause();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String nextMessage(RawClient sub) throws IOException {
        return RespParser.toText(((List<?>) sub.read()).get(2));
    }

    @Test
    void restartedSentinelKeepsItsStateAndTheOldMasterRejoinsAsReplica(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        try (SentinelLab lab = new SentinelLab(dir)) {
            Node old = lab.add(new Node(dir, "old-master")).start();
            for (int i = 0; i < 2; i++) {
                lab.replicas.add(lab.add(RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(old.port))));
            }
            SentinelLab.await("replicas online", () -> SentinelLab.info(old.port, null).contains("connected_slaves:2"));
            String body = "sentinel monitor mymaster 127.0.0.1 " + old.port + " 2\n" + SentinelLab.FAST;
            List<RedisServer> sentinels = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sentinels.add(lab.jredisSentinel("s" + i, body));
            }
            lab.awaitDiscovery();
            for (int p : lab.sentinelPorts) {
                // INFO every second instead of ten, so that the restarted master is seen sooner
                assertEquals("OK", RespParser.toText(SentinelLab.call(p, "SENTINEL", "DEBUG", "info-period", "1000")));
            }
            RawClient switches = lab.add(new RawClient("127.0.0.1", lab.sentinelPorts.get(0)));
            switches.call("SUBSCRIBE", "+switch-master");
            old.kill();
            // Read once the Sentinel names a new master: the failover can outlast a read's 10 s socket timeout when
            // a loaded machine put the Sentinels in TILT (30 s) first.
            SentinelLab.await("the Sentinel names a new master",
                    () -> SentinelLab.announcesOtherThan(lab.sentinelPorts.get(0), "127.0.0.1:" + old.port));
            String[] w = nextMessage(switches).split(" ");
            assertEquals(Integer.toString(old.port), w[2]);
            int promoted = Integer.parseInt(w[4]);
            for (int p : lab.sentinelPorts) {
                SentinelLab.await("sentinel " + p + " switches", () -> ("127.0.0.1:" + promoted)
                        .equals(SentinelLab.masterAddr(p)));
            }

            int s1 = lab.sentinelPorts.get(1);
            String myId = RespParser.toText(SentinelLab.call(s1, "SENTINEL", "MYID"));
            Map<String, String> before = fields(SentinelLab.call(s1, "SENTINEL", "MASTER", "mymaster"));
            assertTrue(Long.parseLong(before.get("config-epoch")) >= 1, before.toString());
            sentinels.get(1).close();
            String saved = Files.readString(dir.resolve("s1.conf"));
            assertTrue(saved.contains("sentinel myid " + myId + "\n"), saved);
            assertTrue(saved.contains("sentinel monitor mymaster 127.0.0.1 " + promoted + " 2\n"), saved);
            RedisServer restarted = lab.add(SentinelLab.startSentinel(dir.resolve("s1.conf")));
            int r = restarted.port();
            assertEquals(myId, RespParser.toText(SentinelLab.call(r, "SENTINEL", "MYID")));
            Map<String, String> after = fields(SentinelLab.call(r, "SENTINEL", "MASTER", "mymaster"));
            assertEquals(before.get("config-epoch"), after.get("config-epoch"));
            assertEquals(Integer.toString(promoted), after.get("port"));
            assertEquals("2", after.get("num-slaves"), "known replicas come from the config file");
            assertEquals("2", after.get("num-other-sentinels"), "known sentinels come from the config file");
            java.util.regex.Matcher epoch = java.util.regex.Pattern.compile("\nsentinel current-epoch (\\d+)\n")
                    .matcher(Files.readString(dir.resolve("s1.conf")));
            assertTrue(epoch.find());
            assertTrue(Long.parseLong(epoch.group(1)) >= Long.parseLong(before.get("config-epoch")));

            List<Integer> running = List.of(lab.sentinelPorts.get(0), lab.sentinelPorts.get(2), r);
            BlockingQueue<String> converted = lab.events("+convert-to-slave", running);
            old.start();
            SentinelLab.await("the old master replicates from the promoted one", () -> {
                String info = SentinelLab.info(old.port, null);
                return info.contains("role:slave") && info.contains("master_port:" + promoted);
            });
            String event = converted.poll(10, TimeUnit.SECONDS);
            assertTrue(event != null && event.endsWith(" slave 127.0.0.1:" + old.port + " 127.0.0.1 " + old.port
                    + " @ mymaster 127.0.0.1 " + promoted), "a Sentinel announced +convert-to-slave: " + event);
            SentinelLab.await("the old master is a healthy replica again", () -> {
                for (Object o : (List<?>) SentinelLab.call(r, "SENTINEL", "REPLICAS", "mymaster")) {
                    Map<String, String> f = fields(o);
                    if (f.get("port").equals(Integer.toString(old.port))) {
                        return f.get("flags").equals("slave");
                    }
                }
                return false;
            });
        }
    }

    @Test
    void tiltIsEnteredAndLeftAsByRealSentinel(@TempDir Path dir) throws Exception {
        try (SentinelLab lab = new SentinelLab(dir).dataNodes(1, null)) {
            SentinelLab.SentinelPair pair = lab.sentinelPair();
            int real = pair.real();
            int jredis = pair.jredis();
            for (int p : new int[] {real, jredis}) {
                RawClient sub = lab.add(new RawClient("127.0.0.1", p));
                sub.call("SUBSCRIBE", "+tilt", "-tilt");
                sub.read();
                assertTrue(RespParser.toText(SentinelLab.call(p, "INFO", "sentinel")).contains("sentinel_tilt:0"));
                // every timer tick is later than 1 ms after the previous one: a starved timer
                assertEquals("OK", RespParser.toText(SentinelLab.call(p, "SENTINEL", "DEBUG", "tilt-period", "1000",
                        "tilt-trigger", "1")));
                List<?> entered = (List<?>) sub.read();
                assertEquals("+tilt #tilt mode entered", RespParser.toText(entered.get(1)) + " "
                        + RespParser.toText(entered.get(2)), "port " + p);
                String info = RespParser.toText(SentinelLab.call(p, "INFO", "sentinel"));
                assertTrue(info.contains("sentinel_tilt:1\r\nsentinel_tilt_since_seconds:0\r\n"), info);
                List<?> down = (List<?>) SentinelLab.call(p, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1",
                        Integer.toString(lab.master.port()), "0", "*");
                assertEquals(0L, down.get(0));
                assertEquals("OK", RespParser.toText(SentinelLab.call(p, "SENTINEL", "DEBUG", "tilt-trigger",
                        "2000")));
                String msg;
                do {
                    List<?> m = (List<?>) sub.read();
                    msg = RespParser.toText(m.get(1)) + " " + RespParser.toText(m.get(2));
                } while (msg.startsWith("+tilt"));
                assertEquals("-tilt #tilt mode exited", msg, "port " + p);
                assertTrue(RespParser.toText(SentinelLab.call(p, "INFO", "sentinel")).contains("sentinel_tilt:0"));
            }
        }
    }

    /**
     * An INFO left unanswered when its connection is dropped (SENTINEL RESET, a switch to a new master address)
     * must not stop the INFO on the next connection: the Sentinel waited for that reply forever, and a master it
     * cannot refresh never looks sane, so it converted and fixed no replica again.
     */
    @Test
    void infoUnansweredWhenTheLinkIsDroppedDoesNotStopTheNextOnes(@TempDir Path dir) throws Exception {
        AtomicBoolean hold = new AtomicBoolean();
        TrafficControl.Policy policy = (ch, accepted) -> hold.get() && accepted;
        try (TestServer master = TestServer.start()) {
            master.server().trafficControl().policy(policy);
            Path conf = dir.resolve("s.conf");
            Files.writeString(conf, "bind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 " + master.port() + " 1\n");
            try (RedisServer sentinel = SentinelLab.startSentinel(conf)) {
                int p = sentinel.port();
                SentinelLab.call(p, "SENTINEL", "DEBUG", "INFO-PERIOD", "100");
                SentinelLab.await("the master's INFO is fresh", () -> infoRefresh(p) < 1000);
                hold.set(true);
                master.server().trafficControl().policy(policy);
                SentinelLab.await("an INFO is left unanswered", () -> infoRefresh(p) > 1000);
                assertEquals(1L, SentinelLab.call(p, "SENTINEL", "RESET", "mymaster"));
                hold.set(false);
                master.server().trafficControl().policy(policy);
                SentinelLab.await("the master's INFO is fresh again", () -> infoRefresh(p) < 1000);
            }
        }
    }

    private static long infoRefresh(int sentinelPort) {
        Object report = SentinelLab.call(sentinelPort, "SENTINEL", "MASTER", "mymaster");
        // A Sentinel shows 0 until the first INFO reply, which also gives the run id.
        return report instanceof List<?> && !fields(report).get("runid").isEmpty()
                ? Long.parseLong(fields(report).get("info-refresh")) : Long.MAX_VALUE;
    }

    /**
     * A replica found replicating from another master is pointed back at the configured one only after it kept
     * that state, without being down, for a whole failover timeout (Redis's +fix-slave-config rule): a Sentinel that
     * missed a failover must first get the chance to learn the newer configuration from its peers' hellos.
     */
    @Test
    void replicaOfAnotherMasterIsFixedOnlyAfterAFailoverTimeoutAsByRealSentinel(@TempDir Path dir) throws Exception {
        forBothKinds(dir, (kind, kindDir) -> {
            try (SentinelLab lab = new SentinelLab(kindDir).dataNodes(1, null)) {
                String conf = lab.sentinelConf("sentinel failover-timeout mymaster 15000\n");
                int s = kind.equals("real") ? lab.realSentinel("s", conf).port()
                        : lab.jredisSentinel("s", conf).port();
                lab.awaitDiscovery();
                assertEquals("OK", RespParser.toText(SentinelLab.call(s, "SENTINEL", "DEBUG", "info-period", "1000")));
                RawClient sub = lab.add(new RawClient("127.0.0.1", s));
                sub.call("SUBSCRIBE", "+fix-slave-config");
                RealRedis other = lab.add(RealRedis.start());
                int replica = lab.replicas.get(0).port();
                long movedAt = System.nanoTime();
                assertEquals("OK", RespParser.toText(SentinelLab.call(replica, "REPLICAOF", "127.0.0.1",
                        Integer.toString(other.port()))));
                SentinelLab.await("the replica follows the configured master again", () -> SentinelLab.info(replica,
                        null).contains("master_port:" + lab.master.port() + "\r\n"));
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - movedAt);
                assertTrue(waited >= 15_000, kind + " Sentinel fixed the replica after " + waited + " ms");
                assertEquals("slave 127.0.0.1:" + replica + " 127.0.0.1 " + replica + " @ mymaster 127.0.0.1 "
                        + lab.master.port(), RespParser.toText(((List<?>) sub.read()).get(2)), kind);
            }
        });
    }

    /**
     * A replica that turns master without a failover (REPLICAOF NO ONE, or an old master coming back) is turned back
     * into a replica only after it kept that role, without being down, for 4 hello periods (8 s): time for a Sentinel
     * that missed a failover to learn from its peers' hellos that this node is the new master.
     */
    @Test
    void replicaTurnedMasterIsConvertedBackOnlyAfterFourHelloPeriodsAsByRealSentinel(@TempDir Path dir)
            throws Exception {
        forBothKinds(dir, (kind, kindDir) -> {
            try (SentinelLab lab = new SentinelLab(kindDir).dataNodes(1, null)) {
                String conf = lab.sentinelConf("");
                int s = kind.equals("real") ? lab.realSentinel("s", conf).port()
                        : lab.jredisSentinel("s", conf).port();
                lab.awaitDiscovery();
                assertEquals("OK", RespParser.toText(SentinelLab.call(s, "SENTINEL", "DEBUG", "info-period", "1000")));
                RawClient sub = lab.add(new RawClient("127.0.0.1", s));
                sub.call("SUBSCRIBE", "+convert-to-slave", "-role-change", "+role-change");
                sub.read();
                sub.read();
                int replica = lab.replicas.get(0).port();
                long promotedAt = System.nanoTime();
                assertEquals("OK", RespParser.toText(SentinelLab.call(replica, "REPLICAOF", "NO", "ONE")));
                SentinelLab.await("the replica follows the configured master again", () -> SentinelLab.info(replica,
                        null).contains("master_port:" + lab.master.port() + "\r\n"));
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - promotedAt);
                assertTrue(waited >= 8_000, kind + " Sentinel converted the replica after " + waited + " ms");
                String described = "slave 127.0.0.1:" + replica + " 127.0.0.1 " + replica + " @ mymaster 127.0.0.1 "
                        + lab.master.port();
                SentinelLab.await("the Sentinel sees the replica report its role again", () -> {
                    for (Object o : (List<?>) SentinelLab.call(s, "SENTINEL", "REPLICAS", "mymaster")) {
                        Map<String, String> f = fields(o);
                        if (f.get("port").equals(Integer.toString(replica))) {
                            return f.get("role-reported").equals("slave");
                        }
                    }
                    return false;
                });
                // "-" marks a reported role that contradicts the configuration, "+" one that agrees with it.
                for (String expected : List.of("-role-change " + described + " new reported role is master",
                        "+convert-to-slave " + described,
                        "+role-change " + described + " new reported role is slave")) {
                    List<?> m = (List<?>) sub.read();
                    assertEquals(expected, RespParser.toText(m.get(1)) + " " + RespParser.toText(m.get(2)), kind);
                }
            }
        });
    }

    @Test
    void manualFailoverOfPasswordProtectedNodes(@TempDir Path dir) throws Exception {
        try (SentinelLab lab = new SentinelLab(dir).dataNodes(2, "s3cret")) {
            int s = lab.jredisSentinel("s", lab.sentinelConf("sentinel auth-pass mymaster s3cret\n")).port();
            lab.sentinelPorts.clear();
            lab.sentinelPorts.add(s);
            lab.awaitDiscovery();
            assertEquals("OK", RespParser.toText(SentinelLab.call(s, "SENTINEL", "DEBUG", "info-period", "1000")));
            SentinelLab.await("the replicas' own INFO was read with the password", () -> {
                for (Object o : (List<?>) SentinelLab.call(s, "SENTINEL", "REPLICAS", "mymaster")) {
                    Map<String, String> f = fields(o);
                    if (!f.get("runid").matches("[0-9a-f]{40}") || !f.get("master-link-status").equals("ok")) {
                        return false;
                    }
                }
                return true;
            });
            Map<String, String> m = fields(SentinelLab.call(s, "SENTINEL", "MASTER", "mymaster"));
            assertEquals("master", m.get("flags"));
            assertTrue(m.get("runid").matches("[0-9a-f]{40}"), "INFO was read with the password: " + m);
            RawClient sub = lab.add(new RawClient("127.0.0.1", s));
            sub.call("SUBSCRIBE", "+switch-master");

            assertEquals("OK", RespParser.toText(SentinelLab.call(s, "SENTINEL", "FAILOVER", "mymaster")));
            assertEquals("(error) INPROG Failover already in progress",
                    RespParser.toText(SentinelLab.call(s, "SENTINEL", "FAILOVER", "mymaster")));
            String[] w = nextMessage(sub).split(" ");
            int promoted = Integer.parseInt(w[4]);
            Set<Integer> replicas = Set.of(lab.replicas.get(0).port(), lab.replicas.get(1).port());
            assertTrue(replicas.contains(promoted), String.join(" ", w));
            try (RawClient c = new RawClient("127.0.0.1", promoted)) {
                assertEquals("OK", RespParser.toText(c.call("AUTH", "s3cret")));
                assertTrue(RespParser.toText(c.call("INFO", "replication")).contains("role:master"));
                assertEquals("OK", RespParser.toText(c.call("SET", "after", "manual-failover")));
            }
            SentinelLab.await("the old master follows the promoted replica", () -> SentinelLab.info(
                    lab.master.port(), new String[] {"AUTH", "s3cret"}).contains("master_port:" + promoted));
        }
    }
}
