package io.jredis.persistence;

import io.jredis.persistence.rdb.EncodingConfig;
import io.jredis.persistence.rdb.Rdb;
import io.jredis.persistence.rdb.RdbException;
import io.jredis.persistence.rdb.RdbInput;
import io.jredis.persistence.rdb.RdbLoader;
import io.jredis.persistence.rdb.RdbWriter;
import io.jredis.persistence.rdb.ValueCodecs;
import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.command.CommandHandler;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.Crc64;
import java.io.IOException;
import java.util.Arrays;

/**
 * DUMP and RESTORE (Redis's cluster.c). A payload is a value in RDB form (type byte, then the value), the RDB
 * version as two little-endian bytes, and the CRC-64 of all that, little-endian; payloads of real Redis restore
 * here and the other way round.
 */
final class DumpCommands {
    private static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    /** A payload's RDB version (2 bytes) and CRC-64 (8 bytes). */
    private static final int TRAILER_BYTES = 10;

    /** DEBUG SET-SKIP-CHECKSUM-VALIDATION: RESTORE then takes payloads whatever their CRC-64. */
    private boolean skipChecksum;

    private DumpCommands() {}

    static void register(Engine engine) {
        DumpCommands d = new DumpCommands();
        engine.commands().register("dump", DumpCommands::dump);
        engine.rdbMeasure(new Engine.RdbMeasure() {
            @Override
            public long serializedLength(Object value) {
                // Without its type byte, version and checksum: what Redis's rdbSavedObjectLen measures.
                return payload(engine, value).length - 1 - TRAILER_BYTES;
            }

            @Override
            public long[] quicklist(Object list) {
                return ValueCodecs.quicklist(list, EncodingConfig.of(engine.config()));
            }
        });
        engine.commands().register("restore", d::restore);
        // A cluster's RESTORE that skips the slot-ownership check; without cluster mode it is RESTORE itself.
        engine.commands().register("restore-asking", d::restore);
        CommandHandler debug = engine.commands().lookup("debug").handler();
        engine.commands().register("debug", (c, argv) -> {
            if (argv.length == 3 && Bytes.eqIgnoreCase(argv[1], "set-skip-checksum-validation")) {
                d.skipChecksum = atoiNonZero(argv[2]);
                c.reply().ok();
            } else {
                debug.execute(c, argv);
            }
        });
    }

    /** Whether C's atoi reads a non-zero number from {@code s} (how Redis reads the flag). */
    private static boolean atoiNonZero(byte[] s) {
        int i = 0;
        while (i < s.length && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r')) {
            i++;
        }
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        for (; i < s.length && s[i] >= '0' && s[i] <= '9'; i++) {
            if (s[i] != '0') {
                return true;
            }
        }
        return false;
    }

    /** DUMP key */
    private static void dump(Client c, byte[][] argv) {
        Object v = c.engine().lookupRead(c.db(), argv[1]);
        if (v == null) {
            c.reply().nullBulk();
            return;
        }
        c.reply().bulk(payload(c.engine(), v));
    }

    /** A DUMP payload of {@code v}: its type byte, the value in RDB form, then {@link #TRAILER_BYTES}. */
    private static byte[] payload(Engine engine, Object v) {
        try {
            EncodingConfig enc = EncodingConfig.of(engine.config());
            return RdbWriter.dump(ValueCodecs.freeze(v, enc), engine.config().rdbcompression.value());
        } catch (IOException e) {
            throw new IllegalStateException("in-memory DUMP encoding failed", e);
        }
    }

