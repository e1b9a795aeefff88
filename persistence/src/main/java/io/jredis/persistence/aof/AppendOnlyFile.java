package io.jredis.persistence.aof;

import io.jredis.persistence.Loading;
import io.jredis.persistence.SavedFunctions;
import io.jredis.persistence.Snapshot;
import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.RedisServer;
import io.jredis.server.command.CommandHandler;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.server.protocol.CommandEncoder;
import io.jredis.server.util.Bytes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * Redis 7.0's multi-part append-only file: {@code dir/appenddirname} holds a base, incr files of propagated
 * commands and the manifest naming them. Everything here runs on the engine thread except the disk work, which
 * {@link AofWriter} (appends, fsync, manifests) and a rewrite's {@link Snapshot} writer (new bases) do.
 *
 * <p><b>Rewrite.</b> As Redis 7.0's rewriteAppendOnlyFileBackground: writes go to a new incr file from the rewrite's
 * start, and the new base is a forkless snapshot of the dataset at that instant, in the RDB format
 * ({@code aof-use-rdb-preamble yes}) or as commands. When it is complete the manifest naming the new base and the new
 * incr file replaces the old one atomically. A rewrite and a BGSAVE never run at the same time, with Redis's replies:
 * BGREWRITEAOF during a BGSAVE is scheduled, BGSAVE during a rewrite is refused or scheduled.
 *
 * <p><b>Replies after the write.</b> Redis writes the AOF buffer in beforeSleep (and fsyncs it under always) before
 * any reply of the loop iteration is sent. Here the engine's reply batches pass an {@link Engine.ReplyBarrier}: at
 * each batch the commands propagated since the last one go to the writer, and the batch's replies are held until the
 * writer reports that offset written (fsynced under always; under everysec a write postponed behind a slow fsync
 * releases them at once, as Redis sends its replies when it postpones); held
 * batches are released in order, so a later read reply never overtakes an earlier write's acknowledgement.
 * Consecutive batches group into one fsync when the writer lags (group commit).
 */
public final class AppendOnlyFile {
    /** What Redis calls aof_state. */
    enum State { OFF, ON, WAIT_REWRITE }

    private final Engine engine;
    private final ServerConfig config;
    private final Log log;
    private State state = State.OFF;
    private AofManifest manifest = new AofManifest();
    /** Started the first time the AOF touches the disk: a server that never uses it runs no AOF threads. */
    private volatile AofWriter writer;
    /** DEBUG AOF-FLUSH-SLEEP: microseconds each write of a non-empty batch is delayed by (0 = none). */
    private long flushSleepMicros;
    private final CommandEncoder buffer = new CommandEncoder(4096);
    private int selectedDb = -1;
    private long lastTimestamp;
    /** AOF bytes handed to the writer since start-up, and how many of them it reported written (and fsynced). */
    private long handedOff;
    private volatile long synced;
    /** Whether replies are held; read by the writer thread to decide whether to wake the engine. */
    private volatile boolean anyHeld;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    /** Sizes for INFO and the automatic rewrite: all AOF files, the last base, and the size after the last rewrite. */
    private long currentSize;
    private long baseSize;
    private long rewriteBaseSize;
    /** Bytes in the incr file writes go to; after a rewrite it is the only incr file besides the new base. */
    private long incrSize;
    /** The running rewrite's snapshot (Redis's AOF child), or null. */
    private Snapshot rewrite;
    /** A finished rewrite whose files the writer thread is still renaming into place (manifest included). */
    private boolean installing;
    private boolean rewriteScheduled;
    private int rewriteGeneration;
    private long rewriteStart;
    private long lastRewriteSeconds = -1;
    private boolean lastRewriteOk = true;
    private long rewrites;
    private int consecutiveFailures;
    /** The temp incr file written while AOF is being turned on at run time (not yet in the manifest). */
    private Path tempIncr;

    private record Held(long offset, Runnable write) {}

    private AppendOnlyFile(Engine engine) {
        this.engine = engine;
        this.config = engine.config();
        this.log = engine.log();
    }

    /**
     * Wires the AOF into a server not yet started: loads the AOF when {@code appendonly yes} (AOF data wins over
     * RDB), opens it for appending, and registers BGREWRITEAOF, the config hooks and the INFO fields.
     *
     * @throws AofException when the AOF cannot be loaded; the server must not start (Redis exits)
     */
    public static AppendOnlyFile install(RedisServer server) throws IOException {
        return install(server, true);
    }

