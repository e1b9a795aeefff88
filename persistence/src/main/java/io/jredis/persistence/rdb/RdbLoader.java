package io.jredis.persistence.rdb;

import io.jredis.server.util.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads an RDB file (versions 1 to 10) as Redis 7.0's rdbLoadRioWithLoadingCtx does and hands each key to a
 * {@link Target}. Unknown AUX fields are skipped; modules, which jredis lacks, fail with an error that names them;
 * function libraries go to the target. The checksum is verified unless the file says it was not computed (0).
 */
public final class RdbLoader {
    /** Receives what the file holds. */
    public interface Target {
        /**
         * One key with its expiry (unix ms, -1 for none) and LRU/LFU record (an IDLE opcode's seconds, a FREQ
         * opcode's counter as {@link Rdb#freq}, or {@link Rdb#NO_LRU}, whatever the parameter's name says); an
         * {@link IllegalArgumentException} (a duplicate key) fails the load at the key's offset.
         */
        void key(int db, byte[] key, Object value, long expireAt, long idleSeconds) throws IOException;

        /** {@link #key} told also the offset of the key's record, for targets that apply keys later. */
        default void key(int db, byte[] key, Object value, long expireAt, long idleSeconds, long offset)
                throws IOException {
            key(db, key, value, expireAt, idleSeconds);
        }

        /** The number of keys the file announces for {@code db} (RESIZEDB), so its table can be sized once. */
        default void resize(int db, long keys) {}

        /** An AUX field (all of them, known or not). */
        default void aux(String key, byte[] value) {}

        /** A key whose value is an empty collection: it is skipped, as Redis skips it (rdbLoadObject). */
        default void emptyKey(byte[] key) {}

        /**
         * A function library's source (FUNCTION2 opcode); an {@link IllegalArgumentException} (a library that does
         * not load, with the error text) fails the load at the library's offset, as Redis's rdbFunctionLoad.
         */
        default void function(byte[] code) {}

        /** {@link #function} told also the offset of the library's record, for targets that apply it later. */
        default void function(byte[] code, long offset) {
            function(code);
        }
    }

    /**
     * A target that hands everything to another one, for wrappers that change one part (a delay per key, logging
     * AUX fields). The offset variants of {@code key} and {@code function} are not forwarded: they reach the
     * wrapper's {@code key} and {@code function}.
     */
    public abstract static class Forwarding implements Target {
        private final Target next;

        protected Forwarding(Target next) {
            this.next = next;
        }

        @Override
        public void key(int db, byte[] key, Object value, long expireAt, long idleSeconds) throws IOException {
            next.key(db, key, value, expireAt, idleSeconds);
        }

        @Override
        public void resize(int db, long keys) {
            next.resize(db, keys);
        }

        @Override
        public void aux(String key, byte[] value) {
            next.aux(key, value);
        }

        @Override
        public void emptyKey(byte[] key) {
            next.emptyKey(key);
        }

        @Override
        public void function(byte[] code) {
            next.function(code);
        }
    }

    private RdbLoader() {}

    /** Loads a whole file; {@code databases} is how many the server has (SELECTDB beyond it is an error). */
    public static int load(RdbInput in, EncodingConfig enc, int databases, Target target) throws IOException {
        byte[] magic = new byte[9];
        in.readFully(magic, 0, 9);
        String head = new String(magic, StandardCharsets.US_ASCII);
        if (!head.startsWith("REDIS")) {
            throw new RdbException("Wrong signature trying to load DB from file", 0);
        }
        int version;
        try {
            version = Integer.parseInt(head.substring(5));
        } catch (NumberFormatException e) {
            throw new RdbException("Wrong signature trying to load DB from file", 0);
        }
        if (version < 1 || version > Rdb.VERSION) {
            throw new RdbException("Can't handle RDB format version " + version, 5);
        }
        int db = 0;
        long expireAt = -1;
        long idle = Rdb.NO_LRU;
        while (true) {
            long at = in.offset();
            int type = in.readByte();
            switch (type) {
                case Rdb.OPCODE_EXPIRETIME -> {
                    expireAt = (int) in.readLE(4) * 1000L;
                    continue;
                }
                case Rdb.OPCODE_EXPIRETIME_MS -> {
                    expireAt = in.readLE(8);
                    continue;
                }
                case Rdb.OPCODE_FREQ -> {
                    idle = Rdb.freq(in.readByte());
                    continue;
                }
                case Rdb.OPCODE_IDLE -> {
                    idle = in.readLength();
                    continue;
                }
                case Rdb.OPCODE_EOF -> {
                    verifyChecksum(in, version);
                    return version;
                }
                case Rdb.OPCODE_SELECTDB -> {
                    long id = in.readLength();
                    if (id >= databases) {
                        throw new RdbException("FATAL: Data file was created with a Redis server configured to "
                                + "handle more than " + databases + " databases. Exiting", at);
                    }
                    db = (int) id;
                    continue;
                }
                case Rdb.OPCODE_RESIZEDB -> {
                    long keys = in.readLength();
                    in.readLength();
                    target.resize(db, keys);
                    continue;
                }
                case Rdb.OPCODE_AUX -> {
                    String key = new String(in.readString(), StandardCharsets.UTF_8);
                    target.aux(key, in.readString());
                    continue;
                }
                case Rdb.OPCODE_MODULE_AUX -> throw new RdbException(
                        "The RDB file contains AUX module data jredis can't load (modules are not supported)", at);
                case Rdb.OPCODE_FUNCTION_PRE_GA -> throw new RdbException(
                        "Pre-release function format not supported.", at);
                case Rdb.OPCODE_FUNCTION2 -> {
                    byte[] code = in.readString();
                    try {
                        target.function(code, at);
                    } catch (IllegalArgumentException e) {
                        throw functionFailed(e, at);
                    }
                    continue;
                }
                default -> {
                }
            }
            if (!Rdb.isObjectType(type)) {
                throw new RdbException("Unknown RDB encoding type " + type, at);
            }
            byte[] key = in.readString();
            Object value = readValue(type, key, in, enc, at);
            if (value != null) {
                try {
                    target.key(db, key, value, expireAt, idle, at);
                } catch (IllegalArgumentException e) {
                    throw new RdbException(e.getMessage(), at);
                }
            } else {
                target.emptyKey(key);
            }
            expireAt = -1;
            idle = Rdb.NO_LRU;
        }
    }

