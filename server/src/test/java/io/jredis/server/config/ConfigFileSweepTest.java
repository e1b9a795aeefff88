package io.jredis.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TempPaths;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Config file and command-line lines must be accepted or refused exactly as by redis-server 7.0.15: the same
 * "FATAL CONFIG FILE ERROR" report (line number, echoed line, reason) and exit status. jredis's parser runs in
 * process (as Main runs it before starting anything); redis-server runs on a file that ends with a line it refuses,
 * so it never starts and exits at once. Many lines go in one file: a run stops at the first refused line and the
 * sweep goes on after it, so there are as many runs as refused lines.
 */
class ConfigFileSweepTest {
    private static final String VERSION = "7.0.15";
    private static final String END = "zzz-end-of-sweep 1";
    /** Redis's log prefix ("pid:C date time # ") before the lines it logs rather than reports. */
    private static final Pattern LOG_PREFIX = Pattern.compile("(?m)^\\d+:[CXMS] [^#]*# ");
    private static final Pattern AT_LINE = Pattern.compile("at line (\\d+)\n");

    /** Directives of jredis's own, which redis-server does not know. */
    private static final Set<String> JREDIS_ONLY = Set.of("metrics-port");

    /**
     * Values tried on the directives CONFIG SET cannot change (ConfigSetSweepTest sweeps the others, whose parsers
     * are the same for files): each is written as one quoted argument.
     */
    private static final List<String> IMMUTABLE_VALUES = List.of("", "a\0b", "yes\0x", "7\0x", "yes", "no", "YES",
            "0", "-1", "1", "99999999999999999999", "1.5", "1k", "1kb", "1gb", "1x", "10%", "bogus", "1 2", " 1", "1 ",
            "0x10", "+5",
            "2147483647", "2147483648", "-2147483649", "4294967296", "65535", "65536", "777", "0777", "0778", "128",
            "129", "systemd", "upstart", "auto", "local7", "user", "local", "a/b",
            "127.0.0.1 6379", "127.0.0.1 bogus", "no one", "{title}");

    /** Lines for the file-only syntax: quoting, comments, includes, renames, users, modules, sentinel, aliases. */
    private static final List<String> SYNTAX = List.of(
            "  hz 11  ", "\thz\t12", "HZ 13", "hz \"14\"", "hz '15'", "hz \"1\"6", "hz \"17", "hz '18",
            "hz \"\\x31\\x39\"", "hz '2\\'0'", "# comment", "   # indented comment", "hz 21 # trailing comment",
            "hz", "hz 1 2", "save 900 1", "save \"\"", "save 900", "save 900 1 300", "save \"900 1\" 300 10",
            "save '900 1 300 10'", "save -1 1", "save 1 -1", "save 1 x", "save x 1", "slaveof 127.0.0.1 1",
            "replicaof no one", "replicaof 127.0.0.1", "replicaof 127.0.0.1 6379 1",
            "rename-command get", "rename-command bogus x", "rename-command get mget", "rename-command get myget",
            "rename-command myget \"\"", "rename-command set \"\"", "rename-command config cfg x",
            "user", "user alice on >pw ~* +@all", "user bob bogus-rule", "user bob on", "user bob off",
            "user carol on (+get", "user dave on >p #abc", "user erin on +bogus ~*", "user frank on \">p w\" ~* +@all",
            "user gina on %RW~k &chan (+get ~x) resetchannels", "user hal off nopass -@all +get",
            "user ivy on ~* ~k", "user jon on <nopw", "user kim on (~x +get) (", "USER lee on",
            "loadmodule", "loadmodule /nonexistent.so",
            "sentinel", "sentinel monitor m 127.0.0.1 6379 2", "list-max-ziplist-entries 10",
            "list-max-ziplist-value 10", "lua-replicate-commands yes", "list-max-ziplist-entries",
            "lua-replicate-commands", "mymodule.opt 1", "mymodule.opt", "mymodule.opt 1 2", "include",
            "include a b", "include /nonexistent/*.conf",
            "client-output-buffer-limit normal 0 0 0 replica 1mb 1mb 1", "client-output-buffer-limit normal 0 0",
            "client-output-buffer-limit bogus 0 0 0", "client-output-buffer-limit \"normal 0 0 0\"",
            "notify-keyspace-events \"\"", "notify-keyspace-events KEA", "bind 127.0.0.1 ::1", "bind",
            "bind \"\"", "bind -127.0.0.1", "oom-score-adj-values 0 200", "oom-score-adj-values \"0 200 800\"",
            "latency-tracking-info-percentiles", "latency-tracking-info-percentiles \"\"",
            "shutdown-on-sigterm \"nosave save\"", "shutdown-on-sigterm now force", "dir /nonexistent",
            "dir /etc/hostname", "dir \"\"", "unixsocketperm 999", "maxmemory 1GB", "maxmemory-clients 200%",
            "slave-read-only bogus", "slave-priority -1", "hash-max-ziplist-entries bogus",
            "hash-max-ziplist-value 1x", "zset-max-ziplist-value -1", "lua-time-limit -1", "ignore-warnings a b",
            "tls-port 1 2", "enable-debug-command maybe", "proc-title-template \"{bogus}\"",
            "cluster-announce-hostname \"a b\"", "appendfilename \"\"", "appendfilename a/b", "appenddirname a/b",
            "dbfilename a/b", "requirepass", "requirepass \"\"");

