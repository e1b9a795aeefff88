package io.jredis.replication;

import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.online;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * WAIT on a master with two replicas, jredis (master and replicas) against redis-server: the counts WAIT replies
 * while both acknowledge, and while one replica is stopped (DEBUG SLEEP: its engine does not apply nor acknowledge
 * the stream), a WAIT for both times out with the one acknowledgement and WAIT 2 0 blocks until the sleeper wakes.
 */
class WaitTwoReplicasVsRedisTest {
    /** Long enough for WAIT 1 0 and WAIT 2 2000 on a loaded machine while the replica sleeps. */
    private static final int SLEEP_SECONDS = 7;

    /** A master and its two replicas of one implementation; ports only, closed together (replicas first). */
    private static final class Deployment implements AutoCloseable {
        private final List<Integer> ports = new ArrayList<>();
        private final Deque<Runnable> closers = new ArrayDeque<>();

        int master() {
            return ports.get(0);
        }

        int replica(int i) {
            return ports.get(1 + i);
        }

        @Override
        public void close() {
            while (!closers.isEmpty()) {
                closers.pop().run();
            }
        }
    }

    @Test
    void waitCountsAndBlocksAsRedis() throws Exception {
        RealRedis.assumeInstalled();
        List<String> expected;
        try (Deployment real = realDeployment()) {
            expected = scenario(real, "redis-server");
        }
        List<String> actual;
        try (Deployment mine = jredisDeployment()) {
            actual = scenario(mine, "jredis");
        }
        assertEquals(expected, actual);
    }

    /**
     * The WAIT replies, in order. Timing is asserted here, for both servers: WAIT with a timeout waits it out when
     * it cannot be satisfied, and WAIT 2 0 returns only once the sleeping replica woke up.
     */
    private static List<String> scenario(Deployment d, String name) throws Exception {
        awaitSteady(d);
        List<String> out = new ArrayList<>();
        try (RawClient m = new RawClient("127.0.0.1", d.master())) {
            out.add("SET " + RawClient.text(m.call("SET", "k", "v1")));
            out.add("WAIT 2 0 -> " + RawClient.text(m.call("WAIT", "2", "0")));
            // Every command moves the client's WAIT offset to the master's, which the REPLCONF GETACK of a blocked
            // WAIT advanced: how many replicas acknowledged that already is timing (so no WAIT 0 0 here), and the
            // timeouts leave the replicas seconds to do it.
            out.add("WAIT 2 10000 -> " + RawClient.text(m.call("WAIT", "2", "10000")));
            long start = System.nanoTime();
            out.add("WAIT 3 2000 -> " + RawClient.text(m.call("WAIT", "3", "2000")));
            assertTrue(millisSince(start) >= 2000, name + ": WAIT 3 2000 returned before its timeout");

            try (RawClient sleeper = new RawClient("127.0.0.1", d.replica(1))) {
                long sleepSent = System.nanoTime();
                sleeper.send(RawClient.encode("DEBUG".getBytes(), "SLEEP".getBytes(),
                        Integer.toString(SLEEP_SECONDS).getBytes()));
                awaitAsleep(d.replica(1), name);
                out.add("SET " + RawClient.text(m.call("SET", "k", "v2")));
                out.add("WAIT 1 0 -> " + RawClient.text(m.call("WAIT", "1", "0")));
                start = System.nanoTime();
                out.add("WAIT 2 2000 -> " + RawClient.text(m.call("WAIT", "2", "2000")));
                assertTrue(millisSince(start) >= 2000, name + ": WAIT 2 2000 returned before its timeout");
                out.add("WAIT 2 0 -> " + RawClient.text(m.call("WAIT", "2", "0")));
                assertTrue(millisSince(sleepSent) >= SLEEP_SECONDS * 1000L,
                        name + ": WAIT 2 0 returned while a replica was asleep");
                out.add("DEBUG SLEEP " + RawClient.text(sleeper.read()));
            }
            out.add("WAIT 2 0 -> " + RawClient.text(m.call("WAIT", "2", "0")));
        }
        return out;
    }

    /** Both replicas online at the master with everything acknowledged. */
    private static void awaitSteady(Deployment d) {
        try (Jedis m = new Jedis("127.0.0.1", d.master())) {
            await("two replicas online", 30, () -> online(m, 2));
            for (int i = 0; i < 2; i++) {
                try (Jedis r = new Jedis("127.0.0.1", d.replica(i))) {
                    Nodes.awaitCaughtUp(m, r);
                }
            }
        }
    }

    /**
     * Waits until the replica's engine is asleep: a PING on a new connection gets no reply within a second. Silence
     * is all that tells sleep from a replica merely descheduled on a loaded machine, and a replica wrongly taken for
     * asleep could still acknowledge the next SET; a second of silence is far beyond any such stall, and the sleep
     * leaves time for the WAITs after it.
     */
    private static void awaitAsleep(int port, String name) {
        await(name + " replica asleep", 30, () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(1000);
                s.getOutputStream().write(RawClient.encode("PING".getBytes()));
                s.getOutputStream().flush();
                try {
                    return s.getInputStream().read() < 0;
                } catch (SocketTimeoutException e) {
                    return true;
                }
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static Deployment realDeployment() throws Exception {
        return deploy(masterPort -> masterPort == 0 ? RealRedis.start()
                : RealRedis.start("--enable-debug-command", "yes", "--replicaof", "127.0.0.1",
                        Integer.toString(masterPort)), RealRedis::port, RealRedis::close);
    }

    private static Deployment jredisDeployment() throws Exception {
        return deploy(masterPort -> masterPort == 0 ? Nodes.jredis()
                : Nodes.jredis("enable-debug-command", "yes", "replicaof", "127.0.0.1 " + masterPort),
                RedisServer::port, RedisServer::close);
    }

    /** Starts one server: the master when {@code masterPort} is 0, else a replica of it with DEBUG enabled. */
    private interface Launcher<S> {
        S start(int masterPort) throws Exception;
    }

    /** Starts a master and two replicas of it with {@code launcher}; what started is closed if one fails to. */
    private static <S> Deployment deploy(Launcher<S> launcher, ToIntFunction<S> port, Consumer<S> close)
            throws Exception {
        Deployment d = new Deployment();
        try {
            for (int i = 0; i < 3; i++) {
                S server = launcher.start(i == 0 ? 0 : d.master());
                d.closers.push(() -> close.accept(server));
                d.ports.add(port.applyAsInt(server));
            }
        } catch (Exception e) {
            d.close();
            throw e;
        }
        return d;
    }
}
