package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.command.CommandTable;
import io.jredis.server.config.NumberDirective;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.HashValue;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.Doubles.LongDouble;
import java.util.List;

/**
 * Hash commands (Redis's t_hash.c). A hash starts in the listpack encoding and becomes a hashtable once it holds
 * more than {@code hash-max-listpack-entries} fields or a field or value longer than {@code hash-max-listpack-value}
 * bytes; an emptied hash is deleted.
 */
final class HashCommands {
    /** Returned by the lookups when the key holds another type (WRONGTYPE already replied); never stored. */
    private static final HashValue WRONG_TYPE = new HashValue();
    private static final byte[] HSET = Bytes.of("HSET");

    private final NumberDirective maxEntries;
    private final NumberDirective maxValue;

    private HashCommands(ServerConfig config) {
        this.maxEntries = (NumberDirective) config.find("hash-max-listpack-entries");
        this.maxValue = (NumberDirective) config.find("hash-max-listpack-value");
    }

    static void register(Engine engine) {
        HashCommands h = new HashCommands(engine.config());
        CommandTable t = engine.commands();
        t.register("hset", (c, argv) -> h.hset(c, argv, "hset"));
        t.register("hmset", (c, argv) -> h.hset(c, argv, "hmset"));
        t.register("hsetnx", h::hsetnx);
        t.register("hget", HashCommands::hget);
        t.register("hmget", HashCommands::hmget);
        t.register("hdel", HashCommands::hdel);
        t.register("hlen", HashCommands::hlen);
        t.register("hstrlen", HashCommands::hstrlen);
        t.register("hexists", HashCommands::hexists);
        t.register("hkeys", (c, argv) -> getAll(c, argv, true, false));
        t.register("hvals", (c, argv) -> getAll(c, argv, false, true));
        t.register("hgetall", (c, argv) -> getAll(c, argv, true, true));
        t.register("hincrby", h::hincrby);
        t.register("hincrbyfloat", h::hincrbyfloat);
        t.register("hrandfield", HashCommands::hrandfield);
        t.register("hscan", HashCommands::hscan);
    }

    // ---- lookups ----

    /** The hash at {@code key} for a write, null if absent, or {@link #WRONG_TYPE} after replying WRONGTYPE. */
    private static HashValue lookup(Client c, byte[] key) {
        return checked(c, c.db().get(key));
    }

    /** The hash at {@code key} for a read (counted as a hit or miss, "keymiss" event), as {@link #lookup}. */
    private static HashValue lookupRead(Client c, byte[] key) {
        return checked(c, c.engine().lookupRead(c.db(), key));
    }

    private static HashValue checked(Client c, Object v) {
        return Args.typed(c, v, HashValue.class, WRONG_TYPE);
    }

    /** Redis's {@code hashTypeLookupWriteOrCreate}: the hash at {@code key}, created empty if absent. */
    private static HashValue lookupOrCreate(Client c, byte[] key) {
        HashValue h = lookup(c, key);
        if (h == null) {
            h = new HashValue();
            c.db().add(key, h);
        }
        return h;
    }

    // ---- encoding rules ----

    /** Redis's {@code hashTypeTryConversion}: a long argument converts before anything is inserted. */
    private void convertForArgs(HashValue h, byte[][] argv, int from, int to) {
        if (!h.isListpack()) {
            return;
        }
        for (int i = from; i <= to; i++) {
            if (argv[i].length > maxValue.value()) {
                h.convertToHashtable();
                return;
            }
        }
    }

    /** Redis's {@code hashTypeSet}: returns true if the field is new. */
    private boolean set(HashValue h, byte[] field, byte[] value) {
        if (h.isListpack() && (field.length > maxValue.value() || value.length > maxValue.value())) {
            h.convertToHashtable(); // HINCRBY* reach here with long fields or results
        }
        boolean created = h.set(field, value);
        if (created && h.isListpack() && h.size() > maxEntries.value()) {
            h.convertToHashtable();
        }
        return created;
    }

    // ---- commands ----

    /** HSET key field value [field value ...] / HMSET (same, replies OK). */
    private void hset(Client c, byte[][] argv, String name) {
        if (argv.length % 2 == 1) {
            c.engine().error(c, "ERR wrong number of arguments for '" + name + "' command");
            return;
        }
        HashValue h = lookupOrCreate(c, argv[1]);
        if (h == WRONG_TYPE) {
            return;
        }
        convertForArgs(h, argv, 2, argv.length - 1);
        int created = 0;
        for (int i = 2; i < argv.length; i += 2) {
            if (set(h, argv[i], argv[i + 1])) {
                created++;
            }
        }
        if (name.equals("hset")) {
            c.reply().integer(created);
        } else {
            c.reply().ok();
        }
        c.db().signalModified(argv[1]);
        Notify.event(c, KeyspaceEvents.HASH, "hset", argv[1]);
        c.engine().dirty((argv.length - 2) / 2);
    }

