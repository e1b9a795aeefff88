package io.jredis.cli;

import io.jredis.cluster.RespConnection;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar jredis.jar cluster start|stop --dir DIR}: the classic Sentinel deployment on one machine, each
 * node a separate process of this jar with its config, log, pid file and data in {@code DIR/<node>/}.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Runs a local Sentinel deployment (1 master, replicas, Sentinels) as separate processes.",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class})
public final class ClusterCommand {

    /** A node of the deployment on disk: its name, port and directory. */
    record NodeDir(String name, boolean sentinel, Path dir) {
        Path config() {
            return dir.resolve(sentinel ? "sentinel.conf" : "redis.conf");
        }

        Path pidfile() {
            return dir.resolve("node.pid");
        }

        /** The nodes found under {@code root}, in start order: data nodes, then Sentinels. */
        static List<NodeDir> list(Path root) throws IOException {
            List<NodeDir> nodes = new ArrayList<>();
            try (var entries = Files.list(root)) {
                for (Path p : entries.sorted().toList()) {
                    String name = p.getFileName().toString();
                    if (Files.isRegularFile(p.resolve("redis.conf"))) {
                        nodes.add(new NodeDir(name, false, p));
                    } else if (Files.isRegularFile(p.resolve("sentinel.conf"))) {
                        nodes.add(new NodeDir(name, true, p));
                    }
                }
            }
            nodes.sort((a, b) -> Boolean.compare(a.sentinel, b.sentinel));
            return nodes;
        }

        Optional<ProcessHandle> process() {
            try {
                long pid = Long.parseLong(Files.readString(pidfile()).strip());
                return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            } catch (IOException | NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /** {@code cluster start}. */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Writes a config per node under DIR and starts every node as a background process.")
    static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, description = "Directory for the nodes' configs, logs and data.")
        Path dir;

        @Option(names = "--port", defaultValue = "6379", description = "Master's port; replicas use the next ones.")
        int port;

        @Option(names = "--sentinel-port", defaultValue = "26379",
                description = "First Sentinel's port; the others use the next ones.")
        int sentinelPort;

        @Option(names = "--replicas", defaultValue = "2")
        int replicas;

        @Option(names = "--sentinels", defaultValue = "3")
        int sentinels;

        @Option(names = "--quorum", defaultValue = "2")
        int quorum;

        @Option(names = "--master-name", defaultValue = "mymaster")
        String masterName;

        @Option(names = "--down-after", defaultValue = "5000", description = "down-after-milliseconds.")
        long downAfter;

        @Option(names = "--failover-timeout", defaultValue = "60000", description = "failover-timeout (ms).")
        long failoverTimeout;

        @Option(names = "--timeout", defaultValue = "60", description = "Seconds to wait for the cluster to be ready.")
        long timeout;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (quorum < 1 || quorum > sentinels) {
                err.println("quorum must be between 1 and the number of Sentinels (" + sentinels + ")");
                return 2;
            }
            Files.createDirectories(dir);
            dir = dir.toRealPath();
            for (NodeDir n : NodeDir.list(dir)) {
                if (n.process().isPresent()) {
                    err.println(n.name() + " is already running (pid file " + n.pidfile() + "); run cluster stop first");
                    return 1;
                }
            }
            List<NodeDir> nodes = new ArrayList<>();
            for (int i = 0; i <= replicas; i++) {
                NodeDir n = new NodeDir("redis-" + i, false, dir.resolve("redis-" + i));
                write(n, port + i, i == 0 ? "" : "replicaof 127.0.0.1 " + port + "\n");
                nodes.add(n);
            }
            for (int i = 0; i < sentinels; i++) {
                NodeDir n = new NodeDir("sentinel-" + i, true, dir.resolve("sentinel-" + i));
                write(n, sentinelPort + i, "sentinel monitor " + masterName + " 127.0.0.1 " + port + " " + quorum
                        + "\nsentinel down-after-milliseconds " + masterName + " " + downAfter
                        + "\nsentinel failover-timeout " + masterName + " " + failoverTimeout + "\n");
                nodes.add(n);
            }
            Path jar = ownJar();
            String java = ProcessHandle.current().info().command().orElse(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Duration bound = Duration.ofSeconds(timeout);
            for (NodeDir n : nodes) {
                List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar.toString(), n.config().toString()));
                if (n.sentinel()) {
                    cmd.add("--sentinel");
                }
                new ProcessBuilder(cmd).directory(n.dir().toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(n.dir().resolve("stdout.log").toFile()))
                        .redirectErrorStream(true)
                        .start();
                int p = nodePort(n);
                if (!await(bound, () -> "PONG".equals(ask(p, "PING")))) {
                    err.println(n.name() + " did not answer on port " + p + " within " + timeout
                            + " s; see " + n.dir().resolve("node.log"));
                    return 1;
                }
                if (n.name().equals("redis-" + replicas) && replicas > 0 && !await(bound, () ->
                        String.valueOf(ask(port, "INFO", "replication")).split("state=online").length
                                - 1 == replicas)) {
                    err.println("the replicas did not come online within " + timeout + " s");
                    return 1;
                }
                out.println("started " + n.name() + " on 127.0.0.1:" + p + " (" + n.dir() + ")");
            }
            for (NodeDir n : nodes) {
                if (n.sentinel()) {
                    int p = nodePort(n);
                    if (!await(bound, () -> ask(p, "SENTINEL", "SENTINELS", masterName) instanceof List<?> l
                            && l.size() == sentinels - 1)) {
                        err.println(n.name() + " does not see the other Sentinels within " + timeout + " s");
                        return 1;
                    }
                }
            }
            out.println("cluster ready: master " + masterName + " at 127.0.0.1:" + port + ", Sentinels "
                    + String.join(",", sentinelAddresses()));
            out.flush();
            return 0;
        }

