package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.jredis.server.testing.TempPaths;

/**
 * A real redis-sentinel and a jredis Sentinel monitor the same real master and replicas; every reply must match
 * the real one byte for byte, except the state reports (SENTINEL MASTER & co, INFO), whose field names and order
 * must match and whose timing values must have the same type.
 */
class SentinelDifferentialTest {
    /** Fields whose values depend on timing or on which Sentinel answers: compared as integers only. */
    private static final Set<String> TIMING = Set.of("link-pending-commands", "last-ping-sent", "last-ok-ping-reply",
            "last-ping-reply", "info-refresh", "role-reported-time", "master-link-down-time", "slave-repl-offset",
            "last-hello-message");

    private static SentinelLab lab;
    private static int real;
    private static int jredis;

    @BeforeAll
    static void start() throws Exception {
        lab = new SentinelLab(TempPaths.dir("sentinel-diff")).dataNodes(2, null);
        SentinelLab.SentinelPair pair = lab.sentinelPair();
        real = pair.real();
        jredis = pair.jredis();
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    private static byte[][] args(String line) {
        String[] w = line.split(" ");
        byte[][] a = new byte[w.length][];
        for (int i = 0; i < w.length; i++) {
            a[i] = w[i].replace("{M}", Integer.toString(lab.master.port())).getBytes(StandardCharsets.UTF_8);
        }
        return a;
    }

    /** Sends each line (words split on spaces, {M} = the master's port) to both and compares exact bytes. */
    private static void sameBytes(String... lines) throws IOException {
        sameBytes(false, lines);
    }

    private static void sameBytes(boolean resp3, String... lines) throws IOException {
        try (RawClient r = new RawClient("127.0.0.1", real); RawClient j = new RawClient("127.0.0.1", jredis)) {
            if (resp3) {
                r.call("HELLO", "3");
                j.call("HELLO", "3");
            }
            List<String> diffs = new ArrayList<>();
            for (String line : lines) {
                String want = new String(r.callRaw(args(line)), StandardCharsets.UTF_8);
                String got = new String(j.callRaw(args(line)), StandardCharsets.UTF_8);
                if (!want.equals(got)) {
                    diffs.add(line + "\n  real:   " + want.replace("\r\n", "\\r\\n") + "\n  jredis: "
                            + got.replace("\r\n", "\\r\\n"));
                }
            }
            assertEquals("", String.join("\n", diffs));
        }
    }

    @Test
    void fixedRepliesAreIdentical() throws IOException {
        sameBytes("SENTINEL GET-MASTER-ADDR-BY-NAME mymaster", "SENTINEL GET-MASTER-ADDR-BY-NAME nosuch",
                "sentinel get-master-addr-by-name mymaster", "SENTINEL CKQUORUM mymaster", "SENTINEL CKQUORUM nosuch",
                "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 {M} 0 *", "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 1 0 *",
                "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 x 0 *", "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 1 x *",
                "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 {M} 0",
                "SENTINEL MASTER nosuch", "SENTINEL REPLICAS nosuch", "SENTINEL SLAVES nosuch",
                "SENTINEL SENTINELS nosuch", "SENTINEL INFO-CACHE nosuch", "SENTINEL PENDING-SCRIPTS",
                "SENTINEL FLUSHCONFIG", "SENTINEL FAILOVER nosuch", "SENTINEL REMOVE nosuch", "SENTINEL RESET nosuch*",
                "SENTINEL SIMULATE-FAILURE foo", "SENTINEL SIMULATE-FAILURE help", "SENTINEL HELP",
                "ROLE", "PING", "PING hello", "COMMAND COUNT", "PUBLISH foo bar", "CLIENT SETINFO LIB-NAME jedis",
                "CLIENT SETNAME x", "CLIENT GETNAME", "ACL WHOAMI", "AUTH x", "AUTH a b");
    }

    @Test
    void configAndDebugMatch() throws IOException {
        sameBytes("SENTINEL CONFIG GET *", "SENTINEL CONFIG GET announce*", "SENTINEL CONFIG GET nosuch",
                "SENTINEL CONFIG GET RESOLVE-HOSTNAMES", "SENTINEL CONFIG SET nosuch 1", "SENTINEL CONFIG SET NoSuch 1",
                "SENTINEL CONFIG SET announce-port x", "SENTINEL CONFIG SET announce-port 70000",
                "SENTINEL CONFIG SET announce-port -1", "SENTINEL CONFIG SET resolve-hostnames maybe",
                "SENTINEL CONFIG SET announce-hostnames x", "SENTINEL CONFIG SET deny-scripts-reconfig no",
                "SENTINEL CONFIG SET resolve-hostnames no", "SENTINEL CONFIG FOO", "SENTINEL CONFIG GET",
                "SENTINEL CONFIG GET * extra", "SENTINEL CONFIG SET a b c", "SENTINEL CONFIG SET a",
                "SENTINEL DEBUG", "SENTINEL DEBUG info-period", "SENTINEL DEBUG info-period x",
                "SENTINEL DEBUG nosuch 1", "SENTINEL DEBUG info-period -1", "SENTINEL DEBUG info-period 0",
                "SENTINEL DEBUG info-period 10000 ping-period", "SENTINEL DEBUG INFO-PERIOD 10000", "SENTINEL DEBUG",
                "DEBUG", "DEBUG sleep 0");
    }

    @Test
    void setMonitorRemoveErrorsMatch() throws IOException {
        sameBytes("SENTINEL SET nosuch quorum 2", "SENTINEL SET mymaster quorum x", "SENTINEL SET mymaster quorum 0",
                "SENTINEL SET mymaster quorum -1", "SENTINEL SET mymaster Quorum x", "SENTINEL SET mymaster quorum",
                "SENTINEL SET mymaster", "SENTINEL SET mymaster nosuch 1",
                "SENTINEL SET mymaster down-after-milliseconds x", "SENTINEL SET mymaster down-after-milliseconds 0",
                "SENTINEL SET mymaster failover-timeout -1", "SENTINEL SET mymaster parallel-syncs 0",
                "SENTINEL SET mymaster parallel-syncs x", "SENTINEL SET mymaster master-reboot-down-after-period -1",
                "SENTINEL SET mymaster notification-script /nonexistent",
                "SENTINEL SET mymaster client-reconfig-script /nonexistent",
                "SENTINEL SET mymaster quorum 2 rename-command", "SENTINEL SET mymaster rename-command CONFIG",
                "SENTINEL SET mymaster rename-command CONFIG CONFIG quorum",
                "SENTINEL SET mymaster down-after-milliseconds 1000 quorum", "SENTINEL SET mymaster quorum 2",
                "SENTINEL MONITOR mymaster 127.0.0.1 {M} 2", "SENTINEL MONITOR newm 127.0.0.1 x 2",
                "SENTINEL MONITOR newm 127.0.0.1 x x", "SENTINEL MONITOR newm 127.0.0.1 1 x",
                "SENTINEL MONITOR newm 127.0.0.1 1 0", "SENTINEL MONITOR newm 127.0.0.1 -1 2",
                "SENTINEL MONITOR newm 127.0.0.1 70000 2", "SENTINEL MONITOR newm not.a.host.invalid 1 2",
                "SENTINEL MONITOR newm localhost 1 2", "SENTINEL MONITOR mymaster 127.0.0.1 70000 2",
                "SENTINEL MONITOR newm 127.0.0.1 1", "SENTINEL MONITOR newm 127.0.0.1 0 2",
                "SENTINEL REMOVE newm", "SENTINEL REMOVE newm", "SENTINEL REMOVE");
    }

    @Test
    void arityAndUnknownSubcommandErrorsMatch() throws IOException {
        sameBytes("SENTINEL", "SENTINEL nosuch", "SENTINEL MASTERS x", "SENTINEL MASTER", "SENTINEL REPLICAS",
                "SENTINEL SLAVES", "SENTINEL SENTINELS", "SENTINEL GET-MASTER-ADDR-BY-NAME", "SENTINEL CKQUORUM",
                "SENTINEL MYID x", "SENTINEL FAILOVER", "SENTINEL RESET", "SENTINEL FLUSHCONFIG x", "SENTINEL CONFIG",
                "SENTINEL MONITOR", "SENTINEL IS-MASTER-DOWN-BY-ADDR", "ROLE x", "PING a b", "GET foo", "SET foo bar",
                "CONFIG GET port", "PUBLISH", "PUBLISH __sentinel__:hello", "CLIENT INFO x",
                "HELLO 2 AUTH a b", "HELLO 4", "SHUTDOWN x y", "COMMAND COUNT x", "ACL nosuch");
    }

    @Test
    void resp3RepliesMatch() throws IOException {
        sameBytes(true, "SENTINEL GET-MASTER-ADDR-BY-NAME mymaster", "SENTINEL GET-MASTER-ADDR-BY-NAME nosuch",
                "SENTINEL CONFIG GET *", "SENTINEL DEBUG", "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 {M} 0 *",
                "SENTINEL INFO-CACHE nosuch", "ROLE", "PING", "SENTINEL CKQUORUM mymaster");
        Map<?, ?> want = hello3(real);
        Map<?, ?> got = hello3(jredis);
        assertEquals(want.keySet().toString(), got.keySet().toString());
        for (Object k : want.keySet()) {
            if (!k.equals("id")) {
                assertEquals(RespParser.toText(want.get(k)), RespParser.toText(got.get(k)), "HELLO 3 " + k);
            }
        }
    }

    private static Map<?, ?> hello3(int port) {
        return assertInstanceOf(Map.class, SentinelLab.call(port, "HELLO", "3"));
    }

    /** An instance report as name → value, checking that the fields come as name/value pairs. */
    private static LinkedHashMap<String, String> fields(Object report) {
        LinkedHashMap<String, String> f = new LinkedHashMap<>();
        if (report instanceof Map<?, ?> m) {
            m.forEach((k, v) -> f.put(RespParser.toText(k), RespParser.toText(v)));
            return f;
        }
        List<?> l = assertInstanceOf(List.class, report);
        assertEquals(0, l.size() % 2, "fields come in pairs");
        for (int i = 0; i < l.size(); i += 2) {
            f.put(RespParser.toText(l.get(i)), RespParser.toText(l.get(i + 1)));
        }
        return f;
    }

    /** Same field names in the same order, same values except timing fields (integers) and Sentinel identities. */
    private static void sameShape(String what, Object want, Object got) {
        assertEquals(want instanceof Map, got instanceof Map, what + ": map in RESP3, flat array in RESP2");
        LinkedHashMap<String, String> w = fields(want);
        LinkedHashMap<String, String> g = fields(got);
        assertEquals(List.copyOf(w.keySet()), List.copyOf(g.keySet()), what + ": field names and order");
        boolean sentinel = w.getOrDefault("flags", "").contains("sentinel");
        for (String k : w.keySet()) {
            if (TIMING.contains(k)) {
                assertTrue(g.get(k).matches("-?\\d+"), what + ": " + k + " is an integer: " + g.get(k));
            } else if (sentinel && Set.of("name", "runid", "port").contains(k)) {
                assertTrue(g.get(k).matches("\\d+|[0-9a-f]{40}"), what + ": " + k + " = " + g.get(k));
            } else {
                assertEquals(w.get(k), g.get(k), what + ": value of " + k);
            }
        }
    }

    private static Object callOn(int port, boolean resp3, String... args) throws IOException {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            if (resp3) {
                c.call("HELLO", "3");
            }
            return c.call(args);
        }
    }

