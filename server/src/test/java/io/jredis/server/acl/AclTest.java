package io.jredis.server.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.config.ConfigFile;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;

/** ACL users and permissions, AUTH through users, the ACL log, aclfile, protected mode and rename-command. */
class AclTest {
    private static final String NOPERM_KEY = "NOPERM this user has no permissions to access one of the keys used as "
            + "arguments";
    private static final String NOPERM_CHANNEL = "NOPERM this user has no permissions to access one of the channels "
            + "used as arguments";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void resetUsers() throws IOException {
        try (RawClient admin = admin()) {
            for (Object u : (List<?>) admin.call("ACL", "USERS")) {
                String name = RawClient.text(u);
                if (!name.equals("default")) {
                    admin.call("ACL", "DELUSER", name);
                }
            }
            admin.call("ACL", "LOG", "RESET");
            admin.call("FLUSHALL");
        }
    }

    private static RawClient admin() throws IOException {
        return new RawClient(server.host(), server.port());
    }

    private static RawClient as(String user, String pass) throws IOException {
        RawClient c = admin();
        assertEquals("OK", RawClient.text(c.call("AUTH", user, pass)));
        return c;
    }

    private static String call(RawClient c, String... args) throws IOException {
        return text(c.call(args));
    }

    /** A reply's text, errors without the "(error) " marker the parser adds. */
    private static String text(Object reply) {
        String t = RawClient.text(reply);
        return t != null && t.startsWith("(error) ") ? t.substring(8) : t;
    }

    private static String noCommand(String name) {
        return "NOPERM this user has no permissions to run the '" + name + "' command";
    }

    /**
     * EXEC checks the queued commands again: rules changed since they were queued refuse them one by one with
     * Redis's text, logged in the "multi" context, while the others run.
     */
    @Test
    void execRechecksPermissionsOfQueuedCommands() throws IOException {
        try (RawClient admin = admin()) {
            assertEquals("OK", call(admin, "ACL", "SETUSER", "tx", "on", ">t", "~*", "&*", "+@all"));
            assertEquals("OK", call(admin, "CONFIG", "RESETSTAT"));
            try (RawClient c = as("tx", "t")) {
                assertEquals("OK", call(c, "MULTI"));
                assertEquals("QUEUED", call(c, "SET", "k", "v"));
                assertEquals("QUEUED", call(c, "PUBLISH", "ch", "x"));
                assertEquals("QUEUED", call(c, "INCR", "x"));
                assertEquals("QUEUED", call(c, "PING"));
                assertEquals("OK", call(admin, "ACL", "SETUSER", "tx", "resetkeys", "~x", "resetchannels", "-ping"));
                List<?> replies = (List<?>) c.call("EXEC");
                String changed = "NOPERM ACLs rules changed between the moment the transaction was accumulated and "
                        + "the EXEC call. This command is no longer allowed for the following reason: ";
                assertEquals(changed + "no permission to touch the specified keys", text(replies.get(0)));
                assertEquals(changed + "no permission to access one of the channels used as arguments",
                        text(replies.get(1)));
                assertEquals("1", text(replies.get(2)));
                assertEquals(changed + "no permission to execute the command or subcommand", text(replies.get(3)));
            }
            assertEquals("0", text(admin.call("EXISTS", "k")));
            List<?> log = (List<?>) admin.call("ACL", "LOG");
            assertEquals(3, log.size());
            List<?> newest = (List<?>) log.get(0);
            assertEquals("multi", text(newest.get(newest.indexOf(newest.stream()
                    .filter(o -> "context".equals(RawClient.text(o))).findFirst().orElseThrow()) + 1)));
            String stats = text(admin.call("INFO", "errorstats"));
            assertTrue(stats.contains("errorstat_NOPERM:count=3"), stats);
        }
    }

