package io.jredis.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.log.Log;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The redis.conf parser: syntax, values, include, command-line merging and Redis's exact error reports. */
class ConfigFileTest {
    @TempDir
    Path tmp;

    private static ServerConfig load(String text) throws ConfigFile.FatalConfigError {
        ServerConfig cfg = new ServerConfig();
        new ConfigFile(cfg).loadString(text);
        return cfg;
    }

    private static String report(String text) {
        ConfigFile.FatalConfigError e = assertThrows(ConfigFile.FatalConfigError.class, () -> load(text));
        return e.report("7.0.15");
    }

    @Test
    void commentsBlankLinesCaseAndOverrides() throws Exception {
        ServerConfig cfg = load("# a comment\n\n   \t\nPORT 7000\r\nHz 20\nhz 30\n  timeout 5  \n");
        assertEquals(7000, cfg.port.value());
        assertEquals(30, cfg.hz.value(), "later lines override earlier ones");
        assertEquals(5, cfg.timeout.value());
    }

    @Test
    void quotedStringsAndEscapes() throws Exception {
        ServerConfig cfg = load("requirepass \"p a\\\"ss\\x41\\n\"\nmasterauth 'it\\'s'\nlogfile \"\"\n");
        assertEquals("p a\"ssA\n", cfg.requirepass.value());
        assertEquals("it's", cfg.masterauth.value());
        assertEquals("", cfg.logfile.value());
    }

    @Test
    void memoryUnitsAndYesNoCase() throws Exception {
        ServerConfig cfg = load("maxmemory 1gb\nrepl-backlog-size 100mb\nclient-query-buffer-limit 2GB\n"
                + "hash-max-listpack-value 1k\nproto-max-bulk-len 2m\nappendonly YES\nprotected-mode No\n");
        assertEquals(1L << 30, cfg.maxmemory.value());
        assertEquals(100L << 20, cfg.replBacklogSize.value());
        assertEquals(2L << 30, cfg.clientQueryBufferLimit.value());
        assertEquals(1000, cfg.hashMaxListpackValue.value(), "k is 1000, kb is 1024");
        assertEquals(2_000_000, cfg.protoMaxBulkLen.value());
        assertTrue(cfg.appendonly.value());
        assertFalse(cfg.protectedMode.value());
    }

    @Test
    void saveLinesReplaceTheDefaultsThenAccumulate() throws Exception {
        assertEquals("3600 1 300 100 60 10000", new ServerConfig().save.get());
        assertEquals("900 1 300 10", load("save 900 1\nsave 300 10\n").save.get());
        assertEquals("900 1 300 10 60 10000", load("save 900 1 300 10\nsave 60 10000\n").save.get());
        assertEquals("", load("save 900 1\nsave \"\"\n").save.get(), "save \"\" clears");
        assertEquals("60 5", load("save \"\"\nsave 60 5\n").save.get());
    }

    @Test
    void aliasesAndSpecialDirectives() throws Exception {
        ServerConfig cfg = load("slave-read-only no\nhash-max-ziplist-entries 10\nlua-time-limit 100\n"
                + "slaveof 10.0.0.1 6380\nnotify-keyspace-events KEA\nbind 127.0.0.1 -::1\n"
                + "client-output-buffer-limit replica 1gb 512mb 30\noom-score-adj-values 0 100 200\n"
                + "list-max-ziplist-entries 5\nlua-replicate-commands yes\n");
        assertFalse(cfg.replicaReadOnly.value());
        assertEquals(10, cfg.hashMaxListpackEntries.value());
        assertEquals(100, cfg.busyReplyThreshold.value());
        assertEquals("10.0.0.1", cfg.replicaof.host());
        assertEquals(6380, cfg.replicaof.port());
        assertEquals("AKE", cfg.notifyKeyspaceEvents.get());
        assertEquals(List.of("127.0.0.1", "-::1"), cfg.bind.value());
        assertEquals("normal 0 0 0 slave 1073741824 536870912 30 pubsub 33554432 8388608 60",
                cfg.clientOutputBufferLimit.get());
        assertEquals("0 100 200", cfg.oomScoreAdjValues.get());
    }

