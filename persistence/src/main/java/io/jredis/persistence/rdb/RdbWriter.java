package io.jredis.persistence.rdb;

import io.jredis.server.Engine;
import io.jredis.server.scripting.FunctionLibraries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes the parts of an RDB v10 file around the values, and DUMP payloads, as Redis 7.0's rdb.c lays them out. */
public final class RdbWriter {
    private static final byte[] MAGIC = "REDIS0010".getBytes(StandardCharsets.US_ASCII);

    private RdbWriter() {}

    /** Replication state recorded in the header (repl-stream-db, repl-id, repl-offset) when a caller asks. */
    public record ReplInfo(int streamDb, String replId, long offset) {}

    /** The header's AUX fields after redis-ver and redis-bits; {@code repl} may be null. */
    public record Aux(long ctimeSeconds, long usedMemory, boolean aofBase, ReplInfo repl) {}

    /** Magic, version and the AUX fields in Redis's order. */
    public static void header(RdbOutput out, Aux aux) throws IOException {
        out.writeRaw(MAGIC);
        auxString(out, "redis-ver", Engine.REDIS_VERSION);
        auxLong(out, "redis-bits", 64);
        auxLong(out, "ctime", aux.ctimeSeconds());
        auxLong(out, "used-mem", aux.usedMemory());
        if (aux.repl() != null) {
            auxLong(out, "repl-stream-db", aux.repl().streamDb());
            auxString(out, "repl-id", aux.repl().replId());
            auxLong(out, "repl-offset", aux.repl().offset());
        }
        auxLong(out, "aof-base", aux.aofBase() ? 1 : 0);
    }

    private static void auxString(RdbOutput out, String key, String value) throws IOException {
        out.writeByte(Rdb.OPCODE_AUX);
        out.writeString(key.getBytes(StandardCharsets.US_ASCII));
        out.writeString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static void auxLong(RdbOutput out, String key, long value) throws IOException {
        out.writeByte(Rdb.OPCODE_AUX);
        out.writeString(key.getBytes(StandardCharsets.US_ASCII));
        out.writeLongString(value);
    }

    /**
     * The function libraries, after the AUX fields and before the first database: per library FUNCTION2 and its code
     * as an RDB string, LZF-compressed when the output compresses, byte for byte as Redis's rdbSaveFunctions (the
     * records of FUNCTION DUMP).
     */
    public static void functions(RdbOutput out, List<byte[]> codes) throws IOException {
        if (!codes.isEmpty()) {
            out.writeRaw(FunctionLibraries.rdbRecords(codes, out.compresses()));
        }
    }

    /** SELECTDB: the keys that follow belong to database {@code db}. */
    public static void selectDb(RdbOutput out, int db) throws IOException {
        out.writeByte(Rdb.OPCODE_SELECTDB);
        out.writeLength(db);
    }

    /** RESIZEDB: the database's size and number of keys with a TTL, which the loader may pre-allocate for. */
    public static void resizeDb(RdbOutput out, long size, long expires) throws IOException {
        out.writeByte(Rdb.OPCODE_RESIZEDB);
        out.writeLength(size);
        out.writeLength(expires);
    }

    /**
     * One key: its expiry (unix ms, -1 for none), its LRU/LFU record ({@link Rdb#NO_LRU}, idle seconds or
     * {@link Rdb#freq}), type, name and value.
     */
    public static void key(RdbOutput out, byte[] key, long expireAt, long lru, FrozenValue value) throws IOException {
        keyHeader(out, expireAt, lru);
        out.writeByte(value.rdbType());
        out.writeString(key);
        value.write(out);
    }

    /** One string key, as {@link #key} writes it for a captured string value. */
    public static void stringKey(RdbOutput out, byte[] key, long expireAt, long lru, byte[] value)
            throws IOException {
        keyHeader(out, expireAt, lru);
        out.writeByte(Rdb.TYPE_STRING);
        out.writeString(key);
        out.writeString(value);
    }

    /** What precedes a key's type in rdbSaveKeyValuePair: EXPIRETIME_MS, then IDLE or FREQ. */
    private static void keyHeader(RdbOutput out, long expireAt, long lru) throws IOException {
        if (expireAt >= 0) {
            out.writeByte(Rdb.OPCODE_EXPIRETIME_MS);
            out.writeLE(expireAt, 8);
        }
        if (Rdb.isFreq(lru)) {
            out.writeByte(Rdb.OPCODE_FREQ);
            out.writeByte(Rdb.freqCounter(lru));
        } else if (lru >= 0) {
            out.writeByte(Rdb.OPCODE_IDLE);
            out.writeLength(lru);
        }
    }

    /** EOF and the checksum (0 when checksums are off, which loaders read as "not computed"). */
    public static void end(RdbOutput out) throws IOException {
        out.writeByte(Rdb.OPCODE_EOF);
        out.writeLE(out.crc(), 8);
        out.flush();
    }

    /** A DUMP payload: type, value, the RDB version as 2 bytes LE, then the CRC-64 of all that, LE. */
    public static byte[] dump(FrozenValue value, boolean compress) throws IOException {
        RdbOutput out = new RdbOutput(compress);
        out.writeByte(value.rdbType());
        value.write(out);
        out.writeLE(Rdb.VERSION, 2);
        out.writeLE(out.crc(), 8);
        return out.toByteArray();
    }
}
