package io.jredis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jredis.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class SmokeTest {
    @Test
    void pingSetGet() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            assertEquals("PONG", j.ping());
            assertEquals("OK", j.set("k", "v"));
            assertEquals("v", j.get("k"));
            assertNull(j.get("missing"));
        }
    }
}
