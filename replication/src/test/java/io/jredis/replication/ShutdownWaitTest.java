package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Redis 7.0's shutdown wait: a master whose replica lags (here a replica under CLIENT PAUSE WRITE, which holds the
 * master's stream and acknowledges only what it applied) pauses writes and waits up to shutdown-timeout for the
 * replica's ACK before it exits; SHUTDOWN ABORT ends the wait; NOW or a zero timeout does not wait.
 */
class ShutdownWaitTest {
    private static final String SHUTDOWN_FAILED = "(error) ERR Errors trying to SHUTDOWN. Check logs.";

    @Test
    void laggingReplicaGetsTheLastWritesBeforeTheMasterExits() throws Exception {
        withLaggingReplica("60", (nodes) -> {
            try (RawClient caller = new RawClient("127.0.0.1", nodes.master.port())) {
                caller.send(RawClient.encode("SHUTDOWN".getBytes()));
                Nodes.await("the master waits", 30, () -> Nodes.info(nodes.m, "shutdown_in_milliseconds") != null);
                assertFalse(nodes.master.isClosed());
                text(nodes.r.sendCommand(Protocol.Command.CLIENT, "UNPAUSE"));
                Nodes.await("the master exits", 30, nodes.master::isClosed);
                assertTrue(caller.closedByServer(), "SHUTDOWN gets no reply when the server exits");
                assertEquals("last", nodes.r.get("k"));
                String log = Nodes.log(nodes.master);
                assertTrue(log.contains("Waiting for replicas before shutting down."), log);
                assertTrue(log.contains("1 of 1 replicas are in sync when shutting down."), log);
                assertFalse(log.contains("Lagging replica"), log);
            }
        });
    }

    @Test
    void abortEndsTheWaitAndWritesResume() throws Exception {
        withLaggingReplica("60", (nodes) -> {
            try (RawClient first = new RawClient("127.0.0.1", nodes.master.port());
                    RawClient second = new RawClient("127.0.0.1", nodes.master.port());
                    RawClient writer = new RawClient("127.0.0.1", nodes.master.port())) {
                first.send(RawClient.encode("SHUTDOWN".getBytes()));
                Nodes.await("the master waits", 30, () -> Nodes.info(nodes.m, "shutdown_in_milliseconds") != null);
                // A second SHUTDOWN joins the running one, as in Redis.
                second.send(RawClient.encode("SHUTDOWN".getBytes(), "NOW".getBytes()));
                Nodes.await("two SHUTDOWN callers blocked", 30, () -> Nodes.infoLong(nodes.m, "blocked_clients") == 2);
                writer.send(RawClient.encode("SET".getBytes(), "during".getBytes(), "x".getBytes()));
                Nodes.await("the write paused", 30, () -> Nodes.infoLong(nodes.m, "blocked_clients") == 3);
                assertNull(nodes.m.get("during"));
                // CLIENT UNPAUSE lifts only its own pause (Redis's pause purposes): the shutdown's holds the write.
                assertEquals("OK", text(nodes.m.sendCommand(Protocol.Command.CLIENT, "UNPAUSE")));
                assertNull(nodes.m.get("during"));

                assertEquals("OK", text(nodes.m.sendCommand(Protocol.Command.SHUTDOWN, "ABORT")));
                assertEquals(SHUTDOWN_FAILED, RawClient.text(first.read()));
                assertEquals(SHUTDOWN_FAILED, RawClient.text(second.read()));
                assertEquals("OK", RawClient.text(writer.read()));
                assertEquals("x", nodes.m.get("during"));
                assertNull(Nodes.info(nodes.m, "shutdown_in_milliseconds"));
                assertEquals("(error) ERR No shutdown in progress.", RawClient.text(writer.call("SHUTDOWN", "ABORT")));
                assertFalse(nodes.master.isClosed());
                assertTrue(Nodes.log(nodes.master).contains("Shutdown manually aborted."));
            }
        });
    }

