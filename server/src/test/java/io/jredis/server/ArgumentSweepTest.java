package io.jredis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.ArgumentSweep;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TempPaths;
import io.jredis.server.testing.TestServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ArgumentSweep} over every command of the server module (the persistence and replication modules sweep
 * theirs): unusual arguments must get Redis 7.0.15's exact replies, in RESP2 and RESP3.
 */
class ArgumentSweepTest {
    /** Registered by the persistence and replication modules, absent from a bare server-module engine. */
    private static final Set<String> OTHER_MODULES = Set.of("role", "bgsave", "replconf", "lastsave", "psync",
            "failover", "save", "dump", "sync", "slaveof", "migrate", "replicaof", "wait", "restore-asking",
            "bgrewriteaof", "restore");

    /**
     * Commands whose replies a sweep cannot compare: LOLWUT draws random art (LolwutTest checks its shape), and
     * SCRIPT DEBUG turns the connection's next script into a Lua debugger session (LuaDebuggerTest).
     */
    private static final Set<String> UNSWEPT = Set.of("lolwut", "script|debug");

    /** Differences not fixed yet: argv pattern (regex over the space-joined argv) and why. */
    private static final Map<String, String> ALLOWED = Map.of(
            "^MEMORY MALLOC-STATS$", "jredis answers as a Redis built without jemalloc (bulk string, no jemalloc text)",
            "^EVAL return (0x|1e) 0$", "LuaJ's lexer accepts or throws on malformed numerals; its hook is private",
            "^EVAL goto x 0$", "LuaJ parses Lua 5.2's goto, which Lua 5.1 reads as a name");

