package io.jredis.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.log.Log;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TempPaths;
import io.jredis.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * CONFIG SET of every parameter real redis-server 7.0.15 lists, with many value shapes, must get the same reply
 * (OK or the exact error) and leave the same CONFIG GET value as on Redis. Each successful set is undone on both
 * servers so cases stay independent.
 */
class ConfigSetSweepTest {
    /**
     * Parameters the sweep leaves alone because changing them would break the harness or the test JVM, not because
     * jredis differs: the listening sockets (port, bind, tls-port and the TLS files it needs), the password of the
     * connection in use, files written where they should not be (appendonly starts an AOF rewrite), and
     * oom-score-adj, which on the in-process server sets the test JVM's own OOM score.
     */
    private static final Set<String> EXCLUDED = Set.of("port", "bind", "tls-port", "requirepass", "appendonly",
            "oom-score-adj", "tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file",
            "tls-client-key-file", "tls-client-key-file-pass", "tls-ca-cert-file", "tls-ca-cert-dir",
            "tls-dh-params-file", "tls-protocols", "tls-ciphers", "tls-ciphersuites", "tls-auth-clients",
            "tls-replication", "tls-cluster", "tls-prefer-server-ciphers", "tls-session-caching",
            "tls-session-cache-size", "tls-session-cache-timeout");

    /** Parameters listed only when asked for by name. */
    private static final List<String> HIDDEN = List.of("use-exit-on-panic", "rdb-key-save-delay", "key-load-delay",
            "watchdog-period", "loading-process-events-interval-bytes", "lua-enable-deprecated-api");

    /**
     * Value shapes tried on every parameter (its current value is tried too). Those with a NUL byte check that values
     * are read as C strings where Redis does so. A normal-class output buffer limit is never set below a reply's
     * size: Redis would close the sweeping connection.
     */
    static final List<String> SHAPES = List.of("", "yes", "no", "YES", "0", "-1", "1",
            "99999999999999999999", "1.5", "-0", "1k", "1kb", "1K", "1gb", "1GB", "1m", "5mb", "1gB", "1b", "1x",
            "10%", "-10%", "allkeys-lru", "bogus", "1 2", "a b c", " 1", "1 ", " yes ", "0x10", "+5", "1\n2",
            "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615",
            "18446744073709551616", "65535", "65536", "100", "1000000", "1048576", "1048575", "777", "0777", "1000",
            "101%", "100%", "0%", "%", "1 1", "900 1 300 10", "3600", "local", "relative", "absolute",
            "0 200 800", "0 0 0", "-1000 0 1000", "1001 0 0", "now", "force", "save", "nosave default",
            "KEA", "Ex", "xyz", "50 99.9", "0 100", "101", "-1.5", "1e2", "{title}", "{bogus}", "abc-def.gh",
            "a_b", "hostname", "ip", "unknown-endpoint", "clients", "panic", "allchannels", "systemd", "warning",
            "swapdb", "everysec", "always", "normal 0 0 0", "pubsub 1mb 1mb 60", "bogus 0 0 0", "replica 1 2",
            "normal 0 0 0 pubsub 1 2 3", "normal 1mb 2mb 3", "127.0.0.2", "a\0b", "0-3", "0,2",
            "yes\0x", "1\0x", "1kb\0x", "allkeys-lru\0x", "10%\0x", "900 1\0x",
            "everysec\0", "Ex\0g", "pubsub 1mb 1mb 60\0x", "50\0 99");

    /**
     * Values not tried on one parameter: Redis sizes its event loop to maxclients, so a huge value makes it allocate
     * gigabytes (and answer only after seconds).
     */
    private static final Map<String, Predicate<String>> SKIPPED_VALUES = Map.of(
            "maxclients", v -> v.length() >= 7 && v.chars().allMatch(Character::isDigit));

    /**
     * Deliberate differences: reply prefix (the command, with NUL shown as \\0) and why. The Debian redis-server
     * links the system jemalloc, without the defragmentation hooks, and refuses activedefrag yes; Redis built from
     * its own source (the official images) accepts it, so jredis, which has nothing to defragment, accepts it too
     * rather than refuse a redis.conf that works there.
     */
    private static final Map<String, String> ALLOWED = Map.of(
            "CONFIG SET activedefrag yes", "accepted as by a Redis built with its bundled jemalloc",
            "CONFIG SET activedefrag YES", "accepted as by a Redis built with its bundled jemalloc",
            "CONFIG SET activedefrag yes\\0x", "accepted as by a Redis built with its bundled jemalloc");

