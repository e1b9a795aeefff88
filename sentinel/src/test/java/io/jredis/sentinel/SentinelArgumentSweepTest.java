package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.ArgumentSweep;
import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TempPaths;
import io.jredis.server.util.Glob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ArgumentSweep}'s generated calls for every command a real redis-sentinel lists, plus hand-written calls for
 * every SENTINEL subcommand and option, sent in RESP2 and RESP3 to a real redis-sentinel and a jredis Sentinel that
 * monitor the same master: replies must be byte-identical once the values that legitimately differ (the Sentinels'
 * own ids and ports, times, counters, connection ids and addresses, hash orders) are normalised by shape.
 * Calls that change state are applied to both Sentinels and undone after each call, on a scratch master name where
 * they would otherwise disturb the monitored master.
 */
class SentinelArgumentSweepTest {
    /** Instance report fields whose values are times or counters: compared as "an integer". */
    private static final Set<String> TIMING = Set.of("link-pending-commands", "last-ping-sent", "last-ok-ping-reply",
            "last-ping-reply", "info-refresh", "role-reported-time", "master-link-down-time", "slave-repl-offset",
            "last-hello-message", "s-down-time", "o-down-time", "age-seconds");

    /**
     * INFO fields (outside the Sentinel section) that name the implementation rather than its behaviour: any value.
     * Every other INFO value is compared by shape (digits normalised), the Sentinel section exactly.
     */
    private static final Map<String, String> INFO_IMPLEMENTATION = Map.of(
            "executable", "the java launcher versus the redis-server binary",
            "config_file", "each Sentinel has its own config file",
            "os", "jredis reports the JVM's os.name/os.version",
            "gcc_version", "no C compiler builds jredis",
            "redis_build_id", "a hash of the build, different for every build",
            "monotonic_clock", "the JVM's clock source",
            "multiplexing_api", "Netty's transport");

    /** Differences not fixed: argv pattern (regex over the space-joined argv) and why. */
    private static final Map<String, String> ALLOWED = Map.of(
            "^CLIENT LIST ID ", "client ids count each server's own connections: the same id names different clients");

    /**
     * The scratch master name: calls that name it run with it monitored at {@code deadPort} (where nothing listens,
     * so it never has replicas) and removed right after.
     */
    private static final String SCRATCH = "sweepm";

    private static SentinelLab lab;
    private static int real;
    private static int jredis;
    private static String realId;
    private static String jredisId;
    private static int deadPort;
    private static List<String> debugDefaults;

