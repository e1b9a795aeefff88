package io.jredis.server.testing;

import io.jredis.server.protocol.Reply;
import io.jredis.server.protocol.RespParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Differential sweep of unusual arguments: for every command and subcommand that COMMAND lists, generates argument
 * lists around the arity (too few, too many, wrong-type keys, bad numbers, option tokens in wrong places, cases and
 * combinations, empty strings, missing keys) and calls built from COMMAND DOCS with one mutation each, from a fixed
 * seed; sends each to a real redis-server and to jredis over the same prepared keyspace, in RESP2 and in RESP3, and
 * collects the replies that are not byte-identical. Every fourth case runs again inside MULTI/EXEC and every eighth
 * through {@code redis.call} in EVAL. Replies that are inherently time-, randomness- or hash-order-dependent are
 * compared by reply type or as unordered elements (errors are always compared exactly).
 */
public final class ArgumentSweep {
    private ArgumentSweep() {}

    /** Fixed so runs are reproducible; {@code -Dsweep.seed=N -Dsweep.scale=K} explores other and more cases. */
    private static final long SEED = Long.getLong("sweep.seed", 7_0_15L);
    private static final int SCALE = Integer.getInteger("sweep.scale", 1);
    private static final int CASES_PER_ARGC = 14 * SCALE;
    private static final int CHUNK = 200;
    private static final int DOC_CASES = 40 * SCALE;

    /** Never generated: they block, end the server, change replication or kill/pause clients. */
    private static final Set<String> EXCLUDED = Set.of("shutdown", "failover", "replicaof", "slaveof", "sync",
            "psync", "monitor", "debug", "migrate", "wait", "blpop", "brpop", "brpoplpush", "blmove", "blmpop",
            "bzpopmin", "bzpopmax", "bzmpop", "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe",
            "sunsubscribe", "bgsave", "bgrewriteaof", "client|kill", "client|pause", "client|reply", "lolwut",
            "script|debug");


    /** Commands that change the connection's state: each case runs on a fresh pair of connections. */
    private static final Set<String> CONNECTION_STATE = Set.of("hello", "auth", "reset", "quit", "multi", "exec",
            "discard", "watch", "unwatch", "select", "readonly", "readwrite", "asking");

    /** Successful replies that depend on time, randomness, addresses or the implementation: type compared only. */
    private static final Set<String> TYPE_ONLY = Set.of("randomkey", "srandmember", "zrandmember", "hrandfield",
            "spop", "time", "lastsave", "info", "client|list", "client|info", "client|id", "memory|usage",
            "memory|stats", "memory|doctor", "memory|malloc-stats", "object|freq", "object|idletime", "slowlog|get",
            "slowlog|len", "latency|latest", "latency|history", "latency|doctor", "latency|histogram",
            "latency|graph", "ttl", "pttl", "config|get", "hello", "acl|genpass", "acl|log", "command", "command|count",
            "command|list", "command|docs", "command|info", "xadd", "pfselftest");

    /** Array replies whose order Redis leaves to its hash tables. */
    private static final Set<String> UNORDERED = Set.of("keys", "smembers", "sinter", "sunion", "sdiff",
            "acl|users", "acl|cat");


    private static final long FAR_FUTURE_MS = 4_102_444_800_000L;

