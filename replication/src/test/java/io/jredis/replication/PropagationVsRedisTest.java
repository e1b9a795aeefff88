package io.jredis.replication;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.ArgumentSweep;
import io.jredis.server.testing.PropagationCases;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a master sends its replicas is what redis-server 7.0.15 sends for the same commands ({@link PropagationCases}
 * lists what Redis rewrites). A fake replica is attached to a real redis-server and to jredis, each case runs on
 * both and the two streams are compared command by command; times within ten minutes of now are blanked.
 */
class PropagationVsRedisTest {
    /** What a server propagated for each case of a run. */
    private interface Run {
        List<List<String>> on(int port) throws Exception;
    }

    @Test
    void handWrittenCasesPropagateAsInRedis() throws Exception {
        compare(PropagationCases.HAND_WRITTEN, port -> runCases(port, PropagationCases.HAND_WRITTEN));
    }

    @Test
    void lowerCaseCommandsPropagateAsInRedis() throws Exception {
        List<String> cases = PropagationCases.lowerCase(PropagationCases.HAND_WRITTEN);
        compare(cases, port -> runCases(port, cases));
    }

    /**
     * Every command that looks a key up, on a key that expired and that nothing deleted yet: a lookup that deletes
     * it propagates DEL, one that only skips it (KEYS, DBSIZE, MEMORY USAGE...) propagates nothing.
     */
    @Test
    void lookupsOfExpiredKeysPropagateAsInRedis() throws Exception {
        List<String> cases = PropagationCases.expiredLookups();
        compare(cases, port -> runCases(port, cases));
    }

    /** MIGRATE (to a third server, a redis-server) propagates the keys it moved away as DEL. */
    @Test
    void migratePropagatesAsInRedis() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis target = RealRedis.start()) {
            String to = "MIGRATE 127.0.0.1 " + target.port() + " ";
            List<String> cases = List.of("SET a 1 ; " + to + "a 0 5000 REPLACE",
                    "SET a 1 EX 100 ; " + to + "a 0 5000 COPY REPLACE", "SET a 1 ; " + to + "a 0 5000 COPY",
                    "SET a 1 ; SET b 2 ; " + to + "\"\" 0 5000 REPLACE KEYS a nokey b", to + "nokey 0 5000",
                    "SELECT 2 ; SET a 1 ; " + to + "a 0 5000 REPLACE", "SET a 1 ; " + to + "a 0 5000",
                    "MULTI ; SET a 1 ; " + to + "a 0 5000 REPLACE ; EXEC");
            compare(cases, port -> runCases(port, cases));
        }
    }

    /**
     * The argument sweep's generated calls of every write command (valid, invalid and odd arguments alike), each on
     * the sweep's freshly loaded keyspace: most fail or change nothing and must propagate nothing, the others must
     * propagate what Redis does. SPOP picks random members, so it is left out (the hand-written cases have it). The
     * keyspace is reloaded before every fourth case only: both servers run the same sequence, so the comparison
     * holds in between, and the reload is most of a case's cost.
     */
    @Test
    void generatedWritesPropagateAsInRedis() throws Exception {
        RealRedis.assumeInstalled();
        List<ArgumentSweep.Case> cases = new ArrayList<>();
        try (RealRedis r = RealRedis.start()) {
            for (ArgumentSweep.Case c : ArgumentSweep.generate(ArgumentSweep.commands(r.port()))) {
                if ((c.write() || c.command().equals("pfcount")) && !c.command().equals("spop")) {
                    cases.add(c);
                }
            }
        }
        List<String> labels = new ArrayList<>();
        for (ArgumentSweep.Case c : cases) {
            labels.add(String.join(" ", c.argv().stream().map(a -> a.isEmpty() ? "\"\"" : a).toList()));
        }
        compare(labels, port -> runGenerated(port, cases));
    }

    /** Runs the cases on redis-server and on jredis with the same directives, and compares what each propagated. */
    private static void compare(List<String> labels, Run run) throws Exception {
        RealRedis.assumeInstalled();
        List<List<String>> theirs;
        try (RealRedis r = RealRedis.start("--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes",
                "--loglevel", "notice")) {
            try {
                PropagationCases.prepare(r.port());
                theirs = run.on(r.port());
            } catch (IOException e) {
                throw new IOException(Files.readString(r.dir().resolve("redis.log")), e);
            }
        }
        List<List<String>> ours;
        RedisServer s = Nodes.jredis("repl-diskless-sync-delay", "0", "enable-debug-command", "yes");
        try {
            PropagationCases.prepare(s.port());
            ours = run.on(s.port());
        } finally {
            s.close();
        }
        PropagationCases.assertSame(labels, theirs, ours);
    }

    /** Runs each case on the server at {@code port}; returns what its replica received for each. */
    private static List<List<String>> runCases(int port, List<String> cases) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (FakeReplica replica = new FakeReplica(port)) {
            for (int i = 0; i < cases.size(); i++) {
                try {
                    PropagationCases.run(port, cases.get(i));
                    try (RawClient c = new RawClient("127.0.0.1", port)) {
                        c.call("PUBLISH", "end-of-case", Integer.toString(i));
                    }
                    out.add(upTo(replica, "end-of-case"));
                } catch (IOException e) {
                    throw new IOException(cases.get(i), e);
                }
            }
        }
        return out;
    }

    /**
     * Runs the generated cases pipelined in chunks, each between two PUBLISH markers; returns what the replica
     * received between the markers of each.
     */
    private static List<List<String>> runGenerated(int port, List<ArgumentSweep.Case> cases) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (FakeReplica replica = new FakeReplica(port); RawClient c = new RawClient("127.0.0.1", port)) {
            for (int from = 0; from < cases.size(); from += 100) {
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                int replies = 0;
                int to = Math.min(cases.size(), from + 100);
                for (int i = from; i < to; i++) {
                    if (i % 4 == 0) {
                        replies += ArgumentSweep.reset(o);
                    }
                    o.writeBytes(RawClient.encode(RawClient.args("PUBLISH", "case-begin", Integer.toString(i))));
                    o.writeBytes(cases.get(i).encoded());
                    o.writeBytes(RawClient.encode(RawClient.args("PUBLISH", "case-end", Integer.toString(i))));
                    replies += 3;
                }
                c.send(o.toByteArray());
                for (int k = 0; k < replies; k++) {
                    c.readRaw();
                }
                for (int i = from; i < to; i++) {
                    upTo(replica, "case-begin");
                    out.add(upTo(replica, "case-end"));
                }
            }
        }
        return out;
    }

    /** The commands the replica receives before the PUBLISH to {@code marker}, each as one line. */
    private static List<String> upTo(FakeReplica replica, String marker) throws IOException {
        List<String> got = new ArrayList<>();
        while (true) {
            List<String> cmd = replica.next();
            if (cmd.get(0).equalsIgnoreCase("PUBLISH") && cmd.get(1).equals(marker)) {
                return got;
            }
            got.add(PropagationCases.normalise(cmd));
        }
    }
}