        private List<String> sentinelAddresses() {
            List<String> a = new ArrayList<>();
            for (int i = 0; i < sentinels; i++) {
                a.add("127.0.0.1:" + (sentinelPort + i));
            }
            return a;
        }

        private static void write(NodeDir n, int port, String extra) throws IOException {
            Files.createDirectories(n.dir());
            Files.writeString(n.config(), "# Written by jredis cluster start; edited by Sentinel/CONFIG REWRITE.\n"
                    + "bind 127.0.0.1\nport " + port + "\ndir " + n.dir() + "\nlogfile " + n.dir().resolve("node.log")
                    + "\npidfile " + n.pidfile() + "\n" + extra);
        }
    }

    /** {@code cluster stop}. */
    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stops every node started under DIR (SIGTERM: a clean shutdown), Sentinels first.")
    static final class Stop implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true)
        Path dir;

        @Option(names = "--timeout", defaultValue = "30", description = "Seconds to wait for each node to exit.")
        long timeout;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isDirectory(dir)) {
                err.println("no such directory: " + dir);
                return 1;
            }
            List<NodeDir> nodes = new ArrayList<>(NodeDir.list(dir));
            // Sentinels first, so that stopping the master does not start a failover; then replicas, then master.
            java.util.Collections.reverse(nodes);
            int failures = 0;
            for (NodeDir n : nodes) {
                Optional<ProcessHandle> p = n.process();
                if (p.isEmpty()) {
                    out.println(n.name() + " is not running");
                    continue;
                }
                ProcessHandle h = p.get();
                h.destroy();
                try {
                    h.onExit().get(timeout, java.util.concurrent.TimeUnit.SECONDS);
                    out.println("stopped " + n.name() + " (pid " + h.pid() + ")");
                } catch (java.util.concurrent.TimeoutException e) {
                    err.println(n.name() + " (pid " + h.pid() + ") did not exit within " + timeout + " s");
                    failures++;
                }
            }
            out.flush();
            return failures == 0 ? 0 : 1;
        }
    }

    /** The node's port, from the {@code port} line of its config (Sentinel may have rewritten the file). */
    static int nodePort(NodeDir n) throws IOException {
        for (String line : Files.readAllLines(n.config())) {
            String[] w = line.strip().split("\\s+");
            if (w.length == 2 && w[0].equalsIgnoreCase("port")) {
                return Integer.parseInt(w[1]);
            }
        }
        throw new IOException("no port line in " + n.config());
    }

    static Object ask(int port, String... args) {
        try {
            return RespConnection.once("127.0.0.1", port, 2000, args);
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }

    static boolean await(Duration bound, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** The jar this class runs from; {@code -Djredis.jar=...} names it when running from class directories. */
    static Path ownJar() throws URISyntaxException {
        String override = System.getProperty("jredis.jar");
        if (override != null) {
            return Path.of(override).toAbsolutePath();
        }
        Path p = Path.of(ClusterCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("not running from jredis.jar; pass -Djredis.jar=/path/to/jredis.jar");
        }
        return p;
    }
}