    /** HSETNX key field value */
    private void hsetnx(Client c, byte[][] argv) {
        HashValue h = lookupOrCreate(c, argv[1]);
        if (h == WRONG_TYPE) {
            return;
        }
        if (h.exists(argv[2])) {
            c.reply().integer(0);
            return;
        }
        convertForArgs(h, argv, 2, 3);
        set(h, argv[2], argv[3]);
        c.reply().integer(1);
        c.db().signalModified(argv[1]);
        Notify.event(c, KeyspaceEvents.HASH, "hset", argv[1]);
        c.engine().dirty(1);
    }

    /** HGET key field */
    private static void hget(Client c, byte[][] argv) {
        HashValue h = lookupRead(c, argv[1]);
        if (h == WRONG_TYPE) {
            return;
        }
        c.reply().bulk(h == null ? null : h.get(argv[2]));
    }

    /** HMGET key field [field ...] */
    private static void hmget(Client c, byte[][] argv) {
        HashValue h = lookupRead(c, argv[1]);
        if (h == WRONG_TYPE) {
            return;
        }
        Reply r = c.reply();
        r.array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            r.bulk(h == null ? null : h.get(argv[i]));
        }
    }

    /** HDEL key field [field ...] */
    private static void hdel(Client c, byte[][] argv) {
        HashValue h = lookup(c, argv[1]);
        if (h == WRONG_TYPE) {
            return;
        }
        if (h == null) {
            c.reply().integer(0);
            return;
        }
        int deleted = 0;
        boolean removed = false;
        for (int i = 2; i < argv.length; i++) {
            if (h.delete(argv[i])) {
                deleted++;
                if (h.isEmpty()) {
                    c.db().delete(argv[1]);
                    removed = true;
                    break;
                }
            }
        }
        if (deleted > 0) {
            c.db().signalModified(argv[1]);
            Notify.event(c, KeyspaceEvents.HASH, "hdel", argv[1]);
            if (removed) {
                Notify.del(c, argv[1]);
            }
            c.engine().dirty(deleted);
        }
        c.reply().integer(deleted);
    }

    /** HLEN key */
    private static void hlen(Client c, byte[][] argv) {
        HashValue h = lookupRead(c, argv[1]);
        if (h != WRONG_TYPE) {
            c.reply().integer(h == null ? 0 : h.size());
        }
    }

    /** HSTRLEN key field */
    private static void hstrlen(Client c, byte[][] argv) {
        HashValue h = lookupRead(c, argv[1]);
        if (h == WRONG_TYPE) {
            return;
        }
        byte[] v = h == null ? null : h.get(argv[2]);
        c.reply().integer(v == null ? 0 : v.length);
    }

    /** HEXISTS key field */
    private static void hexists(Client c, byte[][] argv) {
        HashValue h = lookupRead(c, argv[1]);
        if (h != WRONG_TYPE) {
            c.reply().integer(h != null && h.exists(argv[2]) ? 1 : 0);
        }
    }

    /** HKEYS, HVALS, HGETALL: a map when both fields and values are wanted (RESP3), else an array. */
    private static void getAll(Client c, byte[][] argv, boolean fields, boolean values) {
        HashValue h = lookupRead(c, argv[1]);
        if (h == WRONG_TYPE) {
            return;
        }
        Reply r = c.reply();
        int n = h == null ? 0 : h.size();
        if (fields && values) {
            r.map(n);
        } else {
            r.array(n);
        }
        if (h == null) {
            return;
        }
        h.forEach((fb, fo, fl, vb, vo, vl) -> {
            if (fields) {
                r.bulk(fb, fo, fl);
            }
            if (values) {
                r.bulk(vb, vo, vl);
            }
        });
    }

    /** HINCRBY key field increment */
    private void hincrby(Client c, byte[][] argv) {
        Long incr = Bytes.toLong(argv[3]);
        if (incr == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        HashValue h = lookupOrCreate(c, argv[1]);
        if (h == WRONG_TYPE) {
            return;
        }
        long value = 0;
        byte[] old = h.get(argv[2]);
        if (old != null) {
            Long parsed = Bytes.toLong(old);
            if (parsed == null) {
                c.engine().error(c, "ERR hash value is not an integer");
                return;
            }
            value = parsed;
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            c.engine().error(c, "ERR increment or decrement would overflow");
            return;
        }
        value += incr;
        set(h, argv[2], Bytes.fromLong(value));
        c.reply().integer(value);
        c.db().signalModified(argv[1]);
        Notify.event(c, KeyspaceEvents.HASH, "hincrby", argv[1]);
        c.engine().dirty(1);
    }

    /** HINCRBYFLOAT key field increment: long double arithmetic; propagated as HSET with the result. */
    private void hincrbyfloat(Client c, byte[][] argv) {
        LongDouble incr = LongDouble.parse(argv[3]);
        if (incr == null) {
            c.engine().error(c, Args.NOT_FLOAT);
            return;
        }
        if (!incr.isFinite()) {
            c.engine().error(c, "ERR value is NaN or Infinity");
            return;
        }
        HashValue h = lookupOrCreate(c, argv[1]);
        if (h == WRONG_TYPE) {
            return;
        }
        LongDouble value = LongDouble.ZERO;
        byte[] old = h.get(argv[2]);
        if (old != null) {
            value = LongDouble.parse(old);
            if (value == null) {
                c.engine().error(c, "ERR hash value is not a float");
                return;
            }
        }
        LongDouble sum = value.add(incr);
        if (!sum.isFinite()) {
            c.engine().error(c, "ERR increment would produce NaN or Infinity");
            return;
        }
        byte[] result = Bytes.of(sum.toHumanString());
        set(h, argv[2], result);
        c.reply().bulk(result);
        c.db().signalModified(argv[1]);
        Notify.event(c, KeyspaceEvents.HASH, "hincrbyfloat", argv[1]);
        c.engine().dirty(1);
        // Replicas and the AOF get the result, so float formatting can never make them diverge.
        c.engine().rewritePropagation(new byte[][] {HSET, argv[1], argv[2], result});
    }

    /** HRANDFIELD key [count [WITHVALUES]] */
    private static void hrandfield(Client c, byte[][] argv) {
        if (argv.length == 2) {
            HashValue h = lookupRead(c, argv[1]);
            if (h == WRONG_TYPE) {
                return;
            }
            c.reply().bulk(h == null ? null : h.randomEntries(1, false).get(0)[0]);
            return;
        }
        Long count = Bytes.toLong(argv[2]);
        if (count == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        if (count == Long.MIN_VALUE) {
            c.engine().error(c, "ERR value is out of range, value must between -9223372036854775807 and "
                    + "9223372036854775807");
            return;
        }
        if (argv.length > 4 || (argv.length == 4 && !Bytes.eqIgnoreCase(argv[3], "withvalues"))) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        boolean withValues = argv.length == 4;
        if (withValues) {
            if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
                c.engine().error(c, "ERR value is out of range");
                return;
            }
        }
        HashValue h = lookupRead(c, argv[1]);
        if (h == WRONG_TYPE) {
            return;
        }
        Reply r = c.reply();
        if (h == null || count == 0) {
            r.array(0);
            return;
        }
        boolean unique = count > 0;
        long n = Math.abs(count);
        int size = h.size();
        // RESP3 nests each field/value pair in its own array; RESP2 flattens them.
        boolean nested = withValues && r.resp3();
        if (unique && n >= size) {
            r.array(withValues && !nested ? size * 2 : size);
            h.forEach((fb, fo, fl, vb, vo, vl) -> {
                if (nested) {
                    r.array(2);
                }
                r.bulk(fb, fo, fl);
                if (withValues) {
                    r.bulk(vb, vo, vl);
                }
            });
            return;
        }
        if (!unique) {
            // Repeated picks come in slices, so that a client going over its output limits stops the run (Redis's
            // CLIENT_CLOSE_ASAP check) instead of a count like -999999999 being materialised.
            r.array(withValues && !nested ? n * 2 : n);
            for (long left = n; left > 0 && !c.closeAsap(); left -= PICK_SLICE) {
                writePicks(r, h.randomEntries(Math.min(left, PICK_SLICE), false), withValues, nested);
            }
            return;
        }
        List<byte[][]> picks = h.randomEntries(n, true);
        r.array(withValues && !nested ? picks.size() * 2 : picks.size());
        writePicks(r, picks, withValues, nested);
    }

    /** How many repeated random picks are drawn at a time. */
    private static final int PICK_SLICE = 1024;

    private static void writePicks(Reply r, List<byte[][]> picks, boolean withValues, boolean nested) {
        for (byte[][] e : picks) {
            if (nested) {
                r.array(2);
            }
            r.bulk(e[0]);
            if (withValues) {
                r.bulk(e[1]);
            }
        }
    }

    /** HSCAN key cursor [MATCH pattern] [COUNT count] */
    private static void hscan(Client c, byte[][] argv) {
        Long cursor = ElementScan.parseCursor(argv[2]);
        if (cursor == null) {
            c.engine().error(c, ElementScan.INVALID_CURSOR);
            return;
        }
        HashValue h = lookupRead(c, argv[1]);
        if (h == WRONG_TYPE) {
            return;
        }
        ElementScan.scan(c, argv, cursor, h == null ? null : h::scan, true);
    }
}
