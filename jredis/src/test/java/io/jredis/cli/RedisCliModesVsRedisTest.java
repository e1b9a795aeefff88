package io.jredis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jredis.EmbeddedRedis;
import io.jredis.server.protocol.Reply;
import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TempPaths;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * redis-cli's special modes run against jredis and against redis-server 7.0.15 holding the same dataset (strings,
 * integers, lists, hashes, sets, sorted sets, streams, small and big, three databases, keys with a TTL): what each
 * mode prints must be the same once the figures that are timing, memory or randomness are masked. Each mask says
 * why it is there. Every command a test sends goes to both servers in the same order, so their datasets stay equal
 * whatever order the tests run in; writes go to databases 8 and up, which no scanning mode looks at. Left out:
 * the interactive features, --intrinsic-latency (it measures the client's machine alone) and --lru-test (a load
 * generator whose figures are all timing).
 */
class RedisCliModesVsRedisTest {
    private static final String[] DIRECTIVES = {
        // --hotkeys needs an LFU policy. With maxmemory 0 Redis shares the objects of the integers 0..9999 between
        // every key holding one, so those keys show one counter that the whole server bumps: an operator running
        // LFU sets a maxmemory, and so does this test.
        "maxmemory", "1gb", "maxmemory-policy", "allkeys-lfu",
        // Every access counts and nothing decays: LFU counters are exact numbers, not a coin toss.
        "lfu-log-factor", "0", "lfu-decay-time", "0",
        // --replica and --rdb get their payload at once instead of after Redis's 5 s wait for more replicas.
        "repl-diskless-sync-delay", "0",
        "enable-debug-command", "local",
    };
    private static final int WAIT_SECONDS = 20;

