package io.jredis.persistence.aof;

import io.jredis.persistence.Loading;
import io.jredis.persistence.RdbPersistence;
import io.jredis.persistence.SavedFunctions;
import io.jredis.persistence.Snapshot;
import io.jredis.persistence.rdb.EncodingConfig;
import io.jredis.persistence.rdb.RdbException;
import io.jredis.persistence.rdb.RdbInput;
import io.jredis.persistence.rdb.RdbLoader;
import io.jredis.persistence.rdb.RdbWriter;
import io.jredis.server.Engine;
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

/**
 * The RDB form of an AOF base ({@code aof-use-rdb-preamble yes}): written as a {@link Snapshot} in the RDB format
 * with the {@code aof-base} AUX field set, and read back with the RDB module's loader.
 */
final class RdbPreamble {
    private RdbPreamble() {}

    /** The RDB format of a base: the RDB module's codecs, with the {@code aof-base} AUX field set. */
    static Snapshot.Format format(ServerConfig cfg) {
        Runtime rt = Runtime.getRuntime();
        return Snapshot.rdbFormat(EncodingConfig.of(cfg), new RdbWriter.Aux(System.currentTimeMillis() / 1000,
                rt.totalMemory() - rt.freeMemory(), true, null), cfg.rdbcompression.value(), cfg.rdbchecksum.value());
    }

    /**
     * Loads the RDB at the start of {@code file} into the (empty) databases and returns the offset where it ends,
     * where an AOF tail may follow. Keys already expired are dropped, as Redis's rdbLoad does on a master.
     */
    static long load(Engine engine, Path file, String name, Log log, Loading loading) throws IOException {
        long now = System.currentTimeMillis();
        long delay = engine.config().keyLoadDelay.value();
        try (InputStream raw = Files.newInputStream(file)) {
            RdbInput in = new RdbInput(raw, Files.size(file));
            long[] loadedExpired = new long[2];
            RdbLoader.load(in, EncodingConfig.of(engine.config()), engine.databaseCount(), new RdbLoader.Target() {
                @Override
                public void key(int dbIndex, byte[] key, Object value, long expireAt, long idleSeconds) {
                    if (expireAt != -1 && expireAt < now && !engine.slaveMode()) {
                        loadedExpired[1]++;
                        return;
                    }
                    loadedExpired[0]++;
                    Database db = engine.database(dbIndex);
                    if (db.dict().find(key) != null) {
                        throw new IllegalArgumentException("RDB has duplicated key '" + Bytes.str(key) + "' in DB "
                                + dbIndex);
                    }
                    Dict.Entry e = db.addLoaded(key, value);
                    if (expireAt != -1) {
                        db.setExpire(e, expireAt);
                    }
                    RdbPersistence.setLruOrLfu(engine, e, idleSeconds, now);
                }

                @Override
                public void key(int db, byte[] key, Object value, long expireAt, long idleSeconds, long offset)
                        throws IOException {
                    if (delay != 0) {
                        Loading.keyLoadDelay(delay);
                    }
                    key(db, key, value, expireAt, idleSeconds);
                    loading.progress(offset);
                }

                @Override
                public void aux(String key, byte[] value) {
                    // Header facts change nothing when loading a base, but Redis logs them as for any RDB.
                    RdbPersistence.logAux(log, key, new String(value, StandardCharsets.UTF_8));
                }

                @Override
                public void function(byte[] code) {
                    SavedFunctions.load(engine, code, false);
                }
            });
            log.notice("Done loading RDB, keys loaded: " + loadedExpired[0] + ", keys expired: " + loadedExpired[1]
                    + ".");
            return in.offset();
        } catch (Loading.Aborted e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (e instanceof RdbException r && r.warning() != null) {
                log.warning(r.warning());
            }
            log.warning("Error reading the RDB base file " + name + ", AOF loading aborted");
            throw AofException.logged("Error reading the RDB base file " + name + ", AOF loading aborted: "
                    + e.getMessage(), e);
        }
    }
}