    @Test
    void includeIsRelativeToTheWorkingDirectoryAndSupportsGlobs() throws Exception {
        Path sub = Files.createDirectories(tmp.resolve("conf.d"));
        Files.writeString(sub.resolve("a.conf"), "hz 11\n");
        Files.writeString(sub.resolve("b.conf"), "hz 12\ntimeout 7\n");
        Files.writeString(sub.resolve("c.txt"), "hz 99\n");
        Path relative = Path.of(System.getProperty("user.dir")).toAbsolutePath().relativize(sub.resolve("a.conf"));
        ServerConfig one = load("include " + relative + "\n");
        assertEquals(11, one.hz.value());
        ServerConfig all = load("hz 5\ninclude " + sub + "/*.conf\n");
        assertEquals(12, all.hz.value(), "files are read in sorted order");
        assertEquals(7, all.timeout.value());
        assertEquals(10, load("include " + tmp + "/nothing-*.conf\n").hz.value(), "an empty glob is fine");
        ConfigFile.FatalConfigError e = assertThrows(ConfigFile.FatalConfigError.class,
                () -> load("include " + tmp + "/missing.conf\n"));
        assertTrue(e.isLogLine());
        assertEquals("Fatal error, can't open config file '" + tmp + "/missing.conf': No such file or directory",
                e.reason);
    }