    @Test
    void everyParameterWithEveryValueShapeMatchesRealRedis() throws Exception {
        List<String> diffs = new ArrayList<>();
        try (RealRedis real = RealRedis.start();
                TestServer ours = beside(real);
                RawClient r = new RawClient("127.0.0.1", real.port());
                RawClient j = new RawClient(ours.host(), ours.port())) {
            for (RawClient c : List.of(r, j)) {
                c.call("CLIENT", "NO-EVICT", "on");
            }
            for (String name : sweptNames(r)) {
                Object got = r.call("CONFIG", "GET", name);
                String original = RawClient.text(((List<?>) got).get(1));
                List<String[]> cmds = new ArrayList<>();
                List<String> values = new ArrayList<>(SHAPES);
                values.add(original);
                for (String value : values) {
                    if (!SKIPPED_VALUES.getOrDefault(name, v -> false).test(value)) {
                        cmds.add(new String[] {"CONFIG", "SET", name, value});
                    }
                }
                cmds.add(new String[] {"CONFIG", "SET", name.toUpperCase(), original});
                diff(cmds, run(r, name, original, cmds), run(j, name, original, cmds), diffs);
            }
        }
        assertEquals("", String.join("\n", diffs));
    }

    /**
     * CONFIG REWRITE after setting each parameter to values Redis accepts (up to two per parameter, read back
     * differently): both servers started from an empty file with the same options must write the same lines.
     */
    @Test
    void rewriteOfAcceptedValuesMatchesRealRedis() throws Exception {
        Path tmp = TempPaths.dir("config-rewrite-sweep");
        Path theirs = Files.writeString(tmp.resolve("real.conf"), "");
        Path mine = Files.writeString(tmp.resolve("ours.conf"), "");
        List<String> diffs = new ArrayList<>();
        try (RealRedis real = RealRedis.startWithConfig(theirs);
                RawClient r = new RawClient("127.0.0.1", real.port())) {
            ServerConfig cfg = new ServerConfig();
            new ConfigFile(cfg).load(ConfigFile.CommandLine.parse(List.of(mine.toString(), "--port", "0", "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", real.dir().toRealPath().toString(),
                    "--daemonize", "no", "--loglevel", "warning")), null);
            try (RedisServer ours = new RedisServer(cfg, Log.silent())) {
                ours.start();
                try (RawClient j = new RawClient("127.0.0.1", ours.port())) {
                    for (RawClient c : List.of(r, j)) {
                        c.call("CLIENT", "NO-EVICT", "on");
                    }
                    for (String name : sweptNames(r)) {
                        String original = RawClient.text(((List<?>) r.call("CONFIG", "GET", name)).get(1));
                        for (String value : acceptedValues(r, name, original)) {
                            for (RawClient c : List.of(r, j)) {
                                c.call("CONFIG", "SET", name, value);
                                c.call("CONFIG", "REWRITE");
                            }
                            String expected = sortedLines(Files.readString(theirs, StandardCharsets.ISO_8859_1));
                            String actual = sortedLines(Files.readString(mine, StandardCharsets.ISO_8859_1));
                            if (!expected.equals(actual)) {
                                diffs.add("CONFIG SET " + name + " " + value.replace("\0", "\\0")
                                        + " then REWRITE:\n  redis:  " + expected + "\n  jredis: " + actual);
                            }
                            for (RawClient c : List.of(r, j)) {
                                c.call("CONFIG", "SET", name, original);
                            }
                        }
                    }
                }
            }
        } finally {
            TempPaths.delete(tmp);
        }
        assertEquals("", String.join("\n", diffs));
    }

    /** The parameters the sweeps set: CONFIG GET * and the hidden ones, less {@link #EXCLUDED}. */
    private static Set<String> sweptNames(RawClient r) throws IOException {
        Set<String> names = new TreeSet<>();
        List<?> all = (List<?>) r.call("CONFIG", "GET", "*");
        for (int i = 0; i < all.size(); i += 2) {
            names.add(RawClient.text(all.get(i)));
        }
        names.addAll(HIDDEN);
        names.removeAll(EXCLUDED);
        return names;
    }

