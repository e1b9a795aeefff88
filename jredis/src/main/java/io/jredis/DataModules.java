package io.jredis;

import io.jredis.persistence.PersistenceModule;
import io.jredis.persistence.RdbPersistence;
import io.jredis.persistence.ReplicationSnapshots;
import io.jredis.persistence.rdb.RdbWriter;
import io.jredis.replication.Replication;
import io.jredis.replication.ReplicationModule;
import io.jredis.server.RedisServer;
import java.io.IOException;

/**
 * What a data node (a master or a replica, not a Sentinel) adds to the server before it starts: persistence first,
 * so the dataset is loaded before anything else, then replication. The command line and the embedded API share it.
 */
public final class DataModules {
    private DataModules() {}

    /** Installs persistence and replication; an IOException carries the line Redis logs before exiting. */
    public static RdbPersistence install(RedisServer server) throws IOException {
        return install(server, false);
    }

    /**
     * As {@link #install(RedisServer)}; with {@code whileListening} the data is loaded once the server listens, as
     * redis-server does (see {@link PersistenceModule#install(RedisServer, boolean)}): the replication state the
     * files recorded is restored when the load ends, before replication starts its link to a master.
     */
    public static RdbPersistence install(RedisServer server, boolean whileListening) throws IOException {
        RdbPersistence rdb = PersistenceModule.install(server, whileListening);
        Replication repl = ReplicationModule.install(server, new ReplicationCodec(new ReplicationSnapshots(rdb)));
        rdb.startupLoad().thenRun(() -> {
            RdbWriter.ReplInfo loaded = rdb.loadedReplInfo();
            if (loaded != null) {
                repl.restore(new Replication.SaveInfo(loaded.streamDb(), loaded.replId(), loaded.offset()));
                for (RdbPersistence.ExpiredKey k : rdb.takeLoadExpired()) {
                    repl.feedLoadExpired(k.db(), k.key());
                }
            }
        });
        rdb.replInfo(() -> {
            Replication.SaveInfo i = repl.saveInfo();
            return i == null ? null : new RdbWriter.ReplInfo(i.streamDb(), i.replId(), i.offset());
        });
        return rdb;
    }
}