    /** Cases the generator is unlikely to produce: option conflicts, boundaries, blocking commands' errors. */
    private static final String[][] HAND_WRITTEN = {
            {"set", "SET", "k", "v", "EX", "10", "PX", "10"},
            {"set", "SET", "k", "v", "NX", "XX"},
            {"set", "SET", "k", "v", "EX", "0"},
            {"set", "SET", "k", "v", "KEEPTTL", "EX", "1"},
            {"set", "SET", "k", "v", "GET", "NX"},
            {"set", "SET", "str", "v", "EXAT", "-1"},
            {"zadd", "ZADD", "k", "NX", "GT", "1", "a"},
            {"zadd", "ZADD", "k", "NX", "XX", "1", "a"},
            {"zadd", "ZADD", "k", "INCR", "1", "a", "2", "b"},
            {"zadd", "ZADD", "k", "GT", "LT", "1", "a"},
            {"zadd", "ZADD", "k", "nan", "a"},
            {"zincrby", "ZINCRBY", "zset", "nan", "a"},
            {"zadd", "ZADD", "zset", "INCR", "inf", "a"},
            {"lpos", "LPOS", "list", "a", "RANK", "0"},
            {"lpos", "LPOS", "list", "a", "RANK", "-9223372036854775808"},
            {"lpos", "LPOS", "list", "a", "COUNT", "-1"},
            {"lpos", "LPOS", "list", "a", "MAXLEN", "-1"},
            {"xadd", "XADD", "k", "MAXLEN", "~", "-1", "*", "f", "v"},
            {"xadd", "XADD", "k", "MAXLEN", "~", "10", "MINID", "1", "*", "f", "v"},
            {"xadd", "XADD", "k", "LIMIT", "10", "*", "f", "v"},
            {"xadd", "XADD", "stream", "1-1", "f", "v"},
            {"xadd", "XADD", "stream", "0-0", "f", "v"},
            {"xadd", "XADD", "k", "0-0", "f", "v"},
            {"xadd", "XADD", "stream", "3-*", "f", "v"},
            {"xadd", "XADD", "stream", "3-1", "f"},
            {"xtrim", "XTRIM", "stream", "MAXLEN", "=", "-1"},
            {"xtrim", "XTRIM", "stream", "MAXLEN", "~", "1", "LIMIT", "-1"},
            {"xtrim", "XTRIM", "stream", "MINID", "~", "1", "LIMIT", "10"},
            {"xtrim", "XTRIM", "stream", "MAXLEN", "1", "LIMIT", "10"},
            {"xsetid", "XSETID", "stream", "1-0"},
            {"xsetid", "XSETID", "stream", "5-0", "ENTRIESADDED", "1"},
            {"xsetid", "XSETID", "stream", "5-0", "MAXDELETEDID", "9-0"},
            {"xgroup|create", "XGROUP", "CREATE", "stream", "g", "$"},
            {"xgroup|create", "XGROUP", "CREATE", "nokey", "g", "$"},
            {"xgroup|create", "XGROUP", "CREATE", "stream", "g2", "$", "ENTRIESREAD", "-5"},
            {"xreadgroup", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "stream", ">"},
            {"xreadgroup", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "stream", "0"},
            {"xreadgroup", "XREADGROUP", "GROUP", "nog", "c", "STREAMS", "stream", ">"},
            {"xread", "XREAD", "COUNT", "-1", "STREAMS", "stream", "0"},
            {"xread", "XREAD", "STREAMS", "stream", "nokey", "0"},
            {"xread", "XREAD", "STREAMS", "stream", "$"},
            {"getex", "GETEX", "str", "PERSIST", "EX", "10"},
            {"getex", "GETEX", "str", "EX", "-1"},
            {"expire", "EXPIRE", "str", "10", "NX", "XX"},
            {"expire", "EXPIRE", "str", "10", "GT", "LT"},
            {"expire", "EXPIRE", "str", "9223372036854775807"},
            {"pexpire", "PEXPIRE", "str", "9223372036854775807"},
            {"expireat", "EXPIREAT", "str", "-9223372036854775808"},
            {"incrbyfloat", "INCRBYFLOAT", "int", "1e308"},
            {"incrbyfloat", "INCRBYFLOAT", "int", "0.1"},
            {"incrbyfloat", "INCRBYFLOAT", "int", "5.0e3"},
            {"incrby", "INCRBY", "int", "9223372036854775807"},
            {"decrby", "DECRBY", "int", "-9223372036854775808"},
            {"setrange", "SETRANGE", "str", "536870912", "x"},
            {"setrange", "SETRANGE", "nokey", "0", ""},
            {"getrange", "GETRANGE", "str", "-100", "-200"},
            {"lrange", "LRANGE", "list", "-100", "100"},
            {"sort", "SORT", "list", "BY", "nosort", "LIMIT", "0", "-1"},
            {"sort", "SORT", "list", "ALPHA", "STORE"},
            {"sort", "SORT", "list", "GET"},
            {"zrange", "ZRANGE", "zset", "0", "-1", "BYSCORE", "BYLEX"},
            {"zrange", "ZRANGE", "zset", "(1", "+inf", "BYSCORE", "LIMIT", "0"},
            {"zrange", "ZRANGE", "zset", "0", "-1", "LIMIT", "0", "1"},
            {"zrange", "ZRANGE", "zset", "[a", "[b", "BYLEX", "WITHSCORES"},
            {"zrangestore", "ZRANGESTORE", "dst", "zset", "0", "-1", "WITHSCORES"},
            {"zunionstore", "ZUNIONSTORE", "dst", "2", "zset", "set", "WEIGHTS", "1", "nan"},
            {"zunionstore", "ZUNIONSTORE", "dst", "2", "zset", "set", "AGGREGATE", "avg"},
            {"zinter", "ZINTER", "0", "zset"},
            {"zinter", "ZINTER", "-1", "zset"},
            {"zunion", "ZUNION", "3", "zset", "set"},
            {"bitcount", "BITCOUNT", "str", "0", "-1", "BIT"},
            {"bitcount", "BITCOUNT", "str", "0"},
            {"bitpos", "BITPOS", "str", "2"},
            {"bitfield", "BITFIELD", "str", "GET", "u64", "0"},
            {"bitfield", "BITFIELD", "str", "GET", "i65", "0"},
            {"bitfield", "BITFIELD", "str", "OVERFLOW", "bad", "GET", "u8", "0"},
            {"bitfield", "BITFIELD", "str", "INCRBY", "u2", "#1", "9223372036854775807"},
            {"blpop", "BLPOP", "list", "-1"},
            {"blpop", "BLPOP", "list", "abc"},
            {"blpop", "BLPOP", "list", "0"},
            {"blpop", "BLPOP", "str", "0"},
            {"brpop", "BRPOP", "list", "1e400"},
            {"blmove", "BLMOVE", "list", "dst", "UP", "LEFT", "0"},
            {"blmpop", "BLMPOP", "0", "1", "list", "LEFT", "COUNT", "0"},
            {"blmpop", "BLMPOP", "0", "0", "list", "LEFT"},
            {"blmpop", "BLMPOP", "-1", "1", "list", "LEFT"},
            {"bzpopmin", "BZPOPMIN", "zset", "-0.5"},
            {"bzmpop", "BZMPOP", "0", "1", "zset", "MIN", "COUNT", "-1"},
            {"bzmpop", "BZMPOP", "0", "1", "zset", "MAX", "COUNT", "2"},
            {"brpoplpush", "BRPOPLPUSH", "list", "hash", "0"},
            {"wait", "WAIT", "0", "0"},
            {"wait", "WAIT", "-1", "0"},
            {"wait", "WAIT", "0", "-1"},
            {"wait", "WAIT", "abc", "0"},
            {"client|kill", "CLIENT", "KILL", "ID", "abc"},
            {"client|kill", "CLIENT", "KILL", "1.2.3.4:5"},
            {"client|kill", "CLIENT", "KILL", "TYPE", "bad"},
            {"client|kill", "CLIENT", "KILL", "BADOPT", "x"},
            {"client|pause", "CLIENT", "PAUSE", "-1"},
            {"client|pause", "CLIENT", "PAUSE", "abc"},
            {"client|pause", "CLIENT", "PAUSE", "10", "BAD"},
            {"client|reply", "CLIENT", "REPLY", "BAD"},
            {"debug", "DEBUG", "BADSUB"},
            {"replicaof", "REPLICAOF", "127.0.0.1", "abc"},
            {"failover", "FAILOVER", "TIMEOUT", "-1"},
            {"failover", "FAILOVER", "BAD"},
            {"migrate", "MIGRATE", "127.0.0.1", "abc", "str", "0", "10"},
            {"migrate", "MIGRATE", "127.0.0.1", "1", "str", "0", "abc"},
            {"migrate", "MIGRATE", "127.0.0.1", "1", "", "0", "10", "KEYS"},
            {"shutdown", "SHUTDOWN", "BAD"},
            {"shutdown", "SHUTDOWN", "NOSAVE", "SAVE"},
            {"bgsave", "BGSAVE", "BAD"},
            {"eval", "EVAL", "x =", "0"},
            {"eval", "EVAL", "local", "0"},
            {"eval", "EVAL", "return 'abc", "0"},
            {"eval", "EVAL", "return \"abc\ndef\"", "0"},
            {"eval", "EVAL", "f(", "0"},
            {"eval", "EVAL", "for i=1 do end", "0"},
            {"eval", "EVAL", "a.b", "0"},
            {"eval", "EVAL", "(a) = 1", "0"},
            {"eval", "EVAL", "f() = 1", "0"},
            {"eval", "EVAL", "a, b", "0"},
            {"eval", "EVAL", "return 1 +", "0"},
            {"eval", "EVAL", "return 0x", "0"},
            {"eval", "EVAL", "return 1e", "0"},
            {"eval", "EVAL", "if true then", "0"},
            {"eval", "EVAL", "\n\nreturn @", "0"},
            {"eval", "EVAL", "return [[abc", "0"},
            {"eval", "EVAL", "local function f() return 1 end end", "0"},
            {"eval", "EVAL", "goto x", "0"},
            {"eval", "EVAL", "return ...", "0"},
            {"eval", "EVAL", "local x <const> = 1", "0"},
            {"eval", "EVAL", "return 1 // 2", "0"},
            {"eval", "EVAL", "return loadstring('x =')", "0"},
            {"function|load", "FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() end) x ="},
            {"object|encoding", "OBJECT", "ENCODING", "int"},
            {"object|encoding", "OBJECT", "ENCODING", "stream"},
            {"object|encoding", "OBJECT", "ENCODING", "hll"},
    };

