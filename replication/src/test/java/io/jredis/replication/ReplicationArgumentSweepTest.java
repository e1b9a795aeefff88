package io.jredis.replication;

import static io.jredis.replication.Nodes.await;
import static io.jredis.replication.Nodes.info;
import static io.jredis.replication.Nodes.online;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.util.SplitArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The replication commands and replies a client or operator sees, byte for byte against redis-server 7.0.15: a real
 * master with a real replica and a jredis master with a jredis replica (same configuration) get the same calls, in
 * RESP2 and RESP3, each case on fresh connections; port numbers are replaced by their role, and replies that carry
 * offsets, ids or lags (ROLE, INFO) are compared by shape (every number becomes N, every replication id {@code <id>}).
 */
class ReplicationArgumentSweepTest {

    /** Differences not fixed: a regex over "node: command; command" and why. */
    private static final Map<String, String> ALLOWED = Map.of();

    /**
     * A case is one line of commands separated by " ; ", each split like redis-cli's input; {M} and {R} stand for
     * the master's and the replica's port. A command prefixed by "@shape " is compared by shape, "@pairs " as
     * name/value pairs, one prefixed by "@noreply " gets no reply from Redis (the next command's reply shows any
     * stray one). "RESP2: " runs a line only as the connection's first command: WAIT counts the replicas that
     * acknowledged the offset the client's previous command left (Redis 7.0 updates it after every command, so
     * after RESP3's HELLO it depends on the replicas' last ACK).
     */
    private static final String[] REPLICAOF = {
        "REPLICAOF", "REPLICAOF a", "REPLICAOF a b c", "SLAVEOF", "SLAVEOF a b c",
        "REPLICAOF a abc", "REPLICAOF a -1", "REPLICAOF a 65536", "REPLICAOF a 70000", "REPLICAOF a \"\"",
        "REPLICAOF a 1.5", "REPLICAOF a \" 1\"", "REPLICAOF a 99999999999999999999", "REPLICAOF a 0x10",
        "SLAVEOF a abc", "SLAVEOF a -1", "slaveof a 65536", "replicaof no two", "REPLICAOF one no",
        "REPLICAOF \"no one\" x", "REPLICAOF no one x",
        "MULTI ; REPLICAOF a abc ; EXEC", "EVAL \"return redis.call('replicaof','a','abc')\" 0",
        "EVAL \"return redis.call('replicaof','no','one')\" 0",
    };

    private static final String[] REPLCONF = {
        "REPLCONF", "REPLCONF a", "REPLCONF foo bar", "REPLCONF listening-port x", "REPLCONF listening-port 5",
        "REPLCONF LISTENING-PORT 5", "REPLCONF listening-port -1", "REPLCONF listening-port 70000",
        "REPLCONF listening-port 99999999999999999999", "REPLCONF listening-port \"\"", "REPLCONF listening-port",
        "REPLCONF capa", "REPLCONF capa foo capa eof", "REPLCONF capa psync2", "REPLCONF CAPA EOF",
        "REPLCONF ip-address 10.0.0.1", "REPLCONF ip-address", "REPLCONF ip-address \"\"",
        "REPLCONF rdb-only x", "REPLCONF rdb-only 5", "REPLCONF rdb-only -1", "REPLCONF rdb-only 0",
        "REPLCONF rdb-only 1", "REPLCONF rdb-filter-only x", "REPLCONF rdb-filter-only \"\"",
        "REPLCONF rdb-filter-only functions", "REPLCONF rdb-filter-only \"functions functions\"",
        "REPLCONF rdb-filter-only \"functions x\"", "REPLCONF ack", "@noreply REPLCONF ack 5 ; PING",
        "@noreply REPLCONF ack x ; PING", "@noreply REPLCONF ACK 5 FACK 3 ; PING", "@noreply REPLCONF getack * ; PING",
        "@noreply REPLCONF GETACK x ; PING", "@noreply REPLCONF listening-port 5 ack 5 ; PING",
        "REPLCONF listening-port 5 foo bar", "REPLCONF foo bar listening-port 5",
        "MULTI ; REPLCONF listening-port 5 ; EXEC", "EVAL \"return redis.call('replconf','capa','eof')\" 0",
    };

