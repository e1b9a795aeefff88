package io.jredis.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** client-output-buffer-limit: a subscriber that never reads is closed at its class's hard limit. */
class OutputBufferLimitTest {
    @Test
    void slowSubscriberIsDisconnectedAndMemoryStaysBounded() throws Exception {
        try (TestServer s = TestServer.start("client-output-buffer-limit", "pubsub 1mb 0 0");
                RawClient pub = new RawClient(s.host(), s.port()); Socket sub = new Socket(s.host(), s.port())) {
            sub.setReceiveBufferSize(4096);
            sub.getOutputStream().write("SUBSCRIBE ch\r\n".getBytes(StandardCharsets.US_ASCII));
            waitSubscribed(pub);
            String payload = "p".repeat(10_000);
            long receivers = 1;
            for (int i = 0; i < 2000 && receivers > 0; i++) {
                receivers = (Long) pub.call("PUBLISH", "ch", payload);
            }
            assertEquals(0L, receivers, "the subscriber was never disconnected");
            assertEquals(0L, ((java.util.List<?>) pub.call("PUBSUB", "NUMSUB", "ch")).get(1));
            String clients = RawClient.text(pub.call("CLIENT", "LIST"));
            assertEquals(1, clients.split("\n").length, clients);
        }
    }

    @Test
    void softLimitClosesAfterSoftSeconds() throws Exception {
        try (TestServer s = TestServer.start("client-output-buffer-limit", "pubsub 0 200kb 1");
                RawClient pub = new RawClient(s.host(), s.port()); Socket sub = subscriber(s, pub)) {
            String payload = "p".repeat(10_000);
            long start = System.currentTimeMillis();
            long receivers = 1;
            while (receivers > 0 && System.currentTimeMillis() - start < 15_000) {
                receivers = (Long) pub.call("PUBLISH", "ch", payload);
            }
            assertEquals(0L, receivers);
            // Over the soft limit is tolerated for more than a second before the close.
            assertTrue(System.currentTimeMillis() - start >= 1000);
        }
    }

    @Test
    void maxmemoryClientsEvictsTheBiggestClientButNotNoEvictOnes() throws Exception {
        try (TestServer s = TestServer.start("client-output-buffer-limit", "pubsub 0 0 0", "maxmemory-clients", "200kb");
                RawClient pub = new RawClient(s.host(), s.port()); Socket sub = subscriber(s, pub)) {
            String payload = "p".repeat(10_000);
            long receivers = 1;
            for (int i = 0; i < 3000 && receivers > 0; i++) {
                receivers = (Long) pub.call("PUBLISH", "ch", payload);
            }
            assertEquals(0L, receivers, "the subscriber was never evicted");
            String stats = RawClient.text(pub.call("INFO", "stats"));
            assertTrue(stats.contains("evicted_clients:1\r\n"), stats);
        }
        try (TestServer s = TestServer.start("client-output-buffer-limit", "pubsub 0 0 0", "maxmemory-clients", "200kb");
                RawClient pub = new RawClient(s.host(), s.port()); Socket sub = new Socket(s.host(), s.port())) {
            sub.setReceiveBufferSize(4096);
            sub.getOutputStream().write("CLIENT NO-EVICT on\r\nSUBSCRIBE ch\r\n".getBytes(StandardCharsets.US_ASCII));
            waitSubscribed(pub);
            String payload = "p".repeat(10_000);
            for (int i = 0; i < 500; i++) {
                assertEquals(1L, pub.call("PUBLISH", "ch", payload));
            }
        }
    }

    private static Socket subscriber(TestServer s, RawClient pub) throws Exception {
        Socket sub = new Socket(s.host(), s.port());
        sub.setReceiveBufferSize(4096);
        sub.getOutputStream().write("SUBSCRIBE ch\r\n".getBytes(StandardCharsets.US_ASCII));
        waitSubscribed(pub);
        return sub;
    }

    private static void waitSubscribed(RawClient pub) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        while ((Long) ((java.util.List<?>) pub.call("PUBSUB", "NUMSUB", "ch")).get(1) == 0) {
            assertTrue(System.currentTimeMillis() < deadline);
        }
    }

    @Test
    void normalClientsAreUnlimitedByDefault() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
                    RawClient.text(((java.util.List<?>) c.call("CONFIG", "GET", "client-output-buffer-limit")).get(1)));
        }
    }
}
