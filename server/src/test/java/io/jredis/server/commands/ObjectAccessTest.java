package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** OBJECT IDLETIME / FREQ against real Redis, across maxmemory-policy switches where one format is read as the other. */
class ObjectAccessTest {
    /** IDLETIME of a fresh key, IDLETIME after LFU -> LRU, FREQ of a fresh LFU key, FREQ after LRU -> LFU. */
    private static List<Long> probe(Jedis j) {
        List<Long> out = new ArrayList<>();
        j.set("lru", "value");
        out.add(j.objectIdletime("lru"));
        j.configSet("maxmemory-policy", "allkeys-lfu");
        j.set("lfu", "value");
        out.add(j.objectFreq("lfu"));
        out.add(j.objectFreq("lru"));
        j.configSet("maxmemory-policy", "allkeys-lru");
        out.add(j.objectIdletime("lfu"));
        return out;
    }

    @Test
    void accessDataReadsAsRedisReadsItAfterPolicySwitches() throws Exception {
        List<Long> ours;
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            ours = probe(j);
        }
        List<Long> theirs;
        try (RealRedis redis = RealRedis.start(); Jedis j = new Jedis("127.0.0.1", redis.port())) {
            theirs = probe(j);
        }
        assertTrue(ours.get(0) <= 2, "a key just written is idle for no time: " + ours);
        assertEquals(5L, ours.get(1), "LFU_INIT_VAL");
        assertEquals(theirs.get(1), ours.get(1));
        assertEquals(theirs.get(2), ours.get(2), "an LRU clock read as LFU data");
        // LFU data read as the 24-bit LRU clock: a large, clock-dependent figure; the two servers ran seconds apart.
        assertTrue(Math.abs(theirs.get(3) - ours.get(3)) <= 600, ours + " vs " + theirs);
        assertTrue(ours.get(3) > 600, "LFU data is not a recent access time: " + ours);
    }
}
