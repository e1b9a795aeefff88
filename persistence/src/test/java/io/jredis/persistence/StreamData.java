package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A stream dataset for persistence round trips, written and read the same way on jredis and redis-server. */
public final class StreamData {
    private StreamData() {}

    static final String[] KEYS = {"s", "empty", "tomb", "big", "wide", "tangled"};

    /** Streams with tombstones, several nodes, groups, consumers and pending entries; fixed IDs and times. */
    public static void populate(RawClient c) throws IOException {
        List<String[]> cmds = new ArrayList<>();
        cmds.add(new String[] {"XADD", "s", "1-1", "a", "1", "b", "2"});
        cmds.add(new String[] {"XADD", "s", "1-2", "a", "3", "b", "4"});
        cmds.add(new String[] {"XADD", "s", "2-1", "c", "-5"});
        cmds.add(new String[] {"XADD", "s", "3-1", "a", "7", "b", "8"});
        cmds.add(new String[] {"XADD", "s", "18446744073709551615-5", "big", "99"});
        cmds.add(new String[] {"XDEL", "s", "1-2"});
        cmds.add(new String[] {"XGROUP", "CREATE", "s", "g", "0"});
        cmds.add(new String[] {"XGROUP", "CREATE", "s", "g2", "$", "ENTRIESREAD", "3"});
        cmds.add(new String[] {"XGROUP", "CREATE", "s", "g3", "0", "ENTRIESREAD", "-1"});
        cmds.add(new String[] {"XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"});
        cmds.add(new String[] {"XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"});
        cmds.add(new String[] {"XGROUP", "CREATECONSUMER", "s", "g", "carol"});
        cmds.add(new String[] {"XCLAIM", "s", "g", "bob", "0", "1-1", "TIME", "1700000000000", "RETRYCOUNT", "5",
            "JUSTID"});
        cmds.add(new String[] {"XGROUP", "CREATE", "empty", "g", "0", "MKSTREAM"});
        cmds.add(new String[] {"XADD", "tomb", "1-1", "a", "b"});
        cmds.add(new String[] {"XDEL", "tomb", "1-1"});
        cmds.add(new String[] {"XSETID", "tomb", "5-5", "ENTRIESADDED", "9", "MAXDELETEDID", "2-2"});
        for (int i = 1; i < 260; i++) {
            cmds.add(new String[] {"XADD", "big", i + "-0", "field" + (i % 2), String.valueOf(i * 13), "name",
                "value" + "z".repeat(i % 50)});
        }
        cmds.add(new String[] {"XDEL", "big", "5-0", "150-0", "259-0"});
        cmds.add(new String[] {"XTRIM", "big", "MAXLEN", "200"});
        cmds.add(new String[] {"XADD", "wide", "1-0", "f", "q".repeat(5000)});
        cmds.add(new String[] {"XADD", "wide", "2-0", "f", "1234567890123"});
        cmds.add(new String[] {"XADD", "wide", "3-0", "f", "-17", "g", "3.5"});
        // Trimmed to tombstones only, then set back below them: new entries follow the tombstones in their node.
        cmds.add(new String[] {"XADD", "tangled", "5-0", "a", "1"});
        cmds.add(new String[] {"XADD", "tangled", "18446744073709551615-0", "a", "2"});
        cmds.add(new String[] {"XDEL", "tangled", "18446744073709551615-0"});
        cmds.add(new String[] {"XTRIM", "tangled", "MINID", "6-0"});
        cmds.add(new String[] {"XSETID", "tangled", "1"});
        cmds.add(new String[] {"XADD", "tangled", "2-0", "a", "3"});
        cmds.add(new String[] {"XADD", "tangled", "3-0", "a", "4"});
        cmds.add(new String[] {"XADD", "tangled", "4-0", "a", "5"});
        cmds.add(new String[] {"XDEL", "tangled", "3-0"});
        for (String[] cmd : cmds) {
            byte[] r = raw(c, cmd);
            assertTrue(r[0] != '-', String.join(" ", cmd) + ": " + new String(r, StandardCharsets.UTF_8));
        }
    }

    public static byte[] raw(RawClient c, String... args) throws IOException {
        return c.callRaw(RawClient.args(args));
    }

    /** Everything a stream holds, times included (RDB and DUMP keep them): XINFO STREAM FULL with all entries. */
    public static Map<String, String> state(RawClient c) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : KEYS) {
            m.put(k, new String(raw(c, "XINFO", "STREAM", k, "FULL", "COUNT", "0"), StandardCharsets.ISO_8859_1));
            m.put(k + " type", new String(raw(c, "TYPE", k), StandardCharsets.ISO_8859_1));
        }
        return m;
    }

    /**
     * What survives an AOF reload, which rebuilds the nodes without tombstones and sets consumers' seen-time and
     * idle times to the load: entries, counters, groups and pending entries.
     */
    public static Map<String, String> logicalState(RawClient c) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : KEYS) {
            m.put(k, new String(raw(c, "XINFO", "STREAM", k), StandardCharsets.ISO_8859_1)
                    .replaceAll("\\$1[56]\r\nradix-tree-(keys|nodes)\r\n:\\d+\r\n", ""));
            m.put(k + " range", new String(raw(c, "XRANGE", k, "-", "+"), StandardCharsets.ISO_8859_1));
            m.put(k + " groups", new String(raw(c, "XINFO", "GROUPS", k), StandardCharsets.ISO_8859_1));
        }
        m.put("pending", new String(raw(c, "XPENDING", "s", "g"), StandardCharsets.ISO_8859_1));
        return m;
    }
}