    @Test
    void zeroTimeoutDoesNotWait() throws Exception {
        exitsAtOnce("0", "SHUTDOWN");
    }

    @Test
    void shutdownNowDoesNotWait() throws Exception {
        exitsAtOnce("60", "SHUTDOWN", "NOW");
    }

    @Test
    void infoShowsTheTimeLeftWhileWaiting() throws Exception {
        withLaggingReplica("60", (nodes) -> {
            assertNull(Nodes.info(nodes.m, "shutdown_in_milliseconds"));
            try (RawClient caller = new RawClient("127.0.0.1", nodes.master.port())) {
                caller.send(RawClient.encode("SHUTDOWN".getBytes()));
                Nodes.await("the master waits", 30, () -> Nodes.info(nodes.m, "shutdown_in_milliseconds") != null);
                long left = Long.parseLong(Nodes.info(nodes.m, "shutdown_in_milliseconds"));
                assertTrue(left > 0 && left <= 60_000, "shutdown_in_milliseconds:" + left);
                // The last field of the server section, as Redis adds it after io_threads_active.
                String server = nodes.m.info("server");
                assertTrue(server.contains("io_threads_active:0\r\nshutdown_in_milliseconds:"), server);
                assertEquals("OK", text(nodes.m.sendCommand(Protocol.Command.SHUTDOWN, "ABORT")));
                assertEquals(SHUTDOWN_FAILED, RawClient.text(caller.read()));
            }
        });
    }

    private static void exitsAtOnce(String timeout, String... shutdown) throws Exception {
        withLaggingReplica(timeout, (nodes) -> {
            try (RawClient caller = new RawClient("127.0.0.1", nodes.master.port())) {
                byte[][] argv = new byte[shutdown.length][];
                for (int i = 0; i < shutdown.length; i++) {
                    argv[i] = shutdown[i].getBytes();
                }
                caller.send(RawClient.encode(argv));
                Nodes.await("the master exits", 30, nodes.master::isClosed);
                assertTrue(caller.closedByServer());
                String log = Nodes.log(nodes.master);
                assertTrue(log.contains("Lagging replica 127.0.0.1:" + nodes.replica.port() + " reported offset "), log);
                assertTrue(log.contains("0 of 1 replicas are in sync when shutting down."), log);
                assertFalse(log.contains("Waiting for replicas"), log);
            }
        });
    }

    private static String text(Object reply) {
        return SafeEncoder.encode((byte[]) reply);
    }

    /** The servers and a client to each; the replica holds the master's last write ({@code k} = "last"). */
    private record Pair(RedisServer master, RedisServer replica, Jedis m, Jedis r) {}

    private interface Body {
        void run(Pair nodes) throws Exception;
    }

    private static void withLaggingReplica(String shutdownTimeout, Body body) throws Exception {
        RedisServer master = Nodes.jredis("shutdown-timeout", shutdownTimeout, "repl-diskless-sync-delay", "0");
        RedisServer replica = Nodes.jredis();
        try (Jedis m = new Jedis("127.0.0.1", master.port(), 10_000);
                Jedis r = new Jedis("127.0.0.1", replica.port(), 10_000)) {
            r.replicaof("127.0.0.1", master.port());
            m.set("k", "first");
            Nodes.awaitCaughtUp(m, r);
            Nodes.await("the replica online", 30, () -> Nodes.online(m, 1));
            Nodes.await("the replica's ack", 30, () -> Nodes.info(m, "slave0")
                    .contains("offset=" + Nodes.infoLong(m, "master_repl_offset") + ","));
            assertEquals("OK", text(r.sendCommand(Protocol.Command.CLIENT, "PAUSE", "1000000", "WRITE")));
            m.set("k", "last");
            body.run(new Pair(master, replica, m, r));
        } finally {
            replica.close();
            master.close();
        }
    }
}
