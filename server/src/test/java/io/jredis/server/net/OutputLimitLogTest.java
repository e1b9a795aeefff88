package io.jredis.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the log says about a client closed for its output buffer limit: Redis's one warning, nothing after it. */
class OutputLimitLogTest {
    @Test
    void writesToAClientClosedForItsOutputAreNotLogged(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("server.log");
        RedisServer server = ProtocolErrorsTest.startLogged(log, "verbose", "client-output-buffer-limit",
                "pubsub 256kb 0 0");
        try (RawClient pub = new RawClient("127.0.0.1", server.port());
                Socket sub = new Socket("127.0.0.1", server.port())) {
            sub.setReceiveBufferSize(4096);
            sub.getOutputStream().write("SUBSCRIBE ch\r\n".getBytes(StandardCharsets.US_ASCII));
            long receivers = 0;
            for (int i = 0; i < 1000 && receivers == 0; i++) {
                receivers = (Long) pub.call("PUBLISH", "ch", "x");
            }
            String payload = "p".repeat(10_000);
            for (int i = 0; i < 2000 && receivers > 0; i++) {
                receivers = (Long) pub.call("PUBLISH", "ch", payload);
            }
            assertEquals(0L, receivers, "the subscriber was never disconnected");
            ProtocolErrorsTest.awaitLogLine(log, "scheduled to be closed ASAP for overcoming of output buffer limits");
            // A command after the close has been handled: everything the close caused is in the log by now.
            assertEquals("PONG", RawClient.text(pub.call("PING")));
        } finally {
            server.close();
        }
        String text = Files.readString(log);
        assertFalse(text.contains("Reading from client"), text);
        // The publisher's own close is logged (loglevel verbose); the subscriber's connection, ended by the server,
        // is not.
        assertFalse(text.lines().anyMatch(l -> l.contains("Client closed connection") && l.contains("cmd=subscribe")),
                text);
    }
}
