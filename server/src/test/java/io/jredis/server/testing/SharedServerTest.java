package io.jredis.server.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.Jedis;

/**
 * A fixture for a family's command tests: one in-process server per test class, database 0 emptied and a fresh
 * Jedis connection per test, and every propagated command (what AOF and replicas receive) recorded as its words
 * joined by spaces.
 */
public abstract class SharedServerTest {
    protected static TestServer server;
    protected static final ConcurrentLinkedQueue<String> propagated = new ConcurrentLinkedQueue<>();
    protected Jedis j;

    @BeforeAll
    static void startSharedServer() throws Exception {
        server = TestServer.start();
        server.server().onEngine(() -> {
            server.server().engine().addPropagationListener((db, argv) -> propagated.add(join(argv)));
            return null;
        });
    }

    @AfterAll
    static void stopSharedServer() {
        server.close();
    }

    @BeforeEach
    void connectToSharedServer() throws Exception {
        server.server().onEngine(() -> server.server().engine().database(0).clear());
        propagated.clear();
        j = new Jedis(server.host(), server.port());
    }

    @AfterEach
    void disconnectFromSharedServer() {
        j.close();
    }

    /** A command's words joined by spaces, bytes read as ISO-8859-1. */
    protected static String join(byte[][] argv) {
        List<String> parts = new ArrayList<>();
        for (byte[] a : argv) {
            parts.add(new String(a, StandardCharsets.ISO_8859_1));
        }
        return String.join(" ", parts);
    }
}