    /**
     * As {@link #install(RedisServer)}; with {@code loadNow} false the AOF is loaded and opened later by
     * {@link #loadAtStart}, which the caller runs on the engine thread once the server listens.
     */
    public static AppendOnlyFile install(RedisServer server, boolean loadNow) throws IOException {
        AppendOnlyFile aof = new AppendOnlyFile(server.engine());
        aof.setUp(loadNow);
        server.onClose(aof::close);
        return aof;
    }

    /**
     * Loads the AOF and opens it for appending when {@code appendonly yes} (Redis's loadDataFromDisk and
     * aofOpenIfNeededOnServerStart); clients are served meanwhile, most with {@code -LOADING}, and
     * {@code stopRequested} (a signal asking the process to exit) stops the load at its next step. Throws an
     * {@link AofException} when the AOF cannot be loaded (the server must exit), {@link Loading.Aborted} when a
     * shutdown stopped the load.
     */
    public void loadAtStart(BooleanSupplier stopRequested) throws IOException {
        readManifestAtStart();
        if (config.appendonly.value()) {
            load(stopRequested);
            startOnBoot();
        }
        deleteHistory();
    }

    /** Whether {@code appendonly yes} will load data from an AOF, so an RDB file must not be loaded as well. */
    public static boolean willLoad(ServerConfig config) {
        return config.appendonly.value() && (Files.exists(manifestPath(config)) || Files.exists(legacyPath(config)));
    }

    private static Path aofDir(ServerConfig config) {
        return config.dir.path().resolve(config.appenddirname.value());
    }

    private static Path manifestPath(ServerConfig config) {
        return aofDir(config).resolve(config.appendfilename.value() + ".manifest");
    }

    private static Path legacyPath(ServerConfig config) {
        return config.dir.path().resolve(config.appendfilename.value());
    }

    private Path dir() {
        return aofDir(config);
    }

    private String fileName() {
        return config.appendfilename.value();
    }

    private void setUp(boolean loadNow) throws IOException {
        if (loadNow) {
            loadAtStart(() -> false);
        }
        engine.addPropagationListener(Engine.PROPAGATE_AOF, this::feed, () -> state != State.OFF);
        engine.replyBarrier(new Engine.ReplyBarrier() {
            @Override
            public boolean hold() {
                return beforeReplies();
            }

            @Override
            public void defer(Runnable write) {
                held.add(new Held(handedOff, write));
                anyHeld = true;
            }
        });
        engine.commands().register("bgrewriteaof", (c, argv) -> bgrewriteaof(c));
        CommandHandler debug = engine.commands().lookup("debug").handler();
        engine.commands().register("debug", (c, argv) -> {
            if (argv.length >= 2 && Bytes.eqIgnoreCase(argv[1], "loadaof")) {
                debugLoadAof(c);
            } else if (argv.length == 3 && Bytes.eqIgnoreCase(argv[1], "aof-flush-sleep")) {
                flushSleepMicros = Bytes.atoi(argv[2]);
                if (writer != null) {
                    writer.flushSleep(flushSleepMicros);
                }
                c.reply().ok();
            } else {
                debug.execute(c, argv);
            }
        });
        config.appendonly.onApply(this::appendonlyChanged);
        config.aofDisableAutoGc.onChange(this::deleteHistory);
        config.appendfsync.onChange(() -> {
            if (writer != null) {
                writer.policy(config.appendfsync.value());
            }
        });
        engine.addGuard((c, cmd, argv) -> cmd.isWrite() || cmd.name().equals("ping") ? diskError() : null);
        engine.addScriptWriteGuard(c -> diskError());
        engine.addInfoSource("persistence", this::info);
        engine.addCronTask(this::cron);
        engine.addShutdownPreparer((save, nosave, force) -> {
            // The AOF was just turned on and its first rewrite has not produced it yet: the dataset is in no file.
            if (rewrite != null && state == State.WAIT_REWRITE) {
                if (!force) {
                    log.warning("Writing initial AOF, can't exit.");
                    return false;
                }
                log.warning("Writing initial AOF. Exit anyway.");
            }
            if (rewrite != null) {
                log.warning("There is a child rewriting the AOF. Killing it!");
                killRewrite(true);
            }
            flushAndSync();
            return true;
        });
    }