    /** Each row: user, command, expected reply (OK for allowed commands whose reply is not under test). */
    @Test
    void permissionMatrix() throws IOException {
        try (RawClient admin = admin()) {
            assertEquals("OK", call(admin, "ACL", "SETUSER", "reader", "on", ">r", "%R~data:*", "+@read",
                    "+@connection"));
            assertEquals("OK", call(admin, "ACL", "SETUSER", "writer", "on", ">w", "%W~data:*", "+set", "+get",
                    "+del", "+copy"));
            assertEquals("OK", call(admin, "ACL", "SETUSER", "pub", "on", ">p", "resetchannels", "&news.*",
                    "+publish", "+subscribe", "+psubscribe"));
            assertEquals("OK", call(admin, "ACL", "SETUSER", "multi", "on", ">m", "+get", "~a:*", "(+set ~b:*)",
                    "+config|get", "+select|0"));
            call(admin, "SET", "data:1", "v");
        }
        String[][] rows = {
            {"reader", "GET data:1", "v"},
            {"reader", "GET other", NOPERM_KEY},
            {"reader", "SET data:1 x", noCommand("set")},
            {"reader", "MGET data:1 data:2 other", NOPERM_KEY},
            {"reader", "PING", "PONG"},
            {"writer", "SET data:2 x", "OK"},
            {"writer", "GET data:2", NOPERM_KEY},
            {"writer", "SET other x", NOPERM_KEY},
            {"writer", "SET data:2 x GET", NOPERM_KEY},
            {"writer", "COPY data:1 data:3", NOPERM_KEY},
            {"writer", "HSET data:1 f v", noCommand("hset")},
            {"pub", "PUBLISH news.today hi", "0"},
            {"pub", "PUBLISH sport hi", NOPERM_CHANNEL},
            {"pub", "PSUBSCRIBE news.x", NOPERM_CHANNEL},
            {"multi", "GET a:1", null},
            {"multi", "GET b:1", NOPERM_KEY},
            {"multi", "SET b:1 x", "OK"},
            {"multi", "SET a:1 x", NOPERM_KEY},
            {"multi", "DEL a:1", noCommand("del")},
            {"multi", "CONFIG GET maxmemory", null},
            {"multi", "CONFIG SET maxmemory 0", noCommand("config|set")},
            {"multi", "SELECT 0", "OK"},
            {"multi", "SELECT 1", noCommand("select")},
        };
        for (String[] row : rows) {
            try (RawClient c = as(row[0], row[0].substring(0, 1))) {
                Object reply = c.call(row[1].split(" "));
                if (row[2] != null) {
                    assertEquals(row[2], text(reply), row[0] + ": " + row[1]);
                } else {
                    assertFalse(text(reply) != null && text(reply).startsWith("NOPERM"), row[0] + ": " + row[1]);
                }
            }
        }
        // Pub/sub: a channel outside the user's patterns refuses the whole SUBSCRIBE.
        try (RawClient c = as("pub", "p")) {
            assertEquals(NOPERM_CHANNEL, call(c, "SUBSCRIBE", "news.a", "sport"));
            Object ok = c.call("SUBSCRIBE", "news.a");
            assertEquals("subscribe", RawClient.text(((List<?>) ok).get(0)));
        }
    }

    @Test
    void jedisSeesUsersAndRefusals() {
        try (Jedis admin = new Jedis(server.host(), server.port())) {
            assertEquals("OK", admin.aclSetUser("jane", "on", ">secret", "~j:*", "+@string"));
            try (Jedis jane = new Jedis(server.host(), server.port())) {
                assertThrows(JedisAccessControlException.class, () -> jane.auth("jane", "wrong"));
                assertEquals("OK", jane.auth("jane", "secret"));
                assertEquals(1L, admin.clientList().lines().filter(l -> l.contains(" user=jane ")).count());
                assertEquals("OK", jane.set("j:1", "v"));
                JedisDataException e = assertThrows(JedisDataException.class, () -> jane.set("k", "v"));
                assertEquals(NOPERM_KEY, e.getMessage());
                e = assertThrows(JedisDataException.class, () -> jane.lpush("j:2", "v"));
                assertEquals(noCommand("lpush"), e.getMessage());
                // Permission changes apply to connected clients at once.
                admin.aclSetUser("jane", "+lpush");
                assertEquals(1, jane.lpush("j:2", "v"));
            }
            assertEquals(List.of("default", "jane"), admin.aclUsers());
        }
    }

