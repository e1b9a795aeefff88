package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class InfoCommandTest {
    /** Sections whose lines depend on what ran (commands, errors, keys), not on the server's make. */
    private static final Set<String> DYNAMIC = Set.of("Commandstats", "Errorstats", "Latencystats", "Keyspace");

    /** Section title to its field names, in order, from an INFO reply. */
    private static Map<String, List<String>> fieldNames(String info) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : info.split("\r\n")) {
            if (line.startsWith("# ")) {
                current = new ArrayList<>();
                out.put(line.substring(2), current);
            } else if (!line.isEmpty()) {
                current.add(line.substring(0, line.indexOf(':')));
            }
        }
        return out;
    }

    private static Map<String, String> values(String info) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : info.split("\r\n")) {
            int colon = line.indexOf(':');
            if (!line.startsWith("#") && colon > 0) {
                out.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return out;
    }

    private static String info(RawClient c, String... sections) throws Exception {
        String[] argv = new String[sections.length + 1];
        argv[0] = "INFO";
        System.arraycopy(sections, 0, argv, 1, sections.length);
        return RawClient.text(c.call(argv));
    }

    @Test
    void everySectionAndFieldNameMatchesRealRedisInOrder() throws Exception {
        try (RealRedis redis = RealRedis.start(); TestServer s = TestServer.start();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient ours = new RawClient(s.host(), s.port())) {
            Map<String, List<String>> expected = fieldNames(info(real, "everything"));
            Map<String, List<String>> actual = fieldNames(info(ours, "everything"));
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
            for (Map.Entry<String, List<String>> e : expected.entrySet()) {
                if (!DYNAMIC.contains(e.getKey())) {
                    assertEquals(e.getValue(), actual.get(e.getKey()), "fields of section " + e.getKey());
                }
            }
        }
    }

    @Test
    void sectionSelectionMatchesRealRedis() throws Exception {
        String[][] cases = {
            {}, {"default"}, {"all"}, {"everything"}, {"server"}, {"SERVER", "Clients"}, {"keyspace", "server"},
            {"commandstats"}, {"latencystats"}, {"errorstats"}, {"modules"}, {"module_list"}, {"default", "all"},
            {"default", "commandstats"}, {"cpu", "cpu"}, {"nosuch"}, {"nosuch", "cluster"}
        };
        try (RealRedis redis = RealRedis.start(); TestServer s = TestServer.start();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient ours = new RawClient(s.host(), s.port())) {
            for (String[] args : cases) {
                String expected = info(real, args);
                String actual = info(ours, args);
                assertEquals(List.copyOf(fieldNames(expected).keySet()), List.copyOf(fieldNames(actual).keySet()),
                        "INFO " + String.join(" ", args));
                assertEquals(expected.isEmpty(), actual.isEmpty());
            }
        }
    }

    @Test
    void sectionsAreSeparatedByABlankLineAndLinesEndWithCrlf() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            String text = info(c, "server", "cluster");
            assertTrue(text.startsWith("# Server\r\nredis_version:7.0.15\r\n"), text);
            assertTrue(text.endsWith("\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n"), text);
            assertEquals("", info(c, "nosuch"));
            byte[] raw = c.callRaw("INFO".getBytes(), "nosuch".getBytes());
            assertEquals("$0\r\n\r\n", new String(raw, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void liveValues() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port());
                Jedis j = new Jedis(s.host(), s.port())) {
            j.set("a", "1");
            j.get("a");
            j.select(2);
            j.set("b", "2");
            RawClient.text(c.call("GET"));
            Map<String, String> v = values(info(c, "everything"));
            assertEquals("7.0.15", v.get("redis_version"));
            assertEquals("standalone", v.get("redis_mode"));
            assertEquals(String.valueOf(s.port()), v.get("tcp_port"));
            assertEquals(String.valueOf(ProcessHandle.current().pid()), v.get("process_id"));
            String runId = s.server().onEngine(() -> s.server().engine().runId());
            assertEquals(runId, v.get("run_id"));
            assertTrue(v.get("master_replid").matches("[0-9a-f]{40}"));
            assertNotEquals(runId, v.get("master_replid"));
            assertEquals("0".repeat(40), v.get("master_replid2"));
            assertEquals("master", v.get("role"));
            assertEquals("2", v.get("connected_clients"));
            assertTrue(Long.parseLong(v.get("total_connections_received")) >= 2);
            assertTrue(Long.parseLong(v.get("total_commands_processed")) >= 4);
            assertTrue(Long.parseLong(v.get("used_memory")) > 0);
            assertEquals("keys=1,expires=0,avg_ttl=0", v.get("db0"));
            assertEquals("keys=1,expires=0,avg_ttl=0", v.get("db2"));
            assertEquals("count=1", v.get("errorstat_ERR"));
            assertTrue(v.get("cmdstat_get").matches(
                    "calls=1,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=1,failed_calls=0"), v.get("cmdstat_get"));
            assertTrue(v.get("cmdstat_set").startsWith("calls=2,"), v.get("cmdstat_set"));
            assertEquals("1", v.get("total_error_replies"));
            assertEquals("2", v.get("rdb_changes_since_last_save"));
            long inputBefore = Long.parseLong(v.get("total_net_input_bytes"));
            assertTrue(inputBefore > 0);
            assertTrue(Long.parseLong(values(info(c, "stats")).get("total_net_input_bytes")) > inputBefore);
        }
    }

    @Test
    void humanSizesAreBytesToHuman() {
        assertEquals("1023B", InfoCommand.human(1023));
        assertEquals("1.00K", InfoCommand.human(1024));
        assertEquals("1.50K", InfoCommand.human(1536));
        // %.2f of 1023.999...: C rounds it up, past the unit's boundary, and so must we.
        assertEquals("1024.00K", InfoCommand.human(1024 * 1024 - 1));
        assertEquals("1.00M", InfoCommand.human(1024 * 1024));
        assertEquals("868.75K", InfoCommand.human(889_600));
        assertEquals("1.00P", InfoCommand.human(1L << 50));
        assertEquals("9223372036854775807B", InfoCommand.human(Long.MAX_VALUE));
    }

    /**
     * The resident set is sampled every 100 ms and the CPU times once a clock tick: both must still follow what the
     * process does, in Redis's formats.
     */
    @Test
    void residentSetAndCpuTimesFollowTheProcess() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            Map<String, String> before = values(info(c, "memory", "cpu"));
            for (String f : List.of("used_cpu_sys", "used_cpu_user", "used_cpu_sys_main_thread",
                    "used_cpu_user_main_thread")) {
                assertTrue(before.get(f).matches("\\d+\\.\\d{6}"), f + ": " + before.get(f));
            }
            assertTrue(before.get("used_memory_rss_human").matches("\\d+\\.\\d\\d[KMGTP]"),
                    before.get("used_memory_rss_human"));
            long rss = Long.parseLong(before.get("used_memory_rss"));
            double user = Double.parseDouble(before.get("used_cpu_user_main_thread"));
            // The server runs in this process: 64 MB of fresh native memory, touched, must show in its resident set.
            java.nio.ByteBuffer touched = java.nio.ByteBuffer.allocateDirect(64 << 20);
            for (int i = 0; i < touched.capacity(); i += 4096) {
                touched.put(i, (byte) 1);
            }
            // Against the process's own resident set rather than rss + 64 MB: the JVM may hand heap back to the
            // system meanwhile (a collector shrinking the heap after a cycle), which a busy machine made outlast the
            // wait. A sample that stopped would stay 64 MB behind.
            Await.until("used_memory_rss to follow the 64 MB touched", 10, () -> {
                try {
                    long actual = residentBytes();
                    long reported = Long.parseLong(values(info(c, "memory")).get("used_memory_rss"));
                    return reported != rss && Math.abs(reported - actual) < (16 << 20);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(1, touched.get(4096));
            Await.until("the engine thread's user time to grow", 10, () -> {
                try {
                    c.call("EVAL", "local i = 0 while i < 1000000 do i = i + 1 end return i", "0");
                    return Double.parseDouble(values(info(c, "cpu")).get("used_cpu_user_main_thread")) > user;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    /** This process's resident set from /proc/self/statm (in pages), as the server itself samples it. */
    private static long residentBytes() throws java.io.IOException {
        String[] statm = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/statm")).trim().split(" ");
        return Long.parseLong(statm[1]) * 4096;
    }

    @Test
    void subcommandsAreReportedWithTheirContainer() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            c.call("COMMAND", "COUNT");
            c.call("COMMAND", "COUNT");
            Map<String, String> v = values(info(c, "commandstats"));
            assertTrue(v.get("cmdstat_command|count").startsWith("calls=2,"), v.toString());
        }
    }

    @Test
    void instantaneousOpsAreSampledWhileCommandsRun() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long ops = 0;
            while (ops == 0 && System.nanoTime() < deadline) {
                for (int i = 0; i < 200; i++) {
                    c.call("PING");
                }
                ops = Long.parseLong(values(info(c, "stats")).get("instantaneous_ops_per_sec"));
            }
            assertTrue(ops > 0);
        }
    }

    @Test
    void resp3ClientsGetAVerbatimString() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            c.call("PING");
            s.switchClientsToResp3();
            String raw = new String(c.callRaw("INFO".getBytes(), "cluster".getBytes()), StandardCharsets.US_ASCII);
            String body = "# Cluster\r\ncluster_enabled:0\r\n";
            assertEquals("=" + (body.length() + 4) + "\r\ntxt:" + body + "\r\n", raw);
        }
    }
}
