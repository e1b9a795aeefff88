package io.jredis.server;

import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.ScriptConnections;
import io.jredis.server.testing.ServerPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MULTI / EXEC / DISCARD / WATCH compared with a real redis-server across several connections: every script under
 * {@code src/test/resources/transactions} runs on both servers and each reply must be byte-identical.
 *
 * <p>Script syntax is the differential scripts' (see {@link DifferentialRunner}) plus: {@code @N} before a command
 * runs it on connection N (default 1; each connection is opened on first use, in RESP2 and database 0);
 * {@code !fields a,b} compares only the named {@code name=value} / {@code name:value} fields of a text reply
 * (CLIENT INFO, INFO); {@code !cmdstat a,b} compares calls, rejected_calls and failed_calls of the named commands in
 * INFO commandstats; {@code !closed} checks whether the server closed connection N on both sides; {@code !pause ms}
 * lets wall-clock time pass (for keys that must expire without being touched); {@code !send} sends a command and
 * waits until the server reports one more blocked client, without reading its reply; {@code !recv} reads and
 * compares connection N's pending reply; {@code !slowlog} compares the arguments of every SLOWLOG GET entry;
 * {@code !monitor} compares the commands a MONITOR connection N received since the last check, without timestamps
 * and client addresses. Scripts start after FLUSHALL and CONFIG RESETSTAT with active expiry on.
 */
class TransactionsVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair("enable-debug-command", "yes");

    @TestFactory
    Stream<DynamicTest> scripts() throws Exception {
        return DifferentialRunner.scripts("/transactions", TransactionsVsRedisTest::run);
    }

    /** One server's connections for a run. */
    private static final class Side extends ScriptConnections {
        Side(String name, int port) throws IOException {
            super(name, port);
            control.call("FLUSHALL");
            control.call("CONFIG", "RESETSTAT");
            control.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
        }

        List<String> monitored(int n) throws IOException {
            control.call("ECHO", "monitor-sync");
            List<String> out = new ArrayList<>();
            while (true) {
                String line = monitorLine(conn(n).read());
                if (line.equals("\"ECHO\" \"monitor-sync\"")) {
                    return out;
                }
                // sendBlocking's polls: how many there are depends on timing.
                if (!line.equals("\"INFO\" \"clients\"")) {
                    out.add(line);
                }
            }
        }

        @Override
        public void close() throws IOException {
            super.close();
            // A fresh connection: a script may have killed the others.
            try (RawClient reset = new RawClient("127.0.0.1", port)) {
                reset.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
                reset.call("CONFIG", "SET", "maxmemory", "0");
                reset.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
                reset.call("FLUSHALL");
            }
        }
    }

    private static List<String> run(String name, String script) throws Exception {
        List<String> mismatches = new ArrayList<>();
        try (Side real = new Side("redis", servers.redis().port());
                Side ours = new Side("jredis", servers.jredis().port())) {
            for (DifferentialRunner.Step parsed : DifferentialRunner.steps(name, script)) {
                int conn = parsed.conn();
                String mode = parsed.mode();
                String line = parsed.args();
                String modeArg = "";
                if (mode.equals("fields") || mode.equals("cmdstat") || mode.equals("pause")) {
                    int sp = line.indexOf(' ');
                    modeArg = sp < 0 ? line : line.substring(0, sp);
                    line = sp < 0 ? "" : line.substring(sp + 1).strip();
                }
                String where = parsed.where();
                try {
                    step(mismatches, where, mode, modeArg, line, conn, real, ours);
                } catch (IOException e) {
                    throw new IOException(where + ": " + e.getMessage(), e);
                }
            }
        }
        return mismatches;
    }

    private static void step(List<String> mismatches, String where, String mode, String modeArg, String line,
            int conn, Side real, Side ours) throws IOException {
        {
            {
                switch (mode) {
                    case "pause" -> pause(Long.parseLong(modeArg));
                    case "send" -> {
                        byte[][] argv = DifferentialRunner.argv(where, line);
                        real.sendBlocking(real.conn(conn), argv, where);
                        ours.sendBlocking(ours.conn(conn), argv, where);
                    }
                    case "recv" -> {
                        byte[] expected = real.conn(conn).readRaw();
                        byte[] actual = ours.conn(conn).readRaw();
                        if (!java.util.Arrays.equals(expected, actual)) {
                            mismatches.add(where + "\n    redis:  " + DifferentialRunner.show(expected)
                                    + "\n    jredis: " + DifferentialRunner.show(actual));
                        }
                    }
                    case "slowlog" -> {
                        String expected = slowlogArgs(real.conn(conn).call("SLOWLOG", "GET", "-1"));
                        String actual = slowlogArgs(ours.conn(conn).call("SLOWLOG", "GET", "-1"));
                        if (!expected.equals(actual)) {
                            mismatches.add(where + "\n    redis:  " + expected + "\n    jredis: " + actual);
                        }
                    }
                    case "monitor" -> {
                        List<String> expected = real.monitored(conn);
                        List<String> actual = ours.monitored(conn);
                        if (!expected.equals(actual)) {
                            mismatches.add(where + "\n    redis:  " + expected + "\n    jredis: " + actual);
                        }
                    }
                    case "closed" -> {
                        boolean expected = real.conn(conn).closedByServer();
                        boolean actual = ours.conn(conn).closedByServer();
                        if (expected != actual) {
                            mismatches.add(where + "\n    closed redis: " + expected + ", jredis: " + actual);
                        }
                    }
                    case "fields", "cmdstat" -> {
                        byte[][] argv = mode.equals("cmdstat")
                                ? RawClient.args("INFO", "commandstats") : DifferentialRunner.argv(where, line);
                        String expected = pick(mode, modeArg, RawClient.text(real.conn(conn).call(text(argv))));
                        String actual = pick(mode, modeArg, RawClient.text(ours.conn(conn).call(text(argv))));
                        if (!expected.equals(actual)) {
                            mismatches.add(where + "\n    redis:  " + expected + "\n    jredis: " + actual);
                        }
                    }
                    case "", "sort", "type", "skip" -> {
                        byte[][] argv = DifferentialRunner.argv(where, line);
                        byte[] expected = real.conn(conn).callRaw(argv);
                        byte[] actual = ours.conn(conn).callRaw(argv);
                        if (!DifferentialRunner.same(mode, expected, actual)) {
                            int from = firstDifference(expected, actual);
                            mismatches.add(where + "\n    redis:  " + show(expected, from)
                                    + "\n    jredis: " + show(actual, from));
                        }
                    }
                    default -> throw new IllegalArgumentException(where + ": unknown modifier !" + mode);
                }
            }
        }
    }

    /** The arguments of every SLOWLOG GET entry, newest first (ids, times, durations and addresses differ). */
    private static String slowlogArgs(Object reply) {
        StringBuilder out = new StringBuilder();
        for (Object entry : (List<?>) reply) {
            out.append('[');
            for (Object arg : (List<?>) ((List<?>) entry).get(3)) {
                out.append(RawClient.text(arg)).append(' ');
            }
            out.append("] ");
        }
        return out.toString().strip();
    }

    /** A MONITOR line without its timestamp and client address: "[0 127.0.0.1:5000] "SET" ..." to the command. */
    private static String monitorLine(Object reply) {
        String line = RawClient.text(reply);
        int end = line.indexOf("] ");
        return end < 0 ? line : line.substring(end + 2);
    }

    private static int firstDifference(byte[] a, byte[] b) {
        int i = 0;
        while (i < a.length && i < b.length && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    /** The reply from a little before the first difference, so that long replies show where they part. */
    private static String show(byte[] reply, int from) {
        int start = Math.max(0, from - 60);
        return (start > 0 ? "..." : "")
                + DifferentialRunner.show(java.util.Arrays.copyOfRange(reply, start, reply.length));
    }

    /** Lets {@code ms} of wall-clock time pass: the subject is time itself (a TTL running out untouched). */
    private static void pause(long ms) {
        long end = System.nanoTime() + ms * 1_000_000L;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /** The named fields of a text reply, in the requested order; commandstats lines reduced to their counters. */
    private static String pick(String mode, String names, String text) {
        Map<String, String> fields = new HashMap<>();
        for (String line : text.split("\r?\n")) {
            if (mode.equals("cmdstat")) {
                int colon = line.indexOf(':');
                if (line.startsWith("cmdstat_") && colon > 0) {
                    StringBuilder counters = new StringBuilder();
                    for (String kv : line.substring(colon + 1).split(",")) {
                        if (!kv.startsWith("usec")) {
                            counters.append(kv).append(' ');
                        }
                    }
                    fields.put(line.substring("cmdstat_".length(), colon), counters.toString().strip());
                }
                continue;
            }
            for (String token : line.split(" ")) {
                int eq = token.indexOf('=');
                int colon = token.indexOf(':');
                int at = eq > 0 ? eq : colon;
                if (at > 0) {
                    fields.putIfAbsent(token.substring(0, at), token.substring(at + 1));
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (String n : names.split(",")) {
            out.append(n).append('=').append(fields.getOrDefault(n, "(absent)")).append(' ');
        }
        return out.toString().strip();
    }

    private static String[] text(byte[][] argv) {
        String[] out = new String[argv.length];
        for (int i = 0; i < argv.length; i++) {
            out[i] = new String(argv[i], StandardCharsets.UTF_8);
        }
        return out;
    }
}
