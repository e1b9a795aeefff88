package io.jredis.server;

import io.jredis.server.command.CommandSpec;
import io.jredis.server.command.CommandTable;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.Database;
import io.jredis.server.log.Log;
import io.jredis.server.util.Bytes;
import io.netty.buffer.ByteBuf;
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
    private final Stats stats = new Stats();
    private final String runId;
    private final long startedAt = System.currentTimeMillis();
    private long nextClientId = 1;
    private long dirty;
    private byte[][] propagateOverride;
    private boolean propagateSuppressed;
    private io.netty.channel.EventLoop loop;
    private boolean slaveMode;

    public Engine(ServerConfig config, Log log) {
        this.config = config;
        this.log = log;
        int n = config.databases.intValue();
        this.databases = new Database[n];
        for (int i = 0; i < n; i++) {
            databases[i] = new Database(i, this);
        }
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        this.runId = HexFormat.of().formatHex(id);
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

    public int databaseCount() {
        return databases.length;
    }

    public Database database(int i) {
        return databases[i];
    }

    /** Exchanges two databases' contents (SWAPDB); clients keep their selected index. */
    public void swapDatabases(int a, int b) {
        databases[a].swapWith(databases[b]);
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
        if (!cmd.subcommands().isEmpty() && cmd.handler() == null) {
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
        propagateOverride = null;
        propagateSuppressed = false;
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
            if (dirty != dirtyBefore && cmd.isWrite() && !propagateSuppressed) {
                emitPropagation(c.db().id(), propagateOverride != null ? propagateOverride : argv);
            }
            propagateOverride = savedOverride;
            propagateSuppressed = savedSuppressed;
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
    private boolean expireTimeLimitHit;

    /** Runs {@code hz} times a second: active expiry, rehashing, idle client timeouts. */
    private void cron() {
        if (!slaveMode) {
            activeExpireCycle();
        }
        for (Database db : databases) {
            db.cron();
        }
        closeIdleClients();
        flushPending();
    }

    /**
     * Redis 7.0's slow active-expire cycle: up to 16 databases per call (all of them after a call that ran out of
     * time), each walked until under 10% of a sample is stale, within 25% of a cron period.
     */
    private void activeExpireCycle() {
        long deadline = System.nanoTime() + 250_000_000L / Math.max(1, Math.min(500, config.hz.value()));
        int dbs = expireTimeLimitHit ? databases.length : Math.min(16, databases.length);
        expireTimeLimitHit = false;
        for (int j = 0; j < dbs && !expireTimeLimitHit; j++) {
            Database db = databases[expireDb];
            expireDb = (expireDb + 1) % databases.length;
            expireTimeLimitHit = !db.activeExpire(deadline);
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
        public final Map<String, Long> errorCounts = new LinkedHashMap<>();

        /** CONFIG RESETSTAT. */
        public void reset() {
            totalConnections = rejectedConnections = commandsProcessed = expiredKeys = evictedKeys = 0;
            keyspaceHits = keyspaceMisses = netInputBytes = netOutputBytes = errorReplies = rejectedCalls = 0;
            errorCounts.clear();
        }
    }
}
