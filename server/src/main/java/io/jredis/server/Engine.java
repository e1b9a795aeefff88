package io.jredis.server;

import io.jredis.server.command.CommandSpec;
import io.jredis.server.command.CommandTable;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.Database;
import io.jredis.server.log.Log;
import io.jredis.server.util.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The keyspace owner: databases, clients, the command table and the path every command takes (lookup, checks,
 * execution, propagation). Everything here runs on one thread, the engine's event loop, so data needs no locks.
 */
public final class Engine implements Database.Hooks {
    /** Redis version jredis answers as (INFO redis_version, HELLO, RDB aux). */
    public static final String REDIS_VERSION = "7.0.15";

    /** A check run before execution; returns an error reply text to refuse the command, or null to let it run. */
    @FunctionalInterface
    public interface CommandGuard {
        String check(Client c, CommandSpec cmd, byte[][] argv);
    }

    /** Receives the exact command that reproduces a write's effect (AOF and replication subscribe). */
    @FunctionalInterface
    public interface PropagationListener {
        void propagate(int db, byte[][] argv);
    }

    /** Told about every modified key (WATCH, client-side caching). */
    @FunctionalInterface
    public interface KeyListener {
        void keyModified(Database db, byte[] key);
    }

    private final ServerConfig config;
    private final Log log;
    private final CommandTable commands = new CommandTable();
    private final Database[] databases;
    private final Map<Long, Client> clients = new LinkedHashMap<>();
    private final List<Client> pendingFlush = new ArrayList<>();
    private final List<CommandGuard> guards = new ArrayList<>();
    private final List<PropagationListener> propagation = new ArrayList<>();
    private final List<KeyListener> keyListeners = new ArrayList<>();
    private final List<Runnable> shutdownHooks = new ArrayList<>();
    private final Stats stats = new Stats();
    private final String runId;
    private String replId;
    private String replId2 = "0".repeat(40);
    private final long startedAt = System.currentTimeMillis();
    private long nextClientId = 1;
    private long dirty;
    private byte[][] propagateOverride;
    private boolean propagateSuppressed;
    private io.netty.channel.EventLoop loop;
    private boolean slaveMode;
    private boolean activeExpireEnabled = true;
    private boolean propagateForced;
    private boolean shuttingDown;
    private volatile int tcpPort;
    private String executable = ProcessHandle.current().info().command().orElse("");
    private String configFile = "";
    private long lastMetricSample;

    public Engine(ServerConfig config, Log log) {
        this.config = config;
        this.log = log;
        int n = config.databases.intValue();
        this.databases = new Database[n];
        for (int i = 0; i < n; i++) {
            databases[i] = new Database(i, this);
        }
        this.runId = randomHexId();
        this.replId = randomHexId();
        this.tcpPort = config.port.intValue();
    }

