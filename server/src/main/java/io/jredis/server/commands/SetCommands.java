package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.command.CommandTable;
import io.jredis.server.config.NumberDirective;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.db.SetValue;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Set commands (Redis's t_set.c). A set is an intset while it holds only integers and at most
 * {@code set-max-intset-entries} of them, otherwise a hashtable; an emptied set is deleted. Results of the
 * SINTER/SUNION/SDIFF family are built by adding to a new intset, so their encoding follows the same rule.
 */
final class SetCommands {
    /** Returned by the lookups when the key holds another type (WRONGTYPE already replied); never stored. */
    private static final SetValue WRONG_TYPE = new SetValue();
    private static final byte[] SREM = Bytes.of("SREM");
    private static final byte[] DEL = Bytes.of("DEL");
    /** SPOP rebuilds the set from the survivors once the popped part is this many times larger than them. */
    private static final int SPOP_MOVE_STRATEGY_MUL = 5;

    private final NumberDirective maxIntsetEntries;

    private SetCommands(ServerConfig config) {
        this.maxIntsetEntries = (NumberDirective) config.find("set-max-intset-entries");
    }

    private enum Op { UNION, DIFF }

    static void register(Engine engine) {
        SetCommands s = new SetCommands(engine.config());
        CommandTable t = engine.commands();
        t.register("sadd", s::sadd);
        t.register("srem", SetCommands::srem);
        t.register("smove", s::smove);
        t.register("sismember", SetCommands::sismember);
        t.register("smismember", SetCommands::smismember);
        t.register("scard", SetCommands::scard);
        t.register("spop", s::spop);
        t.register("srandmember", SetCommands::srandmember);
        t.register("smembers", (c, argv) -> s.inter(c, Arrays.copyOfRange(argv, 1, 2), null, false, 0));
        t.register("sinter", (c, argv) -> s.inter(c, Arrays.copyOfRange(argv, 1, argv.length), null, false, 0));
        t.register("sinterstore", (c, argv) -> s.inter(c, Arrays.copyOfRange(argv, 2, argv.length), argv[1],
                false, 0));
        t.register("sintercard", s::sintercard);
        t.register("sunion", (c, argv) -> s.unionDiff(c, Arrays.copyOfRange(argv, 1, argv.length), null, Op.UNION));
        t.register("sunionstore", (c, argv) -> s.unionDiff(c, Arrays.copyOfRange(argv, 2, argv.length), argv[1],
                Op.UNION));
        t.register("sdiff", (c, argv) -> s.unionDiff(c, Arrays.copyOfRange(argv, 1, argv.length), null, Op.DIFF));
        t.register("sdiffstore", (c, argv) -> s.unionDiff(c, Arrays.copyOfRange(argv, 2, argv.length), argv[1],
                Op.DIFF));
        t.register("sscan", SetCommands::sscan);
    }

    // ---- lookups ----

    /** The set at {@code key} for a write, null if absent, or {@link #WRONG_TYPE} after replying WRONGTYPE. */
    private static SetValue lookup(Client c, byte[] key) {
        return checked(c, c.db().get(key));
    }

    /** The set at {@code key} for a read (counted as a hit or miss, "keymiss" event), as {@link #lookup}. */
    private static SetValue lookupRead(Client c, byte[] key) {
        return checked(c, c.engine().lookupRead(c.db(), key));
    }

    private static SetValue checked(Client c, Object v) {
        return Args.typed(c, v, SetValue.class, WRONG_TYPE);
    }

    // ---- single-set commands ----

    /** SADD key member [member ...] */
    private void sadd(Client c, byte[][] argv) {
        SetValue s = lookup(c, argv[1]);
        if (s == WRONG_TYPE) {
            return;
        }
        if (s == null) {
            s = SetValue.forMember(argv[2]);
            c.db().add(argv[1], s);
        }
        int added = 0;
        for (int i = 2; i < argv.length; i++) {
            if (s.add(argv[i], maxIntsetEntries.value())) {
                added++;
            }
        }
        if (added > 0) {
            c.db().signalModified(argv[1]);
            Notify.event(c, KeyspaceEvents.SET, "sadd", argv[1]);
            c.engine().dirty(added);
        }
        c.reply().integer(added);
    }

    /** SREM key member [member ...] */
    private static void srem(Client c, byte[][] argv) {
        SetValue s = lookup(c, argv[1]);
        if (s == WRONG_TYPE) {
            return;
        }
        int deleted = 0;
        boolean removed = false;
        if (s != null) {
            for (int i = 2; i < argv.length; i++) {
                if (s.remove(argv[i])) {
                    deleted++;
                    if (s.size() == 0) {
                        c.db().delete(argv[1]);
                        removed = true;
                        break;
                    }
                }
            }
        }
        if (deleted > 0) {
            c.db().signalModified(argv[1]);
            Notify.event(c, KeyspaceEvents.SET, "srem", argv[1]);
            if (removed) {
                Notify.del(c, argv[1]);
            }
            c.engine().dirty(deleted);
        }
        c.reply().integer(deleted);
    }

    /** SMOVE source destination member */
    private void smove(Client c, byte[][] argv) {
        Database db = c.db();
        Object src = db.get(argv[1]);
        Object dst = db.get(argv[2]);
        if (src == null) {
            c.reply().integer(0);
            return;
        }
        if (!(src instanceof SetValue) || (dst != null && !(dst instanceof SetValue))) {
            c.engine().error(c, Args.WRONGTYPE);
            return;
        }
        SetValue from = (SetValue) src;
        byte[] member = argv[3];
        if (src == dst) {
            c.reply().integer(from.contains(member) ? 1 : 0);
            return;
        }
        if (!from.remove(member)) {
            c.reply().integer(0);
            return;
        }
        Notify.event(c, KeyspaceEvents.SET, "srem", argv[1]);
        if (from.size() == 0) {
            db.delete(argv[1]);
            Notify.del(c, argv[1]);
        }
        SetValue to = (SetValue) dst;
        if (to == null) {
            to = SetValue.forMember(member);
            db.add(argv[2], to);
        }
        db.signalModified(argv[1]);
        boolean added = to.add(member, maxIntsetEntries.value());
        // A destination that already held the member is unchanged: no WATCH or tracking invalidation for it.
        if (added) {
            db.signalModified(argv[2]);
            Notify.event(c, KeyspaceEvents.SET, "sadd", argv[2]);
        }
        c.engine().dirty(added ? 2 : 1);
        c.reply().integer(1);
    }

    /** SISMEMBER key member */
    private static void sismember(Client c, byte[][] argv) {
        SetValue s = lookupRead(c, argv[1]);
        if (s != WRONG_TYPE) {
            c.reply().integer(s != null && s.contains(argv[2]) ? 1 : 0);
        }
    }

    /** SMISMEMBER key member [member ...] */
    private static void smismember(Client c, byte[][] argv) {
        SetValue s = lookupRead(c, argv[1]);
        if (s == WRONG_TYPE) {
            return;
        }
        Reply r = c.reply();
        r.array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            r.integer(s != null && s.contains(argv[i]) ? 1 : 0);
        }
    }

    /** SCARD key */
    private static void scard(Client c, byte[][] argv) {
        SetValue s = lookupRead(c, argv[1]);
        if (s != WRONG_TYPE) {
            c.reply().integer(s == null ? 0 : s.size());
        }
    }

    /** SPOP key [count]: propagated as SREM of the popped members (DEL when the whole set goes). */
    private void spop(Client c, byte[][] argv) {
        if (argv.length == 3) {
            spopCount(c, argv);
            return;
        }
        if (argv.length > 3) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        SetValue s = lookup(c, argv[1]);
        if (s == WRONG_TYPE) {
            return;
        }
        if (s == null) {
            c.reply().nullBulk();
            return;
        }
        byte[] member = s.pop();
        c.engine().rewritePropagation(new byte[][] {SREM, argv[1], member});
        c.reply().bulk(member);
        Notify.event(c, KeyspaceEvents.SET, "spop", argv[1]);
        if (s.size() == 0) {
            c.db().delete(argv[1]);
            Notify.del(c, argv[1]);
        }
        c.db().signalModified(argv[1]);
        c.engine().dirty(1);
    }

    private void spopCount(Client c, byte[][] argv) {
        Long count = Bytes.toLong(argv[2]);
        if (count == null || count < 0) {
            c.engine().error(c, "ERR value is out of range, must be positive");
            return;
        }
        SetValue s = lookup(c, argv[1]);
        if (s == WRONG_TYPE) {
            return;
        }
        Reply r = c.reply();
        if (s == null || count == 0) {
            r.set(0);
            return;
        }
        Database db = c.db();
        Engine engine = c.engine();
        int size = s.size();
        Notify.event(c, KeyspaceEvents.SET, "spop", argv[1]);
        if (count >= size) {
            // Redis replies the whole set through SUNION's code path, whose read lookup counts a keyspace hit.
            engine.lookupRead(db, argv[1]);
            r.set(size);
            s.forEach(r::bulk);
            db.delete(argv[1]);
            Notify.del(c, argv[1]);
            // Redis 7.0 propagates DEL here whatever lazyfree-lazy-server-del says.
            engine.rewritePropagation(new byte[][] {DEL, argv[1]});
            db.signalModified(argv[1]);
            engine.dirty(count);
            return;
        }
        r.set(count.intValue());
        long remaining = size - count;
        if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
            for (long i = 0; i < count; i++) {
                byte[] m = s.pop();
                r.bulk(m);
                engine.emitPropagation(db.id(), new byte[][] {SREM, argv[1], m});
            }
        } else {
            // Few survivors: move them to a new set (whose encoding follows its own members, as in Redis) and
            // hand out what is left of the old one.
            SetValue survivors = null;
            for (long i = 0; i < remaining; i++) {
                byte[] m = s.pop();
                if (survivors == null) {
                    survivors = SetValue.forMember(m);
                }
                survivors.add(m, maxIntsetEntries.value());
            }
            s.forEach(m -> {
                r.bulk(m);
                engine.emitPropagation(db.id(), new byte[][] {SREM, argv[1], m});
            });
            Dict.Entry e = db.entry(argv[1]);
            e.value(survivors);
        }
        engine.suppressPropagation();
        db.signalModified(argv[1]);
        engine.dirty(count + 1);
    }

    /** SRANDMEMBER key [count] */
    private static void srandmember(Client c, byte[][] argv) {
        if (argv.length > 3) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        if (argv.length == 2) {
            SetValue s = lookupRead(c, argv[1]);
            if (s != WRONG_TYPE) {
                c.reply().bulk(s == null ? null : s.random());
            }
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
        SetValue s = lookupRead(c, argv[1]);
        if (s == WRONG_TYPE) {
            return;
        }
        Reply r = c.reply();
        if (s == null || count == 0) {
            r.array(0);
            return;
        }
        boolean unique = count > 0;
        long n = Math.abs(count);
        if (unique && n >= s.size()) {
            r.array(s.size());
            s.forEach(r::bulk);
            return;
        }
        if (!unique) {
            // Repeated picks come in slices, so that a client going over its output limits stops the run (Redis's
            // CLIENT_CLOSE_ASAP check) instead of a count like -999999999 being materialised.
            r.array(n);
            for (long left = n; left > 0 && !c.closeAsap(); left -= PICK_SLICE) {
                for (byte[] m : s.randomMembers(Math.min(left, PICK_SLICE), false)) {
                    r.bulk(m);
                }
            }
            return;
        }
        List<byte[]> picks = s.randomMembers(n, true);
        r.array(picks.size());
        for (byte[] m : picks) {
            r.bulk(m);
        }
    }

    /** How many repeated random picks are drawn at a time. */
    private static final int PICK_SLICE = 1024;

    /** SSCAN key cursor [MATCH pattern] [COUNT count] */
    private static void sscan(Client c, byte[][] argv) {
        Long cursor = ElementScan.parseCursor(argv[2]);
        if (cursor == null) {
            c.engine().error(c, ElementScan.INVALID_CURSOR);
            return;
        }
        SetValue s = lookupRead(c, argv[1]);
        if (s == WRONG_TYPE) {
            return;
        }
        ElementScan.scan(c, argv, cursor, s == null ? null : s::scan, false);
    }

    // ---- multi-set commands ----

    /** SINTERCARD numkeys key [key ...] [LIMIT limit] */
    private void sintercard(Client c, byte[][] argv) {
        Long numkeys = Bytes.toLong(argv[1]);
        if (numkeys == null || numkeys < 1) {
            c.engine().error(c, "ERR numkeys should be greater than 0");
            return;
        }
        if (numkeys > argv.length - 2) {
            c.engine().error(c, "ERR Number of keys can't be greater than number of args");
            return;
        }
        int first = 2;
        int end = first + numkeys.intValue();
        long limit = 0;
        for (int j = end; j < argv.length; j++) {
            if (Bytes.eqIgnoreCase(argv[j], "limit") && j + 1 < argv.length) {
                Long l = Bytes.toLong(argv[++j]);
                if (l == null || l < 0) {
                    c.engine().error(c, "ERR LIMIT can't be negative");
                    return;
                }
                limit = l;
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }
        inter(c, Arrays.copyOfRange(argv, first, end), null, true, limit);
    }

    /**
     * Redis's {@code sinterGenericCommand}: SMEMBERS, SINTER, SINTERSTORE (with {@code dst}) and SINTERCARD
     * ({@code cardinalityOnly}, stopping at a non-zero {@code limit}).
     */
    private void inter(Client c, byte[][] keys, byte[] dst, boolean cardinalityOnly, long limit) {
        Database db = c.db();
        SetValue[] sets = new SetValue[keys.length];
        boolean empty = false;
        for (int j = 0; j < keys.length; j++) {
            SetValue s = lookupRead(c, keys[j]);
            if (s == WRONG_TYPE) {
                return;
            }
            empty |= s == null;
            sets[j] = s;
        }
        Reply r = c.reply();
        if (empty) {
            if (dst != null) {
                deleteTarget(c, dst);
                r.integer(0);
            } else if (cardinalityOnly) {
                r.integer(0);
            } else {
                r.set(0);
            }
            return;
        }
        Arrays.sort(sets, Comparator.comparingInt(SetValue::size));
        SetValue base = sets[0];
        SetValue target = dst == null ? null : new SetValue();
        List<byte[]> found = dst == null && !cardinalityOnly ? new ArrayList<>() : null;
        long[] cardinality = new long[1];
        // A visitor that can stop: SINTERCARD's LIMIT ends the walk, where Redis stops its iterator.
        base.forEachWhile(m -> {
            for (int j = 1; j < sets.length; j++) {
                if (sets[j] != base && !sets[j].contains(m)) {
                    return true;
                }
            }
            cardinality[0]++;
            if (cardinalityOnly) {
                return limit == 0 || cardinality[0] < limit;
            }
            if (target != null) {
                target.add(m, maxIntsetEntries.value());
            } else {
                found.add(m);
            }
            return true;
        });
        if (cardinalityOnly) {
            r.integer(cardinality[0]);
        } else if (target != null) {
            store(c, dst, target, "sinterstore");
        } else {
            r.set(found.size());
            for (byte[] m : found) {
                r.bulk(m);
            }
        }
    }

    /** Redis's {@code sunionDiffGenericCommand}: SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE. */
    private void unionDiff(Client c, byte[][] keys, byte[] dst, Op op) {
        SetValue[] sets = new SetValue[keys.length];
        boolean sameSet = false;
        for (int j = 0; j < keys.length; j++) {
            SetValue s = lookupRead(c, keys[j]);
            if (s == WRONG_TYPE) {
                return;
            }
            sets[j] = s;
            if (j > 0 && s != null && s == sets[0]) {
                sameSet = true;
            }
        }
        long max = maxIntsetEntries.value();
        SetValue result = new SetValue();
        if (op == Op.UNION) {
            for (SetValue s : sets) {
                if (s != null) {
                    s.forEach(m -> result.add(m, max));
                }
            }
        } else if (!sameSet && sets[0] != null) {
            // Two algorithms as in Redis: which one runs decides whether the result ever held members that were
            // removed again, which OBJECT ENCODING of the stored result can show.
            long algoOne = 0;
            long algoTwo = 0;
            for (SetValue s : sets) {
                if (s != null) {
                    algoOne += sets[0].size();
                    algoTwo += s.size();
                }
            }
            if (algoOne / 2 <= algoTwo) {
                SetValue[] others = Arrays.copyOfRange(sets, 1, sets.length);
                Arrays.sort(others, Comparator.comparingInt((SetValue s) -> s == null ? 0 : s.size()).reversed());
                sets[0].forEach(m -> {
                    for (SetValue o : others) {
                        if (o != null && o.contains(m)) {
                            return;
                        }
                    }
                    result.add(m, max);
                });
            } else {
                sets[0].forEach(m -> result.add(m, max));
                for (int j = 1; j < sets.length && result.size() > 0; j++) {
                    if (sets[j] != null) {
                        sets[j].forEach(result::remove);
                    }
                }
            }
        }
        if (dst != null) {
            store(c, dst, result, op == Op.UNION ? "sunionstore" : "sdiffstore");
            return;
        }
        Reply r = c.reply();
        r.set(result.size());
        result.forEach(r::bulk);
    }

    /** Stores a computed set at {@code dst} (replacing whatever was there), or deletes dst when it is empty. */
    private static void store(Client c, byte[] dst, SetValue result, String event) {
        if (result.size() > 0) {
            c.db().set(dst, result, false);
            Notify.event(c, KeyspaceEvents.SET, event, dst);
            c.engine().dirty(1);
            c.reply().integer(result.size());
        } else {
            deleteTarget(c, dst);
            c.reply().integer(0);
        }
    }

    private static void deleteTarget(Client c, byte[] dst) {
        if (c.db().delete(dst)) {
            c.db().signalModified(dst);
            Notify.del(c, dst);
            c.engine().dirty(1);
        }
    }
}
