package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.Engine;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.db.RedisObject;
import io.jredis.server.db.ValueType;
import io.jredis.server.testing.TestServer;
import io.jredis.server.util.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** DEL ... OBJECT and the expiry commands over a real socket with Jedis: replies, errors and propagation. */
class KeyCommandsTest {
    private static TestServer server;
    private static final List<String> propagated = new CopyOnWriteArrayList<>();
    private Jedis j;

    /** A stand-in for a collection type, so TYPE, OBJECT and COPY can be tested before the real types exist. */
    private static final class FakeList implements RedisObject {
        final List<String> items;

        FakeList(List<String> items) {
            this.items = new ArrayList<>(items);
        }

        @Override
        public ValueType type() {
            return ValueType.LIST;
        }

        @Override
        public String encoding() {
            return "quicklist";
        }

        @Override
        public RedisObject copy() {
            return new FakeList(items);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        onEngine(() -> {
            server.server().engine().addPropagationListener((db, argv) -> {
                StringBuilder sb = new StringBuilder().append(db);
                for (byte[] a : argv) {
                    sb.append(' ').append(Bytes.str(a));
                }
                propagated.add(sb.toString());
            });
            return null;
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void connect() throws Exception {
        onEngine(() -> {
            Engine e = server.server().engine();
            for (int i = 0; i < e.databaseCount(); i++) {
                e.database(i).clear();
            }
            return null;
        });
        propagated.clear();
        j = new Jedis(server.host(), server.port());
    }

    @AfterEach
    void disconnect() {
        j.close();
    }

    private static <T> T onEngine(Callable<T> task) throws Exception {
        return server.server().onEngine(task);
    }

    private static Database db(int i) {
        return server.server().engine().database(i);
    }

    private static String err(Executable call) {
        return assertThrows(JedisDataException.class, call).getMessage();
    }

    private Object raw(Protocol.Command cmd, String... args) {
        return j.sendCommand(cmd, args);
    }

    // ---- DEL, UNLINK, EXISTS, TYPE ----

    @Test
    void delAndUnlinkCountRemovedKeysAndPropagateAsSent() {
        j.set("a", "1");
        j.set("b", "2");
        j.set("c", "3");
        assertEquals(2, j.del("a", "a", "b", "missing"));
        assertEquals(1, j.unlink("c", "missing"));
        assertEquals(0, j.del("a"));
        assertEquals(0, j.exists("a", "b", "c"));
        assertEquals(List.of("0 SET a 1", "0 SET b 2", "0 SET c 3", "0 DEL a a b missing", "0 UNLINK c missing"),
                propagated, "a DEL that deleted nothing is not propagated");
        assertEquals("ERR wrong number of arguments for 'del' command", err(() -> raw(Protocol.Command.DEL)));
        assertEquals("ERR wrong number of arguments for 'unlink' command", err(() -> raw(Protocol.Command.UNLINK)));
    }

    @Test
    void existsCountsEveryNamedKeyIncludingDuplicates() {
        j.set("a", "1");
        assertEquals(3, j.exists("a", "a", "missing", "a"));
        assertTrue(j.exists("a"));
        assertFalse(j.exists("missing"));
        assertEquals("ERR wrong number of arguments for 'exists' command", err(() -> raw(Protocol.Command.EXISTS)));
    }

    @Test
    void typeNamesEachKind() throws Exception {
        j.set("s", "v");
        onEngine(() -> db(0).add(Bytes.of("l"), new FakeList(List.of("x"))));
        assertEquals("string", j.type("s"));
        assertEquals("list", j.type("l"));
        assertEquals("none", j.type("missing"));
    }

    // ---- RENAME, RENAMENX ----

    @Test
    void renameMovesValueAndTtlAndReplacesTheDestination() {
        j.set("src", "v");
        j.expire("src", 100);
        j.set("dst", "old");
        j.expire("dst", 5000);
        assertEquals("OK", j.rename("src", "dst"));
        assertFalse(j.exists("src"));
        assertEquals("v", j.get("dst"));
        assertEquals(100, j.ttl("dst"));
        j.set("plain", "p");
        assertEquals("OK", j.rename("plain", "dst"));
        assertEquals(-1, j.ttl("dst"), "the destination's old TTL does not survive");
        assertEquals("OK", j.rename("dst", "dst"), "same name: a no-op");
        assertEquals("p", j.get("dst"));
        assertEquals("ERR no such key", err(() -> j.rename("missing", "x")));
        assertEquals("ERR no such key", err(() -> j.rename("missing", "missing")));
        assertTrue(propagated.contains("0 RENAME src dst"));
        assertFalse(propagated.contains("0 RENAME dst dst"), "a same-name RENAME changes nothing");
    }

    @Test
    void renamenxOnlyRenamesToAFreeName() {
        j.set("a", "1");
        j.set("b", "2");
        assertEquals(0, j.renamenx("a", "b"));
        assertEquals("2", j.get("b"));
        assertEquals(0, j.renamenx("a", "a"));
        assertEquals(1, j.renamenx("a", "c"));
        assertEquals("1", j.get("c"));
        assertFalse(j.exists("a"));
        assertEquals("ERR no such key", err(() -> j.renamenx("missing", "x")));
        assertEquals("ERR wrong number of arguments for 'renamenx' command",
                err(() -> raw(Protocol.Command.RENAMENX, "a")));
    }

    // ---- KEYS, SCAN, RANDOMKEY ----

    @Test
    void keysMatchesGlobPatterns() {
        for (String k : List.of("user:1", "user:2", "user:10", "admin", "h\\x")) {
            j.set(k, "v");
        }
        assertEquals(Set.of("user:1", "user:2", "user:10", "admin", "h\\x"), j.keys("*"));
        assertEquals(Set.of("user:1", "user:2"), j.keys("user:?"));
        assertEquals(Set.of("user:1", "user:10"), j.keys("user:1*"));
        assertEquals(Set.of("user:1", "user:2"), j.keys("user:[12]"));
        assertEquals(Set.of("admin"), j.keys("[^u]*n"));
        assertEquals(Set.of(), j.keys("nothing*"));
    }

    @Test
    void scanIteratesEverythingWithCountMatchAndType() throws Exception {
        for (int i = 0; i < 300; i++) {
            j.set("key:" + i, "v");
        }
        onEngine(() -> db(0).add(Bytes.of("key:list"), new FakeList(List.of("x"))));
        Set<String> all = scanAll(new ScanParams().count(7), null);
        assertEquals(301, all.size());
        Set<String> matched = scanAll(new ScanParams().match("key:1?").count(50), null);
        assertEquals(Set.of("key:10", "key:11", "key:12", "key:13", "key:14", "key:15", "key:16", "key:17", "key:18",
                "key:19"), matched);
        assertEquals(Set.of("key:list"), scanAll(new ScanParams(), "list"));
        assertEquals(Set.of("key:list"), scanAll(new ScanParams(), "LIST"));
        assertEquals(300, scanAll(new ScanParams().match("*"), "string").size());
        assertEquals(Set.of(), scanAll(new ScanParams(), "nosuchtype"));
    }

    private Set<String> scanAll(ScanParams params, String type) {
        Set<String> seen = new HashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        int calls = 0;
        do {
            ScanResult<String> r = type == null ? j.scan(cursor, params) : j.scan(cursor, params, type);
            seen.addAll(r.getResult());
            cursor = r.getCursor();
            assertTrue(++calls < 10_000);
        } while (!cursor.equals("0"));
        return seen;
    }

    @Test
    void scanCountBoundsTheWorkPerCall() {
        for (int i = 0; i < 1000; i++) {
            j.set("k" + i, "v");
        }
        ScanResult<String> r = j.scan("0", new ScanParams().count(5));
        assertNotEquals("0", r.getCursor());
        assertTrue(r.getResult().size() >= 5 && r.getResult().size() < 40, "about COUNT keys: " + r.getResult());
        ScanResult<String> big = j.scan("0", new ScanParams().count(5000));
        assertEquals("0", big.getCursor());
        assertEquals(1000, big.getResult().size());
    }

    @Test
    void scanCursorAndOptionErrors() {
        j.set("k", "v");
        for (String bad : List.of("abc", "+", "-", " 0", "0 ", "0x1", "1.5", "18446744073709551616")) {
            assertEquals("ERR invalid cursor", err(() -> raw(Protocol.Command.SCAN, bad)), bad);
        }
        for (String ok : List.of("", "00", "-0", "+0", "18446744073709551615", "-1")) {
            assertTrue(raw(Protocol.Command.SCAN, ok, "COUNT", "100") instanceof List<?>, ok);
        }
        assertEquals("ERR syntax error", err(() -> raw(Protocol.Command.SCAN, "0", "COUNT", "0")));
        assertEquals("ERR syntax error", err(() -> raw(Protocol.Command.SCAN, "0", "COUNT", "-5")));
        assertEquals("ERR value is not an integer or out of range",
                err(() -> raw(Protocol.Command.SCAN, "0", "COUNT", "ten")));
        assertEquals("ERR syntax error", err(() -> raw(Protocol.Command.SCAN, "0", "MATCH")));
        assertEquals("ERR syntax error", err(() -> raw(Protocol.Command.SCAN, "0", "TYPE")));
        assertEquals("ERR syntax error", err(() -> raw(Protocol.Command.SCAN, "0", "FOO", "bar")));
        assertEquals("ERR wrong number of arguments for 'scan' command", err(() -> raw(Protocol.Command.SCAN)));
    }

    @Test
    void randomKeyReturnsAnExistingKeyOrNil() {
        assertNull(j.randomKey());
        j.set("only", "v");
        assertEquals("only", j.randomKey());
        for (int i = 0; i < 50; i++) {
            j.set("k" + i, "v");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            String k = j.randomKey();
            assertTrue(j.exists(k));
            seen.add(k);
        }
        assertTrue(seen.size() > 20, "draws spread over the keyspace: " + seen.size());
    }

    // ---- EXPIRE family ----

    @Test
    void expireOptionsNxXxGtLt() {
        j.set("k", "v");
        assertEquals(0, j.expire("k", 100, ExpiryOption.XX), "XX: no TTL yet");
        assertEquals(0, j.expire("k", 100, ExpiryOption.GT), "GT: no TTL counts as infinite");
        assertEquals(1, j.expire("k", 100, ExpiryOption.NX));
        assertEquals(0, j.expire("k", 200, ExpiryOption.NX));
        assertEquals(0, j.expire("k", 200, ExpiryOption.LT));
        assertEquals(1, j.expire("k", 200, ExpiryOption.GT));
        assertEquals(200, j.ttl("k"));
        assertEquals(0, j.expire("k", 100, ExpiryOption.GT));
        assertEquals(1, j.expire("k", 100, ExpiryOption.LT));
        assertEquals(1, j.expire("k", 150, ExpiryOption.XX));
        assertEquals(150, j.ttl("k"));
        assertEquals(1L, raw(Protocol.Command.EXPIRE, "k", "120", "xx", "lt"));
        assertEquals(120, j.ttl("k"));
        j.persist("k");
        assertEquals(1, j.expire("k", 100, ExpiryOption.LT), "LT: any time is less than infinite");
        assertEquals(0, j.expire("missing", 100));
    }

    @Test
    void expireErrors() {
        j.set("k", "v");
        String nxConflict = "ERR NX and XX, GT or LT options at the same time are not compatible";
        assertEquals(nxConflict, err(() -> raw(Protocol.Command.EXPIRE, "k", "100", "NX", "XX")));
        assertEquals(nxConflict, err(() -> raw(Protocol.Command.EXPIRE, "k", "100", "NX", "GT")));
        assertEquals(nxConflict, err(() -> raw(Protocol.Command.PEXPIRE, "k", "100", "lt", "nx")));
        assertEquals(nxConflict, err(() -> raw(Protocol.Command.EXPIRE, "k", "abc", "NX", "XX")),
                "options are checked before the time");
        assertEquals("ERR GT and LT options at the same time are not compatible",
                err(() -> raw(Protocol.Command.EXPIREAT, "k", "100", "GT", "LT")));
        assertEquals("ERR Unsupported option foo", err(() -> raw(Protocol.Command.EXPIRE, "k", "100", "foo")));
        assertEquals("ERR value is not an integer or out of range",
                err(() -> raw(Protocol.Command.EXPIRE, "k", "1.5")));
        assertEquals("ERR invalid expire time in 'expire' command",
                err(() -> raw(Protocol.Command.EXPIRE, "k", "9223372036854776")));
        assertEquals("ERR invalid expire time in 'expire' command",
                err(() -> raw(Protocol.Command.EXPIRE, "k", "-9223372036854776")));
        assertEquals("ERR invalid expire time in 'pexpire' command",
                err(() -> raw(Protocol.Command.PEXPIRE, "k", "9223372036854775807")));
        assertEquals("ERR invalid expire time in 'expireat' command",
                err(() -> raw(Protocol.Command.EXPIREAT, "k", "9223372036854776")));
        assertEquals(1L, raw(Protocol.Command.PEXPIREAT, "k", "9223372036854775807"), "absolute: no overflow");
        assertEquals(Long.MAX_VALUE, j.pexpireTime("k"));
        assertEquals(9223372036854776L, j.expireTime("k"));
        assertEquals("ERR wrong number of arguments for 'expire' command",
                err(() -> raw(Protocol.Command.EXPIRE, "k")));
    }

    @Test
    void expirePropagatesAsPexpireatWithTheAbsoluteTimeAndOptions() {
        j.set("k", "v");
        propagated.clear();
        long before = System.currentTimeMillis();
        j.expire("k", 100);
        j.pexpire("k", 50_000, ExpiryOption.LT);
        j.expireAt("k", 4102444800L);
        j.pexpireAt("k", 4102444800123L);
        long after = System.currentTimeMillis();
        assertEquals(4, propagated.size(), propagated.toString());
        long first = Long.parseLong(propagated.get(0).split(" ")[3]);
        assertTrue(first >= before + 100_000 && first <= after + 100_000, propagated.get(0));
        assertTrue(propagated.get(0).startsWith("0 PEXPIREAT k "));
        assertTrue(propagated.get(1).matches("0 PEXPIREAT k \\d+ LT"), propagated.get(1));
        assertEquals("0 PEXPIREAT k 4102444800000", propagated.get(2));
        assertEquals("0 PEXPIREAT k 4102444800123", propagated.get(3));
        assertEquals(0, j.expire("k", 10, ExpiryOption.NX));
        assertEquals(4, propagated.size(), "a refused EXPIRE changes nothing");
    }

    @Test
    void anExpireInThePastDeletesTheKeyAndPropagatesDel() throws Exception {
        long expiredBefore = server.server().engine().stats().expiredKeys;
        for (String cmd : List.of("EXPIRE k -1", "PEXPIRE k 0", "EXPIREAT k 1", "PEXPIREAT k 1000",
                "EXPIRE k -1 LT")) {
            j.set("k", "v");
            propagated.clear();
            String[] parts = cmd.split(" ");
            Object reply = raw(Protocol.Command.valueOf(parts[0]), Arrays.copyOfRange(parts, 1, parts.length));
            assertEquals(1L, reply, cmd);
            assertFalse(j.exists("k"), cmd);
            assertEquals(List.of("0 DEL k"), propagated, cmd);
        }
        j.set("k", "v");
        assertEquals(0, j.expire("k", -1, ExpiryOption.GT), "GT never beats no TTL");
        assertTrue(j.exists("k"));
        assertEquals(0, onEngine(() -> db(0).expiresSize()));
        assertEquals(expiredBefore, server.server().engine().stats().expiredKeys,
                "deleted by a command, not expired: Redis does not count these");
    }

    @Test
    void ttlFamily() {
        j.set("k", "v");
        assertEquals(-1, j.ttl("k"));
        assertEquals(-1, j.pttl("k"));
        assertEquals(-1, j.expireTime("k"));
        assertEquals(-1, j.pexpireTime("k"));
        assertEquals(-2, j.ttl("missing"));
        assertEquals(-2, j.pttl("missing"));
        assertEquals(-2, j.expireTime("missing"));
        assertEquals(-2, j.pexpireTime("missing"));
        j.pexpire("k", 10_499);
        assertEquals(10, j.ttl("k"), "rounded to the nearest second");
        long pttl = j.pttl("k");
        assertTrue(pttl > 10_000 && pttl <= 10_499, "pttl " + pttl);
        j.pexpire("k", 10_600);
        assertEquals(11, j.ttl("k"));
        j.pexpireAt("k", 4102444800499L);
        assertEquals(4102444800L, j.expireTime("k"));
        assertEquals(4102444800499L, j.pexpireTime("k"));
        j.pexpireAt("k", 4102444800500L);
        assertEquals(4102444801L, j.expireTime("k"));
    }

    @Test
    void persistRemovesTheTtl() throws Exception {
        j.set("k", "v");
        assertEquals(0, j.persist("k"));
        j.expire("k", 100);
        propagated.clear();
        assertEquals(1, j.persist("k"));
        assertEquals(-1, j.ttl("k"));
        assertEquals(0, onEngine(() -> db(0).expiresSize()));
        assertEquals(0, j.persist("missing"));
        assertEquals(List.of("0 PERSIST k"), propagated);
    }

    @Test
    void setOverwritingAKeyDropsItsTtlAndIndexEntry() throws Exception {
        j.set("k", "v");
        j.expire("k", 100);
        assertEquals(1, onEngine(() -> db(0).expiresSize()));
        j.set("k", "v2");
        assertEquals(-1, j.ttl("k"));
        assertEquals(0, onEngine(() -> db(0).expiresSize()));
    }

    @Test
    void touchAndReadsThatDoNotTouchTheAccessClock() throws Exception {
        j.set("k", "v");
        long oldAccess = System.currentTimeMillis() - 50_000;
        onEngine(() -> db(0).entry(Bytes.of("k")).access = oldAccess);
        j.exists("k");
        j.type("k");
        j.ttl("k");
        j.objectEncoding("k");
        long idle = j.objectIdletime("k");
        assertTrue(idle >= 49 && idle <= 51, "EXISTS, TYPE, TTL, OBJECT do not touch: idle " + idle);
        assertEquals(2, j.touch("k", "k", "missing"));
        assertTrue(j.objectIdletime("k") <= 1);
        assertEquals("ERR wrong number of arguments for 'touch' command", err(() -> raw(Protocol.Command.TOUCH)));
    }

    // ---- OBJECT ----

    @Test
    void objectSubcommands() throws Exception {
        j.set("int", "123");
        j.set("bigint", "12345");
        j.set("negative", "-1");
        j.set("embstr", "hello");
        j.set("raw", "x".repeat(45));
        onEngine(() -> db(0).add(Bytes.of("list"), new FakeList(List.of("x"))));
        assertEquals("int", Bytes.str(j.objectEncoding("int".getBytes())));
        assertEquals("embstr", Bytes.str(j.objectEncoding("embstr".getBytes())));
        assertEquals("raw", Bytes.str(j.objectEncoding("raw".getBytes())));
        assertEquals("quicklist", Bytes.str(j.objectEncoding("list".getBytes())));
        assertNull(j.objectEncoding("missing"));
        assertEquals(Integer.MAX_VALUE, j.objectRefcount("int"), "Redis shares the integers 0..9999");
        assertEquals(1, j.objectRefcount("bigint"));
        assertEquals(1, j.objectRefcount("negative"));
        assertEquals(1, j.objectRefcount("embstr"));
        assertEquals(1, j.objectRefcount("list"));
        assertNull(j.objectRefcount("missing"));
        assertEquals(0, j.objectIdletime("embstr"));
        assertNull(j.objectIdletime("missing"));
        assertNull(j.objectFreq("missing"));
        assertEquals("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when"
                + " switching between policies at runtime LRU and LFU data will take some time to adjust.",
                err(() -> j.objectFreq("embstr")));
        List<String> help = j.objectHelp();
        assertEquals(15, help.size());
        assertEquals("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help.get(0));
        assertEquals("    Prints this help.", help.get(14));
        assertEquals("ERR unknown subcommand 'foo'. Try OBJECT HELP.", err(() -> raw(Protocol.Command.OBJECT, "foo")));
        assertEquals("ERR wrong number of arguments for 'object|encoding' command",
                err(() -> raw(Protocol.Command.OBJECT, "ENCODING")));
        assertEquals("ERR wrong number of arguments for 'object|help' command",
                err(() -> raw(Protocol.Command.OBJECT, "HELP", "x")));
    }

    // ---- COPY, MOVE ----

    @Test
    void copyDuplicatesValueAndTtlWithinAndAcrossDatabases() throws Exception {
        j.set("src", "v");
        j.expire("src", 100);
        assertTrue(j.copy("src", "dst", false));
        assertEquals("v", j.get("dst"));
        assertEquals(100, j.ttl("dst"));
        assertFalse(j.copy("src", "dst", false), "destination exists");
        j.set("src", "v2");
        assertTrue(j.copy("src", "dst", true));
        assertEquals("v2", j.get("dst"));
        assertEquals(-1, j.ttl("dst"), "REPLACE drops the destination's TTL with it");
        assertFalse(j.copy("missing", "dst", true));
        assertTrue(j.copy("src", "src", 1, false), "same name in another database");
        assertTrue(j.copy("src", "other", 2, true));
        j.select(2);
        assertEquals("v2", j.get("other"));
        j.select(0);
        assertTrue(propagated.contains("0 COPY src other DB 2 REPLACE"), propagated.toString());
    }

    @Test
    void copyMakesAnIndependentCopyOfCollections() throws Exception {
        FakeList original = new FakeList(List.of("a", "b"));
        onEngine(() -> db(0).add(Bytes.of("l"), original));
        assertTrue(j.copy("l", "l2", false));
        Object copied = onEngine(() -> db(0).get(Bytes.of("l2")));
        assertNotSame(original, copied);
        assertEquals(original.items, ((FakeList) copied).items);
        assertEquals("list", j.type("l2"));
    }

    @Test
    void copyErrors() {
        j.set("k", "v");
        String same = "ERR source and destination objects are the same";
        assertEquals(same, err(() -> raw(Protocol.Command.COPY, "k", "k")));
        assertEquals(same, err(() -> raw(Protocol.Command.COPY, "missing", "missing", "DB", "0")));
        assertEquals("ERR DB index is out of range", err(() -> raw(Protocol.Command.COPY, "k", "x", "DB", "16")));
        assertEquals("ERR DB index is out of range", err(() -> raw(Protocol.Command.COPY, "k", "x", "DB", "-1")));
        assertEquals("ERR value is not an integer or out of range",
                err(() -> raw(Protocol.Command.COPY, "k", "x", "DB", "one")));
        assertEquals("ERR value is out of range, value must between -2147483648 and 2147483647",
                err(() -> raw(Protocol.Command.COPY, "k", "x", "DB", "4294967296")));
        assertEquals("ERR syntax error", err(() -> raw(Protocol.Command.COPY, "k", "x", "DB")));
        assertEquals("ERR syntax error", err(() -> raw(Protocol.Command.COPY, "k", "x", "FOO")));
        assertEquals("ERR wrong number of arguments for 'copy' command", err(() -> raw(Protocol.Command.COPY, "k")));
    }

    @Test
    void moveTransfersKeyAndTtlToAnotherDatabase() {
        j.set("k", "v");
        j.expire("k", 100);
        assertEquals(1, j.move("k", 3));
        assertFalse(j.exists("k"));
        j.select(3);
        assertEquals("v", j.get("k"));
        assertEquals(100, j.ttl("k"));
        j.set("taken", "there");
        j.select(0);
        j.set("taken", "here");
        assertEquals(0, j.move("taken", 3), "destination has the key");
        assertEquals("here", j.get("taken"));
        assertEquals(0, j.move("missing", 3));
        assertTrue(propagated.contains("0 MOVE k 3"), propagated.toString());
        String same = "ERR source and destination objects are the same";
        assertEquals(same, err(() -> j.move("taken", 0)));
        assertEquals(same, err(() -> j.move("missing", 0)), "checked before the key");
        assertEquals("ERR DB index is out of range", err(() -> j.move("taken", 16)));
        assertEquals("ERR DB index is out of range", err(() -> j.move("taken", -1)));
        assertEquals("ERR value is not an integer or out of range",
                err(() -> raw(Protocol.Command.MOVE, "taken", "x")));
    }

    // ---- expired keys ----

    /** Stores keys whose TTL has already passed, as happens between expiry and reclamation. */
    private void storeExpired(String... keys) throws Exception {
        onEngine(() -> {
            for (String k : keys) {
                Dict.Entry e = db(0).set(Bytes.of(k), Bytes.of("stale"), false);
                db(0).setExpire(e, System.currentTimeMillis() - 1000);
            }
            return null;
        });
    }

    @Test
    void anExpiredKeyIsNeverReturned() throws Exception {
        long expiredBefore = server.server().engine().stats().expiredKeys;
        storeExpired("e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9", "e10", "e11", "e12");
        assertEquals(Set.of(), j.keys("*"));
        assertEquals(Set.of(), scanAll(new ScanParams(), null));
        assertNull(j.randomKey());
        storeExpired("e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9", "e10", "e11", "e12");
        assertNull(j.get("e1"));
        assertFalse(j.exists("e2"));
        assertEquals("none", j.type("e3"));
        assertEquals(-2, j.ttl("e4"));
        assertEquals(-2, j.pttl("e4"));
        assertNull(j.objectEncoding("e5"));
        assertFalse(j.copy("e6", "copy", false));
        assertEquals(0, j.move("e7", 1));
        assertEquals("ERR no such key", err(() -> j.rename("e8", "x")));
        assertEquals(0, j.expire("e9", 100));
        assertEquals(0, j.persist("e10"));
        assertEquals(0, j.touch("e11"));
        assertEquals(0, j.del("e12"));
        assertEquals(0, onEngine(() -> db(0).size()));
        assertTrue(server.server().engine().stats().expiredKeys - expiredBefore >= 24,
                "each reclaimed key counts as expired");
        assertTrue(propagated.contains("0 DEL e12"), "reclaimed keys propagate as DEL");
    }
}
