package io.jredis.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MEMORY subcommands and the used_memory accounting behind them. */
class MemoryCommandTest {
    @Test
    void usageGrowsWithTheValueAndAccountingFollowsWrites() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            long empty = used(c);
            c.call("SET", "small", "x");
            c.call("SET", "big", "x".repeat(10_000));
            long small = (Long) c.call("MEMORY", "USAGE", "small");
            long big = (Long) c.call("MEMORY", "USAGE", "big");
            assertTrue(big - small >= 9_900, small + " " + big);
            for (int i = 0; i < 1000; i++) {
                c.call("RPUSH", "list", "element-" + i);
            }
            long list = (Long) c.call("MEMORY", "USAGE", "list", "SAMPLES", "0");
            assertTrue(list > 1000 * 10, "list " + list);
            long withData = used(c);
            assertTrue(withData - empty >= big + small + list / 2, empty + " " + withData);
            c.call("DEL", "big", "list");
            assertTrue(used(c) < withData - 10_000);
            c.call("EXPIRE", "small", "100");
            c.call("PERSIST", "small");
            c.call("RENAME", "small", "renamed");
            c.call("DEL", "renamed");
            // Every key gone by DEL: the accounting returns to where it started, to the byte.
            assertEquals(empty, used(c));
            c.call("SET", "again", "x");
            c.call("FLUSHALL");
            assertEquals(empty, used(c));
            assertEquals("(nil)", RawClient.text(c.call("MEMORY", "USAGE", "nokey")));
            assertEquals("(error) ERR syntax error", RawClient.text(c.call("MEMORY", "USAGE", "small", "SAMPLES", "-1")));
            assertEquals("(error) ERR syntax error", RawClient.text(c.call("MEMORY", "USAGE", "small", "foo", "1")));
        }
    }

    @Test
    void statsDoctorAndFriends() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            c.call("SET", "k", "v");
            List<?> stats = (List<?>) c.call("MEMORY", "STATS");
            assertEquals("peak.allocated", RawClient.text(stats.get(0)));
            assertTrue(stats.stream().map(RawClient::text).toList().contains("keys.count"));
            String doctor = RawClient.text(c.call("MEMORY", "DOCTOR"));
            assertTrue(doctor.contains("Hi Sam, this instance is empty"), doctor);
            assertEquals("OK", RawClient.text(c.call("MEMORY", "PURGE")));
            assertEquals("Stats not supported for the current allocator",
                    RawClient.text(c.call("MEMORY", "MALLOC-STATS")));
        }
    }

    private static long used(RawClient c) throws Exception {
        for (String line : RawClient.text(c.call("INFO", "memory")).split("\r\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring(12));
            }
        }
        throw new AssertionError("no used_memory");
    }
}
