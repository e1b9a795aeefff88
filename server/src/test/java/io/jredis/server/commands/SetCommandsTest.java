package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.SharedServerTest;
import io.jredis.server.testing.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.SafeEncoder;

/** Set commands through Jedis: replies, errors, intset/hashtable encodings and SPOP's propagation as SREM. */
class SetCommandsTest extends SharedServerTest {
    private static String[] range(int from, int to) {
        return IntStream.range(from, to).mapToObj(Integer::toString).toArray(String[]::new);
    }

    @SuppressWarnings("unchecked")
    private List<String> rawList(Protocol.Command cmd, String... args) {
        List<String> out = new ArrayList<>();
        for (byte[] b : (List<byte[]>) j.sendCommand(cmd, args)) {
            out.add(SafeEncoder.encode(b));
        }
        return out;
    }

    @Test
    void basicMembership() {
        assertEquals(3, j.sadd("s1", "a", "b", "c", "a"));
        assertEquals(0, j.sadd("s1", "b"));
        assertEquals(Set.of("a", "b", "c"), j.smembers("s1"));
        assertTrue(j.sismember("s1", "a"));
        assertFalse(j.sismember("s1", "z"));
        assertFalse(j.sismember("nokey", "a"));
        assertEquals(List.of(true, false, true), j.smismember("s1", "a", "z", "c"));
        assertEquals(3, j.scard("s1"));
        assertEquals(0, j.scard("nokey"));
        assertEquals(2, j.srem("s1", "a", "b", "zz"));
        assertEquals(1, j.srem("s1", "c"));
        assertTrue(j.smembers("s1").isEmpty());
        assertEquals(0, j.srem("s1", "c"));
    }

    @Test
    void intsetIsSortedAndWidensAsNeeded() throws Exception {
        j.sadd("w", "5", "-3", "1");
        assertEquals("intset", server.encoding("w"));
        assertEquals(List.of("-3", "1", "5"), rawList(Protocol.Command.SMEMBERS, "w"));
        j.sadd("w", "70000", "-50000000000", "9223372036854775807", "-9223372036854775808");
        assertEquals("intset", server.encoding("w"));
        assertEquals(List.of("-9223372036854775808", "-50000000000", "-3", "1", "5", "70000", "9223372036854775807"),
                rawList(Protocol.Command.SMEMBERS, "w"));
        assertTrue(j.sismember("w", "-50000000000"));
        assertFalse(j.sismember("w", "05"));
        assertFalse(j.sismember("w", "99999999999999999999"));
        assertEquals(1, j.srem("w", "70000"));
        assertEquals(List.of("-9223372036854775808", "-50000000000", "-3", "1", "5", "9223372036854775807"),
                rawList(Protocol.Command.SMEMBERS, "w"));
    }

    @Test
    void encodingTransitions() throws Exception {
        j.sadd("big", range(0, 512));
        assertEquals("intset", server.encoding("big"));
        j.sadd("big", "512");
        assertEquals("hashtable", server.encoding("big"));
        j.srem("big", range(0, 500));
        assertEquals("hashtable", server.encoding("big"), "never converts back");
        assertEquals(13, j.scard("big"));

        j.sadd("str", "1", "2");
        j.sadd("str", "x");
        assertEquals("hashtable", server.encoding("str"));
        j.srem("str", "x");
        assertEquals("hashtable", server.encoding("str"));
        j.sadd("first", "x", "1");
        assertEquals("hashtable", server.encoding("first"));
        j.sadd("negzero", "-0");
        assertEquals("hashtable", server.encoding("negzero"));

        try (TestServer s = TestServer.start("set-max-intset-entries", "2"); Jedis k = new Jedis(s.host(), s.port())) {
            k.sadd("a", "1", "2");
            assertEquals("intset", s.encoding("a"));
            k.sadd("a", "3");
            assertEquals("hashtable", s.encoding("a"));
        }
    }

