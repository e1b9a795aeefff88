package io.jredis.server;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.ScriptConnections;
import io.jredis.server.testing.ServerPair;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Blocking commands (BLPOP ... BZMPOP, XREAD/XREADGROUP BLOCK) compared byte for byte with a real redis-server, with
 * several connections: every script under {@code src/test/resources/blocking} runs on both servers.
 *
 * <p>Script syntax is the differential scripts' (see {@link DifferentialRunner}: {@code !sort}, {@code !type},
 * {@code !skip}) plus:
 * <ul>
 *   <li>{@code @N} before a line runs it on connection N (default 1); {@code {id:N}} in a command is replaced by
 *   connection N's CLIENT ID on that server;</li>
 *   <li>{@code !send CMD} sends a command that blocks and waits (bounded) until the server reports one more blocked
 *   client, without reading its reply; {@code !post CMD} sends without waiting for anything;</li>
 *   <li>{@code !recv} reads the connection's next reply on both servers and compares it;</li>
 *   <li>{@code !blocked K} waits (bounded) until both servers report K blocked clients;</li>
 *   <li>{@code !client N} compares the {@code flags=} and {@code cmd=} fields of connection N in CLIENT LIST;</li>
 *   <li>{@code !info FIELD} compares one INFO field's value;</li>
 *   <li>{@code !stat NAME} compares calls, rejected_calls and failed_calls of INFO commandstats' cmdstat_NAME;</li>
 *   <li>{@code !closed N} compares whether the server closed connection N.</li>
 * </ul>
 * Scripts start after FLUSHALL and CONFIG RESETSTAT, each on fresh connections.
 */
class BlockingVsRedisTest {
    private static final int WAIT_SECONDS = 20;

    @RegisterExtension
    static final ServerPair servers = new ServerPair("enable-debug-command", "yes");

    @TestFactory
    Stream<DynamicTest> scripts() throws Exception {
        return DifferentialRunner.scripts("/blocking", BlockingVsRedisTest::run);
    }

    /** One server's side of a run: a control connection and the script's connections. */
    private static final class Side extends ScriptConnections {
        final Map<Integer, String> ids = new HashMap<>();

        Side(String name, int port) throws IOException {
            super(name, port);
            control.call("CLIENT", "UNPAUSE");
            control.call("FLUSHALL");
            control.call("CONFIG", "SET", "notify-keyspace-events", "");
            control.call("CONFIG", "RESETSTAT");
        }

        @Override
        protected void opened(int n, RawClient c) throws IOException {
            ids.put(n, RawClient.text(c.call("CLIENT", "ID")));
        }

        String id(int n) throws IOException {
            conn(n);
            return ids.get(n);
        }

        String client(int n) throws IOException {
            String line = RawClient.text(control.call("CLIENT", "LIST", "ID", id(n))).strip();
            return "flags=" + field(line, "flags=") + " cmd=" + field(line, "cmd=");
        }

        String stat(String name) throws IOException {
            String info = RawClient.text(control.call("INFO", "commandstats"));
            String line = field(info, "cmdstat_" + name + ":");
            if (line == null) {
                return "absent";
            }
            StringBuilder out = new StringBuilder();
            for (String part : line.split(",")) {
                if (!part.startsWith("usec")) {
                    out.append(part).append(' ');
                }
            }
            return out.toString().strip();
        }

        @Override
        public void close() throws IOException {
            control.call("CLIENT", "UNPAUSE");
            control.call("CONFIG", "SET", "notify-keyspace-events", "");
            control.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
            closeConnections();
            // The next script counts blocked clients from zero.
            Await.until("no blocked client on " + name, WAIT_SECONDS, () -> blockedClients() == 0);
            control.close();
        }
    }

