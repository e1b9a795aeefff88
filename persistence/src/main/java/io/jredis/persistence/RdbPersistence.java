package io.jredis.persistence;

import io.jredis.persistence.rdb.EncodingConfig;
import io.jredis.persistence.rdb.RdbCheck;
import io.jredis.persistence.rdb.RdbException;
import io.jredis.persistence.rdb.PipelinedLoad;
import io.jredis.persistence.rdb.RdbInput;
import io.jredis.persistence.rdb.RdbLoader;
import io.jredis.persistence.rdb.RdbOutput;
import io.jredis.persistence.rdb.Rdb;
import io.jredis.persistence.rdb.RdbWriter;
import io.jredis.persistence.rdb.ValueCodecs;
import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.config.SaveDirective;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.log.Log;
import io.jredis.server.util.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The RDB side of persistence, as Redis's rdb.c and the save parts of serverCron: synchronous saves (SAVE,
 * SHUTDOWN, FLUSHALL, DEBUG RELOAD), background saves through a forkless {@link Snapshot}, save points, the
 * stop-writes-on-bgsave-error guard, loading, and the state INFO persistence reports. Runs on the engine thread,
 * except {@link #loadAtStart()} when it runs before the server starts.
 */
public final class RdbPersistence implements Engine.RdbStatus {
    static final String MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to"
            + " persist to disk. Commands that may modify the data set are disabled, because this instance is"
            + " configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error"
            + " option). Please check the Redis logs for details about the RDB error.";
    /** Seconds before a failed background save is retried by a save point (CONFIG_BGSAVE_RETRY_DELAY). */
    private static final long BGSAVE_RETRY_DELAY = 5;
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong TEMP_FILES = new AtomicLong();

    private final Engine engine;
    private final ServerConfig cfg;
    private final Log log;
    private long lastSave;
    /** The engine's dirty counter as of the data in the last saved file. */
    private long dirtyBase;
    private long dirtyAtBgsaveStart;
    private boolean lastBgsaveOk = true;
    private long lastBgsaveTry;
    private long bgsaveStartedAt = -1;
    private long lastBgsaveTimeSec = -1;
    private long saves;
    private boolean bgsaveScheduled;
    private Snapshot running;
    private long loadKeysLoaded;
    private long loadKeysExpired;
    /** The RDB load running, whose counts INFO shows live (as Redis 7.0.15 does), or null. */
    private Loader loader;
    /** Set by a signal asking the process to exit while the start-up load runs. */
    private final AtomicBoolean stopLoading = new AtomicBoolean();
    private final CompletableFuture<Void> startupLoad = new CompletableFuture<>();
    private Supplier<RdbWriter.ReplInfo> replInfo = () -> null;
    private BooleanSupplier aofRewriting = () -> false;
    /** The replication state the last loaded file recorded, or null. */
    private RdbWriter.ReplInfo loadedReplInfo;
    private List<ExpiredKey> loadExpired = new ArrayList<>();

    public RdbPersistence(Engine engine) {
        this.engine = engine;
        this.cfg = engine.config();
        this.log = engine.log();
        this.lastSave = engine.startedAt() / 1000;
    }

    /** The RDB file: {@code dbfilename} in {@code dir}. */
    public Path rdbPath() {
        return cfg.dir.path().resolve(cfg.dbfilename.value());
    }

    /**
     * Sets what the header records as replication state (repl-stream-db, repl-id, repl-offset); the supplier
     * runs on the engine thread when a save starts and returns null when there is nothing to record.
     */
    public void replInfo(Supplier<RdbWriter.ReplInfo> supplier) {
        this.replInfo = supplier;
    }

    /**
     * Logs an RDB AUX field as Redis's rdbLoad does on every load (a file, an AOF base, a replica's payload):
     * operators and test harnesses grep these lines.
     */
    public static void logAux(Log log, String key, String v) {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (key.startsWith("%")) {
            log.notice("RDB '" + key + "': " + v);
            return;
        }
        switch (key) {
            case "redis-ver" -> log.notice("Loading RDB produced by version " + v);
            case "ctime" -> log.notice("RDB age " + Math.max(0, nowSeconds() - n) + " seconds");
            case "used-mem" -> log.notice(String.format(Locale.ROOT, "RDB memory usage when created %.2f Mb",
                    n / 1024.0 / 1024.0));
            case "aof-preamble" -> {
                if (n != 0) {
                    log.notice("RDB has an AOF tail");
                }
            }
            case "aof-base" -> {
                if (n != 0) {
                    log.notice("RDB is base AOF");
                }
            }
            case "repl-stream-db", "repl-id", "repl-offset", "lua", "redis-bits" -> {
            }
            default -> log.debug("Unrecognized RDB AUX field: '" + key + "'");
        }
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    private RdbWriter.Aux aux() {
        Runtime rt = Runtime.getRuntime();
        return new RdbWriter.Aux(nowSeconds(), rt.totalMemory() - rt.freeMemory(), false, replInfo.get());
    }

    /** Tells whether an AOF rewrite runs: like Redis's one child process, it excludes a background save. */
    public void aofRewriting(BooleanSupplier supplier) {
        this.aofRewriting = supplier;
    }

    /** Whether an AOF rewrite runs (BGSAVE is then refused or scheduled). */
    public boolean aofRewriteInProgress() {
        return aofRewriting.getAsBoolean();
    }

    // ---- synchronous save ----

    /**
     * Writes the whole dataset to the RDB file now, blocking the engine thread (Redis's rdbSave). On success the
     * save counts as the last one; {@code resetDirty} false keeps the changes counter (FLUSHALL's save).
     */
    public boolean saveSync(boolean resetDirty) {
        // Redis's rdbSave name: a second SIGINT deletes this file while a shutdown saves.
        RdbFile file = new RdbFile(cfg.dir.path(), "temp-" + PID + ".rdb", rdbPath());
        try {
            RdbOutput out = new RdbOutput(file.open(), cfg.rdbcompression.value(), cfg.rdbchecksum.value());
            writeDataset(out, file);
            file.sync();
            file.commit();
        } catch (IOException e) {
            file.discard();
            log.warning(RdbFile.describe(e));
            return false;
        }
        log.notice("DB saved on disk");
        if (resetDirty) {
            dirtyBase = engine.dirtyCount();
        }
        lastSave = nowSeconds();
        lastBgsaveOk = true;
        return true;
    }

    private static String tempName() {
        return "temp-" + PID + "-" + TEMP_FILES.incrementAndGet() + ".rdb";
    }

    /**
     * Applies a loaded key's LRU/LFU record ({@link RdbLoader.Target#key}) as Redis's objectSetLRUOrLFU: a FREQ
     * counter under an LFU maxmemory-policy, IDLE seconds (from {@code now}, unix ms) under the others.
     */
    public static void setLruOrLfu(Engine engine, Dict.Entry e, long lru, long now) {
        if (engine.memory().lfuPolicy()) {
            if (Rdb.isFreq(lru)) {
                engine.memory().restoreAccess(e, engine.memory().lfuAccess(Rdb.freqCounter(lru)));
            }
        } else if (lru >= 0) {
            engine.memory().restoreAccess(e, now - lru * 1000);
        }
    }

    private void writeDataset(RdbOutput out, RdbFile file) throws IOException {
        EncodingConfig enc = EncodingConfig.of(cfg);
        RdbWriter.header(out, aux());
        RdbWriter.functions(out, SavedFunctions.codes(engine));
        long[] lastSync = {0};
        for (int i = 0; i < engine.databaseCount(); i++) {
            Database db = engine.database(i);
            if (db.size() == 0) {
                continue;
            }
            RdbWriter.selectDb(out, i);
            RdbWriter.resizeDb(out, db.size(), db.expiresSize());
            IOException[] failure = new IOException[1];
            db.dict().forEach(e -> {
                if (failure[0] != null) {
                    return;
                }
                try {
                    RdbWriter.key(out, e.key, e.expireAt, Snapshot.lruRecord(engine, e),
                            ValueCodecs.freeze(e.value(), enc));
                    keySaveDelay();
                    if (cfg.rdbSaveIncrementalFsync.value() && out.position() - lastSync[0] >= 4L << 20) {
                        out.flush();
                        file.sync();
                        lastSync[0] = out.position();
                    }
                } catch (IOException ex) {
                    failure[0] = ex;
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
        }
        RdbWriter.end(out);
    }

    private void keySaveDelay() {
        long delay = cfg.rdbKeySaveDelay.value();
        if (delay != 0) {
            LockSupport.parkNanos(delay > 0 ? delay * 1000 : -delay);
        }
    }

    // ---- background save ----

    public boolean bgsaveInProgress() {
        return running != null;
    }

    /** Starts a background save (Redis's rdbSaveBackground); false if it or an AOF rewrite is already running. */
    public boolean startBackgroundSave() {
        if (running != null || aofRewriting.getAsBoolean()) {
            return false;
        }
        saves++;
        dirtyAtBgsaveStart = engine.dirtyCount();
        lastBgsaveTry = nowSeconds();
        RdbFile file = new RdbFile(cfg.dir.path(), tempName(), rdbPath());
        Snapshot[] self = new Snapshot[1];
        self[0] = Snapshot.start(engine, aux(), cfg.rdbcompression.value(), cfg.rdbchecksum.value(),
                Snapshot.Parts.ALL, file, (outcome, error) -> backgroundDone(self[0], outcome, error));
        running = self[0];
        bgsaveStartedAt = nowSeconds();
        log.notice("Background saving started by pid " + ProcessHandle.current().pid());
        return true;
    }

    /**
     * Starts the background save of a full resynchronization (Redis's startBgsaveForReplication): to the RDB file
     * like BGSAVE when {@code dest} is null, else streamed to {@code dest} (diskless, the file is untouched; only
     * such a stream may leave out some {@code parts}, so that the file always holds the whole dataset). It is
     * the running BGSAVE either way (rdb_bgsave_in_progress, BGSAVE refused); {@code done} runs on the engine thread
     * after the save's own accounting. Returns null when a background save or an AOF rewrite already runs.
     */
    public Snapshot startSyncSave(RdbWriter.ReplInfo repl, Snapshot.Parts parts, Snapshot.Destination dest,
            Snapshot.Callback done) {
        if (running != null || aofRewriting.getAsBoolean()) {
            return null;
        }
        if (dest == null) {
            saves++;
            dirtyAtBgsaveStart = engine.dirtyCount();
            lastBgsaveTry = nowSeconds();
        }
        Snapshot.Destination target = dest != null ? dest : new RdbFile(cfg.dir.path(), tempName(), rdbPath());
        Runtime rt = Runtime.getRuntime();
        RdbWriter.Aux aux = new RdbWriter.Aux(nowSeconds(), rt.totalMemory() - rt.freeMemory(), false, repl);
        Snapshot[] self = new Snapshot[1];
        self[0] = Snapshot.start(engine, aux, cfg.rdbcompression.value(), cfg.rdbchecksum.value(), parts, target,
                (outcome, error) -> {
                    if (dest == null) {
                        backgroundDone(self[0], outcome, error);
                        done.done(outcome, error);
                    } else if (self[0] == running) {
                        finishBackground();
                        // Redis's parent reads the end of the stream (its pipe) before it reaps the child: the
                        // replication side's line for the stream's end comes before this one.
                        done.done(outcome, error);
                        log.notice(outcome == Snapshot.Outcome.OK ? "Background RDB transfer terminated with success"
                                : "Background transfer error");
                    } else {
                        done.done(outcome, error);
                    }
                });
        running = self[0];
        bgsaveStartedAt = nowSeconds();
        // Redis names the forked child; the snapshot runs in this process, whose pid operators then see.
        log.notice((dest == null ? "Background saving started" : "Background RDB transfer started") + " by pid "
                + ProcessHandle.current().pid());
        return self[0];
    }

    /** BGSAVE while one runs in EXEC: Redis's rdb_bgsave_scheduled, started by the cron. */
    public void scheduleBackgroundSave() {
        bgsaveScheduled = true;
    }

    private void backgroundDone(Snapshot s, Snapshot.Outcome outcome, Exception error) {
        if (s != running) {
            return; // aborted earlier: its end was already accounted for
        }
        switch (outcome) {
            case OK -> {
                // Redis's child says this; the stand-in for its pid is the one "Background saving started" named.
                log.child(ProcessHandle.current().pid(), Log.NOTICE, "DB saved on disk");
                log.notice("Background saving terminated with success");
                dirtyBase = dirtyAtBgsaveStart;
                lastSave = nowSeconds();
                lastBgsaveOk = true;
            }
            case FAILED -> {
                if (error != null) {
                    log.warning(RdbFile.describe(error));
                }
                log.warning("Background saving error");
                lastBgsaveOk = false;
            }
            case ABORTED -> log.warning("Background saving terminated by signal 10");
        }
        finishBackground();
    }

    private void finishBackground() {
        lastBgsaveTimeSec = nowSeconds() - bgsaveStartedAt;
        bgsaveStartedAt = -1;
        running = null;
    }

    /** Stops a running background save without counting it as an error (Redis's killRDBChild with SIGUSR1). */
    public void killBackgroundSave() {
        if (running == null) {
            return;
        }
        running.abort();
        log.warning("Background saving terminated by signal 10");
        finishBackground();
    }

    /**
     * The server closed without SHUTDOWN, its loop stopped: a background save is abandoned and its writer has removed
     * the temp file before close returns, so nothing writes into {@code dir} afterwards.
     */
    public void closed() {
        if (running != null) {
            running.abortAndWait(5000);
        }
    }

    // ---- serverCron ----

    /** The save-related part of Redis's serverCron: scheduled BGSAVE, then the save points. */
    public void cron() {
        if (running != null || aofRewriting.getAsBoolean()) {
            return;
        }
        long now = nowSeconds();
        boolean mayRetry = now - lastBgsaveTry > BGSAVE_RETRY_DELAY || lastBgsaveOk;
        for (SaveDirective.Point p : cfg.save.points()) {
            if (changesSinceLastSave() >= p.changes() && now - lastSave > p.seconds() && mayRetry) {
                log.notice(p.changes() + " changes in " + p.seconds() + " seconds. Saving...");
                startBackgroundSave();
                return;
            }
        }
        if (bgsaveScheduled && mayRetry && startBackgroundSave()) {
            bgsaveScheduled = false;
        }
    }

    // ---- shutdown and guards ----

    /** Redis's prepareForShutdown: stop a background save, then save when asked or when save points are set. */
    public boolean prepareShutdown(boolean save, boolean nosave, boolean force) {
        if (running != null) {
            log.warning("There is a child saving an .rdb. Killing it!");
            running.abortAndWait(5000);
            finishBackground();
        }
        if (engine.loading() != null || startupLoad.isCompletedExceptionally()) {
            // As Redis's SHUTDOWN while loading (or a load stopped or failed at start): half-read data is never saved.
            return true;
        }
        if ((!cfg.save.points().isEmpty() && !nosave) || save) {
            log.notice("Saving the final RDB snapshot before exiting.");
            if (!saveSync(true)) {
                if (force) {
                    log.warning("Error trying to save the DB. Exit anyway.");
                } else {
                    log.warning("Error trying to save the DB, can't exit.");
                    return false;
                }
            }
        }
        return true;
    }

    /** The stop-writes-on-bgsave-error guard: writes (and PING) are refused while the last save failed. */
    String refuseWrites(Client c, CommandSpec cmd, byte[][] argv) {
        return cmd.isWrite() || cmd.name().equals("ping") ? diskError(c) : null;
    }

    /**
     * Redis's writeCommandsDeniedByDiskError for the RDB side: the -MISCONF a write gets while the last save failed
     * under stop-writes-on-bgsave-error (a command, or a script's first write), or null.
     */
    String diskError(Client c) {
        if (lastBgsaveOk || !cfg.stopWritesOnBgsaveError.value() || cfg.save.points().isEmpty()
                || c.type() == Client.Type.MASTER) {
            return null;
        }
        return MISCONF;
    }

    // ---- loading ----

    /**
     * Loads the RDB file into the databases if it exists, logging as Redis does. Runs before the server starts, or on
     * the engine thread once it listens (clients then get {@code -LOADING} meanwhile). A damaged file fails with an
     * {@link RdbException} naming the file and the offset, already logged; a file that cannot be read with an
     * {@link IOException} whose message is the line Redis logs before exiting; a load stopped by a shutdown with
     * {@link Loading.Aborted}.
     */
    public void loadAtStart() throws IOException {
        loadAtStart(stopLoading::get);
    }

    /** {@link #loadAtStart()} that also stops when {@code stopRequested} says so (the server is closing). */
    void loadAtStart(BooleanSupplier stopRequested) throws IOException {
        Path p = rdbPath();
        if (!Files.exists(p)) {
            return;
        }
        long start = System.nanoTime();
        try {
            load(p, false, stopRequested);
        } catch (Loading.Aborted | RdbException e) {
            // A damaged file was reported by load(), as Redis's rdbReportError (which then exits).
            throw e;
        } catch (IOException e) {
            throw new IOException("Fatal error loading the DB: " + RdbFile.strerror(e) + ". Exiting.", e);
        }
        log.notice(String.format(Locale.ROOT, "DB loaded from disk: %.3f seconds",
                (System.nanoTime() - start) / 1e9));
    }

    /**
     * Reads an RDB file into the databases and the function libraries (which should be empty unless {@code merge},
     * where keys and libraries from the file replace existing ones). Errors name the file and the offset.
     */
    public void load(Path p, boolean merge) throws IOException {
        load(p, merge, stopLoading::get);
    }

    private void load(Path p, boolean merge, BooleanSupplier stopRequested) throws IOException {
        Loading.run(engine, Files.size(p), stopRequested, loading -> load(p, merge, loading));
    }

    private void load(Path p, boolean merge, Loading loading) throws IOException {
        loadedReplInfo = null;
        loadExpired = new ArrayList<>();
        loadKeysLoaded = 0;
        loadKeysExpired = 0;
        Loader target = new Loader(merge, loading);
        loader = target;
        try (InputStream in = Files.newInputStream(p)) {
            PipelinedLoad.load(new RdbInput(in, Files.size(p)), EncodingConfig.of(cfg), engine.databaseCount(),
                    target, loading::progress);
        } catch (RdbException e) {
            if (e.warning() != null) {
                log.warning(e.warning());
            }
            String msg = "Internal error in RDB reading offset " + e.offset() + " of " + p + ": " + e.getMessage();
            log.warning(msg);
            printCheckReport(p);
            throw new RdbException(msg, e.offset(), e);
        } finally {
            loader = null;
            loadKeysLoaded = target.loaded;
            loadKeysExpired = target.expired;
        }
        if (target.emptySkipped != 0) {
            log.warning("Done loading RDB, keys loaded: " + target.loaded + ", keys expired: " + target.expired
                    + ", empty keys skipped: " + target.emptySkipped + ".");
        } else {
            log.notice("Done loading RDB, keys loaded: " + target.loaded + ", keys expired: " + target.expired
                    + ".");
        }
    }

    /**
     * Redis's rdbReportError for a file: the redis-check-rdb report of the whole file follows the error line. Like
     * Redis's checker, it goes to standard output, not to the log file (the same place when logfile is empty).
     */
    private void printCheckReport(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            for (String line : RdbCheck.report(p.getFileName().toString(), in, Files.size(p), EncodingConfig.of(cfg),
                    cfg.rdbchecksum.value())) {
                System.out.println(line);
            }
        } catch (IOException e) {
            log.warning("Cannot check the RDB file " + p + ": " + RdbFile.strerror(e));
        }
    }

    /**
     * Runs the start-up load (the RDB file, or the AOF) on the engine thread once the server listens, serving clients
     * meanwhile; {@link #startupLoad()} completes with its outcome. {@code load} runs inside
     * {@link Engine#runPolling}.
     */
    void runStartupLoad(StartupLoad load) {
        engine.runPolling(() -> {
            try {
                load.run();
                startupLoad.complete(null);
            } catch (IOException | RuntimeException e) {
                startupLoad.completeExceptionally(e);
            }
        });
    }

    /** The start-up load's steps: load the files, open the AOF. */
    @FunctionalInterface
    interface StartupLoad {
        void run() throws IOException;
    }

    /** Marks the start-up load as done before the server starts (data loaded synchronously). */
    void startupLoadDone() {
        startupLoad.complete(null);
    }

    /**
     * Completes (on the engine thread) when the data loaded at start-up is in memory and the AOF is open; fails with
     * the {@link IOException} Redis would log before exiting (status 1), or with {@link Loading.Aborted} when a
     * shutdown stopped the load.
     */
    public CompletableFuture<Void> startupLoad() {
        return startupLoad;
    }

    /** A signal asks the process to exit (any thread): a start-up load still running stops at its next step. */
    public void stopStartupLoad() {
        stopLoading.set(true);
    }

    /** Whether {@link #stopStartupLoad()} was called. */
    boolean stopRequested() {
        return stopLoading.get();
    }

    /**
     * The replication state (repl-stream-db, repl-id, repl-offset) recorded by the last file loaded, or null when it
     * had none: a restarted node resumes its replication history from it, as Redis's loadDataFromDisk.
     */
    public RdbWriter.ReplInfo loadedReplInfo() {
        return loadedReplInfo;
    }

    /** A key a load dropped as already expired, in database {@code db}. */
    public record ExpiredKey(int db, byte[] key) {}

    /**
     * Hands over (and forgets) the already expired keys the last load dropped from a file that recorded a replication
     * history: a master restarting from it feeds their DELs to its backlog (Redis's rdbLoad with RDBFLAGS_FEED_REPL),
     * so that replicas continuing with PSYNC drop them too.
     */
    public List<ExpiredKey> takeLoadExpired() {
        List<ExpiredKey> keys = loadExpired;
        loadExpired = new ArrayList<>();
        return keys;
    }

    /** Puts loaded keys into the databases as Redis's rdbLoad does: already expired keys are dropped on a master. */
    private final class Loader implements RdbLoader.Target {
        private final boolean merge;
        private final Loading loading;
        private final long delay = cfg.keyLoadDelay.value();
        private final long now = System.currentTimeMillis();
        long loaded;
        long expired;
        long emptySkipped;
        private int replStreamDb = -1;
        private String replId;
        private long replOffset = -1;

        Loader(boolean merge, Loading loading) {
            this.merge = merge;
            this.loading = loading;
        }

        @Override
        public void emptyKey(byte[] key) {
            if (emptySkipped++ < 10) {
                log.warning("rdbLoadObject skipping empty key: " + Bytes.str(key));
            }
        }

        @Override
        public void key(int dbIndex, byte[] key, Object value, long expireAt, long idleSeconds) {
            if (delay != 0) {
                Loading.keyLoadDelay(delay);
            }
            if (expireAt != -1 && expireAt < now && !engine.slaveMode()) {
                expired++;
                if (loadedReplInfo != null) {
                    loadExpired.add(new ExpiredKey(dbIndex, key));
                }
                return;
            }
            Database db = engine.database(dbIndex);
            if (merge && db.dict().find(key) != null) {
                db.delete(key);
            }
            // One probe per key: a duplicate shows as an add that did not grow the dict (the load then fails).
            int before = db.size();
            Dict.Entry e = db.addLoaded(key, value);
            if (db.size() == before) {
                throw new IllegalArgumentException("RDB has duplicated key '" + Bytes.str(key) + "' in DB "
                        + dbIndex);
            }
            if (expireAt != -1) {
                db.setExpire(e, expireAt);
            }
            setLruOrLfu(engine, e, idleSeconds, now);
            loaded++;
        }

        @Override
        public void resize(int dbIndex, long keys) {
            engine.database(dbIndex).dict().reserve(keys);
        }

        @Override
        public void aux(String key, byte[] value) {
            String v = new String(value, StandardCharsets.UTF_8);
            switch (key) {
                case "used-mem" -> loading.usedMem(parse(v));
                case "repl-stream-db" -> replStreamDb = (int) parse(v);
                case "repl-id" -> replId = v;
                case "repl-offset" -> {
                    replOffset = parse(v);
                    if (replId != null && replOffset != -1 && replStreamDb != -1) {
                        loadedReplInfo = new RdbWriter.ReplInfo(replStreamDb, replId, replOffset);
                    }
                }
                default -> {
                }
            }
            logAux(log, key, v);
        }

        @Override
        public void function(byte[] code) {
            SavedFunctions.load(engine, code, merge);
        }

        private long parse(String v) {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    // ---- INFO persistence ----

    @Override
    public long changesSinceLastSave() {
        return engine.dirtyCount() - dirtyBase;
    }

    @Override
    public long lastSaveTime() {
        return lastSave;
    }

    @Override
    public boolean lastBgsaveOk() {
        return lastBgsaveOk;
    }

    @Override
    public long lastBgsaveTimeSec() {
        return lastBgsaveTimeSec;
    }

    @Override
    public long currentBgsaveTimeSec() {
        return running == null ? -1 : nowSeconds() - bgsaveStartedAt;
    }

    @Override
    public long saves() {
        return saves;
    }

    /** SAVE counts as a save attempt in INFO rdb_saves, as Redis's saveCommand counts it. */
    void countSave() {
        saves++;
    }

    @Override
    public long currentSaveKeysProcessed() {
        return running == null ? 0 : running.keysWritten();
    }

    @Override
    public long currentSaveKeysTotal() {
        return running == null ? 0 : running.keysTotal();
    }

    @Override
    public long lastLoadKeysExpired() {
        return loader != null ? loader.expired : loadKeysExpired;
    }

    @Override
    public long lastLoadKeysLoaded() {
        return loader != null ? loader.loaded : loadKeysLoaded;
    }
}
