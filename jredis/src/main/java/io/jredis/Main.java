package io.jredis;

import io.jredis.cli.ClusterCommand;
import io.jredis.cli.DrillCommand;
import io.jredis.persistence.Loading;
import io.jredis.persistence.RdbPersistence;
import io.jredis.persistence.aof.AofException;
import io.jredis.persistence.rdb.RdbException;
import io.jredis.server.Engine;
import io.jredis.server.RedisServer;
import io.jredis.server.SystemdNotify;
import io.jredis.server.config.ConfigFile;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.sentinel.SentinelModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;
import sun.misc.Signal;

/**
 * {@code java -jar jredis.jar}: the redis-server command line. {@code [/path/to/redis.conf | -] [--name value ...]}
 * builds one config text exactly as redis-server does (file, then stdin, then the {@code --} directives as lines),
 * starts the server in the foreground and shuts it down cleanly on SIGTERM or SIGINT.
 *
 * <p>Picocli recognises {@code -v}, {@code -h} and {@code --sentinel} only in front of everything else and stops at
 * the first argument it does not know, so the rest reaches redis-server's own argument rules verbatim (values may
 * start with {@code -}, be empty, or be several words).
 */
@Command(
        name = "jredis",
        versionProvider = Main.Version.class,
        synopsisHeading = "",
        customSynopsis = {
            "Usage: java -jar jredis.jar [/path/to/redis.conf] [options] [-]",
            "       java -jar jredis.jar - (read config from stdin)",
            "       java -jar jredis.jar -v or --version",
            "       java -jar jredis.jar -h or --help",
        },
        footer = {
            "",
            "Examples:",
            "       java -jar jredis.jar (run the server with default conf)",
            "       echo 'maxmemory 128mb' | java -jar jredis.jar -",
            "       java -jar jredis.jar /etc/redis/6379.conf",
            "       java -jar jredis.jar --port 7777",
            "       java -jar jredis.jar --port 7777 --replicaof 127.0.0.1 8888",
            "       java -jar jredis.jar /etc/myredis.conf --loglevel verbose -",
            "       java -jar jredis.jar /etc/myredis.conf --loglevel verbose",
            "",
            "Sentinel mode:",
            "       java -jar jredis.jar /etc/sentinel.conf --sentinel",
            "",
            "Tools:",
            "       java -jar jredis.jar cluster start|stop --dir <dir> (local master, replicas, Sentinels)",
            "       java -jar jredis.jar drill --sentinel host:port[,...] --master <name> [--kill] [--json]",
        })
public final class Main implements Callable<Integer> {
    private static final long PID = ProcessHandle.current().pid();
    /** Set in the environment of the process {@link #daemonize} starts: it is the daemon, and must not fork again. */
    private static final String DAEMON_ENV = "JREDIS_DAEMONIZED";

