package io.jredis.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** LATENCY subcommands and INFO latencystats from per-command histograms. */
class LatencyTest {
    @Test
    void histogramAndLatencystats() throws Exception {
        TestServer.start().runAndClose(c -> {
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
            List<?> h = (List<?>) c.call("LATENCY", "HISTOGRAM", "set", "nosuch");
            assertEquals(2, h.size());
            assertEquals("set", RawClient.text(h.get(0)));
            List<?> body = (List<?>) h.get(1);
            assertEquals("calls", RawClient.text(body.get(0)));
            assertEquals(2L, body.get(1));
            List<?> buckets = (List<?>) body.get(3);
            assertEquals(2L, buckets.get(buckets.size() - 1));
            assertEquals(List.of(), c.call("LATENCY", "HISTOGRAM", "nosuch"));
            String info = RawClient.text(c.call("INFO", "latencystats"));
            assertTrue(info.matches("(?s).*latency_percentiles_usec_set:p50=\\d+\\.\\d{3},p99=\\d+\\.\\d{3},"
                    + "p99\\.9=\\d+\\.\\d{3}\r\n.*"), info);
            c.call("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99.99");
            assertTrue(RawClient.text(c.call("INFO", "latencystats")).contains("latency_percentiles_usec_set:p50="));
            assertTrue(RawClient.text(c.call("INFO", "latencystats")).contains(",p99.99="));
        });
    }

    @Test
    void histogramOfAContainerListsItsSubcommands() throws Exception {
        TestServer.start().runAndClose(c -> {
            c.call("CONFIG", "RESETSTAT");
            c.call("CLIENT", "ID");
            c.call("CLIENT", "LIST");
            List<?> h = (List<?>) c.call("LATENCY", "HISTOGRAM", "client");
            List<String> names = List.of(RawClient.text(h.get(0)), RawClient.text(h.get(2)));
            assertEquals(List.of("client|id", "client|list"), names.stream().sorted().toList());
            h = (List<?>) c.call("LATENCY", "HISTOGRAM", "client|id", "client|id");
            assertEquals(4, h.size());
            assertEquals("client|id", RawClient.text(h.get(2)));
        });
    }

    /** As Redis's activeExpireCycle: a cycle reaching latency-monitor-threshold is an expire-cycle event. */
    @Test
    void monitorRecordsSlowActiveExpireCycles() throws Exception {
        TestServer.start("latency-monitor-threshold", "1").runAndClose(c -> {
            c.call("EVAL", "for i=1,50000 do redis.call('set','k'..i,'v','px',1) end", "0");
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (!RawClient.text(c.call("LATENCY", "LATEST")).contains("expire-cycle")) {
                assertTrue(System.nanoTime() < deadline, "no expire-cycle event: " + RawClient.text(
                        c.call("LATENCY", "LATEST")));
                c.call("DBSIZE");
            }
            List<?> history = (List<?>) c.call("LATENCY", "HISTORY", "expire-cycle");
            assertTrue(!history.isEmpty());
        });
    }

    /**
     * The threshold is far above what a descheduled command can take on a loaded 2-core machine: with 1 ms, an
     * ordinary command after LATENCY RESET could log a second spike.
     */
    @Test
    void monitorRecordsSlowCommands() throws Exception {
        try (TestServer s = TestServer.start("latency-monitor-threshold", "400", "enable-debug-command", "yes");
                Jedis j = new Jedis(s.host(), s.port()); RawClient c = new RawClient(s.host(), s.port())) {
            assertTrue(j.latencyLatest().isEmpty());
            c.call("DEBUG", "SLEEP", "0.45");
            List<?> latest = (List<?>) c.call("LATENCY", "LATEST");
            assertEquals(1, latest.size());
            List<?> ev = (List<?>) latest.get(0);
            assertEquals("command", RawClient.text(ev.get(0)));
            assertTrue((Long) ev.get(2) >= 450);
            List<?> history = (List<?>) c.call("LATENCY", "HISTORY", "command");
            assertEquals(1, history.size());
            assertTrue(RawClient.text(c.call("LATENCY", "DOCTOR")).contains("1. command: 1 latency spikes"));
            String graph = RawClient.text(c.call("LATENCY", "GRAPH", "command"));
            String[] g = graph.split("\n", -1);
            assertTrue(g[0].matches("command - high \\d+ ms, low \\d+ ms \\(all time high \\d+ ms\\)"), graph);
            assertEquals("-".repeat(80), g[1]);
            // One sample is its own minimum: the lowest bar, then a blank line and its age label ("0s").
            assertEquals(List.of(" ", " ", " ", "_", " "), List.of(g).subList(2, 7));
            assertTrue(g[7].matches("\\d") && g[g.length - 2].equals("s"), graph);
            assertEquals("(error) ERR No samples available for event 'nope'",
                    RawClient.text(c.call("LATENCY", "GRAPH", "nope")));
            assertEquals(1L, c.call("LATENCY", "RESET"));
            assertEquals(List.of(), c.call("LATENCY", "LATEST"));
            assertTrue(RawClient.text(c.call("LATENCY", "DOCTOR")).startsWith("Dave, no latency spike"));
        }
    }

    /**
     * LATENCY DOCTOR's report equals real Redis's apart from the measured milliseconds: the period is the time since
     * the oldest sample (at least a second) per sample, and the advices follow the events and the slowlog and
     * appendfsync settings.
     */
    @Test
    void doctorReportMatchesRealRedis() throws Exception {
        String[][] steps = {
            {"CONFIG", "SET", "latency-monitor-threshold", "1"}, {"DEBUG", "SLEEP", "0.02"}, {"LATENCY", "DOCTOR"},
            {"LATENCY", "RESET"}, {"CONFIG", "SET", "slowlog-log-slower-than", "-1"}, {"DEBUG", "SLEEP", "0.02"},
            {"LATENCY", "DOCTOR"}, {"LATENCY", "RESET"}, {"CONFIG", "SET", "slowlog-log-slower-than", "1000"},
            {"DEBUG", "SLEEP", "0.02"}, {"LATENCY", "DOCTOR"}, {"LATENCY", "RESET"}, {"LATENCY", "DOCTOR"},
        };
        try (RealRedis real = RealRedis.start("--enable-debug-command", "yes");
                TestServer ours = TestServer.start("enable-debug-command", "yes");
                RawClient r = new RawClient("127.0.0.1", real.port());
                RawClient j = new RawClient(ours.host(), ours.port())) {
            List<String> expected = new ArrayList<>();
            List<String> actual = new ArrayList<>();
            for (String[] step : steps) {
                expected.add(RawClient.text(r.call(step)).replaceAll("\\d+ms", "Nms"));
                actual.add(RawClient.text(j.call(step)).replaceAll("\\d+ms", "Nms"));
            }
            assertEquals(String.join("\n", expected), String.join("\n", actual));
        }
    }
}
