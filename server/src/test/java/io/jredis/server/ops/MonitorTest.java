package io.jredis.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import org.junit.jupiter.api.Test;

/** MONITOR shows each executed command in Redis's line format, MULTI/EXEC included. */
class MonitorTest {
    @Test
    void feedsCommandsInRedisFormat() throws Exception {
        try (TestServer s = TestServer.start(); RawClient m = new RawClient(s.host(), s.port());
                RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("OK", RawClient.text(m.call("MONITOR")));
            c.call("SET", "k", "a b\n\"");
            c.call("SELECT", "3");
            c.call("MULTI");
            c.call("INCR", "n");
            c.call("EXEC");
            String set = RawClient.text(m.read());
            assertTrue(set.matches("\\d{10}\\.\\d{6} \\[0 127\\.0\\.0\\.1:\\d+\\] \"SET\" \"k\" \"a b\\\\n\\\\\"\""),
                    set);
            // Redis 7.0 feeds a command once it ran: SELECT shows its new db, EXEC follows the commands it ran.
            assertTrue(RawClient.text(m.read()).endsWith("[3 " + set.split(" ")[2].substring(0) + " \"SELECT\" \"3\""));
            assertTrue(RawClient.text(m.read()).endsWith("\"MULTI\""));
            assertTrue(RawClient.text(m.read()).endsWith("\"INCR\" \"n\""));
            assertTrue(RawClient.text(m.read()).endsWith("\"EXEC\""));
        }
    }

    @Test
    void adminCommandsAreNotShown() throws Exception {
        try (TestServer s = TestServer.start(); RawClient m = new RawClient(s.host(), s.port());
                RawClient c = new RawClient(s.host(), s.port())) {
            m.call("MONITOR");
            c.call("CONFIG", "GET", "maxmemory");
            c.call("PING");
            assertTrue(RawClient.text(m.read()).endsWith("\"PING\""));
        }
    }
}