    @Option(names = {"-v", "--version"}, versionHelp = true, hidden = true)
    private boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, hidden = true)
    private boolean help;

    @Option(names = "--sentinel", hidden = true)
    private boolean sentinel;

    @Unmatched
    private List<String> redisArgs = new ArrayList<>();

    private final java.util.concurrent.Semaphore shutdownRequested = new java.util.concurrent.Semaphore(0);
    /** Completed by the first signal or SHUTDOWN, to stop a start-up load that still runs. */
    private final CompletableFuture<Void> exitRequested =
            new CompletableFuture<>();
    private Log log;
    private RedisServer server;
    /** Taken by whichever removes it first: the shutdown on the engine thread, or the exit hook. */
    private final java.util.concurrent.atomic.AtomicReference<Path> pidfile =
            new java.util.concurrent.atomic.AtomicReference<>();
    private boolean stopped;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * The tools ({@code cluster ...}, {@code drill ...}, and {@code cds-training <dir>} that bin/jredis runs to build
     * its class-data sharing archive) when the first argument names one, else the server. The tools are dispatched
     * before the server's parser so that its redis-server argument rules stay untouched.
     */
    static int run(String... args) {
        if (args.length > 0 && java.util.Set.of("cluster", "drill", "cds-training").contains(args[0])) {
            Object tool = switch (args[0]) {
                case "cluster" -> new ClusterCommand();
                case "drill" -> new DrillCommand();
                default -> new CdsTraining();
            };
            return new CommandLine(tool).execute(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length == 0 || !picocliOption(args[0])) {
            // What picocli would do with a command line that does not start with one of its options (all of it goes
            // to redis-server's rules), without loading and initialising picocli: a third of a second at start-up.
            Main main = new Main();
            main.redisArgs.addAll(java.util.Arrays.asList(args));
            try {
                return main.call();
            } catch (Exception e) {
                e.printStackTrace();
                return 1;
            }
        }
        return new CommandLine(new Main()).setStopAtUnmatched(true).setExpandAtFiles(false).execute(args);
    }

    /** Whether picocli could take {@code arg} as one of Main's options (or a cluster of short ones, "-vh"). */
    private static boolean picocliOption(String arg) {
        if (arg.startsWith("--")) {
            String name = arg.indexOf('=') < 0 ? arg : arg.substring(0, arg.indexOf('='));
            return name.equals("--version") || name.equals("--help") || name.equals("--sentinel");
        }
        return arg.startsWith("-") && arg.length() > 1;
    }

    /** Runs the server until a signal asks it to stop; returns the process exit code. */
    @Override
    public Integer call() throws Exception {
        boolean sentinelMode = sentinel || redisArgs.contains("--sentinel");
        redisArgs.remove("--sentinel");
        ServerConfig config = new ServerConfig();
        if (sentinelMode) {
            SentinelModule.prepare(config);
        }
        ConfigFile configFile = new ConfigFile(config);
        ConfigFile.CommandLine commandLine = ConfigFile.CommandLine.parse(redisArgs);
        try {
            if (commandLine.configFromStdin()) {
                bootLog().warning("Reading config from stdin");
            }
            configFile.load(commandLine, System.in);
        } catch (ConfigFile.FatalConfigError e) {
            if (e.isLogLine()) {
                bootLog().warning(e.reason);
            } else {
                System.err.print(e.report(Engine.REDIS_VERSION));
                System.err.flush();
            }
            return 1;
        }
        try {
            log = Log.open(config.inDir(config.logfile.value()), config.loglevel.value());
        } catch (IOException e) {
            System.err.println("Can't open the log file: " + reason(e));
            return 1;
        }
        // Redis logs with role X in Sentinel mode, and checks the config file before anything else
        log.role(() -> sentinelMode ? 'X' : 'C');
        if (sentinelMode) {
            try {
                SentinelModule.checkConfigFile(config);
            } catch (IOException e) {
                log.warning(e.getMessage());
                return 1;
            }
        }
        // Redis's order: supervision is settled first (a supervised server never daemonizes), then the fork.
        SystemdNotify systemd = SystemdNotify.open(config.supervised.value(), System.getenv(), log);
        boolean daemon = System.getenv(DAEMON_ENV) != null;
        if (config.daemonize.value() && !daemon && !systemd.active() && !upstart(config.supervised.value())) {
            if (commandLine.configFromStdin()) {
                log.warning("Not daemonizing: the configuration was read from stdin, which the daemon cannot read "
                        + "again");
            } else if (daemonize()) {
                return 0;
            }
        }
        log.warning("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
        log.warning("Redis version=" + Engine.REDIS_VERSION + ", bits=" + bits()
                + ", commit=00000000, modified=0, pid=" + PID + ", just started");
        if (redisArgs.isEmpty()) {
            log.warning("Warning: no config file specified, using the default config. In order to specify a config "
                    + "file use java -jar jredis.jar /path/to/redis.conf");
        } else {
            log.warning("Configuration loaded");
        }
        for (String w : configFile.warnings()) {
            log.warning(w);
        }
        warnOfDefaultHeap();
        log.role(() -> sentinelMode ? 'X' : 'M');
        server = new RedisServer(config, log);
        server.engine().systemd(systemd);
        // Redis aborts when an allocation fails; a server whose event loop died must not linger either: its
        // supervisor restarts it. halt, as the shutdown hooks need the dead loop.
        server.engine().onFatal(() -> Runtime.getRuntime().halt(1));
        // A crash (DEBUG SEGFAULT, a panic) ends the process at once after its report, as Redis's does: no save.
        server.engine().onCrash(status -> {
            System.out.flush();
            Runtime.getRuntime().halt(status);
        });
        server.engine().executable(ProcessHandle.current().info().command().orElse("java"));
        // SHUTDOWN from a client ends the process the same way a signal does.
        server.engine().onShutdown(() -> {
            exitRequested.complete(null);
            shutdownRequested.release();
        });
        if (!sentinelMode) {
            // Logged on the engine thread once the server listens, before the data loads there (Redis's order).
            server.onStarted(() -> logInitialized(false));
        }
        SentinelModule sentinelModule = null;
        RdbPersistence rdb = null;
        try {
            if (sentinelMode) {
                sentinelModule = SentinelModule.install(server);
            } else {
                rdb = DataModules.install(server, true);
            }
            // The last step before the exit, as Redis's finishShutdown removes it after the final save.
            server.engine().addShutdownPreparer((save, nosave, force) -> {
                removePidfile();
                return true;
            });
        } catch (ConfigFile.FatalConfigError e) {
            System.err.print(e.report(Engine.REDIS_VERSION));
            System.err.flush();
            server.close();
            return 1;
        } catch (IOException e) {
            log.warning(e.getMessage());
            server.close();
            return 1;
        }
        if (rdb != null) {
            // Redis says so on its event loop once the data is loaded, before its first cron dials a master: here on
            // the engine thread, before the replication link's start queued behind the load.
            rdb.startupLoad().thenRun(() -> {
                if (!exitRequested.isDone()) {
                    logReady();
                }
            });
        }
        try {
            server.start();
        } catch (IOException e) {
            for (String line : e.getMessage().split("\n")) {
                log.warning(line);
            }
            server.close();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "jredis-shutdown"));
        HeapTrim.startIfConcurrent(server.engine());
        G1HeapTrim.startIfG1(server.engine());
        onSignal("TERM");
        onSignal("INT");
        String pidfileName = config.pidfile.value();
        if (daemon && (pidfileName == null || pidfileName.isEmpty())) {
            // Redis's createPidFile: a daemon always has a pid file, at CONFIG_DEFAULT_PID_FILE unless named.
            pidfileName = "/var/run/redis.pid";
        }
        writePidfile(config.inDir(pidfileName));
        if (sentinelMode) {
            logInitialized(true);
        }
        if (rdb != null && !awaitStartupLoad(rdb)) {
            // Redis exits with status 1 here, leaving its pid file.
            server.close();
            stopped = true;
            return 1;
        }
        if (sentinelModule != null) {
            sentinelModule.start(server);
        }
        if (!exitRequested.isDone()) {
            // As Redis: a Sentinel says nothing more than its id and +monitor events; a server told how it listens
            // when its load ended.
            systemd.send(sentinelMode || config.replicaof.host() == null ? "STATUS=Ready to accept connections\n"
                    : "STATUS=Ready to accept connections in read-only mode. Waiting for MASTER <-> REPLICA sync\n");
            systemd.send("READY=1\n");
        }
        // A signal whose shutdown fails (the final save could not be written) leaves the server running, as Redis.
        do {
            shutdownRequested.acquire();
        } while (!stop());
        return server.engine().exitStatus();
    }

    private void logReady() {
        ServerConfig config = server.config();
        if (server.engine().tcpPort() != 0 || config.tlsPort.value() != 0) {
            log.notice("Ready to accept connections");
        }
        if (!config.unixsocket.value().isEmpty()) {
            log.notice("The server is now ready to accept connections at " + config.unixsocket.value());
        }
    }

    private void logInitialized(boolean sentinelMode) {
        String mode = sentinelMode ? "sentinel" : "standalone";
        int port = server.engine().tcpPort();
        if (!server.engine().config().alwaysShowLogo.value()) {
            log.notice("Running mode=" + mode + ", port=" + port + ".");
        } else if (log.enabled(Log.NOTICE)) {
            log.raw(String.format(ASCII_LOGO, Engine.REDIS_VERSION, "00000000", 0, bits(), mode, port, PID));
        }
        if (!sentinelMode) {
            log.warning("Server initialized");
        }
    }

    /** Redis's start-up banner (asciilogo.h), shown instead of the "Running mode" line under always-show-logo. */
    private static final String ASCII_LOGO = String.join("\n",
            "                _._                                                  ",
            "           _.-``__ ''-._                                             ",
            "      _.-``    `.  `_.  ''-._           Redis %s (%s/%d) %s bit",
            "  .-`` .-```.  ```\\/    _.,_ ''-._                                  ",
            " (    '      ,       .-`  | `,    )     Running in %s mode",
            " |`-._`-...-` __...-.``-._|'` _.-'|     Port: %d",
            " |    `-._   `._    /     _.-'    |     PID: %d",
            "  `-._    `-._  `-./  _.-'    _.-'                                   ",
            " |`-._`-._    `-.__.-'    _.-'_.-'|                                  ",
            " |    `-._`-._        _.-'_.-'    |           https://redis.io       ",
            "  `-._    `-._`-.__.-'_.-'    _.-'                                   ",
            " |`-._`-._    `-.__.-'    _.-'_.-'|                                  ",
            " |    `-._`-._        _.-'_.-'    |                                  ",
            "  `-._    `-._`-.__.-'_.-'    _.-'                                   ",
            "      `-._    `-.__.-'    _.-'                                       ",
            "          `-._        _.-'                                           ",
            "              `-.__.-'                                               ",
            "");

    /**
     * Waits for the data to load while the server answers -LOADING. A signal (or SHUTDOWN) meanwhile stops the load,
     * and the server then exits without saving, as Redis does. Returns false when the files could not be loaded
     * (logged; the process exits with status 1).
     */
    private boolean awaitStartupLoad(RdbPersistence rdb) throws InterruptedException {
        CompletableFuture<Void> load = rdb.startupLoad();
        CompletableFuture.anyOf(load, exitRequested).handle((v, e) -> null).join();
        if (!load.isDone()) {
            rdb.stopStartupLoad();
        }
        try {
            load.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Loading.Aborted) {
                // The shutdown that stopped it is pending: the loop below performs it.
                return true;
            }
            // A damaged RDB file was reported where it was found, as Redis's rdbReportError, and so were most AOF
            // errors.
            if (e.getCause() instanceof RdbException r) {
                if (r.isDamagedValue()) {
                    log.warning("Terminating server after rdb file reading failure.");
                }
            } else if (!(e.getCause() instanceof AofException a && a.isLogged())) {
                log.warning(String.valueOf(e.getCause().getMessage()));
            }
            return false;
        }
        return true;
    }

    /**
     * Redis's daemonize(): the server goes on in a process of its own session, its standard streams on /dev/null,
     * while this one exits at once with status 0. A JVM cannot fork, so the daemon is this same command line (JVM
     * options included) started again and told by {@link #DAEMON_ENV} what it is; setsid (util-linux), where
     * installed, gives it its own session as Redis's setsid() call does. False when the daemon could not be started
     * because the platform does not report the command line: the server then stays in the foreground.
     */
    private static boolean daemonize() throws IOException {
        ProcessHandle.Info self = ProcessHandle.current().info();
        if (self.command().isEmpty() || self.arguments().isEmpty()) {
            bootLog().warning("Not daemonizing: this platform does not tell the JVM's command line");
            return false;
        }
        List<String> cmd = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            cmd.add(setsid.toString());
        }
        cmd.add(self.command().get());
        cmd.addAll(List.of(self.arguments().get()));
        java.io.File devNull = new java.io.File("/dev/null");
        ProcessBuilder daemon = new ProcessBuilder(cmd).redirectInput(devNull).redirectOutput(devNull)
                .redirectError(devNull);
        daemon.environment().put(DAEMON_ENV, "1");
        daemon.start();
        return true;
    }

    /**
     * A JVM left to its default maximum heap (a quarter of the machine's memory on most) holds a smaller dataset than
     * Redis would on the same machine, and jredis refuses writes at 90% of it: said once at start, as Redis warns of
     * settings that will hurt later.
     */
    private void warnOfDefaultHeap() {
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-Xmx") || arg.startsWith("-XX:MaxHeapSize") || arg.startsWith("-XX:MaxRAM")) {
                return;
            }
        }
        log.warning("WARNING: the JVM's maximum heap is its default, " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MB, and writes are refused once the dataset reaches 90% of it. To hold more, start the JVM with"
                + " -Xmx or -XX:MaxRAMPercentage (for example JREDIS_JAVA_OPTS=-XX:MaxRAMPercentage=75 bin/jredis).");
    }

    /** Upstart runs the process ({@code supervised upstart} or {@code auto} with UPSTART_JOB): no daemonizing. */
    private static boolean upstart(String mode) {
        return (mode.equals("upstart") || mode.equals("auto")) && System.getenv("UPSTART_JOB") != null;
    }

    /** A log on standard output for the lines redis-server prints before the configured log exists. */
    private static Log bootLog() throws IOException {
        Log boot = Log.open("", "notice");
        boot.role(() -> 'C');
        return boot;
    }

    private void writePidfile(String name) {
        if (name.isEmpty()) {
            return;
        }
        Path path = Path.of(name);
        try {
            Files.writeString(path, PID + "\n");
            pidfile.set(path);
        } catch (IOException e) {
            log.warning("Failed to write PID file: " + reason(e));
        }
    }

    /** Logs the signal as Redis's handler does (its own line format) and wakes the main thread to shut down. */
    private void onSignal(String name) {
        try {
            Signal.handle(new Signal(name), s -> {
                // A second SIGINT means quit now (Redis's shutdown_asap check).
                boolean insist = name.equals("INT") && server.engine().shutdownSequence().requested();
                String prefix = PID + ":signal-handler (" + System.currentTimeMillis() / 1000 + ") ";
                if (insist) {
                    // The save in progress is abandoned: its temp file goes.
                    log.raw(prefix + "You insist... exiting now.");
                    try {
                        Files.deleteIfExists(server.config().dir.path().resolve("temp-" + PID + ".rdb"));
                    } catch (IOException e) {
                        // Exiting anyway, as Redis ignores unlink's result.
                    }
                    Runtime.getRuntime().halt(1);
                }
                // Recorded before anything slower (the log line), as a client's SHUTDOWN ABORT may follow the signal
                // closely; the line is still written before the engine's cron can start the shutdown (not while
                // DEBUG PAUSE-CRON holds it), as Redis's handler logs before serverCron runs again.
                server.engine().shutdownSequence().request(name.equals("INT"),
                        () -> log.raw(prefix + "Received SIG" + name + " scheduling shutdown..."));
                exitRequested.complete(null);
            });
        } catch (IllegalArgumentException e) {
            // The JVM keeps the signal (-Xrs, or ignored by the parent); the shutdown hook still closes cleanly.
            log.verbose("Cannot handle SIG" + name + ": " + e.getMessage());
        }
    }

    /** Runs once, from the main thread after a signal or from the shutdown hook on any other exit. */
    /** Stops the server once; returns false when the final save failed and the server keeps running. */
    private synchronized boolean stop() {
        if (stopped) {
            return true;
        }
        if (server.engine().shuttingDown()) {
            // SHUTDOWN already saved, logged its farewell and is closing the server.
            stopped = true;
            removePidfile();
            return true;
        }
        log.warning("User requested shutdown...");
        boolean prepared;
        try {
            prepared = server.onEngine(() -> server.engine().prepareShutdown(false, false, false));
        } catch (Exception e) {
            prepared = false;
        }
        if (!prepared) {
            log.warning("SIGTERM received but errors trying to shut down the server, check the logs for more "
                    + "information");
            return false;
        }
        stopped = true;
        removePidfile();
        log.warning((server.config().sentinelMode() ? "Sentinel" : "Redis") + " is now ready to exit, bye bye...");
        server.close();
        return true;
    }

    private void removePidfile() {
        Path path = pidfile.getAndSet(null);
        if (path != null) {
            log.notice("Removing the pid file.");
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.warning("Error removing the pid file: " + reason(e));
            }
        }
    }

    /** The strerror() text Redis would print for a failed file operation. */
    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage();
    }

    private static String bits() {
        return System.getProperty("sun.arch.data.model", "64");
    }

    /** {@code -v}: redis-server's line first (tools parse it), then which jredis build answers. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String jredis = jredisVersion();
            return new String[] {
                "Redis server v=" + Engine.REDIS_VERSION + " sha=00000000:0 malloc=libc bits=" + bits()
                        + " build=" + String.format("%016x", (long) ("jredis-" + jredis).hashCode() & 0xffffffffL),
                "jredis " + jredis + " (Java " + Runtime.version() + ", " + System.getProperty("java.vm.name") + ")",
            };
        }
    }

    /** The version in the jar manifest, or "dev" when running from classes. */
    static String jredisVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
