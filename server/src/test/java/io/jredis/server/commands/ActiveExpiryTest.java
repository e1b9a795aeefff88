package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.Engine;
import io.jredis.server.testing.TestServer;
import io.jredis.server.util.Bytes;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** Keys with a TTL are reclaimed by the cron's active expiry, without any client touching them. */
class ActiveExpiryTest {
    @Test
    void expiredKeysAreReclaimedWithoutAccess() throws Exception {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            Engine engine = s.server().engine();
            AtomicInteger propagatedDels = new AtomicInteger();
            s.server().onEngine(() -> {
                engine.addPropagationListener((db, argv) -> {
                    if (Bytes.str(argv[0]).equals("DEL")) {
                        propagatedDels.incrementAndGet();
                    }
                });
                return null;
            });
            long expiredBefore = engine.stats().expiredKeys;
            Pipeline p = j.pipelined();
            for (int i = 0; i < 1000; i++) {
                p.set("short:" + i, "v");
                p.pexpire("short:" + i, 50);
            }
            for (int i = 0; i < 100; i++) {
                p.set("long:" + i, "v");
                p.expire("long:" + i, 3600);
            }
            for (int i = 0; i < 100; i++) {
                p.set("persistent:" + i, "v");
            }
            p.sync();

            long deadline = System.currentTimeMillis() + 10_000;
            int size;
            do {
                size = s.server().onEngine(() -> engine.database(0).size());
            } while (size > 200 && System.currentTimeMillis() < deadline);

            assertEquals(200, size, "the 1000 short-lived keys are gone, the others stay");
            assertEquals(100, (int) s.server().onEngine(() -> engine.database(0).expiresSize()));
            assertEquals(1000, (long) s.server().onEngine(() -> engine.stats().expiredKeys) - expiredBefore);
            assertEquals(1000, propagatedDels.get(), "each reclaimed key propagates a DEL");
            assertTrue(j.exists("long:7") && j.exists("persistent:7"));
        }
    }
}