    /** Redis's writeCommandsDeniedByDiskError for the AOF side: the -MISCONF writes get after a write error, or null. */
    private String diskError() {
        return state != State.OFF && lastWriteError() != null
                ? "MISCONF Errors writing to the AOF file: " + lastWriteError() : null;
    }

    // ---- loading ----

    /**
     * Redis's aofLoadManifestFromDisk, which runs at start whether the AOF is on or not: a manifest that cannot be
     * read stops the server either way.
     */
    private void readManifestAtStart() throws AofException {
        if (Files.exists(manifestPath(config))) {
            manifest = readManifest();
        }
    }

    /** Reads the manifest; a refused one is logged as Redis reports it before exiting. */
    private AofManifest readManifest() throws AofException {
        byte[] text;
        try {
            text = Files.readAllBytes(manifestPath(config));
        } catch (IOException e) {
            String line = "Fatal error: can't open the AOF manifest file " + config.appenddirname.value() + "/"
                    + fileName() + ".manifest for reading: " + describe(e);
            log.warning(line);
            throw AofException.logged(line, e);
        }
        try {
            return AofManifest.parse(text);
        } catch (AofManifest.Invalid e) {
            log.warning("\n*** FATAL AOF MANIFEST FILE ERROR ***\n");
            if (e.line() != null) {
                log.warning("Reading the manifest file, at line " + e.lineNumber() + "\n");
                log.warning(">>> '" + e.line() + "'\n");
            }
            log.warning(e.getMessage() + "\n");
            throw AofException.logged(e.getMessage(), e);
        }
    }

    /**
     * DEBUG LOADAOF: flushes and fsyncs the AOF, empties the dataset and loads it back from the AOF on disk. A load
     * that fails, or finds no AOF (appendonly no and no AOF written), ends the server as Redis's exit(1) does: the
     * dataset is already gone, the client gets no reply.
     */
    private void debugLoadAof(Client c) {
        flushAndSync();
        for (int i = 0; i < engine.databaseCount(); i++) {
            engine.emptyDatabase(engine.database(i));
        }
        SavedFunctions.flush(engine);
        try {
            if (state == State.OFF) {
                // With the AOF on, the manifest in memory is the one on disk; off, the disk may hold an older AOF.
                manifest = Files.exists(manifestPath(config)) ? readManifest() : new AofManifest();
            }
            deleteHistory();
            if (manifest.base() == null && manifest.incr().isEmpty() && !Files.exists(legacyPath(config))) {
                throw new AofException("The AOF directory " + dir() + " holds no AOF to load");
            }
            load(() -> false);
        } catch (IOException | RuntimeException e) {
            log.warning("DEBUG LOADAOF failed, exiting: " + describe(e));
            engine.shutdown(1);
            return;
        }
        log.warning("Append Only File loaded by DEBUG LOADAOF");
        c.reply().ok();
    }

    /** Redis's loadAppendOnlyFiles: the base, then every incr file in order; history is ignored. */
    private void load(BooleanSupplier stopRequested) throws IOException {
        Path legacy = legacyPath(config);
        if (Files.exists(legacy) && needsUpgrade()) {
            upgradeLegacy(legacy);
        }
        if (manifest.base() == null && manifest.incr().isEmpty()) {
            return;
        }
        List<AofManifest.Entry> files = new java.util.ArrayList<>();
        if (manifest.base() != null) {
            files.add(manifest.base());
        }
        files.addAll(manifest.incr());
        for (AofManifest.Entry e : files) {
            if (!Files.exists(dir().resolve(e.name()))) {
                log.warning("Unable to obtain the AOF file " + e.name() + " length. stat: No such file or directory");
                throw AofException.logged("The AOF file " + e.name() + " listed in the manifest doesn't exist");
            }
        }
        long start = System.nanoTime();
        long total = 0;
        for (AofManifest.Entry e : files) {
            total += Files.size(dir().resolve(e.name()));
        }
        Loading.run(engine, total, stopRequested, loading -> loadFiles(files, loading));
        log.notice("DB loaded from append only file: " + String.format("%.3f", (System.nanoTime() - start) / 1e9)
                + " seconds");
    }