    @Test
    void storedResultsTakeTheEncodingOfTheirMembers() throws Exception {
        j.sadd("d0", "1", "2", "3", "4", "5", "6", "x");
        j.sadd("d1", "x");
        j.sadd("d2", "y");
        assertEquals(6, j.sdiffstore("r1", "d0", "d1"));
        assertEquals("intset", server.encoding("r1"), "diff algorithm 1 only adds survivors");
        assertEquals(6, j.sdiffstore("r2", "d0", "d1", "d2"));
        assertEquals("hashtable", server.encoding("r2"), "diff algorithm 2 added x before removing it");
        assertEquals(Set.of("1", "2", "3", "4", "5", "6"), j.smembers("r2"));
        assertEquals(7, j.sinterstore("r3", "d0", "d0"));
        assertEquals("hashtable", server.encoding("r3"));
        j.sadd("d3", "2", "3", "x");
        assertEquals(3, j.sinterstore("r4", "d0", "d3", "d3"));
        assertEquals("hashtable", server.encoding("r4"));
        assertEquals(Set.of("2", "3", "x"), j.sinter("d0", "d3"));
        j.srem("d3", "x");
        assertEquals(2, j.sinterstore("r4", "d0", "d3"));
        assertEquals("intset", server.encoding("r4"));
        assertEquals(7, j.sunionstore("r5", "d3", "d0"));
        assertEquals("hashtable", server.encoding("r5"));
        assertEquals(0, j.sinterstore("r5", "d0", "nokey"));
        assertNull(server.encoding("r5"), "an empty result deletes the destination");
    }

    @Test
    void spopPropagatesAsSrem() throws Exception {
        j.sadd("p", range(0, 10));
        propagated.clear();
        String one = j.spop("p");
        assertEquals(List.of("SREM p " + one), new ArrayList<>(propagated));
        assertFalse(j.sismember("p", one));

        propagated.clear();
        Set<String> two = j.spop("p", 2);
        assertEquals(2, two.size());
        assertEquals(7, j.scard("p"));
        // Several SREMs of one command go out as one transaction, as Redis 7.0 propagates them.
        assertEquals("MULTI", propagated.poll());
        assertEquals("EXEC", new ArrayList<>(propagated).get(2));
        propagated.removeIf("EXEC"::equals);
        assertEquals(two, propagated.stream().map(c -> c.split(" "))
                .peek(c -> assertEquals(List.of("SREM", "p"), List.of(c).subList(0, 2)))
                .map(c -> c[2]).collect(Collectors.toSet()));

        propagated.clear();
        Set<String> six = j.spop("p", 6); // few survivors: the set is rebuilt from them
        assertEquals(6, six.size());
        assertEquals(1, j.scard("p"));
        assertEquals(8, propagated.size());
        assertEquals("MULTI", propagated.poll());
        propagated.removeIf("EXEC"::equals);
        assertEquals(six, propagated.stream().map(c -> c.split(" ")[2]).collect(Collectors.toSet()));

        propagated.clear();
        Set<String> rest = j.spop("p", 5);
        assertEquals(1, rest.size());
        assertEquals(List.of("DEL p"), new ArrayList<>(propagated));
        assertNull(server.encoding("p"));

        propagated.clear();
        assertTrue(j.spop("p", 3).isEmpty());
        assertNull(j.spop("p"));
        assertTrue(propagated.isEmpty(), "nothing popped, nothing propagated");

        j.sadd("last", "x");
        assertEquals("x", j.spop("last"));
        assertNull(server.encoding("last"));
    }

    @Test
    void spopRebuildingFromSurvivorsRecomputesTheEncoding() throws Exception {
        j.sadd("rebuild", "a");
        j.sadd("rebuild", range(1, 21));
        j.srem("rebuild", "a");
        assertEquals("hashtable", server.encoding("rebuild"));
        assertEquals(19, j.spop("rebuild", 19).size());
        assertEquals("intset", server.encoding("rebuild"));
        assertEquals(1, j.scard("rebuild"));
    }

    @Test
    void srandmemberCounts() throws Exception {
        j.sadd("ri", range(0, 10));
        j.sadd("rh", range(0, 1000));
        j.sadd("rh", "x");
        for (String key : List.of("ri", "rh")) {
            Set<String> all = j.smembers(key);
            assertTrue(all.contains(j.srandmember(key)));
            for (int count : new int[] {1, 3, 5, all.size() - 1}) {
                List<String> picks = j.srandmember(key, count);
                assertEquals(count, picks.size());
                assertEquals(count, new HashSet<>(picks).size());
                assertTrue(all.containsAll(picks));
            }
            assertEquals(all, new HashSet<>(j.srandmember(key, all.size() + 1)));
            List<String> repeated = j.srandmember(key, -2 * all.size());
            assertEquals(2 * all.size(), repeated.size());
            assertTrue(all.containsAll(repeated));
            assertEquals(all.size(), j.scard(key), "SRANDMEMBER removes nothing");
        }
        assertTrue(j.srandmember("nokey", 5).isEmpty());
    }