    @Test
    void instanceReportsHaveTheSameShape() throws Exception {
        // Both Sentinels must have their links to each other up, or "disconnected" shows in the flags.
        SentinelLab.await("the Sentinels connected to each other", () -> IntStream.of(real, jredis).noneMatch(p ->
                RespParser.toText(SentinelLab.call(p, "SENTINEL", "SENTINELS", "mymaster")).contains("disconnected")));
        for (boolean resp3 : new boolean[] {false, true}) {
            String p = resp3 ? "RESP3 " : "RESP2 ";
            sameShape(p + "MASTER", callOn(real, resp3, "SENTINEL", "MASTER", "mymaster"),
                    callOn(jredis, resp3, "SENTINEL", "MASTER", "mymaster"));
            List<?> wm = (List<?>) callOn(real, resp3, "SENTINEL", "MASTERS");
            List<?> gm = (List<?>) callOn(jredis, resp3, "SENTINEL", "MASTERS");
            assertEquals(wm.size(), gm.size());
            sameShape(p + "MASTERS", wm.get(0), gm.get(0));
            for (String sub : new String[] {"REPLICAS", "SLAVES"}) {
                Map<String, Object> wr = byName((List<?>) callOn(real, resp3, "SENTINEL", sub, "mymaster"));
                Map<String, Object> gr = byName((List<?>) callOn(jredis, resp3, "SENTINEL", sub, "mymaster"));
                assertEquals(wr.keySet(), gr.keySet(), p + sub);
                for (String name : wr.keySet()) {
                    sameShape(p + sub + " " + name, wr.get(name), gr.get(name));
                }
            }
            List<?> ws = (List<?>) callOn(real, resp3, "SENTINEL", "SENTINELS", "mymaster");
            List<?> gs = (List<?>) callOn(jredis, resp3, "SENTINEL", "SENTINELS", "mymaster");
            assertEquals(1, ws.size());
            assertEquals(1, gs.size());
            sameShape(p + "SENTINELS", ws.get(0), gs.get(0));
            assertEquals(Integer.toString(real), fields(gs.get(0)).get("port"), "jredis sees the real Sentinel");
            assertEquals(Integer.toString(jredis), fields(ws.get(0)).get("port"), "the real Sentinel sees jredis");
        }
    }

