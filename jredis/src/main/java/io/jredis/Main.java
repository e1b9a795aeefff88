package io.jredis;

import io.jredis.server.Engine;
import io.jredis.server.RedisServer;
import io.jredis.server.config.ConfigFile;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.server.util.SplitArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
        })
public final class Main implements Callable<Integer> {
    private static final long PID = ProcessHandle.current().pid();

    @Option(names = {"-v", "--version"}, versionHelp = true, hidden = true)
    private boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, hidden = true)
    private boolean help;

    @Option(names = "--sentinel", hidden = true)
    private boolean sentinel;

    @Unmatched
    private List<String> redisArgs = new ArrayList<>();

    private final CountDownLatch shutdownRequested = new CountDownLatch(1);
    private Log log;
    private RedisServer server;
    private Path pidfile;
    private boolean stopped;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).setStopAtUnmatched(true).setExpandAtFiles(false).execute(args));
    }

    /** Runs the server until a signal asks it to stop; returns the process exit code. */
    @Override
    public Integer call() throws Exception {
        if (sentinel || redisArgs.contains("--sentinel")) {
            System.err.println("Sentinel mode is not available yet in jredis");
            return 1;
        }
        ServerConfig config = new ServerConfig();
        ConfigFile configFile = new ConfigFile(config);
        if (!redisArgs.isEmpty()) {
            String text;
            try {
                text = configText(redisArgs);
            } catch (IOException e) {
                bootLog().warning(e.getMessage());
                return 1;
            }
            try {
                configFile.loadString(text);
            } catch (ConfigFile.FatalConfigError e) {
                System.err.print(e.report(Engine.REDIS_VERSION));
                System.err.flush();
                return 1;
            }
        }
        try {
            log = Log.open(config.logfile.value(), config.loglevel.value());
        } catch (IOException e) {
            System.err.println("Can't open the log file: " + reason(e));
            return 1;
        }
        log.role(() -> 'C');
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
        log.role(() -> 'M');
        server = new RedisServer(config, log);
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
        onSignal("TERM");
        onSignal("INT");
        writePidfile(config.pidfile.value());
        log.notice("Running mode=standalone, port=" + server.port() + ".");
        log.warning("Server initialized");
        log.notice("Ready to accept connections");
        shutdownRequested.await();
        stop();
        return 0;
    }

    /** A log on standard output for the lines redis-server prints before the configured log exists. */
    private static Log bootLog() throws IOException {
        Log boot = Log.open("", "notice");
        boot.role(() -> 'C');
        return boot;
    }

    /**
     * redis-server's {@code main()} argument rules: a first argument not starting with {@code -} is the config file;
     * {@code -} as first or last argument reads stdin; every {@code --name} starts a line and the arguments after it
     * are appended quoted. The file, stdin and those lines are joined into one config text.
     */
    private String configText(List<String> args) throws IOException {
        int j = 0;
        StringBuilder text = new StringBuilder();
        if (!args.get(0).startsWith("-")) {
            Path file = Path.of(args.get(0)).toAbsolutePath();
            try {
                text.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                throw new IOException("Fatal error, can't open config file '" + file + "': " + reason(e), e);
            }
            j = 1;
        }
        int n = args.size();
        boolean fromStdin = false;
        List<StringBuilder> lines = new ArrayList<>();
        boolean valueSeen = true;
        for (; j < n; j++) {
            String arg = args.get(j);
            boolean nextIsOption = j != n - 1 && args.get(j + 1).startsWith("--");
            if (arg.equals("-") && (j == 0 || j == n - 1)) {
                fromStdin = true;
            } else if (valueSeen && arg.startsWith("--")) {
                StringBuilder line = new StringBuilder(ConfigText.raw(arg.substring(2))).append(' ');
                lines.add(line);
                List<byte[]> words = SplitArgs.split(arg.getBytes(StandardCharsets.UTF_8));
                // "--port 6380" in one argument carries its value; a bare "--save" before another option or at
                // the end means an empty save list, as in Redis 7.0.1 and later.
                valueSeen = words == null || words.size() != 1;
                if (!valueSeen && arg.equalsIgnoreCase("--save") && (nextIsOption || j == n - 1)) {
                    line.append("\"\"");
                    valueSeen = nextIsOption;
                } else if (!valueSeen && arg.equalsIgnoreCase("--sentinel") && nextIsOption) {
                    valueSeen = true;
                }
            } else {
                if (lines.isEmpty()) {
                    lines.add(new StringBuilder());
                }
                lines.get(lines.size() - 1).append(ConfigText.quote(arg)).append(' ');
                valueSeen = true;
            }
        }
        if (fromStdin) {
            bootLog().warning("Reading config from stdin");
            text.append(new String(System.in.readAllBytes(), StandardCharsets.ISO_8859_1));
        }
        text.append('\n');
        for (int i = 0; i < lines.size(); i++) {
            text.append(i == 0 ? "" : "\n").append(lines.get(i).toString().stripTrailing());
        }
        return text.toString();
    }

    private void writePidfile(String name) {
        if (name.isEmpty()) {
            return;
        }
        Path path = Path.of(name);
        try {
            Files.writeString(path, PID + "\n");
            pidfile = path;
        } catch (IOException e) {
            log.warning("Failed to write PID file: " + reason(e));
        }
    }

    /** Logs the signal as Redis's handler does (its own line format) and wakes the main thread to shut down. */
    private void onSignal(String name) {
        try {
            Signal.handle(new Signal(name), s -> {
                log.raw(PID + ":signal-handler (" + System.currentTimeMillis() / 1000 + ") Received SIG" + name
                        + " scheduling shutdown...");
                shutdownRequested.countDown();
            });
        } catch (IllegalArgumentException e) {
            // The JVM keeps the signal (-Xrs, or ignored by the parent); the shutdown hook still closes cleanly.
            log.verbose("Cannot handle SIG" + name + ": " + e.getMessage());
        }
    }

    /** Runs once, from the main thread after a signal or from the shutdown hook on any other exit. */
    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        log.warning("User requested shutdown...");
        if (pidfile != null) {
            log.notice("Removing the pid file.");
            try {
                Files.deleteIfExists(pidfile);
            } catch (IOException e) {
                log.warning("Error removing the pid file: " + reason(e));
            }
        }
        log.warning("Redis is now ready to exit, bye bye...");
        server.close();
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
