package io.jredis.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.EmbeddedRedis;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import redis.clients.jedis.Jedis;

/** Annotation form, a fresh server per test, tests running concurrently: each sees only its own data. */
@JRedisServer(settings = "databases 4", lifecycle = Lifecycle.PER_TEST)
@Execution(ExecutionMode.CONCURRENT)
class ServerAnnotationPerTestTest {
    static final Set<Integer> PORTS = ConcurrentHashMap.newKeySet();
    static final List<EmbeddedRedis> SERVERS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @RepeatedTest(4)
    void ownServerPerTest(RedisEndpoint endpoint, EmbeddedRedis server) {
        assertEquals(server.port(), endpoint.port());
        assertTrue(PORTS.add(endpoint.port()), "a new server for each test");
        SERVERS.add(server);
        try (Jedis jedis = new Jedis(endpoint.host(), endpoint.port())) {
            assertEquals("4", jedis.configGet("databases").get("databases"));
            assertEquals(0, jedis.dbSize());
            jedis.set("mine", Integer.toString(endpoint.port()));
            assertEquals(1, jedis.dbSize());
        }
    }

    @AfterAll
    static void everyServerWasClosed() {
        assertEquals(4, SERVERS.size());
        for (EmbeddedRedis s : SERVERS) {
            assertTrue(!s.isRunning(), "closed after its test");
        }
    }
}