    /** 40 random hex characters, as Redis makes run ids and replication ids. */
    private static String randomHexId() {
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    public ServerConfig config() {
        return config;
    }

    public Log log() {
        return log;
    }

    public CommandTable commands() {
        return commands;
    }

    public Stats stats() {
        return stats;
    }

    public String runId() {
        return runId;
    }

    public long startedAt() {
        return startedAt;
    }

    /** The current replication id (INFO master_replid, PSYNC); the replication module renews it on failover. */
    public String replId() {
        return replId;
    }

    /** The previous replication id, forty zeros when there is none (INFO master_replid2). */
    public String replId2() {
        return replId2;
    }

    /** Sets both replication ids (the replication module, on failover and when it follows a new master). */
    public void replIds(String id, String id2) {
        this.replId = id;
        this.replId2 = id2;
    }

    /** The TCP port clients reach this server on (INFO tcp_port): the bound one, told by the server at start. */
    public int tcpPort() {
        return tcpPort;
    }

    public void tcpPort(int port) {
        this.tcpPort = port;
    }

    /** Absolute path of the program and of the config file, as INFO executable/config_file report them. */
    public String executable() {
        return executable;
    }

    public void executable(String path) {
        this.executable = path;
    }

    public String configFile() {
        return configFile;
    }

    public void configFile(String path) {
        this.configFile = path;
    }

    /** DEBUG SET-ACTIVE-EXPIRE: when off, expired keys go only lazily, on access. */
    public boolean activeExpireEnabled() {
        return activeExpireEnabled;
    }

    public void activeExpireEnabled(boolean enabled) {
        this.activeExpireEnabled = enabled;
    }

    public int databaseCount() {
        return databases.length;
    }

    public Database database(int i) {
        return databases[i];
    }

    /** Exchanges two databases' contents (SWAPDB); clients keep their selected index. */
    public void swapDatabases(int a, int b) {
        touchAllKeys(databases[a]);
        touchAllKeys(databases[b]);
        databases[a].swapWith(databases[b]);
    }

    /**
     * Redis's lookupKeyRead: the value of a key a command reads, counted in INFO keyspace_hits / keyspace_misses.
     * Read paths use this instead of {@link Database#get} so that writes' own lookups are not counted.
     */
    public Object lookupRead(Database db, byte[] key) {
        Object v = db.get(key);
        if (v == null) {
            stats.keyspaceMisses++;
        } else {
            stats.keyspaceHits++;
        }
        return v;
    }

    /** Removes every key of a database (FLUSHDB, FLUSHALL); returns how many there were. */
    public long emptyDatabase(Database db) {
        touchAllKeys(db);
        return db.clear();
    }

    /** Tells key listeners (WATCH) that every key of {@code db} changes, as Redis's signalFlushedDb does. */
    private void touchAllKeys(Database db) {
        if (!keyListeners.isEmpty() && db.size() > 0) {
            db.dict().forEach(e -> keyModified(db, e.key));
        }
    }

    public Map<Long, Client> clients() {
        return clients;
    }

    public void addGuard(CommandGuard g) {
        guards.add(g);
    }

    public void addPropagationListener(PropagationListener l) {
        propagation.add(l);
    }

    public void addKeyListener(KeyListener l) {
        keyListeners.add(l);
    }

    /** The engine's event loop: modules schedule timers and hand results back to the engine thread here. */
    public io.netty.channel.EventLoop loop() {
        return loop;
    }

    /** Binds the engine to its thread and starts the cron; called once by the server at start. */
    public void attach(io.netty.channel.EventLoop loop) {
        this.loop = loop;
        int hz = Math.max(1, Math.min(500, config.hz.intValue()));
        loop.scheduleAtFixedRate(this::cron, 1000 / hz, 1000 / hz, TimeUnit.MILLISECONDS);
    }

    /** Replicas keep expired keys until the master deletes them (set by the replication module). */
    public void slaveMode(boolean replica) {
        this.slaveMode = replica;
    }

    public boolean requiresAuth() {
        return !config.requirepass.value().isEmpty();
    }

    // ---- Database.Hooks ----

    @Override
    public long now() {
        return System.currentTimeMillis();
    }

    @Override
    public boolean mayDeleteExpired() {
        return !slaveMode;
    }

    @Override
    public void keyModified(Database db, byte[] key) {
        for (KeyListener l : keyListeners) {
            l.keyModified(db, key);
        }
    }

    @Override
    public void keyExpired(Database db, byte[] key) {
        stats.expiredKeys++;
        keyModified(db, key);
        emitPropagation(db.id(), new byte[][] {Bytes.of("DEL"), key});
    }

    // ---- clients ----

    /** Registers a new connection (called by the network layer). */
    public Client newClient(Channel channel) {
        Client c = new Client(nextClientId++, this, channel);
        clients.put(c.id(), c);
        stats.totalConnections++;
        return c;
    }

    /** A client with no connection, for scripts and internal callers; not listed in CLIENT LIST. */
    public Client fakeClient() {
        return new Client(nextClientId++, this, null);
    }

    /** Forgets a closed connection (called by the network layer). */
    public void removeClient(Client c) {
        clients.remove(c.id());
        pendingFlush.remove(c);
        c.markClosed();
    }

    /** Closes a client's connection at once, dropping unsent replies (CLIENT KILL, limits). */
    public void kill(Client c) {
        if (c.channel() != null) {
            c.channel().close();
        }
        removeClient(c);
    }

    void markPending(Client c) {
        pendingFlush.add(c);
    }

    /** Writes every client's accumulated replies to its socket: one flush per client per batch. */
    public void flushPending() {
        for (int i = 0; i < pendingFlush.size(); i++) {
            Client c = pendingFlush.get(i);
            ByteBuf b = c.takePending();
            if (b == null || c.channel() == null) {
                if (b != null) {
                    b.release();
                }
                continue;
            }
            stats.netOutputBytes += b.readableBytes();
            stats.writesProcessed++;
            if (c.closingAfterReply()) {
                c.channel().writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
            } else {
                c.channel().writeAndFlush(b, c.channel().voidPromise());
            }
        }
        pendingFlush.clear();
    }

    // ---- the command path ----

    /** Runs one command from a client: Redis's {@code processCommand} then {@code call}. */
    public void process(Client c, byte[][] argv) {
        long now = now();
        CommandSpec cmd = commands.lookup(argv[0]);
        if (cmd == null) {
            c.touch(now, argv, "NULL");
            rejectUnknown(c, argv);
            return;
        }
        if (!cmd.subcommands().isEmpty() && (cmd.handler() == null || argv.length > 1)) {
            if (argv.length < 2) {
                c.touch(now, argv, cmd.fullName());
                reject(c, cmd, "ERR wrong number of arguments for '" + cmd.fullName() + "' command");
                return;
            }
            CommandSpec sub = CommandTable.subcommand(cmd, argv[1]);
            if (sub == null) {
                c.touch(now, argv, cmd.fullName());
                reject(c, cmd, "ERR unknown subcommand '" + truncate(Bytes.str(argv[1]), 128) + "'. Try "
                        + cmd.name().toUpperCase() + " HELP.");
                return;
            }
            cmd = sub;
        }
        c.touch(now, argv, cmd.fullName());
        if (!cmd.arityOk(argv.length)) {
            reject(c, cmd, "ERR wrong number of arguments for '" + cmd.fullName() + "' command");
            return;
        }
        if (!c.authenticated() && !cmd.noAuth()) {
            reject(c, cmd, "NOAUTH Authentication required.");
            return;
        }
        for (CommandGuard g : guards) {
            String err = g.check(c, cmd, argv);
            if (err != null) {
                reject(c, cmd, err);
                return;
            }
        }
        call(c, cmd, argv);
    }

    /** Executes an admitted command, keeps its statistics and propagates its effect. */
    public void call(Client c, CommandSpec cmd, byte[][] argv) {
        Client.ReplyMode mode = c.replyMode();
        int mark = mode == Client.ReplyMode.ON ? -1 : c.buffer().writerIndex();
        long dirtyBefore = dirty;
        long errorsBefore = stats.errorReplies;
        byte[][] savedOverride = propagateOverride;
        boolean savedSuppressed = propagateSuppressed;
        boolean savedForced = propagateForced;
        propagateOverride = null;
        propagateSuppressed = false;
        propagateForced = false;
        long start = System.nanoTime();
        try {
            cmd.handler().execute(c, argv);
        } finally {
            long micros = (System.nanoTime() - start) / 1000;
            cmd.calls++;
            cmd.micros += micros;
            stats.commandsProcessed++;
            if (stats.errorReplies != errorsBefore) {
                cmd.failedCalls++;
            }
            if ((dirty != dirtyBefore || propagateForced) && cmd.isWrite() && !propagateSuppressed) {
                emitPropagation(c.db().id(), propagateOverride != null ? propagateOverride : argv);
            }
            propagateOverride = savedOverride;
            propagateSuppressed = savedSuppressed;
            propagateForced = savedForced;
        }
        if (mark >= 0 && !c.isClosed()) {
            c.buffer().writerIndex(mark);
            if (mode == Client.ReplyMode.SKIP_NEXT) {
                c.replyMode(Client.ReplyMode.ON);
            }
        }
        if (mode == Client.ReplyMode.SKIP && c.replyMode() == Client.ReplyMode.SKIP) {
            c.replyMode(Client.ReplyMode.SKIP_NEXT);
        }
    }

    private void rejectUnknown(Client c, byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            args.append('\'').append(truncate(Bytes.str(argv[i]), 128 - args.length())).append("' ");
        }
        error(c, "ERR unknown command '" + truncate(Bytes.str(argv[0]), 128) + "', with args beginning with: " + args);
        stats.rejectedCalls++;
    }

