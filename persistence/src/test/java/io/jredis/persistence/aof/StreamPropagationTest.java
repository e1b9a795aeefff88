package io.jredis.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.persistence.StreamData;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What stream commands write to the AOF (and so to replicas) is what redis-server 7.0.15 writes: generated IDs,
 * "~" trimming rewritten to "=" with the bound reached, XREADGROUP/XCLAIM/XAUTOCLAIM as XCLAIM and XGROUP SETID
 * (wrapped in MULTI/EXEC when more than one), nothing for failed or no-op commands.
 */
class StreamPropagationTest {
    private static final String[][] COMMANDS = {
        {"XADD", "s", "1-1", "a", "1"}, {"XADD", "s", "1-*", "a", "2"}, {"XADD", "s", "5", "a", "3"},
        {"XADD", "s", "MAXLEN", "~", "1", "6-*", "a", "4"}, {"XADD", "s", "MAXLEN", "=", "100", "7-1", "a", "5"},
        {"XADD", "s", "MINID", "~", "0", "LIMIT", "5", "8-1", "a", "6"}, {"XTRIM", "s", "MAXLEN", "~", "0"},
        {"XTRIM", "s", "MAXLEN", "3"}, {"XTRIM", "s", "MINID", "6"}, {"XDEL", "s", "7-1", "99-1"},
        {"XSETID", "s", "10-0", "ENTRIESADDED", "20", "MAXDELETEDID", "9-0"}, {"XGROUP", "CREATE", "s", "g", "0"},
        {"XGROUP", "CREATE", "s", "g2", "$", "ENTRIESREAD", "2"}, {"XGROUP", "CREATE", "k", "g", "$", "MKSTREAM"},
        {"XADD", "s", "11-1", "b", "1"}, {"XADD", "s", "12-1", "b", "2"},
        {"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"}, {"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0"},
        {"XREADGROUP", "GROUP", "g2", "c2", "NOACK", "COUNT", "1", "STREAMS", "s", ">"},
        {"XREADGROUP", "GROUP", "g2", "c2", "NOACK", "STREAMS", "s", ">"},
        {"XREADGROUP", "GROUP", "g2", "c3", "NOACK", "STREAMS", "s", ">"}, {"XACK", "s", "g", "11-1", "99-1"},
        {"XCLAIM", "s", "g", "c9", "0", "12-1", "JUSTID", "TIME", "12345"},
        {"XCLAIM", "s", "g", "c9", "0", "12-1", "LASTID", "50-0", "TIME", "12345"},
        {"XCLAIM", "s", "g", "c9", "0", "99-1", "LASTID", "60-0"}, {"XAUTOCLAIM", "s", "g", "c8", "0", "0", "JUSTID"},
        {"XGROUP", "SETID", "s", "g", "3", "ENTRIESREAD", "1"}, {"XGROUP", "CREATECONSUMER", "s", "g", "c7"},
        {"XGROUP", "DELCONSUMER", "s", "g", "c8"}, {"XGROUP", "DESTROY", "s", "g2"},
        {"XADD", "s", "NOMKSTREAM", "13-1", "a", "b"}, {"XADD", "nos", "NOMKSTREAM", "13-1", "a", "b"},
        {"XADD", "s", "1-1", "too", "small"}, {"XDEL", "s", "99-9"}, {"XTRIM", "s", "MAXLEN", "~", "100"},
    };
    private static final Pattern UNIX_MS = Pattern.compile("^1\\d{12}$");

    @Test
    void aofRecordsWhatRedisRecords(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        List<String> ours;
        try (AofServer s = AofServer.start(dir, "appendonly", "yes", "appendfsync", "always");
                RawClient c = new RawClient("127.0.0.1", s.port())) {
            run(c);
            ours = incr(dir);
        }
        List<String> theirs;
        try (RealRedis r = RealRedis.start("--appendonly", "yes", "--appendfsync", "always");
                RawClient c = new RawClient("127.0.0.1", r.port())) {
            run(c);
            theirs = incr(r.dir());
        }
        assertEquals(String.join("\n", theirs), String.join("\n", ours));
    }

    private static void run(RawClient c) throws Exception {
        for (String[] cmd : COMMANDS) {
            StreamData.raw(c, cmd);
        }
        StreamData.raw(c, "SET", "end", "marker");
    }

    /** The commands of the incremental AOF, once the final marker is in it; times of day blanked. */
    private static List<String> incr(Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        for (List<String> argv : incrCommands(dir, List.of("SET", "end", "marker"))) {
            out.add(String.join(" ", argv.stream().map(a -> UNIX_MS.matcher(a).matches() ? "<time>" : a).toList()));
        }
        return out;
    }

    /**
     * The commands of the incremental AOF files in {@code dir}, each as its arguments, once the last of them is
     * {@code last} (the server may write its AOF after it replied).
     */
    static List<List<String>> incrCommands(Path dir, List<String> last) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            List<List<String>> cmds = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir.resolve("appendonlydir"))) {
                for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".incr.aof")).sorted().toList()) {
                    cmds.addAll(parse(Files.readAllBytes(p)));
                }
            }
            if (!cmds.isEmpty() && cmds.get(cmds.size() - 1).equals(last)) {
                return cmds;
            }
            assertTrue(System.nanoTime() < deadline, "AOF incomplete: " + cmds);
            Thread.onSpinWait();
        }
    }

    private static List<List<String>> parse(byte[] data) {
        List<List<String>> out = new ArrayList<>();
        String s = new String(data, StandardCharsets.ISO_8859_1);
        int i = 0;
        while (i < s.length() && s.charAt(i) == '*') {
            int eol = s.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int n = Integer.parseInt(s.substring(i + 1, eol));
            i = eol + 2;
            List<String> argv = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                eol = s.indexOf("\r\n", i);
                int len = Integer.parseInt(s.substring(i + 1, eol));
                argv.add(s.substring(eol + 2, eol + 2 + len));
                i = eol + 2 + len + 2;
            }
            out.add(argv);
        }
        return out;
    }
}
