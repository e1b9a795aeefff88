package io.jredis.server;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.ScriptConnections;
import io.jredis.server.testing.ServerPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keyspace notifications compared with a real redis-server: every script under
 * {@code src/test/resources/notifications} runs on both servers while a client subscribed to
 * {@code __key*__:*} records what is published; after each command line both the reply bytes and the exact sequence
 * of (channel, message) pairs published because of it must be identical.
 *
 * <p>Script syntax is the differential scripts' (see {@link DifferentialRunner}) plus: {@code @N} before a command
 * runs it on connection N (default 1); {@code !send} sends a blocking command and waits until the server reports
 * one more blocked client, without reading its reply; {@code !recv} reads and compares that connection's pending
 * reply; {@code !sort} and {@code !type} compare replies as the differential scripts do (events stay exact).
 * Scripts start after FLUSHALL and set notify-keyspace-events themselves.
 */
class NotificationsVsRedisTest {
    private static final byte[] SYNC_CHANNEL = "__key__:sync".getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    static final ServerPair servers = new ServerPair("enable-debug-command", "yes");

    @TestFactory
    Stream<DynamicTest> scripts() throws Exception {
        return DifferentialRunner.scripts("/notifications", NotificationsVsRedisTest::run);
    }

    /** One server's side of a run: the subscriber, a control connection and the script's connections. */
    private static final class Side extends ScriptConnections {
        final RawClient subscriber;

        Side(String name, int port) throws IOException {
            super(name, port);
            control.call("FLUSHALL");
            control.call("CONFIG", "SET", "notify-keyspace-events", "");
            control.call("CONFIG", "RESETSTAT");
            subscriber = new RawClient("127.0.0.1", port);
            subscriber.call("PSUBSCRIBE", "__key*__:*");
        }

        /** The messages published since the last sync, each as "channel message". */
        List<String> events() throws IOException {
            control.call("PUBLISH", "__key__:sync", "x");
            List<String> out = new ArrayList<>();
            while (true) {
                Object m = subscriber.read();
                List<?> parts = (List<?>) m;
                byte[] channel = (byte[]) parts.get(2);
                if (Arrays.equals(channel, SYNC_CHANNEL)) {
                    return out;
                }
                out.add(new String(channel, StandardCharsets.UTF_8) + " "
                        + RespParser.toText(parts.get(3)));
            }
        }

        @Override
        public void close() throws IOException {
            control.call("CONFIG", "SET", "notify-keyspace-events", "");
            control.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
            subscriber.close();
            super.close();
        }
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
                byte[] expected = null;
                byte[] actual = null;
                switch (mode) {
                    case "send" -> {
                        byte[][] argv = DifferentialRunner.argv(where, line);
                        real.sendBlocking(real.conn(conn), argv, where);
                        ours.sendBlocking(ours.conn(conn), argv, where);
                    }
                    case "recv" -> {
                        expected = real.conn(conn).readRaw();
                        actual = ours.conn(conn).readRaw();
                    }
                    case "", "sort", "type" -> {
                        byte[][] argv = DifferentialRunner.argv(where, line);
                        expected = real.conn(conn).callRaw(argv);
                        actual = ours.conn(conn).callRaw(argv);
                    }
                    default -> throw new IllegalArgumentException(where + ": unknown modifier !" + mode);
                }
                if (expected != null && !DifferentialRunner.same(mode.equals("recv") ? "" : mode, expected, actual)) {
                    mismatches.add(where + "\n    reply redis:  " + DifferentialRunner.show(expected)
                            + "\n    reply jredis: " + DifferentialRunner.show(actual));
                }
                List<String> expectedEvents = real.events();
                List<String> actualEvents = ours.events();
                if (!expectedEvents.equals(actualEvents)) {
                    mismatches.add(where + "\n    events redis:  " + expectedEvents + "\n    events jredis: "
                            + actualEvents);
                }
            }
            // Every read that notifies keymiss also counts a miss: the INFO counters must agree as well.
            for (String field : List.of("keyspace_hits", "keyspace_misses")) {
                long expected = real.control.infoLong("stats", field);
                long actual = ours.control.infoLong("stats", field);
                if (expected != actual) {
                    mismatches.add(name + ": INFO " + field + " redis " + expected + ", jredis " + actual);
                }
            }
        }
        return mismatches;
    }
}
