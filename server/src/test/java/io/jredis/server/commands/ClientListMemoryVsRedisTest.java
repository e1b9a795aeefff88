package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.ServerPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CLIENT LIST's buffer and memory fields of clients in given states, compared with a real redis-server. */
class ClientListMemoryVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair();

    private static final String[] FIELDS = {"qbuf", "qbuf-free", "argv-mem", "multi-mem", "omem", "tot-mem"};

    /** Redis keeps a blocked client's arguments: they count in argv-mem and tot-mem until it is served. */
    @Test
    void blockedClientHoldsItsArguments() throws IOException {
        List<String> sides = new ArrayList<>();
        for (int port : ports()) {
            try (RawClient r = new RawClient("127.0.0.1", port); RawClient b = new RawClient("127.0.0.1", port)) {
                b.call("CLIENT", "SETNAME", "blocked");
                b.send(RawClient.encode(RawClient.args("BLPOP", "nolist", "0")));
                // Also until the cron shrank the new client's 16 KB reply buffer, which counts in tot-mem.
                Await.until("the client blocked on " + port, 5,
                        () -> line(r, "blocked").contains("cmd=blpop") && line(r, "blocked").contains(" rbs=1024 "));
                sides.add(fields(line(r, "blocked")));
            }
        }
        assertEquals("qbuf=0 qbuf-free=20474 argv-mem=12 multi-mem=0 omem=0 tot-mem=22308", sides.get(0),
                "redis-server");
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    /**
     * A big last argument takes the query buffer it was read in, and the one Redis starts for the next big argument
     * is trimmed by the cron: no 16 KB read buffer is left.
     */
    @Test
    void bigArgumentLeavesNoReadBuffer() throws IOException {
        List<String> sides = new ArrayList<>();
        for (int port : ports()) {
            try (RawClient r = new RawClient("127.0.0.1", port); RawClient w = new RawClient("127.0.0.1", port)) {
                w.call("CLIENT", "SETNAME", "writer");
                w.call("SET", "k", "v".repeat(100_000));
                Await.until("the big query buffer trimmed on " + port, 5, () -> {
                    String line = line(r, "writer");
                    return field(line, "qbuf-free") < 100_000 && field(line, "rbs") == 1024;
                });
                sides.add(fields(line(r, "writer")));
            }
        }
        assertEquals("qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 omem=0 tot-mem=1800", sides.get(0), "redis-server");
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    /**
     * A big argument half received: Redis reads it into a query buffer made for its length (the size class's room),
     * which the cron trims to the argument's length, a later read grows back, and idleness trims to what arrived;
     * the arguments before it count in argv-mem.
     */
    @Test
    void halfReceivedBigArgument() throws IOException {
        List<List<String>> sides = new ArrayList<>();
        for (int port : ports()) {
            try (RawClient r = new RawClient("127.0.0.1", port); RawClient w = new RawClient("127.0.0.1", port)) {
                w.call("CLIENT", "SETNAME", "half");
                List<String> states = new ArrayList<>();
                w.send(("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n" + "x".repeat(300_000)).getBytes());
                // Until the cron ran (it shrinks the new client's reply buffer too).
                Await.until("the partial argument trimmed on " + port, 5, () -> {
                    String line = line(r, "half");
                    return field(line, "qbuf") == 300_000 && field(line, "rbs") == 1024;
                });
                states.add(fields(line(r, "half")));
                w.send("x".repeat(200_000).getBytes());
                Await.until("more of the argument on " + port, 5, () -> field(line(r, "half"), "qbuf") == 500_000);
                states.add(fields(line(r, "half")));
                // Idle over 2 seconds for a whole second: the cron ran on it since.
                Await.until("the client idle on " + port, 10, () -> field(line(r, "half"), "idle") > 3);
                states.add(fields(line(r, "half")));
                sides.add(states);
            }
        }
        assertEquals(List.of("qbuf=300000 qbuf-free=700000 argv-mem=4 multi-mem=0 omem=0 tot-mem=1050388",
                "qbuf=500000 qbuf-free=548566 argv-mem=4 multi-mem=0 omem=0 tot-mem=1050388",
                "qbuf=500000 qbuf-free=0 argv-mem=4 multi-mem=0 omem=0 tot-mem=526100"), sides.get(0), "redis-server");
        assertEquals(sides.get(0), sides.get(1), "redis-server vs jredis");
    }

    /**
     * INFO mem_clients_normal is the sum of the clients' tot-mem (normal and pubsub clients) as the cron last
     * counted them: idle clients count whole (about 22 KB each), not only their unsent buffers.
     */
    @Test
    void memClientsNormalSumsTheClientsMemory() throws IOException {
        for (int port : ports()) {
            try (RawClient r = new RawClient("127.0.0.1", port); RawClient a = new RawClient("127.0.0.1", port);
                    RawClient b = new RawClient("127.0.0.1", port); RawClient s = new RawClient("127.0.0.1", port)) {
                a.call("CLIENT", "SETNAME", "idle-a");
                b.call("CLIENT", "SETNAME", "idle-b");
                s.call("CLIENT", "SETNAME", "idle-s");
                s.call("SUBSCRIBE", "news");
                List<String> names = List.of("idle-a", "idle-b", "idle-s");
                // The cron shrinks an idle client's reply buffer in the pass that counts its memory.
                Await.until("the idle clients counted on " + port, 5,
                        () -> names.stream().allMatch(n -> field(line(r, n), "rbs") == 1024));
                long counted = r.infoLong("memory", "mem_clients_normal");
                long idle = 0;
                for (String n : names) {
                    idle += field(line(r, n), "tot-mem");
                }
                assertEquals(22_272 + 22_272 + 22_328, idle, "port " + port + ": the idle clients' tot-mem");
                long reader = counted - idle;
                assertTrue(reader >= 20_000 && reader <= 40_000,
                        "port " + port + ": mem_clients_normal " + counted + " less the idle clients' " + idle);
            }
        }
    }

    private static int[] ports() {
        return new int[] {servers.redis().port(), servers.jredis().port()};
    }

    private static String line(RawClient r, String name) {
        try {
            for (String line : RawClient.text(r.call("CLIENT", "LIST")).split("\n")) {
                if (line.contains(" name=" + name + " ")) {
                    return line;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no client named " + name);
    }

    private static long field(String line, String name) {
        return Long.parseLong(line.replaceAll(".* " + name + "=(\\d+) .*", "$1").trim());
    }

    private static String fields(String line) {
        StringBuilder sb = new StringBuilder();
        for (String f : FIELDS) {
            sb.append(sb.length() == 0 ? "" : " ").append(f).append('=').append(field(line, f));
        }
        return sb.toString();
    }
}