    @Test
    void aclLogRecordsRefusalsAndGroupsRepeats() throws IOException {
        try (RawClient admin = admin()) {
            call(admin, "ACL", "SETUSER", "lou", "on", ">l", "~k*", "+get", "+multi", "&ch");
            try (RawClient lou = as("lou", "l")) {
                call(lou, "SET", "k", "v");
                call(lou, "SET", "k", "v");
                call(lou, "GET", "zz");
                call(lou, "MULTI");
                call(lou, "GET", "other");
            }
            call(admin, "AUTH", "lou", "bad");
            List<?> log = (List<?>) admin.call("ACL", "LOG");
            assertEquals(4, log.size());
            List<?> auth = (List<?>) log.get(0);
            assertEquals(14, auth.size());
            assertEquals(List.of("count", "reason", "context", "object", "username", "age-seconds", "client-info"),
                    List.of(k(auth, 0), k(auth, 2), k(auth, 4), k(auth, 6), k(auth, 8), k(auth, 10), k(auth, 12)));
            assertEquals("auth", k(auth, 3));
            assertEquals("AUTH", k(auth, 7));
            assertEquals("lou", k(auth, 9));
            assertTrue(k(auth, 13).contains(" cmd=auth user=default "), k(auth, 13));
            List<?> multi = (List<?>) log.get(1);
            assertEquals(List.of("key", "multi", "other"), List.of(k(multi, 3), k(multi, 5), k(multi, 7)));
            List<?> key = (List<?>) log.get(2);
            assertEquals(List.of("key", "toplevel", "zz", "lou"), List.of(k(key, 3), k(key, 5), k(key, 7),
                    k(key, 9)));
            List<?> cmd = (List<?>) log.get(3);
            assertEquals(2L, cmd.get(1));
            assertEquals(List.of("command", "set"), List.of(k(cmd, 3), k(cmd, 7)));
            assertEquals(1, ((List<?>) admin.call("ACL", "LOG", "1")).size());
            assertEquals("OK", call(admin, "ACL", "LOG", "RESET"));
            assertEquals(0, ((List<?>) admin.call("ACL", "LOG")).size());
        }
    }

    private static String k(List<?> entry, int i) {
        return text(entry.get(i));
    }

    @Test
    void deletingAUserDisconnectsItsClientsDisablingDoesNot() throws Exception {
        try (RawClient admin = admin()) {
            call(admin, "ACL", "SETUSER", "temp", "on", ">t", "+@all", "~*");
            try (RawClient a = as("temp", "t"); RawClient b = as("temp", "t")) {
                String list = call(admin, "CLIENT", "LIST");
                assertEquals(2, list.split("user=temp ", -1).length - 1, list);
                assertEquals("OK", call(admin, "ACL", "SETUSER", "temp", "off"));
                assertEquals("PONG", call(a, "PING"));
                assertEquals("WRONGPASS invalid username-password pair or user is disabled.",
                        call(admin, "AUTH", "temp", "t"));
                assertEquals("1", call(b, "ACL", "DELUSER", "temp"));
                assertTrue(b.closedByServer());
                assertTrue(a.closedByServer());
            }
            call(admin, "ACL", "SETUSER", "k1", "on", ">k", "+@all");
            try (RawClient k = as("k1", "k")) {
                assertEquals("1", call(admin, "CLIENT", "KILL", "USER", "k1"));
                assertTrue(k.closedByServer());
            }
            assertEquals("ERR No such user 'ghost'", call(admin, "CLIENT", "KILL", "USER", "ghost"));
        }
    }

    @Test
    void requirepassIsTheDefaultUsersPassword() throws IOException {
        try (TestServer s = TestServer.start("requirepass", "s3cret"); RawClient c = new RawClient(s.host(),
                s.port())) {
            assertEquals("NOAUTH Authentication required.", call(c, "GET", "x"));
            assertEquals("WRONGPASS invalid username-password pair or user is disabled.", call(c, "AUTH", "no"));
            assertEquals("OK", call(c, "AUTH", "s3cret"));
            List<?> list = (List<?>) c.call("ACL", "LIST");
            assertEquals("user default on #" + Acl.hash("s3cret") + " ~* &* +@all", text(list.get(0)));
            assertEquals("OK", call(c, "CONFIG", "SET", "requirepass", ""));
            assertEquals("user default on nopass ~* &* +@all", text(((List<?>) c.call("ACL", "LIST")).get(0)));
            try (RawClient d = new RawClient(s.host(), s.port())) {
                assertEquals("PONG", call(d, "PING"));
                List<?> hello = (List<?>) d.call("HELLO", "2", "AUTH", "default", "anything");
                assertEquals("server", RawClient.text(hello.get(0)));
            }
        }
    }