    @Test
    void smoveSemantics() throws Exception {
        j.sadd("src", "1", "a");
        propagated.clear();
        assertEquals(1, j.smove("src", "dst", "1"));
        assertEquals("intset", server.encoding("dst"));
        assertEquals(1, propagated.size());
        assertEquals(0, j.smove("src", "dst", "1"));
        assertEquals(1, j.smove("src", "src", "a"), "same key: membership only");
        assertEquals(1, j.smove("src", "dst", "a"));
        assertNull(server.encoding("src"), "the emptied source is deleted");
        assertEquals("hashtable", server.encoding("dst"));
        assertEquals(Set.of("1", "a"), j.smembers("dst"));
        assertEquals(0, j.smove("nokey", "dst", "a"));
    }

    @Test
    void intersectionsUnionsDifferences() {
        j.sadd("a", "1", "2", "3", "4");
        j.sadd("b", "3", "4", "5");
        j.sadd("c", "4", "x");
        assertEquals(List.of("3", "4"), rawList(Protocol.Command.SINTER, "a", "b"));
        assertEquals(Set.of("4"), j.sinter("a", "b", "c"));
        assertTrue(j.sinter("a", "nokey").isEmpty());
        assertEquals(2, j.sintercard("a", "b"));
        assertEquals(1, j.sintercard(1, "a", "b"));
        assertEquals(0, j.sintercard("a", "nokey"));
        assertEquals(List.of("1", "2", "3", "4", "5"), rawList(Protocol.Command.SUNION, "a", "b", "nokey"));
        assertEquals(List.of("1", "2"), rawList(Protocol.Command.SDIFF, "a", "b"));
        assertEquals(Set.of("1", "2", "3"), j.sdiff("a", "c"));
        assertTrue(j.sdiff("a", "b", "a").isEmpty());
        assertTrue(j.sdiff("nokey", "a").isEmpty());
        JedisDataException e = assertThrows(JedisDataException.class,
                () -> j.sendCommand(Protocol.Command.SINTERCARD, "0", "a"));
        assertEquals("ERR numkeys should be greater than 0", e.getMessage());
        e = assertThrows(JedisDataException.class, () -> j.sendCommand(Protocol.Command.SINTERCARD, "3", "a"));
        assertEquals("ERR Number of keys can't be greater than number of args", e.getMessage());
        e = assertThrows(JedisDataException.class,
                () -> j.sendCommand(Protocol.Command.SINTERCARD, "1", "a", "LIMIT", "-1"));
        assertEquals("ERR LIMIT can't be negative", e.getMessage());
    }

    @Test
    void sscanOfAHashtableVisitsEveryMemberOnce() {
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
            all.add("m" + i);
        }
        j.sadd("scan", all.toArray(String[]::new));
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            ScanResult<String> r = j.sscan("scan", cursor, new ScanParams().count(25));
            seen.addAll(r.getResult());
            cursor = r.getCursor();
            if (++calls == 10) {
                j.srem("scan", "m1", "m2", "m3"); // removed members may or may not show up
                j.sadd("scan", range(0, 2000)); // growth must not make the scan skip members
            }
        } while (!cursor.equals("0"));
        all.removeAll(Set.of("m1", "m2", "m3"));
        assertTrue(seen.containsAll(all));
        j.sadd("small", "3", "1", "2");
        ScanResult<String> r = j.sscan("small", "0", new ScanParams().count(1).match("[12]"));
        assertEquals("0", r.getCursor());
        assertEquals(List.of("1", "2"), r.getResult());
    }

    @Test
    void wrongTypeAndErrors() {
        j.set("str", "v");
        for (Runnable r : List.<Runnable>of(() -> j.sadd("str", "a"), () -> j.smembers("str"), () -> j.spop("str"),
                () -> j.srandmember("str", 2), () -> j.sinter("a", "str"), () -> j.sunionstore("d", "str"),
                () -> j.smove("str", "x", "a"), () -> j.sscan("str", "0"), () -> j.sintercard("nokey", "str"))) {
            JedisDataException e = assertThrows(JedisDataException.class, r::run);
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", e.getMessage());
        }
        j.sadd("set", "a");
        JedisDataException e = assertThrows(JedisDataException.class,
                () -> j.sendCommand(Protocol.Command.SPOP, "set", "-1"));
        assertEquals("ERR value is out of range, must be positive", e.getMessage());
        e = assertThrows(JedisDataException.class, () -> j.sendCommand(Protocol.Command.SPOP, "set", "1", "2"));
        assertEquals("ERR syntax error", e.getMessage());
        e = assertThrows(JedisDataException.class,
                () -> j.sendCommand(Protocol.Command.SRANDMEMBER, "set", "-9223372036854775808"));
        assertEquals("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
                e.getMessage());
        assertEquals(1, j.sunionstore("str", "set"), "a STORE overwrites any type");
        assertEquals(Set.of("a"), j.smembers("str"));
    }
}