    /**
     * CONFIG SET of every numeric and yes/no parameter both servers know, with values no such parameter accepts
     * (so neither server's configuration changes), plus duplicated and mixed parameters.
     */
    private static List<ArgumentSweep.Case> configSetCases() throws Exception {
        Map<String, String> real = configs(redis.port());
        Map<String, String> ours = configs(jredis.port());
        List<String[]> lines = new ArrayList<>();
        for (Map.Entry<String, String> e : real.entrySet()) {
            String v = e.getValue();
            boolean bool = v.equals("yes") || v.equals("no");
            if (!ours.containsKey(e.getKey())) {
                continue;
            }
            if (!bool && !v.matches("-?[0-9]+")) {
                if (!v.isEmpty() && !FREE_TEXT.contains(e.getKey()) && !e.getKey().startsWith("tls-")) {
                    // Enumerations and structured values: a word none of them accepts, and the value in upper case.
                    lines.add(new String[] {"config|set", "CONFIG", "SET", e.getKey(), "bad-value-x"});
                    lines.add(new String[] {"config|set", "CONFIG", "SET", e.getKey(), v.toUpperCase()});
                }
                continue;
            }
            for (String bad : new String[] {"abc", "", "1.5", "99999999999999999999", bool ? "1" : "yes"}) {
                // Memory parameters take "" (0) and saturate huge values: those would change the servers.
                if (!MEMORY.contains(e.getKey()) || bad.equals("abc") || bad.equals("1.5") || bad.equals("yes")) {
                    lines.add(new String[] {"config|set", "CONFIG", "SET", e.getKey(), bad});
                }
            }
            lines.add(new String[] {"config|set", "CONFIG", "SET", e.getKey(), v, e.getKey(), v});
            lines.add(new String[] {"config|set", "CONFIG", "SET", e.getKey(), v, "nosuch", v});
            lines.add(new String[] {"config|set", "CONFIG", "SET", e.getKey().toUpperCase(), "abc"});
        }
        // An unsigned maxmemory beyond Long.MAX_VALUE is no limit (writes still work), then back to none.
        lines.add(new String[] {"config|set", "CONFIG", "SET", "maxmemory", "99999999999999999999"});
        lines.add(new String[] {"config", "CONFIG", "GET", "maxmemory"});
        lines.add(new String[] {"set", "SET", "k", "v"});
        lines.add(new String[] {"config|set", "CONFIG", "SET", "maxmemory", ""});
        lines.add(new String[] {"config", "CONFIG", "GET", "maxmemory"});
        return ArgumentSweep.cases(lines.toArray(String[][]::new));
    }

