package io.jredis.replication;

import io.jredis.persistence.rdb.EncodingConfig;
import io.jredis.persistence.rdb.RdbInput;
import io.jredis.persistence.rdb.RdbLoader;
import io.jredis.persistence.rdb.RdbOutput;
import io.jredis.persistence.rdb.RdbWriter;
import io.jredis.persistence.rdb.ValueCodecs;
import io.jredis.server.Engine;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import java.io.IOException;
import java.io.OutputStream;

/** The persistence module's RDB v10 writer and loader, used for the payload of a full resynchronization. */
final class RdbCodec implements SnapshotCodec {
    @Override
    public void write(Engine engine, String replId, long replOffset, OutputStream sink) throws IOException {
        EncodingConfig enc = EncodingConfig.of(engine.config());
        RdbOutput out = new RdbOutput(sink, engine.config().rdbcompression.value(),
                engine.config().rdbchecksum.value());
        Runtime rt = Runtime.getRuntime();
        RdbWriter.header(out, new RdbWriter.Aux(System.currentTimeMillis() / 1000,
                rt.totalMemory() - rt.freeMemory(), false, new RdbWriter.ReplInfo(0, replId, replOffset)));
        for (int i = 0; i < engine.databaseCount(); i++) {
            Database db = engine.database(i);
            if (db.size() == 0) {
                continue;
            }
            RdbWriter.selectDb(out, i);
            RdbWriter.resizeDb(out, db.size(), db.expiresSize());
            IOException[] failure = new IOException[1];
            db.dict().forEach(e -> {
                if (failure[0] == null) {
                    try {
                        RdbWriter.key(out, e.key, e.expireAt, ValueCodecs.freeze(e.value, enc));
                    } catch (IOException ex) {
                        failure[0] = ex;
                    }
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
        }
        RdbWriter.end(out);
    }

    @Override
    public void load(Engine engine, byte[] rdb) throws IOException {
        // A replica keeps keys that already expired: its master's DEL removes them (Redis's rdbLoad on replicas).
        RdbLoader.load(new RdbInput(rdb, rdb.length), EncodingConfig.of(engine.config()), engine.databaseCount(),
                (dbIndex, key, value, expireAt, idle) -> {
                    Database db = engine.database(dbIndex);
                    Dict.Entry e = db.set(key, value, false);
                    if (expireAt != -1) {
                        db.setExpire(e, expireAt);
                    }
                });
    }
}
