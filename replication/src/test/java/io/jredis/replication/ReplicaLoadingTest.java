package io.jredis.replication;

import static io.jredis.replication.Nodes.assertSameData;
import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.awaitCaughtUp;
import static io.jredis.replication.Nodes.fill;
import static io.jredis.replication.Nodes.info;
import static io.jredis.server.testing.RawClient.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * What a replica answers while it loads its master's payload, compared with a real Redis 7.0.15 replica doing the
 * same: a load from disk (repl-diskless-load disabled) is a blocking load, where commands without the loading flag
 * get -LOADING; a swapdb load of the same history is an async load, which serves the old data and refuses only the
 * no_async_loading commands and the deny-loading directives of CONFIG SET. {@code key-load-delay} on the replica and
 * a small {@code loading-process-events-interval-bytes} keep the load running for seconds while staying responsive.
 */
class ReplicaLoadingTest {
    private static final String LOADING = "-LOADING Redis is loading the dataset in memory\r\n";
    private static final int KEYS = 3000;
    /** Microseconds per key: the load lasts KEYS * this (9 s), far longer than the probes. */
    private static final String KEY_DELAY = "3000";

    private static final String[] DISK_PROBES = {
        "GET old", "CONFIG SET appendonly yes", "CONFIG SET maxmemory 0", "CONFIG SET maxmemory 0 appendonly yes",
        "MULTI", "CONFIG SET maxmemory 0", "EXEC",
    };

    private static final String[] ASYNC_PROBES = {
        "GET marker", "CONFIG SET appendonly yes", "CONFIG SET maxmemory 0", "CONFIG SET maxmemory 0 appendonly yes",
        "CONFIG SET appendonly yes nosuch 1", "CONFIG SET nosuch 1 appendonly yes", "CONFIG SET appendonly maybe",
        "BGSAVE", "SAVE", "BGREWRITEAOF", "REPLICAOF NO ONE",
        "MULTI", "BGSAVE", "EXEC",
        "MULTI", "GET marker", "CONFIG SET appendonly yes", "EXEC",
    };

    /** The replica directives of both servers, in redis-server command-line form. */
    private static String[] replicaArgs(String load) {
        return new String[] {"repl-diskless-load", load, "key-load-delay", "0",
            "loading-process-events-interval-bytes", "1024"};
    }

