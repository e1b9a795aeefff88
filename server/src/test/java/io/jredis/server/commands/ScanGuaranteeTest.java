package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.TestServer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * SCAN's guarantee: a key present for the whole iteration is returned at least once, even while other clients add
 * and remove enough keys to make the table grow and shrink between calls.
 */
class ScanGuaranteeTest {
    private static final int STABLE = 1000;

    @Test
    void stableKeysAreReturnedWhileTheKeyspaceChurns() throws Exception {
        try (TestServer s = TestServer.start(); Jedis scanner = new Jedis(s.host(), s.port());
                Jedis writer = new Jedis(s.host(), s.port())) {
            Pipeline p = writer.pipelined();
            for (int i = 0; i < STABLE; i++) {
                p.set("stable:" + i, "v");
            }
            p.sync();

            Set<String> seen = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            int round = 0;
            int maxBuckets = 0;
            int minBuckets = Integer.MAX_VALUE;
            do {
                ScanResult<String> r = scanner.scan(cursor, new ScanParams().count(20));
                seen.addAll(r.getResult());
                cursor = r.getCursor();
                round++;
                // Grow for 10 rounds by 1500 keys each, then delete them all so the cron shrinks the table.
                p = writer.pipelined();
                if (round % 20 < 10) {
                    for (int i = 0; i < 1500; i++) {
                        p.set("churn:" + round + ":" + i, "v");
                    }
                } else if (round % 20 == 10) {
                    for (int r0 = round - 10; r0 < round; r0++) {
                        for (int i = 0; i < 1500; i++) {
                            p.del("churn:" + r0 + ":" + i);
                        }
                    }
                }
                p.sync();
                int buckets = s.server().onEngine(() -> s.server().engine().database(0).dict().buckets());
                maxBuckets = Math.max(maxBuckets, buckets);
                if (round > 10) {
                    minBuckets = Math.min(minBuckets, buckets);
                }
            } while (!cursor.equals("0") && round < 100_000);

            assertTrue(maxBuckets >= 16384, "the table grew during the scan: " + maxBuckets);
            assertTrue(minBuckets < maxBuckets, "the table shrank during the scan: " + minBuckets);
            for (int i = 0; i < STABLE; i++) {
                assertTrue(seen.contains("stable:" + i), "stable:" + i + " was never returned");
            }
        }
    }
}