    private static final String[][] KEYSPACE = {
            {"SET", "str", "hello"},
            {"SET", "int", "10"},
            {"RPUSH", "list", "a", "b", "c", "1", "2"},
            {"HSET", "hash", "f1", "v1", "f2", "2"},
            {"SADD", "set", "1", "2", "3"},
            {"ZADD", "zset", "1", "a", "2", "b", "3", "c"},
            {"XADD", "stream", "1-1", "f", "v"},
            {"XADD", "stream", "2-1", "f2", "v2"},
            {"XGROUP", "CREATE", "stream", "g", "0"},
            {"PFADD", "hll", "a", "b", "c"},
            {"SET", "str:t", "hello"},
            {"RPUSH", "list:t", "a", "b"},
            {"HSET", "hash:t", "f1", "v1"},
            {"SADD", "set:t", "1", "2"},
            {"ZADD", "zset:t", "1", "a"},
            {"XADD", "stream:t", "1-1", "f", "v"},
            {"PFADD", "hll:t", "a"},
            {"SET", "max", "9223372036854775807"},
            {"SET", "flt", "3.5"},
            {"SADD", "sset", "a", "b", "c"},
            {"CONFIG", "SET", "zset-max-listpack-entries", "8"},
            {"ZADD", "zbig", "1", "m0", "2", "m1", "3", "m2", "4", "m3", "5", "m4", "6", "m5", "7", "m6", "8", "m7",
                    "9", "m8", "10", "m9", "11", "m10", "12", "m11", "13", "m12", "14", "m13", "15", "m14", "16", "m15"},
            {"CONFIG", "SET", "zset-max-listpack-entries", "128"},
            {"PEXPIREAT", "str:t", Long.toString(FAR_FUTURE_MS)},
            {"PEXPIREAT", "list:t", Long.toString(FAR_FUTURE_MS)},
            {"PEXPIREAT", "hash:t", Long.toString(FAR_FUTURE_MS)},
            {"PEXPIREAT", "set:t", Long.toString(FAR_FUTURE_MS)},
            {"PEXPIREAT", "zset:t", Long.toString(FAR_FUTURE_MS)},
            {"PEXPIREAT", "stream:t", Long.toString(FAR_FUTURE_MS)},
            {"PEXPIREAT", "hll:t", Long.toString(FAR_FUTURE_MS)},
    };

    private static final String[] KEYS = {"str", "int", "list", "hash", "set", "zset", "stream", "hll", "str:t",
            "list:t", "hash:t", "set:t", "zset:t", "stream:t", "hll:t", "nokey", "max", "flt", "sset", "zbig"};

    private static final String[] NUMBERS = {"0", "1", "-1", "2", "3", "10", "-10", "1.5", "-1.5", "abc", "",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "1e3",
            "inf", "-inf", "+inf", "nan", " 1", "0x10", "01", "100000000000", "4294967296", "-0", "3.0", "1-1",
            "0-1", "2-1", "18446744073709551615-1"};

    private static final String[] STRINGS = {"a", "f1", "v1", "*", "~", "=", "-", "+", "$", "(1", "[a", "BADOPT",
            ">", "g", "c", "x", "0", "", "f", "hello"};


    /** A command or subcommand as COMMAND and COMMAND DOCS describe it. */
    public record CommandMeta(String name, int arity, boolean write, int firstKey, int lastKey, int step,
            List<String> tokens, List<?> docArgs) {}

    /** One call: the command (or {@code parent|sub}) it exercises, whether it may write, and its arguments. */
    public record Case(String command, boolean write, List<String> argv) {
        public byte[] encoded() {
            byte[][] b = new byte[argv.size()][];
            for (int i = 0; i < b.length; i++) {
                b[i] = argv.get(i).getBytes(StandardCharsets.ISO_8859_1);
            }
            return RawClient.encode(b);
        }
    }

