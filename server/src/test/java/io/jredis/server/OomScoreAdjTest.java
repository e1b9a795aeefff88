package io.jredis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * oom-score-adj moves the process's /proc oom_score_adj as Redis's setOOMScoreAdj: relative to the score it had
 * when enabled or absolute, and back to that score once disabled. The server runs in the test's JVM, so the test
 * reads its own process's score.
 */
class OomScoreAdjTest {
    private static final Path FILE = Path.of("/proc/self/oom_score_adj");

    @Test
    void configSetMovesTheProcessScoreAndDisablingRestoresIt() throws Exception {
        assumeTrue(Files.isWritable(FILE), "no writable /proc/self/oom_score_adj");
        int base = score();
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("OK", RawClient.text(c.call("CONFIG", "SET", "oom-score-adj-values", "10 20 30",
                    "oom-score-adj", "yes")));
            assertEquals(Math.min(1000, base + 10), score());
            assertEquals("OK", RawClient.text(c.call("CONFIG", "SET", "oom-score-adj-values", "15 20 30")));
            assertEquals(Math.min(1000, base + 15), score());
            // Only raising (and restoring) the score: an unprivileged process may not lower it below its start.
            assertEquals("OK", RawClient.text(c.call("CONFIG", "SET", "oom-score-adj-values", "2000 2000 2000",
                    "oom-score-adj", "absolute")));
            assertEquals(1000, score(), "clamped to the kernel's range");
            assertEquals("OK", RawClient.text(c.call("CONFIG", "SET", "oom-score-adj", "no")));
            assertEquals(base, score());
            assertEquals("OK", RawClient.text(c.call("CONFIG", "SET", "oom-score-adj-values", "40 40 40")));
            assertEquals(base, score(), "values alone do not touch the score while disabled");
        } finally {
            Files.writeString(FILE, base + "\n");
        }
    }

    private static int score() throws Exception {
        return Integer.parseInt(Files.readString(FILE).trim());
    }
}