    private static Map<String, Object> byName(List<?> reports) {
        Map<String, Object> m = new TreeMap<>();
        for (Object r : reports) {
            m.put(fields(r).get("name"), r);
        }
        return m;
    }

    @Test
    void myIdIsFortyHexAndKnownToThePeer() {
        String id = RespParser.toText(SentinelLab.call(jredis, "SENTINEL", "MYID"));
        assertTrue(id.matches("[0-9a-f]{40}"), id);
        List<?> peers = (List<?>) SentinelLab.call(real, "SENTINEL", "SENTINELS", "mymaster");
        assertEquals(id, fields(peers.get(0)).get("runid"));
    }

    private static List<String> infoNames(int port, String... section) {
        String[] cmd = new String[section.length + 1];
        cmd[0] = "INFO";
        System.arraycopy(section, 0, cmd, 1, section.length);
        List<String> names = new ArrayList<>();
        for (String line : RespParser.toText(SentinelLab.call(port, cmd)).split("\r\n")) {
            names.add(line.contains(":") ? line.substring(0, line.indexOf(':')) : line);
        }
        return names;
    }

    @Test
    void infoHasTheSameSectionsAndFields() throws IOException {
        for (String[] section : new String[][] {{}, {"everything"}, {"all"}, {"sentinel"}, {"server"},
            {"clients"}, {"stats"}, {"nosuch"}, {"server", "sentinel"}}) {
            assertEquals(infoNames(real, section), infoNames(jredis, section), "INFO " + String.join(" ", section));
        }
        sameBytes("INFO sentinel");
    }

