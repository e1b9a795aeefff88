package io.jredis.persistence;

import io.jredis.persistence.aof.AppendOnlyFile;
import io.jredis.server.Engine;
import io.jredis.server.RedisServer;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * Plugs persistence into a server: the multi-part AOF ({@link AppendOnlyFile}), and for RDB SAVE, BGSAVE, LASTSAVE, DUMP, RESTORE, MIGRATE, DEBUG RELOAD, FLUSHALL's save, save
 * points, the stop-writes-on-bgsave-error guard, the final save on SHUTDOWN, INFO persistence, and loading the
 * RDB file at start.
 *
 * <p>Call {@link #install(RedisServer)} after constructing the server and before {@link RedisServer#start()}: the
 * data is loaded before the first client connects; or {@link #install(RedisServer, boolean)} to load it while the
 * server listens, as redis-server does.
 */
public final class PersistenceModule {
    private PersistenceModule() {}

    /**
     * Installs persistence and, unless {@code appendonly} is on (the AOF is then the source of truth), loads the
     * RDB file. Throws when the file exists but cannot be read; the message names the file and the offset, and the
     * caller should exit as Redis does.
     */
    public static RdbPersistence install(RedisServer server) throws IOException {
        return install(server, false);
    }

    /**
     * As {@link #install(RedisServer)}; with {@code whileListening} the data (AOF or RDB) is loaded as Redis does it,
     * after the server binds: on the engine thread once it starts, clients getting {@code -LOADING} for most commands
     * meanwhile. {@link RdbPersistence#startupLoad()} tells when it is done, or why it failed (the process must then
     * exit with status 1 after logging the message, as Redis does). Modules installed later may queue work behind it
     * with {@link RedisServer#onStarted}.
     */
    public static RdbPersistence install(RedisServer server, boolean whileListening) throws IOException {
        Engine engine = server.engine();
        RdbPersistence rdb = new RdbPersistence(engine);
        engine.rdbStatus(rdb);
        SaveCommands.register(engine, rdb);
        DumpCommands.register(engine);
        MigrateCommand.register(engine);
        DebugReload.register(engine, rdb);
        engine.addGuard(rdb::refuseWrites);
        engine.addScriptWriteGuard(rdb::diskError);
        engine.addCronTask(rdb::cron);
        server.onClose(rdb::closed);
        boolean aofOnly = engine.config().appendonly.value();
        if (whileListening) {
            AppendOnlyFile aof = AppendOnlyFile.install(server, false);
            rdb.aofRewriting(aof::rewriteInProgress);
            // After the AOF's: as Redis's finishShutdown, an AOF that cannot be ended stops the shutdown before the save.
            engine.addShutdownPreparer(rdb::prepareShutdown);
            // A server closed meanwhile stops the load, whose task would otherwise hold its event loop to the end.
            BooleanSupplier stop = () -> rdb.stopRequested() || server.isClosed();
            server.onStarted(() -> rdb.runStartupLoad(() -> {
                if (!aofOnly) {
                    rdb.loadAtStart(stop);
                }
                aof.loadAtStart(stop);
            }));
            return rdb;
        }
        if (!aofOnly) {
            rdb.loadAtStart();
        }
        AppendOnlyFile aof = AppendOnlyFile.install(server);
        rdb.aofRewriting(aof::rewriteInProgress);
        engine.addShutdownPreparer(rdb::prepareShutdown);
        rdb.startupLoadDone();
        return rdb;
    }
}