    private void loadFiles(List<AofManifest.Entry> files, Loading loading) throws IOException {
        AofLoader loader = new AofLoader(engine, log, config.aofLoadTruncated.value(), loading);
        long done = 0;
        for (int i = 0; i < files.size(); i++) {
            AofManifest.Entry e = files.get(i);
            boolean last = i == files.size() - 1;
            Path file = dir().resolve(e.name());
            loading.nextFile(done);
            done += Files.size(file);
            long fileStart = System.nanoTime();
            AofLoader.Result r = loader.load(file, e.name());
            if (r == AofLoader.Result.TRUNCATED && !last) {
                log.warning("Fatal error: the truncated file is not the last file");
                throw AofException.logged("Fatal error: the truncated file " + e.name() + " is not the last file");
            }
            // Redis says nothing of an empty file (its AOF_EMPTY), such as the base of an empty dataset.
            if (r != AofLoader.Result.EMPTY) {
                log.notice("DB loaded from " + (e.type() == AofManifest.Type.BASE ? "base" : "incr") + " file "
                        + e.name() + ": " + String.format("%.3f", (System.nanoTime() - fileStart) / 1e9)
                        + " seconds");
            }
        }
    }

    /** A 6.x single-file AOF in {@code dir} becomes the base of a new manifest, as Redis 7.0's aofUpgradePrepare. */
    /**
     * Whether an old-style AOF next to the AOF directory is to be migrated (Redis's three cases): there is no AOF
     * directory, or its manifest lists no base and no incr file, or a migration was interrupted before the rename
     * (the manifest lists only a base named as the old file, not yet in the directory).
     */
    private boolean needsUpgrade() {
        if (!Files.isDirectory(dir())) {
            return true;
        }
        AofManifest.Entry base = manifest.base();
        if (manifest.incr().isEmpty()) {
            return base == null || base.name().equals(fileName()) && !Files.exists(dir().resolve(fileName()));
        }
        return false;
    }

    /** Redis's aofUpgradePrepare: the old file becomes the base (seq 1) of the manifest, then moves into the dir. */
    private void upgradeLegacy(Path legacy) throws AofException {
        try {
            Files.createDirectories(dir());
        } catch (IOException e) {
            String line = "Can't open or create append-only dir " + config.appenddirname.value() + ": " + describe(e);
            log.warning(line);
            throw AofException.logged(line, e);
        }
        AofManifest m = manifest.copy();
        m.upgradeBase(fileName());
        try {
            persistManifest(m);
        } catch (IOException e) {
            throw new AofException("Can't persist the AOF manifest file: " + describe(e), e);
        }
        try {
            Files.move(legacy, dir().resolve(fileName()), StandardCopyOption.ATOMIC_MOVE);
            fsyncDir(config.dir.path());
        } catch (IOException e) {
            String line = "Error trying to move the old AOF file " + fileName() + " into dir "
                    + config.appenddirname.value() + ": " + describe(e);
            log.warning(line);
            throw AofException.logged(line, e);
        }
        manifest = m;
        log.notice("Successfully migrated an old-style AOF file (" + fileName() + ") into the AOF directory ("
                + config.appenddirname.value() + ").");
    }

    /** After loading: creates the base if there is none and opens the incr file writes go to. */
    private void startOnBoot() throws AofException {
        try {
            Files.createDirectories(dir());
            if (manifest.base() == null && manifest.incr().isEmpty()) {
                boolean rdb = config.aofUseRdbPreamble.value();
                AofManifest.Entry base = manifest.nextBase(fileName(), rdb);
                Path tmp = dir().resolve("temp-" + base.name());
                baseSize = writeBaseNow(tmp, rdb);
                Files.move(tmp, dir().resolve(base.name()), StandardCopyOption.ATOMIC_MOVE);
                manifest.installBase(base, true);
                log.notice("Creating AOF base file " + base.name() + " on server start");
            } else if (manifest.base() != null) {
                baseSize = Files.size(dir().resolve(manifest.base().name()));
            }
            AofManifest.Entry incr = manifest.lastIncr();
            boolean opened = incr != null;
            if (incr == null) {
                incr = manifest.addIncr(fileName());
                Files.createFile(dir().resolve(incr.name()));
            }
            persistManifest(manifest.copy());
            log.notice((opened ? "Opening" : "Creating") + " AOF incr file " + incr.name() + " on server start");
            currentSize = baseSize;
            for (AofManifest.Entry e : manifest.incr()) {
                currentSize += Files.size(dir().resolve(e.name()));
            }
            incrSize = Files.size(dir().resolve(incr.name()));
            rewriteBaseSize = currentSize;
            writer().open(dir().resolve(incr.name()), false);
            state = State.ON;
        } catch (IOException e) {
            throw new AofException("Can't open the append-only file: " + e.getMessage(), e);
        }
    }