    private static final String[] SYNC_WAIT_FAILOVER = {
        "SYNC a", "PSYNC", "PSYNC a", "MULTI ; SYNC ; EXEC", "MULTI ; PSYNC ? -1 ; EXEC",
        "EVAL \"return redis.call('psync','?','-1')\" 0", "EVAL \"return redis.call('sync')\" 0",
        "WAIT", "WAIT 0", "WAIT 0 0 0", "WAIT abc 0", "WAIT 0 abc", "WAIT 0 -1", "WAIT 1.5 0",
        "WAIT 0 1.5", "WAIT 99999999999999999999 0", "WAIT 0 99999999999999999999", "WAIT \"\" 0",
        "RESP2: WAIT 0 0", "RESP2: WAIT -1 0", "RESP2: WAIT 1 0",
        "SET k v ; WAIT 1 10000 ; WAIT 0 0 ; WAIT -1 0 ; WAIT 1 0 ; MULTI ; WAIT 5 0 ; EXEC ; WAIT 2 1000",
        "EVAL \"return redis.call('wait','0','0')\" 0",
        "WAITAOF", "WAITAOF 0 0 0", "waitaof 1 1 100",
        "FAILOVER ABORT", "FAILOVER ABORT FORCE", "FAILOVER BOGUS", "FAILOVER TIMEOUT 0", "FAILOVER TIMEOUT -5",
        "FAILOVER TIMEOUT x", "FAILOVER TIMEOUT", "FAILOVER TO 127.0.0.1", "FAILOVER TO 127.0.0.1 notaport",
        "FAILOVER TO", "FAILOVER FORCE FORCE", "FAILOVER TIMEOUT 5 TIMEOUT 6", "FAILOVER FORCE",
        "FAILOVER FORCE TIMEOUT 100", "FAILOVER FORCE TO 127.0.0.1 {R}", "FAILOVER TO 127.0.0.1 1",
        "FAILOVER TO 10.9.9.9 {R}", "FAILOVER TO 127.0.0.1 {R} TO 127.0.0.1 {R} TIMEOUT 10 FORCE ABORT",
        "FAILOVER to 127.0.0.1 70000", "failover abort", "MULTI ; FAILOVER ABORT ; EXEC",
        "EVAL \"return redis.call('failover','abort')\" 0",
    };

    private static final String[] EITHER = {
        "@shape ROLE", "ROLE x", "@shape INFO replication", "@shape INFO REPLICATION", "MULTI ; ROLE ; @shape EXEC",
        "EVAL \"return redis.call('role')\" 0", "@shape EVAL \"return redis.call('info','replication')\" 0",
        "PUBLISH ch msg", "SPUBLISH ch msg", "GET k",
    };

    private static final String[] MASTER = {
        "REPLICAOF NO ONE", "replicaof no one", "SLAVEOF No One", "REPLICAOF nO oNe", "MULTI ; REPLICAOF NO ONE ; EXEC",
        "CONFIG SET min-replicas-to-write 2 ; SET k v ; EVAL \"return redis.call('set','k','v')\" 0 ;"
                + " EVAL \"return redis.pcall('set','k','v')\" 0 ; MULTI ; SET k v ; EXEC ; MULTI ; GET k ; EXEC ;"
                + " GET k ; PUBLISH ch m ; CONFIG SET min-replicas-to-write 0",
        "CONFIG SET min-replicas-to-write 1 ; SET k v2 ; GET k ; CONFIG SET min-replicas-to-write 0",
    };

    private static final String[] REPLICA = {
        "SET k v", "set k v", "DEL k", "INCR k", "FLUSHALL", "FLUSHDB", "EXPIRE k 10", "SELECT 1 ; SET k v",
        "EVAL \"return redis.call('set','k','v')\" 0", "EVAL \"return redis.pcall('set','k','v')\" 0",
        "EVAL \"redis.call('set','k','v') return 1\" 0", "EVAL_RO \"return redis.call('set','k','v')\" 0",
        "EVAL \"return redis.call('get','k')\" 0", "EVAL \"return 1\" 0", "EVAL \"#!lua flags=no-writes\nreturn 1\" 0",
        "EVAL \"#!lua\nreturn 1\" 0", "EVAL \"#!lua\nreturn redis.call('set','k','v')\" 0",
        "SCRIPT LOAD \"return 1\"", "FUNCTION LOAD \"#!lua name=l\nredis.register_function('f', function() return 1 end)\"",
        "FUNCTION FLUSH", "FCALL nosuch 0", "MULTI ; SET k v ; EXEC", "MULTI ; GET k ; SET k v ; GET k ; EXEC",
        "MULTI ; GET k ; EXEC", "MULTI ; SET k v ; DISCARD", "MULTI ; EVAL \"return redis.call('set','k','v')\" 0 ; EXEC",
        "WATCH k ; MULTI ; SET k v ; EXEC", "REPLICAOF 127.0.0.1 {M}", "replicaof 127.0.0.1 {M}",
        "SLAVEOF 127.0.0.1 {M}", "REPLICAOF localhost {M}x",
        "FAILOVER", "FAILOVER TO 127.0.0.1 {M}", "FAILOVER TIMEOUT 10",
        "CONFIG SET replica-read-only no ; SET k v ; GET k ; DEL k ; EVAL \"return redis.call('set','k','v')\" 0 ;"
                + " MULTI ; SET k v ; EXEC ; CONFIG SET replica-read-only yes ; SET k v",
        "CONFIG SET slave-read-only no ; INCR counter ; CONFIG SET slave-read-only yes ; INCR counter",
        "CONFIG SET replica-serve-stale-data no ; GET k ; PING ; CONFIG SET replica-serve-stale-data yes",
    };