    private static String cli;
    private static String stdbuf;
    private static RealRedis redis;
    private static EmbeddedRedis jredis;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        cli = RealRedis.onPath("redis-cli");
        assumeTrue(cli != null, "redis-cli is not installed (apt-get install -y redis-tools); skipping its modes");
        stdbuf = RealRedis.onPath("stdbuf");
        assumeTrue(stdbuf != null, "stdbuf (coreutils) is not installed: redis-cli's endless modes need it");
        RealRedis.assumeInstalled();
        assumeTrue(RealRedis.onPath("redis-check-rdb") != null, "redis-check-rdb is not installed (apt-get install -y "
                + "redis-tools)");
        dir = TempPaths.dir("cli-modes");
        String[] options = DIRECTIVES.clone();
        EmbeddedRedis.Builder b = EmbeddedRedis.builder().setting("dir", dir.toString());
        for (int i = 0; i < DIRECTIVES.length; i += 2) {
            options[i] = "--" + DIRECTIVES[i];
            b.setting(DIRECTIVES[i], DIRECTIVES[i + 1]);
        }
        redis = RealRedis.start(options);
        jredis = b.build().start();
        for (int port : ports()) {
            load(port);
        }
    }

    @AfterAll
    static void stop() {
        if (jredis != null) {
            jredis.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static int[] ports() {
        return new int[] {redis.port(), jredis.port()};
    }

    /** The dataset, the same commands in the same order on each server. */
    private static void load(int port) throws IOException {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            List<String[]> cmds = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                cmds.add(new String[] {"SET", "str:" + i, "v".repeat(i * 3 + 1)});
            }
            for (int i = 0; i < 20; i++) {
                cmds.add(new String[] {"SET", "int:" + i, Integer.toString(i * 1000)});
            }
            cmds.add(new String[] {"SET", "bigstr", "x".repeat(20_000)});
            cmds.add(new String[] {"SET", "bin\u0000\u00ffkey", "v"});
            cmds.add(new String[] {"SET", "sp ace", "v"});
            cmds.add(new String[] {"SET", "quo\"te", "v"});
            for (int i = 0; i < 5; i++) {
                cmds.add(collection("RPUSH", "list:" + i, i * 10 + 1, j -> "e" + j));
                cmds.add(collection("HSET", "hash:" + i, i * 5 + 1, j -> "f" + j + " v" + j));
                cmds.add(collection("SADD", "set:" + i, i * 4 + 1, j -> "m" + j));
                cmds.add(collection("ZADD", "zset:" + i, i * 6 + 1, j -> j + ".5 z" + j));
            }
            cmds.add(collection("RPUSH", "biglist", 300, j -> "item" + j));
            cmds.add(collection("HSET", "bighash", 200, j -> "field" + j + " value" + j));
            cmds.add(collection("SADD", "intset", 100, Integer::toString));
            cmds.add(collection("SADD", "bigset", 500, j -> "member" + j));
            cmds.add(collection("ZADD", "bigzset", 400, j -> j + " zm" + j));
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j <= i * 5; j++) {
                    cmds.add(new String[] {"XADD", "stream:" + i, (j + 1) + "-0", "f", "v" + j});
                }
            }
            for (int j = 0; j < 200; j++) {
                cmds.add(new String[] {"XADD", "bigstream", (j + 1) + "-1", "a", Integer.toString(j), "b", "c"});
            }
            cmds.add(new String[] {"XGROUP", "CREATE", "bigstream", "g1", "0"});
            cmds.add(new String[] {"XREADGROUP", "GROUP", "g1", "c1", "COUNT", "3", "STREAMS", "bigstream", ">"});
            for (int i = 0; i < 10; i++) {
                cmds.add(new String[] {"SET", "ttl:" + i, "v", "EX", Integer.toString(1000 + i)});
            }
            // Hot keys with counters apart from each other and from everything else: which of several keys with one
            // counter --hotkeys lists depends on the order SCAN meets them, and that is Redis's random hash seed.
            // The other tests read a few keys of database 0 a few times (each read adds one), never enough to
            // bring two of the top 16 together.
            for (int i = 0; i < 20; i++) {
                for (int n = 0; n < 40 + 4 * i; n++) {
                    cmds.add(new String[] {"GET", "str:" + i});
                }
            }
            cmds.add(new String[] {"SELECT", "1"});
            for (int i = 0; i < 7; i++) {
                // Sizes in distinct allocator classes: --memkeys's biggest string is one key, not a tie.
                cmds.add(new String[] {"SET", "db1:" + i, "v".repeat(8 << i)});
            }
            cmds.add(new String[] {"RPUSH", "db1list", "a", "b", "c"});
            cmds.add(new String[] {"SELECT", "5"});
            for (int i = 0; i < 3; i++) {
                cmds.add(collection("HSET", "db5:h" + i, i + 1, j -> "f" + j + " 1"));
            }
            cmds.add(new String[] {"FUNCTION", "LOAD", "#!lua name=mylib\n"
                    + "redis.register_function('myfunc', function(keys, args) return args[1] end)"});
            cmds.add(new String[] {"ACL", "SETUSER", "alice", "on", ">secret", "~str:*", "+get", "+set"});
            for (String[] cmd : cmds) {
                call(c, cmd);
            }
        }
    }

    private interface Element {
        String of(int i);
    }

    private static String[] collection(String cmd, String key, int n, Element element) {
        List<String> args = new ArrayList<>(List.of(cmd, key));
        for (int j = 0; j < n; j++) {
            Collections.addAll(args, element.of(j).split(" "));
        }
        return args.toArray(new String[0]);
    }

    // ---- the scanning modes ----

    /** The progress lines follow SCAN's order, which is Redis's random hash seed; the summary does not. */
    private static UnaryOperator<String> summaryOnly(Pattern progress) {
        return out -> {
            StringBuilder sb = new StringBuilder();
            boolean summary = false;
            for (String line : out.split("\n", -1)) {
                summary |= line.startsWith("-------- summary");
                if (!summary && line.startsWith("[")) {
                    assertTrue(progress.matcher(line).matches(), line);
                } else {
                    sb.append(line).append('\n');
                }
            }
            return sb.toString();
        };
    }

    private static final Pattern BIG_PROGRESS =
            Pattern.compile("\\[\\d+\\.\\d\\d%] Biggest +\\w+ +found so far '\".*\"' with \\d+ \\w+");

    @Test
    void bigkeys() throws Exception {
        UnaryOperator<String> n = summaryOnly(BIG_PROGRESS);
        String out = compare(n, null, "--bigkeys");
        assertTrue(out.contains("Biggest stream found '\"bigstream\"' has 200 entries"), out);
        compare(n, null, "--bigkeys", "-n", "1");
        compare(n, null, "--bigkeys", "-n", "5");
        compare(n, null, "--bigkeys", "-n", "9");
        compare(n, null, "--bigkeys", "--pattern", "str:*");
        compare(n, null, "--bigkeys", "-i", "0.01");
    }

    /**
     * MEMORY USAGE is jredis's estimate of the JVM heap a key takes, not jemalloc's allocation sizes, so the byte
     * figures are masked; which key is the biggest of each type, the counts and the shares of keys are not.
     */
    @Test
    void memkeys() throws Exception {
        UnaryOperator<String> summary = summaryOnly(Pattern.compile(
                "\\[\\d+\\.\\d\\d%] Biggest +\\w+ +found so far '\".*\"' with \\d+ bytes"));
        UnaryOperator<String> n = s -> summary.apply(s).replaceAll("has \\d+ bytes", "has N bytes")
                .replaceAll("with \\d+ bytes \\(", "with N bytes (")
                .replaceAll("avg size \\d+\\.\\d\\d\\)", "avg size N)");
        String out = compare(n, null, "--memkeys");
        assertTrue(out.contains("Biggest   zset found '\"bigzset\"' has N bytes"), out);
        compare(n, null, "--memkeys", "--memkeys-samples", "10");
        compare(n, null, "--memkeys", "--memkeys-samples", "0");
        compare(n, null, "--memkeys", "-n", "1");
    }

    @Test
    void hotkeys() throws Exception {
        UnaryOperator<String> n = summaryOnly(
                Pattern.compile("\\[\\d+\\.\\d\\d%] Hot key '\".*\"' found so far with counter \\d+"));
        String out = compare(n, null, "--hotkeys");
        // Counters only: --bigkeys reads every key (STRLEN, LLEN...) and so adds one to each when it runs first.
        assertTrue(out.contains("\tkeyname: \"bigstream\"\nhot key found with counter: "), out);
        assertTrue(out.contains("\tkeyname: \"str:19\"\nhot key found with counter: "), out);
        // Without an LFU policy: the error, after the banner, and exit status 1. No key is read meanwhile (OBJECT
        // FREQ fails on the first), so switching back leaves the counters as they were.
        configSet("maxmemory-policy", "volatile-lru");
        try {
            out = compare(UnaryOperator.identity(), null, "--hotkeys");
            assertTrue(out.contains("ERR An LFU maxmemory policy is not selected"), out);
        } finally {
            configSet("maxmemory-policy", "allkeys-lfu");
        }
    }

    /** SCAN's order is Redis's random hash seed: the keys are compared sorted. */
    @Test
    void scan() throws Exception {
        UnaryOperator<String> sorted = out -> {
            List<String> lines = new ArrayList<>(List.of(out.split("\n")));
            Collections.sort(lines);
            return String.join("\n", lines);
        };
        String out = compare(sorted, null, "--scan");
        assertTrue(out.contains("\nbigstream\n"), out);
        compare(sorted, null, "--scan", "--pattern", "str:1*");
        compare(sorted, null, "--scan", "--pattern", "*list*", "-i", "0.01");
        compare(sorted, null, "--scan", "--quoted-pattern", "\"bin\\x00*\"");
        compare(sorted, null, "--scan", "--quoted-pattern", "\"sp ace\"");
        compare(sorted, null, "-n", "1", "--scan");
        compare(sorted, null, "-n", "5", "--scan", "--pattern", "*h1");
        // 7.0.15's redis-cli has no --count: the same usage error whatever the server.
        out = compare(sorted, null, "--scan", "--count", "5");
        assertTrue(out.contains("Unrecognized option or bad number of args for: '--count'"), out);
    }

    // ---- the endless modes ----

    /**
     * Memory is masked as in {@link #memkeys}; the request and connection totals count what the harness and the
     * other tests sent, which differs between the servers' starts (RealRedis polls until redis-server is up).
     */
    @Test
    void stat() throws Exception {
        UnaryOperator<String> n = out -> out.replaceAll("(?m)^(\\d+ +)\\S+( +\\d+ +\\d+ +)\\d+ (\\(\\+\\d+\\) +)\\d+",
                "$1MEM$2REQ $3CONN");
        List<String> r;
        List<String> j;
        try (RawClient watcher = alone(redis.port())) {
            r = endless(redis.port(), lines -> lines.size() >= 4, null, "--stat", "-i", "0.05");
        }
        try (RawClient watcher = alone(jredis.port())) {
            j = endless(jredis.port(), lines -> lines.size() >= 4, null, "--stat", "-i", "0.05");
        }
        assertEquals(n.apply(String.join("\n", r.subList(0, 4))), n.apply(String.join("\n", j.subList(0, 4))));
        assertTrue(r.get(0).startsWith("------- data ------ ---"), r.toString());
    }

    /** Latency figures are timing: only the shape of each line is compared. */
    @Test
    void latency() throws Exception {
        UnaryOperator<String> shape = out -> out.replaceAll("\\d+(\\.\\d+)?", "N");
        String out = compare(shape, null, "--latency", "-i", "0.1");
        assertTrue(out.startsWith("exit=N\nN N N N\n"), out);
        compare(shape, null, "--latency", "-i", "0.1", "--raw");
        compare(shape, null, "--latency", "-i", "0.1", "--csv");
        // History: samples, then the range line; how many samples fit in the interval is timing.
        Predicate<List<String>> range = lines -> lines.stream().anyMatch(l -> l.contains("seconds range"));
        UnaryOperator<String> history = s -> shape.apply(s.substring(0, s.indexOf("seconds range")))
                .replaceAll("(N N N N\n)+", "N N N N\n");
        assertEquals(history.apply(endlessText(redis.port(), range, "--latency-history", "-i", "0.2")),
                history.apply(endlessText(jredis.port(), range, "--latency-history", "-i", "0.2")));
        // Distribution: the legend, then one spectrum line per interval whose colours are the timing.
        Predicate<List<String>> spectrum = lines -> lines.size() >= 9;
        UnaryOperator<String> dist = s -> String.join("\n", List.of(s.split("\n")).subList(0, 9))
                .replaceAll("\u001b\\[48;5;\\d+m", "C");
        String r = endlessText(redis.port(), spectrum, "--latency-dist", "-i", "0.1");
        assertEquals(dist.apply(r), dist.apply(endlessText(jredis.port(), spectrum, "--latency-dist", "-i", "0.1")));
        assertTrue(r.startsWith("---------------------------------------------\n. - * #"), r);
    }

    /** A replication ping comes once every repl-ping-replica-period seconds, wherever the stream then is. */
    private static final Pattern PING_LINE = Pattern.compile("(?m)^\"ping\"\n");

    @Test
    void replica() throws Exception {
        configSet("repl-ping-replica-period", "1");
        try {
            List<String> outs = new ArrayList<>();
            for (int port : ports()) {
                Predicate<List<String>> done = lines -> lines.contains("\"DEL\",\"r:1\"")
                        && lines.stream().anyMatch(l -> l.equalsIgnoreCase("\"ping\""));
                outs.add(String.join("\n", endless(port, done, c -> {
                    call(c, "SELECT", "9");
                    call(c, "SET", "r:1", "1");
                    call(c, "SET", "r:2", "v", "EX", "100");
                    call(c, "EVAL", "redis.call('incr', KEYS[1]); return redis.call('incr', KEYS[1])", "1", "r:1");
                    call(c, "MULTI");
                    call(c, "LPUSH", "r:3", "a", "b");
                    call(c, "INCRBYFLOAT", "r:4", "1.5");
                    call(c, "EXEC");
                    call(c, "FCALL", "myfunc", "0", "a");
                    call(c, "DEL", "r:1");
                }, "--replica")) + "\n");
            }
            // The payload's size differs with the servers' auxiliary fields; absolute expiry times are the clock's.
            UnaryOperator<String> n = s -> PING_LINE.matcher(s).replaceAll("")
                    .replaceAll("after \\d+ bytes", "after N bytes").replaceAll("\"PXAT\",\"\\d+\"", "\"PXAT\",T");
            assertEquals(n.apply(outs.get(0)), n.apply(outs.get(1)));
            // redis-cli reads one reply after its REPLCONF ACK, which swallows the stream's first command (SELECT).
            assertTrue(outs.get(0).contains("sending REPLCONF ACK 0\n\"SET\",\"r:1\",\"1\"\n"), outs.get(0));
        } finally {
            configSet("repl-ping-replica-period", "10");
        }
    }

    @Test
    void monitorAndSubscribe() throws Exception {
        UnaryOperator<String> n = s -> s.replaceAll("(?m)^\\d+\\.\\d+ \\[(\\d+) 127\\.0\\.0\\.1:\\d+]", "T [$1 ADDR]")
                .replaceAll("(?m)^\\d+\\.\\d+ \\[(\\d+) lua]", "T [$1 lua]");
        List<String> outs = new ArrayList<>();
        for (int port : ports()) {
            outs.add(String.join("\n", endless(port, lines -> lines.get(lines.size() - 1).endsWith("\"get\" \"mon\""),
                    c -> {
                        call(c, "SELECT", "10");
                        call(c, "SET", "mon", "a b");
                        call(c, "EVAL", "return redis.call('get', 'mon')", "0");
                    }, "monitor")));
        }
        assertEquals(n.apply(outs.get(0)), n.apply(outs.get(1)));
        for (String[] mode : new String[][] {{"subscribe", "ch1", "ch2"}, {"psubscribe", "c*"},
                {"-3", "subscribe", "ch1"}, {"--no-raw", "subscribe", "ch1"}}) {
            outs.clear();
            for (int port : ports()) {
                outs.add(String.join("\n", endless(port, lines -> lines.stream().anyMatch(l -> l.contains("hello")),
                        c -> {
                            call(c, "SELECT", "2");
                            call(c, "PUBLISH", "ch1", "hello");
                        }, mode)));
            }
            assertEquals(outs.get(0), outs.get(1), String.join(" ", mode));
        }
    }

    // ---- transfers ----

    @Test
    void pipe() throws Exception {
        StringBuilder in = new StringBuilder();
        in.append(resp("SELECT", "8"));
        for (int i = 0; i < 100; i++) {
            in.append(resp("SET", "pipe:" + i, Integer.toString(i)));
        }
        in.append(resp("SET", "pipe:s", "abc"));
        in.append(resp("INCR", "pipe:s"));
        in.append(resp("RPUSH", "pipe:0", "x"));
        in.append(resp("NOSUCHCMD", "a"));
        for (int i = 0; i < 50; i++) {
            in.append(resp("RPUSH", "pipe:list", Integer.toString(i)));
        }
        in.append(resp("INCR", "pipe:list"));
        in.append("SET inline:1 \"a b\"\r\n");
        byte[] input = in.toString().getBytes(StandardCharsets.UTF_8);
        String out = compare(UnaryOperator.identity(), input, "--pipe");
        assertTrue(out.contains("errors: 4, replies: 157"), out);
        assertDigestsEqual();
        // A protocol error ends the connection; redis-cli reports what it read until then.
        compare(UnaryOperator.identity(), "*2\r\n$3\r\nGET\r\n$5\r\npipe1\r\n*1\r\n$x\r\nPING\r\n".getBytes(
                StandardCharsets.UTF_8), "-n", "8", "--pipe");
    }

    /** A file from jredis passes redis-check-rdb and loads in redis-server with the same dataset or libraries. */
    @Test
    void rdbAndFunctionsRdb() throws Exception {
        UnaryOperator<String> n = s -> s.replace(dir.toString(), "DIR").replaceAll("after \\d+ bytes", "after N")
                .replaceAll("rdb-[rj]\\.rdb", "FILE");
        Path fromRedis = dir.resolve("rdb-r.rdb");
        Path fromJredis = dir.resolve("rdb-j.rdb");
        assertEquals(n.apply(run(redis.port(), null, "--rdb", fromRedis.toString()).text()),
                n.apply(run(jredis.port(), null, "--rdb", fromJredis.toString()).text()));
        String check = exec(List.of(RealRedis.onPath("redis-check-rdb"), fromJredis.toString()), null).text();
        assertTrue(check.contains("\\o/ RDB looks OK! \\o/") && check.contains("exit=0"), check);
        String digest = digest(jredis.port());
        try (RealRedis loaded = RealRedis.start("--enable-debug-command", "local", "--dir", dir.toString(),
                "--dbfilename", fromJredis.getFileName().toString())) {
            assertEquals(digest, digest(loaded.port()));
        }

        Path fnRedis = dir.resolve("fn-r.rdb");
        Path fnJredis = dir.resolve("fn-j.rdb");
        assertEquals(n.apply(run(redis.port(), null, "--functions-rdb", fnRedis.toString()).text())
                        .replace("fn-r.rdb", "FILE"),
                n.apply(run(jredis.port(), null, "--functions-rdb", fnJredis.toString()).text())
                        .replace("fn-j.rdb", "FILE"));
        check = exec(List.of(RealRedis.onPath("redis-check-rdb"), fnJredis.toString()), null).text();
        assertTrue(check.contains("\\o/ RDB looks OK! \\o/") && check.contains("exit=0"), check);
        try (RealRedis loaded = RealRedis.start("--dir", dir.toString(), "--dbfilename", fnJredis.getFileName()
                .toString()); RawClient c = new RawClient("127.0.0.1", loaded.port())) {
            assertEquals(0L, c.call("DBSIZE"));
            assertEquals("a", RawClient.text(c.call("FCALL", "myfunc", "0", "a")));
        }
        // To standard output: the same messages on stderr.
        assertEquals(n.apply(run(redis.port(), null, "--rdb", "-").err),
                n.apply(run(jredis.port(), null, "--rdb", "-").err));
        // A disk-based transfer announces its size first, which the auxiliary fields make differ.
        configSet("repl-diskless-sync", "no");
        try {
            UnaryOperator<String> disk = s -> n.apply(s).replaceAll("writing \\d+ bytes", "writing N bytes");
            assertEquals(disk.apply(run(redis.port(), null, "--rdb", fromRedis.toString()).text()),
                    disk.apply(run(jredis.port(), null, "--rdb", fromJredis.toString()).text()));
            check = exec(List.of(RealRedis.onPath("redis-check-rdb"), fromJredis.toString()), null).text();
            assertTrue(check.contains("\\o/ RDB looks OK! \\o/") && check.contains("exit=0"), check);
        } finally {
            configSet("repl-diskless-sync", "yes");
        }
    }

    // ---- one-shot commands ----

    @Test
    void stdinEvalRepeatAndQuoting() throws Exception {
        UnaryOperator<String> same = UnaryOperator.identity();
        byte[] text = "hello\nworld\n".getBytes(StandardCharsets.UTF_8);
        compare(same, text, "-n", "11", "-x", "set", "x:1");
        compare(same, text, "-n", "11", "-x", "rpush", "x:2");
        compare(same, null, "-n", "11", "get", "x:1");
        Path script = dir.resolve("s.lua");
        Files.writeString(script, "redis.call('set', KEYS[1], ARGV[1])\n"
                + "return {KEYS[1], ARGV[2], redis.call('get', KEYS[1]), 3.7, true, false, {err='x'}}\n");
        String out = compare(same, null, "-n", "11", "--eval", script.toString(), "e:1", "e:2", ",", "a1", "a2");
        assertTrue(out.startsWith("exit=0\ne:1\na2\na1\n3\n1\n\nx\n"), out);
        Path failing = dir.resolve("e.lua");
        Files.writeString(failing, "return redis.error_reply('boom')\n");
        compare(same, null, "--eval", failing.toString());
        compare(same, null, "--eval", dir.resolve("missing.lua").toString());
        compare(same, null, "-n", "11", "-r", "5", "-i", "0.01", "incr", "r:count");
        compare(same, null, "-r", "3", "-i", "0.01", "lrange", "list:1", "0", "2");
        compare(same, null, "-n", "11", "--quoted-input", "set", "\"q\\x00k\"", "\"v\\n\"");
        compare(same, null, "-n", "11", "--quoted-input", "get", "\"q\\x00k\"");
        compare(same, null, "-e", "incr", "str:1");
        compare(same, null, "--raw", "-d", ",", "-D", ";", "lrange", "list:2", "0", "5");
        byte[] dump = run(redis.port(), null, "-D", "", "--raw", "dump", "list:1").out.getBytes(
                StandardCharsets.ISO_8859_1);
        compare(same, dump, "-n", "11", "-X", "tag", "restore", "x:restored", "0", "tag", "replace");
        assertDigestsEqual();
    }

    /** Commands whose replies cover every RESP type, in each output format. */
    private static final String FORMATTED = String.join("\n",
            "get int:3", "get nosuch", "hgetall hash:2", "zrange zset:2 0 -1 withscores", "zscore zset:2 z1",
            "smembers intset", "lrange list:1 0 3", "xrange stream:1 - +", "xinfo stream stream:1",
            "xinfo groups bigstream", "type bigset", "ttl nosuch", "object encoding bigzset",
            "config get maxmemory", "hello 3", "client info", "sinter set:1 nosuch", "exists str:1 str:2",
            "function list", "command count", "zrandmember nosuch", "lpos list:1 nosuch", "hrandfield nosuch",
            "object freq nosuch", "object help", "lmpop 1 nosuch left", "zscore nosuch x", "memory doctor",
            "info keyspace", "latency doctor", "debug object nosuch", "xpending bigstream g1",
            "eval \"return {1, 'a', {2.5}, redis.status_reply('fine')}\" 0",
            "eval \"redis.setresp(3); return redis.call('hgetall', 'hash:1')\" 0",
            "eval \"redis.setresp(3); return redis.call('zscore', 'zset:1', 'z1')\" 0",
            "");

    /**
     * The client's id, address and descriptor are the instance's, its age and idle time the clock's; avg_ttl is a
     * running estimate of the clock. A client's reply buffer peak (rbp) starts at the buffer's size and drops to what
     * it used at the server's first cron pass over the client, 100 ms or less after it connected, and the next pass
     * shrinks the buffer (rbs) and so tot-mem: how many passes a redis-cli session sees is timing.
     */
    private static final UnaryOperator<String> INSTANCE = s -> s
            .replaceAll("\\bid=\\d+ addr=\\S+ laddr=\\S+ fd=\\d+ name=(\\S*) age=\\d+ idle=\\d+",
                    "id=N addr=A laddr=A fd=N name=$1 age=N idle=N")
            .replaceAll(" rbs=\\d+ rbp=\\d+ (.*) tot-mem=\\d+ ", " rbs=N rbp=N $1 tot-mem=N ")
            .replaceAll("(?<![\\w-])(\"?id\"?(?: => \\(integer\\) |,|:|\n| ))\\d+", "$1N")
            .replaceAll("avg_ttl=\\d+", "avg_ttl=N");

    @Test
    void outputFormats() throws Exception {
        byte[] in = FORMATTED.getBytes(StandardCharsets.UTF_8);
        for (String[] format : new String[][] {{}, {"--no-raw"}, {"--raw"}, {"--csv"}, {"-3"}, {"-3", "--no-raw"},
                {"-3", "--csv"}, {"--json"}, {"-2", "--json"}, {"--quoted-json"}, {"-3", "--raw"}}) {
            compare(INSTANCE, in, format);
        }
        compare(INSTANCE, null, "-n", "1", "--no-raw", "lrange", "db1list", "0", "-1");
        compare(INSTANCE, null, "-n", "5", "-3", "--no-raw", "hgetall", "db5:h2");
        compare(INSTANCE, null, "-3", "--no-raw", "hello", "3");
        compare(INSTANCE, null, "-3", "--no-raw", "client", "info");
    }

    @Test
    void authentication() throws Exception {
        UnaryOperator<String> same = UnaryOperator.identity();
        String out = compare(same, null, "--user", "alice", "--pass", "secret", "get", "str:1");
        assertTrue(out.contains("Warning: Using a password"), out);
        compare(same, null, "--user", "alice", "-a", "secret", "--no-auth-warning", "get", "str:1");
        compare(same, null, "--user", "alice", "-a", "secret", "hgetall", "hash:1");
        compare(same, null, "--user", "alice", "-a", "secret", "get", "hash:1");
        compare(same, null, "--user", "alice", "-a", "wrong", "get", "str:1");
        compare(same, null, "--user", "nobody", "--pass", "x", "--no-auth-warning", "ping");
        compare(same, null, "-a", "x", "ping");
        compare(same, null, "--user", "alice", "--pass", "secret", "--scan", "--pattern", "str:1*");
    }

    /**
     * The commands redis-cli prints as raw text whatever the format, and its cluster manager on a plain node. MEMORY
     * MALLOC-STATS is left out: redis-server prints jemalloc's statistics, jredis what Redis built without jemalloc
     * prints.
     */
    /** How the keys spread over a hash table's slots follows Redis's random hash seed. */
    private static final UnaryOperator<String> CHAINS = s -> INSTANCE.apply(s)
            .replaceAll(" different slots: \\d+", " different slots: N")
            .replaceAll(" max chain length: \\d+", " max chain length: N")
            .replaceAll(" avg chain length \\((counted|computed)\\): [\\d.]+", " avg chain length ($1): N")
            .replaceAll("(?m)^   \\d+: \\d+ \\([\\d.]+%\\)\n", "");

    @Test
    void speciallyRoutedCommands() throws Exception {
        UnaryOperator<String> same = UnaryOperator.identity();
        for (String cmd : new String[] {"debug htstats 0", "debug htstats 0 full", "debug htstats 9",
                "debug htstats-key bigset", "debug htstats-key bighash", "debug htstats-key bigzset",
                "debug htstats-key str:1", "debug client-eviction", "memory doctor", "latency doctor",
                "latency graph command", "cluster info", "cluster nodes", "client list id 999999",
                "debug help"}) {
            compare(CHAINS, null, cmd.split(" "));
        }
        for (int port : ports()) {
            String address = "127.0.0.1:" + port;
            assertEquals("exit=1\n\u001b[31;1m[ERR] Node " + address + " is not configured as a cluster node.\n"
                    + "\u001b[0m", exec(List.of(cli, "--cluster", "check", address), null).text());
            assertEquals("exit=1\n\u001b[31;1m[ERR] Node " + address + " is not configured as a cluster node.\n"
                    + "\u001b[0m", exec(List.of(cli, "--cluster", "info", address), null).text());
        }
        compare(same, null, "-c", "get", "str:2");
        // With client eviction on: the caller is filed after its SELECT. Memory figures masked as in memkeys.
        configSet("maxmemory-clients", "10mb");
        try {
            List<String> outs = new ArrayList<>();
            for (int port : ports()) {
                try (RawClient watcher = alone(port)) {
                    outs.add(run(port, null, "-n", "1", "debug", "client-eviction").text()
                            .replaceAll("tot-mem: +[1-9]\\d*", "tot-mem: N"));
                }
            }
            assertEquals(outs.get(0), outs.get(1));
            assertTrue(outs.get(0).contains(", clients: 2\n"), outs.get(0));
        } finally {
            configSet("maxmemory-clients", "0");
        }
    }

    // ---- running redis-cli ----

    private record Result(int exit, String out, String err) {
        String text() {
            return "exit=" + exit + "\n" + out + (err.isEmpty() ? "" : "--stderr--\n" + err);
        }
    }

    /** Runs redis-cli with {@code args} on both servers; returns redis-server's normalised output. */
    private static String compare(UnaryOperator<String> normalise, byte[] stdin, String... args) throws Exception {
        String expected = normalise.apply(run(redis.port(), stdin, args).text());
        String actual = normalise.apply(run(jredis.port(), stdin, args).text());
        assertEquals(expected, actual, "redis-cli " + String.join(" ", args));
        return expected;
    }

    private static Result run(int port, byte[] stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(cli, "-p", Integer.toString(port)));
        Collections.addAll(cmd, args);
        return exec(cmd, stdin);
    }

    private static Result exec(List<String> cmd, byte[] stdin) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = pb.start();
        if (stdin != null) {
            try (OutputStream o = p.getOutputStream()) {
                o.write(stdin);
            }
        }
        if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.ISO_8859_1));
    }

    private static String endlessText(int port, Predicate<List<String>> enough, String... args) throws Exception {
        return String.join("\n", endless(port, enough, null, args)) + "\n";
    }

    /**
     * Runs a mode that does not end by itself, with stdout line-buffered and merged with stderr, until the lines it
     * printed satisfy {@code enough}; {@code during} runs once its first line is out. Returns the lines.
     */
    private static List<String> endless(int port, Predicate<List<String>> enough, Commands during, String... args)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(stdbuf, "-oL", cli, "-p", Integer.toString(port)));
        Collections.addAll(cmd, args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.ISO_8859_1))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The process was ended: what it printed until then is in the list.
            }
        }, "redis-cli-reader");
        reader.start();
        try {
            if (during != null) {
                Await.until("redis-cli " + String.join(" ", args) + " to start", WAIT_SECONDS,
                        () -> ready(lines, args));
                try (RawClient c = new RawClient("127.0.0.1", port)) {
                    during.send(c);
                }
            }
            Await.until("redis-cli " + String.join(" ", args) + " to print enough, got " + lines, WAIT_SECONDS,
                    () -> !p.isAlive() || enough.test(List.copyOf(lines)));
        } finally {
            p.destroy();
            p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
        assertTrue(enough.test(lines), "redis-cli " + String.join(" ", args) + " ended with " + lines);
        return List.copyOf(lines);
    }

    /** What a test sends while an endless mode runs. */
    private interface Commands {
        void send(RawClient c) throws IOException;
    }

    /** Whether an endless mode is ready for the commands it should see. */
    private static boolean ready(List<String> lines, String... args) {
        List<String> copy = List.copyOf(lines);
        if (List.of(args).contains("--replica")) {
            return copy.stream().anyMatch(l -> l.startsWith("SYNC done"));
        }
        if (List.of(args).contains("monitor")) {
            return copy.contains("OK");
        }
        long channels = List.of(args).stream().filter(a -> a.startsWith("c")).count();
        return copy.stream().filter(l -> l.contains("subscribe")).count() >= channels;
    }

    // ---- the servers ----

    private static void call(RawClient c, String... args) throws IOException {
        Object reply = c.call(args);
        assertTrue(!(reply instanceof Reply.RespError), String.join(" ", args) + ": " + reply);
    }

    private static void configSet(String name, String value) throws IOException {
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                assertEquals("OK", RawClient.text(c.call("CONFIG", "SET", name, value)));
            }
        }
    }

    /**
     * A connection to a server that is its only client once it returns: the connections earlier tests closed may not
     * be gone yet when a mode counts clients. Kept open while the mode runs, it counts the same on both servers.
     */
    private static RawClient alone(int port) throws IOException {
        RawClient c = new RawClient("127.0.0.1", port);
        Await.until("the other clients of " + port + " to go", WAIT_SECONDS,
                () -> c.infoLong("clients", "connected_clients") == 1);
        return c;
    }

    private static String digest(int port) throws IOException {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            return RawClient.text(c.call("DEBUG", "DIGEST"));
        }
    }

    /** Both servers hold the same data in every database (DEBUG DIGEST covers them all, TTLs as present or not). */
    private static void assertDigestsEqual() throws IOException {
        assertEquals(digest(redis.port()), digest(jredis.port()));
    }

    private static String resp(String... args) {
        return new String(RawClient.encode(RawClient.args(args)), StandardCharsets.UTF_8);
    }
}