    // ---- feeding ----

    /** The propagation listener: Redis's feedAppendOnlyFile. */
    private void feed(int db, byte[][] argv) {
        // While AOF waits for its first rewrite, writes before the rewrite's start are in the new base.
        if (state == State.OFF || (state == State.WAIT_REWRITE && rewrite == null)) {
            return;
        }
        if (config.aofTimestampEnabled.value()) {
            long now = System.currentTimeMillis() / 1000;
            if (now > lastTimestamp) {
                lastTimestamp = now;
                buffer.raw("#TS:" + now + "\r\n");
            }
        }
        if (db != selectedDb) {
            buffer.command(new byte[][] {SELECT, Bytes.fromLong(db)});
            selectedDb = db;
        }
        buffer.command(argv);
    }

    private static final byte[] SELECT = Bytes.of("SELECT");

    /**
     * Redis's beforeSleep part: hands the buffer to the writer; true when replies must wait for it. Redis writes the
     * AOF buffer before it sends the replies of the loop iteration (and fsyncs first under always), so an
     * acknowledged write is in the file, safe from a crash of the process, under every appendfsync policy.
     */
    private boolean beforeReplies() {
        handOff();
        return !held.isEmpty() || synced < handedOff;
    }

    private void handOff() {
        if (buffer.length() == 0) {
            return;
        }
        byte[] data = buffer.take();
        handedOff += data.length;
        currentSize += data.length;
        incrSize += data.length;
        writer().append(data, handedOff);
    }

    /**
     * Called on the writer thread once a batch is written (fsynced under always), or postponed behind a slow fsync.
     * The engine is always woken: it may be about to hold replies for this very offset.
     */
    private void onSynced(long offset) {
        synced = offset;
        onEngine(this::releaseHeld);
    }

