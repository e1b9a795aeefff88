package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.ArgumentSweep;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ArgumentSweep} over the commands the persistence module registers (DUMP, RESTORE, SAVE, LASTSAVE, FLUSHALL),
 * plus RESTORE with every key type's real payload under valid, conflicting and bad options and corrupted payloads.
 */
class PersistenceArgumentSweepTest {
    private static final Set<String> SWEPT = Set.of("dump", "restore", "restore-asking", "save", "lastsave",
            "flushall");

    /** Keys of the sweep's keyspace whose payloads RESTORE gets. */
    private static final String[] PAYLOAD_KEYS = {"str", "int", "list", "hash", "set", "zset", "stream", "hll",
            "sset", "zbig", "max"};

    /** Differences not fixed yet: argv pattern (regex over the space-joined argv) and why. */
    private static final Map<String, String> ALLOWED = Map.of(
            "DUMP sset$", "a hash-table set is written in hash order, which follows each server's hash seed",
            "DUMP hll(:t)?$", "Redis's liblzf runs with an uninitialised hash table (INIT_HTAB 0), so which "
                    + "matches it finds depends on stack contents; jredis's LZF output differs but is valid LZF");

    @TempDir
    static Path dir;
    private static PersistentServer jredis;
    private static RealRedis redis;

    @BeforeAll
    static void start() throws Exception {
        RealRedis.assumeInstalled();
        redis = RealRedis.start();
        jredis = PersistentServer.start(dir, "save", "");
    }

    @AfterAll
    static void stop() {
        if (jredis != null) {
            jredis.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void persistenceCommandsAnswerUnusualArgumentsLikeRedis() throws Exception {
        Map<String, ArgumentSweep.CommandMeta> commands = ArgumentSweep.commands(redis.port());
        commands.keySet().retainAll(SWEPT);
        List<ArgumentSweep.Case> cases = new ArrayList<>(ArgumentSweep.generate(commands));
        cases.addAll(restoreCases());
        cases.addAll(ArgumentSweep.cases(
                new String[] {"bgsave", "BGSAVE", "BAD"},
                new String[] {"bgsave", "BGSAVE", "SCHEDULE", "x"},
                new String[] {"migrate", "MIGRATE", "127.0.0.1", "1", "str", "0", "abc"},
                new String[] {"migrate", "MIGRATE", "127.0.0.1", "1", "str", "abc", "10"},
                new String[] {"migrate", "MIGRATE", "127.0.0.1", "1", "", "0", "10", "KEYS"},
                new String[] {"migrate", "MIGRATE", "127.0.0.1", "1", "str", "0", "10", "AUTH"},
                new String[] {"migrate", "MIGRATE", "127.0.0.1", "1", "str", "0", "10", "AUTH2", "u"},
                new String[] {"migrate", "MIGRATE", "127.0.0.1", "1", "str", "0", "10", "BAD"},
                new String[] {"migrate", "MIGRATE", "127.0.0.1", "1", "str", "0", "10", "KEYS", "str"},
                new String[] {"migrate", "MIGRATE", "127.0.0.1", "1", "nokey", "0", "10"},
                new String[] {"migrate", "MIGRATE", "127.0.0.1", "1", "", "0", "10", "KEYS", "nokey"}));
        ArgumentSweep.Result r = ArgumentSweep.run(redis.port(), jredis.port(), cases, ALLOWED);
        List<String> report = r.report();
        System.out.println("PersistenceArgumentSweepTest: " + r.cases() + " cases, " + r.comparisons()
                + " comparisons, " + r.diffs().size() + " kinds of difference");
        report.forEach(System.out::println);
        assertTrue(r.diffs().isEmpty(), r.diffs().size() + " kinds of difference:\n" + String.join("\n", report));
    }

    /** RESTORE and RESTORE-ASKING with real payloads (taken from redis-server) and unusual options. */
    private static List<ArgumentSweep.Case> restoreCases() throws Exception {
        ArgumentSweep.prepare(redis.port());
        List<String[]> lines = new ArrayList<>();
        try (RawClient c = new RawClient("127.0.0.1", redis.port())) {
            for (String key : PAYLOAD_KEYS) {
                byte[] dump = (byte[]) c.call("DUMP", key);
                String p = new String(dump, StandardCharsets.ISO_8859_1);
                String corrupt = p.substring(0, p.length() - 1) + (char) (p.charAt(p.length() - 1) ^ 1);
                String[][] variants = {
                        {"new", "0", p}, {key, "0", p}, {key, "0", p, "REPLACE"}, {"new", "-1", p},
                        {"new", "abc", p}, {"new", "1000", p, "ABSTTL"}, {"new", "4102444800000", p, "ABSTTL"},
                        {"new", "0", p, "IDLETIME", "-1"}, {"new", "0", p, "IDLETIME", "abc"},
                        {"new", "0", p, "IDLETIME", "10"}, {"new", "0", p, "FREQ", "256"},
                        {"new", "0", p, "FREQ", "-1"}, {"new", "0", p, "FREQ", "255"},
                        {"new", "0", p, "IDLETIME", "1", "FREQ", "1"}, {"new", "0", p, "BADOPT"},
                        {"new", "0", p, "REPLACE", "REPLACE"}, {"new", "9223372036854775807", p},
                        {"new", "0", p, "idletime"}, {"new", "0", p, "freq"}, {"new", "0", corrupt},
                        {"new", "0", p.substring(0, p.length() / 2)}, {"new", "0", ""},
                        {key, "0", corrupt, "REPLACE"}, {"new", "0", p + "x"},
                };
                for (String[] v : variants) {
                    for (String cmd : new String[] {"RESTORE", "RESTORE-ASKING"}) {
                        String[] line = new String[v.length + 2];
                        line[0] = cmd.toLowerCase();
                        line[1] = cmd;
                        System.arraycopy(v, 0, line, 2, v.length);
                        lines.add(line);
                    }
                }
            }
            Object flushed = c.call("FLUSHALL");
            assertTrue(RespParser.toText(flushed).equals("OK"));
        }
        return ArgumentSweep.cases(lines.toArray(String[][]::new));
    }
}
