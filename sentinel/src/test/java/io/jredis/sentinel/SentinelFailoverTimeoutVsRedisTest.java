package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failovers whose replicas do not follow: a real redis-sentinel and a jredis Sentinel, each alone over its own
 * identical master and replicas, must announce the reconfiguration of the replicas and the end of the failover with
 * the same events in the same order.
 */
class SentinelFailoverTimeoutVsRedisTest {

    /**
     * The first replica sent REPLICAOF stays unconfirmed and the last one still waits (parallel-syncs 1) when the
     * 2 s failover timeout ends the failover: +failover-end comes before the best-effort +slave-reconf-sent-be.
     */
    @Test
    void timedOutFailoverEventsComeInRedisOrder(@TempDir Path dir) throws Exception {
        compare(dir, 3, new String[] {"failover-timeout", "2000", "down-after-milliseconds", "20000"}, null);
    }

    /**
     * The one replica to reconfigure does not confirm within the (shortened) replica reconfiguration timeout: it
     * counts as done, and is sent REPLICAOF once more (+slave-reconf-sent again) as Redis does.
     */
    @Test
    void replicaReconfTimeoutResendsAsRedis(@TempDir Path dir) throws Exception {
        compare(dir, 2, new String[] {"parallel-syncs", "2", "down-after-milliseconds", "60000"},
                new String[] {"slave-reconf-timeout", "2000"});
    }

    private static void compare(Path dir, int replicas, String[] set, String[] debug) throws Exception {
        Files.createDirectories(dir.resolve("real"));
        Files.createDirectories(dir.resolve("jredis"));
        try (SentinelLab real = new SentinelLab(dir.resolve("real")).dataNodes(replicas, null);
                SentinelLab jredis = new SentinelLab(dir.resolve("jredis")).dataNodes(replicas, null)) {
            for (SentinelLab lab : List.of(real, jredis)) {
                SentinelLab.call(lab.replicas.get(0).port(), "CONFIG", "SET", "replica-priority", "1");
            }
            int realPort = real.realSentinel("s", real.sentinelConf("")).port();
            int jredisPort = jredis.jredisSentinel("s", jredis.sentinelConf("")).port();
            for (int port : new int[] {realPort, jredisPort}) {
                List<String> args = new ArrayList<>(List.of("SENTINEL", "SET", "mymaster"));
                args.addAll(List.of(set));
                assertEquals("OK", RespParser.toText(SentinelLab.call(port, args.toArray(String[]::new))));
                if (debug != null) {
                    args = new ArrayList<>(List.of("SENTINEL", "DEBUG"));
                    args.addAll(List.of(debug));
                    assertEquals("OK", RespParser.toText(SentinelLab.call(port, args.toArray(String[]::new))));
                }
            }
            assertEquals(endEvents(real, realPort), endEvents(jredis, jredisPort));
        }
    }

    /**
     * Fails the lab's master over to its first replica while the others are paused (their REPLICAOF stays
     * unanswered); the names of the events from the reconfiguration of the replicas to the switch.
     */
    private static List<String> endEvents(SentinelLab lab, int sentinel) throws Exception {
        lab.awaitDiscovery();
        SentinelLab.await("the Sentinel read the replicas' INFO", () -> replicasReady(sentinel));
        RawClient sub = lab.add(new RawClient("127.0.0.1", sentinel));
        sub.call("PSUBSCRIBE", "*");
        for (int i = 1; i < lab.replicas.size(); i++) {
            assertEquals("OK", RespParser.toText(SentinelLab.call(lab.replicas.get(i).port(), "CLIENT", "PAUSE",
                    "8000", "ALL")));
        }
        assertEquals("OK", RespParser.toText(SentinelLab.call(sentinel, "SENTINEL", "FAILOVER", "mymaster")));
        List<String> names = new ArrayList<>();
        boolean reconf = false;
        while (true) {
            String channel = RespParser.toText(((List<?>) sub.read()).get(2));
            if (channel.equals("+switch-master")) {
                return names;
            }
            reconf |= channel.equals("+failover-state-reconf-slaves");
            if (reconf && (channel.startsWith("+failover-end") || channel.contains("slave-reconf"))) {
                names.add(channel);
            }
        }
    }

    /** Whether the Sentinel saw all the replicas linked to the master, the first one with priority 1. */
    private static boolean replicasReady(int sentinel) {
        if (!(SentinelLab.call(sentinel, "SENTINEL", "REPLICAS", "mymaster") instanceof List<?> reports)
                || reports.isEmpty()) {
            return false;
        }
        boolean priorityOne = false;
        for (Object r : reports) {
            List<?> f = (List<?>) r;
            for (int i = 0; i + 1 < f.size(); i += 2) {
                String k = RespParser.toText(f.get(i));
                String v = RespParser.toText(f.get(i + 1));
                if (k.equals("master-link-status") && !v.equals("ok")) {
                    return false;
                }
                priorityOne |= k.equals("slave-priority") && v.equals("1");
            }
        }
        return priorityOne;
    }
}