    /** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
    private void restore(Client c, byte[][] argv) {
        Engine e = c.engine();
        boolean replace = false;
        boolean absttl = false;
        long idle = -1;
        long freq = -1;
        long[] num = new long[1];
        for (int j = 4; j < argv.length; j++) {
            int additional = argv.length - j - 1;
            if (Bytes.eqIgnoreCase(argv[j], "replace")) {
                replace = true;
            } else if (Bytes.eqIgnoreCase(argv[j], "absttl")) {
                absttl = true;
            } else if (Bytes.eqIgnoreCase(argv[j], "idletime") && additional >= 1 && freq == -1) {
                if (!Bytes.parseLong(argv[j + 1], num)) {
                    e.error(c, NOT_INTEGER);
                    return;
                }
                if (num[0] < 0) {
                    e.error(c, "ERR Invalid IDLETIME value, must be >= 0");
                    return;
                }
                idle = num[0];
                j++;
            } else if (Bytes.eqIgnoreCase(argv[j], "freq") && additional >= 1 && idle == -1) {
                if (!Bytes.parseLong(argv[j + 1], num)) {
                    e.error(c, NOT_INTEGER);
                    return;
                }
                if (num[0] < 0 || num[0] > 255) {
                    e.error(c, "ERR Invalid FREQ value, must be >= 0 and <= 255");
                    return;
                }
                freq = num[0];
                j++;
            } else {
                e.error(c, "ERR syntax error");
                return;
            }
        }
        Database db = c.db();
        byte[] key = argv[1];
        if (!replace && db.exists(key)) {
            e.error(c, "BUSYKEY Target key name already exists.");
            return;
        }
        if (!Bytes.parseLong(argv[2], num)) {
            e.error(c, NOT_INTEGER);
            return;
        }
        long ttl = num[0];
        if (ttl < 0) {
            e.error(c, "ERR Invalid TTL value, must be >= 0");
            return;
        }
        byte[] payload = argv[3];
        if (!verifyPayload(payload, skipChecksum)) {
            e.error(c, "ERR DUMP payload version or checksum are wrong");
            return;
        }
        Object value;
        try {
            // As Redis, the value is read from the whole buffer: a short value runs into the footer unnoticed.
            RdbInput in = new RdbInput(payload, payload.length);
            int type = in.readByte();
            value = Rdb.isObjectType(type)
                    ? RdbLoader.readValue(type, key, in, EncodingConfig.forPayload(e.config()), 0) : null;
        } catch (IOException ex) {
            // Redis's rdbReportError logs the reason at verbose level when it rejects a RESTORE payload.
            long at = ex instanceof RdbException re ? re.offset() : 0;
            e.log().verbose("Internal error in RDB reading offset " + at + " -> " + ex.getMessage());
            value = null;
        }
        if (value == null) {
            e.error(c, "ERR Bad data format");
            return;
        }
        boolean deleted = replace && db.delete(key);
        long now = System.currentTimeMillis();
        if (ttl != 0 && !absttl) {
            ttl += now;
        }
        if (ttl != 0 && ttl <= now && !e.slaveMode()) {
            if (deleted) {
                boolean lazy = e.config().lazyfreeLazyServerDel.value();
                e.rewritePropagation(new byte[][] {Bytes.of(lazy ? "UNLINK" : "DEL"), key});
                db.signalModified(key);
                e.keyspaceEvents().notify(KeyspaceEvents.GENERIC, "del", key, db.id());
                e.dirty(1);
            }
            c.reply().ok();
            return;
        }
        Dict.Entry entry = db.add(key, value);
        if (ttl != 0) {
            db.setExpire(entry, ttl);
            if (!absttl) {
                byte[][] rewritten = Arrays.copyOf(argv, argv.length + 1);
                rewritten[2] = Bytes.fromLong(ttl);
                rewritten[argv.length] = Bytes.of("ABSTTL");
                e.rewritePropagation(rewritten);
            }
        }
        if (e.memory().lfuPolicy()) {
            if (freq >= 0) {
                e.memory().restoreAccess(entry, e.memory().lfuAccess((int) freq));
            }
        } else if (idle >= 0) {
            e.memory().restoreAccess(entry, now - idle * 1000);
        }
        db.signalModified(key);
        e.keyspaceEvents().notify(KeyspaceEvents.GENERIC, "restore", key, db.id());
        c.reply().ok();
        e.dirty(1);
    }

    /** Redis's verifyDumpPayload: a footer with a version this server reads and a matching CRC-64. */
    private static boolean verifyPayload(byte[] p, boolean skipChecksum) {
        int len = p.length;
        if (len < 10) {
            return false;
        }
        int version = (p[len - 10] & 0xff) | (p[len - 9] & 0xff) << 8;
        if (version > Rdb.VERSION) {
            return false;
        }
        if (skipChecksum) {
            return true;
        }
        long crc = Crc64.update(0, p, 0, len - 8);
        long stored = 0;
        for (int i = 0; i < 8; i++) {
            stored |= (p[len - 8 + i] & 0xffL) << (8 * i);
        }
        return crc == stored;
    }
}