    /** Whole files checked as they are (no end line), for the checks Redis makes after reading every line. */
    private static final List<String> WHOLE_FILES = List.of(
            "cluster-enabled yes\nreplicaof 127.0.0.1 6379\n",
            "logfile /nonexistent/dir/redis.log\nzzz-end-of-sweep 1\n",
            "logfile /nonexistent/dir/redis.log\n",
            "hz 10\r\nhz 11\r\n" + END + "\r\n",
            "hz 10\n\n\n" + END,
            "hz 10\ninclude /nonexistent/file.conf\n" + END,
            "sentinel\n" + END);

    /** Command lines (after the program name), each ended by an option redis-server refuses. */
    private static final List<List<String>> COMMAND_LINES = List.of(
            List.of("--hz", "0x10"),
            List.of("--hz", "11", "12"),
            List.of("--save"),
            List.of("--save", "--hz", "11"),
            List.of("--save", ""),
            List.of("--save", "900", "1", "--save", "300", "10"),
            List.of("--save", "900 1"),
            List.of("--bogus", "1"),
            List.of("--maxmemory", "1 gb"),
            List.of("--maxmemory", "\"1gb"),
            List.of("--requirepass", "a b \"c"),
            List.of("--replicaof", "127.0.0.1", "bogus"),
            List.of("--replicaof", "127.0.0.1 6379"),
            List.of("--hz"),
            List.of("--loglevel", "--hz", "11"),
            List.of("--client-output-buffer-limit", "normal", "0", "0", "x"),
            List.of("--bind", "127.0.0.1", "--hz", "x"),
            List.of("/nonexistent/hz", "11"),
            List.of("--", "hz"),
            List.of("--hz\t11"),
            List.of("--\"hz\" 11"),
            List.of("--masteruser", "--hz", "--hz", "x"),
            List.of("--hz", "1\n2"),
            List.of("--hz", "'11'"),
            List.of("--save", "\"\""),
            List.of("--save", "900", "1", "--save"),
            List.of("--sentinel", "--hz", "x"),
            List.of("--oom-score-adj-values", "0 200 800", "--oom-score-adj-values", "0", "200", "5000"),
            List.of("--hz", "11", "--HZ", "x"),
            List.of("---hz", "11"),
            List.of("--", "--hz", "x"),
            List.of("-", "--hz", "x"),
            List.of("--hz", "x", "-"));

    /**
     * Directives whose accepted values are not read back from a started redis-server: those RealRedis sets itself on
     * the command line, those that would stop it from starting or serving the test (sockets, files, daemonizing,
     * a master to connect to, cluster mode, CPU affinity lists), and databases, whose larger accepted values make
     * Redis allocate that many databases. Of the others: a password would lock the test out, a client memory limit,
     * client count or idle timeout could drop its connection, and a watchdog period set from a file arms the alarm
     * signal without its handler, which ends redis-server.
     */
    private static final Set<String> NOT_READ_BACK = Set.of("port", "bind", "save", "appendonly", "dir",
            "daemonize", "loglevel", "unixsocket", "unixsocketperm", "pidfile", "logfile", "replicaof", "aclfile",
            "cluster-enabled", "server_cpulist", "bio_cpulist", "aof_rewrite_cpulist", "bgsave_cpulist", "databases",
            "supervised", "syslog-enabled", "include", "tls-port", "io-threads", "requirepass", "maxmemory-clients",
            "maxclients", "timeout", "watchdog-period");

    private static final int MAX_ROUNDS = 15;

    private static Path work;

    @BeforeAll
    static void setUp() {
        RealRedis.assumeInstalled();
        work = TempPaths.dir("config-file-sweep");
    }

    @AfterAll
    static void tearDown() {
        if (work != null) {
            TempPaths.delete(work);
        }
    }

