package io.jredis.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SLOWLOG GET / LEN / RESET with Redis's entry layout and argument trimming. */
class SlowlogTest {
    @Test
    void logsEveryCommandAtThresholdZero() throws Exception {
        TestServer.start("slowlog-log-slower-than", "0").runAndClose(c -> {
            c.call("CLIENT", "SETNAME", "me");
            c.call("SET", "k", "v");
            List<?> entries = (List<?>) c.call("SLOWLOG", "GET", "1");
            assertEquals(1, entries.size());
            List<?> e = (List<?>) entries.get(0);
            assertEquals(6, e.size());
            assertEquals(1L, e.get(0));
            assertTrue(Math.abs((Long) e.get(1) - System.currentTimeMillis() / 1000) < 5);
            assertTrue((Long) e.get(2) >= 0);
            assertEquals(List.of("SET", "k", "v"), ((List<?>) e.get(3)).stream().map(RawClient::text).toList());
            assertTrue(RawClient.text(e.get(4)).startsWith("127.0.0.1:"));
            assertEquals("me", RawClient.text(e.get(5)));
            assertEquals(3L, c.call("SLOWLOG", "LEN"));
            assertEquals("OK", RawClient.text(c.call("SLOWLOG", "RESET")));
            // SLOWLOG RESET itself is logged once it has run.
            assertEquals(1L, c.call("SLOWLOG", "LEN"));
        });
    }

    @Test
    void trimsLongArgumentsAndArgumentLists() throws Exception {
        TestServer.start("slowlog-log-slower-than", "0").runAndClose(c -> {
            String[] rpush = new String[42];
            rpush[0] = "RPUSH";
            rpush[1] = "l";
            for (int i = 2; i < 42; i++) {
                rpush[i] = String.valueOf(i - 1);
            }
            c.call(rpush);
            c.call("SET", "k", "x".repeat(200));
            List<?> entries = (List<?>) c.call("SLOWLOG", "GET", "2");
            List<?> set = (List<?>) ((List<?>) entries.get(0)).get(3);
            assertEquals("x".repeat(128) + "... (72 more bytes)", RawClient.text(set.get(2)));
            List<?> push = (List<?>) ((List<?>) entries.get(1)).get(3);
            assertEquals(32, push.size());
            assertEquals("... (11 more arguments)", RawClient.text(push.get(31)));
        });
    }

    @Test
    void thresholdLengthAndErrors() throws Exception {
        // Far above what a descheduled command takes on a loaded machine: at the default 10 ms, a SET that lost the
        // CPU for a moment was logged.
        TestServer.start("slowlog-max-len", "2", "slowlog-log-slower-than", "5000000").runAndClose(c -> {
            c.call("SET", "k", "v");
            assertEquals(0L, c.call("SLOWLOG", "LEN"));
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            for (int i = 0; i < 5; i++) {
                c.call("PING");
            }
            assertEquals(2L, c.call("SLOWLOG", "LEN"));
            assertEquals(List.of(), c.call("SLOWLOG", "GET", "0"));
            assertEquals("(error) ERR count should be greater than or equal to -1",
                    RawClient.text(c.call("SLOWLOG", "GET", "-2")));
            assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.",
                    RawClient.text(c.call("SLOWLOG", "GET", "1", "2")));
        });
    }

    @Test
    void hidesUserRulesAndSensitiveConfigValuesEvenOnFailure() throws Exception {
        TestServer.start("slowlog-log-slower-than", "0").runAndClose(c -> {
            c.call("SLOWLOG", "RESET");
            c.call("ACL", "SETUSER", "bad name", ">secret1");
            c.call("ACL", "SETUSER", "alice", ">secret2", "+get");
            c.call("CONFIG", "SET", "masterauth", "secret3");
            c.call("CONFIG", "SET", "nosuch", "x", "requirepass", "secret4");
            c.call("CONFIG", "SET", "maxmemory-samples", "6");
            List<?> entries = (List<?>) c.call("SLOWLOG", "GET", "5");
            List<List<String>> args = entries.stream()
                    .map(e -> ((List<?>) ((List<?>) e).get(3)).stream().map(RawClient::text).toList()).toList();
            assertEquals(List.of(
                    List.of("CONFIG", "SET", "maxmemory-samples", "6"),
                    List.of("CONFIG", "SET", "nosuch", "x", "requirepass", "(redacted)"),
                    List.of("CONFIG", "SET", "masterauth", "(redacted)"),
                    List.of("ACL", "SETUSER", "(redacted)", "(redacted)", "(redacted)"),
                    List.of("ACL", "SETUSER", "(redacted)", "(redacted)")), args);
        });
    }
}