    /** The value after {@code key} up to the end of its line or the next space, null when absent. */
    private static String field(String text, String key) {
        int at = text.startsWith(key) ? 0 : text.indexOf((key.endsWith(":") ? "\n" : " ") + key);
        if (at < 0) {
            return null;
        }
        int start = text.indexOf(key, at) + key.length();
        int end = start;
        while (end < text.length() && " \r\n".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        return text.substring(start, end);
    }

    private static List<String> run(String name, String script) throws IOException {
        List<String> mismatches = new ArrayList<>();
        try (Side real = new Side("redis", servers.redis().port());
                Side ours = new Side("jredis", servers.jredis().port())) {
            for (DifferentialRunner.Step parsed : DifferentialRunner.steps(name, script)) {
                int conn = parsed.conn();
                String mode = parsed.mode();
                String line = parsed.args();
                String where = parsed.where();
                try {
                    step(real, ours, conn, mode, line, where, mismatches);
                } catch (IOException | AssertionError e) {
                    // The rest of the script depends on this step: report what differed so far and stop.
                    mismatches.add(where + "\n    failed: " + e);
                    break;
                }
            }
        }
        return mismatches;
    }

    private static void step(Side real, Side ours, int conn, String mode, String line, String where,
            List<String> mismatches) throws IOException {
        {
            {
                byte[] expected = null;
                byte[] actual = null;
                String expectedText = null;
                String actualText = null;
                switch (mode) {
                    case "send" -> {
                        real.sendBlocking(real.conn(conn), argv(real, where, line), where);
                        ours.sendBlocking(ours.conn(conn), argv(ours, where, line), where);
                    }
                    case "post" -> {
                        real.conn(conn).send(RawClient.encode(argv(real, where, line)));
                        ours.conn(conn).send(RawClient.encode(argv(ours, where, line)));
                    }
                    case "recv" -> {
                        expected = real.conn(conn).readRaw();
                        actual = ours.conn(conn).readRaw();
                    }
                    case "blocked" -> {
                        long k = Long.parseLong(line);
                        Await.until(where + " on redis", WAIT_SECONDS, () -> real.blockedClients() == k);
                        Await.until(where + " on jredis", WAIT_SECONDS, () -> ours.blockedClients() == k);
                    }
                    case "client" -> {
                        expectedText = real.client(Integer.parseInt(line));
                        actualText = ours.client(Integer.parseInt(line));
                    }
                    case "info" -> {
                        expectedText = line + ":" + field(RawClient.text(real.control.call("INFO")), line + ":");
                        actualText = line + ":" + field(RawClient.text(ours.control.call("INFO")), line + ":");
                    }
                    case "stat" -> {
                        expectedText = real.stat(line);
                        actualText = ours.stat(line);
                    }
                    case "closed" -> {
                        int n = Integer.parseInt(line);
                        expectedText = "closed=" + real.conn(n).closedByServer();
                        actualText = "closed=" + ours.conn(n).closedByServer();
                    }
                    case "", "sort", "type", "skip" -> {
                        expected = real.conn(conn).callRaw(argv(real, where, line));
                        actual = ours.conn(conn).callRaw(argv(ours, where, line));
                    }
                    default -> throw new IllegalArgumentException(where + ": unknown modifier !" + mode);
                }
                if (expected != null && !DifferentialRunner.same(mode.equals("recv") ? "" : mode, expected, actual)) {
                    mismatches.add(where + "\n    redis:  " + DifferentialRunner.show(expected)
                            + "\n    jredis: " + DifferentialRunner.show(actual));
                }
                if (expectedText != null && !expectedText.equals(actualText)) {
                    mismatches.add(where + "\n    redis:  " + expectedText + "\n    jredis: " + actualText);
                }
            }
        }
    }

    private static byte[][] argv(Side side, String where, String line) throws IOException {
        StringBuilder sb = new StringBuilder();
        int from = 0;
        int at;
        while ((at = line.indexOf("{id:", from)) >= 0) {
            int end = line.indexOf('}', at);
            sb.append(line, from, at).append(side.id(Integer.parseInt(line.substring(at + 4, end))));
            from = end + 1;
        }
        sb.append(line.substring(from));
        return DifferentialRunner.argv(where, sb.toString());
    }
}
