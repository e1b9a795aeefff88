package io.jredis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.cluster.EmbeddedCluster.Node;
import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Sentinel that misses a failover (paused, or partitioned away) must not undo it when it comes back, least of all
 * once the old master has restarted empty: it adopts the newer configuration from its peers' hellos (higher config
 * epoch: +config-update-from, +switch-master), never sends REPLICAOF to the promoted master, and the empty old master
 * becomes a replica of the promoted one, which keeps every write acknowledged before the failure. These are Redis
 * 7.0's protections: hello processing is not gated by TILT, +convert-to-slave waits until the instance kept its role
 * and stayed up for 4 hello periods, +fix-slave-config for a whole failover timeout, and a Sentinel whose timer
 * stalled for more than 2 s spends 30 s in TILT, acting on nothing.
 *
 * <p>Bounds are generous (a loaded 2-core CI machine can push any Sentinel into TILT, which delays its actions by
 * 30 s); every wait is a bounded poll.
 */
class SentinelStragglerTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final Duration CONVERT_BOUND = Duration.ofSeconds(120);
    /**
     * After a switch-master a Sentinel, Redis's as ours, gives the new master down-after-milliseconds to answer a
     * PING, but reconnects at most once a second since its last attempt (to the dead old master, maybe just before
     * the switch): with 1 s, a PING answered a few tens of ms late on a loaded machine made the new master SDOWN,
     * at once ODOWN by the peers' still fresh replies about the old one, and failed over again. 3 s leaves the
     * reconnection and the PING 2 s.
     */
    private static final Duration DOWN_AFTER = Duration.ofSeconds(3);
    private static final int KEYS = 200;
    /** Sentinel events that announce a REPLICAOF sent to the instance they name. */
    private static final List<String> REPLICAOF_EVENTS = List.of("+convert-to-slave", "+fix-slave-config",
            "+slave-reconf-sent", "+slave-reconf-sent-be");

    private enum Isolation { PAUSE, CUT, KILL }

    @Test
    void pausedSentinelAdoptsTheFailoverAndTheEmptyOldMasterRejoinsAsReplica() throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).sentinels(3).downAfter(DOWN_AFTER).build()
                .start()) {
            Deployment d = new Deployment(cluster, cluster.node("sentinel-2"), List.of());
            try (EventLog events = new EventLog(d.sentinelPorts())) {
                d.run(events, Isolation.PAUSE, false);
                events.await(d.straggler.port(), "+tilt", "#tilt mode entered");
                long exitedAt = events.await(d.straggler.port(), "-tilt", "#tilt mode exited");
                // A loaded machine may stall the Sentinel again meanwhile, which restarts the period.
                long enteredAt = events.lastBefore(d.straggler.port(), "+tilt", exitedAt);
                long tilt = TimeUnit.NANOSECONDS.toMillis(exitedAt - enteredAt);
                assertTrue(tilt >= 29_000 && tilt < 45_000, "a stalled Sentinel stays 30 s in TILT, was " + tilt);
                d.assertPromotedUntouched(events);
            }
        }
    }

    @Test
    void partitionedSentinelHealedAfterTheEmptyOldMasterRestartedLeavesThePromotedMasterAlone() throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).sentinels(3).downAfter(DOWN_AFTER).build()
                .start()) {
            Deployment d = new Deployment(cluster, cluster.node("sentinel-2"), List.of());
            try (EventLog events = new EventLog(d.sentinelPorts())) {
                d.run(events, Isolation.CUT, true);
            }
        }
    }

    /**
     * The straggler was down during the failover and starts again from its stale config file after the old master
     * came back empty: it sees the promoted node report master at once, and only its peers' hellos, up to one hello
     * period later, tell it about the failover. Redis's 4-hello-period wait before +convert-to-slave covers that.
     */
    @Test
    void sentinelRestartedWithAStaleConfigAfterTheEmptyOldMasterReturnedLeavesThePromotedMasterAlone()
            throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).sentinels(3).downAfter(DOWN_AFTER)
                .logs(true).build().start()) {
            Deployment d = new Deployment(cluster, cluster.node("sentinel-2"), List.of());
            try (EventLog events = new EventLog(d.sentinelPorts())) {
                d.run(events, Isolation.KILL, true);
            }
        }
    }

    @Test
    void pausedSentinelNextToARealRedisSentinelAdoptsTheFailover(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).sentinels(2).quorum(2)
                .downAfter(DOWN_AFTER).logs(true).build().start()) {
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, "sentinel monitor mymaster 127.0.0.1 " + cluster.master().port() + " 2\n"
                    + "sentinel down-after-milliseconds mymaster " + DOWN_AFTER.toMillis()
                    + "\nsentinel failover-timeout mymaster 5000\n");
            try (RealRedis real = RealRedis.startWithConfig(conf, "--sentinel")) {
                Deployment d = new Deployment(cluster, cluster.node("sentinel-1"), List.of(real.port()));
                for (int p : d.sentinelPorts()) {
                    await("Sentinel " + p + " sees its 2 peers and the 2 replicas", () ->
                            size(call(p, "SENTINEL", "SENTINELS", "mymaster")) == 2
                                    && size(call(p, "SENTINEL", "REPLICAS", "mymaster")) == 2);
                }
                try (EventLog events = new EventLog(d.sentinelPorts())) {
                    d.run(events, Isolation.PAUSE, false);
                }
            }
        }
    }

    /** The cluster, the Sentinel that will miss the failover, and real redis-sentinels watching the same master. */
    private static final class Deployment {
        final EmbeddedCluster cluster;
        final Node straggler;
        final List<Integer> realSentinels;
        Node old;
        Node promoted;
        RespConnection canary;
        RolePoller poller;

        Deployment(EmbeddedCluster cluster, Node straggler, List<Integer> realSentinels) {
            this.cluster = cluster;
            this.straggler = straggler;
            this.realSentinels = realSentinels;
        }

        List<Integer> sentinelPorts() {
            List<Integer> ports = new ArrayList<>();
            cluster.sentinels().forEach(s -> ports.add(s.port()));
            ports.addAll(realSentinels);
            return ports;
        }

        List<Integer> others() {
            List<Integer> ports = sentinelPorts();
            ports.remove(Integer.valueOf(straggler.port()));
            return ports;
        }

        /**
         * Writes keys acknowledged by both replicas, isolates the straggler, kills the master, waits for the others
         * to fail over, brings the straggler back and restarts the old master empty (before the straggler returns
         * when {@code restartFirst}), then checks the end state.
         */
        void run(EventLog events, Isolation how, boolean restartFirst) throws Exception {
            old = cluster.master();
            try (RespConnection c = new RespConnection(old.host(), old.port(), 10_000)) {
                for (int i = 0; i < KEYS; i++) {
                    assertEquals("OK", c.call("SET", "key:" + i, "value:" + i));
                }
                assertEquals(2L, c.call("WAIT", "2", "10000"), "both replicas acknowledge the writes");
            }

            long isolatedAt = System.nanoTime();
            if (how == Isolation.PAUSE) {
                straggler.pause();
            } else if (how == Isolation.KILL) {
                straggler.kill();
            } else {
                for (Node n : cluster.nodes()) {
                    if (n != straggler) {
                        cluster.cut(straggler, n);
                    }
                }
            }
            old.kill();
            awaitFailover();
            canary = new RespConnection(promoted.host(), promoted.port(), 10_000);
            assertEquals("PONG", canary.call("PING"));
            poller = new RolePoller(promoted);

            if (restartFirst) {
                restartOldMasterEmpty();
            }
            if (how == Isolation.PAUSE) {
                // The fault itself: a stall longer than the 2 s TILT trigger, whatever the failover took.
                long stalled = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - isolatedAt);
                if (stalled < 3000) {
                    Thread.sleep(3000 - stalled);
                }
                straggler.resume();
            } else if (how == Isolation.KILL) {
                straggler.restart();
                events.subscribe(straggler.port());
            } else {
                cluster.healAll();
            }
            String expected = "127.0.0.1:" + promoted.port();
            await("the straggler adopts the new master", () -> expected.equals(masterAddr(straggler.port())));
            String switched = "mymaster 127.0.0.1 " + old.port() + " 127.0.0.1 " + promoted.port();
            if (how == Isolation.KILL) {
                // It may adopt before the test subscribes again: its log tells.
                String log = Files.readString(straggler.dir().resolve("node.log"));
                assertTrue(log.contains(" +config-update-from sentinel "), log);
                assertTrue(log.contains(" +switch-master " + switched + "\n"), log);
            } else {
                events.await(straggler.port(), "+switch-master", switched);
                String from = events.await(straggler.port(), "+config-update-from");
                assertTrue(from.startsWith("sentinel "), from);
            }
            if (!restartFirst) {
                restartOldMasterEmpty();
            }

            String newMaster = Integer.toString(promoted.port());
            try {
                // Any Sentinel may convert it; on a loaded machine each may be in TILT (30 s) first, then waits 4
                // hello periods and an INFO period.
                String what = "the empty old master replicates from the promoted one";
                EmbeddedCluster.awaitUntil(what, CONVERT_BOUND, () -> {
                    Object info = old.tryCall("INFO", "replication");
                    return "slave".equals(RespConnection.infoField(info, "role"))
                            && newMaster.equals(RespConnection.infoField(info, "master_port"))
                            && "up".equals(RespConnection.infoField(info, "master_link_status"));
                });
            } catch (IllegalStateException e) {
                throw new AssertionError(state(events), e);
            }
            for (int p : sentinelPorts()) {
                await("Sentinel " + p + " knows the old master as a replica of the new one", () ->
                        expected.equals(masterAddr(p)) && replicaFollows(p, old.port(), promoted.port()));
            }
            String oldAsReplica = "slave 127.0.0.1:" + old.port() + " 127.0.0.1 " + old.port()
                    + " @ mymaster 127.0.0.1 " + promoted.port();
            assertTrue(events.any("+convert-to-slave", oldAsReplica), "a Sentinel converted the old master: " + events);
            // The converting Sentinel saw a replica of its configuration report the role master: a mismatch ("-").
            assertTrue(events.any("-role-change", oldAsReplica + " new reported role is master"), events.toString());
            await("the old master has the data again", () -> Long.valueOf(KEYS).equals(old.tryCall("DBSIZE")));
            assertPromotedUntouched(events);
        }

        /** What each node and Sentinel reports, and every event, for a failure message. */
        private String state(EventLog events) {
            StringBuilder b = new StringBuilder("old master ").append(old.port()).append(": ")
                    .append(old.tryCall("INFO", "replication")).append("\npromoted ").append(promoted.port())
                    .append(": ").append(promoted.tryCall("INFO", "replication"));
            for (int p : sentinelPorts()) {
                b.append("\nSentinel ").append(p).append(": ").append(call(p, "SENTINEL", "MASTER", "mymaster"))
                        .append("\n  replicas: ").append(call(p, "SENTINEL", "REPLICAS", "mymaster"));
            }
            for (Node n : cluster.nodes()) {
                b.append("\n").append(n.name()).append(" log:\n").append(EmbeddedClusterTest.logTail(n));
            }
            return b.append("\nevents:").append(events).toString();
        }

        /** The old master back on its port, with no data (the cluster has no persistence). */
        private void restartOldMasterEmpty() throws IOException {
            old.restart();
            Object info = old.call("INFO", "replication");
            assertEquals("master", RespConnection.infoField(info, "role"), "the old master restarts as a master");
            assertEquals(0L, old.call("DBSIZE"), "the old master restarts empty");
        }

        /** Waits until every Sentinel but the straggler names one new master, and that node says it is master. */
        private void awaitFailover() {
            Map<Integer, String> seen = new HashMap<>();
            try {
                await("the other Sentinels fail over", () -> {
                    String addr = null;
                    for (int p : others()) {
                        String a = masterAddr(p);
                        seen.put(p, a);
                        if (a == null || a.equals("127.0.0.1:" + old.port()) || (addr != null && !addr.equals(a))) {
                            return false;
                        }
                        addr = a;
                    }
                    for (Node n : cluster.dataNodes()) {
                        if (addr.equals("127.0.0.1:" + n.port()) && n.tryCall("ROLE") instanceof List<?> r
                                && "master".equals(r.get(0))) {
                            promoted = n;
                            return true;
                        }
                    }
                    return false;
                });
            } catch (IllegalStateException e) {
                throw new AssertionError("Sentinels reported " + seen, e);
            }
        }

        /**
         * The promoted master was never sent REPLICAOF: no Sentinel announced one for it, the connection opened
         * right after the failover was not killed (Sentinel's REPLICAOF transaction kills normal clients), it
         * answered master every time it was asked, and it has every acknowledged write.
         */
        void assertPromotedUntouched(EventLog events) throws IOException {
            String named = "slave 127.0.0.1:" + promoted.port() + " ";
            for (String type : REPLICAOF_EVENTS) {
                assertFalse(events.any(type, named), "a Sentinel sent REPLICAOF to the promoted master: " + events);
                Path log = straggler.dir().resolve("node.log");
                if (Files.exists(log)) {
                    assertFalse(Files.readString(log).contains(" " + type + " " + named), type + " in " + log);
                }
            }
            assertEquals("PONG", canary.call("PING"), "the promoted master's clients were not killed");
            assertTrue(poller.polls() > 0);
            assertEquals(List.of(), poller.notMaster(), "the promoted master always answered ROLE master");
            assertEquals(Long.valueOf(KEYS), promoted.call("DBSIZE"));
            for (int i = 0; i < KEYS; i += 17) {
                assertEquals("value:" + i, promoted.call("GET", "key:" + i));
            }
        }
    }

    /** Asks a node its ROLE every 50 ms on its own thread and keeps every answer that is not "master". */
    private static final class RolePoller {
        private final List<String> notMaster = new CopyOnWriteArrayList<>();
        private volatile int polls;

        RolePoller(Node node) {
            Thread t = new Thread(() -> {
                while (node.isRunning()) {
                    Object r = node.tryCall("ROLE");
                    if (r instanceof List<?> l && !"master".equals(l.get(0))) {
                        notMaster.add(String.valueOf(l));
                    }
                    polls++;
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "role-poller-" + node.name());
            t.setDaemon(true);
            t.start();
        }

        int polls() {
            return polls;
        }

        List<String> notMaster() {
            return notMaster;
        }
    }

    /** Every event the given Sentinels publish (PSUBSCRIBE *), with the time it arrived. */
    private static final class EventLog implements AutoCloseable {
        private record Event(int port, String type, String message, long at) { }

        private final List<Event> events = new CopyOnWriteArrayList<>();
        private final List<RespConnection> connections = new ArrayList<>();

        EventLog(List<Integer> ports) throws IOException {
            for (int port : ports) {
                subscribe(port);
            }
        }

        /** Starts recording the events of Sentinel {@code port} (again, after a restart). */
        void subscribe(int port) throws IOException {
            RespConnection c = new RespConnection("127.0.0.1", port, 10_000);
            connections.add(c);
            c.call("PSUBSCRIBE", "*");
            c.timeout(0);
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        if (c.read() instanceof List<?> m && m.size() == 4) {
                            events.add(new Event(port, String.valueOf(m.get(2)), String.valueOf(m.get(3)),
                                    System.nanoTime()));
                        }
                    }
                } catch (IOException e) {
                    // closed at the end of the test, or the Sentinel was killed
                }
            }, "sentinel-events-" + port);
            t.setDaemon(true);
            t.start();
        }

        /** Whether any Sentinel published {@code type} with a message starting with {@code prefix}. */
        boolean any(String type, String prefix) {
            return events.stream().anyMatch(e -> e.type.equals(type) && e.message.startsWith(prefix));
        }

        /** Waits for Sentinel {@code port} to publish {@code type}; returns the message. */
        String await(int port, String type) {
            Event[] found = new Event[1];
            SentinelStragglerTest.await("Sentinel " + port + " to announce " + type, () -> {
                found[0] = events.stream().filter(e -> e.port == port && e.type.equals(type)).findFirst()
                        .orElse(null);
                return found[0] != null;
            });
            return found[0].message;
        }

        /** Waits for Sentinel {@code port} to publish {@code type} with exactly {@code message}; returns when. */
        long await(int port, String type, String message) {
            long[] at = new long[1];
            SentinelStragglerTest.await("Sentinel " + port + " to announce " + type + " " + message, () -> {
                for (Event e : events) {
                    if (e.port == port && e.type.equals(type) && e.message.equals(message)) {
                        at[0] = e.at;
                        return true;
                    }
                }
                return false;
            });
            return at[0];
        }

        /** When Sentinel {@code port} last published {@code type} before {@code at}. */
        long lastBefore(int port, String type, long at) {
            long last = 0;
            for (Event e : events) {
                if (e.port == port && e.type.equals(type) && e.at - at < 0) {
                    last = e.at;
                }
            }
            return last;
        }

        @Override
        public void close() throws IOException {
            for (RespConnection c : connections) {
                c.close();
            }
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (Event e : events) {
                b.append('\n').append(e.port).append(' ').append(e.type).append(' ').append(e.message);
            }
            return b.toString();
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        EmbeddedCluster.awaitUntil(what, BOUND, condition);
    }

    private static Object call(int port, String... args) {
        try {
            return RespConnection.once("127.0.0.1", port, 5000, args);
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }

    private static int size(Object reply) {
        return reply instanceof List<?> l ? l.size() : -1;
    }

    /** What a Sentinel answers to GET-MASTER-ADDR-BY-NAME, as "ip:port", or null. */
    private static String masterAddr(int sentinelPort) {
        if (call(sentinelPort, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster") instanceof List<?> l
                && l.size() == 2) {
            return l.get(0) + ":" + l.get(1);
        }
        return null;
    }

    /** Whether Sentinel {@code sentinelPort} lists replica {@code port} as a linked replica of {@code master}. */
    private static boolean replicaFollows(int sentinelPort, int port, int master) {
        if (!(call(sentinelPort, "SENTINEL", "REPLICAS", "mymaster") instanceof List<?> replicas)) {
            return false;
        }
        for (Object r : replicas) {
            Map<String, String> f = new HashMap<>();
            if (r instanceof List<?> l) {
                for (int i = 0; i + 1 < l.size(); i += 2) {
                    f.put(String.valueOf(l.get(i)), String.valueOf(l.get(i + 1)));
                }
            }
            if (Integer.toString(port).equals(f.get("port"))) {
                return "slave".equals(f.get("role-reported")) && Integer.toString(master).equals(f.get("master-port"))
                        && "ok".equals(f.get("master-link-status"));
            }
        }
        return false;
    }
}
