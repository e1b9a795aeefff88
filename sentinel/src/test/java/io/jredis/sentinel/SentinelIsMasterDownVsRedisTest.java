package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.testing.RawClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SENTINEL IS-MASTER-DOWN-BY-ADDR with a vote request names the master by an address that Redis resolves before
 * comparing (an inet_aton form such as "127.1"; a host name only with resolve-hostnames): a real redis-sentinel
 * and a jredis Sentinel monitoring the same master must vote (or not) alike, byte for byte.
 */
class SentinelIsMasterDownVsRedisTest {

    @Test
    void votesForAMasterNamedByAnEquivalentAddress(@TempDir Path dir) throws Exception {
        try (SentinelLab lab = new SentinelLab(dir).dataNodes(0, null)) {
            SentinelLab.SentinelPair pair = lab.sentinelPair();
            String m = Integer.toString(lab.master.port());
            String[][] asks = {{"127.1", m, "5", "a".repeat(40)}, {"2130706433", m, "6", "b".repeat(40)},
                {"localhost", m, "7", "c".repeat(40)}, {"127.0.0.1", m, "8", "d".repeat(40)},
                {"127.0.0.1", "70000", "9", "e".repeat(40)}};
            assertEquals(replies(pair.real(), asks), replies(pair.jredis(), asks));
        }
    }

    private static List<String> replies(int port, String[][] asks) throws Exception {
        List<String> out = new ArrayList<>();
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            for (String[] a : asks) {
                byte[][] argv = RawClient.args("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", a[0], a[1], a[2], a[3]);
                out.add(String.join(" ", a) + " -> " + new String(c.callRaw(argv), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