    @Test
    void everyDirectiveWithBadArgumentsIsRefusedAsByRealRedis() throws Exception {
        List<String> lines = new ArrayList<>();
        for (String name : new ServerConfig().names().keySet()) {
            if (!JREDIS_ONLY.contains(name)) {
                lines.addAll(List.of(name, name + " a b", name + " bogus", name + " \"\""));
            }
        }
        assertEquals("", sweep(lines, new ArrayList<>()));
    }

    @Test
    void immutableDirectivesParseValuesAsRealRedis() throws Exception {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Directive> e : new ServerConfig().names().entrySet()) {
            if (e.getValue().has(Directive.IMMUTABLE) && !JREDIS_ONLY.contains(e.getKey())) {
                for (String v : IMMUTABLE_VALUES) {
                    lines.add(e.getKey() + " " + ConfigRewrite.repr(v));
                }
            }
        }
        List<String> accepted = new ArrayList<>();
        String diffs = sweep(lines, accepted);
        assertEquals("", diffs + readBack(accepted));
    }

    /**
     * Directives CONFIG SET can change, written in a file with up to three of the values ConfigSetSweepTest tries
     * that jredis accepts (each read back differently): both parsers must accept the same lines, and redis-server
     * started with them must show the same values. activedefrag is left out: the Debian redis-server refuses
     * "activedefrag yes" on purpose (see ConfigSetSweepTest's ALLOWED).
     */
    @Test
    void mutableDirectivesFromAFileReadBackAsRealRedis() throws Exception {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Directive> e : new ServerConfig().names().entrySet()) {
            String name = e.getKey();
            if (e.getValue().has(Directive.IMMUTABLE) || JREDIS_ONLY.contains(name) || name.equals("activedefrag")) {
                continue;
            }
            Set<String> shown = new java.util.HashSet<>();
            for (String v : ConfigSetSweepTest.SHAPES) {
                ServerConfig probe = new ServerConfig();
                try {
                    probe.find(name).setFromString(v);
                } catch (ConfigException ex) {
                    continue;
                }
                if (shown.add(probe.find(name).get()) && shown.size() <= 3) {
                    lines.add(name + " " + ConfigRewrite.repr(v));
                }
            }
        }
        List<String> accepted = new ArrayList<>();
        String diffs = sweep(lines, accepted);
        assertEquals("", diffs + readBack(accepted));
    }

    @Test
    void fileSyntaxAndFileOnlyDirectivesAsRealRedis() throws Exception {
        List<String> diffs = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        diffs.add(sweep(SYNTAX, accepted));
        diffs.add(readBack(accepted));
        for (String text : WHOLE_FILES) {
            compare(text, List.of(), diffs);
        }
        diffs.removeIf(String::isEmpty);
        assertEquals("", String.join("\n", diffs));
    }

    @Test
    void commandLineOptionsAsRealRedis() throws Exception {
        List<String> diffs = new ArrayList<>();
        for (List<String> args : COMMAND_LINES) {
            List<String> withEnd = new ArrayList<>(args);
            withEnd.addAll(List.of("--zzz-end-of-sweep", "1"));
            compare(null, withEnd, diffs);
        }
        assertEquals("", String.join("\n", diffs));
    }

    /**
     * Runs the lines through both parsers, a file at a time, each file starting after the line the previous run
     * refused; returns the differences, one per line, and adds the lines both accepted to {@code accepted}.
     */
    private static String sweep(List<String> lines, List<String> accepted) throws Exception {
        List<String> diffs = Collections.synchronizedList(new ArrayList<>());
        List<String> acceptedInOrder = Collections.synchronizedList(accepted);
        // Two halves at once: the machine has two cores and most of the time is redis-server's start.
        int half = lines.size() / 2;
        List<List<String>> parts = List.of(lines.subList(0, half), lines.subList(half, lines.size()));
        parts.parallelStream().forEach(part -> {
            List<String> partDiffs = new ArrayList<>();
            try {
                int from = 0;
                while (from <= part.size()) {
                    List<String> rest = part.subList(Math.min(from, part.size()), part.size());
                    String text = (rest.isEmpty() ? "" : String.join("\n", rest) + "\n") + END + "\n";
                    int before = partDiffs.size();
                    int stop = compare(text, List.of(), partDiffs);
                    if (stop > rest.size() + 1) {
                        throw new AssertionError("no line named in the report of " + text + partDiffs);
                    }
                    if (partDiffs.size() == before) {
                        acceptedInOrder.addAll(rest.subList(0, Math.min(stop - 1, rest.size())));
                    }
                    from += stop;
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            diffs.addAll(partDiffs);
        });
        return String.join("\n", diffs);
    }

    /**
     * Compares one invocation: {@code text} as the config file (null for none) and {@code args} as options. Records
     * a difference in {@code diffs}; returns the line the earlier of the two parsers refused (1-based, or a large
     * number when neither names a line).
     */
    private static int compare(String text, List<String> args, List<String> diffs)
            throws IOException, InterruptedException {
        Path file = null;
        List<String> cmd = new ArrayList<>(List.of(RealRedis.binary()));
        if (text != null) {
            file = Files.createTempFile(work, "sweep", ".conf");
            Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
            cmd.add(file.toString());
        }
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).start();
        // An empty standard input, for the command lines that read config from it ("-").
        p.getOutputStream().close();
        String redisOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("redis-server did not exit on " + text + " " + args);
        }
        String expected = p.exitValue() + " " + LOG_PREFIX.matcher(redisOut).replaceAll("");
        String actual = jredis(file, args);
        if (file != null) {
            Files.delete(file);
        }
        int rLine = lineOf(expected);
        int jLine = lineOf(actual);
        if (!expected.equals(actual)) {
            String what = text == null ? String.join(" ", args) : offending(text, Math.min(rLine, jLine));
            diffs.add(what.replace("\0", "\\0") + "\n  redis:  " + expected.replace("\n", "\\n")
                    + "\n  jredis: " + actual.replace("\n", "\\n"));
        }
        return Math.min(rLine, jLine);
    }

    /** What Main prints and returns for the same invocation, parsing in this process. */
    private static String jredis(Path file, List<String> args) {
        List<String> all = new ArrayList<>();
        if (file != null) {
            all.add(file.toString());
        }
        all.addAll(args);
        ConfigFile.CommandLine cl = ConfigFile.CommandLine.parse(all);
        String cwd = System.getProperty("user.dir");
        // Main logs this line before reading, as Redis does.
        String stdinNote = cl.configFromStdin() ? "Reading config from stdin\n" : "";
        try {
            new ConfigFile(new ServerConfig()).load(cl, new ByteArrayInputStream(new byte[0]));
            return "0 " + stdinNote;
        } catch (ConfigFile.FatalConfigError e) {
            return "1 " + stdinNote + (e.isLogLine() ? e.reason + "\n" : e.report(VERSION));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            System.setProperty("user.dir", cwd);
        }
    }

    /**
     * Starts redis-server with the accepted lines, at most one per directive at a time (and at most
     * {@link #MAX_ROUNDS} times: free-text directives accept every value), and compares what CONFIG GET
     * shows for each with jredis's value after parsing the same file. Returns the differences.
     */
    private static String readBack(List<String> accepted) throws Exception {
        List<List<String>> rounds = new ArrayList<>();
        for (String line : accepted) {
            String name = name(line);
            if (name == null || NOT_READ_BACK.contains(name) || name.startsWith("tls-")) {
                continue;
            }
            List<String> round = null;
            for (List<String> r : rounds) {
                if (r.stream().noneMatch(l -> name.equals(name(l)))) {
                    round = r;
                    break;
                }
            }
            if (round == null && rounds.size() == MAX_ROUNDS) {
                continue;
            }
            if (round == null) {
                round = new ArrayList<>();
                rounds.add(round);
            }
            round.add(line);
        }
        List<String> diffs = new ArrayList<>();
        for (List<String> round : rounds) {
            String text = String.join("\n", round) + "\n";
            Path file = Files.createTempFile(work, "readback", ".conf");
            Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
            ServerConfig ours = new ServerConfig();
            new ConfigFile(ours).loadString(text);
            try (RealRedis real = RealRedis.startWithConfig(file);
                    RawClient r = new RawClient("127.0.0.1", real.port())) {
                for (String line : round) {
                    String typed = line.trim().split("\\s+", 2)[0];
                    List<?> got = (List<?>) r.call("CONFIG", "GET", typed);
                    String expected = got.isEmpty() ? null : RawClient.text(got.get(1));
                    String actual = ours.find(typed).get();
                    if (!actual.equals(expected)) {
                        diffs.add(line.replace("\0", "\\0") + " then CONFIG GET " + typed + "\n  redis:  " + expected
                                + "\n  jredis: " + actual);
                    }
                }
            } finally {
                Files.delete(file);
            }
        }
        return String.join("\n", diffs);
    }

    /** The primary name of the directive a line sets, or null for file-only directives and comments. */
    private static String name(String line) {
        String first = line.trim().split("\\s+", 2)[0];
        Directive d = new ServerConfig().find(first);
        return d == null ? null : d.name();
    }

    private static int lineOf(String report) {
        Matcher m = AT_LINE.matcher(report);
        return m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE / 2;
    }

    private static String offending(String text, int line) {
        String[] lines = text.split("\n", -1);
        return line >= 1 && line <= lines.length ? lines[line - 1] : text;
    }
}
