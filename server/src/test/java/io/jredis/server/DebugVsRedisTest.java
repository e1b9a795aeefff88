package io.jredis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.ServerPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DEBUG compared byte for byte with a real redis-server: PROTOCOL's sample replies in RESP2 and RESP3, the
 * subcommands Redis test suites use, and DIGEST / DIGEST-VALUE of the same dataset built on both (test suites compare
 * digests between a master and its replicas, so the algorithm must be Redis's).
 */
class DebugVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair("enable-debug-command", "yes");

    private static final String[] PROTOCOL_TYPES = {"string", "integer", "double", "bignum", "null", "array", "set",
        "map", "attrib", "push", "verbatim", "true", "false", "TRUE", "nosuchtype"};

    @BeforeEach
    void flush() throws IOException {
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("FLUSHALL");
            }
        }
    }

    @Test
    void protocolRepliesAreRedisBytesInBothProtocols() throws IOException {
        for (String hello : new String[] {"2", "3"}) {
            List<List<String>> sides = new ArrayList<>();
            for (int port : ports()) {
                List<String> replies = new ArrayList<>();
                try (RawClient c = new RawClient("127.0.0.1", port)) {
                    c.call("HELLO", hello);
                    for (String type : PROTOCOL_TYPES) {
                        String reply = raw(c, "DEBUG", "PROTOCOL", type);
                        if (hello.equals("3") && type.equals("push")) {
                            // The push is out of band: the in-band reply follows it.
                            reply += raw(c.readRaw());
                        }
                        replies.add(type + " -> " + reply);
                    }
                    replies.add(raw(c, "DEBUG", "PROTOCOL"));
                    replies.add(raw(c, "DEBUG", "PROTOCOL", "string", "extra"));
                }
                sides.add(replies);
            }
            assertEquals(sides.get(0), sides.get(1), "RESP" + hello + ": redis-server vs jredis");
        }
    }

    @Test
    void testSuiteSubcommandsReplyAsRedis() throws IOException {
        String[][] calls = {
            {"RPUSH", "list", "a", "b", "1"}, {"HSET", "hash", "f", "v"}, {"SET", "str", "foo"},
            {"DEBUG", "HELP"}, {"DEBUG", "HELP", "extra"}, {"DEBUG", "SLEEP", "0"}, {"DEBUG", "SLEEP", "0.01"},
            {"DEBUG", "SLEEP"},
            {"DEBUG", "SET-ACTIVE-EXPIRE", "0"}, {"DEBUG", "SET-ACTIVE-EXPIRE", "1"}, {"DEBUG", "SET-ACTIVE-EXPIRE"},
            {"DEBUG", "OBJECT", "nokey"}, {"DEBUG", "OBJECT", "str", "extra"}, {"DEBUG", "JMAP"},
            {"DEBUG", "CHANGE-REPL-ID"}, {"DEBUG", "CHANGE-REPL-ID", "extra"}, {"DEBUG", "STRINGMATCH-LEN"},
            {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"},
            {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1kb"}, {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "abc"},
            {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "-1"}, {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5000000000"},
            {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"}, {"DEBUG", "QUICKLIST-PACKED-THRESHOLD"},
            {"DEBUG", "LISTPACK", "hash"}, {"DEBUG", "LISTPACK", "list"}, {"DEBUG", "LISTPACK", "str"},
            {"DEBUG", "LISTPACK", "nokey"}, {"DEBUG", "LISTPACK", "hash", "extra"}, {"DEBUG", "QUICKLIST", "list"},
            {"DEBUG", "QUICKLIST", "list", "1"}, {"DEBUG", "QUICKLIST", "hash"}, {"DEBUG", "QUICKLIST", "nokey"},
            {"DEBUG", "QUICKLIST", "list", "1", "2"}, {"DEBUG", "DIGEST", "extra"}, {"DEBUG", "DIGEST-VALUE"},
            {"DEBUG", "NOSUCH"}, {"DEBUG", "NO\0SUCH", "1"}, {"DEBUG", "x".repeat(200)},
            {"DEBUG", "STRUCTSIZE"}, {"DEBUG", "STRUCTSIZE", "x"}, {"DEBUG", "LEAK", "abc"}, {"DEBUG", "LEAK"},
            {"DEBUG", "PAUSE-CRON", "1"}, {"DEBUG", "PAUSE-CRON", "0"}, {"DEBUG", "PAUSE-CRON"},
            {"EVAL", "return redis.call('debug', 'sleep', '0')", "0"},
            {"DEBUG", "SET-DISABLE-DENY-SCRIPTS", "1"}, {"EVAL", "return redis.call('debug', 'sleep', '0')", "0"},
            {"DEBUG", "SET-DISABLE-DENY-SCRIPTS", "0"}, {"DEBUG", "SET-DISABLE-DENY-SCRIPTS"},
            {"DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100"}, {"DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "never"},
            {"DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "abc"}, {"DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "reset"},
            {"DEBUG", "REPLYBUFFER", "RESIZING", "0"}, {"DEBUG", "REPLYBUFFER", "RESIZING", "1"},
            {"DEBUG", "REPLYBUFFER", "NOSUCH", "1"}, {"DEBUG", "REPLYBUFFER", "RESIZING"},
        };
        List<List<String>> sides = new ArrayList<>();
        for (int port : ports()) {
            List<String> replies = new ArrayList<>();
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                for (String[] call : calls) {
                    replies.add(String.join(" ", call) + " -> " + raw(c, call));
                }
            }
            sides.add(replies);
        }
        assertEquals(sides.get(0), sides.get(1));
    }

    /**
     * CLIENT-EVICTION, which redis-cli prints as raw text: an error while maxmemory-clients is 0, else the buckets
     * with the clients it may evict. Redis files a client after its first command, so a connection's first DEBUG
     * does not count itself and its second does. The memory figures are masked: Redis's is each client's as of its
     * last command or cron pass, not the moment DEBUG runs.
     */
    @Test
    void clientEvictionBucketsAsRedis() throws IOException {
        List<List<String>> sides = new ArrayList<>();
        for (int port : ports()) {
            List<String> out = new ArrayList<>();
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                out.add(raw(c, "DEBUG", "CLIENT-EVICTION"));
                out.add(raw(c, "DEBUG", "CLIENT-EVICTION", "extra"));
                c.call("CONFIG", "SET", "maxmemory-clients", "10mb");
                try (RawClient first = new RawClient("127.0.0.1", port)) {
                    for (int i = 0; i < 3; i++) {
                        if (i == 2) {
                            c.call("CLIENT", "NO-EVICT", "on");
                        }
                        out.add(raw(first, "DEBUG", "CLIENT-EVICTION").replaceAll("tot-mem: +[1-9]\\d*",
                                "tot-mem: N"));
                    }
                } finally {
                    c.call("CONFIG", "SET", "maxmemory-clients", "0");
                }
                out.add(raw(c, "DEBUG", "CLIENT-EVICTION"));
            }
            sides.add(out);
        }
        assertTrue(sides.get(0).get(3).contains(": tot-mem: N, clients: 2\n"),
                sides.get(0).get(3));
        assertEquals(sides.get(0), sides.get(1));
    }

    /**
     * The statistics DEBUG's lookups and errors leave, as Redis's: LISTPACK, QUICKLIST and HTSTATS-KEY look keys up
     * as OBJECT does (a keyspace hit or miss), OBJECT reads the dictionary (neither), and CLIENT-EVICTION's refusal
     * is an error reply counted in errorstats and as a failed call.
     */
    @Test
    void lookupsAndErrorsCountAsInRedis() throws IOException {
        String[][] calls = {
            {"DEBUG", "LISTPACK", "nokey"}, {"DEBUG", "LISTPACK", "str"}, {"DEBUG", "QUICKLIST", "nokey"},
            {"DEBUG", "QUICKLIST", "str"}, {"DEBUG", "HTSTATS-KEY", "nokey"}, {"DEBUG", "HTSTATS-KEY", "str"},
            {"DEBUG", "OBJECT", "nokey"}, {"DEBUG", "OBJECT", "str"}, {"DEBUG", "CLIENT-EVICTION"},
        };
        List<List<String>> sides = new ArrayList<>();
        for (int port : ports()) {
            List<String> out = new ArrayList<>();
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("SET", "str", "v");
                c.call("CONFIG", "RESETSTAT");
                for (String[] call : calls) {
                    c.call(call);
                }
                String stats = RawClient.text(c.call("INFO", "stats"));
                for (String f : List.of("keyspace_hits", "keyspace_misses", "total_error_replies")) {
                    out.add(f + ":" + RawClient.infoField(stats, f));
                }
                out.add(RawClient.text(c.call("INFO", "errorstats")));
                String cmdstat = RawClient.infoValue(RawClient.text(c.call("INFO", "commandstats")), "cmdstat_debug");
                out.add(cmdstat.replaceAll("usec=\\d+,usec_per_call=[\\d.]+,", ""));
            }
            sides.add(out);
        }
        assertEquals(sides.get(0), sides.get(1));
    }

    /** OBJECT's address stays while INCR changes an unshared integer in place, as Redis's robj does. */
    @Test
    void objectAddressSurvivesAnInPlaceIncr() throws IOException {
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("SET", "foo", "20000");
                c.call("INCR", "foo");
                String before = RawClient.text(c.call("DEBUG", "OBJECT", "foo")).split(" ")[1];
                c.call("INCR", "foo");
                String after = RawClient.text(c.call("DEBUG", "OBJECT", "foo")).split(" ")[1];
                assertTrue(before.startsWith("at:0x"), before);
                assertEquals(before, after, "port " + port);
            }
        }
    }

    /** OBJECT reads the stored entry as Redis's dictFind does: a logically expired key is described, not deleted. */
    @Test
    void objectDescribesALogicallyExpiredKeyWithoutDeletingIt() throws IOException {
        List<List<String>> sides = new ArrayList<>();
        for (int port : ports()) {
            List<String> out = new ArrayList<>();
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
                try {
                    c.call("SET", "k", "v", "PX", "1");
                    // A server-side pause: the key is past its expiry and only a lookup would delete it.
                    c.call("DEBUG", "SLEEP", "0.02");
                    String described = raw(c, "DEBUG", "OBJECT", "k");
                    out.add("expired -> " + described.substring(0, Math.min(10, described.length())));
                    out.add("dbsize -> " + raw(c, "DBSIZE"));
                    out.add("exists -> " + raw(c, "EXISTS", "k"));
                    out.add("after -> " + raw(c, "DEBUG", "OBJECT", "k"));
                } finally {
                    c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
                }
            }
            sides.add(out);
        }
        assertEquals("expired -> +Value at:", sides.get(0).get(0));
        assertEquals(sides.get(0), sides.get(1));
    }

    /** Not compared: redis-server's fuzz run can take many seconds, its reply is fixed text. */
    @Test
    void stringmatchTestRepliesAsRedis() throws IOException {
        try (RawClient c = new RawClient("127.0.0.1", servers.jredis().port())) {
            assertEquals("+Apparently Redis did not crash: test passed\r\n", raw(c, "DEBUG", "STRINGMATCH-TEST"));
        }
    }

    @Test
    void changeReplIdRenewsTheReplicationIdAndClearsTheSecondOne() throws IOException {
        try (RawClient c = new RawClient("127.0.0.1", servers.jredis().port())) {
            String before = field(c, "master_replid");
            assertEquals("+OK\r\n", raw(c, "DEBUG", "CHANGE-REPL-ID"));
            assertNotEquals(before, field(c, "master_replid"));
            assertTrue(field(c, "master_replid").matches("[0-9a-f]{40}"));
            assertEquals("0".repeat(40), field(c, "master_replid2"));
        }
    }

    @Test
    void digestsOfTheSameDatasetAreRedis() throws IOException {
        List<String[]> dataset = dataset();
        List<String> keys = new ArrayList<>();
        for (String[] call : dataset) {
            if (!call[0].equals("SELECT") && !call[0].startsWith("X") && !call[0].equals("EXPIRE")) {
                keys.add(call[1]);
            }
        }
        keys.add("stream");
        keys.add("nokey");
        List<List<String>> sides = new ArrayList<>();
        for (int port : ports()) {
            List<String> out = new ArrayList<>();
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                out.add("empty -> " + raw(c, "DEBUG", "DIGEST"));
                for (String[] call : dataset) {
                    Object reply = c.call(call);
                    assertTrue(!(reply instanceof io.jredis.server.protocol.Reply.RespError),
                            () -> String.join(" ", call) + " failed on port " + port + ": " + RawClient.text(reply));
                }
                c.call("SELECT", "0");
                for (String key : keys) {
                    out.add(key + " -> " + raw(c, "DEBUG", "DIGEST-VALUE", key));
                }
                out.add("all -> " + raw(c, "DEBUG", "DIGEST-VALUE", "str", "nokey", "zbig"));
                out.add("dataset -> " + raw(c, "DEBUG", "DIGEST"));
            }
            sides.add(out);
        }
        assertEquals(sides.get(0), sides.get(1));
    }

    /** Every type in each of its encodings, a TTL, an XDEL tombstone, a consumer group and a second database. */
    private static List<String[]> dataset() {
        List<String[]> d = new ArrayList<>();
        d.add(new String[] {"SET", "str", "hello"});
        d.add(new String[] {"SET", "int", "12345"});
        d.add(new String[] {"SET", "neg", "-7"});
        d.add(new String[] {"SET", "raw", "x".repeat(100)});
        d.add(new String[] {"SET", "ttl", "v"});
        d.add(new String[] {"EXPIRE", "ttl", "1000"});
        d.add(new String[] {"RPUSH", "list", "a", "b", "1", "-2", "007", ""});
        d.add(withMany(new String[] {"RPUSH", "biglist"}, 300, "e"));
        d.add(new String[] {"SADD", "intset", "3", "1", "-5", "100000000000"});
        d.add(withMany(new String[] {"SADD", "bigset"}, 600, "m"));
        d.add(new String[] {"ZADD", "zsmall", "0.1", "a", "1.5", "b", "-inf", "c", "3", "7", "1e300", "d"});
        List<String> z = new ArrayList<>(List.of("ZADD", "zbig"));
        for (int i = 0; i < 200; i++) {
            z.add(Double.toString(i / 3.0));
            z.add("member" + i);
        }
        d.add(z.toArray(new String[0]));
        d.add(new String[] {"HSET", "hsmall", "f1", "v1", "f2", "2", "3", ""});
        List<String> h = new ArrayList<>(List.of("HSET", "hbig"));
        for (int i = 0; i < 200; i++) {
            h.add("field" + i);
            h.add("value" + i);
        }
        d.add(h.toArray(new String[0]));
        for (int i = 1; i <= 250; i++) {
            d.add(new String[] {"XADD", "stream", i + "-" + (i % 3), "f", "v" + i, "g", Integer.toString(i)});
        }
        d.add(new String[] {"XDEL", "stream", "5-2"});
        d.add(new String[] {"XGROUP", "CREATE", "stream", "grp", "0"});
        d.add(new String[] {"SELECT", "3"});
        d.add(new String[] {"SET", "other-db", "1"});
        return d;
    }

    private static String[] withMany(String[] head, int n, String prefix) {
        List<String> out = new ArrayList<>(List.of(head));
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out.toArray(new String[0]);
    }

    private static int[] ports() {
        return new int[] {servers.redis().port(), servers.jredis().port()};
    }

    private static String raw(RawClient c, String... args) throws IOException {
        return raw(c.callRaw(RawClient.args(args)));
    }

    private static String raw(byte[] reply) {
        return new String(reply, StandardCharsets.UTF_8);
    }

    private static String field(RawClient c, String name) {
        String value = RawClient.infoValue(c.info("replication"), name);
        if (value == null) {
            throw new AssertionError("no " + name + " in INFO replication");
        }
        return value;
    }
}
