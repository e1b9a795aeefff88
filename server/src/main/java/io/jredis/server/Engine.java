package io.jredis.server;

import io.jredis.server.acl.Acl;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.command.CommandTable;
import io.jredis.server.config.Directive;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.log.Log;
import io.jredis.server.util.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

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

    /**
     * A module's part of Redis's scriptVerifyWriteCommandAllow: returns the error (with its code) that refuses a
     * script's first write command now, or null.
     */
    @FunctionalInterface
    public interface ScriptWriteGuard {
        String check(Client caller);
    }

    /** Propagation targets (Redis's PROPAGATE_AOF and PROPAGATE_REPL). */
    public static final int PROPAGATE_AOF = 1;
    public static final int PROPAGATE_REPL = 2;
    public static final int PROPAGATE_ALL = PROPAGATE_AOF | PROPAGATE_REPL;

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

    /** Told when RESET returns a client to its initial state: families drop their per-client state (MULTI ...). */
    @FunctionalInterface
    public interface ClientResetListener {
        void reset(Client c);
    }

    /** Writes one INFO section's fields (name, value) in order; a module that owns the section installs one. */
    @FunctionalInterface
    public interface InfoSection {
        void write(java.util.function.BiConsumer<String, Object> field);
    }

    /**
     * Sees every batch of replies before it goes to the sockets (Redis's beforeSleep, where the AOF is written).
     * {@code appendfsync always} holds a batch until the writes it acknowledges are on disk.
     */
    public interface ReplyBarrier {
        /** Called on the engine thread before each batch is written; true to hold the batch. */
        boolean hold();

        /** Receives a held batch; {@code write} must later run on the engine thread, batches in the order given. */
        void defer(Runnable write);
    }

    /**
     * Work that must succeed before SHUTDOWN goes on, as in Redis's prepareForShutdown (the final RDB save); returns
     * false to cancel the shutdown. {@code save}/{@code nosave} are SHUTDOWN's SAVE/NOSAVE, {@code force} its FORCE.
     */
    @FunctionalInterface
    public interface ShutdownPreparer {
        boolean prepare(boolean save, boolean nosave, boolean force);
    }

    /** What INFO persistence reports about RDB snapshots; the persistence module supplies the live values. */
    public interface RdbStatus {
        long changesSinceLastSave();

        boolean bgsaveInProgress();

        /** Unix seconds of the last successful save (LASTSAVE), the start time until one happens. */
        long lastSaveTime();

        boolean lastBgsaveOk();

        long lastBgsaveTimeSec();

        long currentBgsaveTimeSec();

        long saves();

        long currentSaveKeysProcessed();

        long currentSaveKeysTotal();

        long lastLoadKeysExpired();

        long lastLoadKeysLoaded();
    }

    /** What the persistence module's RDB writer knows of a value, for DEBUG OBJECT. */
    public interface RdbMeasure {
        /** The bytes {@code value} takes in an RDB file, without its type byte (serializedlength). */
        long serializedLength(Object value);

        /** The quicklist Redis would hold {@code list} in: its number of listpack nodes and their bytes in all. */
        long[] quicklist(Object list);
    }

    /**
     * A dataset being loaded (Redis's server.loading): start-up, DEBUG RELOAD or a replica's full sync. While one is
     * set, commands without the {@code loading} flag get {@code -LOADING} and INFO persistence shows the progress.
     */
    public interface LoadProgress {
        /** Unix seconds when the load started. */
        long startTime();

        /** Bytes to load (the files' size), 0 when unknown. */
        long totalBytes();

        /** The used-mem the RDB header recorded, 0 until read. */
        long rdbUsedMem();

        long loadedBytes();

        /**
         * A replica's swapdb load from the socket (Redis's async_loading): the old dataset stays served and only
         * commands flagged {@code no_async_loading} get {@code -LOADING}.
         */
        default boolean async() {
            return false;
        }
    }

    /** The reply to commands refused while a dataset loads (Redis's shared.loadingerr). */
    public static final String LOADING_ERROR = "LOADING Redis is loading the dataset in memory";

    /** CLIENT PAUSE kinds, weakest first: a new pause never weakens a running one. */
    public enum PauseType { NONE, WRITE, ALL }

    /** Why clients are paused (Redis's pause_purpose): each purpose's pause is set and lifted on its own. */
    public enum PausePurpose { CLIENT_COMMAND, SHUTDOWN, FAILOVER }

    /**
     * Commands Redis 7.0 flags CMD_MAY_REPLICATE (hidden from COMMAND INFO, so not in the command table): a WRITE
     * pause holds them like write commands.
     */
    private static final Set<String> MAY_REPLICATE = Set.of("eval", "evalsha", "fcall", "pfcount", "publish",
            "spublish");

    private final ServerConfig config;
    private final Log log;
    private CommandTable commands = new CommandTable();
    private final Database[] databases;
    private final Map<Long, Client> clients = new LinkedHashMap<>();
    private final List<Client> pendingFlush = new ArrayList<>();
    /**
     * The guards in the order added, one field each rather than an array: every command runs them all, and a call
     * site that only ever sees one guard class is inlined by the JIT, where a loop's single site sees them all and
     * dispatches through an interface stub per guard (~3 % of a pipelined GET). Unused slots hold {@link #NO_GUARD}.
     */
    private CommandGuard guard0 = NO_GUARD, guard1 = NO_GUARD, guard2 = NO_GUARD, guard3 = NO_GUARD,
            guard4 = NO_GUARD, guard5 = NO_GUARD, guard6 = NO_GUARD, guard7 = NO_GUARD;
    private int guardCount;
    private static final CommandGuard NO_GUARD = (c, cmd, argv) -> null;
    private static final byte[] DEL = Bytes.of("DEL");
    private static final byte[] UNLINK = Bytes.of("UNLINK");
    private final List<ScriptWriteGuard> scriptWriteGuards = new ArrayList<>();
    private BooleanSupplier staleReplica = () -> false;
    private java.util.function.LongSupplier replOffset = () -> 0;
    private java.util.function.LongSupplier replBacklogBytes = () -> 0;
    /** An array for the same reason: every write walks it. */
    private PropagationListener[] propagation = new PropagationListener[0];
    private final List<KeyListener> keyListeners = new ArrayList<>();
    private final List<ClientResetListener> resetListeners = new ArrayList<>();
    /** Clients waiting for the pause to end, in the order they were stopped (they resume in that order). */
    private final List<Client> pausedClients = new ArrayList<>();
    /** The pause in force: the strongest type among the purposes' pauses, and the latest end of that type. */
    private PauseType pauseType = PauseType.NONE;
    private long pauseEnd;
    private final PauseType[] purposeType = {PauseType.NONE, PauseType.NONE, PauseType.NONE};
    private final long[] purposeEnd = new long[3];
    private ScheduledFuture<?> pauseTimer;
    private final List<Runnable> shutdownHooks = new ArrayList<>();
    private ReplyBarrier replyBarrier;
    private final Map<String, java.util.function.Supplier<Map<String, Object>>> infoSources = new LinkedHashMap<>();
    private final List<ShutdownPreparer> shutdownPreparers = new ArrayList<>();
    private final List<Runnable> cronTasks = new ArrayList<>();
    private final Shutdown shutdownSequence = new Shutdown(this);
    /** Without the persistence module's RDB writer: nothing measured (DEBUG OBJECT then measures strings only). */
    private RdbMeasure rdbMeasure = new RdbMeasure() {
        @Override
        public long serializedLength(Object value) {
            return 0;
        }

        @Override
        public long[] quicklist(Object list) {
            return null;
        }
    };
    private RdbStatus rdbStatus = new RdbStatus() {
        @Override
        public long changesSinceLastSave() {
            return dirty;
        }

        @Override
        public boolean bgsaveInProgress() {
            return false;
        }

        @Override
        public long lastSaveTime() {
            return startedAt / 1000;
        }

        @Override
        public boolean lastBgsaveOk() {
            return true;
        }

        @Override
        public long lastBgsaveTimeSec() {
            return -1;
        }

        @Override
        public long currentBgsaveTimeSec() {
            return -1;
        }

        @Override
        public long saves() {
            return 0;
        }

        @Override
        public long currentSaveKeysProcessed() {
            return 0;
        }

        @Override
        public long currentSaveKeysTotal() {
            return 0;
        }

        @Override
        public long lastLoadKeysExpired() {
            return 0;
        }

        @Override
        public long lastLoadKeysLoaded() {
            return 0;
        }
    };
    private final Stats stats = new Stats();
    private final Blocking blocking = new Blocking(this);
    private final Map<String, java.util.function.Consumer<java.util.function.BiConsumer<String, Object>>> infoSections =
            new LinkedHashMap<>();
    private final Transactions transactions = new Transactions(this);
    private final PubSub pubsub = new PubSub();
    private final KeyspaceEvents keyspaceEvents = new KeyspaceEvents(this);
    private final Memory memory;
    private final Watchdog watchdog;
    private final SlowLog slowLog = new SlowLog(this);
    private final Latency latency = new Latency(this);
    private final Monitor monitor = new Monitor();
    private final Tracking tracking = new Tracking(this);
    /** The client whose command is running (the outermost one's client for nested calls), or null. */
    private Client currentClient;
    private int callDepth;
    /** When the running top-level command started (unix ms), valid while {@link #callDepth} > 0. */
    private long commandTime;
    private final CommandClock clock = new CommandClock();
    private Acl acl;
    /** Depth of blocks (a command, EXEC, a script) whose writes are held and propagated together at the end. */
    private int holdDepth;
    /** Depth of EXEC and script blocks within them (Redis's in_exec / in_script). */
    private int atomicDepth;
    /** The writes the outermost block propagated so far (Redis's also_propagate): databases and commands. */
    private int[] atomicDbs = new int[8];
    private byte[][][] atomicArgvs = new byte[8][][];
    private int[] atomicTargets = new int[8];
    private int atomicWrites;
    private CommandSpec currentCommand;
    private byte[][] currentArgv;
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
    private InfoSection replicationInfo;
    private boolean activeExpireEnabled = true;
    private boolean cronPaused;
    private final OomScoreAdj oomScoreAdj;
    private long replyBufferPeakResetMs = 5000;
    private boolean replyBufferResizing = true;
    private boolean scriptDenyDisabled;
    private boolean propagateForced;
    /** Set with {@link #propagateForced} by {@link #forceReplicaPropagation}. */
    private boolean propagateReplOnly;
    private boolean shuttingDown;
    private volatile boolean closing;
    private volatile int exitStatus;
    private volatile int tcpPort;
    private String executable = ProcessHandle.current().info().command().orElse("");
    private SystemdNotify systemd = SystemdNotify.NONE;
    /** Freed by {@link #fatal} so that its log line and hook find memory after an OutOfMemoryError. */
    @SuppressWarnings("unused")
    private byte[] fatalReserve = new byte[1 << 20];
    private volatile Runnable fatalHook;
    /** What a crash does once its report is written (see {@link #crash}); the server that embeds the engine sets it. */
    private java.util.function.IntConsumer crashHook = status -> { };
    /** The INFO text a crash report includes (INFO all), from the INFO command. */
    private java.util.function.Supplier<String> crashInfo = () -> "";
    private long lastMetricSample;
    private io.jredis.server.scripting.Scripting scripting;
    /** Stops accepting connections, without waiting; installed by the network layer. */
    private Runnable listenersCloser = () -> { };
    /** Serves ready connections once without blocking; installed by the network layer. */
    private Runnable ioPoller = () -> { };
    /** True while a task runs a client's deferred commands, outside the network's read dispatch. */
    private boolean outsideIo;
    /** Where {@link #emitPropagation} sends commands now: see {@link #propagationTarget(int)}. */
    private int propagationTarget = PROPAGATE_ALL;
    private int[] propagationTargets = new int[0];
    private BooleanSupplier[] propagationLive = new BooleanSupplier[0];
    private LoadProgress loading;

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
        this.memory = new Memory(this);
        this.watchdog = new Watchdog(log, config.watchdogPeriod::value);
        // As Redis's applyWatchdogPeriod: CONFIG SET arms (or disarms) the timer at once, not at the next cron.
        config.watchdogPeriod.onChange(watchdog::rearm);
        addGuard(memory::guard);
        this.acl = new Acl(this);
        // Through the field: Sentinel mode replaces the ACL along with the command table.
        config.requirepass.onChange(() -> acl.requirepassChanged());
        this.oomScoreAdj = new OomScoreAdj(config, log);
        Directive.ApplyHook oom = () -> oomScoreAdj.apply(slaveMode) ? null
                : "Failed to set current oom_score_adj. Check server logs.";
        config.oomScoreAdj.onApply(oom);
        config.oomScoreAdjValues.onApply(oom);
        config.maxclients.onApply(() -> {
            long fitted = OpenFilesLimit.fit(config.maxclients.value());
            return fitted == config.maxclients.value() ? null
                    : "The operating system is not able to handle the specified number of clients, try with " + fitted;
        });
        // RESET leaves a connection as if new: not a monitor, no transaction, no watched keys, no subscriptions.
        addClientResetListener(c -> {
            monitor.remove(c);
            transactions.discard(c);
            pubsub.removeClient(c);
            tracking.disable(c);
            c.timeoutExempt(false);
        });
    }

    /** 40 random hex characters, as Redis makes run ids and replication ids. */
    public static String randomHexId() {
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

    /** Replaces the command table before the server starts (Sentinel mode serves its own, smaller table). */
    public void commands(CommandTable table) {
        this.commands = table;
        // The ACL indexes the table's commands (ACL CAT, +command rules), as Redis's sentinel mode does.
        this.acl = new Acl(this);
    }

    public Stats stats() {
        return stats;
    }

    /**
     * Adds an INFO section a module owns (Sentinel's "# Sentinel"): printed by default and with "all", after the
     * server's own sections; {@code writer} receives a field sink ({@code name}, {@code value}).
     */
    public void addInfoSection(String title, java.util.function.Consumer<java.util.function.BiConsumer<String, Object>> writer) {
        infoSections.put(title, writer);
    }

    public Map<String, java.util.function.Consumer<java.util.function.BiConsumer<String, Object>>> infoSections() {
        return infoSections;
    }

    /** Clients blocked on keys (BLPOP and friends). */
    public Blocking blocking() {
        return blocking;
    }

    public Transactions transactions() {
        return transactions;
    }

    public PubSub pubsub() {
        return pubsub;
    }

    public KeyspaceEvents keyspaceEvents() {
        return keyspaceEvents;
    }

    /** Memory accounting, maxmemory eviction and LRU/LFU access data. */
    public Memory memory() {
        return memory;
    }

    public SlowLog slowLog() {
        return slowLog;
    }

    public Latency latency() {
        return latency;
    }

    public Monitor monitor() {
        return monitor;
    }

    /** Lua scripting and functions (set when the scripting commands are registered). */
    public io.jredis.server.scripting.Scripting scripting() {
        return scripting;
    }

    public void scripting(io.jredis.server.scripting.Scripting s) {
        this.scripting = s;
    }

    /** Client-side caching: tracked keys and invalidation messages. */
    public Tracking tracking() {
        return tracking;
    }

    /** The client whose command is running, null outside commands (cron, timers). */
    public Client currentClient() {
        return currentClient;
    }

    /** True while a command runs (Redis's CLIENT_EXECUTING_COMMAND of the current client). */
    public boolean executingCommand() {
        return callDepth > 0;
    }

    /** Users and permissions (ACL). */
    public Acl acl() {
        return acl;
    }

    /** The command being executed (the innermost one, for nested calls). */
    public CommandSpec currentCommand() {
        return currentCommand;
    }

    public byte[][] currentArgv() {
        return currentArgv;
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

    /** Absolute path of the program, as INFO executable reports it. */
    public String executable() {
        return executable;
    }

    public void executable(String path) {
        this.executable = path;
    }

    /** systemd's notifications ({@code supervised systemd}); {@link SystemdNotify#NONE} when not supervised. */
    public SystemdNotify systemd() {
        return systemd;
    }

    public void systemd(SystemdNotify notify) {
        this.systemd = notify;
    }

    /** DEBUG SET-ACTIVE-EXPIRE: when off, expired keys go only lazily, on access. */
    public boolean activeExpireEnabled() {
        return activeExpireEnabled;
    }

    public void activeExpireEnabled(boolean enabled) {
        this.activeExpireEnabled = enabled;
    }

    /** DEBUG PAUSE-CRON: while set, the cron does nothing (Redis's server.pause_cron). */
    public void cronPaused(boolean paused) {
        this.cronPaused = paused;
    }

    /** How often (ms) a client's reply buffer peak is reset; -1 never (DEBUG REPLYBUFFER PEAK-RESET-TIME). */
    public long replyBufferPeakResetMs() {
        return replyBufferPeakResetMs;
    }

    public void replyBufferPeakResetMs(long ms) {
        this.replyBufferPeakResetMs = ms;
    }

    /** Whether the cron resizes clients' reply buffers (DEBUG REPLYBUFFER RESIZING). */
    public boolean replyBufferResizing() {
        return replyBufferResizing;
    }

    public void replyBufferResizing(boolean enabled) {
        this.replyBufferResizing = enabled;
    }

    /** DEBUG SET-DISABLE-DENY-SCRIPTS: scripts may call commands flagged noscript while set. */
    public boolean scriptDenyDisabled() {
        return scriptDenyDisabled;
    }

    public void scriptDenyDisabled(boolean disabled) {
        this.scriptDenyDisabled = disabled;
    }

    public int databaseCount() {
        return databases.length;
    }

    public Database database(int i) {
        return databases[i];
    }

    /** Installs (or with null removes) the change observer of every database; see {@link Database.ChangeObserver}. */
    public void changeObserver(Database.ChangeObserver o) {
        for (Database db : databases) {
            db.changeObserver(o);
        }
    }

    /** The RDB state INFO persistence reports. */
    public RdbStatus rdbStatus() {
        return rdbStatus;
    }

    public void rdbStatus(RdbStatus status) {
        this.rdbStatus = status;
    }

    public RdbMeasure rdbMeasure() {
        return rdbMeasure;
    }

    /** Installs the RDB writer's measures of values (the persistence module). */
    public void rdbMeasure(RdbMeasure measure) {
        this.rdbMeasure = measure;
    }

    /** The load in progress, or null. */
    public LoadProgress loading() {
        return loading;
    }

    /** Marks a load as running ({@code progress}) or done (null). */
    public void loading(LoadProgress progress) {
        this.loading = progress;
    }

    /**
     * Runs a long task on the engine thread outside the network's read dispatch, so that it may serve clients with
     * {@link #pollIo()} meanwhile (a load, as Redis's processEventsWhileBlocked during rdbLoad).
     */
    public void runPolling(Runnable task) {
        boolean saved = outsideIo;
        outsideIo = true;
        try {
            task.run();
        } finally {
            outsideIo = saved;
        }
    }

    /** Exchanges two databases' contents (SWAPDB); clients keep their selected index. */
    public void swapDatabases(int a, int b) {
        transactions.databaseChanged(databases[a], databases[b]);
        transactions.databaseChanged(databases[b], databases[a]);
        touchAllKeys(databases[a]);
        touchAllKeys(databases[b]);
        databases[a].swapWith(databases[b]);
        blocking.databasesSwapped(databases[a], databases[b]);
    }

    /** Clients a CLIENT PAUSE holds back: Redis 7.0 counts them in INFO blocked_clients. */
    public int pausedClientCount() {
        return pausedClients.size();
    }

    /** {@link #lookupReadEntry} flag: leave the key's access clock alone (Redis's LOOKUP_NOTOUCH). */
    public static final int LOOKUP_NOTOUCH = 1;
    /** {@link #lookupReadEntry} flag: no "keymiss" event for a missing key (Redis's LOOKUP_NONOTIFY). */
    public static final int LOOKUP_NONOTIFY = 2;

    /**
     * Redis's lookupKeyRead: the value of a key a command reads, counted in INFO keyspace_hits / keyspace_misses,
     * and a "keymiss" keyspace event when it is missing. Read paths use this instead of {@link Database#get} so
     * that writes' own lookups are neither counted nor notified.
     */
    public Object lookupRead(Database db, byte[] key) {
        Dict.Entry e = lookupReadEntry(db, key, 0);
        return e == null ? null : e.value();
    }

    /** Redis's lookupKeyReadWithFlags ({@link #LOOKUP_NOTOUCH}, {@link #LOOKUP_NONOTIFY}): the entry, or null. */
    public Dict.Entry lookupReadEntry(Database db, byte[] key, int flags) {
        Dict.Entry e = (flags & LOOKUP_NOTOUCH) != 0 ? db.entry(key) : db.lookup(key);
        if (e == null) {
            if ((flags & LOOKUP_NONOTIFY) == 0) {
                keyspaceEvents.notify(KeyspaceEvents.KEY_MISS, "keymiss", key, db.id());
            }
            stats.keyspaceMisses++;
        } else {
            stats.keyspaceHits++;
        }
        return e;
    }

    /** Removes every key of a database (FLUSHDB, FLUSHALL); returns how many there were. */
    public long emptyDatabase(Database db) {
        transactions.databaseChanged(db, null);
        touchAllKeys(db);
        return db.clear();
    }

    /**
     * Tells waiting clients and key listeners that every key of {@code db} changes (WATCH is told by
     * {@link Transactions#databaseChanged}); client side caching is not told key by key (a flush sends one null
     * invalidation, a swap none).
     */
    private void touchAllKeys(Database db) {
        if (db.size() > 0) {
            db.dict().forEach(e -> {
                blocking.keyModified(db, e.key);
                for (KeyListener l : keyListeners) {
                    l.keyModified(db, e.key);
                }
            });
        }
    }

    public Map<Long, Client> clients() {
        return clients;
    }

    /** Adds a check run before every command, after the ones added before it. At most eight. */
    public void addGuard(CommandGuard g) {
        switch (guardCount++) {
            case 0 -> guard0 = g;
            case 1 -> guard1 = g;
            case 2 -> guard2 = g;
            case 3 -> guard3 = g;
            case 4 -> guard4 = g;
            case 5 -> guard5 = g;
            case 6 -> guard6 = g;
            case 7 -> guard7 = g;
            default -> throw new IllegalStateException("more than eight command guards");
        }
    }

    /** The first guard's refusal of a command, or null. */
    private String guardsRefuse(Client c, CommandSpec cmd, byte[][] argv) {
        String err;
        if ((err = guard0.check(c, cmd, argv)) != null || (err = guard1.check(c, cmd, argv)) != null
                || (err = guard2.check(c, cmd, argv)) != null || (err = guard3.check(c, cmd, argv)) != null
                || (err = guard4.check(c, cmd, argv)) != null || (err = guard5.check(c, cmd, argv)) != null
                || (err = guard6.check(c, cmd, argv)) != null || (err = guard7.check(c, cmd, argv)) != null) {
            return err;
        }
        return null;
    }

    /** Installs the master replication offset (the replication module), which each command leaves in its client. */
    public void replOffsetSource(java.util.function.LongSupplier offset) {
        this.replOffset = offset;
    }

    /** Installs the bytes the replication backlog holds now (the replication module), for INFO memory. */
    public void replBacklogSource(java.util.function.LongSupplier bytes) {
        this.replBacklogBytes = bytes;
    }

    /** Bytes the replication backlog holds now; 0 without one. */
    public long replBacklogBytes() {
        return replBacklogBytes.getAsLong();
    }

    /** Installs whether this is a replica that serves no stale data now (the replication module). */
    public void staleReplicaSource(BooleanSupplier stale) {
        this.staleReplica = stale;
    }

    /**
     * Redis's running_stale: a replica whose link is down with replica-serve-stale-data no (scripts without shebang
     * check it once their arguments are parsed).
     */
    public boolean staleReplica() {
        return staleReplica.getAsBoolean();
    }

    public void addScriptWriteGuard(ScriptWriteGuard g) {
        scriptWriteGuards.add(g);
    }

    /** Why a script may not make its first write now (the modules' checks, in their order), or null. */
    public String scriptWriteDenied(Client caller) {
        for (ScriptWriteGuard g : scriptWriteGuards) {
            String err = g.check(caller);
            if (err != null) {
                return err;
            }
        }
        return null;
    }

    /** Receives every propagated command (AOF and replicas alike). */
    public void addPropagationListener(PropagationListener l) {
        addPropagationListener(PROPAGATE_ALL, l);
    }

    /** Receives the propagated commands meant for {@code target}: {@link #PROPAGATE_AOF} or {@link #PROPAGATE_REPL}. */
    public void addPropagationListener(int target, PropagationListener l) {
        addPropagationListener(target, l, () -> true);
    }

    /**
     * As {@link #addPropagationListener(int, PropagationListener)}, for a listener that takes commands only while
     * {@code live} holds (an AOF that is on, a master with a backlog): as Redis's shouldPropagate, a command meant
     * only for targets that are not live is dropped before it counts for a MULTI/EXEC wrapping.
     */
    public void addPropagationListener(int target, PropagationListener l, BooleanSupplier live) {
        propagation = Arrays.copyOf(propagation, propagation.length + 1);
        propagation[propagation.length - 1] = l;
        propagationTargets = Arrays.copyOf(propagationTargets, propagationTargets.length + 1);
        propagationTargets[propagationTargets.length - 1] = target;
        propagationLive = Arrays.copyOf(propagationLive, propagationLive.length + 1);
        propagationLive[propagationLive.length - 1] = live;
    }

    public void addKeyListener(KeyListener l) {
        keyListeners.add(l);
    }

    public void addClientResetListener(ClientResetListener l) {
        resetListeners.add(l);
    }

    /** Lets every family drop its state for {@code c} (RESET). */
    public void resetClientState(Client c) {
        for (ClientResetListener l : resetListeners) {
            l.reset(c);
        }
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
        // As Redis's replicationSetMaster / replicationUnsetMaster: the replica class has its own score.
        oomScoreAdj.apply(replica);
    }

    /** Sets the process's oom_score_adj as configured, at start-up (Redis's main calls setOOMScoreAdj). */
    public void applyOomScoreAdj() {
        oomScoreAdj.apply(slaveMode);
    }

    /** Installs the writer of INFO's Replication section (the replication module); null prints a lone master. */
    public void replicationInfo(InfoSection section) {
        this.replicationInfo = section;
    }

    public InfoSection replicationInfo() {
        return replicationInfo;
    }

    /** True on a replica (HELLO's role). */
    public boolean slaveMode() {
        return slaveMode;
    }

    /** True when new connections must authenticate: the default user has a password or is disabled. */
    public boolean requiresAuth() {
        return acl.authRequired();
    }

    // ---- Database.Hooks ----

    /**
     * Unix milliseconds: inside a command the time its top-level command started, as Redis 7.0 keeps the time fixed
     * during call() (keys expire, and scripts see time, as of the command's start); the system clock otherwise.
     */
    @Override
    public long now() {
        return callDepth > 0 ? commandTime : System.currentTimeMillis();
    }

    /** A connection's read begins (network layer): its commands take their times from one clock reading each. */
    public void readBegins() {
        clock.readBegins();
    }

    /** The read's commands have all run. */
    public void readEnds() {
        clock.readEnds();
    }

    @Override
    public long accessed(long previous) {
        return memory.accessed(previous);
    }

    @Override
    public long accessed(Object old, long previous, Object value) {
        return memory.accessed(old, previous, value);
    }

    @Override
    public long replaced(long access, Object value) {
        return memory.replaced(access, value);
    }

    @Override
    public boolean keysMayExpire() {
        return !slaveMode || currentClient == null || currentClient.roleFlags().indexOf('M') < 0;
    }

    @Override
    public boolean mayDeleteExpired() {
        // During a client pause the dataset stays constant: expired keys read as missing but are not deleted.
        return !slaveMode && !clientsPaused();
    }

    @Override
    public void keyModified(Database db, byte[] key) {
        keyTouched(db, key);
        tracking.invalidateKey(key, true);
    }

    private void keyTouched(Database db, byte[] key) {
        blocking.keyModified(db, key);
        transactions.keyModified(db, key);
        for (KeyListener l : keyListeners) {
            l.keyModified(db, key);
        }
    }

    @Override
    public void keyExpired(Database db, byte[] key) {
        stats.expiredKeys++;
        // Redis's deleteExpiredKeyAndPropagate: the event goes out before the modification is signalled.
        keyspaceEvents.notify(KeyspaceEvents.EXPIRED, "expired", key, db.id());
        keyModified(db, key);
        emitPropagation(db.id(), expiredDeletion(key));
    }

    /**
     * How the deletion of an expired key propagates (Redis's propagateDeletion with lazyfree-lazy-expire): UNLINK
     * when expired keys are freed lazily, else DEL. Expiry (lazy and active) and EXPIRE to a past time use it.
     */
    public byte[][] expiredDeletion(byte[] key) {
        return new byte[][] {config.lazyfreeLazyExpire.value() ? UNLINK : DEL, key};
    }

    @Override
    public boolean replicaLocalWrite() {
        return slaveMode && currentClient != null && currentClient.type() != Client.Type.MASTER;
    }

    @Override
    public void keyAdded(Database db, byte[] key) {
        keyspaceEvents.notify(KeyspaceEvents.NEW, "new", key, db.id());
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
        Client c = new Client(nextClientId++, this, null);
        // No user: internal callers (AOF loading, a master's stream) are authenticated and not subject to ACL.
        c.authenticate(null);
        return c;
    }

    /** Takes a client id for a client Redis has and jredis does without, so that later ids match Redis's. */
    public void reserveClientId() {
        nextClientId++;
    }

    /** Forgets a closed connection (called by the network layer). */
    public void removeClient(Client c) {
        blocking.unblock(c);
        transactions.discard(c);
        pubsub.removeClient(c);
        monitor.remove(c);
        tracking.disable(c);
        clients.remove(c.id());
        memory.untrackMemory(c);
        pendingFlush.remove(c);
        if (c.postponed()) {
            pausedClients.remove(c);
        }
        c.markClosed();
    }

    /** Closes a client's connection at once, dropping unsent replies (CLIENT KILL, limits). */
    public void kill(Client c) {
        if (c.channel() != null) {
            c.channel().close();
        }
        removeClient(c);
    }

    /**
     * A command a replica sent on its replication link produced a reply, which would corrupt the stream (Redis's
     * _addReplyToBufferOrList for a replica): logged, the reply dropped and the connection closed.
     */
    void replicaReplied(Client c) {
        String command = c.lastCommand().equals("NULL") ? "<unknown>" : c.lastCommand();
        log.warning("Replica generated a reply to command '" + command + "', disconnecting it: " + c.describe());
        loop.execute(() -> kill(c));
    }

    void markPending(Client c) {
        pendingFlush.add(c);
    }

    /** Installs the barrier every reply batch passes (the AOF's fsync policy); null removes it. */
    public void replyBarrier(ReplyBarrier barrier) {
        this.replyBarrier = barrier;
    }

    /**
     * Adds live fields to an INFO section ({@code "persistence"}): a field with a name INFO already prints takes
     * that place, others are appended at the end of the section.
     */
    public void addInfoSource(String section, java.util.function.Supplier<Map<String, Object>> source) {
        infoSources.merge(section, source, (a, b) -> () -> {
            Map<String, Object> m = new LinkedHashMap<>(a.get());
            m.putAll(b.get());
            return m;
        });
    }

    /** The fields modules add to an INFO section, in their order; empty when none. */
    public Map<String, Object> infoFields(String section) {
        java.util.function.Supplier<Map<String, Object>> s = infoSources.get(section);
        return s == null ? Map.of() : s.get();
    }

    /** Writes every client's accumulated replies to its socket: one flush per client per batch. */
    public void flushPending() {
        if (tracking.broadcastPending()) {
            tracking.broadcast();
        }
        if (replyBarrier != null && replyBarrier.hold()) {
            if (pendingFlush.isEmpty()) {
                return;
            }
            // The replies are taken now: later replies of the same clients belong to a later batch.
            Client[] held = pendingFlush.toArray(new Client[0]);
            ByteBuf[] bufs = new ByteBuf[held.length];
            for (int i = 0; i < held.length; i++) {
                bufs[i] = held[i].takePending();
            }
            pendingFlush.clear();
            replyBarrier.defer(() -> {
                long now = clock.recentMillis();
                for (int i = 0; i < held.length; i++) {
                    writeReplies(held[i], bufs[i], now);
                }
            });
            return;
        }
        long now = clock.recentMillis();
        for (int i = 0; i < pendingFlush.size(); i++) {
            Client c = pendingFlush.get(i);
            writeReplies(c, c.takePending(), now);
        }
        pendingFlush.clear();
    }

    private void writeReplies(Client c, ByteBuf b, long now) {
        if (b == null || c.channel() == null || c.isClosed()) {
            if (b != null) {
                b.release();
            }
            return;
        }
        stats.netOutputBytes += b.readableBytes();
        c.replied(now, b.readableBytes());
        stats.writesProcessed++;
        if (c.closingAfterReply()) {
            c.channel().writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
        } else {
            c.send(b);
        }
    }

    // ---- the command path ----

    /**
     * Runs one command from a client: Redis's {@code processCommand} then {@code call}. While the client waits for a
     * CLIENT PAUSE to end, its commands queue up behind the postponed one, keeping their order.
     */
    public void process(Client c, byte[][] argv) {
        if (c.requestTap() != null) {
            c.requestTap().accept(argv);
            return;
        }
        if (pauseType != PauseType.NONE && now() >= pauseEnd) {
            updatePause();
        }
        if (c.postponed()) {
            c.queuePostponed(argv);
            return;
        }
        if (tracking.trackingClients() > 0) {
            tracking.limitUsedSlots();
        }
        if (dispatch(c, argv)) {
            tracking.commandDone(c);
            c.commandProcessed();
        }
    }

    /** Checks and runs a command; false when a client pause postponed it. */
    private boolean dispatch(Client c, byte[][] argv) {
        long start = clock.commandStart();
        long now = clock.millis(start);
        CommandSpec cmd = commands.lookup(argv[0]);
        if (cmd == null) {
            c.touch(now, argv, "NULL");
            rejectUnknown(c, argv);
            return true;
        }
        if (cmd.hasSubcommands() && (cmd.handler() == null || argv.length > 1)) {
            if (argv.length < 2) {
                c.touch(now, argv, cmd.fullName());
                reject(c, cmd, "ERR wrong number of arguments for '" + cmd.fullName() + "' command");
                return true;
            }
            CommandSpec sub = CommandTable.subcommand(cmd, argv[1]);
            if (sub == null) {
                // Redis finds no command here: CLIENT LIST shows cmd=NULL, and no command's rejected_calls grows
                // (the container's neither).
                c.touch(now, argv, "NULL");
                error(c, "ERR unknown subcommand '" + truncate(Directive.cstr(Bytes.str(argv[1])), 128) + "'. Try "
                        + cmd.name().toUpperCase() + " HELP.");
                stats.rejectedCalls++;
                transactions.flagError(c);
                return true;
            }
            cmd = sub;
        }
        c.touch(now, argv, cmd.fullName());
        if (!cmd.arityOk(argv.length)) {
            reject(c, cmd, "ERR wrong number of arguments for '" + cmd.fullName() + "' command");
            return true;
        }
        if (cmd.protection() != null) {
            String err = cmd.protection().check(c, cmd, argv);
            if (err != null) {
                reject(c, cmd, err);
                return true;
            }
        }
        if (!c.authenticated() && !cmd.noAuth()) {
            reject(c, cmd, "NOAUTH Authentication required.");
            return true;
        }
        if (c.multi() != null && cmd.hasFlag("no_multi")) {
            reject(c, cmd, "ERR Command not allowed inside a transaction");
            return true;
        }
        String denied = acl.check(c, cmd, argv);
        if (denied != null) {
            reject(c, cmd, denied);
            return true;
        }
        if (c.subscribed() && c.reply().protocol() == 2 && !SUBSCRIBED_CONTEXT.contains(cmd.fullName())) {
            reject(c, cmd, "ERR Can't execute '" + cmd.fullName() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE "
                    + "/ PING / QUIT / RESET are allowed in this context");
            return true;
        }
        CommandSpec flagged = cmd.callFlags() == null ? cmd : cmd.callFlags().of(c, cmd, argv);
        String refused = guardsRefuse(c, flagged, argv);
        if (refused != null) {
            if (!c.isClosed()) {
                reject(c, cmd, refused);
            }
            return true;
        }
        // Internal clients (the AOF being replayed) are the load itself.
        if (loading != null && c.channel() != null && deniedWhileLoading(c, cmd, loading.async())) {
            reject(c, cmd, LOADING_ERROR);
            return true;
        }
        if (pausedFor(c, cmd, flagged)) {
            c.postpone(argv);
            pausedClients.add(c);
            return false;
        }
        if (c.multi() != null && !TRANSACTION_CONTROL.contains(cmd.fullName())) {
            transactions.queue(c, cmd, flagged, argv);
            c.reply().simple("QUEUED");
            return true;
        }
        call(c, cmd, argv, now, start);
        // Redis 7.0's processCommand: after every command run (not queued), whether it propagated or not.
        c.replOffset(replOffset.getAsLong());
        // Not for a command served while a busy script polls (isInsideYieldingLongCommand): the waiters would see
        // the script's writes half done.
        if (blocking.hasReady() && callDepth == 0) {
            blocking.serveReady();
        }
        return true;
    }

    /**
     * Redis's is_denyloading_command (no {@code loading} flag) or, during an async load,
     * is_deny_async_loading_command (the {@code no_async_loading} flag); an EXEC is denied for a queued command.
     */
    private boolean deniedWhileLoading(Client c, CommandSpec cmd, boolean async) {
        if (deniedWhileLoading(cmd, async)) {
            return true;
        }
        if (cmd.name().equals("exec") && c.multi() != null) {
            for (Transactions.Queued q : transactions.queued(c)) {
                if (deniedWhileLoading(q.cmd(), async)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean deniedWhileLoading(CommandSpec cmd, boolean async) {
        return async ? cmd.hasFlag("no_async_loading") : !cmd.hasFlag("loading");
    }

    /**
     * Runs a connection's commands that arrived while it was blocked, then reads from it again. Scheduled as a new
     * task so it never runs inside another client's command.
     */
    void resume(Client c) {
        loop.execute(() -> {
            boolean saved = outsideIo;
            outsideIo = true;
            try {
                while (!c.isClosed() && !blocking.isBlocked(c) && c.hasDeferred()) {
                    process(c, c.nextDeferred());
                }
            } finally {
                outsideIo = saved;
            }
            if (!c.isClosed() && !blocking.isBlocked(c)) {
                c.channel().config().setAutoRead(true);
            }
            flushPending();
        });
    }

    /**
     * Runs a command in a task of its own instead of inside the network's read dispatch, keeping the client's order
     * (its next commands wait behind it). Scripts run this way, so that a busy script can poll the network.
     */
    public void processLater(Client c, byte[][] argv) {
        c.defer(argv);
        resume(c);
    }

    /** Installs how to stop accepting connections when the server shuts down (the network layer). */
    public void listenersCloser(Runnable closer) {
        this.listenersCloser = closer;
    }

    /** Installs how to serve ready connections once without blocking (the network layer's event loop). */
    public void ioPoller(Runnable poller) {
        this.ioPoller = poller;
    }

    /**
     * Serves ready connections once from inside a long command (a busy script), as Redis's
     * processEventsWhileBlocked. Only possible from a task outside the network's read dispatch (see
     * {@link #processLater}); returns false when it could not poll.
     */
    public boolean pollIo() {
        if (!outsideIo || loop == null || !loop.inEventLoop()) {
            return false;
        }
        ioPoller.run();
        // The network reports a closed connection in a task of its own, which would run only after the long command:
        // its client is freed now, as Redis's processEventsWhileBlocked frees it (CLIENT LIST, connected_clients).
        List<Client> closed = new ArrayList<>();
        for (Client c : clients.values()) {
            if (c.channel() != null && !c.channel().isOpen()) {
                closed.add(c);
            }
        }
        closed.forEach(this::removeClient);
        return true;
    }

    /** The error reply count when the last command ended (or the current top-level command began). */
    private long errorsMark;
    /** Set by {@link #errorCounted}: the running command failed although no error was counted. */
    private boolean failedUncounted;

    /** Commands that run at once inside MULTI instead of being queued. */
    private static final java.util.Set<String> TRANSACTION_CONTROL =
            java.util.Set.of("exec", "discard", "multi", "watch", "quit", "reset");

    /** The only commands a RESP2 client with subscriptions may send. */
    private static final java.util.Set<String> SUBSCRIBED_CONTEXT = java.util.Set.of("subscribe", "ssubscribe",
            "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "ping", "quit", "reset");

    /** Executes an admitted command, keeps its statistics and propagates its effect. */
    public void call(Client c, CommandSpec cmd, byte[][] argv) {
        long start = clock.commandStart();
        call(c, cmd, argv, callDepth == 0 ? clock.millis(start) : commandTime, start);
    }

    /** {@link #call} of a command that started at {@code time} (unix ms), {@code startNanos} on the monotonic clock. */
    private void call(Client c, CommandSpec cmd, byte[][] argv, long time, long startNanos) {
        long dirtyBefore = dirty;
        if (callDepth == 0) {
            errorsMark = stats.errorReplies;
        }
        boolean savedFailed = failedUncounted;
        failedUncounted = false;
        byte[][] savedOverride = propagateOverride;
        boolean savedSuppressed = propagateSuppressed;
        boolean savedForced = propagateForced;
        boolean savedReplOnly = propagateReplOnly;
        propagateOverride = null;
        propagateSuppressed = false;
        CommandSpec savedCommand = currentCommand;
        byte[][] savedArgv = currentArgv;
        Client savedClient = currentClient;
        currentCommand = cmd;
        currentArgv = argv;
        if (callDepth++ == 0) {
            currentClient = c;
            commandTime = time;
            // Redis 7.0's execution unit: what the command propagates (keys it found expired, then itself) goes out
            // at its end, wrapped in MULTI ... EXEC when more than one write.
            holdDepth++;
        }
        propagateForced = false;
        propagateReplOnly = false;
        // Redis 7.0's skip_monitor commands are exactly the scripts (EVAL*, FCALL*), which feed monitors themselves
        // before they run, so that they show before the commands their script runs.
        byte[][] savedShown = shownArgv;
        shownArgv = null;
        boolean script = cmd.skipMonitor();
        if (script && monitor.active()) {
            monitor.feed(c, c.db().id(), argv);
        }
        try {
            cmd.handler().execute(c, argv);
            if (cmd.isReadonly() && !cmd.skipMonitor()) {
                // As Redis: a read inside a script makes its caller remember the keys the script declared, and the
                // read-only script commands remember nothing themselves.
                boolean inScript = callDepth > 1 && savedCommand != null && savedCommand.skipMonitor();
                Client reader = inScript ? savedClient : c;
                if (reader != null && reader.tracking() != null) {
                    tracking.rememberKeys(reader, inScript ? savedCommand : cmd, inScript ? savedArgv : argv);
                }
            }
        } finally {
            // Other commands show once they ran (EXEC after its commands, SELECT with the new db), but not when a
            // blocked command is served (Redis 7.0 serves it without calling it again).
            byte[][] shown = shownArgv != null ? shownArgv : argv;
            shownArgv = savedShown;
            if (!script && monitor.active() && !cmd.hasFlag("admin") && !blocking.rerunning()) {
                monitor.feed(c, c.db().id(), shown);
            }
            long micros = (clock.commandEnd() - startNanos) / 1000;
            if (!blocking.rerunning()) {
                cmd.calls++;
            }
            cmd.micros += micros;
            stats.commandsProcessed++;
            // As Redis's incrCommandStatsOnError: only errors since the last command ended count, so EXEC or EVAL
            // do not fail for the errors of the commands they ran; CONFIG RESETSTAT, zeroing the counter, did not fail.
            if (stats.errorReplies > errorsMark || failedUncounted) {
                cmd.failedCalls++;
            }
            errorsMark = stats.errorReplies;
            failedUncounted = savedFailed;
            observe(c, cmd, shown, micros);
            if ((dirty != dirtyBefore || propagateForced)
                    && (cmd.isWrite() || cmd.mayReplicate() || MAY_REPLICATE.contains(cmd.fullName()))
                    && !propagateSuppressed) {
                emitPropagation(c.db().id(), propagateOverride != null ? propagateOverride : argv,
                        propagateReplOnly ? propagationTarget & PROPAGATE_REPL : propagationTarget);
            }
            currentCommand = savedCommand;
            currentArgv = savedArgv;
            if (--callDepth == 0) {
                // Only two or more writes may be wrapped: the set lookup is skipped for the usual one.
                releaseWrites(atomicWrites < 2 || !TOUCHES_ARBITRARY_KEYS.contains(cmd.fullName()));
                tracking.afterCommand(c);
            }
            currentClient = savedClient;
            propagateOverride = savedOverride;
            propagateSuppressed = savedSuppressed;
            propagateForced = savedForced;
            propagateReplOnly = savedReplOnly;
        }
    }

    /**
     * Runs a command read from an AOF as Redis's loadSingleAppendOnlyFile does: the handler itself on the loader's
     * fake client, without ACL, guards, statistics, latency tracking, monitors or propagation (Redis calls the
     * command's proc directly). {@code cmd} is the looked-up top-level command. Everything else (a MULTI block, EXEC,
     * a container command, a wrong arity) takes {@link #process}: EXEC runs its queue through {@link #call}, as Redis's
     * execCommand does, and errors stay what they were.
     */
    public void replay(Client c, CommandSpec cmd, byte[][] argv) {
        if (c.multi() != null || cmd.hasSubcommands() || cmd.handler() == null || !cmd.arityOk(argv.length)
                || TRANSACTION_CONTROL.contains(cmd.name())) {
            process(c, argv);
            return;
        }
        currentCommand = cmd;
        currentArgv = argv;
        currentClient = c;
        callDepth++;
        try {
            cmd.handler().execute(c, argv);
        } finally {
            callDepth--;
            currentCommand = null;
            currentArgv = null;
            currentClient = null;
            propagateOverride = null;
            propagateSuppressed = false;
            propagateForced = false;
            propagateReplOnly = false;
        }
    }

    private static final byte[] REDACTED = Bytes.of("(redacted)");
    /** The running command's arguments as MONITOR and the slow log show them, once one is redacted; else null. */
    private byte[][] shownArgv;

    /**
     * Redis's redactClientCommandArgument: MONITOR and the slow log show argument {@code index} of the running
     * command as "(redacted)" (a password a handler met).
     */
    public void redactArgument(int index) {
        if (shownArgv == null) {
            shownArgv = currentArgv.clone();
        }
        shownArgv[index] = REDACTED;
    }

    /**
     * Feeds the slow log, the latency monitor and the latency histograms, as the end of Redis's call(). A command
     * that blocked its client goes to the slow log and its histogram only when its wait ends (served or CLIENT
     * UNBLOCK, not a timeout), once, with its arguments as sent: Redis serves it without calling it again.
     */
    private void observe(Client c, CommandSpec cmd, byte[][] argv, long micros) {
        if (blocking.rerunning()) {
            blocking.rerunDone(c, micros);
            return;
        }
        boolean slowlogged = !cmd.skipSlowlog();
        boolean blocked = blocking.isBlocked(c);
        if (blocked) {
            blocking.blockedCall(c, argv, slowlogged, micros);
        } else if (slowlogged) {
            slowLog.pushIfNeeded(c, argv, micros);
        }
        latency.commandDone(cmd, micros, slowlogged, blocked);
    }

    /**
     * Redis's updateStatsOnUnblock: the slow log entry ({@code shown} null: none) and the latency histogram sample of
     * a blocked command whose wait ended after {@code micros} of work in all.
     */
    void statsOnUnblock(Client c, CommandSpec cmd, byte[][] shown, long micros) {
        if (shown != null) {
            slowLog.pushIfNeeded(c, shown, micros);
        }
        latency.histogramSample(cmd, micros);
    }

    /**
     * A script's command refused before it ran (null: unknown). As Redis's incrCommandStatsOnError, the error it
     * replied is its own: the script that catches it with pcall does not fail for it.
     */
    public void scriptCommandRejected(CommandSpec cmd) {
        if (cmd != null) {
            cmd.rejectedCalls++;
        }
        errorsMark = stats.errorReplies;
    }

    private void rejectUnknown(Client c, byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            // %.*s and %.128s print C strings: each argument up to its first NUL byte.
            args.append('\'').append(truncate(Directive.cstr(Bytes.str(argv[i])), 128 - args.length())).append("' ");
        }
        error(c, "ERR unknown command '" + truncate(Directive.cstr(Bytes.str(argv[0])), 128)
                + "', with args beginning with: " + args);
        stats.rejectedCalls++;
        transactions.flagError(c);
    }

    private void reject(Client c, CommandSpec cmd, String err) {
        cmd.rejectedCalls++;
        stats.rejectedCalls++;
        if (cmd.name().equals("exec")) {
            // Redis's execCommandAbort: a rejected EXEC discards the transaction (even without MULTI).
            transactions.discard(c);
            error(c, "EXECABORT Transaction discarded because of: "
                    + (err.startsWith("ERR ") ? err.substring(4) : err));
            return;
        }
        error(c, err);
        transactions.flagError(c);
    }

    /**
     * Replies with an error that was already counted for INFO errorstats (a script passing on the error of a command
     * it called); the running command still counts as failed, as Redis's ERR_REPLY_FLAG_NO_STATS_UPDATE.
     */
    public void errorCounted(Client c, String msg) {
        c.reply().error(msg);
        failedUncounted = true;
        errorToMaster(c, msg);
    }

    /** Replies with an error and counts it for INFO errorstats ({@code ERR}, {@code WRONGTYPE}, ...). */
    public void error(Client c, String msg) {
        c.reply().error(msg);
        stats.errorReplies++;
        int sp = msg.indexOf(' ');
        stats.errorCounts.merge(sp < 0 ? msg : msg.substring(0, sp), 1L, Long::sum);
        errorToMaster(c, msg);
    }

    /**
     * Redis's afterErrorReply for a master's stream: the error never reaches the master, so a replica logs it, counts
     * it (INFO unexpected_error_replies) and, with propagation-error-behavior panic or panic-on-replicas on a
     * read-only replica, stops rather than serve data that diverged from its master.
     */
    private void errorToMaster(Client c, String msg) {
        // A replica's own command on the replication link errs too (Redis logs it the other way round).
        boolean fromMaster = c.roleFlags().indexOf('M') >= 0;
        if (!fromMaster && c.roleFlags().indexOf('S') < 0) {
            return;
        }
        String command = c.lastCommand().equals("NULL") ? "<unknown>" : c.lastCommand();
        // Redis logs the text its addReplyError got: without the "ERR " it adds, other codes with their "-".
        String text = msg.startsWith("ERR ") ? msg.substring(4) : "-" + msg;
        log.warning("== CRITICAL == This " + (fromMaster ? "replica" : "master") + " is sending an error to its "
                + (fromMaster ? "master" : "replica") + ": '" + truncate(text, 4096)
                + "' after processing the command '" + command + "'");
        stats.unexpectedErrorReplies++;
        if (fromMaster && config.replicaReadOnly.value()
                && !config.propagationErrorBehavior.value().equals("ignore")) {
            panic("This replica panicked sending an error to its master after processing the command '" + command
                    + "'");
        }
    }

    /** Redis's serverPanic: the Guru Meditation lines and the bug report, then the server dies (status 134, or 1). */
    public void panic(String meditation) {
        crash(config.useExitOnPanic.value() ? 1 : 134, List.of("------------------------------------------------",
                "!!! Software Failure. Press left mouse button to continue", "Guru Meditation: " + meditation));
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max));
    }

    // ---- CLIENT PAUSE ----

    /**
     * Pauses normal clients until {@code endMillis} (unix ms): all their commands ({@link PauseType#ALL}) or those
     * that may write or replicate ({@link PauseType#WRITE}). As in Redis 7.0 a running pause only gets stronger and
     * longer. Replicas are never paused; a replica's master is, as in Redis.
     */
    public void pauseClients(long endMillis, PauseType type) {
        pauseClients(PausePurpose.CLIENT_COMMAND, endMillis, type);
    }

    /** {@link #pauseClients(long, PauseType)} for one purpose: the pause in force is the strongest of them all. */
    public void pauseClients(PausePurpose purpose, long endMillis, PauseType type) {
        updatePause();
        int p = purpose.ordinal();
        if (type.compareTo(purposeType[p]) > 0) {
            purposeType[p] = type;
        }
        purposeEnd[p] = Math.max(purposeEnd[p], endMillis);
        updatePause();
    }

    /**
     * Ends the pause (CLIENT UNPAUSE, or its time ran out). The postponed clients resume right after the running
     * command, as Redis runs unblocked clients before the next event loop iteration, not inside CLIENT UNPAUSE.
     */
    public void unpauseClients() {
        unpauseClients(PausePurpose.CLIENT_COMMAND);
    }

    /** Lifts one purpose's pause; the others stay in force. */
    public void unpauseClients(PausePurpose purpose) {
        purposeType[purpose.ordinal()] = PauseType.NONE;
        purposeEnd[purpose.ordinal()] = 0;
        updatePause();
    }

    /**
     * Redis's updateClientPauseTypeAndEndTime: drops the purposes whose time ran out and recomputes the pause in
     * force; when it got weaker the postponed clients run again (those still held are postponed anew).
     */
    private void updatePause() {
        PauseType old = pauseType;
        long oldEnd = pauseEnd;
        long now = now();
        PauseType type = PauseType.NONE;
        for (int i = 0; i < purposeType.length; i++) {
            if (purposeType[i] != PauseType.NONE && now >= purposeEnd[i]) {
                purposeType[i] = PauseType.NONE;
                purposeEnd[i] = 0;
            } else if (purposeType[i].compareTo(type) > 0) {
                type = purposeType[i];
            }
        }
        long end = 0;
        for (int i = 0; i < purposeType.length; i++) {
            if (type != PauseType.NONE && purposeType[i] == type) {
                end = Math.max(end, purposeEnd[i]);
            }
        }
        pauseType = type;
        pauseEnd = end;
        if (end != oldEnd || type == PauseType.NONE) {
            if (pauseTimer != null) {
                pauseTimer.cancel(false);
                pauseTimer = null;
            }
            if (type != PauseType.NONE) {
                pauseTimer = loop.schedule(this::endPauseIfDue, Math.max(0, end - now), TimeUnit.MILLISECONDS);
            }
        }
        if (type.compareTo(old) < 0 && !pausedClients.isEmpty()) {
            loop.execute(this::resumePostponed);
        }
    }

    /** Runs the postponed clients' commands, clients in the order they were stopped, each in arrival order. */
    private void resumePostponed() {
        List<Client> waiting = new ArrayList<>(pausedClients);
        pausedClients.clear();
        for (Client c : waiting) {
            Deque<byte[][]> queued = c.resume();
            if (c.resumeHandler() != null) {
                c.resumeHandler().run();
                continue;
            }
            for (byte[][] argv : queued) {
                if (c.isClosed() || c.closingAfterReply()) {
                    break;
                }
                process(c, argv);
            }
        }
        flushPending();
    }

    /** True while a CLIENT PAUSE is in force; keys then neither expire actively nor get deleted on access. */
    public boolean clientsPaused() {
        return pauseType != PauseType.NONE && now() < pauseEnd;
    }

    private void endPauseIfDue() {
        if (pauseType == PauseType.NONE) {
            return;
        }
        long left = pauseEnd - now();
        if (left > 0) {
            pauseTimer = loop.schedule(this::endPauseIfDue, left, TimeUnit.MILLISECONDS);
        } else {
            updatePause();
        }
    }

    /**
     * Whether the pause holds the command; {@code flagged} is the command as its script's declared flags make it
     * (Redis's getCommandFlags), which drop may-replicate: a no-writes script runs during a WRITE pause.
     */
    private boolean pausedFor(Client c, CommandSpec cmd, CommandSpec flagged) {
        // As Redis 7.0's processCommand, only replicas are exempt: the master's writes wait too, so a paused replica
        // keeps its dataset and slave_repl_offset still.
        if (!clientsPaused() || c.type() == Client.Type.REPLICA) {
            return false;
        }
        return pauseType == PauseType.ALL || flagged.isWrite() || mayReplicate(cmd, flagged);
    }

    /**
     * Redis's CMD_MAY_REPLICATE of a call: the command's own flag unless its script's declared flags replaced the
     * command's flags ({@code flagged} is then another view), or the flag an EXEC view took from a queued command.
     */
    static boolean mayReplicate(CommandSpec cmd, CommandSpec flagged) {
        return flagged.mayReplicate() || (flagged == cmd && MAY_REPLICATE.contains(cmd.fullName()));
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

    /**
     * Propagates the running command to replicas only, though it changed no data (PUBLISH, as Redis's
     * forceCommandPropagation with PROPAGATE_REPL): the AOF does not get it.
     */
    public void forceReplicaPropagation() {
        propagateForced = true;
        propagateReplOnly = true;
    }

    /** The running command changed data but must not be propagated as itself (it propagated parts explicitly). */
    public void suppressPropagation() {
        propagateSuppressed = true;
    }

    /**
     * Where the commands run from now on propagate, until set back to {@link #PROPAGATE_ALL}: a script's
     * {@code redis.set_repl} (0 drops them, as REPL_NONE), or 0 while an AOF is replayed.
     */
    public void propagationTarget(int target) {
        this.propagationTarget = target;
    }

    /** Sends a command to AOF and replicas now, in database {@code db}. */
    public void emitPropagation(int db, byte[][] argv) {
        emitPropagation(db, argv, propagationTarget);
    }

    private void emitPropagation(int db, byte[][] argv, int wanted) {
        int target = 0;
        for (int i = 0; i < propagation.length; i++) {
            if ((propagationTargets[i] & wanted) != 0 && propagationLive[i].getAsBoolean()) {
                target |= propagationTargets[i] & wanted;
            }
        }
        if (target == 0) {
            return;
        }
        if (holdDepth > 0) {
            if (atomicWrites == atomicDbs.length) {
                atomicDbs = Arrays.copyOf(atomicDbs, atomicWrites * 2);
                atomicArgvs = Arrays.copyOf(atomicArgvs, atomicWrites * 2);
                atomicTargets = Arrays.copyOf(atomicTargets, atomicWrites * 2);
            }
            atomicDbs[atomicWrites] = db;
            atomicTargets[atomicWrites] = target;
            atomicArgvs[atomicWrites++] = argv;
            return;
        }
        propagateNow(db, argv, target);
    }

    private void propagateNow(int db, byte[][] argv, int target) {
        for (int i = 0; i < propagation.length; i++) {
            if ((propagationTargets[i] & target) != 0) {
                propagation[i].propagate(db, argv);
            }
        }
    }

    private static final byte[] MULTI = Bytes.of("MULTI");
    private static final byte[] EXEC = Bytes.of("EXEC");

    /**
     * Starts a block whose propagated writes must be applied atomically (EXEC, a script): like every command's, they
     * are held until the outermost block ends. Blocks nest.
     */
    public void beginAtomic() {
        atomicDepth++;
        holdDepth++;
    }

    /** True inside EXEC (or a script): Redis's in_exec, where BGSAVE is only scheduled. */
    public boolean inAtomic() {
        return atomicDepth > 0;
    }

    /** Ends a block {@link #beginAtomic()} started. */
    public void endAtomic() {
        atomicDepth--;
        releaseWrites(true);
    }

    /**
     * Redis 7.0's CMD_TOUCHES_ARBITRARY_KEYS commands: the keys they find expired are propagated like active expiry,
     * never wrapped in a transaction.
     */
    private static final java.util.Set<String> TOUCHES_ARBITRARY_KEYS = java.util.Set.of("scan", "randomkey");

    /**
     * Leaves a block that holds writes; the outermost one propagates them as Redis 7.0's propagatePendingCommands:
     * two or more in MULTI ... EXEC, MULTI in the first write's database (so a SELECT comes before it) and EXEC in
     * the last one's; a single write alone, being atomic already. {@code wrap} false never wraps.
     */
    private void releaseWrites(boolean wrap) {
        if (--holdDepth > 0 || atomicWrites == 0) {
            return;
        }
        int n = atomicWrites;
        atomicWrites = 0;
        boolean transaction = wrap && n > 1;
        if (transaction) {
            propagateNow(atomicDbs[0], new byte[][] {MULTI}, PROPAGATE_ALL);
        }
        for (int i = 0; i < n; i++) {
            propagateNow(atomicDbs[i], atomicArgvs[i], atomicTargets[i]);
            atomicArgvs[i] = null;
        }
        if (transaction) {
            propagateNow(atomicDbs[n - 1], new byte[][] {EXEC}, PROPAGATE_ALL);
        }
    }

    // ---- cron ----

    private int expireDb;
    private boolean expireTimeLimitHit;

    /** Runs {@code hz} times a second: active expiry, rehashing, idle client timeouts. */
    private void cron() {
        clock.sync();
        watchdog.rearm();
        if (cronPaused) {
            return;
        }
        if (pauseType != PauseType.NONE && now() >= pauseEnd) {
            updatePause();
        }
        if (slaveMode && activeExpireEnabled && !clientsPaused()) {
            for (Database db : databases) {
                db.expireReplicaKeys(System.currentTimeMillis());
            }
        }
        if (!slaveMode && activeExpireEnabled && !clientsPaused()) {
            activeExpireCycle();
        }
        sampleMetrics();
        for (Database db : databases) {
            db.cron();
        }
        clientsCron();
        shutdownSequence.cron();
        for (Runnable task : cronTasks) {
            task.run();
        }
        // Clients first, as Redis evicts them after every read (beforeSleep) and before keys in processCommand:
        // memory held by clients over maxmemory-clients must not cost keys.
        memory.evictClients();
        // As Redis's eviction time event (armed by CONFIG SET maxmemory) and serverCron's tracking-table limit: both
        // shrink without waiting for the next command.
        if (!clientsPaused()) {
            memory.performEvictions();
        }
        if (tracking.trackingClients() > 0) {
            tracking.limitUsedSlots();
        }
        // Again for the invalidation messages the key evictions and the tracking limit queued just now.
        memory.evictClients();
        flushPending();
    }

    /** Runs {@code task} on every cron tick ({@code hz} times a second), as Redis's serverCron runs its checks. */
    public void addCronTask(Runnable task) {
        cronTasks.add(task);
    }

    /**
     * Redis 7.0's slow active-expire cycle: up to 16 databases per call (all of them after a call that ran out of
     * time), each walked until under 10% of a sample is stale, within 25% of a cron period.
     */
    private void activeExpireCycle() {
        long start = System.nanoTime();
        long deadline = start + 250_000_000L / Math.max(1, Math.min(500, config.hz.value()));
        int dbs = expireTimeLimitHit ? databases.length : Math.min(16, databases.length);
        expireTimeLimitHit = false;
        boolean sampled = false;
        for (int j = 0; j < dbs && !expireTimeLimitHit; j++) {
            Database db = databases[expireDb];
            expireDb = (expireDb + 1) % databases.length;
            sampled |= db.expiresSize() > 0;
            expireTimeLimitHit = !db.activeExpire(deadline);
        }
        // Only a cycle that had keys to sample: an idle one reaching the threshold is the JVM's or the scheduler's
        // pause, which the command events already show.
        if (sampled) {
            latency.addSampleIfNeeded("expire-cycle", (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Redis samples its instantaneous metrics and the resident set size every 100 ms, whatever the hz. */
    private void sampleMetrics() {
        long now = now();
        if (now - lastMetricSample < 100) {
            return;
        }
        lastMetricSample = now;
        memory.sampleRss();
        stats.opsPerSec.sample(now, stats.commandsProcessed);
        stats.inputPerSec.sample(now, stats.netInputBytes);
        stats.outputPerSec.sample(now, stats.netOutputBytes);
    }

    // ---- shutdown ----

    /** The shutdown sequence: SHUTDOWN, a signal's request, the wait for lagging replicas, SHUTDOWN ABORT. */
    public Shutdown shutdownSequence() {
        return shutdownSequence;
    }

    /**
     * The event loop ended on an error no command caught (an OutOfMemoryError): nothing is served any more. Logged
     * as Redis logs its own fatal errors, then {@link #onFatal}'s hook runs (the standalone server exits, as Redis
     * aborts when an allocation fails); the reserve set aside at start makes room for both.
     */
    public void fatal(Throwable t) {
        fatalReserve = null;
        try {
            log.warning("Fatal error in the event loop, no client can be served any more: " + t);
        } finally {
            Runnable hook = fatalHook;
            if (hook != null) {
                hook.run();
            }
        }
    }

    /**
     * Dies as Redis does on a crash or a panic: Redis's bug report, {@code cause} first (see {@link CrashReport}), then
     * the crash hook: the standalone server exits with {@code status}, an embedded one resets its connections and
     * closes. The command that called it gets no reply.
     */
    public void crash(int status, List<String> cause) {
        CrashReport.write(log, cause, crashInfo.get(), clients.values(), currentClient);
        crashHook.accept(status);
    }

    /** What {@link #crash} does after the report, given the exit status. */
    public void onCrash(java.util.function.IntConsumer hook) {
        crashHook = hook;
    }

    /** Where a crash report's INFO section comes from (the INFO command's text for "all"). */
    public void crashInfo(java.util.function.Supplier<String> info) {
        crashInfo = info;
    }

    /**
     * Resets every client connection as the kernel does those of a process that died (see
     * {@link io.jredis.server.net.TrafficControl#reset}); runs on the engine thread.
     */
    public void resetClientConnections() {
        for (Client c : new ArrayList<>(clients.values())) {
            if (c.channel() != null) {
                io.jredis.server.net.TrafficControl.reset(c.channel());
            }
        }
    }

    /** What must happen when the event loop dies ({@link #fatal}): the standalone server exits with status 1. */
    public void onFatal(Runnable hook) {
        fatalHook = hook;
    }

    /** Registers what must happen when SHUTDOWN succeeds (the embedding server closes itself). */
    public void onShutdown(Runnable hook) {
        shutdownHooks.add(hook);
    }

    /** Registers work that must succeed before a shutdown proceeds; see {@link ShutdownPreparer}. */
    public void addShutdownPreparer(ShutdownPreparer p) {
        shutdownPreparers.add(p);
    }

    /**
     * Runs the shutdown preparers (Redis's prepareForShutdown) on the engine thread; false when one failed and the
     * server must keep running. SHUTDOWN calls it, and so must any other way of stopping (signals).
     */
    public boolean prepareShutdown(boolean save, boolean nosave, boolean force) {
        for (ShutdownPreparer p : shutdownPreparers) {
            if (!p.prepare(save, nosave, force)) {
                return false;
            }
        }
        return true;
    }

    /** The process exit status the shutdown asked for: 0 unless a failure ended the server. */
    public int exitStatus() {
        return exitStatus;
    }

    /** True once SHUTDOWN has run: the server is closing. */
    public boolean shuttingDown() {
        return shuttingDown;
    }

    /**
     * Called from any thread when the embedding application closes the server: a running script stops at its next
     * count hook, as a busy script does on SHUTDOWN NOSAVE, so the engine's loop can end.
     */
    public void beginClose() {
        closing = true;
        watchdog.stop();
    }

    /** True once {@link #beginClose()} was called. */
    public boolean closing() {
        return closing;
    }

    /**
     * Forgets the writes held for the running execution unit: a script cut short by a shutdown must not leave half
     * its effects in the AOF or on replicas (Redis exits before it would propagate them).
     */
    public void dropHeldWrites() {
        Arrays.fill(atomicArgvs, 0, atomicWrites, null);
        atomicWrites = 0;
    }

    /**
     * Ends the server as Redis's finishShutdown does: flushes pending replies, logs the farewell and runs the
     * shutdown hooks. Runs on the engine thread; hooks must not wait for the engine's loop to terminate.
     */
    public void shutdown() {
        shutdown(0);
    }

    /**
     * {@link #shutdown()} with the status the process exits with: non-zero where Redis calls exit(1) after a
     * failure it cannot recover from.
     */
    public void shutdown(int status) {
        if (shuttingDown) {
            return;
        }
        exitStatus = status;
        // Redis closes its listening sockets before it exits: a client reconnecting after SHUTDOWN is refused rather
        // than accepted by a server that is going away.
        listenersCloser.run();
        if (!config.unixsocket.value().isEmpty()) {
            log.notice("Removing the unix socket file.");
        }
        shuttingDown = true;
        watchdog.stop();
        flushPending();
        // Connections end as they would when the Redis process exits: after what was already sent to them.
        for (Client c : new ArrayList<>(clients.values())) {
            if (c.channel() != null) {
                c.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
        log.warning((config.sentinelMode() ? "Sentinel" : "Redis") + " is now ready to exit, bye bye...");
        for (Runnable hook : shutdownHooks) {
            hook.run();
        }
    }

    /**
     * Redis's {@code clientsCron}: closes clients idle for more than {@code timeout} seconds (counted in whole
     * seconds, as Redis's unixtime - lastinteraction) and resizes each client's buffers.
     */
    private void clientsCron() {
        long now = now();
        long timeout = config.timeout.value();
        List<Client> idle = null;
        int peakSlot = memory.peakSlot();
        for (Client c : clients.values()) {
            if (timeout > 0 && now / 1000 - c.lastInteraction() / 1000 > timeout && c.channel() != null
                    && c.idleTimeoutApplies() && !blocking.isBlocked(c)) {
                if (idle == null) {
                    idle = new ArrayList<>();
                }
                idle.add(c);
            } else if (!c.checkOutputLimit()) {
                c.cron(now);
                memory.trackExpansive(c, peakSlot);
                memory.trackMemory(c);
            }
        }
        if (idle != null) {
            for (Client c : idle) {
                log.verbose("Closing idle client");
                kill(c);
            }
        }
    }

    /** Counters INFO stats reports. */
    public static final class Stats {
        public long totalConnections;
        public long rejectedConnections;
        public long commandsProcessed;
        public long expiredKeys;
        public long evictedKeys;
        /** Clients closed because all clients together passed maxmemory-clients. */
        public long evictedClients;
        public long keyspaceHits;
        public long keyspaceMisses;
        public long netInputBytes;
        public long netOutputBytes;
        public long errorReplies;
        /** Errors a replica gave its master's stream (INFO unexpected_error_replies). */
        public long unexpectedErrorReplies;
        public long rejectedCalls;
        /**
         * Background snapshots started (BGSAVE, AOF rewrite, full sync): what Redis forks a child for, so INFO
         * total_forks counts them, and latest_fork_usec is the time one took to start on the engine thread.
         */
        public long forks;
        public long latestForkMicros;
        public long writesProcessed;
        /** Replication counters the replication module keeps (INFO stats sync_* and total_net_repl_*). */
        public long syncFull;
        public long syncPartialOk;
        public long syncPartialErr;
        public long netReplInputBytes;
        /** Values (and flushed keys) Redis would have freed on its lazyfree thread: INFO lazyfreed_objects. */
        public long lazyfreedObjects;
        public long netReplOutputBytes;
        public final Map<String, Long> errorCounts = new LinkedHashMap<>();
        /** instantaneous_ops_per_sec, instantaneous_input_kbps, instantaneous_output_kbps. */
        public final InstantMetric opsPerSec = new InstantMetric();
        public final InstantMetric inputPerSec = new InstantMetric();
        public final InstantMetric outputPerSec = new InstantMetric();

        /** CONFIG RESETSTAT. */
        public void reset() {
            totalConnections = rejectedConnections = commandsProcessed = expiredKeys = evictedKeys = 0;
            evictedClients = 0;
            keyspaceHits = keyspaceMisses = netInputBytes = netOutputBytes = errorReplies = rejectedCalls = 0;
            unexpectedErrorReplies = forks = 0;
            writesProcessed = syncFull = syncPartialOk = syncPartialErr = 0;
            netReplInputBytes = netReplOutputBytes = 0;
            lazyfreedObjects = 0;
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