    /** Up to two of {@link #SHAPES} that Redis accepts for {@code name}, each read back as a different value. */
    private static List<String> acceptedValues(RawClient r, String name, String original) throws IOException {
        List<String[]> cmds = new ArrayList<>();
        for (String v : SHAPES) {
            if (!SKIPPED_VALUES.getOrDefault(name, x -> false).test(v)) {
                cmds.add(new String[] {"CONFIG", "SET", name, v});
            }
        }
        List<String> replies = run(r, name, original, cmds);
        List<String> values = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < cmds.size() && values.size() < 2; i++) {
            if (replies.get(3 * i).equals("+OK\\r\\n") && seen.add(replies.get(3 * i + 1))) {
                values.add(cmds.get(i)[3]);
            }
        }
        return values;
    }

    /** A rewritten file's lines, sorted (Redis appends new ones in hash order), the port hidden. */
    private static String sortedLines(String text) {
        List<String> lines = new ArrayList<>(List.of(text.replaceAll("(?m)^port \\d+$", "port N").split("\n")));
        lines.sort(null);
        return String.join("\\n", lines);
    }

    /** A maxclients over the open-files limit is lowered at start-up, to the same value as Redis lowers it. */
    @Test
    void startUpLowersMaxclientsToTheOpenFilesLimitAsRedisDoes() throws Exception {
        try (RealRedis real = RealRedis.start("--maxclients", "1000000");
                TestServer ours = TestServer.start("maxclients", "1000000");
                RawClient r = new RawClient("127.0.0.1", real.port());
                RawClient j = new RawClient(ours.host(), ours.port())) {
            assertEquals(show(r.callRaw(RawClient.args("CONFIG", "GET", "maxclients"))),
                    show(j.callRaw(RawClient.args("CONFIG", "GET", "maxclients"))));
        }
    }

    /**
     * The protected parameters (dir, dbfilename) with enable-protected-configs yes; the directory values are made
     * relative to, or inside, a temporary directory so the servers write nowhere else.
     */
    @Test
    void protectedParametersWhenAllowedMatchRealRedis() throws Exception {
        List<String> diffs = new ArrayList<>();
        try (RealRedis real = RealRedis.start("--enable-protected-configs", "yes");
                TestServer ours = TestServer.start("save", "", "appendonly", "no", "loglevel", "warning", "dir",
                        real.dir().toRealPath().toString(), "enable-protected-configs", "yes");
                RawClient r = new RawClient("127.0.0.1", real.port());
                RawClient j = new RawClient(ours.host(), ours.port())) {
            Path base = real.dir().toRealPath();
            Files.createDirectories(base.resolve("sub/inner"));
            Files.writeString(base.resolve("file"), "x");
            Map<String, List<String>> values = Map.of(
                    "dir", List.of("", "sub", "sub/inner", "sub/../sub", base + "/sub/", "nonexistent", "file",
                            "/nonexistent/dir", "sub\0x", "sub/inner/../../sub"),
                    "dbfilename", List.of("", "x.rdb", "a/b", "/x.rdb", "x\0y", "..", " ", "dump.rdb"));
            for (Map.Entry<String, List<String>> e : values.entrySet()) {
                String name = e.getKey();
                String original = RawClient.text(((List<?>) r.call("CONFIG", "GET", name)).get(1));
                List<String[]> cmds = new ArrayList<>();
                for (String v : e.getValue()) {
                    cmds.add(new String[] {"CONFIG", "SET", name, v});
                }
                diff(cmds, run(r, name, original, cmds), run(j, name, original, cmds), diffs);
            }
        }
        assertEquals("", String.join("\n", diffs));
    }

    /**
     * CONFIG SET bind, which rebinds the listeners (the sweeping connection stays): addresses that cannot be bound
     * must fail with Redis's error and leave the old ones.
     */
    @Test
    void bindMatchesRealRedis() throws Exception {
        List<String> diffs = new ArrayList<>();
        try (RealRedis real = RealRedis.start();
                TestServer ours = beside(real);
                RawClient r = new RawClient("127.0.0.1", real.port());
                RawClient j = new RawClient(ours.host(), ours.port())) {
            List<String[]> cmds = new ArrayList<>();
            for (String v : List.of("127.0.0.1", "bogus", "127.0.0.1 bogus", "-127.0.0.1", "127.0.0.1 127.0.0.1",
                    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", "127.0.0.1\0x", "256.0.0.1", "127.0.0.1  ")) {
                cmds.add(new String[] {"CONFIG", "SET", "bind", v});
            }
            diff(cmds, run(r, "bind", "127.0.0.1", cmds), run(j, "bind", "127.0.0.1", cmds), diffs);
        }
        assertEquals("", String.join("\n", diffs));
    }

    /** CONFIG GET with patterns, aliases, several arguments and odd case, compared as name/value sets. */
    @Test
    void configGetPatternsMatchRealRedis() throws Exception {
        List<String[]> patterns = List.of(new String[] {"SLAVE*"}, new String[] {"*max*ziplist*"},
                new String[] {"Hz"}, new String[] {"hz", "HZ"}, new String[] {"[hz]z"}, new String[] {"maxmemory*"},
                new String[] {"bogus"}, new String[] {"*-ignore-*"}, new String[] {"replica*", "slave*"},
                new String[] {"hz", "h?"}, new String[] {"*"}, new String[] {"save", "SAVE", "s*e"},
                new String[] {"watchdog-period"}, new String[] {"watchdog*"}, new String[] {""},
                new String[] {"\\h\\z"}, new String[] {"[^h]z"}, new String[] {"lua-time-limit", "busy*"});
        List<String> diffs = new ArrayList<>();
        try (RealRedis real = RealRedis.start();
                TestServer ours = beside(real);
                RawClient r = new RawClient("127.0.0.1", real.port());
                RawClient j = new RawClient(ours.host(), ours.port())) {
            for (String[] p : patterns) {
                String[] cmd = config("GET", p);
                Object rg = r.call(cmd);
                Object jg = j.call(cmd);
                Map<String, String> rm = pairs(rg);
                Map<String, String> jm = pairs(jg);
                rm.remove("port");
                jm.remove("port");
                if (!rm.equals(jm)) {
                    diffs.add(String.join(" ", cmd) + " => redis " + rm + " | jredis " + jm);
                }
            }
        }
        assertEquals("", String.join("\n", diffs));
    }

    private static Map<String, String> pairs(Object reply) {
        Map<String, String> m = new TreeMap<>();
        if (reply instanceof List<?> l) {
            for (int i = 0; i + 1 < l.size(); i += 2) {
                m.put(RawClient.text(l.get(i)), RawClient.text(l.get(i + 1)));
            }
        } else {
            m.put("(not an array)", RawClient.text(reply));
        }
        return m;
    }

    /** CONFIG SET with several parameters: all or nothing, duplicates through aliases, odd argument counts. */
    private static final String[][] MULTI = {
            {"maxmemory-samples", "7", "hz", "20"},
            {"maxmemory-samples", "7", "hz", "20", "timeout", "bogus"},
            {"maxmemory-samples", "7", "bogus-name", "1", "hz", "20"},
            {"maxmemory-samples", "7", "maxmemory-samples", "8"},
            {"replica-read-only", "no", "slave-read-only", "yes"},
            {"hash-max-ziplist-entries", "7", "HASH-MAX-LISTPACK-ENTRIES", "8"},
            {"Hash-Max-Ziplist-Entries", "7", "slave-priority", "5"},
            {"maxmemory-samples", "7", "databases", "4"},
            {"maxmemory-samples", "7", "dir", "/tmp"},
            {"maxmemory-samples", "7", "enable-debug-command", "yes"},
            {"maxmemory-samples", "7", "save", "1 1", "appendfsync", "always", "maxmemory", "10mb"},
            {"save", "1 1 bogus", "maxmemory", "10mb"},
            {"maxmemory", "10mb", "maxmemory-policy", "allkeys-lru", "notify-keyspace-events", "Q"},
            {"notify-keyspace-events", "KEA", "client-output-buffer-limit", "normal 1mb 1mb 1 bogus 0 0 0"},
            {"enable-protected-configs", "yes"},
            {"maxmemory-samples", "7", "hz"},
            {"maxmemory-samples"},
            {"bogus-name", "1", "databases", "4"},
            {"databases", "4", "bogus-name", "1"},
            {"databases", "4", "dir", "/tmp"},
            {"dir", "/tmp", "databases", "4"},
            {"hz", "20", "hz", "bogus"},
    };

    @Test
    void multiParameterSetsMatchRealRedis() throws Exception {
        List<String> diffs = new ArrayList<>();
        try (RealRedis real = RealRedis.start();
                TestServer ours = beside(real);
                RawClient r = new RawClient("127.0.0.1", real.port());
                RawClient j = new RawClient(ours.host(), ours.port())) {
            for (String[] pairs : MULTI) {
                String[] cmd = config("SET", pairs);
                List<String> names = new ArrayList<>();
                for (int i = 0; i < pairs.length; i += 2) {
                    names.add(pairs[i]);
                }
                List<String> originals = new ArrayList<>();
                for (String name : names) {
                    Object got = r.call("CONFIG", "GET", name);
                    originals.add(((List<?>) got).isEmpty() ? null : RawClient.text(((List<?>) got).get(1)));
                }
                String what = String.join(" ", cmd);
                String rs = show(r.callRaw(RawClient.args(cmd)));
                String js = show(j.callRaw(RawClient.args(cmd)));
                if (!rs.equals(js)) {
                    diffs.add(what + " => redis " + rs + " | jredis " + js);
                }
                for (int i = 0; i < names.size(); i++) {
                    String rg = show(r.callRaw(RawClient.args("CONFIG", "GET", names.get(i))));
                    String jg = show(j.callRaw(RawClient.args("CONFIG", "GET", names.get(i))));
                    if (!rg.equals(jg)) {
                        diffs.add(what + " then GET " + names.get(i) + " => redis " + rg + " | jredis " + jg);
                    }
                    if (originals.get(i) != null) {
                        for (RawClient c : List.of(r, j)) {
                            c.call("CONFIG", "SET", names.get(i), originals.get(i));
                        }
                    }
                }
            }
        }
        assertEquals("", String.join("\n", diffs));
    }

    /** Adds to {@code diffs} each command whose reply or following CONFIG GET differs (see {@link #run}). */
    private static void diff(List<String[]> cmds, List<String> rr, List<String> jr, List<String> diffs) {
        for (int i = 0; i < cmds.size(); i++) {
            String what = String.join(" ", cmds.get(i)).replace("\n", "\\n").replace("\0", "\\0");
            if (ALLOWED.containsKey(what)) {
                continue;
            }
            if (!rr.get(3 * i).equals(jr.get(3 * i))) {
                diffs.add(what + " => redis " + rr.get(3 * i) + " | jredis " + jr.get(3 * i));
            }
            if (!rr.get(3 * i + 1).equals(jr.get(3 * i + 1))) {
                diffs.add(what + " then GET => redis " + rr.get(3 * i + 1) + " | jredis " + jr.get(3 * i + 1));
            }
        }
    }

    /** Sends each command followed by CONFIG GET and a restoring CONFIG SET, pipelined; returns the three replies. */
    private static List<String> run(RawClient c, String name, String original, List<String[]> cmds)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String[] cmd : cmds) {
            out.writeBytes(RawClient.encode(RawClient.args(cmd)));
            out.writeBytes(RawClient.encode(RawClient.args("CONFIG", "GET", name)));
            out.writeBytes(RawClient.encode(RawClient.args("CONFIG", "SET", name, original)));
        }
        c.send(out.toByteArray());
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < 3 * cmds.size(); i++) {
            replies.add(show(c.readRaw()));
        }
        return replies;
    }

    private static String show(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n").replace("\n", "\\n");
    }

    /** {@code CONFIG <sub> args...} as one argv. */
    private static String[] config(String sub, String[] args) {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "CONFIG";
        cmd[1] = sub;
        System.arraycopy(args, 0, cmd, 2, args.length);
        return cmd;
    }

    /** A jredis server configured as the sweeps' redis-server, in its directory. */
    private static TestServer beside(RealRedis real) throws Exception {
        return TestServer.start("save", "", "appendonly", "no", "loglevel", "warning", "dir",
                real.dir().toRealPath().toString());
    }
}