    @BeforeAll
    static void start() throws Exception {
        lab = new SentinelLab(TempPaths.dir("sentinel-sweep")).dataNodes(1, null);
        SentinelLab.SentinelPair pair = lab.sentinelPair();
        real = pair.real();
        jredis = pair.jredis();
        for (int p : new int[] {real, jredis}) {
            // INFO-CACHE shows the INFO each Sentinel read last: both must have read it after the replica's sync.
            SentinelLab.call(p, "SENTINEL", "DEBUG", "info-period", "1000");
            SentinelLab.await("sentinel " + p + " linked to its peer and knows the synced replica", () -> {
                String peers = RespParser.toText(SentinelLab.call(p, "SENTINEL", "SENTINELS", "mymaster"));
                String replicas = RespParser.toText(SentinelLab.call(p, "SENTINEL", "REPLICAS", "mymaster"));
                String cache = RespParser.toText(SentinelLab.call(p, "SENTINEL", "INFO-CACHE", "mymaster"));
                return !peers.contains("disconnected") && !replicas.contains("runid, ,")
                        && !replicas.contains("disconnected") && cache.contains(",state=online,")
                        && cache.contains("master_link_status:up");
            });
        }
        realId = RespParser.toText(SentinelLab.call(real, "SENTINEL", "MYID"));
        jredisId = RespParser.toText(SentinelLab.call(jredis, "SENTINEL", "MYID"));
        deadPort = RealRedis.freePort();
        debugDefaults = new ArrayList<>(List.of("SENTINEL", "DEBUG"));
        for (Object o : (List<?>) SentinelLab.call(real, "SENTINEL", "DEBUG")) {
            debugDefaults.add(RespParser.toText(o));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    /** One call, the commands that set up its state before it and undo it after (replies not compared). */
    private record Call(String command, List<String> argv, List<List<String>> before, List<List<String>> after,
            boolean fresh, List<Check> checks) {}

    /** A call compared after another, to see the state it left (on the same connection, or on the shared one). */
    private record Check(String command, List<String> argv, boolean sameConnection) {}

    /** What to look at after a call that may change state. */
    private static List<Check> checks(String command, List<String> argv) {
        boolean scratch = argv.size() > 2 && argv.get(2).equals(SCRATCH);
        List<Check> out = new ArrayList<>();
        switch (command) {
            case "sentinel|monitor", "sentinel|set", "sentinel|reset" -> {
                if (scratch) {
                    out.add(new Check("sentinel|get-master-addr-by-name",
                            words("SENTINEL GET-MASTER-ADDR-BY-NAME " + SCRATCH), false));
                    out.add(new Check("sentinel|master", words("SENTINEL MASTER " + SCRATCH), false));
                }
            }
            case "sentinel|remove" -> out.add(new Check("sentinel|masters", words("SENTINEL MASTERS"), false));
            case "sentinel|debug" -> out.add(new Check("sentinel|debug", words("SENTINEL DEBUG"), false));
            case "sentinel|config" -> out.add(new Check("sentinel|config", words("SENTINEL CONFIG GET *"), false));
            case "sentinel|simulate-failure" -> out.add(new Check("info", words("INFO sentinel"), false));
            case "acl|setuser" -> {
                if (argv.size() > 2 && argv.get(2).equals("sweepu")) {
                    out.add(new Check("acl|getuser", words("ACL GETUSER sweepu"), false));
                }
            }
            case "hello", "client|setname", "client|no-evict", "client|tracking", "client|caching", "auth" -> {
                out.add(new Check("client|getname", words("CLIENT GETNAME"), true));
                out.add(new Check("client|info", words("CLIENT INFO"), true));
                out.add(new Check("acl|whoami", words("ACL WHOAMI"), true));
            }
            default -> { }
        }
        return out;
    }

    private static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        for (String w : line.split(" ")) {
            out.add(w.equals("''") ? "" : w.replace("{M}", Integer.toString(lab.master.port()))
                    .replace("{D}", Integer.toString(deadPort)));
        }
        return out;
    }

    /** The command name (or parent|sub) of an argv, as COMMAND names it. */
    private static String commandOf(List<String> argv, Map<String, ArgumentSweep.CommandMeta> commands) {
        String top = argv.get(0).toLowerCase();
        if (argv.size() > 1 && commands.containsKey(top + "|" + argv.get(1).toLowerCase())) {
            return top + "|" + argv.get(1).toLowerCase();
        }
        return top;
    }

    /** What must run before and after a call so that both Sentinels end it in the state they started it in. */
    private static Call call(String command, List<String> argv) {
        List<List<String>> before = new ArrayList<>();
        List<List<String>> after = new ArrayList<>();
        boolean scratch = argv.size() > 2 && argv.get(2).equals(SCRATCH);
        if (scratch && !command.equals("sentinel|monitor")) {
            before.add(words("SENTINEL MONITOR " + SCRATCH + " 127.0.0.1 {D} 2"));
        }
        switch (command) {
            case "sentinel|monitor" -> {
                if (argv.size() > 2 && !argv.get(2).equals("mymaster")) {
                    after.add(List.of("SENTINEL", "REMOVE", argv.get(2)));
                }
            }
            case "sentinel|config" -> {
                for (String p : new String[] {"resolve-hostnames no", "announce-hostnames no", "announce-port 0"}) {
                    after.add(words("SENTINEL CONFIG SET " + p));
                }
            }
            case "sentinel|debug" -> after.add(debugDefaults);
            case "sentinel|simulate-failure" -> after.add(words("SENTINEL SIMULATE-FAILURE help"));
            case "acl|setuser" -> {
                if (argv.size() > 2 && !argv.get(2).equals("default")) {
                    after.add(List.of("ACL", "DELUSER", argv.get(2)));
                }
            }
            case "client|pause" -> after.add(words("CLIENT UNPAUSE"));
            default -> { }
        }
        if (scratch) {
            after.add(words("SENTINEL REMOVE " + SCRATCH));
        }
        boolean fresh = CONNECTION_STATE.contains(command) || command.equals("client");
        return new Call(command, argv, before, after, fresh, checks(command, argv));
    }

    /**
     * RESET of the monitored master forgets its replica and peer; a valid sentinel-user or sentinel-pass drops every
     * link (reconnected only after min-link-reconnect-period); announce-ip changes the address the peer records
     * (Redis announces even an empty one). They run after everything else.
     */
    private static boolean disturbsLinks(Call k) {
        List<String> a = k.argv();
        if (k.command().equals("sentinel|reset")) {
            return a.size() == 3 && Glob.match(a.get(2).getBytes(StandardCharsets.UTF_8),
                    "mymaster".getBytes(StandardCharsets.UTF_8), false);
        }
        return k.command().equals("sentinel|config") && a.size() == 5 && a.get(2).equalsIgnoreCase("set")
                && Set.of("sentinel-user", "sentinel-pass", "announce-ip").contains(a.get(3).toLowerCase());
    }

    private static final String[] VALUES = {"1", "2", "99999999999", "0", "-1", "x", "''", "1.5", "+1", "0x10",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808"};

    /**
     * Every SENTINEL SET option (on the scratch master), DEBUG parameter and CONFIG parameter with values around
     * their ranges, in other cases, and without a value. DEBUG and announce-port only get values that change nothing
     * or are refused: a short TILT trigger or another announced port would reach the peer within a call.
     */
    private static List<String> optionLines() {
        List<String> out = new ArrayList<>();
        for (String opt : new String[] {"quorum", "down-after-milliseconds", "failover-timeout", "parallel-syncs",
            "master-reboot-down-after-period", "auth-pass", "auth-user", "notification-script",
            "client-reconfig-script", "rename-command"}) {
            for (String v : VALUES) {
                out.add("SENTINEL SET " + SCRATCH + " " + opt + " " + v + (opt.equals("rename-command") ? " y" : ""));
            }
            out.add("SENTINEL SET " + SCRATCH + " " + opt.toUpperCase() + " 3" + (opt.equals("rename-command") ? " y" : ""));
            out.add("SENTINEL SET " + SCRATCH + " " + opt);
            out.add("SENTINEL SET " + SCRATCH + " quorum 1 " + opt);
        }
        for (int i = 2; i < debugDefaults.size(); i += 2) {
            String param = debugDefaults.get(i).toLowerCase();
            for (String v : new String[] {debugDefaults.get(i + 1), "0", "-1", "x", "''", "1.5", "+1",
                "9223372036854775808"}) {
                out.add("SENTINEL DEBUG " + param + " " + v);
            }
            out.add("SENTINEL DEBUG " + param);
            out.add("SENTINEL DEBUG " + debugDefaults.get(i) + " " + debugDefaults.get(i + 1) + " " + param);
        }
        for (String param : new String[] {"resolve-hostnames", "announce-hostnames"}) {
            for (String v : new String[] {"yes", "no", "YES", "No", "1", "0", "''", "x", "true"}) {
                out.add("SENTINEL CONFIG SET " + param + " " + v);
            }
        }
        for (String v : new String[] {"0", "65536", "-1", "x", "''", "1.5", "+0", "9223372036854775808"}) {
            out.add("SENTINEL CONFIG SET announce-port " + v);
        }
        for (String param : new String[] {"resolve-hostnames", "announce-hostnames", "announce-ip", "announce-port",
            "sentinel-user", "sentinel-pass", "RESOLVE-HOSTNAMES", "announce-*", "*user*", "?nnounce-ip"}) {
            out.add("SENTINEL CONFIG GET " + param);
            out.add("SENTINEL CONFIG SET " + param);
        }
        return out;
    }

    /** Commands that change the connection they run on: each call gets a fresh pair of connections. */
    private static final Set<String> CONNECTION_STATE = Set.of("hello", "auth", "client|setname", "client|no-evict",
            "client|tracking", "client|caching", "client|reply", "client|pause", "client|kill", "subscribe",
            "psubscribe", "unsubscribe", "punsubscribe", "ssubscribe", "quit", "reset");

    /** Hand-written calls: every SENTINEL option, valid and invalid, and what the generator cannot reach. */
    private static final String[] HAND_WRITTEN = {
        "SENTINEL MASTERS", "SENTINEL masters", "SENTINEL MASTER mymaster", "SENTINEL master MyMaster",
        "SENTINEL MASTER ''", "SENTINEL REPLICAS mymaster", "SENTINEL SLAVES mymaster", "SENTINEL SENTINELS mymaster",
        "SENTINEL REPLICAS ''", "SENTINEL GET-MASTER-ADDR-BY-NAME mymaster", "SENTINEL GET-MASTER-ADDR-BY-NAME ''",
        "SENTINEL GET-MASTER-ADDR-BY-NAME MYMASTER", "SENTINEL get-master-addr-by-name mymaster x",
        "SENTINEL CKQUORUM mymaster", "SENTINEL CKQUORUM sweepm", "SENTINEL CKQUORUM mymaster x",
        "SENTINEL FAILOVER sweepm", "SENTINEL FAILOVER nosuch", "SENTINEL FAILOVER", "SENTINEL FAILOVER a b",
        "SENTINEL RESET sweepm", "SENTINEL RESET sweep*", "SENTINEL RESET nosuch", "SENTINEL RESET ''",
        "SENTINEL RESET a b", "SENTINEL FLUSHCONFIG", "SENTINEL flushconfig", "SENTINEL FLUSHCONFIG x",
        "SENTINEL MONITOR sweepm 127.0.0.1 {D} 2", "SENTINEL MONITOR sweepm 127.0.0.1 {D} 1",
        "SENTINEL MONITOR sweepm 127.0.0.1 {D} 99", "SENTINEL MONITOR sweepm 127.0.0.1 {D} 0",
        "SENTINEL MONITOR sweepm 127.0.0.1 {D} -1", "SENTINEL MONITOR sweepm 127.0.0.1 {D} x",
        "SENTINEL MONITOR sweepm 127.0.0.1 {D} ''", "SENTINEL MONITOR sweepm 127.0.0.1 0 2",
        "SENTINEL MONITOR sweepm 127.0.0.1 65535 2", "SENTINEL MONITOR sweepm 127.0.0.1 65536 2",
        "SENTINEL MONITOR sweepm 127.0.0.1 -1 2", "SENTINEL MONITOR sweepm 127.0.0.1 '' 2",
        "SENTINEL MONITOR sweepm 127.0.0.1 1.5 2", "SENTINEL MONITOR sweepm 127.0.0.1 {D} 1.5",
        "SENTINEL MONITOR sweepm '' {D} 2", "SENTINEL MONITOR sweepm 256.1.1.1 {D} 2", "SENTINEL MONITOR sweepm 10 {D} 2",
        "SENTINEL MONITOR sweepm 0x7f.1 {D} 2", "SENTINEL MONITOR sweepm 0177.0.0.1 {D} 2", "SENTINEL MONITOR sweepm 08 {D} 2",
        "SENTINEL MONITOR sweepm 1.2.3.4.5 {D} 2", "SENTINEL MONITOR sweepm 1.256.3 {D} 2", "SENTINEL MONITOR sweepm [::1] {D} 2",
        "SENTINEL MONITOR sweepm ::1 {D} 2", "SENTINEL MONITOR sweepm 0:0:0:0:0:0:0:1 {D} 2", "SENTINEL MONITOR sweepm ::ffff:127.0.0.1 {D} 2", "SENTINEL MONITOR sweepm 2001:DB8:0:0:1:0:0:1 {D} 2", "SENTINEL MONITOR sweepm localhost {D} 2",
        "SENTINEL MONITOR '' 127.0.0.1 {D} 2", "SENTINEL MONITOR mymaster 127.0.0.1 {D} 2",
        "SENTINEL MONITOR MyMaster 127.0.0.1 {D} 2", "SENTINEL MONITOR sweepm 127.0.0.1 {M} 2",
        "SENTINEL MONITOR sweepm 127.0.0.1 {D} 2 x", "SENTINEL MONITOR sweepm 127.0.0.1 {D}",
        "SENTINEL REMOVE sweepm", "SENTINEL REMOVE SWEEPM", "SENTINEL REMOVE ''", "SENTINEL REMOVE a b",
        "SENTINEL SET sweepm quorum 1", "SENTINEL SET sweepm quorum 0", "SENTINEL SET sweepm quorum -1",
        "SENTINEL SET sweepm quorum x", "SENTINEL SET sweepm quorum ''", "SENTINEL SET sweepm quorum 1.5",
        "SENTINEL SET sweepm quorum 99999999999", "SENTINEL SET sweepm parallel-syncs 99999999999", "SENTINEL SET sweepm QUORUM 3", "SENTINEL SET sweepm quorum",
        "SENTINEL SET sweepm", "SENTINEL SET sweepm down-after-milliseconds 5000",
        "SENTINEL SET sweepm down-after-milliseconds 0", "SENTINEL SET sweepm down-after-milliseconds -5",
        "SENTINEL SET sweepm down-after-milliseconds x", "SENTINEL SET sweepm failover-timeout 5000",
        "SENTINEL SET sweepm failover-timeout 0", "SENTINEL SET sweepm failover-timeout x",
        "SENTINEL SET sweepm parallel-syncs 5", "SENTINEL SET sweepm parallel-syncs 0",
        "SENTINEL SET sweepm parallel-syncs x", "SENTINEL SET sweepm master-reboot-down-after-period 0",
        "SENTINEL SET sweepm master-reboot-down-after-period 100",
        "SENTINEL SET sweepm master-reboot-down-after-period -1",
        "SENTINEL SET sweepm master-reboot-down-after-period x", "SENTINEL SET sweepm auth-pass secret",
        "SENTINEL SET sweepm auth-pass ''", "SENTINEL SET sweepm auth-user bob", "SENTINEL SET sweepm auth-user ''",
        "SENTINEL SET sweepm notification-script /bin/true", "SENTINEL SET sweepm notification-script ''",
        "SENTINEL SET sweepm client-reconfig-script /nonexistent", "SENTINEL SET sweepm rename-command CONFIG XCONF",
        "SENTINEL SET sweepm rename-command CONFIG CONFIG", "SENTINEL SET sweepm rename-command x ''",
        "SENTINEL SET sweepm rename-command '' ''", "SENTINEL SET sweepm quorum 3 rename-command '' y", "SENTINEL SET sweepm rename-command CONFIG",
        "SENTINEL SET sweepm rename-command", "SENTINEL SET sweepm rename-command a b quorum 2",
        "SENTINEL SET sweepm quorum 2 parallel-syncs 3 failover-timeout 9000",
        "SENTINEL SET sweepm quorum 2 parallel-syncs", "SENTINEL SET sweepm quorum 2 nosuch 3",
        "SENTINEL SET sweepm quorum 2 quorum x", "SENTINEL SET sweepm nosuch", "SENTINEL SET sweepm nosuch 1",
        "SENTINEL SET sweepm '' 1", "SENTINEL SET nosuch quorum 2", "SENTINEL SET '' quorum 2",
        "SENTINEL MASTER sweepm", "SENTINEL REPLICAS sweepm", "SENTINEL SENTINELS sweepm",
        "SENTINEL GET-MASTER-ADDR-BY-NAME sweepm", "SENTINEL INFO-CACHE sweepm", "SENTINEL INFO-CACHE mymaster",
        "SENTINEL INFO-CACHE", "SENTINEL INFO-CACHE nosuch mymaster", "SENTINEL INFO-CACHE mymaster mymaster",
        "SENTINEL CONFIG GET *", "SENTINEL CONFIG GET resolve-hostnames", "SENTINEL CONFIG GET announce-hostnames",
        "SENTINEL CONFIG GET announce-ip", "SENTINEL CONFIG GET announce-port", "SENTINEL CONFIG GET sentinel-user",
        "SENTINEL CONFIG GET sentinel-pass", "SENTINEL CONFIG GET ANNOUNCE-*", "SENTINEL CONFIG GET ''",
        "SENTINEL CONFIG GET nosuch", "SENTINEL CONFIG GET *-*", "SENTINEL CONFIG GET a b",
        "SENTINEL config get *", "SENTINEL CONFIG SET resolve-hostnames yes", "SENTINEL CONFIG SET resolve-hostnames no",
        "SENTINEL CONFIG SET resolve-hostnames YES", "SENTINEL CONFIG SET resolve-hostnames 1",
        "SENTINEL CONFIG SET resolve-hostnames ''", "SENTINEL CONFIG SET announce-hostnames yes",
        "SENTINEL CONFIG SET announce-hostnames x", "SENTINEL CONFIG SET announce-ip ''",
        "SENTINEL CONFIG SET announce-port 0", "SENTINEL CONFIG SET announce-port 65535",
        "SENTINEL CONFIG SET announce-port 65536", "SENTINEL CONFIG SET announce-port -1",
        "SENTINEL CONFIG SET announce-port x", "SENTINEL CONFIG SET announce-port ''",
        "SENTINEL CONFIG SET announce-port 1.5", "SENTINEL CONFIG SET sentinel-user bob",
        "SENTINEL CONFIG SET sentinel-user ''", "SENTINEL CONFIG SET sentinel-pass secret",
        "SENTINEL CONFIG SET sentinel-pass ''", "SENTINEL CONFIG SET SENTINEL-USER ''",
        "SENTINEL CONFIG SET nosuch 1", "SENTINEL CONFIG SET '' 1", "SENTINEL CONFIG SET announce-port",
        "SENTINEL CONFIG SET announce-port 1 2", "SENTINEL CONFIG SET resolve-hostnames no announce-port 0",
        "SENTINEL CONFIG REWRITE", "SENTINEL CONFIG RESETSTAT", "SENTINEL CONFIG", "SENTINEL CONFIG ''",
        "SENTINEL DEBUG", "SENTINEL debug", "SENTINEL DEBUG info-period 10000", "SENTINEL DEBUG INFO-PERIOD 10000",
        "SENTINEL DEBUG ping-period 1000 ask-period 1000", "SENTINEL DEBUG publish-period 2000",
        "SENTINEL DEBUG default-down-after 30000", "SENTINEL DEBUG default-failover-timeout 180000",
        "SENTINEL DEBUG tilt-trigger 2000", "SENTINEL DEBUG tilt-period 30000",
        "SENTINEL DEBUG slave-reconf-timeout 10000", "SENTINEL DEBUG min-link-reconnect-period 15000",
        "SENTINEL DEBUG election-timeout 10000", "SENTINEL DEBUG script-max-runtime 60000",
        "SENTINEL DEBUG script-retry-delay 30000", "SENTINEL DEBUG info-period 0", "SENTINEL DEBUG info-period -1",
        "SENTINEL DEBUG info-period x", "SENTINEL DEBUG info-period ''", "SENTINEL DEBUG info-period 1.5",
        "SENTINEL DEBUG info-period", "SENTINEL DEBUG nosuch 1", "SENTINEL DEBUG info-period 10000 nosuch 1",
        "SENTINEL DEBUG info-period 10000 ping-period", "SENTINEL DEBUG '' 1",
        "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 {M} 0 *", "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 {D} 0 *",
        "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 {M} x *", "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 x 0 *",
        "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 {M} -1 *", "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 {M} 1.5 *",
        "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 70000 0 *", "SENTINEL IS-MASTER-DOWN-BY-ADDR '' {M} 0 *",
        "SENTINEL IS-MASTER-DOWN-BY-ADDR localhost {M} 0 *", "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 {M} 0",
        "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 {M} 0 * x", "SENTINEL IS-MASTER-DOWN-BY-ADDR 127.0.0.1 {M} 0 ''",
        "SENTINEL MYID", "SENTINEL myid", "SENTINEL MYID x", "SENTINEL PENDING-SCRIPTS",
        "SENTINEL PENDING-SCRIPTS x", "SENTINEL SIMULATE-FAILURE help", "SENTINEL SIMULATE-FAILURE HELP",
        "SENTINEL SIMULATE-FAILURE crash-after-election", "SENTINEL SIMULATE-FAILURE crash-after-promotion",
        "SENTINEL SIMULATE-FAILURE CRASH-AFTER-ELECTION crash-after-promotion",
        "SENTINEL SIMULATE-FAILURE crash-after-election x", "SENTINEL SIMULATE-FAILURE x help",
        "SENTINEL SIMULATE-FAILURE help x", "SENTINEL SIMULATE-FAILURE ''", "SENTINEL SIMULATE-FAILURE",
        "SENTINEL HELP", "SENTINEL help", "SENTINEL HELP x", "SENTINEL", "SENTINEL nosuch", "SENTINEL '' x",
        "SENTINEL MASTERS x", "SENTINEL MASTER", "SENTINEL MASTER a b", "SENTINEL REPLICAS", "SENTINEL SLAVES",
        "SENTINEL SENTINELS", "SENTINEL SENTINELS a b", "SENTINEL GET-MASTER-ADDR-BY-NAME", "SENTINEL CKQUORUM",
        "SENTINEL REMOVE", "SENTINEL RESET", "SENTINEL MONITOR", "SENTINEL SET", "SENTINEL IS-MASTER-DOWN-BY-ADDR",
        "SENTINEL INFO-CACHE a", "SENTINEL FAILOVER mymaster x",
        "PING", "PING x", "PING x y", "ping ''", "ROLE", "ROLE x", "role",
        "INFO", "INFO sentinel", "INFO SENTINEL", "INFO server", "INFO clients", "INFO stats", "INFO cpu",
        "INFO everything", "INFO all", "INFO default", "INFO nosuch", "INFO server sentinel", "INFO keyspace",
        "INFO replication", "INFO persistence", "INFO memory", "INFO commandstats", "INFO errorstats",
        "INFO latencystats", "INFO modules", "INFO ''",
        "PUBLISH x y", "PUBLISH __sentinel__:hello ''", "PUBLISH __sentinel__:hello x",
        "PUBLISH __sentinel__:hello a,b,c,d,e,f,g,h", "PUBLISH x", "PUBLISH x y z",
        "AUTH x", "AUTH default x", "AUTH a b c", "AUTH ''", "AUTH nosuch x",
        "HELLO", "HELLO 2", "HELLO 3", "HELLO 1", "HELLO 4", "HELLO x", "HELLO ''", "HELLO 3 AUTH default x",
        "HELLO 2 AUTH default ''", "HELLO 3 SETNAME app", "HELLO 3 SETNAME ''", "HELLO 3 SETNAME a-b",
        "HELLO 2 AUTH", "HELLO 2 SETNAME", "HELLO 2 nosuch", "HELLO 3 AUTH nosuch x SETNAME app",
        "HELLO 3 SETNAME app AUTH default x",
        "CLIENT SETNAME app", "CLIENT SETNAME ''", "CLIENT SETNAME a\nb", "CLIENT GETNAME", "CLIENT ID",
        "CLIENT INFO", "CLIENT LIST", "CLIENT LIST TYPE normal", "CLIENT LIST TYPE pubsub", "CLIENT LIST TYPE x",
        "CLIENT LIST ID 999999", "CLIENT LIST ID x", "CLIENT KILL 1.2.3.4:5", "CLIENT KILL ID 999999",
        "CLIENT KILL ID x", "CLIENT KILL TYPE x", "CLIENT KILL USER nosuch", "CLIENT KILL ADDR 1.2.3.4:5",
        "CLIENT KILL LADDR 1.2.3.4:5", "CLIENT KILL SKIPME maybe", "CLIENT KILL", "CLIENT KILL a b c",
        "CLIENT PAUSE 0", "CLIENT PAUSE x", "CLIENT PAUSE -1", "CLIENT PAUSE 10 WRITE", "CLIENT PAUSE 10 ALL",
        "CLIENT PAUSE 10 x", "CLIENT UNPAUSE", "CLIENT REPLY ON", "CLIENT REPLY x", "CLIENT NO-EVICT on",
        "CLIENT NO-EVICT x", "CLIENT TRACKING on", "CLIENT TRACKING off", "CLIENT TRACKING x",
        "CLIENT CACHING yes", "CLIENT GETREDIR", "CLIENT TRACKINGINFO", "CLIENT UNBLOCK 999999",
        "CLIENT UNBLOCK x", "CLIENT HELP", "CLIENT nosuch", "CLIENT", "CLIENT SETINFO lib-name x",
        "SUBSCRIBE a", "SUBSCRIBE a b", "SUBSCRIBE __sentinel__:hello", "PSUBSCRIBE *", "PSUBSCRIBE a* b*",
        "UNSUBSCRIBE", "UNSUBSCRIBE a", "PUNSUBSCRIBE", "PUNSUBSCRIBE a", "SUBSCRIBE", "PSUBSCRIBE",
        "SSUBSCRIBE a", "SUNSUBSCRIBE",
        "ACL WHOAMI", "ACL USERS", "ACL LIST", "ACL CAT", "ACL CAT admin", "ACL CAT nosuch",
        "ACL GETUSER default", "ACL GETUSER nosuch", "ACL SETUSER sweepu on >pw +@all ~*",
        "ACL SETUSER sweepu nosuchrule", "ACL SETUSER sweepu +get", "ACL SETUSER sweepu +sentinel|masters",
        "ACL SETUSER sweepu +@admin -sentinel", "ACL SETUSER sweepu +@all -@dangerous", "ACL SETUSER sweepu +@read",
        "ACL SETUSER sweepu -@all +ping +sentinel|myid +client|id", "ACL SETUSER sweepu +sentinel|nosuch", "ACL SETUSER sweepu +nosuchcmd", "ACL DELUSER nosuch",
        "ACL DELUSER default", "ACL DRYRUN default ping", "ACL DRYRUN default get x", "ACL DRYRUN nosuch ping",
        "ACL LOAD", "ACL SAVE", "ACL LOG", "ACL LOG 1", "ACL LOG x", "ACL LOG RESET", "ACL HELP", "ACL nosuch",
        "ACL GENPASS", "ACL GENPASS 32", "ACL GENPASS 0", "ACL GENPASS x",
        "COMMAND", "COMMAND COUNT", "COMMAND LIST", "COMMAND LIST FILTERBY ACLCAT admin",
        "COMMAND LIST FILTERBY PATTERN s*", "COMMAND LIST FILTERBY MODULE x", "COMMAND LIST FILTERBY x y",
        "COMMAND INFO", "COMMAND INFO sentinel", "COMMAND INFO get", "COMMAND INFO sentinel|set ping nosuch",
        "COMMAND DOCS", "COMMAND DOCS sentinel", "COMMAND DOCS get", "COMMAND DOCS ping",
        "COMMAND GETKEYS ping", "COMMAND GETKEYS get x", "COMMAND GETKEYS", "COMMAND GETKEYSANDFLAGS ping",
        "COMMAND HELP", "COMMAND nosuch",
        "SHUTDOWN BAD", "SHUTDOWN NOSAVE SAVE", "SHUTDOWN ABORT", "SHUTDOWN x y",
        "GET x", "SET x y", "CONFIG GET port", "CONFIG REWRITE", "CONFIG", "DEBUG", "DEBUG SLEEP 0", "MONITOR",
        "MULTI", "EXEC", "SELECT 0", "QUIT x", "RESET", "KEYS *", "DBSIZE", "FLUSHALL", "SCAN 0", "EVAL x 0",
        "REPLICAOF no one", "SLAVEOF no one", "FAILOVER", "SYNC", "PSYNC ? -1", "WAIT 0 0", "ECHO x", "TIME",
        "SAVE", "LASTSAVE", "nosuch", "''",
    };

    @Test
    void everyCommandAnswersLikeRedisSentinel() throws Exception {
        Map<String, ArgumentSweep.CommandMeta> commands = ArgumentSweep.commands(real);
        assertEquals(commands.keySet(), ArgumentSweep.commands(jredis).keySet(), "COMMAND lists different commands");
        List<Call> calls = new ArrayList<>();
        List<Call> last = new ArrayList<>();
        for (ArgumentSweep.Case c : ArgumentSweep.generate(commands)) {
            Call k = call(c.command(), c.argv());
            if (disturbsLinks(k)) {
                last.add(k);
            } else {
                calls.add(k);
            }
        }
        List<String> lines = new ArrayList<>(List.of(HAND_WRITTEN));
        lines.addAll(optionLines());
        for (String line : lines) {
            List<String> argv = words(line);
            Call k = call(commandOf(argv, commands), argv);
            (disturbsLinks(k) ? last : calls).add(k);
        }
        Map<String, List<String>> diffs = new TreeMap<>();
        int compared = 0;
        for (int proto : new int[] {2, 3}) {
            compared += run(calls, proto, diffs);
        }
        // Calls that disturb the links to the peer and replica go last (see disturbsLinks): nothing compared after.
        last.add(call("sentinel|reset", words("SENTINEL RESET mymaster")));
        for (int proto : new int[] {2, 3}) {
            compared += run(last, proto, diffs);
        }
        List<String> report = new ArrayList<>();
        diffs.forEach((k, v) -> report.add(v.size() + "x " + k + "\n    e.g. " + v.get(0)));
        System.out.println("SentinelArgumentSweepTest: " + compared + " comparisons, " + diffs.size()
                + " kinds of difference");
        report.forEach(System.out::println);
        assertTrue(diffs.isEmpty(), diffs.size() + " kinds of difference:\n" + String.join("\n", report));
    }

    private static int run(List<Call> calls, int proto, Map<String, List<String>> diffs) throws IOException {
        try (RawClient r = new RawClient("127.0.0.1", real); RawClient j = new RawClient("127.0.0.1", jredis)) {
            hello(r, proto);
            hello(j, proto);
            int compared = 0;
            for (Call c : calls) {
                List<byte[]> want = new ArrayList<>();
                List<byte[]> got = new ArrayList<>();
                List<Check> what;
                if (c.fresh()) {
                    try (RawClient fr = new RawClient("127.0.0.1", real);
                            RawClient fj = new RawClient("127.0.0.1", jredis)) {
                        hello(fr, proto);
                        hello(fj, proto);
                        what = exchange(fr, r, c, want);
                        exchange(fj, j, c, got);
                    }
                } else {
                    what = exchange(r, r, c, want);
                    exchange(j, j, c, got);
                }
                compare(c, what, proto, want, got, diffs);
                compared += want.size();
            }
            return compared;
        }
    }

    private static void hello(RawClient c, int proto) throws IOException {
        if (proto == 3) {
            c.call("HELLO", "3");
        }
    }

    /** {@link #exchange} on one connection, every command sent at once (one round trip per call and server). */
    private static List<Check> pipelined(RawClient c, Call k, List<byte[]> out) throws IOException {
        List<Check> what = new ArrayList<>();
        what.add(new Check(k.command(), k.argv(), true));
        what.addAll(k.checks());
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (List<String> b : k.before()) {
            o.writeBytes(encode(b));
        }
        for (Check x : what) {
            o.writeBytes(encode(x.argv()));
        }
        for (List<String> a : k.after()) {
            o.writeBytes(encode(a));
        }
        c.send(o.toByteArray());
        for (int i = 0; i < k.before().size(); i++) {
            c.readRaw();
        }
        for (int i = 0; i < what.size(); i++) {
            out.add(c.readRaw());
        }
        for (int i = 0; i < k.after().size(); i++) {
            c.readRaw();
        }
        return what;
    }

    private static byte[] encode(List<String> argv) {
        byte[][] b = new byte[argv.size()][];
        for (int i = 0; i < b.length; i++) {
            b[i] = argv.get(i).getBytes(StandardCharsets.UTF_8);
        }
        return RawClient.encode(b);
    }

    private static byte[] raw(RawClient c, List<String> argv) throws IOException {
        byte[][] b = new byte[argv.size()][];
        for (int i = 0; i < b.length; i++) {
            b[i] = argv.get(i).getBytes(StandardCharsets.UTF_8);
        }
        return c.callRaw(b);
    }

    /**
     * Runs the call's set-up and undo on {@code admin}, the call and its checks in between; the replies to compare,
     * each with the command that gave it.
     */
    private static List<Check> exchange(RawClient c, RawClient admin, Call k, List<byte[]> out) throws IOException {
        if (c == admin && !k.command().matches("p?(un)?subscribe")) {
            return pipelined(c, k, out);
        }
        for (List<String> b : k.before()) {
            raw(admin, b);
        }
        List<Check> what = new ArrayList<>();
        Check main = new Check(k.command(), k.argv(), true);
        out.add(raw(c, k.argv()));
        what.add(main);
        // A (P)SUBSCRIBE or (P)UNSUBSCRIBE answers once per channel.
        if (k.command().matches("p?(un)?subscribe") && out.get(0)[0] != '-') {
            for (int i = 2; i < k.argv().size(); i++) {
                out.add(c.readRaw());
                what.add(main);
            }
        }
        boolean open = !k.command().equals("quit") && !k.command().matches("p?subscribe");
        for (Check x : k.checks()) {
            if (open || !x.sameConnection()) {
                out.add(raw(x.sameConnection() ? c : admin, x.argv()));
                what.add(x);
            }
        }
        for (List<String> a : k.after()) {
            raw(admin, a);
        }
        return what;
    }

    private static void compare(Call c, List<Check> what, int proto, List<byte[]> want, List<byte[]> got,
            Map<String, List<String>> diffs) {
        if (want.size() != got.size()) {
            diffs.computeIfAbsent("RESP" + proto + " " + c.command() + ": " + want.size() + " replies | "
                    + got.size(), k -> new ArrayList<>()).add(String.join(" ", c.argv()));
            return;
        }
        for (int i = 0; i < want.size(); i++) {
            Check x = what.get(i);
            byte[] e = want.get(i);
            byte[] a = got.get(i);
            if (Arrays.equals(e, a)) {
                continue;
            }
            String ec = canonical(x.command(), e);
            String ac = canonical(x.command(), a);
            if (ec.equals(ac)) {
                continue;
            }
            String argv = String.join(" ", c.argv().stream().map(s -> s.isEmpty() ? "''" : s).toList());
            if (ALLOWED.keySet().stream().anyMatch(p -> Pattern.compile(p).matcher(argv).find())) {
                continue;
            }
            String shown = x == what.get(0) ? argv : argv + " -> " + String.join(" ", x.argv());
            String key = "RESP" + proto + " " + c.command() + (x != what.get(0) ? " -> " + x.command() : "") + ": "
                    + DifferentialRunner.show(e) + " | "
                    + DifferentialRunner.show(a);
            diffs.computeIfAbsent(key.length() > 300 ? key.substring(0, 300) : key, k -> new ArrayList<>())
                    .add(shown + "\n      redis:  " + around(ec, ac) + "\n      jredis: " + around(ac, ec));
        }
    }

    /** {@code s} around its first difference from {@code other}. */
    private static String around(String s, String other) {
        int i = 0;
        while (i < s.length() && i < other.length() && s.charAt(i) == other.charAt(i)) {
            i++;
        }
        int from = Math.max(0, i - 120);
        return (from > 0 ? "..." : "") + s.substring(from, Math.min(s.length(), i + 200)).replace("\n", "\\n");
    }

    /**
     * The reply as text with its types and structure, the values that legitimately differ normalised: the
     * Sentinel's own id and port, times and counters, connection ids and addresses; hash-ordered replies sorted.
     */
    static String canonical(String command, byte[] reply) {
        Walker w = new Walker(command, reply);
        return w.next(null);
    }

    /** Replies Redis builds from its hash tables (COMMAND and ACL CAT): compared as sorted elements. */
    private static final Set<String> HASH_ORDERED = Set.of("command", "command|info", "command|docs",
            "command|list", "acl|cat");

    private static final class Walker {
        final String command;
        final byte[] b;
        int pos;

        Walker(String command, byte[] b) {
            this.command = command;
            this.b = b;
        }

        private String line() {
            int start = pos;
            while (b[pos] != '\r') {
                pos++;
            }
            String s = new String(b, start, pos - start, StandardCharsets.ISO_8859_1);
            pos += 2;
            return s;
        }

        /** The next element; {@code key} is the preceding string in the enclosing aggregate (a field name). */
        String next(String key) {
            char type = (char) b[pos++];
            String head = line();
            switch (type) {
                case '$', '=' -> {
                    int len = Integer.parseInt(head);
                    if (len < 0) {
                        return "$null";
                    }
                    String s = new String(b, pos, len, StandardCharsets.ISO_8859_1);
                    pos += len + 2;
                    return type + value(key, s);
                }
                case '*', '%', '~', '>' -> {
                    int n = Integer.parseInt(head);
                    if (n < 0) {
                        return "*null";
                    }
                    int items = type == '%' ? 2 * n : n;
                    List<String> out = new ArrayList<>();
                    String prev = null;
                    for (int i = 0; i < items; i++) {
                        String v = next(prev);
                        out.add(v);
                        prev = v.length() > 1 && (v.charAt(0) == '$' || v.charAt(0) == '+') ? v.substring(1) : null;
                    }
                    if (HASH_ORDERED.contains(command)) {
                        if (type == '%') {
                            List<String> pairs = new ArrayList<>();
                            for (int i = 0; i < out.size(); i += 2) {
                                pairs.add(out.get(i) + "=>" + out.get(i + 1));
                            }
                            out = pairs;
                        }
                        out.sort(null);
                    }
                    return type + "" + n + out;
                }
                case ':' -> {
                    boolean volatileInt = command.equals("client|id") || command.equals("sentinel|info-cache")
                            || TIMING.contains(String.valueOf(key)) || "id".equals(key) && command.equals("hello");
                    return ":" + (volatileInt ? "<int>" : head);
                }
                case ',' -> {
                    return "," + (TIMING.contains(String.valueOf(key)) ? "<int>" : head);
                }
                default -> {
                    return type + value(key, head);
                }
            }
        }

        private String value(String key, String s) {
            s = s.replace(realId, "<sentinel-id>").replace(jredisId, "<sentinel-id>")
                    .replaceAll("\\b(" + real + "|" + jredis + ")\\b", "<sentinel-port>");
            if (TIMING.contains(String.valueOf(key)) && s.matches("-?\\d+(\\.\\d+)?")) {
                return "<int>";
            }
            if (command.equals("hello") && "id".equals(key)) {
                return "<int>";
            }
            if (command.startsWith("acl|") && "commands".equals(key)) {
                // Redis describes the rules command by command in its command table's hash order.
                List<String> rules = new ArrayList<>(List.of(s.split(" ")));
                rules.subList(1, rules.size()).sort(null);
                return String.join(" ", rules);
            }
            if (command.equals("acl|genpass")) {
                return "<" + s.length() + " chars>";
            }
            if (command.equals("client|list") || command.equals("client|info") || "client-info".equals(key)) {
                return clientLines(s);
            }
            if (s.startsWith("# ") || s.contains("\r\n# ")) {
                return info(s);
            }
            return s;
        }
    }

    /** Client fields that are connection ids, addresses, ages or buffer sizes. */
    private static final Set<String> CLIENT_VOLATILE = Set.of("id", "addr", "laddr", "fd", "age", "idle", "qbuf",
            "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem");

    private static String clientLines(String s) {
        StringBuilder out = new StringBuilder();
        if (s.startsWith("txt:")) {
            out.append("txt:");
            s = s.substring(4);
        }
        boolean peer = false;
        for (String field : s.split("(?<=[ \n])", -1)) {
            String sep = field.endsWith(" ") || field.endsWith("\n") ? field.substring(field.length() - 1) : "";
            field = field.substring(0, field.length() - sep.length());
            int eq = field.indexOf('=');
            String name = eq < 0 ? field : field.substring(0, eq);
            String v = eq < 0 ? "" : field.substring(eq + 1);
            if (CLIENT_VOLATILE.contains(name) || peer && name.equals("cmd")) {
                v = "<v>";
            } else if (name.equals("name") && v.startsWith("sentinel-")) {
                // The peer Sentinel's link: its name holds the peer's id, its last command is a PING or a hello.
                v = v.replaceAll("^sentinel-[0-9a-f]{8}-", "sentinel-<id>-");
                peer = true;
            }
            out.append(name).append(eq < 0 ? "" : "=").append(v).append(sep);
            peer &= !sep.equals("\n");
        }
        return out.toString();
    }

    private static final Pattern DIGITS = Pattern.compile("-?\\d+(\\.\\d+)?");

    /** INFO text: the Sentinel section exactly, elsewhere field names exactly and values by shape. */
    private static String info(String s) {
        StringBuilder out = new StringBuilder();
        boolean sentinel = false;
        for (String line : s.split("\r\n", -1)) {
            if (line.startsWith("#")) {
                sentinel = line.equals("# Sentinel");
                out.append(line);
            } else if (sentinel || line.indexOf(':') < 0) {
                out.append(line);
            } else {
                String name = line.substring(0, line.indexOf(':'));
                String v = line.substring(line.indexOf(':') + 1);
                if (INFO_IMPLEMENTATION.containsKey(name)) {
                    v = "<impl>";
                } else {
                    Matcher m = DIGITS.matcher(v.replaceAll("\\b[0-9a-f]{40}\\b", "<runid>"));
                    v = m.replaceAll(r -> r.group(1) == null ? "<n>" : "<n.n>");
                }
                out.append(name).append(':').append(v);
            }
            out.append('\n');
        }
        return out.toString();
    }
}
