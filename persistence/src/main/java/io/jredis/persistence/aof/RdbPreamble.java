package io.jredis.persistence.aof;

import io.jredis.persistence.rdb.EncodingConfig;
import io.jredis.persistence.rdb.RdbInput;
import io.jredis.persistence.rdb.RdbLoader;
import io.jredis.persistence.rdb.RdbOutput;
import io.jredis.persistence.rdb.RdbWriter;
import io.jredis.persistence.rdb.ValueCodecs;
import io.jredis.server.Engine;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.log.Log;
import io.jredis.server.util.Bytes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The RDB form of an AOF base ({@code aof-use-rdb-preamble yes}): written from the rewrite's point-in-time copy with
 * the RDB module's codecs and the {@code aof-base} AUX field set, and read back with its loader.
 */
final class RdbPreamble {
    private RdbPreamble() {}

    /** Writes the image as an RDB file and fsyncs it; returns its size. */
    static long write(List<AofRewrite.Db> dbs, Path file, ServerConfig cfg) throws IOException {
        EncodingConfig enc = EncodingConfig.of(cfg);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            RdbOutput out = new RdbOutput(os, cfg.rdbcompression.value(), cfg.rdbchecksum.value());
            RdbWriter.header(out, new RdbWriter.Aux(System.currentTimeMillis() / 1000,
                    Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory(), true, null));
            for (AofRewrite.Db db : dbs) {
                RdbWriter.selectDb(out, db.id());
                long expires = db.keys().stream().filter(k -> k.expireAt() != -1).count();
                RdbWriter.resizeDb(out, db.keys().size(), expires);
                for (AofRewrite.Key k : db.keys()) {
                    RdbWriter.key(out, k.key(), k.expireAt(), ValueCodecs.freeze(k.value(), enc));
                }
            }
            RdbWriter.end(out);
            os.flush();
            ch.force(true);
            return ch.size();
        }
    }

    /**
     * Loads the RDB at the start of {@code file} into the (empty) databases and returns the offset where it ends,
     * where an AOF tail may follow. Keys already expired are dropped, as Redis's rdbLoad does on a master.
     */
    static long load(Engine engine, Path file, String name, Log log) throws AofException {
        long now = System.currentTimeMillis();
        try (InputStream raw = Files.newInputStream(file)) {
            RdbInput in = new RdbInput(raw, Files.size(file));
            RdbLoader.load(in, EncodingConfig.of(engine.config()), engine.databaseCount(), new RdbLoader.Target() {
                @Override
                public void key(int dbIndex, byte[] key, Object value, long expireAt, long idleSeconds) {
                    if (expireAt != -1 && expireAt < now && !engine.slaveMode()) {
                        return;
                    }
                    Database db = engine.database(dbIndex);
                    if (db.dict().find(key) != null) {
                        throw new IllegalArgumentException("RDB has duplicated key '" + Bytes.str(key) + "' in DB "
                                + dbIndex);
                    }
                    Dict.Entry e = db.addLoaded(key, value);
                    if (expireAt != -1) {
                        db.setExpire(e, expireAt);
                    }
                }

                @Override
                public void aux(String key, byte[] value) {
                    // Header facts (version, ctime, aof-base) change nothing when loading a base.
                }
            });
            return in.offset();
        } catch (IOException | RuntimeException e) {
            log.warning("Error reading the RDB base file " + name + ", AOF loading aborted");
            throw new AofException("Error reading the RDB base file " + name + ", AOF loading aborted: "
                    + e.getMessage(), e);
        }
    }
}