    /** Every command and subcommand a server lists, by lower-case {@code name} or {@code parent|sub}. */
    public static Map<String, CommandMeta> commands(int port) throws IOException {
        Map<String, CommandMeta> out = new TreeMap<>();
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            Map<String, List<String>> tokens = new LinkedHashMap<>();
            Map<String, List<?>> docArgs = new LinkedHashMap<>();
            for (Object doc : pairs((List<?>) c.call("COMMAND", "DOCS"))) {
                collectDocs((List<?>) doc, "", tokens, docArgs);
            }
            for (Object info : (List<?>) c.call("COMMAND")) {
                collectInfo((List<?>) info, tokens, docArgs, out);
            }
        }
        return out;
    }

    private static List<Object> pairs(List<?> flat) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < flat.size(); i += 2) {
            out.add(List.of(flat.get(i), flat.get(i + 1)));
        }
        return out;
    }

    private static void collectDocs(List<?> nameAndDoc, String parent, Map<String, List<String>> tokens,
            Map<String, List<?>> docArgs) {
        String name = parent + RespParser.toText(nameAndDoc.get(0)).toLowerCase(Locale.ROOT);
        List<?> doc = (List<?>) nameAndDoc.get(1);
        Set<String> found = new LinkedHashSet<>();
        for (int i = 0; i + 1 < doc.size(); i += 2) {
            String field = RespParser.toText(doc.get(i));
            if (field.equals("arguments")) {
                tokensOf((List<?>) doc.get(i + 1), found);
                docArgs.put(name, (List<?>) doc.get(i + 1));
            } else if (field.equals("subcommands")) {
                for (Object sub : pairs((List<?>) doc.get(i + 1))) {
                    List<?> s = (List<?>) sub;
                    String full = RespParser.toText(s.get(0)).toLowerCase(Locale.ROOT);
                    collectDocs(List.of(full.substring(full.indexOf('|') + 1), s.get(1)), name + "|", tokens,
                            docArgs);
                }
            }
        }
        tokens.put(name, new ArrayList<>(found));
    }

    private static void tokensOf(List<?> args, Set<String> found) {
        for (Object a : args) {
            List<?> arg = (List<?>) a;
            for (int i = 0; i + 1 < arg.size(); i += 2) {
                String field = RespParser.toText(arg.get(i));
                if (field.equals("token")) {
                    found.add(RespParser.toText(arg.get(i + 1)));
                } else if (field.equals("arguments")) {
                    tokensOf((List<?>) arg.get(i + 1), found);
                }
            }
        }
    }

    private static void collectInfo(List<?> info, Map<String, List<String>> tokens, Map<String, List<?>> docArgs,
            Map<String, CommandMeta> out) {
        String name = RespParser.toText(info.get(0)).toLowerCase(Locale.ROOT);
        int arity = ((Long) info.get(1)).intValue();
        boolean write = false;
        for (Object f : (Collection<?>) info.get(2)) {
            write |= RespParser.toText(f).equals("write");
        }
        out.put(name, new CommandMeta(name, arity, write, ((Long) info.get(3)).intValue(),
                ((Long) info.get(4)).intValue(), ((Long) info.get(5)).intValue(),
                tokens.getOrDefault(name, List.of()), docArgs.getOrDefault(name, List.of())));
        for (Object sub : (Collection<?>) info.get(9)) {
            collectInfo((List<?>) sub, tokens, docArgs, out);
        }
    }

    /** The generated cases for {@code commands} (the excluded ones are left out). */
    public static List<Case> generate(Map<String, CommandMeta> commands) {
        Random rnd = new Random(SEED);
        List<Case> out = new ArrayList<>();
        for (CommandMeta m : commands.values()) {
            if (EXCLUDED.contains(m.name())) {
                continue;
            }
            boolean parent = m.name().indexOf('|') < 0 && commands.keySet().stream()
                    .anyMatch(n -> n.startsWith(m.name() + "|"));
            List<String> prefix = new ArrayList<>();
            for (String part : m.name().split("\\|")) {
                prefix.add(part.toUpperCase(Locale.ROOT));
            }
            List<String> tokens = new ArrayList<>();
            for (String t : m.tokens()) {
                if (!t.equalsIgnoreCase("BLOCK")) {
                    tokens.add(t);
                    tokens.add(t.toLowerCase(Locale.ROOT));
                }
            }
            int min = Math.abs(m.arity());
            int max = m.arity() < 0 ? min + 6 : min + 2;
            Set<List<String>> seen = new LinkedHashSet<>();
            for (int argc = Math.max(prefix.size(), min - 1); argc <= max; argc++) {
                int n = parent ? 4 : CASES_PER_ARGC;
                for (int i = 0; i < n * 3 && seen.size() < (argc - Math.max(prefix.size(), min - 1) + 1) * n; i++) {
                    List<String> argv = new ArrayList<>(prefix);
                    boolean afterToken = false;
                    while (argv.size() < argc) {
                        int pos = argv.size();
                        String v;
                        if (isKey(m, pos, argc)) {
                            v = KEYS[rnd.nextInt(KEYS.length)];
                        } else if (afterToken && rnd.nextInt(10) < 6) {
                            v = NUMBERS[rnd.nextInt(NUMBERS.length)];
                        } else {
                            int r = rnd.nextInt(100);
                            if (!tokens.isEmpty() && r < 35) {
                                v = tokens.get(rnd.nextInt(tokens.size()));
                            } else if (r < 70) {
                                v = NUMBERS[rnd.nextInt(NUMBERS.length)];
                            } else if (r < 85) {
                                v = STRINGS[rnd.nextInt(STRINGS.length)];
                            } else {
                                v = KEYS[rnd.nextInt(KEYS.length)];
                            }
                        }
                        afterToken = tokens.contains(v);
                        argv.add(v);
                    }
                    if (parent && argc > 1) {
                        // The subcommand position of a container command: unknown names only.
                        argv.set(1, STRINGS[rnd.nextInt(STRINGS.length)]);
                    }
                    if (seen.add(argv) && !unsafe(m.name(), argv)) {
                        out.add(new Case(m.name(), resets(m, parent), argv));
                    }
                }
            }
            if (parent) {
                continue;
            }
            // Valid calls built from COMMAND DOCS, most with one mutation: options in the wrong place, case or
            // number, duplicated, dropped, or a value swapped for an unusual one.
            for (int i = 0; i < DOC_CASES * 3 && seen.size() < 200 * SCALE + DOC_CASES; i++) {
                List<String> argv = new ArrayList<>(prefix);
                fromDocs(m.docArgs(), rnd, argv);
                mutate(argv, prefix.size(), tokens, rnd);
                if (seen.add(argv) && !unsafe(m.name(), argv)) {
                    out.add(new Case(m.name(), resets(m, false), argv));
                }
            }
        }
        return out;
    }

    private static boolean resets(CommandMeta m, boolean parent) {
        return m.write() || parent || m.name().startsWith("config") || m.name().startsWith("function")
                || m.name().startsWith("script");
    }

    private static final String[] INTS = {"0", "1", "2", "-1", "10", "3"};
    private static final String[] DOUBLES = {"0", "1", "1.5", "-1", "inf", "-inf"};
    private static final String[] WORDS = {"a", "f1", "v1", "hello", "*", "1-1", "0", "g", "c", "$", ">", "-", "+",
            "[a", "(1"};

    /** Appends one valid-looking instance of a COMMAND DOCS argument list. */
    private static void fromDocs(List<?> args, Random rnd, List<String> out) {
        for (Object a : args) {
            Map<String, Object> arg = new LinkedHashMap<>();
            List<?> l = (List<?>) a;
            for (int i = 0; i + 1 < l.size(); i += 2) {
                arg.put(RespParser.toText(l.get(i)), l.get(i + 1));
            }
            Set<String> flags = new TreeSet<>();
            if (arg.get("flags") instanceof Collection<?> fs) {
                fs.forEach(f -> flags.add(f instanceof Reply.Status st ? st.text() : RespParser.toText(f)));
            }
            if (flags.contains("optional") && rnd.nextBoolean()) {
                continue;
            }
            int reps = flags.contains("multiple") ? 1 + rnd.nextInt(2) : 1;
            String token = arg.containsKey("token") ? RespParser.toText(arg.get("token")) : null;
            String type = RespParser.toText(arg.get("type"));
            for (int r = 0; r < reps; r++) {
                if (token != null && (r == 0 || flags.contains("multiple_token"))) {
                    out.add(token);
                }
                switch (type) {
                    case "oneof" -> {
                        List<?> kids = (List<?>) arg.get("arguments");
                        fromDocs(List.of(required((List<?>) kids.get(rnd.nextInt(kids.size())))), rnd, out);
                    }
                    case "block" -> fromDocs((List<?>) arg.get("arguments"), rnd, out);
                    case "key" -> out.add(KEYS[rnd.nextInt(KEYS.length)]);
                    case "integer", "unix-time" -> out.add(INTS[rnd.nextInt(INTS.length)]);
                    case "double" -> out.add(DOUBLES[rnd.nextInt(DOUBLES.length)]);
                    case "pure-token" -> { }
                    default -> out.add(WORDS[rnd.nextInt(WORDS.length)]);
                }
            }
        }
    }

    /** The same docs argument without its optional flag (a oneof branch is always present). */
    private static List<Object> required(List<?> arg) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i + 1 < arg.size(); i += 2) {
            if (!RespParser.toText(arg.get(i)).equals("flags")) {
                out.add(arg.get(i));
                out.add(arg.get(i + 1));
            }
        }
        return out;
    }

    private static void mutate(List<String> argv, int fixed, List<String> tokens, Random rnd) {
        int n = argv.size() - fixed;
        int pick = rnd.nextInt(8);
        int at = fixed + (n == 0 ? 0 : rnd.nextInt(n));
        switch (pick) {
            case 0 -> { }
            case 1 -> {
                if (n > 0) {
                    argv.set(at, NUMBERS[rnd.nextInt(NUMBERS.length)]);
                }
            }
            case 2 -> {
                if (n > 0) {
                    argv.remove(at);
                }
            }
            case 3 -> {
                if (!tokens.isEmpty()) {
                    argv.add(fixed + rnd.nextInt(n + 1), tokens.get(rnd.nextInt(tokens.size())));
                }
            }
            case 4 -> {
                for (int i = fixed; i < argv.size(); i++) {
                    if (tokens.contains(argv.get(i))) {
                        argv.add(i, argv.get(i));
                        if (i + 2 < argv.size()) {
                            argv.add(i + 1, argv.get(i + 2));
                        }
                        break;
                    }
                }
            }
            case 5 -> argv.add(rnd.nextBoolean() ? "BADOPT" : STRINGS[rnd.nextInt(STRINGS.length)]);
            case 6 -> {
                if (n > 0) {
                    argv.set(at, KEYS[rnd.nextInt(KEYS.length)]);
                }
            }
            default -> {
                if (n > 1) {
                    int b = fixed + rnd.nextInt(n);
                    String t = argv.get(at);
                    argv.set(at, argv.get(b));
                    argv.set(b, t);
                }
            }
        }
    }

    /** Argument lists that would block or need unbounded memory on the real server. */
    /** Cases from hand-written lines: the command name ({@code parent|sub}) then the argv. */
    public static List<Case> cases(String[]... lines) {
        List<Case> out = new ArrayList<>();
        for (String[] l : lines) {
            out.add(new Case(l[0], true, List.of(Arrays.copyOfRange(l, 1, l.length))));
        }
        return out;
    }

    private static boolean unsafe(String name, List<String> argv) {
        if (name.equals("xread") || name.equals("xreadgroup")) {
            return argv.stream().anyMatch(a -> a.equalsIgnoreCase("block"));
        }
        // Client ids differ between the two servers.
        return name.equals("client|tracking") && argv.stream().anyMatch(a -> a.equalsIgnoreCase("redirect"));
    }

    private static boolean isKey(CommandMeta m, int pos, int argc) {
        if (m.firstKey() <= 0 || pos < m.firstKey()) {
            return false;
        }
        int last = m.lastKey() < 0 ? argc + m.lastKey() : m.lastKey();
        return pos <= last && (pos - m.firstKey()) % Math.max(1, m.step()) == 0;
    }


    /** What a sweep found: differences grouped by command and reply pair, each with its example calls. */
    public record Result(int cases, int comparisons, Map<String, List<String>> diffs) {
        /** One line per group (count, command, both replies) and its first example. */
        public List<String> report() {
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, List<String>> e : diffs.entrySet()) {
                out.add(e.getValue().size() + "x " + e.getKey() + "\n    e.g. " + e.getValue().get(0));
            }
            return out;
        }
    }

    private record Target(int redisPort, int ourPort, Map<String, String> allowed) {}

    /**
     * Runs {@code cases} in RESP2 and in RESP3 against a real redis-server and jredis, over the prepared keyspace;
     * differences whose space-joined argv matches a key of {@code allowed} (a regex) are not reported.
     */
    public static Result run(int redisPort, int ourPort, List<Case> cases, Map<String, String> allowed)
            throws IOException {
        Target t = new Target(redisPort, ourPort, allowed);
        Map<String, List<String>> diffs = new TreeMap<>();
        int compared = 0;
        for (int proto : new int[] {2, 3}) {
            compared += run(t, cases, proto, diffs);
        }
        compared += inMulti(t, cases, diffs);
        compared += inScript(t, cases, diffs);
        return new Result(cases.size(), compared, diffs);
    }

    /**
     * Every fourth case once more inside MULTI/EXEC (RESP2): the queuing reply (+QUEUED or the error that flags
     * the transaction) and EXEC's reply (the results, or EXECABORT) must match too.
     */
    private static int inMulti(Target t, List<Case> cases, Map<String, List<String>> diffs) throws IOException {
        List<Case> sample = new ArrayList<>();
        for (int i = 0; i < cases.size(); i += 4) {
            Case c = cases.get(i);
            if (!CONNECTION_STATE.contains(c.command().split("\\|")[0]) && !c.command().startsWith("client")) {
                sample.add(c);
            }
        }
        byte[] multi = RawClient.encode("MULTI".getBytes(StandardCharsets.US_ASCII));
        byte[] exec = RawClient.encode("EXEC".getBytes(StandardCharsets.US_ASCII));
        try (RawClient real = new RawClient("127.0.0.1", t.redisPort());
                RawClient mine = new RawClient("127.0.0.1", t.ourPort())) {
            prepare(real, 2);
            prepare(mine, 2);
            for (int from = 0; from < sample.size(); from += CHUNK) {
                List<Case> batch = sample.subList(from, Math.min(sample.size(), from + CHUNK));
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                for (Case c : batch) {
                    o.writeBytes(multi);
                    o.writeBytes(c.encoded());
                    o.writeBytes(exec);
                    reset(o);
                }
                byte[] pipeline = o.toByteArray();
                List<byte[][]> expected = transactions(real, pipeline, batch);
                List<byte[][]> actual = transactions(mine, pipeline, batch);
                for (int i = 0; i < batch.size(); i++) {
                    Case c = batch.get(i);
                    byte[][] e = expected.get(i);
                    byte[][] a = actual.get(i);
                    // Inside EXEC's array an unordered reply can only be compared by type.
                    boolean execSame = unordered(c) ? e[1][0] == a[1][0] : same(c, e[1], a[1]);
                    if (!Arrays.equals(e[0], a[0]) || !execSame) {
                        String argv = String.join(" ", c.argv());
                        if (allowed(t, argv)) {
                            continue;
                        }
                        String shown = DifferentialRunner.show(e[0]) + DifferentialRunner.show(e[1]) + " | "
                                + DifferentialRunner.show(a[0]) + DifferentialRunner.show(a[1]);
                        diffs.computeIfAbsent("MULTI " + c.command() + ": " + shown, k -> new ArrayList<>())
                                .add(argv);
                    }
                }
            }
        }
        return sample.size();
    }

    /**
     * Every eighth case once more through {@code redis.call} in EVAL (RESP2): what a script may call, the errors it
     * raises (with the script's position) and the reply converted to Lua and back must match too.
     */
    private static int inScript(Target t, List<Case> cases, Map<String, List<String>> diffs) throws IOException {
        List<Case> sample = new ArrayList<>();
        for (int i = 0; i < cases.size(); i += 8) {
            Case c = cases.get(i);
            if (!CONNECTION_STATE.contains(c.command().split("\\|")[0]) && !c.command().startsWith("client")
                    && !c.command().startsWith("eval") && !c.command().startsWith("fcall")) {
                List<String> argv = new ArrayList<>(List.of("EVAL", "return redis.call(unpack(ARGV))", "0"));
                argv.addAll(c.argv());
                sample.add(new Case(c.command(), true, argv));
            }
        }
        Map<String, List<String>> found = new TreeMap<>();
        try (RawClient real = new RawClient("127.0.0.1", t.redisPort());
                RawClient mine = new RawClient("127.0.0.1", t.ourPort())) {
            prepare(real, 2);
            prepare(mine, 2);
            for (int from = 0; from < sample.size(); from += CHUNK) {
                compare(t, sample.subList(from, Math.min(sample.size(), from + CHUNK)), real, mine, 2, found);
            }
        }
        found.forEach((k, v) -> diffs.put("EVAL " + k, v));
        return sample.size();
    }

    /** Reads MULTI's, the command's and EXEC's replies (returning the last two) and the keyspace reset's. */
    private static List<byte[][]> transactions(RawClient c, byte[] pipeline, List<Case> batch) throws IOException {
        c.send(pipeline);
        List<byte[][]> out = new ArrayList<>();
        for (Case k : batch) {
            try {
                c.readRaw();
                out.add(new byte[][] {c.readRaw(), c.readRaw()});
                for (int i = 0; i < KEYSPACE.length + 1; i++) {
                    c.readRaw();
                }
            } catch (IOException e) {
                throw new IOException("no reply to MULTI " + String.join(" ", k.argv()) + " EXEC", e);
            }
        }
        return out;
    }

    private static int run(Target t, List<Case> cases, int proto, Map<String, List<String>> diffs)
            throws IOException {
        int compared = 0;
        try (RawClient real = new RawClient("127.0.0.1", t.redisPort());
                RawClient mine = new RawClient("127.0.0.1", t.ourPort())) {
            prepare(real, proto);
            prepare(mine, proto);
            List<Case> batch = new ArrayList<>();
            for (Case c : cases) {
                String top = c.command().split("\\|")[0];
                if (CONNECTION_STATE.contains(top) || c.command().startsWith("client")) {
                    try (RawClient r = new RawClient("127.0.0.1", t.redisPort());
                            RawClient m = new RawClient("127.0.0.1", t.ourPort())) {
                        hello(r, proto);
                        hello(m, proto);
                        compared += compare(t, List.of(c), r, m, proto, diffs);
                    }
                    continue;
                }
                batch.add(c);
                if (batch.size() == CHUNK) {
                    compared += compare(t, batch, real, mine, proto, diffs);
                    batch.clear();
                }
            }
            compared += compare(t, batch, real, mine, proto, diffs);
        }
        return compared;
    }

    private static void hello(RawClient c, int proto) throws IOException {
        if (proto == 3) {
            c.callRaw("HELLO".getBytes(StandardCharsets.US_ASCII), "3".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Flushes a server and loads the sweep's keyspace into it (for callers that build cases from its values). */
    public static void prepare(int port) throws IOException {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            prepare(c, 2);
        }
    }

    private static void prepare(RawClient c, int proto) throws IOException {
        hello(c, proto);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        reset(o);
        c.send(o.toByteArray());
        for (int i = 0; i < KEYSPACE.length + 1; i++) {
            c.readRaw();
        }
    }

    /**
     * Appends the commands that flush a server and load the sweep's keyspace to a pipeline; returns how many
     * replies they get.
     */
    public static int reset(ByteArrayOutputStream o) {
        o.writeBytes(RawClient.encode("FLUSHALL".getBytes(StandardCharsets.US_ASCII)));
        for (String[] cmd : KEYSPACE) {
            o.writeBytes(RawClient.encode(RawClient.args(cmd)));
        }
        return KEYSPACE.length + 1;
    }

    /** Pipelines the batch (with a keyspace reset after each write) to both servers and compares the replies. */
    private static int compare(Target t, List<Case> batch, RawClient real, RawClient mine, int proto,
            Map<String, List<String>> diffs) throws IOException {
        if (batch.isEmpty()) {
            return 0;
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (Case c : batch) {
            o.writeBytes(c.encoded());
            if (c.write()) {
                reset(o);
            }
        }
        byte[] pipeline = o.toByteArray();
        List<byte[]> expected = replies(real, pipeline, batch);
        List<byte[]> actual = replies(mine, pipeline, batch);
        for (int i = 0; i < batch.size(); i++) {
            Case c = batch.get(i);
            byte[] e = expected.get(i);
            byte[] a = actual.get(i);
            if (!same(c, e, a)) {
                String argv = String.join(" ", c.argv().stream().map(s -> s.isEmpty() ? "\"\"" : s).toList());
                if (allowed(t, argv)) {
                    continue;
                }
                String key = "RESP" + proto + " " + c.command() + ": " + DifferentialRunner.show(e) + " | "
                        + DifferentialRunner.show(a);
                diffs.computeIfAbsent(key.length() > 400 ? key.substring(0, 400) : key, k -> new ArrayList<>())
                        .add(argv + "\n      redis:  " + DifferentialRunner.show(e) + "\n      jredis: "
                                + DifferentialRunner.show(a));
            }
        }
        return batch.size();
    }

    private static List<byte[]> replies(RawClient c, byte[] pipeline, List<Case> batch) throws IOException {
        c.send(pipeline);
        List<byte[]> out = new ArrayList<>();
        for (Case k : batch) {
            try {
                out.add(c.readRaw());
                if (k.write()) {
                    for (int i = 0; i < KEYSPACE.length + 1; i++) {
                        c.readRaw();
                    }
                }
            } catch (IOException e) {
                // The engine thread's stack tells a stuck server from an idle one that lost the request.
                throw new IOException("no reply to " + String.join(" ", k.argv()) + " (or its keyspace reset); "
                        + "engine threads:" + Threads.stacks("jredis-engine"), e);
            }
        }
        return out;
    }

    private static boolean allowed(Target t, String argv) {
        for (String p : t.allowed().keySet()) {
            if (Pattern.compile(p).matcher(argv).find()) {
                return true;
            }
        }
        return false;
    }

    /** The command's own argument {@code i} (0 is its name), also when the case runs it through EVAL. */
    private static String arg(Case c, int i) {
        int base = c.argv().get(0).equals("EVAL") && !c.command().equals("eval") ? 3 : 0;
        return base + i < c.argv().size() ? c.argv().get(base + i) : "";
    }

    /**
     * SORT BY a pattern without '*' leaves a hash-table set in its hash order, and SORT BY a pattern reads a sorted
     * set from its hash table (ties, such as missing weights, stay in hash order); LIMIT then picks from that order.
     */
    private static boolean hashOrderedSort(Case c) {
        if (!c.command().startsWith("sort")) {
            return false;
        }
        String key = arg(c, 1);
        return key.equals("sset") || key.startsWith("z") && c.argv().stream().anyMatch(a -> a.equalsIgnoreCase("by"));
    }

    private static boolean unordered(Case c) {
        return UNORDERED.contains(c.command()) || hashOrderedSort(c) || c.command().endsWith("scan");
    }

    private static boolean same(Case c, byte[] e, byte[] a) {
        if (Arrays.equals(e, a)) {
            return true;
        }
        if (e[0] == '-' || a[0] == '-' || e[0] != a[0]) {
            return false;
        }
        if (TYPE_ONLY.contains(c.command()) || hashOrderedSort(c)) {
            return true;
        }
        Object ev = RespParser.parseAll(e).get(0);
        Object av = RespParser.parseAll(a).get(0);
        if (c.command().endsWith("scan") && ev instanceof List<?> el && av instanceof List<?> al) {
            // Cursors follow each server's hash seed; only complete single-page scans compare their elements.
            return !"0".equals(RespParser.toText(el.get(0))) || !"0".equals(RespParser.toText(al.get(0)))
                    || !arg(c, c.command().equals("scan") ? 1 : 2).equals("0")
                    || sorted((Collection<?>) el.get(1)).equals(sorted((Collection<?>) al.get(1)));
        }
        if (UNORDERED.contains(c.command()) && ev instanceof Collection<?> ec && av instanceof Collection<?> ac) {
            return sorted(ec).equals(sorted(ac));
        }
        return false;
    }

    private static List<String> sorted(Collection<?> c) {
        List<String> out = new ArrayList<>();
        for (Object o : c) {
            out.add(o instanceof Reply.Status s ? s.text() : RespParser.toText(o));
        }
        out.sort(null);
        return out;
    }
}
