package io.jredis.persistence.aof;

import io.jredis.server.testing.PropagationCases;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What jredis writes to its AOF for the commands Redis rewrites when it propagates them ({@link PropagationCases})
 * is what redis-server 7.0.15 writes: the same commands as replicas receive, but for PUBLISH, which only replicas
 * get. Each case is followed by a marker write, so that the two files can be compared case by case.
 */
class AofPropagationVsRedisTest {
    private static final String MARKER = "__end_of_case__";

    @Test
    void aofRecordsWhatRedisRecords(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        List<String> cases = new ArrayList<>(PropagationCases.HAND_WRITTEN);
        cases.addAll(PropagationCases.expiredLookups());
        List<List<String>> theirs;
        try (RealRedis r = RealRedis.start("--appendonly", "yes", "--appendfsync", "always",
                "--enable-debug-command", "yes")) {
            theirs = run(r.port(), r.dir(), cases);
        }
        List<List<String>> ours;
        try (AofServer s = AofServer.start(dir, "appendonly", "yes", "appendfsync", "always",
                "enable-debug-command", "yes")) {
            ours = run(s.port(), dir, cases);
        }
        PropagationCases.assertSame(cases, theirs, ours);
    }

    /** Runs the cases, then splits the incremental AOF at the markers: what each case wrote. */
    private static List<List<String>> run(int port, Path dir, List<String> cases) throws Exception {
        PropagationCases.prepare(port);
        for (int i = 0; i < cases.size(); i++) {
            PropagationCases.run(port, cases.get(i));
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                c.call("SET", MARKER, Integer.toString(i));
            }
        }
        List<List<String>> out = new ArrayList<>();
        List<String> current = new ArrayList<>();
        List<String> last = List.of("SET", MARKER, Integer.toString(cases.size() - 1));
        for (List<String> argv : StreamPropagationTest.incrCommands(dir, last)) {
            if (argv.size() == 3 && argv.get(0).equals("SET") && argv.get(1).equals(MARKER)) {
                out.add(current);
                current = new ArrayList<>();
            } else {
                current.add(PropagationCases.normalise(argv));
            }
        }
        return out;
    }
}
