package io.jredis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.ServerPair;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Differences found by driving redis-py 4.3.4 (its test suite, and the same calls compared reply by reply) against a
 * real redis-server and jredis; each test compares the two servers on what redis-py showed differing.
 */
class RedisPyVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair();

    @Test
    void commandStatsOfContainersMatchRedis() throws IOException {
        List<List<String>> sides = new ArrayList<>();
        for (int port : ports()) {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                // Counted before the reset: CONFIG RESETSTAT must clear the containers' counters too.
                c.call("ACL");
                c.call("OBJECT", "NOSUCH");
                c.call("CONFIG", "RESETSTAT");
                // An unknown subcommand is charged to no command; a missing one is charged to the container.
                c.call("SCRIPT", "NOSUCH");
                c.call("MEMORY", "NOSUCH");
                c.call("CLIENT", "NOSUCH", "x");
                c.call("CONFIG");
                c.call("OBJECT", "HELP", "x");
                sides.add(commandStats(RawClient.text(c.call("INFO", "commandstats"))));
            }
        }
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    @Test
    void scoreRangeBoundsOutOfDoubleRangeAreInfinitiesOrZero() throws IOException {
        String[] bounds = {"1e400", "(1e400", "-1e400", "(-1e400", "1e-400", "(1e-400", "-1e-400", " 1e400", "0x1p3",
            "(inf", "nan", "1e400x"};
        List<List<String>> sides = new ArrayList<>();
        for (int port : ports()) {
            List<String> out = new ArrayList<>();
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("DEL", "z");
                c.call("ZADD", "z", "-5", "neg", "0", "zero", "5", "pos");
                for (String b : bounds) {
                    out.add(b + " -> " + RawClient.text(c.call("ZCOUNT", "z", b, "+inf")) + " "
                            + RawClient.text(c.call("ZCOUNT", "z", "-inf", b)) + " "
                            + RawClient.text(c.call("ZRANGEBYSCORE", "z", b, "+inf")) + " "
                            + RawClient.text(c.call("ZRANGE", "z", "-inf", b, "BYSCORE")));
                }
            }
            sides.add(out);
        }
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    @Test
    void incrbyfloatResultIsNeverIntEncoded() throws IOException {
        String[][] calls = {
            {"INCRBYFLOAT", "a", "10"}, {"OBJECT", "ENCODING", "a"}, {"SET", "b", "5"}, {"INCRBYFLOAT", "b", "5"},
            {"OBJECT", "ENCODING", "b"}, {"EVAL", "return redis.call('incrbyfloat', KEYS[1], '3')", "1", "c"},
            {"OBJECT", "ENCODING", "c"}, {"COPY", "b", "d"}, {"OBJECT", "ENCODING", "d"}, {"INCR", "b"},
            {"OBJECT", "ENCODING", "b"}, {"INCRBYFLOAT", "e", "1.5"}, {"OBJECT", "ENCODING", "e"},
            {"INCRBYFLOAT", "f", "1e50"}, {"OBJECT", "ENCODING", "f"}, {"OBJECT", "REFCOUNT", "a"}};
        List<List<String>> sides = new ArrayList<>();
        for (int port : ports()) {
            List<String> out = new ArrayList<>();
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("FLUSHALL");
                for (String[] call : calls) {
                    out.add(String.join(" ", call) + " -> " + RawClient.text(c.call(call)));
                }
            }
            sides.add(out);
        }
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    @Test
    void lexRangesOverUnequalScoresFollowRedisShortcuts() throws IOException {
        // Only cases Redis decides before walking the set (first/last element against the bounds, empty bounds),
        // so its answer does not depend on the skiplist's random levels.
        String[][] ranges = {{"[b", "(c"}, {"[d", "[b"}, {"(b", "[b"}, {"-", "-"}, {"+", "+"},
            {"+", "-"}, {"[a", "(a"}};
        List<List<String>> sides = new ArrayList<>();
        for (int port : ports()) {
            List<String> out = new ArrayList<>();
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("FLUSHALL");
                for (String enc : new String[] {"128", "0"}) {
                    c.call("CONFIG", "SET", "zset-max-listpack-entries", enc);
                    c.call("DEL", "first", "last");
                    c.call("ZADD", "first", "1", "f2", "2", "a", "3", "b", "4", "c");
                    c.call("ZADD", "last", "1", "b", "2", "c", "3", "d", "4", "a");
                    for (String key : new String[] {"first", "last"}) {
                        for (String[] r : ranges) {
                            out.add(enc + " " + key + " " + r[0] + " " + r[1] + " -> "
                                    + RawClient.text(c.call("ZRANGEBYLEX", key, r[0], r[1])) + " "
                                    + RawClient.text(c.call("ZREVRANGEBYLEX", key, r[1], r[0])) + " "
                                    + RawClient.text(c.call("ZLEXCOUNT", key, r[0], r[1])) + " "
                                    + RawClient.text(c.call("ZRANGE", key, r[0], r[1], "BYLEX")));
                        }
                    }
                }
                c.call("CONFIG", "SET", "zset-max-listpack-entries", "128");
            }
            sides.add(out);
        }
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    @Test
    void clientListShowsNullCommandAfterUnknownSubcommand() throws IOException {
        String[][] calls = {{"CONFIG", "NOSUCH"}, {"XINFO", "NOSUCH"}, {"CONFIG"}, {"OBJECT", "HELP", "x"}, {"NOSUCH"}};
        List<List<String>> sides = new ArrayList<>();
        for (int port : ports()) {
            List<String> out = new ArrayList<>();
            for (String[] call : calls) {
                try (RawClient probe = new RawClient("127.0.0.1", port); RawClient c = new RawClient("127.0.0.1", port)) {
                    probe.call("CLIENT", "SETNAME", "probe");
                    probe.call(call);
                    String list = RawClient.text(c.call("CLIENT", "LIST"));
                    for (String line : list.split("\n")) {
                        if (line.contains(" name=probe ")) {
                            out.add(String.join(" ", call) + " -> " + line.replaceAll(".* (cmd=\\S+).*", "$1"));
                        }
                    }
                }
            }
            sides.add(out);
        }
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    /** The commandstats lines, sorted, without their timings. */
    private static List<String> commandStats(String info) {
        List<String> out = new ArrayList<>();
        for (String line : info.split("\r\n")) {
            if (line.startsWith("cmdstat_")) {
                out.add(line.replaceAll("usec=\\d+,usec_per_call=[\\d.]+,", ""));
            }
        }
        out.sort(null);
        return out;
    }

    private static int[] ports() {
        return new int[] {servers.redis().port(), servers.jredis().port()};
    }
}