    /** Runs a task on the engine thread; dropped once the server has closed (its loop is gone). */
    private void onEngine(Runnable task) {
        var loop = engine.loop();
        if (loop == null) {
            return;
        }
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // The server is closing: its close hook syncs what is left.
        }
    }

    private void releaseHeld() {
        long s = synced;
        while (!held.isEmpty() && held.peek().offset() <= s) {
            held.poll().write().run();
        }
        anyHeld = !held.isEmpty();
    }

    /** Redis's serverCron part: scheduled rewrites start once no BGSAVE runs, and the automatic rewrite. */
    private void cron() {
        if (rewrite != null || engine.rdbStatus().bgsaveInProgress()) {
            return;
        }
        if (rewriteScheduled) {
            startRewrite();
        } else if (state == State.ON && autoRewriteDue()) {
            startRewrite();
        }
    }

    /** Redis's serverCron check: the AOF grew by auto-aof-rewrite-percentage since the last rewrite. */
    private boolean autoRewriteDue() {
        long perc = config.autoAofRewritePercentage.value();
        if (perc == 0 || currentSize <= config.autoAofRewriteMinSize.value()) {
            return false;
        }
        long base = rewriteBaseSize > 0 ? rewriteBaseSize : 1;
        long growth = currentSize * 100 / base - 100;
        if (growth >= perc) {
            log.notice("Starting automatic rewriting of AOF on " + growth + "% growth");
            return true;
        }
        return false;
    }

    // ---- rewrite ----

    private void bgrewriteaof(Client c) {
        if (rewrite != null) {
            engine.error(c, "ERR Background append only file rewriting already in progress");
            return;
        }
        if (engine.rdbStatus().bgsaveInProgress() || engine.inAtomic()) {
            rewriteScheduled = true;
            consecutiveFailures = 0;
            c.reply().simple("Background append only file rewriting scheduled");
            return;
        }
        if (!startRewrite()) {
            engine.error(c, "ERR Can't execute an AOF background rewriting. Please check the server logs for more "
                    + "information.");
            return;
        }
        c.reply().simple("Background append only file rewriting started");
    }

    /** Whether a rewrite runs (Redis's AOF child): no BGSAVE may start meanwhile. */
    public boolean rewriteInProgress() {
        return rewrite != null || installing;
    }

    /**
     * Redis 7.0's rewriteAppendOnlyFileBackground: writes continue into a new incr file opened now (a temp incr file
     * while AOF is being turned on), and the new base is a snapshot of the dataset as of now.
     */
    private boolean startRewrite() {
        if (rewrite != null || engine.rdbStatus().bgsaveInProgress()) {
            return false;
        }
        try {
            Files.createDirectories(dir());
        } catch (IOException e) {
            log.warning("Can't open or create append-only dir " + dir() + ": " + e.getMessage());
            return false;
        }
        handOff();
        if (state == State.ON) {
            AofManifest.Entry incr = manifest.addIncr(fileName());
            AofManifest snapshot = manifest.copy();
            Path file = dir().resolve(incr.name());
            writer().open(file, true);
            writer().submit(() -> persistManifest(snapshot));
            incrSize = 0;
            log.notice("Creating AOF incr file " + incr.name() + " on background rewrite");
        } else if (state == State.WAIT_REWRITE) {
            tempIncr = dir().resolve("temp-" + fileName() + ".incr");
            Path t = tempIncr;
            writer().open(t, true);
            incrSize = 0;
            log.notice("Creating AOF incr file " + t.getFileName() + " on background rewrite");
        }
        selectedDb = -1;
        lastTimestamp = 0;
        rewriteScheduled = false;
        int generation = ++rewriteGeneration;
        boolean rdb = config.aofUseRdbPreamble.value();
        // Redis names the temp file after the child pid (one name per rewrite, never reused by the next one) and
        // logs that pid: the rewrite's stand-in is this process's pid plus the generation.
        long childPid = rewritePid();
        TempBase tmp = new TempBase(config.dir.path().resolve("temp-rewriteaof-bg-" + childPid + ".aof"));
        rewrites++;
        rewriteStart = System.currentTimeMillis();
        rewrite = Snapshot.start(engine, baseFormat(rdb), tmp,
                (outcome, error) -> rewriteDone(generation, tmp, outcome, error, rdb));
        log.notice("Background append only file rewriting started by pid " + childPid);
        return true;
    }

    /** The running rewrite's stand-in for Redis's child pid. */
    private long rewritePid() {
        return ProcessHandle.current().pid() + rewriteGeneration;
    }

    /** Stops a running rewrite (Redis's killAppendOnlyChild); its temp file is removed. */
    private void killRewrite(boolean wait) {
        log.notice("Killing running AOF rewrite child: " + rewritePid());
        rewriteGeneration++;
        if (wait) {
            rewrite.abortAndWait(5000);
        } else {
            rewrite.abort();
        }
        rewrite = null;
    }

    /** Redis's backgroundRewriteDoneHandler. */
    private void rewriteDone(int generation, TempBase tmp, Snapshot.Outcome outcome, Exception error, boolean rdb) {
        if (generation != rewriteGeneration) {
            deleteQuietly(tmp.path());
            return;
        }
        rewrite = null;
        lastRewriteSeconds = (System.currentTimeMillis() - rewriteStart) / 1000;
        if (outcome != Snapshot.Outcome.OK) {
            deleteQuietly(tmp.path());
            lastRewriteOk = false;
            consecutiveFailures++;
            if (error != null) {
                log.warning("Write error writing append only file on disk: " + describe(error));
            }
            log.warning("Background AOF rewrite terminated with error");
            if (state == State.WAIT_REWRITE) {
                rewriteScheduled = true;
            }
            return;
        }
        long size = tmp.size();
        Path tmpPath = tmp.path();
        // Redis's rewrite child says this as it exits, before its parent reaps it.
        log.child(rewritePid(), Log.NOTICE, "Successfully created the temporary AOF base file "
                + tmpPath.getFileName());
        log.notice("Background AOF rewrite terminated with success");
        handOff();
        AofManifest.Entry base = manifest.nextBase(fileName(), rdb);
        Path temp = tempIncr;
        AofManifest.Entry newIncr = null;
        // With AOF on, writes already go to the incr file opened when the rewrite started. Turning AOF on gave
        // them a temp file that now gets its incr name; BGREWRITEAOF with AOF off leaves the base alone.
        if (state == State.WAIT_REWRITE) {
            newIncr = manifest.addIncr(fileName());
            tempIncr = null;
        }
        manifest.installBase(base, state != State.OFF);
        List<AofManifest.Entry> history = takeHistory();
        AofManifest snapshot = manifest.copy();
        Path incrPath = newIncr == null ? null : dir().resolve(newIncr.name());
        // Redis installs the new files before it reports the rewrite done: until the writer thread has, the rewrite
        // stays in progress, so that whoever waits for its end finds the new manifest on disk.
        installing = true;
        writer().submit(() -> {
            try {
                Files.move(tmpPath, dir().resolve(base.name()), StandardCopyOption.ATOMIC_MOVE);
                log.notice("Successfully renamed the temporary AOF base file " + tmpPath.getFileName() + " into "
                        + base.name());
                if (temp != null && incrPath != null) {
                    Files.move(temp, incrPath, StandardCopyOption.ATOMIC_MOVE);
                    log.notice("Successfully renamed the temporary AOF incr file " + temp.getFileName() + " into "
                            + incrPath.getFileName());
                }
                fsyncDir(dir());
                persistManifest(snapshot);
                removeFiles(history);
                log.notice("Background AOF rewrite finished successfully");
            } finally {
                onEngine(() -> installing = false);
            }
        });
        baseSize = size;
        currentSize = size + incrSize;
        rewriteBaseSize = currentSize;
        lastRewriteOk = true;
        consecutiveFailures = 0;
        if (state == State.WAIT_REWRITE) {
            state = State.ON;
        }
    }

    /**
     * The history files to delete now, taken out of the manifest; none under aof-disable-auto-gc, where Redis keeps
     * them listed (type h) and on disk for the operator.
     */
    private List<AofManifest.Entry> takeHistory() {
        if (config.aofDisableAutoGc.value() || manifest.history().isEmpty()) {
            return List.of();
        }
        List<AofManifest.Entry> history = List.copyOf(manifest.history());
        manifest.clearHistory();
        return history;
    }

    private void removeFiles(List<AofManifest.Entry> history) throws IOException {
        for (AofManifest.Entry h : history) {
            log.notice("Removing the history file " + h.name() + " in the background");
            Files.deleteIfExists(dir().resolve(h.name()));
        }
    }

    /**
     * Redis's aofDelHistoryFiles, run at start, by DEBUG LOADAOF and when aof-disable-auto-gc is turned off: the
     * history files go and the manifest stops listing them. Waits for the new manifest, as Redis writes it before it
     * replies.
     */
    private void deleteHistory() {
        List<AofManifest.Entry> history = takeHistory();
        if (history.isEmpty()) {
            return;
        }
        AofManifest snapshot = manifest.copy();
        try {
            writer().submit(() -> {
                removeFiles(history);
                persistManifest(snapshot);
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warning("Removing the AOF history files failed: " + e.getCause());
        }
    }

    /** The base written on the calling thread, before the server serves clients. */
    /** How a base file is written: an RDB preamble, or commands ({@code aof-use-rdb-preamble no}). */
    private Snapshot.Format baseFormat(boolean rdb) {
        return rdb ? RdbPreamble.format(config) : new AofRewrite(config.aofTimestampEnabled.value());
    }

    private long writeBaseNow(Path tmp, boolean rdb) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            AofRewrite.writeNow(engine, baseFormat(rdb),
                    java.nio.channels.Channels.newOutputStream(ch));
            ch.force(true);
            return ch.size();
        }
    }

    /** An error as strerror words it where the JDK gives a reason (No space left on device, ...). */
    private static String describe(Exception e) {
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // A leftover temp file is harmless: the next rewrite overwrites it.
        }
    }

    // ---- CONFIG SET appendonly ----

    private String appendonlyChanged() {
        if (config.appendonly.value() && state == State.OFF) {
            return startAppendOnly() ? null : "Unable to turn on AOF. Check server logs.";
        }
        if (!config.appendonly.value() && state != State.OFF) {
            stopAppendOnly();
        }
        return null;
    }

    /**
     * Redis's startAppendOnly: a rewrite makes the base, and writes from its start go to a temp incr file; when it is
     * done the temp file gets its incr name and the manifest lists both. While a BGSAVE runs (or in EXEC) the rewrite
     * is only scheduled.
     */
    private boolean startAppendOnly() {
        try {
            Files.createDirectories(dir());
        } catch (IOException e) {
            log.warning("Can't open or create append-only dir " + dir() + ": " + e.getMessage());
            return false;
        }
        state = State.WAIT_REWRITE;
        incrSize = 0;
        currentSize = 0;
        baseSize = 0;
        if (engine.rdbStatus().bgsaveInProgress()) {
            rewriteScheduled = true;
            log.warning("AOF was enabled but there is already another background operation. An AOF background was "
                    + "scheduled to start when possible.");
        } else if (engine.inAtomic()) {
            rewriteScheduled = true;
            log.warning("AOF was enabled during a transaction. An AOF background was scheduled to start when "
                    + "possible.");
        } else {
            if (rewrite != null) {
                log.warning("AOF was enabled but there is already an AOF rewriting in background. Stopping background "
                        + "AOF and starting a rewrite now.");
                killRewrite(false);
            }
            if (!startRewrite()) {
                state = State.OFF;
                log.warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. "
                        + "Check the above logs for more info about the error.");
                return false;
            }
        }
        return true;
    }

    private void stopAppendOnly() {
        handOff();
        writer().closeFile();
        writer().sync();
        if (rewrite != null) {
            killRewrite(false);
        }
        rewriteScheduled = false;
        if (tempIncr != null) {
            Path t = tempIncr;
            writer().submit(() -> Files.deleteIfExists(t));
            tempIncr = null;
        }
        state = State.OFF;
        synced = handedOff;
        releaseHeld();
    }

    // ---- files ----

    /** Writes the manifest as Redis does: a temp file, fsync, rename over the old one, fsync the directory. */
    private void persistManifest(AofManifest m) throws IOException {
        Path tmp = dir().resolve("temp-" + fileName() + ".manifest");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(m.format()));
            ch.force(true);
        }
        Files.move(tmp, dir().resolve(fileName() + ".manifest"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        fsyncDir(dir());
    }

    private static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    // ---- shutdown ----

    /** SHUTDOWN and close: everything propagated reaches the disk before the process ends. */
    private void flushAndSync() {
        if (state != State.OFF) {
            log.notice("Calling fsync() on the AOF file.");
            syncQuietly();
        }
    }

    /** As {@link #flushAndSync()} without its log line, which a shutdown logged already. */
    private void syncQuietly() {
        if (state != State.OFF) {
            handOff();
            writer().sync();
        }
    }

    /**
     * After the engine loop stopped: a running rewrite is abandoned and its writer has removed the temp file before
     * close returns (a caller may delete {@code dir} right after).
     */
    private void close() {
        if (rewrite != null) {
            rewrite.abortAndWait(5000);
        }
        syncQuietly();
        synchronized (this) {
            if (writer != null) {
                writer.shutdown();
            }
        }
    }

    private synchronized AofWriter writer() {
        if (writer == null) {
            writer = new AofWriter(log, config.appendfsync.value(), this::onSynced);
            writer.flushSleep(flushSleepMicros);
        }
        return writer;
    }

    private String lastWriteError() {
        AofWriter w = writer;
        return w == null ? null : w.lastWriteError();
    }

    // ---- INFO ----

    private Map<String, Object> info() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("aof_enabled", state != State.OFF ? 1 : 0);
        m.put("aof_rewrite_in_progress", rewriteInProgress() ? 1 : 0);
        m.put("aof_rewrite_scheduled", rewriteScheduled ? 1 : 0);
        m.put("aof_last_rewrite_time_sec", lastRewriteSeconds);
        m.put("aof_current_rewrite_time_sec",
                rewrite != null ? (System.currentTimeMillis() - rewriteStart) / 1000 : -1);
        m.put("aof_last_bgrewrite_status", lastRewriteOk ? "ok" : "err");
        m.put("aof_rewrites", rewrites);
        m.put("aof_rewrites_consecutive_failures", consecutiveFailures);
        m.put("aof_last_write_status", lastWriteError() == null ? "ok" : "err");
        if (state != State.OFF) {
            m.put("aof_current_size", currentSize);
            m.put("aof_base_size", rewriteBaseSize);
            m.put("aof_pending_rewrite", rewriteScheduled ? 1 : 0);
            m.put("aof_buffer_length", buffer.length());
            m.put("aof_pending_bio_fsync", writer().fsyncPending() ? 1 : 0);
            m.put("aof_delayed_fsync", writer().delayedFsync());
        }
        return m;
    }
}
