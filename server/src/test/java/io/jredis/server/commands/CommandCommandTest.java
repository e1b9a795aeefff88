package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.command.CommandTable;
import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import io.jredis.server.util.SplitArgs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CommandCommandTest {
    /** Commands jredis may not implement yet, bound to a no-op so their key specs can be exercised. */
    private static final List<String> STUBS = List.of("mset", "msetnx", "zunionstore", "zinterstore", "zunion",
            "xread", "xreadgroup", "eval", "evalsha", "fcall", "sort", "sort_ro", "migrate", "bitfield",
            "bitfield_ro", "georadius", "georadiusbymember", "lmpop", "blmpop", "zmpop", "bzmpop", "sintercard",
            "del", "rename", "blpop", "brpoplpush", "smove", "lcs", "copy", "object|encoding", "object|help",
            "memory|usage", "xgroup|create", "xinfo|stream", "pfcount", "zrangestore", "geosearchstore");

    /** Command lines given to COMMAND GETKEYS and GETKEYSANDFLAGS, in redis-cli quoting. */
    private static final List<String> LINES = List.of(
            "mset a b c d", "mset a b c", "msetnx a b", "zunionstore d 2 a b", "zunionstore d 0 a",
            "zunionstore d 3 a b", "zunionstore d abc a", "zunionstore d 2 a b WEIGHTS 1 2", "zinterstore d 1 a",
            "zunion 2 a b WITHSCORES", "xread STREAMS s1 s2 0 0", "xread COUNT 2 STREAMS s1 0",
            "xread COUNT 2 BLOCK 0 STREAMS s1 s2 s3 0 0 0", "xread STREAMS s1 s2 0", "xread COUNT 1 s1 0 0",
            "xreadgroup GROUP g c STREAMS s1 >", "eval \"return 1\" 2 k1 k2 a1", "eval x 0", "eval x 3 a b",
            "eval x -1", "evalsha abc 1 k", "fcall f 1 k a", "sort k", "sort k store d",
            "sort k BY w GET x STORE d LIMIT 0 1", "sort k BY store STORE d", "sort k LIMIT store 1 STORE d",
            "sort_ro k BY w", "migrate h 6379 k 0 1000", "migrate h 6379 \"\" 0 1000 KEYS a b c",
            "migrate h 6379 \"\" 0 1000 AUTH p KEYS a b", "migrate h 6379 k 0 1000 KEYS a b",
            "migrate h 6379 \"\" 0 1000 AUTH2 u p COPY REPLACE KEYS a", "bitfield k GET u8 0",
            "bitfield k SET u8 0 1", "bitfield k OVERFLOW WRAP GET u8 0", "bitfield k", "bitfield k GET u8",
            "bitfield_ro k GET u8 0", "georadius k 1 2 3 km STORE d", "georadius k 1 2 3 km STOREDIST d2 STORE d",
            "georadiusbymember k m 3 km STORE d", "lmpop 2 a b LEFT", "blmpop 0 2 a b LEFT COUNT 3",
            "zmpop 1 a MIN", "bzmpop 0 1 a MIN", "sintercard 2 a b LIMIT 1", "del a b c", "rename a b",
            "blpop a b 0", "brpoplpush a b 0", "smove a b m", "lcs a b", "copy a b DB 1", "object encoding k",
            "object help", "object nosuch k", "memory usage k", "memory usage k SAMPLES 5", "xgroup create s g $",
            "pfcount a b", "zrangestore d s 0 1", "geosearchstore d s FROMMEMBER m BYRADIUS 1 km",
            "xinfo stream s FULL", "set a b", "set a b get", "SET a b NX GET", "set a b getx", "get a", "get a b",
            "ping x", "nosuch a", "get");

    private static TestServer withStubs() throws Exception {
        TestServer s = TestServer.start();
        s.server().onEngine(() -> {
            CommandTable t = s.server().engine().commands();
            for (String name : STUBS) {
                t.register(name, (c, argv) -> c.reply().ok());
            }
            return null;
        });
        return s;
    }

    private static byte[][] line(String prefix, String cmd) {
        List<byte[]> args = SplitArgs.split((prefix + " " + cmd).getBytes(StandardCharsets.UTF_8));
        return args.toArray(new byte[0][]);
    }

    @Test
    void getKeysMatchesRealRedisByteForByte() throws Exception {
        try (RealRedis redis = RealRedis.start(); TestServer s = withStubs();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient ours = new RawClient(s.host(), s.port())) {
            List<String> mismatches = new ArrayList<>();
            for (String prefix : List.of("COMMAND GETKEYS", "COMMAND GETKEYSANDFLAGS")) {
                for (String cmd : LINES) {
                    byte[][] argv = line(prefix, cmd);
                    byte[] expected = real.callRaw(argv);
                    byte[] actual = ours.callRaw(argv);
                    if (!Arrays.equals(expected, actual)) {
                        mismatches.add(prefix + " " + cmd + "\n  redis:  " + DifferentialRunner.show(expected)
                                + "\n  jredis: " + DifferentialRunner.show(actual));
                    }
                }
            }
            assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
        }
    }

    @Test
    void keySpecsFindKeysWithoutRealRedis() throws Exception {
        try (TestServer s = withStubs(); RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals(List.of("a", "c"), texts(c.call("COMMAND", "GETKEYS", "MSET", "a", "1", "c", "2")));
            assertEquals(List.of("d", "a", "b"), texts(c.call("COMMAND", "GETKEYS", "zunionstore", "d", "2", "a", "b",
                    "WEIGHTS", "1", "2")));
            assertEquals(List.of("s1", "s2"), texts(c.call("COMMAND", "GETKEYS", "xread", "COUNT", "2", "STREAMS",
                    "s1", "s2", "0", "0")));
            assertEquals(List.of("k", "d"), texts(c.call("COMMAND", "GETKEYS", "sort", "k", "BY", "store", "STORE",
                    "d")));
            assertEquals(List.of(), texts(c.call("COMMAND", "GETKEYS", "eval", "return 1", "0")));
            assertEquals("(error) ERR Invalid arguments specified for command",
                    RawClient.text(c.call("COMMAND", "GETKEYS", "zunionstore", "d", "0", "a")));
            assertEquals("(error) ERR The command has no key arguments",
                    RawClient.text(c.call("COMMAND", "GETKEYS", "object", "help")));
            assertEquals("(error) ERR Invalid number of arguments specified for command",
                    RawClient.text(c.call("COMMAND", "GETKEYS", "get", "a", "b")));
            assertEquals("(error) ERR Invalid command specified",
                    RawClient.text(c.call("COMMAND", "GETKEYS", "nosuch", "a")));
            Object flags = c.call("COMMAND", "GETKEYSANDFLAGS", "set", "k", "v", "GET");
            assertEquals("[[k, [RW, access, update]]]", RespParser.toText(flags));
        }
    }

    private static List<String> texts(Object reply) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) reply) {
            out.add(RawClient.text(o));
        }
        return out;
    }

    @Test
    void onlyImplementedCommandsAreListed() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            List<?> all = (List<?>) c.call("COMMAND");
            long count = (Long) c.call("COMMAND", "COUNT");
            assertEquals(count, all.size());
            Set<String> names = new TreeSet<>();
            for (Object entry : all) {
                names.add(RawClient.text(((List<?>) entry).get(0)));
            }
            assertTrue(names.containsAll(Set.of("get", "set", "command", "info", "debug", "flushall")), names.toString());
            assertFalse(names.contains("migrate"));
            assertEquals("(nil)", RespParser.toText(((List<?>) c.call("COMMAND", "INFO", "migrate")).get(0)));
            assertEquals(List.of(), c.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "migrate"));
            Set<String> listed = new TreeSet<>(texts(c.call("COMMAND", "LIST")));
            assertTrue(listed.containsAll(names));
            assertTrue(listed.contains("command|getkeysandflags"));
            assertEquals(List.of("flushall", "flushdb"),
                    texts(c.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "FLUSH*")).stream().sorted().toList());
            assertTrue(texts(c.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "Keyspace")).contains("flushdb"));
        }
    }

    @Test
    void containerEntriesEqualRealRedisUpToSubcommandOrder() throws Exception {
        try (RealRedis redis = RealRedis.start(); TestServer s = TestServer.start();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient ours = new RawClient(s.host(), s.port())) {
            // Redis seeds its dict hashes randomly, so subcommands come in a different order on every start.
            assertEquals(sortedInfo(real.call("COMMAND", "INFO", "command")),
                    sortedInfo(ours.call("COMMAND", "INFO", "command")));
            assertEquals(sortedDocs(real.call("COMMAND", "DOCS", "command")),
                    sortedDocs(ours.call("COMMAND", "DOCS", "command")));
        }
    }

    /**
     * COMMAND INFO and COMMAND DOCS of every command and subcommand jredis lists equal real Redis's (subcommands
     * compared as sets: Redis lists them in its dict's random order), and every name jredis lists Redis lists too.
     */
    @Test
    void everyCommandsInfoAndDocsEqualRealRedis() throws Exception {
        try (RealRedis redis = RealRedis.start(); TestServer s = TestServer.start();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient ours = new RawClient(s.host(), s.port())) {
            Set<String> theirs = new TreeSet<>(texts(real.call("COMMAND", "LIST")));
            Set<String> names = new TreeSet<>(texts(ours.call("COMMAND", "LIST")));
            Set<String> unknown = new TreeSet<>(names);
            unknown.removeAll(theirs);
            assertEquals(Set.of(), unknown, "names Redis 7.0.15 does not list");
            List<String> diffs = new ArrayList<>();
            for (String name : names) {
                String expected = sortedInfo(real.call("COMMAND", "INFO", name));
                String actual = sortedInfo(ours.call("COMMAND", "INFO", name));
                if (!expected.equals(actual)) {
                    diffs.add("COMMAND INFO " + name + "\n  redis:  " + expected + "\n  jredis: " + actual);
                }
                expected = sortedDocs(real.call("COMMAND", "DOCS", name));
                actual = sortedDocs(ours.call("COMMAND", "DOCS", name));
                if (!expected.equals(actual)) {
                    diffs.add("COMMAND DOCS " + name + "\n  redis:  " + expected + "\n  jredis: " + actual);
                }
            }
            assertTrue(names.size() > 200, names.toString());
            assertEquals("", String.join("\n", diffs));
        }
    }

    private static String sortedInfo(Object reply) {
        List<?> entry = (List<?>) ((List<?>) reply).get(0);
        List<Object> copy = new ArrayList<>(entry.subList(0, 9));
        List<String> subs = new ArrayList<>();
        for (Object sub : (List<?>) entry.get(9)) {
            subs.add(RespParser.toText(sub));
        }
        subs.sort(Comparator.naturalOrder());
        return RespParser.toText(copy) + subs;
    }

    private static String sortedDocs(Object reply) {
        List<?> flat = (List<?>) reply;
        List<?> docs = (List<?>) flat.get(1);
        StringBuilder sb = new StringBuilder(RawClient.text(flat.get(0)));
        for (int i = 0; i < docs.size(); i += 2) {
            String key = RawClient.text(docs.get(i));
            if (key.equals("subcommands")) {
                List<?> subs = (List<?>) docs.get(i + 1);
                List<String> pairs = new ArrayList<>();
                for (int k = 0; k < subs.size(); k += 2) {
                    pairs.add(RespParser.toText(subs.get(k)) + "=" + RespParser.toText(subs.get(k + 1)));
                }
                pairs.sort(Comparator.naturalOrder());
                sb.append(key).append(pairs);
            } else {
                sb.append(key).append(RespParser.toText(docs.get(i + 1)));
            }
        }
        return sb.toString();
    }

    @Test
    void resp3RepliesKeepMapsAndSets() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            c.call("PING");
            s.switchClientsToResp3();
            Object docs = c.call("COMMAND", "DOCS", "get");
            assertTrue(docs instanceof Map<?, ?> m && m.containsKey("get"), String.valueOf(docs));
            String raw = new String(c.callRaw("COMMAND".getBytes(), "GETKEYSANDFLAGS".getBytes(), "get".getBytes(),
                    "k".getBytes()), StandardCharsets.US_ASCII);
            assertEquals("*1\r\n*2\r\n$1\r\nk\r\n~2\r\n+RO\r\n+access\r\n", raw);
        }
    }
}