    /** The configuration parameters swept, with the aliases Redis 7.0 still answers to. */
    private static final String[] PREFIXES = {"repl-", "replica-", "min-replicas-", "slave-", "min-slaves-"};
    private static final String[] ALIASES = {"slave-serve-stale-data", "slave-read-only", "slave-priority",
        "slave-announce-ip", "slave-announce-port", "slave-lazy-flush", "slave-ignore-maxmemory",
        "min-slaves-to-write", "min-slaves-max-lag", "repl-ping-slave-period", "slaveof", "replicaof", "masterauth",
        "masteruser"};
    private static final String[] BAD = {"abc", "", "-1", "1.5", "99999999999999999999", "yes", "0", "1mb", "-0"};

    /** The same place in both topologies: redis-server's port and jredis's. */
    private record Node(String name, int real, int ours) {}

    /** A real master with a real replica beside a jredis master with a jredis replica. */
    private static final class Topology implements AutoCloseable {
        RealRedis realMaster;
        RealRedis realReplica;
        RedisServer master;
        RedisServer replica;

        static Topology start() throws Exception {
            Topology t = new Topology();
            try {
                // No PING to the replicas during the sweep: one landing just before a WAIT moves the offset the
                // replicas must acknowledge, and WAIT's count then depends on when their next ACK comes.
                t.realMaster = RealRedis.start("--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "3600");
                t.master = Nodes.jredis("repl-diskless-sync-delay", "0", "repl-ping-replica-period", "3600");
                t.startReplicas();
                return t;
            } catch (Exception | Error e) {
                t.close();
                throw e;
            }
        }

        void startReplicas() throws Exception {
            realReplica = RealRedis.start();
            replica = Nodes.jredis();
            try (Jedis r = new Jedis("127.0.0.1", realReplica.port());
                    Jedis j = new Jedis("127.0.0.1", replica.port())) {
                r.replicaof("127.0.0.1", realMaster.port());
                j.replicaof("127.0.0.1", master.port());
            }
            awaitSteady();
        }

        /** Both replicas online at their masters, with everything acknowledged: WAIT's replies depend on it. */
        void awaitSteady() {
            try (Jedis r = new Jedis("127.0.0.1", realReplica.port());
                    Jedis j = new Jedis("127.0.0.1", replica.port());
                    Jedis rm = new Jedis("127.0.0.1", realMaster.port());
                    Jedis jm = new Jedis("127.0.0.1", master.port())) {
                await("replicas' links up", 30, () -> "up".equals(info(r, "master_link_status"))
                        && "up".equals(info(j, "master_link_status")));
                await("replicas online at their masters", 30, () -> online(rm, 1) && online(jm, 1));
                Nodes.awaitCaughtUp(rm, r);
                Nodes.awaitCaughtUp(jm, j);
            }
        }

        void stopReplicas() {
            realReplica.close();
            replica.close();
            try (Jedis rm = new Jedis("127.0.0.1", realMaster.port());
                    Jedis jm = new Jedis("127.0.0.1", master.port())) {
                await("replicas gone", 30, () -> "0".equals(info(rm, "connected_slaves"))
                        && "0".equals(info(jm, "connected_slaves")));
            }
        }

        void stopMasters() {
            realMaster.close();
            master.close();
            try (Jedis r = new Jedis("127.0.0.1", realReplica.port());
                    Jedis j = new Jedis("127.0.0.1", replica.port())) {
                await("replicas' links down", 30, () -> "down".equals(info(r, "master_link_status"))
                        && "down".equals(info(j, "master_link_status")));
            }
        }

        Node masterNode() {
            return new Node("master", realMaster.port(), master.port());
        }

        Node replicaNode() {
            return new Node("replica", realReplica.port(), replica.port());
        }

        /** Each topology's ports by the placeholder that stands for them. */
        Map<String, String> ports(boolean real) {
            return Map.of("{M}", Integer.toString(real ? realMaster.port() : master.port()),
                    "{R}", Integer.toString(real ? realReplica.port() : replica.port()));
        }

        @Override
        public void close() {
            for (AutoCloseable c : new AutoCloseable[] {realReplica, replica, realMaster, master}) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
    }

    private static Topology topology;

    @BeforeAll
    static void start() throws Exception {
        RealRedis.assumeInstalled();
        topology = Topology.start();
    }

    @BeforeEach
    void steady() {
        topology.awaitSteady();
    }

    @AfterAll
    static void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void masterAnswersLikeRedis() throws Exception {
        sweep(topology, topology.masterNode(), concat(EITHER, REPLICAOF, REPLCONF, SYNC_WAIT_FAILOVER, MASTER));
    }

    @Test
    void replicaAnswersLikeRedis() throws Exception {
        sweep(topology, topology.replicaNode(), concat(EITHER, REPLICAOF, REPLCONF, SYNC_WAIT_FAILOVER, REPLICA));
    }

    @Test
    void replicationParametersAnswerLikeRedis() throws Exception {
        List<String> names = new ArrayList<>(List.of(ALIASES));
        try (RawClient c = new RawClient("127.0.0.1", topology.realMaster.port())) {
            List<?> flat = (List<?>) c.call("CONFIG", "GET", "*");
            for (int i = 0; i < flat.size(); i += 2) {
                String name = RawClient.text(flat.get(i));
                if (Arrays.stream(PREFIXES).anyMatch(name::startsWith)) {
                    names.add(name);
                }
            }
        }
        List<Case> cases = new ArrayList<>();
        for (String name : names) {
            cases.add(new Case(List.of(Cmd.exact("CONFIG", "GET", name)), false));
            cases.add(new Case(List.of(Cmd.exact("CONFIG", "GET", name.toUpperCase(Locale.ROOT))), false));
        }
        for (String pattern : new String[] {"repl*", "*replica*", "min-*", "*slave*", "REPL*"}) {
            cases.add(parse("@pairs CONFIG GET " + pattern));
        }
        for (Node node : List.of(topology.masterNode(), topology.replicaNode())) {
            List<Case> all = new ArrayList<>(cases);
            Map<String, String> original = new TreeMap<>();
            try (RawClient c = new RawClient("127.0.0.1", node.real())) {
                for (String name : names) {
                    List<?> kv = (List<?>) c.call("CONFIG", "GET", name);
                    original.put(name, RawClient.text(kv.get(1)));
                }
            }
            for (String name : names) {
                String v = original.get(name);
                for (String bad : BAD) {
                    // Whatever a server accepts is set back at once, so the topology stays as it was.
                    all.add(new Case(List.of(Cmd.exact("CONFIG", "SET", name, bad), Cmd.exact("CONFIG", "GET", name),
                            Cmd.exact("CONFIG", "SET", name, v)), false));
                }
                all.add(new Case(List.of(Cmd.exact("CONFIG", "SET", name, v, name, v)), false));
                all.add(new Case(List.of(Cmd.exact("CONFIG", "SET", name.toUpperCase(Locale.ROOT), "abc"),
                        Cmd.exact("CONFIG", "SET", name, v)), false));
                all.add(new Case(List.of(Cmd.exact("CONFIG", "SET", name, v, "nosuch", v)), false));
            }
            sweepCases(topology, node, all);
        }
    }

    /**
     * The replica gone (a master with min-replicas-to-write, WAIT with none), then a new replica whose master
     * stops (replica-serve-stale-data no, -MASTERDOWN, -NOMASTERLINK): its own topology, as it stops nodes.
     */
    @Test
    void linkDownAnswersLikeRedis() throws Exception {
        try (Topology t = Topology.start()) {
            t.stopReplicas();
            sweep(t, t.masterNode(), new String[] {
                "CONFIG SET min-replicas-to-write 1 ; SET k v ; EVAL \"return redis.call('set','k','v')\" 0 ;"
                        + " EVAL \"return redis.pcall('set','k','v')\" 0 ; MULTI ; SET k v ; EXEC ; GET k ;"
                        + " MULTI ; GET k ; EXEC ; CONFIG SET min-replicas-to-write 0 ; SET k v",
                "CONFIG SET min-slaves-to-write 1 ; INCR n ; CONFIG SET min-slaves-to-write 0",
                "WAIT 0 0", "WAIT 1 100", "SET k v ; WAIT 1 100", "@shape ROLE", "@shape INFO replication",
                "FAILOVER", "FAILOVER TO 127.0.0.1 {R}", "FAILOVER ABORT",
            });
            t.startReplicas();
            t.stopMasters();
            sweep(t, t.replicaNode(), new String[] {
                "@shape ROLE", "@shape INFO replication", "GET k", "SET k v", "PSYNC ? -1", "SYNC",
                "MULTI ; GET k ; EXEC", "REPLICAOF 127.0.0.1 {M}",
                "CONFIG SET replica-serve-stale-data no ; GET k ; SET k v ; PING ; ECHO x ; @shape INFO replication ;"
                        + " @shape ROLE ; PUBLISH ch m ; EVAL \"return 1\" 0 ; EVAL \"return redis.call('get','k')\" 0 ;"
                        + " MULTI ; GET k ; EXEC ; MULTI ; PING ; EXEC ; DBSIZE ; CONFIG GET replica-serve-stale-data ;"
                        + " CLIENT SETNAME x ; SUBSCRIBE ch",
                "CONFIG SET replica-serve-stale-data no ; EVAL \"return 1\" abc ; EVAL \"return 1\" 5 ;"
                        + " EVAL \"return 1\" -1 ; EVAL \"return(\" 0 ; EVAL \"#!lua\\nreturn 1\" abc ;"
                        + " EVAL \"#!lua\\nreturn 1\" 0 ; EVAL \"#!lua flags=no-writes,allow-stale\\nreturn 1\" 0 ;"
                        + " EVAL_RO \"return 1\" abc ; EVAL_RO \"return 1\" 0 ; EVALSHA abc 0 ;"
                        + " EVALSHA 1111111111111111111111111111111111111111 0 ; FCALL nosuch 0 ; FCALL nosuch abc ;"
                        + " MULTI ; EVAL \"return 1\" abc ; EVAL \"return 1\" 0 ; EXEC ;"
                        + " CONFIG SET replica-serve-stale-data yes",
                "CONFIG SET slave-serve-stale-data no ; KEYS * ; SCAN 0 ; @shape HELLO ; CONFIG SET slave-serve-stale-data yes",
                "CONFIG SET replica-serve-stale-data no ; PSYNC ? -1 ; SYNC ; CONFIG SET replica-serve-stale-data yes",
                "CONFIG SET replica-serve-stale-data no ; MULTI ; GET k ; SET k v ; EXEC ; CONFIG SET"
                        + " replica-serve-stale-data yes",
                "CONFIG SET replica-read-only no ; SET k v ; GET k ; CONFIG SET replica-read-only yes",
            });
        }
    }

    /** One command of a case and how its reply is compared. */
    private record Cmd(List<String> argv, Mode mode) {
        static Cmd exact(String... argv) {
            return new Cmd(List.of(argv), Mode.EXACT);
        }
    }

    /** Byte for byte; by shape; as a set of name/value pairs (hash order); no reply expected. */
    private enum Mode { EXACT, SHAPE, PAIRS, NOREPLY }

    private static String[] concat(String[]... lists) {
        return Arrays.stream(lists).flatMap(Arrays::stream).toArray(String[]::new);
    }

    /** One case: its commands, and whether it runs only in RESP2. */
    private record Case(List<Cmd> commands, boolean resp2Only) {}

    private static Case parse(String line) {
        boolean resp2Only = line.startsWith("RESP2: ");
        if (resp2Only) {
            line = line.substring("RESP2: ".length());
        }
        List<Cmd> out = new ArrayList<>();
        for (String part : line.split(" ; ")) {
            Mode mode = part.startsWith("@") ? Mode.valueOf(part.substring(1, part.indexOf(' ')).toUpperCase(Locale.ROOT))
                    : Mode.EXACT;
            String text = mode == Mode.EXACT ? part : part.substring(part.indexOf(' ') + 1);
            List<String> argv = new ArrayList<>();
            for (byte[] a : SplitArgs.split(text.getBytes(StandardCharsets.UTF_8))) {
                argv.add(new String(a, StandardCharsets.UTF_8));
            }
            out.add(new Cmd(argv, mode));
        }
        return new Case(out, resp2Only);
    }

    private static void sweep(Topology t, Node node, String[] lines) throws IOException {
        sweepCases(t, node, Arrays.stream(lines).map(ReplicationArgumentSweepTest::parse).toList());
    }

    /** Runs every case on fresh connections in RESP2 and RESP3 and fails listing every difference not allowed. */
    private static void sweepCases(Topology t, Node node, List<Case> cases) throws IOException {
        List<String> diffs = new ArrayList<>();
        int compared = 0;
        for (int proto : new int[] {2, 3}) {
            for (Case k : cases) {
                if (proto == 3 && k.resp2Only()) {
                    continue;
                }
                List<Cmd> c = k.commands();
                String shown = node.name() + ": " + String.join(" ; ", c.stream()
                        .map(cmd -> String.join(" ", cmd.argv().stream()
                                .map(a -> a.isEmpty() ? "\"\"" : a.replace("\n", "\\n")).toList())).toList());
                List<String> expected = run(t, node.real(), true, proto, c);
                List<String> actual = run(t, node.ours(), false, proto, c);
                compared += expected.size();
                for (int i = 0; i < expected.size(); i++) {
                    if (!expected.get(i).equals(actual.get(i)) && ALLOWED.keySet().stream()
                            .noneMatch(p -> Pattern.compile(p).matcher(shown).find())) {
                        diffs.add("RESP" + proto + " " + shown + "\n    at " + String.join(" ", c.get(i).argv())
                                + "\n    redis:  " + expected.get(i) + "\n    jredis: " + actual.get(i));
                    }
                }
            }
        }
        System.out.println("ReplicationArgumentSweepTest " + node.name() + ": " + cases.size() + " cases, "
                + compared + " replies compared, " + diffs.size() + " differences");
        diffs.forEach(System.out::println);
        assertTrue(diffs.isEmpty(), diffs.size() + " differences:\n" + String.join("\n", diffs));
    }

    /** The normalised replies of one case's commands on one server. */
    private static List<String> run(Topology t, int port, boolean real, int proto, List<Cmd> commands)
            throws IOException {
        Map<String, String> ports = t.ports(real);
        List<String> out = new ArrayList<>();
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            if (proto == 3) {
                c.call("HELLO", "3");
            }
            for (Cmd cmd : commands) {
                byte[][] argv = new byte[cmd.argv().size()][];
                for (int i = 0; i < argv.length; i++) {
                    String a = cmd.argv().get(i);
                    for (Map.Entry<String, String> p : ports.entrySet()) {
                        a = a.replace(p.getKey(), p.getValue());
                    }
                    argv[i] = a.getBytes(StandardCharsets.UTF_8);
                }
                if (cmd.mode() == Mode.NOREPLY) {
                    c.send(RawClient.encode(argv));
                    continue;
                }
                out.add(normalise(c.callRaw(argv), ports, cmd.mode()));
            }
        }
        return out;
    }

    private static final Pattern REPL_ID = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern NUMBER = Pattern.compile("(?<![*%~>\\d])\\d+");

    private static String normalise(byte[] reply, Map<String, String> ports, Mode mode) {
        String s = new String(reply, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
        if (mode == Mode.PAIRS && reply[0] != '-') {
            List<?> flat = reply[0] == '%' ? ((Map<?, ?>) RespParser.parseAll(reply).get(0)).entrySet().stream()
                    .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toList()
                    : (List<?>) RespParser.parseAll(reply).get(0);
            List<String> pairs = new ArrayList<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                pairs.add(RespParser.toText(flat.get(i)) + "=" + RespParser.toText(flat.get(i + 1)));
            }
            pairs.sort(null);
            s = (char) reply[0] + pairs.toString();
        }
        for (Map.Entry<String, String> p : ports.entrySet()) {
            s = s.replace(p.getValue(), p.getKey());
        }
        if (mode == Mode.SHAPE) {
            s = NUMBER.matcher(REPL_ID.matcher(s).replaceAll("<id>")).replaceAll("N");
        }
        return s;
    }
}
