package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class ClientCommandTest {
    /**
     * Client ids count from where Redis's do: its two script clients (EVAL's and the function engine's) take 1 and
     * 2 at start, so the k-th connection a fresh server accepts is id 2 + k, whatever connections the test harness
     * made before.
     */
    @Test
    void connectionIdsFollowRedisScriptClients() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis redis = RealRedis.start(); TestServer jredis = TestServer.start()) {
            for (int port : new int[] {redis.port(), jredis.port()}) {
                try (RawClient c = new RawClient("127.0.0.1", port)) {
                    long id = (Long) c.call("CLIENT", "ID");
                    assertEquals(2 + c.infoLong("stats", "total_connections_received"), id, "port " + port);
                }
            }
        }
    }

    private static String raw(RawClient c, String... args) throws IOException {
        return new String(c.callRaw(RawClient.args(args)), StandardCharsets.ISO_8859_1);
    }

    private static String text(Object reply) {
        return RawClient.text(reply);
    }

    /** CLIENT LIST / INFO line as an ordered field map. */
    private static Map<String, String> fields(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : line.strip().split(" ")) {
            int eq = part.indexOf('=');
            m.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return m;
    }

    private static Map<String, String> info(RawClient c) throws IOException {
        return fields(text(c.call("CLIENT", "INFO")));
    }

    private static void send(RawClient c, String... args) throws IOException {
        c.send(RawClient.encode(RawClient.args(args)));
    }

    private static Map<String, String> listEntry(RawClient observer, long id) throws IOException {
        String list = text(observer.call("CLIENT", "LIST", "ID", Long.toString(id)));
        return list.isEmpty() ? Map.of() : fields(list);
    }

    @Test
    void infoLineHasRedisFieldsAndValues() throws Exception {
        Map<String, String> ours;
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            c.call("HELLO", "3", "SETNAME", "probe");
            c.call("SELECT", "2");
            ours = info(c);
            assertEquals(c.call("CLIENT", "ID"), Long.parseLong(ours.get("id")));
            assertTrue(ours.get("addr").startsWith("127.0.0.1:"));
            assertEquals("127.0.0.1:" + s.port(), ours.get("laddr"));
            assertTrue(Integer.parseInt(ours.get("fd")) > 2, "a real file descriptor");
        }
        try (RealRedis redis = RealRedis.start(); RawClient c = new RawClient("127.0.0.1", redis.port())) {
            c.call("HELLO", "3", "SETNAME", "probe");
            c.call("SELECT", "2");
            Map<String, String> theirs = info(c);
            assertEquals(List.copyOf(theirs.keySet()), List.copyOf(ours.keySet()), "same fields in the same order");
            // Timing-dependent fields (age, idle, reply buffer resizing) and per-connection ones aside, every value
            // matches what Redis reports for the same connection history.
            for (String f : List.of("id", "addr", "laddr", "fd", "age", "idle", "rbs", "rbp", "tot-mem")) {
                theirs.remove(f);
                ours.remove(f);
            }
            assertEquals(theirs, ours);
        }
    }

    /** CLIENT INFO run inside EXEC after WATCH: what multi=, multi-mem=, argv-mem= and the tot-mem growth show. */
    private static Map<String, String> insideExec(RawClient c) throws IOException {
        Map<String, String> before = info(c);
        c.call("WATCH", "a", "b", "c");
        c.call("MULTI");
        c.call("SET", "foo", "barbazbaz");
        c.call("GET", "foo");
        c.call("CLIENT", "INFO");
        List<?> exec = (List<?>) c.call("EXEC");
        Map<String, String> during = fields(text(exec.get(2)));
        Map<String, String> shown = new LinkedHashMap<>();
        for (String f : List.of("flags", "multi", "argv-mem", "multi-mem", "cmd")) {
            shown.put(f, during.get(f));
        }
        long growth = Long.parseLong(during.get("tot-mem")) - Long.parseLong(during.get("rbs"))
                - Long.parseLong(before.get("tot-mem")) + Long.parseLong(before.get("rbs"));
        shown.put("tot-mem growth", Long.toString(growth));
        shown.put("after", info(c).get("multi") + " " + info(c).get("multi-mem"));
        return shown;
    }

    @Test
    void transactionMemoryAsRedisAccountsIt() throws Exception {
        Map<String, String> ours;
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            ours = insideExec(c);
        }
        try (RealRedis redis = RealRedis.start(); RawClient c = new RawClient("127.0.0.1", redis.port())) {
            assertEquals(insideExec(c), ours);
        }
        assertEquals("x", ours.get("flags"), "still in MULTI state while EXEC runs");
        assertEquals("3", ours.get("multi"));
    }

    @Test
    void listFiltersByTypeAndId() throws Exception {
        try (TestServer s = TestServer.start(); RawClient a = new RawClient(s.host(), s.port());
                RawClient b = new RawClient(s.host(), s.port())) {
            long idA = (Long) a.call("CLIENT", "ID");
            long idB = (Long) b.call("CLIENT", "ID");
            assertEquals(idA + 1, idB);
            String all = text(a.call("CLIENT", "LIST"));
            String[] lines = all.split("\n");
            assertEquals(2, lines.length, all);
            assertTrue(all.endsWith("\n"));
            assertEquals(Long.toString(idA), fields(lines[0]).get("id"));
            assertEquals("client|id", fields(lines[1]).get("cmd"));
            assertEquals("client|list", fields(lines[0]).get("cmd"));
            assertEquals(all.split("\n").length, text(a.call("CLIENT", "LIST", "TYPE", "normal")).split("\n").length);
            assertEquals("", text(a.call("CLIENT", "LIST", "TYPE", "pubsub")));
            String byId = text(a.call("CLIENT", "LIST", "ID", Long.toString(idB), "999", Long.toString(idA)));
            String[] two = byId.split("\n");
            assertEquals(2, two.length);
            assertEquals(Long.toString(idB), fields(two[0]).get("id"), "in the order asked");
            assertEquals(Long.toString(idA), fields(two[1]).get("id"));
        }
    }

    @Test
    void subscribersAreOfTypePubsubInBothProtocols() throws Exception {
        try (TestServer s = TestServer.start(); RawClient observer = new RawClient(s.host(), s.port());
                RawClient resp2 = new RawClient(s.host(), s.port());
                RawClient resp3 = new RawClient(s.host(), s.port())) {
            long id2 = (Long) resp2.call("CLIENT", "ID");
            resp3.call("HELLO", "3");
            long id3 = (Long) resp3.call("CLIENT", "ID");
            resp2.call("SUBSCRIBE", "ch");
            resp3.call("PSUBSCRIBE", "p*");
            String pubsub = text(observer.call("CLIENT", "LIST", "TYPE", "pubsub"));
            assertEquals(2, pubsub.split("\n").length, pubsub);
            assertTrue(pubsub.contains("id=" + id2 + " ") && pubsub.contains("id=" + id3 + " "), pubsub);
            assertEquals(1, text(observer.call("CLIENT", "LIST", "TYPE", "normal")).split("\n").length);
            assertEquals(2L, observer.call("CLIENT", "KILL", "TYPE", "pubsub"));
            Await.until("the pubsub clients gone", 20, () -> {
                try {
                    return text(observer.call("CLIENT", "LIST", "TYPE", "pubsub")).isEmpty();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void setNameGetNameWithJedis() {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis(s.host(), s.port())) {
            assertNull(j.clientGetname());
            assertEquals("OK", j.clientSetname("worker-1"));
            assertEquals("worker-1", j.clientGetname());
            assertTrue(j.clientList().contains(" name=worker-1 "));
            assertEquals("OK", j.clientSetname(""));
            assertNull(j.clientGetname());
        }
    }

    @Test
    void setInfoIsUnknownAsInRedis70() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.\r\n",
                    raw(c, "CLIENT", "SETINFO", "LIB-NAME", "jedis"));
        }
    }

    @Test
    void helpListsRedisLines() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            List<?> help = (List<?>) c.call("client", "help");
            assertEquals(48, help.size());
            assertEquals("CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", text(help.get(0)));
            assertEquals("    Prints this help.", text(help.get(47)));
        }
    }

    @Test
    void noEvictShowsInFlags() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("N", info(c).get("flags"));
            assertEquals("+OK\r\n", raw(c, "CLIENT", "NO-EVICT", "on"));
            assertEquals("e", info(c).get("flags"));
            assertEquals("+OK\r\n", raw(c, "CLIENT", "NO-EVICT", "off"));
            assertEquals("N", info(c).get("flags"));
        }
    }

    @Test
    void replyOffOnSkip() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            // Nothing answers OFF, the PING, the error or SET; ON is the first reply the client sees.
            send(c, "CLIENT", "REPLY", "OFF");
            send(c, "PING", "one");
            send(c, "NOSUCHCOMMAND");
            send(c, "SET", "k", "v");
            assertEquals("+OK\r\n", raw(c, "CLIENT", "REPLY", "ON"));
            assertEquals("$1\r\nv\r\n", raw(c, "GET", "k"));
            // SKIP drops its own (empty) answer and the next command's reply only, even an error.
            send(c, "CLIENT", "REPLY", "SKIP");
            send(c, "NOSUCHCOMMAND");
            assertEquals("$3\r\ntwo\r\n", raw(c, "PING", "two"));
            send(c, "CLIENT", "REPLY", "SKIP");
            send(c, "PING", "skipped");
            assertEquals("$5\r\nthree\r\n", raw(c, "PING", "three"));
            // SKIP while OFF changes nothing: ON still answers +OK and the next reply arrives.
            send(c, "CLIENT", "REPLY", "OFF");
            send(c, "CLIENT", "REPLY", "SKIP");
            assertEquals("+OK\r\n", raw(c, "CLIENT", "REPLY", "ON"));
            assertEquals("+PONG\r\n", raw(c, "PING"));
        }
    }

    @Test
    void killByAddressOldForm() throws Exception {
        try (TestServer s = TestServer.start(); RawClient a = new RawClient(s.host(), s.port());
                RawClient b = new RawClient(s.host(), s.port())) {
            String addrB = info(b).get("addr");
            assertEquals("-ERR No such client\r\n", raw(a, "CLIENT", "KILL", "127.0.0.1:1"));
            assertEquals("+OK\r\n", raw(a, "CLIENT", "KILL", addrB));
            assertTrue(b.closedByServer());
            // The old form may kill the caller: it still gets its +OK first.
            assertEquals("+OK\r\n", raw(a, "CLIENT", "KILL", info(a).get("addr")));
            assertTrue(a.closedByServer());
        }
    }

    @Test
    void killWithFilters() throws Exception {
        try (TestServer s = TestServer.start(); RawClient a = new RawClient(s.host(), s.port());
                RawClient b = new RawClient(s.host(), s.port()); RawClient c = new RawClient(s.host(), s.port())) {
            long idB = (Long) b.call("CLIENT", "ID");
            long idA = (Long) a.call("CLIENT", "ID");
            assertEquals(":0\r\n", raw(a, "CLIENT", "KILL", "ID", Long.toString(idB), "TYPE", "pubsub"));
            assertEquals(":1\r\n", raw(a, "CLIENT", "KILL", "ID", Long.toString(idB), "USER", "default"));
            assertTrue(b.closedByServer());
            // SKIPME yes (the default) spares the caller among all normal clients.
            assertEquals(":0\r\n", raw(a, "CLIENT", "KILL", "ID", Long.toString(idA)));
            assertEquals(":1\r\n", raw(a, "CLIENT", "KILL", "TYPE", "normal", "LADDR", "127.0.0.1:" + s.port()));
            assertTrue(c.closedByServer());
            assertEquals(":1\r\n", raw(a, "CLIENT", "KILL", "ID", Long.toString(idA), "SKIPME", "no"));
            assertTrue(a.closedByServer());
        }
    }

    @Test
    void pauseWriteHoldsWritesUntilItEnds() throws Exception {
        try (TestServer s = TestServer.start(); RawClient admin = new RawClient(s.host(), s.port());
                RawClient writer = new RawClient(s.host(), s.port());
                RawClient reader = new RawClient(s.host(), s.port())) {
            long writerId = (Long) writer.call("CLIENT", "ID");
            long start = System.nanoTime();
            // Long enough that the checks below still fall within it when this thread is descheduled on a loaded
            // machine: once it ends, the SET runs and the GET sees it.
            assertEquals("+OK\r\n", raw(admin, "CLIENT", "PAUSE", "3000", "WRITE"));
            // A pipeline: the write is held, and the read behind it waits with it to keep the order.
            send(writer, "SET", "k", "1");
            send(writer, "GET", "k");
            Await.until("the writer postponed", 5, () -> {
                try {
                    Map<String, String> e = listEntry(reader, writerId);
                    return "b".equals(e.get("flags")) && "set".equals(e.get("cmd"));
                } catch (IOException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            assertEquals("$-1\r\n", raw(reader, "GET", "k"), "reads are not paused and the SET has not run");
            assertEquals("+OK\r\n", new String(writer.readRaw(), StandardCharsets.US_ASCII));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMs >= 2950, "released after the pause, waited " + waitedMs + " ms");
            assertEquals("$1\r\n1\r\n", new String(writer.readRaw(), StandardCharsets.US_ASCII));
            assertEquals("N", listEntry(reader, writerId).get("flags"));
        }
    }

    @Test
    void pauseAllHoldsEverythingAndUnpauseReleases() throws Exception {
        try (TestServer s = TestServer.start(); RawClient admin = new RawClient(s.host(), s.port());
                RawClient other = new RawClient(s.host(), s.port())) {
            long otherId = (Long) other.call("CLIENT", "ID");
            assertEquals("+OK\r\n", raw(admin, "CLIENT", "PAUSE", "60000"));
            send(other, "PING", "held");
            Await.until("the other client postponed", 5, () -> postponed(s, otherId));
            // CLIENT UNPAUSE would itself be held under ALL, so it comes from the engine's side here.
            unpause(s);
            assertEquals("$4\r\nheld\r\n", new String(other.readRaw(), StandardCharsets.US_ASCII));

            // A running pause only gets stronger and longer: a short ALL over a long WRITE holds reads for as long.
            assertEquals("+OK\r\n", raw(admin, "CLIENT", "PAUSE", "60000", "WRITE"));
            assertEquals("$-1\r\n", raw(other, "GET", "x"));
            assertEquals("+OK\r\n", raw(admin, "CLIENT", "PAUSE", "10", "ALL"));
            send(other, "GET", "x");
            Await.until("the other client postponed", 5, () -> postponed(s, otherId));
            unpause(s);
            assertEquals("$-1\r\n", new String(other.readRaw(), StandardCharsets.US_ASCII));

            // Under WRITE, CLIENT UNPAUSE runs and releases held writes.
            assertEquals("+OK\r\n", raw(admin, "CLIENT", "PAUSE", "60000", "WRITE"));
            send(other, "SET", "x", "1");
            Await.until("the other client postponed", 5, () -> postponed(s, otherId));
            assertEquals("+OK\r\n", raw(admin, "CLIENT", "UNPAUSE"));
            assertEquals("+OK\r\n", new String(other.readRaw(), StandardCharsets.US_ASCII));
            assertEquals("$1\r\n1\r\n", raw(admin, "GET", "x"));
        }
    }

    @Test
    void expiredKeysStayDuringPause() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.host(), s.port())) {
            assertEquals("+OK\r\n", raw(c, "CLIENT", "PAUSE", "60000", "WRITE"));
            int size = s.server().onEngine(() -> {
                var db = s.server().engine().database(0);
                db.setExpire(db.set("gone".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8),
                        false), System.currentTimeMillis() - 1);
                return db.size();
            });
            assertEquals(1, size);
            assertEquals("$-1\r\n", raw(c, "GET", "gone"), "logically expired");
            assertEquals(1, (int) s.server().onEngine(() -> s.server().engine().database(0).size()),
                    "but not deleted while paused");
            assertEquals("+OK\r\n", raw(c, "CLIENT", "UNPAUSE"));
            assertEquals("$-1\r\n", raw(c, "GET", "gone"));
            assertEquals(0, (int) s.server().onEngine(() -> s.server().engine().database(0).size()));
        }
    }

    private static boolean postponed(TestServer s, long id) {
        try {
            return s.server().onEngine(() -> s.server().engine().clients().get(id).postponed());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void unpause(TestServer s) throws Exception {
        s.server().onEngine(() -> {
            s.server().engine().unpauseClients();
            return null;
        });
    }

    @Test
    void idleTimeoutClosesIdleClientsOnly() throws Exception {
        try (TestServer s = TestServer.start("timeout", "1"); Socket idle = new Socket(s.host(), s.port());
                RawClient busy = new RawClient(s.host(), s.port())) {
            // Timed from before the PING, the idle client's last interaction: a test thread descheduled between the
            // reply and the clock would have made a punctual close look early.
            long start = System.nanoTime();
            idle.getOutputStream().write(RawClient.encode("PING".getBytes(StandardCharsets.US_ASCII)));
            InputStream in = idle.getInputStream();
            assertEquals('+', in.read());
            in.readNBytes(6);
            idle.setSoTimeout(100);
            boolean closed = false;
            while (!closed && System.nanoTime() - start < 6_000_000_000L) {
                try {
                    closed = in.read() < 0;
                } catch (SocketTimeoutException stillOpen) {
                    assertEquals("PONG", text(busy.call("PING")), "an active client stays");
                }
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(closed, "idle client closed");
            // Redis closes once more than `timeout` whole seconds passed since the last interaction.
            assertTrue(ms >= 900 && ms < 4000, "closed after " + ms + " ms");
        }
    }

    @Test
    void idleTimeoutSparesPausedClients() throws Exception {
        try (TestServer s = TestServer.start("timeout", "1"); RawClient admin = new RawClient(s.host(), s.port());
                RawClient held = new RawClient(s.host(), s.port())) {
            assertEquals("+OK\r\n", raw(admin, "CLIENT", "PAUSE", "2500"));
            send(held, "PING", "late");
            // Idle for over 2 s while postponed, yet it gets its reply when the pause ends.
            assertEquals("$4\r\nlate\r\n", new String(held.readRaw(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void maxclientsRejectsTheConnectionOverTheLimit() throws Exception {
        try (TestServer s = TestServer.start("maxclients", "2"); RawClient a = new RawClient(s.host(), s.port());
                RawClient b = new RawClient(s.host(), s.port())) {
            assertEquals("PONG", text(a.call("PING")));
            assertEquals("PONG", text(b.call("PING")));
            try (RawClient c = new RawClient(s.host(), s.port())) {
                assertEquals("-ERR max number of clients reached\r\n",
                        new String(c.readRaw(), StandardCharsets.US_ASCII));
                assertTrue(c.closedByServer());
            }
            List<String> names = new ArrayList<>();
            for (String line : text(a.call("CLIENT", "LIST")).split("\n")) {
                names.add(fields(line).get("id"));
            }
            assertEquals(2, names.size(), "the rejected connection is not a client");
            assertFalse(names.contains(null));
        }
    }
}