    @Test
    void disabledConfigUserIsNoticedInTheLogAsByRedis(@TempDir Path dir) throws Exception {
        String users = "user bob off\nuser alice on nopass +@all\n";
        String notice = "The user 'bob' is disabled (there is no 'on' modifier in the user description). Make sure "
                + "this is not a configuration error.";
        Path conf = dir.resolve("users.conf");
        Files.writeString(conf, users);
        try (RealRedis real = RealRedis.startWithConfig(conf, "--loglevel", "notice")) {
            String log = Files.readString(real.dir().resolve("redis.log"));
            assertTrue(log.contains(notice), log);
            assertFalse(log.contains("The user 'alice'"), log);
        }
        ServerConfig cfg = new ServerConfig();
        new ConfigFile(cfg).loadString("bind 127.0.0.1\nport 0\n" + users);
        Path logfile = dir.resolve("jredis.log");
        try (RedisServer s = new RedisServer(cfg, Log.open(logfile.toString(), "notice"))) {
            s.start();
            String log = Files.readString(logfile);
            assertTrue(log.contains(notice), log);
            assertFalse(log.contains("The user 'alice'"), log);
        }
    }

    @Test
    void configUserLinesAndAclfileRoundTrip(@TempDir Path dir) throws Exception {
        ServerConfig cfg = new ServerConfig();
        new ConfigFile(cfg).loadString("bind 127.0.0.1\nport 0\nuser alice on >pw ~a* +@read\n");
        try (RedisServer s = new RedisServer(cfg, Log.silent())) {
            s.start();
            try (RawClient c = new RawClient("127.0.0.1", s.port())) {
                assertEquals("OK", call(c, "AUTH", "alice", "pw"));
                assertEquals(noCommand("set"), call(c, "SET", "a1", "v"));
            }
        }
        Path aclfile = dir.resolve("users.acl");
        Files.writeString(aclfile, "user default on nopass ~* &* +@all\nuser bob on #" + Acl.hash("b")
                + " ~b* resetchannels -@all +get\n");
        try (TestServer s = TestServer.start("aclfile", aclfile.toString()); RawClient c = new RawClient(s.host(),
                s.port())) {
            assertEquals(List.of("user bob on #" + Acl.hash("b") + " ~b* resetchannels -@all +get",
                    "user default on nopass ~* &* +@all"), texts(c.call("ACL", "LIST")));
            assertEquals("OK", call(c, "ACL", "SETUSER", "carl", "on", "nopass", "+@all", "~*", "(+get ~x)"));
            assertEquals("OK", call(c, "ACL", "SAVE"));
            List<String> saved = texts(c.call("ACL", "LIST"));
            assertEquals(String.join("\n", saved) + "\n", Files.readString(aclfile));
            try (RawClient bob = new RawClient(s.host(), s.port())) {
                assertEquals("OK", call(bob, "AUTH", "bob", "b"));
                Files.writeString(aclfile, "user default on nopass ~* &* +@all\n");
                assertEquals("OK", call(c, "ACL", "LOAD"));
                assertTrue(bob.closedByServer());
            }
            assertEquals(List.of("default"), texts(c.call("ACL", "USERS")));
            Files.writeString(aclfile, "user x on +nope\nbogus\n");
            assertEquals("ERR " + aclfile + ":1: Unknown command or category name in ACL. " + aclfile
                    + ":2 should start with user keyword followed by the username. WARNING: ACL errors detected, no "
                    + "change to the previously active ACL rules was performed", call(c, "ACL", "LOAD"));
            assertEquals(List.of("default"), texts(c.call("ACL", "USERS")));
        }
        // A relative aclfile is relative to dir (Redis chdirs there), for loading at start, ACL SAVE and ACL LOAD.
        Files.writeString(aclfile, "user default on nopass ~* &* +@all\nuser dan on nopass +ping\n");
        try (TestServer s = TestServer.start("dir", dir.toString(), "aclfile", "users.acl");
                RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals(List.of("dan", "default"), texts(c.call("ACL", "USERS")));
            assertEquals(1L, c.call("ACL", "DELUSER", "dan"));
            assertEquals("OK", call(c, "ACL", "SAVE"));
            assertEquals("user default on nopass ~* &* +@all\n", Files.readString(aclfile));
            Files.writeString(aclfile, "user default on nopass ~* &* +@all\nuser eve on nopass +ping\n");
            assertEquals("OK", call(c, "ACL", "LOAD"));
            assertEquals(List.of("default", "eve"), texts(c.call("ACL", "USERS")));
        }
    }

