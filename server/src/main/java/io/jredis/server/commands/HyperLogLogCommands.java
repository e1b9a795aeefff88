package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.command.CommandTable;
import io.jredis.server.db.Database;
import io.jredis.server.db.HyperLogLog;
import io.jredis.server.db.Values;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import java.util.Random;

/**
 * HyperLogLog commands (Redis's hyperloglog.c). HyperLogLogs are plain strings in Redis's exact format
 * ({@link HyperLogLog}); a change stores a new array, except on a dense value only its key holds, which PFADD and
 * PFMERGE change in place.
 */
final class HyperLogLogCommands {
    private static final String INVALID_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    private static final String CORRUPTED = "INVALIDOBJ Corrupted HLL object detected";
    /** Marker for "error already replied" (compared by identity). */
    private static final byte[] ERROR = new byte[0];

    private HyperLogLogCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("pfadd", HyperLogLogCommands::pfadd);
        t.register("pfcount", HyperLogLogCommands::pfcount);
        t.register("pfmerge", HyperLogLogCommands::pfmerge);
        t.register("pfdebug", HyperLogLogCommands::pfdebug);
        t.register("pfselftest", HyperLogLogCommands::pfselftest);
    }

    /**
     * Checks that {@code v} (not null) is a HyperLogLog (isHLLObjectOrReply): other types get the usual WRONGTYPE
     * error, strings not in the format a WRONGTYPE error of their own. Returns the string or {@link #ERROR}.
     */
    private static byte[] hll(Client c, Object v) {
        if (!(v instanceof byte[] s)) {
            c.engine().error(c, Args.WRONGTYPE);
            return ERROR;
        }
        if (!HyperLogLog.isValid(s)) {
            c.engine().error(c, INVALID_HLL);
            return ERROR;
        }
        return s;
    }

    private static long sparseMaxBytes(Client c) {
        return c.engine().config().hllSparseMaxBytes.value();
    }

    /**
     * Replaces a key's value in place, keeping its TTL and without signalling, as Redis's in-place edits of an
     * unshared string that it does not report (encoding conversions of PFDEBUG, work done before an error).
     */
    private static void replaceSilently(Database db, byte[] key, byte[] value) {
        db.entry(key).value(Values.raw(value));
    }

    /** PFADD key [element ...]: 1 if a register changed or the key was created. */
    private static void pfadd(Client c, byte[][] argv) {
        Database db = c.db();
        byte[] key = argv[1];
        Object v = db.get(key);
        HyperLogLog h;
        int updated = 0;
        boolean inPlace = false;
        if (v == null) {
            h = HyperLogLog.create();
            updated++;
        } else {
            byte[] s = hll(c, v);
            if (s == ERROR) {
                return;
            }
            inPlace = HyperLogLog.isDense(s) && Values.isRaw(s);
            h = inPlace ? HyperLogLog.inPlace(s) : HyperLogLog.of(s);
        }
        long maxBytes = sparseMaxBytes(c);
        for (int j = 2; j < argv.length; j++) {
            int r = h.add(argv[j], maxBytes);
            if (r < 0) {
                // Only a stored value can be corrupt. Redis edits it in place, so the elements added before the
                // corrupt part stay added, unsignalled.
                replaceSilently(db, key, h.toBytes());
                c.engine().error(c, CORRUPTED);
                return;
            }
            updated += r;
        }
        if (updated > 0) {
            h.invalidateCache();
            if (inPlace) {
                db.signalModified(key);
            } else {
                db.set(key, Values.raw(h.toBytes()), true);
            }
            c.engine().keyspaceEvents().notify(KeyspaceEvents.STRING, "pfadd", key, db.id());
            c.engine().dirty(updated);
        }
        c.reply().integer(updated > 0 ? 1 : 0);
    }

    /**
     * PFCOUNT key [key ...]. One key: answers the cached cardinality, or computes it and stores it in the value
     * (a change that is propagated, PFCOUNT being may_replicate). Several keys: the cardinality of their union,
     * computed on a temporary register array, nothing cached.
     */
    private static void pfcount(Client c, byte[][] argv) {
        Engine engine = c.engine();
        Database db = c.db();
        if (argv.length > 2) {
            byte[] max = new byte[HyperLogLog.REGISTERS];
            for (int j = 1; j < argv.length; j++) {
                Object v = engine.lookupRead(db, argv[j]);
                if (v == null) {
                    continue;
                }
                byte[] s = hll(c, v);
                if (s == ERROR) {
                    return;
                }
                if (!HyperLogLog.merge(max, s)) {
                    engine.error(c, CORRUPTED);
                    return;
                }
            }
            c.reply().integer(HyperLogLog.countRaw(max));
            return;
        }
        byte[] key = argv[1];
        Object v = engine.lookupRead(db, key);
        if (v == null) {
            c.reply().integer(0);
            return;
        }
        byte[] s = hll(c, v);
        if (s == ERROR) {
            return;
        }
        if (HyperLogLog.cacheValid(s)) {
            c.reply().integer(HyperLogLog.cachedCardinality(s));
            return;
        }
        Long card = HyperLogLog.count(s);
        if (card == null) {
            engine.error(c, CORRUPTED);
            return;
        }
        if (Values.isRaw(s)) {
            HyperLogLog.cacheCardinality(s, card);
            db.signalModified(key);
        } else {
            db.set(key, Values.raw(HyperLogLog.withCachedCardinality(s, card)), true);
        }
        engine.dirty(1);
        c.reply().integer(card);
    }

    /**
     * PFMERGE destkey [sourcekey ...]: the destination is one of the sources. The result is dense if any input was,
     * else sparse, built by setting each non-zero register in turn as Redis does (so its bytes are Redis's).
     */
    private static void pfmerge(Client c, byte[][] argv) {
        Engine engine = c.engine();
        Database db = c.db();
        byte[] max = new byte[HyperLogLog.REGISTERS];
        boolean useDense = false;
        for (int j = 1; j < argv.length; j++) {
            Object v = engine.lookupRead(db, argv[j]);
            if (v == null) {
                continue;
            }
            byte[] s = hll(c, v);
            if (s == ERROR) {
                return;
            }
            useDense |= HyperLogLog.isDense(s);
            if (!HyperLogLog.merge(max, s)) {
                engine.error(c, CORRUPTED);
                return;
            }
        }
        byte[] dest = argv[1];
        Object v = db.get(dest);
        // A dense destination only its key holds is raised in place, as PFADD does, where a working copy and a
        // stored copy cost two 12 KB copies a call.
        boolean inPlace = v instanceof byte[] s && HyperLogLog.isDense(s) && Values.isRaw(s);
        HyperLogLog h = v == null ? HyperLogLog.create()
                : inPlace ? HyperLogLog.inPlace((byte[]) v) : HyperLogLog.of((byte[]) v);
        if (useDense && !h.toDense()) {
            engine.error(c, CORRUPTED);
            return;
        }
        if (useDense) {
            h.raiseDense(max);
        } else {
            long maxBytes = sparseMaxBytes(c);
            for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
                if (max[j] != 0) {
                    h.set(j, max[j], maxBytes);
                }
            }
        }
        h.invalidateCache();
        if (inPlace) {
            db.signalModified(dest);
        } else {
            db.set(dest, Values.raw(h.toBytes()), true);
        }
        engine.keyspaceEvents().notify(KeyspaceEvents.STRING, "pfadd", dest, db.id());
        engine.dirty(1);
        c.reply().ok();
    }

    /** PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: the key is checked before the subcommand. */
    private static void pfdebug(Client c, byte[][] argv) {
        Engine engine = c.engine();
        Database db = c.db();
        byte[] key = argv[2];
        Object v = db.get(key);
        if (v == null) {
            engine.error(c, "ERR The specified key does not exist");
            return;
        }
        byte[] s = hll(c, v);
        if (s == ERROR) {
            return;
        }
        HyperLogLog h = HyperLogLog.of(s);
        Reply r = c.reply();
        if (Bytes.eqIgnoreCase(argv[1], "getreg")) {
            if (!toDenseForDebug(c, db, key, h)) {
                return;
            }
            int[] regs = h.registers();
            r.array(regs.length);
            for (int reg : regs) {
                r.integer(reg);
            }
        } else if (Bytes.eqIgnoreCase(argv[1], "decode")) {
            if (!h.isSparse()) {
                engine.error(c, "ERR HLL encoding is not sparse");
                return;
            }
            r.bulk(HyperLogLog.decode(s));
        } else if (Bytes.eqIgnoreCase(argv[1], "encoding")) {
            r.simple(h.isSparse() ? "sparse" : "dense");
        } else if (Bytes.eqIgnoreCase(argv[1], "todense")) {
            boolean sparse = h.isSparse();
            if (!toDenseForDebug(c, db, key, h)) {
                return;
            }
            r.integer(sparse ? 1 : 0);
        } else {
            engine.error(c, "ERR Unknown PFDEBUG subcommand '" + Bytes.str(argv[1]) + "'");
        }
    }

    /**
     * Converts a sparse value to dense for PFDEBUG and stores it: counted as a change so it propagates, but not
     * signalled, as in Redis. False after the corruption error.
     */
    private static boolean toDenseForDebug(Client c, Database db, byte[] key, HyperLogLog h) {
        if (!h.isSparse()) {
            return true;
        }
        if (!h.toDense()) {
            c.engine().error(c, CORRUPTED);
            return false;
        }
        replaceSilently(db, key, h.toBytes());
        c.engine().dirty(1);
        return true;
    }

    /** PFSELFTEST: Redis's self test of the register packing and of the estimator; OK or a TESTFAILED error. */
    private static void pfselftest(Client c, byte[][] argv) {
        String failure = HyperLogLog.selfTest(new Random(), sparseMaxBytes(c));
        if (failure != null) {
            c.engine().error(c, failure);
        } else {
            c.reply().ok();
        }
    }
}