    /**
     * One value body of RDB type {@code type} (also the body of a RESTORE payload); null when it is an empty
     * collection. {@code key} only names the key in errors and may be null.
     */
    public static Object readValue(int type, byte[] key, RdbInput in, EncodingConfig enc, long at)
            throws IOException {
        ValueCodec codec = ValueCodecs.forRdbType(type);
        if (codec == null) {
            String name = keyName(key);
            String what = type == Rdb.TYPE_MODULE_PRE_GA || type == Rdb.TYPE_MODULE_2 ? "a module value"
                    : "an unknown type (" + type + ")";
            throw new RdbException("The value" + name + " is " + what + ", which jredis can't load", at);
        }
        try {
            return codec.read(type, in, enc);
        } catch (IntegrityException e) {
            throw new RdbException("Bad " + codec.type().typeName() + " value" + keyName(key) + ": "
                    + integrityCheck(type) + " integrity check failed (" + e.getMessage() + ")", at).damagedValue();
        } catch (IllegalArgumentException e) {
            throw new RdbException("Bad " + codec.type().typeName() + " value" + keyName(key) + ": " + e.getMessage(),
                    at).damagedValue();
        }
    }

    /**
     * A library that did not load: Redis logs "Failed loading library, " and the error, then reports the load as a
     * short read ("Unexpected EOF reading RDB file"), and a server starting up exits.
     */
    public static RdbException functionFailed(IllegalArgumentException e, long at) {
        return new RdbException("Unexpected EOF reading RDB file", at, "Failed loading library, " + e.getMessage(),
                null);
    }

    /** Which check Redis's rdbLoadObject names when a value of RDB type {@code type} fails its validation. */
    private static String integrityCheck(int type) {
        return switch (type) {
            case Rdb.TYPE_HASH_ZIPMAP -> "Zipmap";
            case Rdb.TYPE_LIST_ZIPLIST -> "List ziplist";
            case Rdb.TYPE_SET_INTSET -> "Intset";
            case Rdb.TYPE_ZSET_ZIPLIST -> "Zset ziplist";
            case Rdb.TYPE_HASH_ZIPLIST -> "Hash ziplist";
            case Rdb.TYPE_LIST_QUICKLIST -> "Ziplist";
            case Rdb.TYPE_LIST_QUICKLIST_2 -> "Listpack";
            case Rdb.TYPE_HASH_LISTPACK -> "Hash listpack";
            case Rdb.TYPE_ZSET_LISTPACK -> "Zset listpack";
            case Rdb.TYPE_STREAM_LISTPACKS, Rdb.TYPE_STREAM_LISTPACKS_2 -> "Stream listpack";
            default -> "Payload";
        };
    }

    private static String keyName(byte[] key) {
        return key == null ? "" : " of key '" + Bytes.str(key) + "'";
    }

    private static void verifyChecksum(RdbInput in, int version) throws IOException {
        if (version < 5) {
            return;
        }
        long expected = in.crc();
        long at = in.offset();
        long stored = in.readLE(8);
        if (stored != 0 && stored != expected) {
            throw new RdbException("RDB CRC error", at, "Wrong RDB checksum expected: (" + Long.toHexString(expected)
                    + ") but got (" + Long.toHexString(stored) + "). Aborting now.", null);
        }
    }
}