    private static List<String> texts(Object reply) {
        return ((List<?>) reply).stream().map(AclTest::text).toList();
    }

    @Test
    void renameCommandAppliesAfterRegistration() throws Exception {
        ServerConfig cfg = new ServerConfig();
        new ConfigFile(cfg).loadString("bind 127.0.0.1\nport 0\nrename-command get myget\n"
                + "rename-command flushall \"\"\n");
        long plainCount;
        try (RawClient c = admin()) {
            plainCount = (Long) c.call("COMMAND", "COUNT");
        }
        try (RedisServer s = new RedisServer(cfg, Log.silent())) {
            s.start();
            try (RawClient c = new RawClient("127.0.0.1", s.port())) {
                assertEquals("OK", call(c, "SET", "a", "1"));
                assertEquals("1", call(c, "MYGET", "a"));
                assertEquals("ERR unknown command 'GET', with args beginning with: 'a' ", call(c, "GET", "a"));
                assertEquals("ERR unknown command 'FLUSHALL', with args beginning with: ", call(c, "FLUSHALL"));
                assertEquals(plainCount - 1, c.call("COMMAND", "COUNT"));
                List<?> info = (List<?>) ((List<?>) c.call("COMMAND", "INFO", "myget")).get(0);
                assertEquals("get", RawClient.text(info.get(0)));
                // ACL rules keep using the original names, as in Redis.
                assertEquals("OK", call(c, "ACL", "SETUSER", "u", "+get"));
                assertTrue(call(c, "ACL", "SETUSER", "u", "+myget").startsWith("ERR Error in ACL SETUSER"));
            }
        }
    }

    @Test
    void protectedModeRefusesNonLoopbackClientsWithoutPassword() throws Exception {
        InetAddress external = nonLoopbackAddress();
        assumeTrue(external != null, "no non-loopback interface address on this machine");
        ServerConfig cfg = new ServerConfig();
        new ConfigFile(cfg).loadString("bind 127.0.0.1 " + external.getHostAddress() + "\nport 0\n");
        try (RedisServer s = new RedisServer(cfg, Log.silent())) {
            s.start();
            String reply = readAll(external, s.port());
            assertTrue(reply.startsWith("-DENIED Redis is running in protected mode because protected mode is "
                    + "enabled and no password is set for the default user. In this mode connections are only "
                    + "accepted from the loopback interface."), reply);
            assertTrue(reply.endsWith("accepting connections from the outside.\r\n"), reply);
            try (RawClient local = new RawClient("127.0.0.1", s.port())) {
                assertEquals("PONG", call(local, "PING"));
                assertTrue(call(local, "INFO", "stats").contains("rejected_connections:1"));
                call(local, "CONFIG", "SET", "requirepass", "pw");
            }
            assertEquals("-NOAUTH Authentication required.\r\n", firstLine(external, s.port(), "PING\r\n"));
        }
    }

    private static InetAddress nonLoopbackAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    /** Reads what the server sends on connecting, until it closes the connection. */
    private static String readAll(InetAddress host, int port) throws IOException {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** Sends a request and reads one line (the reply of a simple command). */
    private static String firstLine(InetAddress host, int port, String request) throws IOException {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            int ch;
            while ((ch = in.read()) >= 0) {
                sb.append((char) ch);
                if (sb.toString().endsWith("\r\n")) {
                    break;
                }
            }
            return sb.toString();
        }
    }
}
