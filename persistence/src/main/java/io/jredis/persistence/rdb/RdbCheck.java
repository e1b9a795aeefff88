package io.jredis.persistence.rdb;

import io.jredis.server.util.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis's redis-check-rdb report, which redis-server prints when a file it loads turns out damaged: one line per
 * database selected and per AUX field, with the offset reached, then where the error was found (what was being read,
 * the key and its type) and how many keys were read. Operators use it to see which key broke a start-up; jredis
 * printed one line.
 */
public final class RdbCheck {
    /** Redis's rdb_type_string, indexed by RDB object type. */
    private static final String[] TYPE_NAMES = {"string", "list-linked", "set-hashtable", "zset-v1",
        "hash-hashtable", "zset-v2", "module-value", "", "", "hash-zipmap", "list-ziplist", "set-intset",
        "zset-ziplist", "hash-ziplist", "quicklist", "stream", "hash-listpack", "zset-listpack", "quicklist-v2"};

    private final List<String> lines = new ArrayList<>();
    private RdbInput in;
    private String doing = "start";
    private byte[] key;
    private int keyType = -1;
    private long keys;
    private long expires;
    private long alreadyExpired;

    private RdbCheck() {}

    /**
     * Checks the file {@code name} read from {@code data} ({@code size} bytes) with deep validation, as Redis's
     * checker does, and returns the report's lines.
     */
    public static List<String> report(String name, InputStream data, long size, EncodingConfig enc,
            boolean checksum) {
        RdbCheck check = new RdbCheck();
        check.info("Checking RDB file " + name);
        check.in = new RdbInput(data, size);
        EncodingConfig deep = new EncodingConfig(enc.listMaxListpackSize(), enc.hashMaxListpackEntries(),
                enc.hashMaxListpackValue(), enc.setMaxIntsetEntries(), enc.zsetMaxListpackEntries(),
                enc.zsetMaxListpackValue(), true);
        try {
            if (check.run(deep, checksum)) {
                check.info("\\o/ RDB looks OK! \\o/");
                check.generic();
            }
        } catch (RdbException e) {
            check.error(e.isDamagedValue() ? "Internal error in RDB reading offset " + e.offset() + " -> "
                    + e.getMessage() : e.getMessage());
        } catch (IOException e) {
            check.error("Unexpected EOF reading RDB file");
        }
        return check.lines;
    }

    /** The checker's loop; false when it reported an error. */
    private boolean run(EncodingConfig enc, boolean checksum) throws IOException {
        byte[] magic = new byte[9];
        in.readFully(magic, 0, 9);
        String head = new String(magic, StandardCharsets.US_ASCII);
        if (!head.startsWith("REDIS")) {
            error("Wrong signature trying to load DB from file");
            return false;
        }
        int version = (int) Bytes.atoi(head.substring(5).getBytes(StandardCharsets.US_ASCII));
        if (version < 1 || version > Rdb.VERSION) {
            error("Can't handle RDB format version " + version);
            return false;
        }
        long expireAt = -1;
        long now = System.currentTimeMillis();
        while (true) {
            doing = "read-type";
            int type = in.readByte();
            switch (type) {
                case Rdb.OPCODE_EXPIRETIME -> {
                    doing = "read-expire";
                    expireAt = (int) in.readLE(4) * 1000L;
                    continue;
                }
                case Rdb.OPCODE_EXPIRETIME_MS -> {
                    doing = "read-expire";
                    expireAt = in.readLE(8);
                    continue;
                }
                case Rdb.OPCODE_FREQ -> {
                    in.readByte();
                    continue;
                }
                case Rdb.OPCODE_IDLE -> {
                    in.readLength();
                    continue;
                }
                case Rdb.OPCODE_SELECTDB -> {
                    doing = "read-len";
                    info("Selecting DB ID " + in.readLength());
                    continue;
                }
                case Rdb.OPCODE_RESIZEDB -> {
                    doing = "read-len";
                    in.readLength();
                    in.readLength();
                    continue;
                }
                case Rdb.OPCODE_AUX -> {
                    doing = "read-aux";
                    byte[] field = in.readString();
                    byte[] value = in.readString();
                    info("AUX FIELD " + Bytes.str(field) + " = '" + Bytes.str(value) + "'");
                    continue;
                }
                case Rdb.OPCODE_MODULE_AUX -> {
                    doing = "read-module-aux";
                    error("The RDB file contains AUX module data jredis can't load (modules are not supported)");
                    return false;
                }
                case Rdb.OPCODE_FUNCTION2, Rdb.OPCODE_FUNCTION_PRE_GA -> {
                    doing = "read-functions";
                    in.readString();
                    continue;
                }
                default -> {
                }
            }
            if (type == Rdb.OPCODE_EOF) {
                break;
            }
            if (!Rdb.isObjectType(type)) {
                error("Invalid object type: " + type);
                return false;
            }
            keyType = type;
            doing = "read-key";
            key = in.readString();
            keys++;
            doing = "read-object-value";
            RdbLoader.readValue(type, key, in, enc, in.offset());
            if (expireAt != -1) {
                expires++;
                if (expireAt < now) {
                    alreadyExpired++;
                }
            }
            key = null;
            keyType = -1;
            expireAt = -1;
        }
        if (version >= 5 && checksum) {
            doing = "check-sum";
            long expected = in.crc();
            long stored = in.readLE(8);
            if (stored == 0) {
                info("RDB file was saved with checksum disabled: no check performed.");
            } else if (stored != expected) {
                error("RDB CRC error");
                return false;
            } else {
                info("Checksum OK");
            }
        }
        return true;
    }

    private long offset() {
        return in == null ? 0 : in.offset();
    }

    private void info(String msg) {
        lines.add("[offset " + offset() + "] " + msg);
    }

    private void error(String msg) {
        lines.add("--- RDB ERROR DETECTED ---");
        lines.add("[offset " + offset() + "] " + msg);
        lines.add("[additional info] While doing: " + doing);
        if (key != null) {
            lines.add("[additional info] Reading key '" + Bytes.str(key) + "'");
        }
        if (keyType != -1) {
            lines.add("[additional info] Reading type " + keyType + " ("
                    + (keyType < TYPE_NAMES.length ? TYPE_NAMES[keyType] : "unknown") + ")");
        }
        generic();
    }

    private void generic() {
        lines.add("[info] " + keys + " keys read");
        lines.add("[info] " + expires + " expires");
        lines.add("[info] " + alreadyExpired + " already expired");
    }
}
