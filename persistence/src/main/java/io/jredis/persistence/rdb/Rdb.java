package io.jredis.persistence.rdb;

/** RDB format constants of Redis 7.0 (rdb.h): version, opcodes and value type codes. */
public final class Rdb {
    private Rdb() {}

    /** The format version written (and the highest one read): Redis 7.0's. */
    public static final int VERSION = 10;

    // Opcodes, read where a value type is expected.
    public static final int OPCODE_FUNCTION2 = 245;
    public static final int OPCODE_FUNCTION_PRE_GA = 246;
    public static final int OPCODE_MODULE_AUX = 247;
    public static final int OPCODE_IDLE = 248;
    public static final int OPCODE_FREQ = 249;
    public static final int OPCODE_AUX = 250;
    public static final int OPCODE_RESIZEDB = 251;
    public static final int OPCODE_EXPIRETIME_MS = 252;
    public static final int OPCODE_EXPIRETIME = 253;
    public static final int OPCODE_SELECTDB = 254;
    public static final int OPCODE_EOF = 255;

    /**
     * A key's LRU/LFU record as one long, the way the writer and {@link RdbLoader.Target} carry it: {@link #NO_LRU}
     * when the file has none, an IDLE opcode's idle seconds (&gt;= 0), or {@link #freq}'s encoding of a FREQ opcode's
     * LFU counter (&lt;= -2).
     */
    public static final long NO_LRU = -1;

    /** The LRU/LFU record of a FREQ opcode holding LFU counter {@code counter} (0..255). */
    public static long freq(int counter) {
        return -2L - counter;
    }

    /** True when the LRU/LFU record {@code lru} is a FREQ opcode's counter rather than idle seconds or none. */
    public static boolean isFreq(long lru) {
        return lru <= -2;
    }

    /** The LFU counter of the FREQ record {@code lru}. */
    public static int freqCounter(long lru) {
        return (int) (-2L - lru);
    }

    // Value types.
    public static final int TYPE_STRING = 0;
    public static final int TYPE_LIST = 1;
    public static final int TYPE_SET = 2;
    public static final int TYPE_ZSET = 3;
    public static final int TYPE_HASH = 4;
    public static final int TYPE_ZSET_2 = 5;
    public static final int TYPE_MODULE_PRE_GA = 6;
    public static final int TYPE_MODULE_2 = 7;
    public static final int TYPE_HASH_ZIPMAP = 9;
    public static final int TYPE_LIST_ZIPLIST = 10;
    public static final int TYPE_SET_INTSET = 11;
    public static final int TYPE_ZSET_ZIPLIST = 12;
    public static final int TYPE_HASH_ZIPLIST = 13;
    public static final int TYPE_LIST_QUICKLIST = 14;
    public static final int TYPE_STREAM_LISTPACKS = 15;
    public static final int TYPE_HASH_LISTPACK = 16;
    public static final int TYPE_ZSET_LISTPACK = 17;
    public static final int TYPE_LIST_QUICKLIST_2 = 18;
    public static final int TYPE_STREAM_LISTPACKS_2 = 19;

    /** Quicklist 2 node containers. */
    public static final int QUICKLIST_NODE_PLAIN = 1;
    public static final int QUICKLIST_NODE_PACKED = 2;

    /** True for the codes Redis 7.0 accepts as a value type (rdbIsObjectType). */
    public static boolean isObjectType(int t) {
        return (t >= TYPE_STRING && t <= TYPE_MODULE_2) || (t >= TYPE_HASH_ZIPMAP && t <= TYPE_STREAM_LISTPACKS_2);
    }
}