    @Test
    void errorInIncludedFileReportsThatFilesLine() throws Exception {
        Path inc = tmp.resolve("inc.conf");
        Files.writeString(inc, "# first\nhz 1\nhz x\n");
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n"
                + ">>> 'hz x'\nargument couldn't be parsed into an integer\n", report("port 1\ninclude " + inc + "\n"));
    }

    @Test
    void badValuesReportLineAndReason() {
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n"
                + ">>> 'foo bar'\nBad directive or wrong number of arguments\n", report("# c\nport 7000\nfoo bar\n"));
        assertTrue(report("daemonize maybe").endsWith("argument must be 'yes' or 'no'\n"));
        assertTrue(report("databases 0").endsWith("argument must be between 1 and 2147483647 inclusive\n"));
        assertTrue(report("maxmemory 10x").endsWith("argument must be a memory value\n"));
        assertTrue(report("port 1 2").endsWith("wrong number of arguments\n"));
        assertTrue(report("dir \"abc").endsWith("Unbalanced quotes in configuration line\n"));
        assertTrue(report("loglevel loud").endsWith(
                "argument(s) must be one of the following: debug, verbose, notice, warning\n"));
        assertTrue(report("save 10").endsWith("Invalid save parameters\n"));
        assertTrue(report("unixsocketperm 999").endsWith("argument couldn't be parsed as an octal number\n"));
        assertTrue(report("maxmemory-clients 200%").endsWith("percentage argument must be less or equal to 100\n"));
    }

    @Test
    void commandLineOptionsBecomeConfigLines() {
        assertEquals("port \"7000\" \nsave \"900\" \"1\" \"300\" \"10\" ",
                ConfigFile.fromCommandLine(List.of("--port", "7000", "--save", "900", "1", "300", "10")));
        assertEquals("save \"\" ", ConfigFile.fromCommandLine(List.of("--save", "")));
        assertEquals("save \"\"\nport \"1\" ", ConfigFile.fromCommandLine(List.of("--save", "--port", "1")));
        assertEquals("save \"\"", ConfigFile.fromCommandLine(List.of("--save")));
        assertEquals("port 7000 ", ConfigFile.fromCommandLine(List.of("--port 7000")));

        ConfigFile.CommandLine cl = ConfigFile.CommandLine.parse(List.of("redis.conf", "--hz", "20"));
        assertEquals(Path.of("redis.conf").toAbsolutePath(), cl.configFile());
        assertFalse(cl.configFromStdin());
        assertEquals("hz \"20\" ", cl.options());
        ConfigFile.CommandLine stdin = ConfigFile.CommandLine.parse(List.of("-", "--hz", "20"));
        assertNull(stdin.configFile());
        assertTrue(stdin.configFromStdin());
    }

    @Test
    void fileThenStdinThenOptions() throws Exception {
        Path file = tmp.resolve("r.conf");
        Files.writeString(file, "hz 11\ntimeout 3\n");
        ServerConfig cfg = new ServerConfig();
        new ConfigFile(cfg).load(ConfigFile.CommandLine.parse(List.of(file.toString(), "--timeout", "9")), null);
        assertEquals(11, cfg.hz.value());
        assertEquals(9, cfg.timeout.value(), "options come last");
        assertEquals(file.toAbsolutePath(), cfg.configFile());

        ServerConfig fromStdin = new ServerConfig();
        new ConfigFile(fromStdin).load(ConfigFile.CommandLine.parse(List.of("-", "--hz", "30")),
                new ByteArrayInputStream("hz 20\ntimeout 4\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(30, fromStdin.hz.value());
        assertEquals(4, fromStdin.timeout.value());
        assertNull(fromStdin.configFile());

        ConfigFile.FatalConfigError e = assertThrows(ConfigFile.FatalConfigError.class, () -> new ConfigFile(
                new ServerConfig()).load(ConfigFile.CommandLine.parse(List.of("--hz", "abc")), null));
        assertEquals(2, e.line, "options follow the (empty) file text and a newline");
        assertEquals("hz \"abc\"", e.text);
    }

    @Test
    void warnsOncePerNotImplementedDirectiveLeftOffItsDefault() throws Exception {
        ConfigFile f = new ConfigFile(new ServerConfig());
        f.loadString("port 7000\nactiverehashing yes\nappendonly yes\nactiverehashing no\nsave 900 1\n"
                + "io-threads 4\njemalloc-bg-thread yes\ndynamic-hz no\ndynamic-hz yes\n"
                + "rename-command keys \"\"\n");
        assertEquals(List.of("Config directive 'activerehashing' is accepted but not implemented yet by jredis",
                "Config directive 'io-threads' is accepted but not implemented yet by jredis"), f.warnings());
    }

    @Test
    void fileOnlyDirectives() throws Exception {
        ServerConfig cfg = load("rename-command KEYS \"\"\nrename-command flushall myflush\n"
                + "user bob on >pw ~* +@all\nloadmodule /opt/mod.so arg1\n");
        assertEquals(2, cfg.renamedCommands().size());
        assertEquals(List.of("bob on >pw ~* +@all"), cfg.fileUsers());
        assertEquals(List.of("/opt/mod.so arg1"), cfg.loadModules());
        assertTrue(report("rename-command nosuch x").endsWith("No such command in rename-command\n"));
        assertTrue(report("rename-command get set").endsWith("Target command name already exists\n"));
        assertTrue(report("rename-command keys \"\"\nrename-command keys k").endsWith(
                "No such command in rename-command\n"));
        assertTrue(report("sentinel monitor m 127.0.0.1 6379 2").endsWith(
                "sentinel directive while not in sentinel mode\n"));
        ServerConfig sentinel = new ServerConfig();
        sentinel.sentinelMode(true);
        new ConfigFile(sentinel).loadString("sentinel monitor m 127.0.0.1 6379 2\n");
        assertEquals(List.of("monitor", "m", "127.0.0.1", "6379", "2"), sentinel.sentinelLines().get(0).args());
    }

    /** A user line's quoted password with a space stays one rule, so the user can log in with it, as on Redis. */
    @Test
    void userLineKeepsQuotedArgumentsWhole() throws Exception {
        String text = "user alice on \">p w\" \">\\\"q\\\"\" ~* +@all\n";
        Path file = tmp.resolve("users.conf");
        Files.writeString(file, text);
        ServerConfig cfg = TestServer.config();
        new ConfigFile(cfg).loadString(text);
        RedisServer ours = new RedisServer(cfg, Log.silent());
        try (RealRedis real = RealRedis.startWithConfig(file)) {
            ours.start();
            for (int port : new int[] {real.port(), ours.port()}) {
                try (RawClient c = new RawClient("127.0.0.1", port)) {
                    assertEquals("OK", RawClient.text(c.call("AUTH", "alice", "p w")), "port " + port);
                    assertEquals("OK", RawClient.text(c.call("AUTH", "alice", "\"q\"")), "port " + port);
                }
            }
        } finally {
            ours.close();
        }
    }

    @Test
    void sampleConfigFilesParse() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent().resolve("conf");
        ServerConfig master = new ServerConfig();
        new ConfigFile(master).loadFile(root.resolve("redis.conf"));
        assertTrue(master.appendonly.value());
        assertEquals("everysec", master.appendfsync.value());
        assertFalse(master.save.points().isEmpty());
        ServerConfig sentinel = new ServerConfig();
        sentinel.sentinelMode(true);
        new ConfigFile(sentinel).loadFile(root.resolve("sentinel.conf"));
        assertTrue(sentinel.sentinelLines().stream().anyMatch(
                l -> l.args().equals(List.of("monitor", "mymaster", "127.0.0.1", "6379", "2"))));
    }

    /** Each bad file must make jredis print exactly what redis-server 7.0.15 prints on stderr for it. */
    @Test
    void errorReportsMatchRealRedis() throws Exception {
        RealRedis.assumeInstalled();
        Path inc = tmp.resolve("included.conf");
        Files.writeString(inc, "# included\n\nhz 3\nmaxmemory lots\n");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("unknown", "# c\n\nport 0\nfoo bar\n");
        cases.put("wrong-args", "port 1 2\n");
        cases.put("yes-no", "daemonize maybe\n");
        cases.put("integer", "port 0\nhz abc\n");
        cases.put("range", "databases 0\n");
        cases.put("memory", "maxmemory 10x\n");
        cases.put("quotes", "dir \"abc\n");
        cases.put("enum", "loglevel loud\n");
        cases.put("enum-synonym", "oom-score-adj sometimes\n");
        cases.put("save", "save 900 1\nsave 10\n");
        cases.put("save-values", "save a b\n");
        cases.put("cobl-class", "client-output-buffer-limit master 1 2 3\n");
        cases.put("cobl-args", "client-output-buffer-limit normal 1 2\n");
        cases.put("cobl-values", "client-output-buffer-limit normal 1 2 -3\n");
        cases.put("bind", "bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n");
        cases.put("rename", "rename-command FOOO bar\n");
        cases.put("rename-args", "rename-command get\n");
        cases.put("include-args", "include\n");
        cases.put("include-error", "port 0\ninclude " + inc + "\n");
        cases.put("module-config", "foo.bar\n");
        cases.put("sentinel", "sentinel monitor m 127.0.0.1 6379 2\n");
        cases.put("replicaof-port", "replicaof host abc\n");
        cases.put("replicaof-args", "replicaof host\n");
        cases.put("notify", "notify-keyspace-events Q\n");
        cases.put("oom-values", "oom-score-adj-values 1 2\n");
        cases.put("oom-range", "oom-score-adj-values 1 2 5000\n");
        // A multi-argument directive's lone argument is split: the first line is valid, the error is the second's.
        cases.put("multi-in-one", "shutdown-on-sigint \"now force\"\nshutdown-on-sigterm\n");
        cases.put("multi-in-one-range", "oom-score-adj-values \"1 2 5000\"\n");
        cases.put("percentiles", "latency-tracking-info-percentiles 50 abc\n");
        cases.put("percentiles-range", "latency-tracking-info-percentiles 500\n");
        cases.put("dbfilename", "dbfilename a/b\n");
        cases.put("appendfilename", "appendfilename \"\"\n");
        cases.put("octal", "unixsocketperm 999\n");
        cases.put("octal-range", "unixsocketperm 1000\n");
        cases.put("percent", "maxmemory-clients 200%\n");
        cases.put("unsigned", "maxclients -1\n");
        cases.put("shutdown", "shutdown-on-sigint save nosave\n");
        cases.put("hostname", "cluster-announce-hostname a_b\n");
        cases.put("proc-title", "proc-title-template {nope}\n");
        cases.put("deprecated-then-error", "list-max-ziplist-entries 5\nlua-replicate-commands yes\nhz -1\n");
        cases.put("deprecated-args", "list-max-ziplist-entries 5 6\n");
        cases.put("logfile", "port 0\nlogfile " + tmp + "/no/such/dir/x.log\n");
        cases.put("crlf", "hz abc\r\n");
        cases.put("empty-int", "port \"\"\n");
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path f = tmp.resolve(c.getKey() + ".conf");
            Files.writeString(f, c.getValue(), StandardCharsets.ISO_8859_1);
            String expected = realRedisStderr(f);
            String actual;
            try {
                new ConfigFile(new ServerConfig()).loadFile(f);
                actual = "(accepted)";
            } catch (ConfigFile.FatalConfigError e) {
                actual = e.report("7.0.15");
            }
            if (!expected.equals(actual)) {
                mismatches.add(c.getKey() + ":\n  redis:  " + expected.replace("\n", "\\n") + "\n  jredis: "
                        + actual.replace("\n", "\\n"));
            }
        }
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }

    private String realRedisStderr(Path conf) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(RealRedis.binary(), conf.toString()).directory(tmp.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return new String(err, StandardCharsets.ISO_8859_1);
    }
}