    private static Set<String> commandList(int port) {
        Set<String> names = new TreeSet<>();
        for (Object o : (Collection<?>) SentinelLab.call(port, "COMMAND", "LIST")) {
            names.add(RespParser.toText(o));
        }
        return names;
    }

    @Test
    void commandListMatchesWhereTheServerHasTheCommand() {
        Set<String> want = commandList(real);
        Set<String> got = commandList(jredis);
        Set<String> extra = new TreeSet<>(got);
        extra.removeAll(want);
        assertEquals(Set.of(), extra, "commands real Sentinel does not have");
        Set<String> missing = new TreeSet<>(want);
        missing.removeAll(got);
        try (TestServer standalone = TestServer.start()) {
            // a command the jredis server itself lacks (yet) is its family's gap, not Sentinel's
            missing.retainAll(commandList(standalone.port()));
        }
        assertEquals(Set.of(), missing, "commands of real Sentinel that jredis has but its Sentinel lacks");
        assertEquals(RespParser.toText(SentinelLab.call(real, "COMMAND", "COUNT")),
                RespParser.toText(SentinelLab.call(jredis, "COMMAND", "COUNT")));
    }

    @Test
    void resetForgetsAndRediscovers() throws Exception {
        sameBytes("SENTINEL RESET mymaster", "SENTINEL RESET *master", "SENTINEL RESET nosuch");
        lab.awaitDiscovery();
        for (int p : new int[] {real, jredis}) {
            SentinelLab.await("sentinel " + p + " read the replicas' INFO again", () -> {
                for (Object r : (List<?>) SentinelLab.call(p, "SENTINEL", "REPLICAS", "mymaster")) {
                    if (fields(r).get("runid").isEmpty()) {
                        return false;
                    }
                }
                return true;
            });
        }
        instanceReportsHaveTheSameShape();
    }
}
