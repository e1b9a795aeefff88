package io.jredis.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.EmbeddedRedis;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** A server shared by the class, configured in code, emptied before each test. */
class ServerFieldFormTest {
    @RegisterExtension
    static JRedisExtension redis = JRedisExtension.server().setting("maxmemory 10mb").flushBetweenTests();

    static int sharedPort;

    @BeforeAll
    static void rememberPort(RedisEndpoint endpoint) {
        sharedPort = endpoint.port();
    }

    @RepeatedTest(3)
    void everyTestStartsEmptyOnTheSameServer(RedisEndpoint endpoint) {
        assertEquals(sharedPort, endpoint.port());
        assertEquals("redis://127.0.0.1:" + endpoint.port(), endpoint.uri());
        try (Jedis jedis = new Jedis(endpoint.host(), endpoint.port())) {
            assertEquals(0, jedis.dbSize(), "flushed before the test");
            jedis.set("left", "behind");
        }
    }

    @Test
    void settingsApply(EmbeddedRedis server) {
        assertTrue(server.isRunning());
        try (Jedis jedis = new Jedis(server.host(), server.port())) {
            assertEquals("10485760", jedis.configGet("maxmemory").get("maxmemory"));
        }
    }
}