    /** Parameters with memory units (Redis 7.0.15 accepts "" and saturates out-of-range values for them). */
    private static final Set<String> MEMORY = Set.of("hll-sparse-max-bytes", "hash-max-listpack-value",
            "cluster-link-sendbuf-limit", "zset-max-listpack-value", "maxmemory", "maxmemory-clients",
            "stream-node-max-bytes", "auto-aof-rewrite-min-size", "hash-max-ziplist-value", "zset-max-ziplist-value");

    /** String parameters that accept any word (setting one would change the servers, or differ by design). */
    private static final Set<String> FREE_TEXT = Set.of("bind", "dbfilename", "pidfile", "logfile", "masterauth",
            "masteruser", "requirepass", "replica-announce-ip", "cluster-announce-ip", "cluster-announce-hostname",
            "aclfile", "unixsocket", "dir", "syslog-ident", "cluster-config-file", "appendfilename", "appenddirname",
            "ignore-warnings", "proc-title-template", "bind-source-addr", "save", "notify-keyspace-events");

    private static Map<String, String> configs(int port) throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            List<?> flat = (List<?>) c.call("CONFIG", "GET", "*");
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                out.put(RawClient.text(flat.get(i)), RawClient.text(flat.get(i + 1)));
            }
        }
        return out;
    }

    private static TestServer jredis;
    private static RealRedis redis;

    @BeforeAll
    static void start() throws Exception {
        RealRedis.assumeInstalled();
        redis = RealRedis.start();
        jredis = TestServer.start("dir", TempPaths.dir("sweep").toString());
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

    @Test
    void everyCommandAnswersUnusualArgumentsLikeRedis() throws Exception {
        Map<String, ArgumentSweep.CommandMeta> commands = ArgumentSweep.commands(redis.port());
        Set<String> expectedNames = new TreeSet<>(commands.keySet());
        Set<String> ourNames = new TreeSet<>(ArgumentSweep.commands(jredis.port()).keySet());
        expectedNames.removeAll(UNSWEPT);
        expectedNames.removeAll(OTHER_MODULES);
        ourNames.removeAll(UNSWEPT);
        assertEquals(expectedNames, ourNames, "COMMAND lists different commands");
        commands.keySet().retainAll(ourNames);

        List<ArgumentSweep.Case> cases = new ArrayList<>(ArgumentSweep.generate(commands));
        cases.addAll(ArgumentSweep.cases(Arrays.stream(HAND_WRITTEN).filter(l -> !OTHER_MODULES.contains(l[0]))
                .toArray(String[][]::new)));
        cases.addAll(configSetCases());
        ArgumentSweep.Result r = ArgumentSweep.run(redis.port(), jredis.port(), cases, ALLOWED);
        List<String> report = r.report();
        System.out.println("ArgumentSweepTest: " + r.cases() + " cases, " + r.comparisons() + " comparisons, "
                + r.diffs().size() + " kinds of difference");
        report.forEach(System.out::println);
        assertTrue(r.diffs().isEmpty(), r.diffs().size() + " kinds of difference:\n" + String.join("\n", report));
    }
}
