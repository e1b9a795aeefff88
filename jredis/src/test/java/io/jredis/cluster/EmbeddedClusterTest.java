package io.jredis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.cluster.EmbeddedCluster.Node;
import io.jredis.server.net.LoopbackPorts;
import io.jredis.server.testing.Threads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class EmbeddedClusterTest {
    /**
     * Typical waits take a few seconds (an old master is converted about 10 s after it returns), but a loaded machine
     * can stall a Sentinel's timer for more than 2 s, and TILT then keeps it from acting for 30 s.
     */
    private static final Duration BOUND = Duration.ofSeconds(60);
    /**
     * An old master is converted only once it kept its role and stayed up (never flagged down under the 1 s
     * down-after) for 4 hello periods; on a loaded machine each Sentinel may spend 30 s in TILT first, or see the
     * node down for a moment and start over: SentinelStragglerTest's bound for the same wait. A 60 s wait ran out in
     * a loaded run of the whole suite.
     */
    private static final Duration CONVERT_BOUND = Duration.ofSeconds(120);

    static void await(String what, BooleanSupplier cond) {
        EmbeddedCluster.awaitUntil(what, BOUND, cond);
    }

    /** Waits for a Sentinel to convert an old master; on a timeout the message holds every node's log tail. */
    private static void awaitConverted(EmbeddedCluster cluster, String what, BooleanSupplier cond) {
        try {
            EmbeddedCluster.awaitUntil(what, CONVERT_BOUND, cond);
        } catch (IllegalStateException e) {
            StringBuilder logs = new StringBuilder(e.getMessage());
            for (Node n : cluster.nodes()) {
                logs.append("\n").append(n.name()).append(" log:\n").append(logTail(n));
            }
            throw new AssertionError(logs.toString(), e);
        }
    }

    /** The last lines of a node's log (a cluster built with logs on), for a failure message. */
    static String logTail(Node n) {
        try {
            List<String> lines = Files.readAllLines(n.dir().resolve("node.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    static String replicationField(Node n, String field) {
        return RespConnection.infoField(n.tryCall("INFO", "replication"), field);
    }

    @Test
    void startsReadyAndFailsOverWhenTheMasterIsKilled() throws IOException {
        // A 3 s down-after, as SentinelStragglerTest's: with 1 s a Sentinel, Redis's as ours, could take the new
        // master for down right after the switch on a loaded machine and fail over again to the other replica.
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).sentinels(3)
                .downAfter(Duration.ofSeconds(3)).logs(true).build().start()) {
            Node master = cluster.master();
            assertEquals("redis-0", master.name());
            assertEquals(3, cluster.sentinelAddresses().size());
            assertEquals(2, cluster.quorum());
            for (Node s : cluster.sentinels()) {
                assertEquals(List.of("127.0.0.1", Integer.toString(master.port())),
                        s.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"));
            }
            assertEquals("OK", master.call("SET", "before", "kill"));
            for (Node r : cluster.replicas()) {
                await("replication of the write", () -> "kill".equals(r.tryCall("GET", "before")));
            }

            try (RespConnection client = new RespConnection(master.host(), master.port(), 5000)) {
                assertEquals("PONG", client.call("PING"));
                master.kill();
                SocketException reset = assertThrows(SocketException.class, () -> client.call("PING"));
                assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
            }
            assertFalse(master.isRunning());
            Node promoted = cluster.awaitFailover(BOUND);
            assertNotEquals(master, promoted);
            assertEquals(promoted, cluster.master());
            assertEquals("kill", promoted.call("GET", "before"));
            assertEquals("OK", promoted.call("SET", "after", "failover"));

            master.restart();
            assertTrue(master.isRunning());
            awaitConverted(cluster, "the old master rejoins as a replica of the new one", () ->
                    Integer.toString(promoted.port()).equals(replicationField(master, "master_port"))
                            && "up".equals(replicationField(master, "master_link_status")));
            assertEquals("failover", master.call("GET", "after"));
        }
    }

    @Test
    void pausedMasterIsFailedOverAndDemotedWhenResumed() {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(1).sentinels(3).logs(true).build().start()) {
            Node master = cluster.master();
            master.pause();
            Node promoted = cluster.awaitFailover(BOUND);
            assertNotEquals(master, promoted);
            master.resume();
            awaitConverted(cluster, "the resumed old master is turned into a replica", () ->
                    Integer.toString(promoted.port()).equals(replicationField(master, "master_port")));

            Node sentinel = cluster.sentinels().get(0);
            for (Node n : cluster.nodes()) {
                assertTrue(n.port() < LoopbackPorts.ephemeralStart(), n + " listens below the ephemeral range, so no outgoing"
                        + " connection can take its port while it is down");
            }
            sentinel.restart();
            assertEquals(List.of("127.0.0.1", Integer.toString(promoted.port())),
                    sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"),
                    "a restarted Sentinel keeps its state from its rewritten config file");
            await("the restarted Sentinel sees its peers again",
                    () -> sentinel.tryCall("SENTINEL", "SENTINELS", "mymaster") instanceof List<?> l
                            && l.size() == 2);
        }
    }

    @Test
    void pausedNodeKeepsItsSocketsButAnswersNothingUntilResumed() throws IOException {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(1).sentinels(0).build().start()) {
            Node replica = cluster.replicas().get(0);
            // The first reply may take a while from a node just started on a loaded machine; only the silence of
            // a paused node is watched for a short time.
            try (RespConnection c = new RespConnection(replica.host(), replica.port(), 10_000)) {
                assertEquals("PONG", c.call("PING"));
                c.timeout(300);
                replica.pause();
                assertTrue(replica.isPaused());
                assertThrows(SocketTimeoutException.class, () -> c.call("PING"));
                try (Socket fresh = new Socket()) {
                    fresh.connect(new InetSocketAddress(replica.host(), replica.port()), 1000);
                }
                replica.resume();
                c.timeout(5000);
                assertEquals("PONG", c.read(), "the PING sent while paused is answered after resume");
                assertEquals("PONG", c.call("PING"));
            }
        }
    }

    @Test
    void cutLinkHoldsReplicationUntilHealed() {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).sentinels(0).build().start()) {
            Node master = cluster.master();
            Node cutOff = cluster.replicas().get(0);
            Node other = cluster.replicas().get(1);
            cluster.cut(master, cutOff);
            assertEquals("OK", master.call("SET", "k", "during-cut"));
            await("the connected replica gets the write", () -> "during-cut".equals(other.tryCall("GET", "k")));
            assertEquals(null, cutOff.call("GET", "k"), "nothing crosses a cut link");
            assertEquals("PONG", cutOff.call("PING"), "clients still reach the cut-off replica");
            cluster.heal(master, cutOff);
            await("the held stream is delivered", () -> "during-cut".equals(cutOff.tryCall("GET", "k")));
        }
    }

    @Test
    void cutFromClientsLeavesClusterLinksAlone() throws IOException {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(1).sentinels(0).build().start()) {
            Node master = cluster.master();
            Node replica = cluster.replicas().get(0);
            // As above: a patient first reply, a short watch for the silence of the cut.
            try (RespConnection c = new RespConnection(master.host(), master.port(), 10_000)) {
                assertEquals("PONG", c.call("PING"));
                c.timeout(300);
                cluster.cutFromClients(master);
                assertThrows(SocketTimeoutException.class, () -> c.call("SET", "k", "v"));
                cluster.healFromClients(master);
                c.timeout(5000);
                assertEquals("OK", c.read());
            }
            await("replication still flows", () -> "v".equals(replica.tryCall("GET", "k")));
        }
    }

    @Test
    void clustersAreIsolatedAndCloseLeavesNoThreadsPortsOrFiles() throws IOException {
        EmbeddedCluster.builder().replicas(1).sentinels(1).build().start().close();
        Set<String> threadsBefore = Threads.liveNames();
        EmbeddedCluster a = EmbeddedCluster.builder().replicas(1).sentinels(1).build().start();
        Path dir;
        List<Integer> ports;
        try (EmbeddedCluster b = EmbeddedCluster.builder().masterName("other").replicas(1).sentinels(1).build()
                .start()) {
            assertEquals("OK", a.master().call("SET", "k", "a"));
            assertEquals(null, b.master().call("GET", "k"));
            assertEquals(List.of("127.0.0.1", Integer.toString(b.master().port())),
                    b.sentinels().get(0).call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "other"));
            dir = a.master().dir().getParent();
            ports = a.nodes().stream().map(Node::port).toList();
            assertTrue(Files.isDirectory(dir));
            a.close();
            assertEquals("PONG", b.master().call("PING"), "closing one cluster leaves the other running");
        }
        assertFalse(Files.exists(dir), "the cluster's directory is deleted");
        for (int port : ports) {
            try (ServerSocket reuse = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
                assertEquals(port, reuse.getLocalPort());
            }
        }
        await("threads gone", () -> threadsBefore.containsAll(Threads.liveNames()));
    }

    @Test
    void persistentNodeRestartsWithItsSnapshot() {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(0).sentinels(0).persistence(true).build()
                .start()) {
            Node master = cluster.master();
            assertEquals("OK", master.call("SET", "durable", "yes"));
            assertEquals("OK", master.call("SAVE"));
            assertTrue(Files.exists(master.dir().resolve("dump.rdb")), "the snapshot is in the node's directory");
            master.kill();
            master.restart();
            assertEquals("yes", master.call("GET", "durable"));
        }
    }

    @Test
    void quorumLargerThanSentinelsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedCluster.builder().sentinels(1).quorum(2).build());
        assertEquals("quorum 2 exceeds the 1 Sentinels", e.getMessage());
    }
}
