package io.jredis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A signal's shutdown request (Redis's shutdown_asap), made from the signal handler's thread. */
class ShutdownRequestTest {
    /**
     * The handler's "Received SIGTERM scheduling shutdown..." line comes before the shutdown's own lines, as Redis's
     * handler logs before its main loop runs again: the cron must not start the shutdown while the handler still
     * announces it. A handler thread descheduled there on a loaded machine let "ready to exit" come first.
     */
    @Test
    void theCronStartsASignalledShutdownOnlyOnceTheHandlerAnnouncedIt() throws Exception {
        try (TestServer s = TestServer.start("hz", "100"); RawClient c = new RawClient(s.host(), s.port())) {
            Engine engine = s.server().engine();
            AtomicInteger cronRuns = new AtomicInteger();
            s.server().onEngine(() -> {
                engine.addCronTask(cronRuns::incrementAndGet);
                return null;
            });
            CountDownLatch announcing = new CountDownLatch(1);
            CountDownLatch announced = new CountDownLatch(1);
            Thread handler = new Thread(() -> engine.shutdownSequence().request(false, () -> {
                announcing.countDown();
                try {
                    announced.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }), "signal-handler");
            handler.start();
            try {
                assertTrue(announcing.await(30, TimeUnit.SECONDS));
                assertTrue(engine.shutdownSequence().requested(), "the request counts at once");
                int from = cronRuns.get();
                Await.until("ten cron runs during the announcement", 30, () -> cronRuns.get() >= from + 10);
                assertEquals("PONG", RawClient.text(c.call("PING")), "no shutdown before the announcement");
                assertFalse(s.server().onEngine(engine::shuttingDown));
            } finally {
                announced.countDown();
                handler.join();
            }
            assertTrue(c.closedByServer(), "the shutdown, once announced, closes the connection");
        }
    }
}
