package io.jredis.cluster;

import io.jredis.DataModules;
import io.jredis.sentinel.SentinelModule;
import io.jredis.server.RedisServer;
import io.jredis.server.config.ConfigFile;
import io.jredis.server.config.ConfigRewrite;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.server.net.LoopbackPorts;
import io.jredis.server.protocol.RespParser;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A Sentinel deployment inside the current JVM: one master, N replicas and M Sentinels, each a full jredis server on
 * its own free loopback port, with fault injection for failover tests.
 *
 * <pre>{@code
 * try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).sentinels(3).build().start()) {
 *     Node old = cluster.master();
 *     old.kill();
 *     Node promoted = cluster.awaitFailover(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>{@link #start()} returns once the cluster is ready: every replica online at the master and every Sentinel
 * knowing the other Sentinels and all replicas. Data nodes run with {@code repl-diskless-sync-delay 0} (replicas start
 * together, so Redis's 5 s wait for more of them only slows the start; a {@link Builder#setting(String)} overrides
 * it). Each node has a directory (config file, rewritten by Sentinel as in a
 * real deployment; RDB files when persistence is on) under one temporary directory that {@link #close()} deletes,
 * together with every thread and port of the cluster. Clusters in one JVM share nothing.
 *
 * <p>Faults: {@link Node#kill()} (as SIGKILL: every connection reset, nothing flushed), {@link Node#pause()} /
 * {@link Node#resume()} (as SIGSTOP / SIGCONT: sockets stay open, nothing is read, answered or timed),
 * {@link #cut(Node, Node)} / {@link #heal(Node, Node)} (a partition between two nodes: their connections stay open
 * and carry nothing until healed), {@link #cutFromClients(Node)} (the same between a node and everything that is not
 * a cluster node), and {@link Node#restart()} (the node again, same port and directory, from its config file).
 */
public final class EmbeddedCluster implements AutoCloseable {
    /** What a node runs as. */
    public enum Kind { DATA, SENTINEL }

    private final Builder spec;
    private final List<Node> nodes = new ArrayList<>();
    private final Set<Set<Node>> cutLinks = ConcurrentHashMap.newKeySet();
    private final Set<Node> cutFromClients = ConcurrentHashMap.newKeySet();
    private Path root;
    private volatile Node master;
    private boolean started;
    private boolean closed;

    private EmbeddedCluster(Builder spec) {
        this.spec = spec;
    }

    /** A builder with the defaults: master name {@code mymaster}, 2 replicas, 3 Sentinels, quorum 2. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the master, then the replicas, then the Sentinels, and waits until the cluster is ready (see the class
     * comment) for at most the builder's start timeout.
     *
     * @throws IllegalStateException when the cluster was already started, or is not ready in time (it is closed)
     * @throws UncheckedIOException when a node cannot start
     */
    public synchronized EmbeddedCluster start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "this cluster was closed" : "this cluster is already started");
        }
        started = true;
        try {
            root = Files.createTempDirectory("jredis-cluster");
            Node m = new Node(Kind.DATA, "redis-0");
            nodes.add(m);
            m.start();
            master = m;
            for (int i = 1; i <= spec.replicas; i++) {
                Node r = new Node(Kind.DATA, "redis-" + i);
                nodes.add(r);
                r.start();
            }
            awaitUntil("replicas online", spec.startTimeout, () -> onlineReplicas(m) >= spec.replicas);
            for (int i = 0; i < spec.sentinels; i++) {
                Node s = new Node(Kind.SENTINEL, "sentinel-" + i);
                nodes.add(s);
                s.start();
            }
            for (Node s : sentinels()) {
                awaitUntil(s.name + " sees its peers and the replicas", spec.startTimeout, () ->
                        size(s.call("SENTINEL", "SENTINELS", spec.masterName)) == spec.sentinels - 1
                                && linkedReplicas(s.call("SENTINEL", "REPLICAS", spec.masterName)) == spec.replicas);
            }
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The master's name in Sentinel ({@code sentinel monitor <name> ...}). */
    public String masterName() {
        return spec.masterName;
    }

    /** The Sentinels' quorum. */
    public int quorum() {
        return spec.quorum();
    }

    /** Every node: data nodes first ({@code redis-0} is the first master), then Sentinels. */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** The data nodes (master and replicas). */
    public List<Node> dataNodes() {
        return nodes.stream().filter(n -> n.kind == Kind.DATA).toList();
    }

    /** The Sentinels. */
    public List<Node> sentinels() {
        return nodes.stream().filter(n -> n.kind == Kind.SENTINEL).toList();
    }

    /** The node with the given name ({@code redis-0}, {@code sentinel-2}, ...). */
    public Node node(String name) {
        return nodes.stream().filter(n -> n.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node named " + name));
    }

    /** The data nodes that are not the current master. */
    public List<Node> replicas() {
        Node m = master;
        return dataNodes().stream().filter(n -> n != m).toList();
    }

    /**
     * The current master: the first one, or the one returned by the last {@link #awaitFailover(Duration)}. Ask the
     * Sentinels ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}) for their view.
     */
    public Node master() {
        return master;
    }

    /** The Sentinels' addresses, for clients' Sentinel configuration. */
    public List<InetSocketAddress> sentinelAddresses() {
        return sentinels().stream().map(n -> new InetSocketAddress(n.host(), n.port())).toList();
    }

    /**
     * Waits until the Sentinels agree on a new master and that node answers as a master; it becomes
     * {@link #master()}. Agreement means a majority of all Sentinels name it and no other reachable Sentinel names
     * another node: Sentinels that are killed, paused or partitioned are not waited for. Waiting for the stragglers
     * matters: one still holding the old configuration would take a restarted old master for the master and turn
     * the promoted node back into its replica.
     *
     * @throws IllegalStateException when that does not happen within {@code bound} (the message says what each
     *     Sentinel reported last)
     */
    public Node awaitFailover(Duration bound) {
        if (spec.sentinels == 0) {
            throw new IllegalStateException("this cluster has no Sentinels to fail over");
        }
        Node old = master;
        Map<String, String> seen = new ConcurrentHashMap<>();
        Node[] promoted = new Node[1];
        try {
            awaitUntil("failover", bound, () -> {
                Map<Integer, Integer> votes = new HashMap<>();
                for (Node s : sentinels()) {
                    if (!s.isRunning() || s.isPaused() || isPartitioned(s)) {
                        continue;
                    }
                    Object addr = s.tryCall("SENTINEL", "GET-MASTER-ADDR-BY-NAME", spec.masterName);
                    seen.put(s.name, String.valueOf(addr));
                    if (addr instanceof List<?> l && l.size() == 2) {
                        votes.merge(Integer.parseInt(String.valueOf(l.get(1))), 1, Integer::sum);
                    }
                }
                if (votes.size() != 1) {
                    return false;
                }
                Map.Entry<Integer, Integer> v = votes.entrySet().iterator().next();
                Node n = byPort(v.getKey());
                if (n != null && n != old && v.getValue() * 2 > spec.sentinels && n.isRunning()
                        && n.tryCall("ROLE") instanceof List<?> role && "master".equals(role.get(0))) {
                    promoted[0] = n;
                    return true;
                }
                return false;
            });
        } catch (IllegalStateException e) {
            throw new IllegalStateException("no failover away from " + old + " within " + bound
                    + "; Sentinels reported " + seen, e);
        }
        master = promoted[0];
        return promoted[0];
    }

    /** Partitions two nodes: their connections stay open but carry nothing until {@link #heal(Node, Node)}. */
    public void cut(Node a, Node b) {
        cutLinks.add(Set.of(a, b));
        applyPolicies();
    }

    /** Ends the partition between two nodes; what was held is delivered. */
    public void heal(Node a, Node b) {
        cutLinks.remove(Set.of(a, b));
        applyPolicies();
    }

    /** Partitions a node from every connection that does not come from a cluster node (applications, tests). */
    public void cutFromClients(Node n) {
        cutFromClients.add(n);
        applyPolicies();
    }

    /** Ends {@link #cutFromClients(Node)}. */
    public void healFromClients(Node n) {
        cutFromClients.remove(n);
        applyPolicies();
    }

    /** Ends every partition. */
    public void healAll() {
        cutLinks.clear();
        cutFromClients.clear();
        applyPolicies();
    }

    /** Closes every node (paused ones are resumed first) and deletes the cluster's directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Node> reversed = new ArrayList<>(nodes);
        Collections.reverse(reversed);
        for (Node n : reversed) {
            n.stop(false);
        }
        if (root != null) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + root, e);
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedCluster" + nodes;
    }

    private boolean isPartitioned(Node n) {
        if (cutFromClients.contains(n)) {
            return true;
        }
        for (Set<Node> link : cutLinks) {
            if (link.contains(n)) {
                return true;
            }
        }
        return false;
    }

    private void applyPolicies() {
        for (Node n : nodes) {
            n.applyPolicy();
        }
    }

    private Node byPort(int port) {
        for (Node n : nodes) {
            if (n.port == port) {
                return n;
            }
        }
        return null;
    }

    /** The cluster node that opened the connection whose local (client-side) port is {@code port}, or null. */
    private Node ownerOfOutgoingPort(int port) {
        for (Node n : nodes) {
            RedisServer s = n.server;
            if (s != null && !s.isClosed() && s.trafficControl().ownsOutgoingPort(port)) {
                return n;
            }
        }
        return null;
    }

    private static int onlineReplicas(Node master) {
        Object info = master.tryCall("INFO", "replication");
        int online = 0;
        for (String line : String.valueOf(info).split("\r\n")) {
            if (line.startsWith("slave") && line.contains("state=online")) {
                online++;
            }
        }
        return online;
    }

    private static int size(Object reply) {
        return reply instanceof List<?> l ? l.size() : -1;
    }

    /**
     * Replicas a Sentinel reports with {@code master-link-status ok}: it has their INFO, so they are candidates a
     * failover may promote (until then SENTINEL FAILOVER answers NOGOODSLAVE, in Redis too).
     */
    private static int linkedReplicas(Object reply) {
        int n = 0;
        if (reply instanceof List<?> reports) {
            for (Object r : reports) {
                if (r instanceof List<?> f) {
                    for (int i = 0; i + 1 < f.size(); i += 2) {
                        if (RespParser.toText(f.get(i)).equals("master-link-status")
                                && RespParser.toText(f.get(i + 1)).equals("ok")) {
                            n++;
                        }
                    }
                }
            }
        }
        return n;
    }

    /**
     * Polls {@code condition} every 10 ms until it holds, for at most {@code bound}: the bounded wait failover tests
     * need instead of sleeping.
     *
     * @throws IllegalStateException naming {@code what} when the bound passes
     */
    public static void awaitUntil(String what, Duration bound, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + bound + " waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }

    /** One server of the cluster. Its port and directory stay the same across {@link #restart()}. */
    public final class Node {
        private final Kind kind;
        private final String name;
        private volatile RedisServer server;
        private volatile CountDownLatch pausedUntil;
        private volatile int port;
        private Path dir;
        private Path configFile;

        private Node(Kind kind, String name) {
            this.kind = kind;
            this.name = name;
        }

        /** {@code redis-0}, {@code redis-1}, ..., {@code sentinel-0}, ... */
        public String name() {
            return name;
        }

        public Kind kind() {
            return kind;
        }

        public String host() {
            return "127.0.0.1";
        }

        public int port() {
            return port;
        }

        /** {@code redis://127.0.0.1:port}. */
        public String uri() {
            return "redis://" + host() + ":" + port;
        }

        /** The node's directory: its config file ({@code redis.conf} or {@code sentinel.conf}), RDB files. */
        public Path dir() {
            return dir;
        }

        /** Whether the node runs (it may be paused); false after {@link #kill()}. */
        public boolean isRunning() {
            RedisServer s = server;
            return s != null && !s.isClosed();
        }

        public boolean isPaused() {
            return pausedUntil != null;
        }

        /**
         * Kills the node as SIGKILL would: every connection it has (clients, replication, Sentinel links) is reset
         * without a goodbye and unsent data is discarded, then its port closes. {@link #restart()} brings it back.
         */
        public synchronized void kill() {
            stop(true);
        }

        /**
         * Freezes the node as SIGSTOP would: its event loop stops, so it reads nothing, answers nothing and runs no
         * timer, while its sockets stay open and new connections queue in the kernel. Returns once frozen.
         */
        public synchronized void pause() {
            RedisServer s = running();
            if (pausedUntil != null) {
                return;
            }
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch frozen = new CountDownLatch(1);
            s.engine().loop().execute(() -> {
                frozen.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            pausedUntil = release;
            try {
                if (!frozen.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(name + " did not pause: its event loop is busy");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        /** Thaws a paused node (SIGCONT): it handles what queued up meanwhile. Does nothing if not paused. */
        public synchronized void resume() {
            CountDownLatch release = pausedUntil;
            pausedUntil = null;
            if (release != null) {
                release.countDown();
            }
        }

        /**
         * Starts the node again from its config file (as rewritten by Sentinel or CONFIG REWRITE), on the same port
         * and directory; kills it first if it runs. Returns once it listens.
         */
        public synchronized void restart() {
            if (closed) {
                throw new IllegalStateException("the cluster was closed");
            }
            stop(true);
            try {
                start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Sends one command on a new connection and returns the reply (see {@link RespConnection}). */
        public Object call(String... args) {
            try {
                return RespConnection.once(host(), port, 5000, args);
            } catch (IOException e) {
                throw new UncheckedIOException(name + ": " + e.getMessage(), e);
            }
        }

        /** Like {@link #call(String...)}, with failures (connection, error reply) returned instead of thrown. */
        Object tryCall(String... args) {
            try {
                return RespConnection.once(host(), port, 1000, args);
            } catch (IOException | RuntimeException e) {
                return e;
            }
        }

        @Override
        public String toString() {
            return name + "@" + host() + ":" + port;
        }

        /**
         * Starts the node on its port. At its first start it has none yet and claims one below the ephemeral range
         * (see {@link LoopbackPorts}); should another process bind it first, it claims the next.
         */
        private void start() throws IOException {
            if (port != 0) {
                launch();
                return;
            }
            for (int attempt = 1; ; attempt++) {
                port = LoopbackPorts.claim();
                try {
                    launch();
                    return;
                } catch (IOException e) {
                    if (attempt == 3 || e.getMessage() == null || !e.getMessage().contains("Address already in use")) {
                        port = 0;
                        throw e;
                    }
                }
            }
        }

        private void launch() throws IOException {
            if (dir == null) {
                dir = Files.createDirectory(root.resolve(name));
                configFile = dir.resolve(kind == Kind.SENTINEL ? "sentinel.conf" : "redis.conf");
                Files.writeString(configFile, initialConfig(), StandardCharsets.UTF_8);
            }
            ServerConfig cfg = new ServerConfig();
            if (kind == Kind.SENTINEL) {
                SentinelModule.prepare(cfg);
            }
            Log log;
            RedisServer s;
            try {
                new ConfigFile(cfg).load(ConfigFile.CommandLine.parse(
                        List.of(configFile.toString(), "--port", Integer.toString(port))), System.in);
                log = spec.logs ? Log.open(dir.resolve("node.log").toString(), "notice") : Log.silent();
                s = new RedisServer(cfg, log);
                SentinelModule sentinel = null;
                if (kind == Kind.SENTINEL) {
                    sentinel = SentinelModule.install(s);
                } else {
                    DataModules.install(s);
                }
                s.trafficControl().policy(this::held);
                try {
                    s.start();
                    if (sentinel != null) {
                        sentinel.start(s);
                    }
                } catch (Exception e) {
                    s.close();
                    throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                }
            } catch (ConfigFile.FatalConfigError e) {
                throw new IllegalArgumentException(name + ": bad configuration: " + e.reason, e);
            }
            server = s;
            port = s.port();
        }

        private String initialConfig() {
            StringBuilder c = new StringBuilder();
            c.append("bind 127.0.0.1\n");
            c.append("dir ").append(ConfigRewrite.repr(dir.toString())).append('\n');
            if (kind == Kind.SENTINEL) {
                Node m = master;
                c.append("sentinel monitor ").append(spec.masterName).append(" 127.0.0.1 ").append(m.port)
                        .append(' ').append(spec.quorum()).append('\n');
                c.append("sentinel down-after-milliseconds ").append(spec.masterName).append(' ')
                        .append(spec.downAfter.toMillis()).append('\n');
                c.append("sentinel failover-timeout ").append(spec.masterName).append(' ')
                        .append(spec.failoverTimeout.toMillis()).append('\n');
                for (String line : spec.sentinelSettings) {
                    c.append(line).append('\n');
                }
                return c.toString();
            }
            c.append("appendonly no\n");
            // Redis waits 5 s for more replicas before a diskless full sync; here they all start at once.
            c.append("repl-diskless-sync-delay 0\n");
            c.append(spec.persistence ? "save 3600 1 300 100 60 10000\n" : "save \"\"\n");
            if (master != null && master != this) {
                c.append("replicaof 127.0.0.1 ").append(master.port).append('\n');
            }
            for (String line : spec.settings) {
                c.append(line).append('\n');
            }
            return c.toString();
        }

        /** Stops the node: reset like a crash ({@code crash}) or closed in order (cluster close). */
        private void stop(boolean crash) {
            resume();
            RedisServer s = server;
            if (s == null || s.isClosed()) {
                return;
            }
            if (crash) {
                s.trafficControl().resetAll();
            }
            s.close();
        }

        private void applyPolicy() {
            RedisServer s = server;
            if (s != null && !s.isClosed()) {
                s.trafficControl().policy(this::held);
            }
        }

        /** Whether a connection of this node is currently partitioned, from the cluster's cuts. */
        private boolean held(Channel ch, boolean accepted) {
            if (cutLinks.isEmpty() && cutFromClients.isEmpty()) {
                return false;
            }
            if (!(ch.remoteAddress() instanceof InetSocketAddress remote)) {
                return accepted && cutFromClients.contains(this);
            }
            Node peer = accepted ? ownerOfOutgoingPort(remote.getPort()) : byPort(remote.getPort());
            if (peer == null) {
                return accepted && cutFromClients.contains(this);
            }
            return cutLinks.contains(Set.of(this, peer));
        }

        private RedisServer running() {
            RedisServer s = server;
            if (s == null || s.isClosed()) {
                throw new IllegalStateException(name + " is not running");
            }
            return s;
        }
    }

    /** Describes a cluster; {@link #build()} can be called more than once. */
    public static final class Builder {
        private String masterName = "mymaster";
        private int replicas = 2;
        private int sentinels = 3;
        private int quorum;
        private Duration downAfter = Duration.ofMillis(1000);
        private Duration failoverTimeout = Duration.ofSeconds(5);
        private Duration startTimeout = Duration.ofSeconds(30);
        private boolean persistence;
        private boolean logs;
        private final List<String> settings = new ArrayList<>();
        private final List<String> sentinelSettings = new ArrayList<>();

        private Builder() {}

        /** Sentinel's name for the master (default {@code mymaster}). */
        public Builder masterName(String name) {
            this.masterName = Objects.requireNonNull(name);
            return this;
        }

        /** Number of replicas (default 2). */
        public Builder replicas(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("replicas must be >= 0");
            }
            this.replicas = n;
            return this;
        }

        /** Number of Sentinels (default 3; 0 for a replicated group without Sentinel). */
        public Builder sentinels(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("sentinels must be >= 0");
            }
            this.sentinels = n;
            return this;
        }

        /** Sentinels that must agree the master is down (default: a majority of the Sentinels). */
        public Builder quorum(int q) {
            if (q < 1) {
                throw new IllegalArgumentException("quorum must be >= 1");
            }
            this.quorum = q;
            return this;
        }

        /** {@code sentinel down-after-milliseconds} (default 1 s, Redis's default is 30 s). */
        public Builder downAfter(Duration d) {
            this.downAfter = Objects.requireNonNull(d);
            return this;
        }

        /** {@code sentinel failover-timeout} (default 5 s, Redis's default is 3 min). */
        public Builder failoverTimeout(Duration d) {
            this.failoverTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** How long {@link EmbeddedCluster#start()} waits for the cluster to be ready (default 30 s). */
        public Builder startTimeout(Duration d) {
            this.startTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Whether data nodes have RDB save points (in their directory, deleted on close); default off. */
        public Builder persistence(boolean on) {
            this.persistence = on;
            return this;
        }

        /** Whether each node logs to {@code node.log} in its directory (default: silent). */
        public Builder logs(boolean on) {
            this.logs = on;
            return this;
        }

        /** A redis.conf line for every data node, e.g. {@code setting("maxmemory 100mb")}. */
        public Builder setting(String line) {
            settings.add(Objects.requireNonNull(line));
            return this;
        }

        /** A sentinel.conf line for every Sentinel, e.g. {@code sentinelSetting("sentinel deny-scripts-reconfig yes")}. */
        public Builder sentinelSetting(String line) {
            sentinelSettings.add(Objects.requireNonNull(line));
            return this;
        }

        int quorum() {
            return quorum > 0 ? quorum : sentinels / 2 + 1;
        }

        /**
         * A cluster to {@link EmbeddedCluster#start()}.
         *
         * @throws IllegalArgumentException when the quorum exceeds the number of Sentinels
         */
        public EmbeddedCluster build() {
            if (sentinels > 0 && quorum() > sentinels) {
                throw new IllegalArgumentException("quorum " + quorum + " exceeds the " + sentinels + " Sentinels");
            }
            Builder copy = new Builder();
            copy.masterName = masterName;
            copy.replicas = replicas;
            copy.sentinels = sentinels;
            copy.quorum = quorum;
            copy.downAfter = downAfter;
            copy.failoverTimeout = failoverTimeout;
            copy.startTimeout = startTimeout;
            copy.persistence = persistence;
            copy.logs = logs;
            copy.settings.addAll(settings);
            copy.sentinelSettings.addAll(sentinelSettings);
            return new EmbeddedCluster(copy);
        }
    }
}