    private void reject(Client c, CommandSpec cmd, String err) {
        error(c, err);
        cmd.rejectedCalls++;
        stats.rejectedCalls++;
    }

    /** Replies with an error and counts it for INFO errorstats ({@code ERR}, {@code WRONGTYPE}, ...). */
    public void error(Client c, String msg) {
        c.reply().error(msg);
        stats.errorReplies++;
        int sp = msg.indexOf(' ');
        stats.errorCounts.merge(sp < 0 ? msg : msg.substring(0, sp), 1L, Long::sum);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max));
    }

    // ---- propagation ----

    /** Counts a change for the save points and marks the running command as one to propagate. */
    public void dirty(long changes) {
        dirty += changes;
    }

    public long dirtyCount() {
        return dirty;
    }

    /** Propagates {@code argv} instead of the command as received (SET EX to SET PXAT, EXPIRE to PEXPIREAT ...). */
    public void rewritePropagation(byte[][] argv) {
        propagateOverride = argv;
    }

    /** Propagates the running command even if it changed nothing (FLUSHDB of an empty database), as Redis does. */
    public void forcePropagation() {
        propagateForced = true;
    }

    /** The running command changed data but must not be propagated as itself (it propagated parts explicitly). */
    public void suppressPropagation() {
        propagateSuppressed = true;
    }

    /** Sends a command to AOF and replicas now, in database {@code db}. */
    public void emitPropagation(int db, byte[][] argv) {
        for (PropagationListener l : propagation) {
            l.propagate(db, argv);
        }
    }

    // ---- cron ----

    private int expireDb;

    /** Runs {@code hz} times a second: active expiry, rehashing, idle client timeouts. */
    private void cron() {
        if (!slaveMode && activeExpireEnabled) {
            activeExpireCycle();
        }
        sampleMetrics();
        for (Database db : databases) {
            db.cron();
        }
        closeIdleClients();
        flushPending();
    }

    /**
     * Redis's slow active-expire cycle: per database, sample 20 keys with a TTL and keep going while more than a
     * quarter of a sample was expired, within a time budget of 25% of a cron period.
     */
    private void activeExpireCycle() {
        long budgetNanos = 250_000_000L / Math.max(1, config.hz.value());
        long start = System.nanoTime();
        for (int i = 0; i < databases.length; i++) {
            Database db = databases[(expireDb + i) % databases.length];
            while (db.expiresSize() > 0) {
                int[] r = db.activeExpire(20);
                if (r[1] * 4 <= r[0] || System.nanoTime() - start > budgetNanos) {
                    break;
                }
            }
            if (System.nanoTime() - start > budgetNanos) {
                expireDb = (expireDb + i + 1) % databases.length;
                break;
            }
        }
    }

    /** Redis samples its instantaneous metrics every 100 ms, whatever the hz. */
    private void sampleMetrics() {
        long now = now();
        if (now - lastMetricSample < 100) {
            return;
        }
        lastMetricSample = now;
        stats.opsPerSec.sample(now, stats.commandsProcessed);
        stats.inputPerSec.sample(now, stats.netInputBytes);
        stats.outputPerSec.sample(now, stats.netOutputBytes);
    }

    // ---- shutdown ----

    /** Registers what must happen when SHUTDOWN succeeds (the embedding server closes itself). */
    public void onShutdown(Runnable hook) {
        shutdownHooks.add(hook);
    }

    /** True once SHUTDOWN has run: the server is closing. */
    public boolean shuttingDown() {
        return shuttingDown;
    }

    /**
     * Ends the server as Redis's finishShutdown does: flushes pending replies, logs the farewell and runs the
     * shutdown hooks. Runs on the engine thread; hooks must not wait for the engine's loop to terminate.
     */
    public void shutdown() {
        if (shuttingDown) {
            return;
        }
        shuttingDown = true;
        flushPending();
        // Connections end as they would when the Redis process exits: after what was already sent to them.
        for (Client c : new ArrayList<>(clients.values())) {
            if (c.channel() != null) {
                c.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
        log.warning("Redis is now ready to exit, bye bye...");
        for (Runnable hook : shutdownHooks) {
            hook.run();
        }
    }

    private void closeIdleClients() {
        long timeout = config.timeout.value();
        if (timeout <= 0) {
            return;
        }
        long cutoff = now() - timeout * 1000;
        List<Client> idle = new ArrayList<>();
        for (Client c : clients.values()) {
            if (c.lastInteraction() < cutoff && c.channel() != null && c.idleTimeoutApplies()) {
                idle.add(c);
            }
        }
        for (Client c : idle) {
            log.verbose("Closing idle client");
            kill(c);
        }
    }

    /** Counters INFO stats reports. */
    public static final class Stats {
        public long totalConnections;
        public long rejectedConnections;
        public long commandsProcessed;
        public long expiredKeys;
        public long evictedKeys;
        public long keyspaceHits;
        public long keyspaceMisses;
        public long netInputBytes;
        public long netOutputBytes;
        public long errorReplies;
        public long rejectedCalls;
        public long writesProcessed;
        public final Map<String, Long> errorCounts = new LinkedHashMap<>();
        /** instantaneous_ops_per_sec, instantaneous_input_kbps, instantaneous_output_kbps. */
        public final InstantMetric opsPerSec = new InstantMetric();
        public final InstantMetric inputPerSec = new InstantMetric();
        public final InstantMetric outputPerSec = new InstantMetric();

        /** CONFIG RESETSTAT. */
        public void reset() {
            totalConnections = rejectedConnections = commandsProcessed = expiredKeys = evictedKeys = 0;
            keyspaceHits = keyspaceMisses = netInputBytes = netOutputBytes = errorReplies = rejectedCalls = 0;
            writesProcessed = 0;
            errorCounts.clear();
        }
    }

    /** A rate averaged over the last 16 samples of a growing counter, as Redis's trackInstantaneousMetric. */
    public static final class InstantMetric {
        private static final int SAMPLES = 16;
        private final long[] samples = new long[SAMPLES];
        private int idx;
        private long lastTime;
        private long lastCount;

        void sample(long nowMs, long count) {
            long t = nowMs - lastTime;
            samples[idx] = lastTime == 0 || t <= 0 ? 0 : (count - lastCount) * 1000 / t;
            idx = (idx + 1) % SAMPLES;
            lastTime = nowMs;
            lastCount = count;
        }

        /** Per second, averaged over the samples. */
        public long perSecond() {
            long sum = 0;
            for (long s : samples) {
                sum += s;
            }
            return sum / SAMPLES;
        }
    }
}
