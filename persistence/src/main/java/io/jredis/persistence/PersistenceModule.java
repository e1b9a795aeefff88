package io.jredis.persistence;

import io.jredis.persistence.aof.AppendOnlyFile;
import io.jredis.server.Engine;
import io.jredis.server.RedisServer;
import java.io.IOException;

/**
 * Plugs persistence into a server: the multi-part AOF ({@link AppendOnlyFile}), and for RDB SAVE, BGSAVE, LASTSAVE, DUMP, RESTORE, MIGRATE, DEBUG RELOAD, FLUSHALL's save, save
 * points, the stop-writes-on-bgsave-error guard, the final save on SHUTDOWN, INFO persistence, and loading the
 * RDB file at start.
 *
 * <p>Call {@link #install(RedisServer)} after constructing the server and before {@link RedisServer#start()}: the
 * data is loaded before the first client connects.
 */
public final class PersistenceModule {
    private PersistenceModule() {}

    /**
     * Installs persistence and, unless {@code appendonly} is on (the AOF is then the source of truth), loads the
     * RDB file. Throws when the file exists but cannot be read; the message names the file and the offset, and the
     * caller should exit as Redis does.
     */
    public static RdbPersistence install(RedisServer server) throws IOException {
        Engine engine = server.engine();
        RdbPersistence rdb = new RdbPersistence(engine);
        engine.rdbStatus(rdb);
        SaveCommands.register(engine, rdb);
        DumpCommands.register(engine);
        MigrateCommand.register(engine);
        DebugReload.register(engine, rdb);
        engine.addGuard(rdb::refuseWrites);
        engine.addCronTask(rdb::cron);
        engine.addShutdownPreparer(rdb::prepareShutdown);
        if (!engine.config().appendonly.value()) {
            rdb.loadAtStart();
        }
        AppendOnlyFile aof = AppendOnlyFile.install(server);
        rdb.aofRewriting(aof::rewriteInProgress);
        return rdb;
    }
}