    private static String[] cli(String[] args) {
        String[] out = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            out[i] = i % 2 == 0 ? "--" + args[i] : args[i];
        }
        return out;
    }

    @Test
    void diskLoadAnswersLoadingAsRealRedis() throws Exception {
        List<String> jredis = onJredis("disabled", ReplicaLoadingTest::diskLoad, (m, r, replica) -> {
            assertSameData(m, r);
            String log = Nodes.log(replica);
            assertTrue(log.contains("MASTER <-> REPLICA sync: Loading DB in memory"), log);
            assertTrue(log.contains("Done loading RDB, keys loaded: " + KEYS + ", keys expired: 0."), log);
        });
        assertEquals(List.of(LOADING, LOADING, "+OK\r\n", LOADING, "+OK\r\n", "+QUEUED\r\n", "*1\r\n+OK\r\n"),
                jredis.subList(0, DISK_PROBES.length));
        assertEquals(onRealRedis("disabled", ReplicaLoadingTest::diskLoad), jredis);
    }

    /** A load on a new master {@code m} and replica {@code r}, returning the replies to compare. */
    private interface LoadScenario {
        List<String> run(Jedis m, Jedis r, int masterPort, int replicaPort) throws Exception;
    }

    /** What is checked on the jredis servers after a scenario, before they close. */
    private interface JredisCheck {
        void run(Jedis m, Jedis r, RedisServer replica) throws Exception;
    }

    /** Runs {@code scenario} on a jredis master and replica (repl-diskless-load {@code mode}), then {@code check}. */
    private static List<String> onJredis(String mode, LoadScenario scenario, JredisCheck check) throws Exception {
        try (RedisServer master = Nodes.jredis("repl-diskless-sync-delay", "0");
                RedisServer replica = Nodes.jredis(replicaArgs(mode));
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            List<String> replies = scenario.run(m, r, master.port(), replica.port());
            check.run(m, r, replica);
            return replies;
        }
    }

    /** Runs {@code scenario} on a real redis-server master and replica (repl-diskless-load {@code mode}). */
    private static List<String> onRealRedis(String mode, LoadScenario scenario) throws Exception {
        try (RealRedis master = RealRedis.start("--repl-diskless-sync-delay", "0");
                RealRedis replica = RealRedis.start(cli(replicaArgs(mode)));
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            return scenario.run(m, r, master.port(), replica.port());
        }
    }

    /**
     * Makes {@code r} a replica of {@code m} loading a slow payload from disk; returns the replies to the probes
     * during the load and the INFO persistence fields then (loading, and which loading_* fields exist).
     */
    private static List<String> diskLoad(Jedis m, Jedis r, int masterPort, int replicaPort) throws Exception {
        fill(m, "key:", KEYS, 40);
        r.set("old", "data");
        r.configSet("key-load-delay", KEY_DELAY);
        r.replicaof("127.0.0.1", masterPort);
        List<String> replies = probeWhileLoading(replicaPort, "loading", DISK_PROBES);
        m.set("during", "the load");
        awaitCaughtUp(m, r);
        assertEquals("the load", r.get("during"));
        assertEquals("0", info(r, "loading"));
        return replies;
    }

    @Test
    void asyncLoadRefusesWhatRealRedisRefuses() throws Exception {
        List<String> jredis = onJredis("swapdb", ReplicaLoadingTest::asyncLoad,
                (m, r, replica) -> assertSameData(m, r));
        assertEquals("$6\r\nbefore\r\n", jredis.get(0));
        assertEquals(LOADING, jredis.get(1), "a deny-loading directive");
        assertEquals("+OK\r\n", jredis.get(2));
        assertEquals(LOADING, jredis.get(7), "BGSAVE has no_async_loading");
        assertEquals(onRealRedis("swapdb", ReplicaLoadingTest::asyncLoad), jredis);
    }

    /**
     * Syncs {@code r} with {@code m}, then forces a second full sync of the same history (its link killed while
     * the backlog overflows), which a swapdb replica loads asynchronously; returns the probes' replies then.
     */
    private static List<String> asyncLoad(Jedis m, Jedis r, int masterPort, int replicaPort) throws Exception {
        fill(m, "key:", KEYS, 40);
        m.set("marker", "before");
        r.replicaof("127.0.0.1", masterPort);
        awaitCaughtUp(m, r);
        r.configSet("key-load-delay", KEY_DELAY);
        m.configSet("repl-backlog-size", "16384");
        try (RawClient c = new RawClient("127.0.0.1", masterPort)) {
            // One transaction: the replica cannot reconnect before the backlog no longer holds its offset.
            List<String> tx = new ArrayList<>(List.of("MULTI", "CLIENT KILL TYPE replica", "SET marker after"));
            for (int i = 0; i < 10; i++) {
                tx.add("SET big:" + i + " " + "A".repeat(16384));
            }
            tx.add("EXEC");
            for (String cmd : tx) {
                c.call(cmd.split(" "));
            }
        }
        List<String> replies = probeWhileLoading(replicaPort, "async_loading", ASYNC_PROBES);
        awaitCaughtUp(m, r);
        assertEquals("after", r.get("marker"));
        return replies;
    }

    /**
     * Waits (bounded) for INFO to show {@code state}:1, sends the probes, and checks that the load was still running
     * after them. Returns the raw replies followed by the INFO persistence loading fields as seen during the load.
     */
    private static List<String> probeWhileLoading(int port, String state, String[] probes) throws IOException {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            await(state + ":1", 60, () -> loadingFields(c).contains(state + ":1"));
            List<String> out = new ArrayList<>();
            for (String p : probes) {
                out.add(new String(c.callRaw(args(p.split(" "))), StandardCharsets.UTF_8));
            }
            String fields = loadingFields(c);
            assertTrue(fields.contains(state + ":1"), "the load outlasted the probes: " + fields);
            out.add(fields);
            return out;
        }
    }

    /** INFO persistence's loading and async_loading values and the names of the loading_* fields. */
    private static String loadingFields(RawClient c) {
        String info = c.info("persistence");
        StringBuilder sb = new StringBuilder();
        for (String line : info.split("\r\n")) {
            if (line.startsWith("loading:") || line.startsWith("async_loading:")) {
                sb.append(line).append('\n');
            } else if (line.startsWith("loading_")) {
                sb.append(line, 0, line.indexOf(':')).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void aDamagedPayloadOnDiskIsReportedOnceAndTheReplicaServesAgain() throws Exception {
        byte[] rdb;
        try (RedisServer s = Nodes.jredis(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.set("k", "v");
            j.save();
            rdb = Files.readAllBytes(Path.of(j.configGet("dir").get("dir"), "dump.rdb"));
        }
        rdb[rdb.length - 1] ^= (byte) 0xff;
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                RedisServer replica = Nodes.jredis();
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            r.replicaof("127.0.0.1", listener.getLocalPort());
            try (Socket link = listener.accept()) {
                StreamParsingTest.handshake(new BufferedInputStream(link.getInputStream()), link.getOutputStream(),
                        rdb);
                String failed = "# Failed trying to load the MASTER synchronization DB from disk, check server logs.";
                await("the failed load", 30, () -> Nodes.log(replica).contains(failed));
                String log = Nodes.log(replica);
                assertEquals(1, count(log, "# Wrong RDB checksum expected: ("), log);
                assertEquals(1, count(log, "# Internal error in RDB reading offset "), log);
                assertTrue(log.indexOf("Internal error in RDB reading") < log.indexOf(failed), log);
                assertEquals("0", info(r, "loading"));
                // It answers again (no -LOADING), with what was read before the checksum: the whole dataset here.
                assertEquals("v", r.get("k"));
            }
            r.replicaofNoOne();
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
