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
    public static void install(RedisServer server) throws IOException {
        RdbPersistence rdb = PersistenceModule.install(server);
        Replication repl = ReplicationModule.install(server, new ReplicationCodec(new ReplicationSnapshots(rdb)));
        RdbWriter.ReplInfo loaded = rdb.loadedReplInfo();
        if (loaded != null) {
            repl.restore(new Replication.SaveInfo(loaded.streamDb(), loaded.replId(), loaded.offset()));
        }
        rdb.replInfo(() -> {
            Replication.SaveInfo i = repl.saveInfo();
            return i == null ? null : new RdbWriter.ReplInfo(i.streamDb(), i.replId(), i.offset());
        });
    }
}
