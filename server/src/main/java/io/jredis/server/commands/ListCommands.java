package io.jredis.server.commands;

import io.jredis.server.Blocking;
import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.command.CommandTable;
import io.jredis.server.db.ListValue;
import io.jredis.server.util.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** List commands (Redis's t_list.c), blocking variants included. */
final class ListCommands {
    private static final byte[] LPOP = Bytes.of("LPOP");
    private static final byte[] RPOP = Bytes.of("RPOP");
    private static final byte[] LMOVE = Bytes.of("LMOVE");
    private static final byte[] RPOPLPUSH = Bytes.of("RPOPLPUSH");
    private static final byte[] LEFT = Bytes.of("left");
    private static final byte[] RIGHT = Bytes.of("right");

    /** A value that is not a list: the caller has already replied WRONGTYPE. */
    private static final ListValue WRONG = new ListValue();

    private ListCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("lpush", (c, argv) -> push(c, argv, true, false));
        t.register("rpush", (c, argv) -> push(c, argv, false, false));
        t.register("lpushx", (c, argv) -> push(c, argv, true, true));
        t.register("rpushx", (c, argv) -> push(c, argv, false, true));
        t.register("lpop", (c, argv) -> pop(c, argv, true));
        t.register("rpop", (c, argv) -> pop(c, argv, false));
        t.register("llen", ListCommands::llen);
        t.register("lrange", ListCommands::lrange);
        t.register("lindex", ListCommands::lindex);
        t.register("lset", ListCommands::lset);
        t.register("linsert", ListCommands::linsert);
        t.register("lrem", ListCommands::lrem);
        t.register("ltrim", ListCommands::ltrim);
        t.register("lpos", ListCommands::lpos);
        t.register("lmove", ListCommands::lmove);
        t.register("rpoplpush", ListCommands::rpoplpush);
        t.register("lmpop", (c, argv) -> lmpop(c, argv, false));
        t.register("blpop", (c, argv) -> bpop(c, argv, true));
        t.register("brpop", (c, argv) -> bpop(c, argv, false));
        t.register("blmove", ListCommands::blmove);
        t.register("brpoplpush", ListCommands::brpoplpush);
        t.register("blmpop", (c, argv) -> lmpop(c, argv, true));
    }

    /** The list at {@code key} for a write, null if absent, or {@link #WRONG} after replying WRONGTYPE. */
    private static ListValue list(Client c, byte[] key) {
        return checked(c, c.db().get(key));
    }

    /** The list at {@code key} for a read (counted as a hit or miss, "keymiss" event), as {@link #list}. */
    private static ListValue listRead(Client c, byte[] key) {
        return checked(c, c.engine().lookupRead(c.db(), key));
    }

    private static ListValue checked(Client c, Object v) {
        return Args.typed(c, v, ListValue.class, WRONG);
    }

    /** Deletes the key when its list became empty, as Redis never keeps empty collections ("del" event). */
    private static void dropIfEmpty(Client c, byte[] key, ListValue l) {
        if (l.size() == 0) {
            c.db().delete(key);
            Notify.del(c, key);
        }
    }

    /** Redis's listElementsRemoved: the pop event, then the key's removal when the list emptied. */
    private static void popped(Client c, byte[] key, ListValue l, boolean head, long count) {
        Notify.event(c, KeyspaceEvents.LIST, head ? "lpop" : "rpop", key);
        dropIfEmpty(c, key, l);
        c.db().signalModified(key);
        c.engine().dirty(count);
    }

    /** Normalizes an index as Redis does: negative counts from the end. */
    private static long index(long i, int len) {
        return i < 0 ? len + i : i;
    }

    /** LPUSH/RPUSH/LPUSHX/RPUSHX key element [element ...] */
    private static void push(Client c, byte[][] argv, boolean head, boolean onlyIfExists) {
        ListValue l = list(c, argv[1]);
        if (l == WRONG) {
            return;
        }
        if (l == null) {
            if (onlyIfExists) {
                c.reply().integer(0);
                return;
            }
            l = new ListValue();
            c.db().add(argv[1], l);
        }
        for (int i = 2; i < argv.length; i++) {
            if (head) {
                l.pushHead(argv[i]);
            } else {
                l.pushTail(argv[i]);
            }
        }
        c.db().signalModified(argv[1]);
        Notify.event(c, KeyspaceEvents.LIST, head ? "lpush" : "rpush", argv[1]);
        c.engine().dirty(argv.length - 2);
        c.reply().integer(l.size());
    }

    /** LPOP/RPOP key [count] */
    private static void pop(Client c, byte[][] argv, boolean head) {
        if (argv.length > 3) {
            c.engine().error(c, "ERR wrong number of arguments for '" + (head ? "lpop" : "rpop") + "' command");
            return;
        }
        long count = -1;
        if (argv.length == 3) {
            Long n = Bytes.toLong(argv[2]);
            if (n == null || n < 0) {
                c.engine().error(c, "ERR value is out of range, must be positive");
                return;
            }
            count = n;
        }
        ListValue l = list(c, argv[1]);
        if (l == WRONG) {
            return;
        }
        if (l == null) {
            if (count < 0) {
                c.reply().nullBulk();
            } else {
                c.reply().nullArray();
            }
            return;
        }
        if (count < 0) {
            c.reply().bulk(head ? l.popHead() : l.popTail());
            count = 1;
        } else {
            int n = (int) Math.min(count, l.size());
            c.reply().array(n);
            for (int i = 0; i < n; i++) {
                c.reply().bulk(head ? l.popHead() : l.popTail());
            }
            count = n;
        }
        if (count > 0) {
            popped(c, argv[1], l, head, count);
        }
    }

    /** LLEN key */
    private static void llen(Client c, byte[][] argv) {
        ListValue l = listRead(c, argv[1]);
        if (l != WRONG) {
            c.reply().integer(l == null ? 0 : l.size());
        }
    }

    /** LRANGE key start stop */
    private static void lrange(Client c, byte[][] argv) {
        Long start = Bytes.toLong(argv[2]);
        Long end = Bytes.toLong(argv[3]);
        if (start == null || end == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        ListValue l = listRead(c, argv[1]);
        if (l == WRONG) {
            return;
        }
        if (l == null) {
            c.reply().array(0);
            return;
        }
        int len = l.size();
        long s = Math.max(0, index(start, len));
        long e = index(end, len);
        if (s > e || s >= len) {
            c.reply().array(0);
            return;
        }
        e = Math.min(e, len - 1);
        c.reply().array((int) (e - s + 1));
        for (long i = s; i <= e; i++) {
            c.reply().bulk(l.get((int) i));
        }
    }

    /** LINDEX key index */
    private static void lindex(Client c, byte[][] argv) {
        ListValue l = listRead(c, argv[1]);
        if (l == WRONG) {
            return;
        }
        if (l == null) {
            c.reply().nullBulk();
            return;
        }
        // Redis looks the key up before it parses the index.
        Long idx = Bytes.toLong(argv[2]);
        if (idx == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        long i = index(idx, l.size());
        if (i < 0 || i >= l.size()) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(l.get((int) i));
        }
    }

    /** LSET key index element */
    private static void lset(Client c, byte[][] argv) {
        ListValue l = list(c, argv[1]);
        if (l == WRONG) {
            return;
        }
        if (l == null) {
            c.engine().error(c, "ERR no such key");
            return;
        }
        Long idx = Bytes.toLong(argv[2]);
        if (idx == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        long i = index(idx, l.size());
        if (i < 0 || i >= l.size()) {
            c.engine().error(c, "ERR index out of range");
            return;
        }
        l.set((int) i, argv[3]);
        c.db().signalModified(argv[1]);
        Notify.event(c, KeyspaceEvents.LIST, "lset", argv[1]);
        c.engine().dirty(1);
        c.reply().ok();
    }

    /** LINSERT key BEFORE|AFTER pivot element */
    private static void linsert(Client c, byte[][] argv) {
        boolean after;
        if (Bytes.eqIgnoreCase(argv[2], "after")) {
            after = true;
        } else if (Bytes.eqIgnoreCase(argv[2], "before")) {
            after = false;
        } else {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        ListValue l = list(c, argv[1]);
        if (l == WRONG) {
            return;
        }
        if (l == null) {
            c.reply().integer(0);
            return;
        }
        for (int i = 0; i < l.size(); i++) {
            if (Arrays.equals(l.get(i), argv[3])) {
                l.insert(after ? i + 1 : i, argv[4]);
                c.db().signalModified(argv[1]);
                Notify.event(c, KeyspaceEvents.LIST, "linsert", argv[1]);
                c.engine().dirty(1);
                c.reply().integer(l.size());
                return;
            }
        }
        c.reply().integer(-1);
    }

    /** LREM key count element */
    private static void lrem(Client c, byte[][] argv) {
        Long count = Bytes.toLong(argv[2]);
        if (count == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        ListValue l = list(c, argv[1]);
        if (l == WRONG) {
            return;
        }
        if (l == null) {
            c.reply().integer(0);
            return;
        }
        long removed = 0;
        // Redis negates a negative count in place: LONG_MIN stays negative, so no number of removals reaches it.
        long limit = count == 0 || count == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(count);
        if (count >= 0) {
            for (int i = 0; i < l.size() && removed < limit; ) {
                if (Arrays.equals(l.get(i), argv[3])) {
                    l.remove(i);
                    removed++;
                } else {
                    i++;
                }
            }
        } else {
            for (int i = l.size() - 1; i >= 0 && removed < limit; i--) {
                if (Arrays.equals(l.get(i), argv[3])) {
                    l.remove(i);
                    removed++;
                }
            }
        }
        if (removed > 0) {
            Notify.event(c, KeyspaceEvents.LIST, "lrem", argv[1]);
            dropIfEmpty(c, argv[1], l);
            c.db().signalModified(argv[1]);
            c.engine().dirty(removed);
        }
        c.reply().integer(removed);
    }

    /** LTRIM key start stop */
    private static void ltrim(Client c, byte[][] argv) {
        Long start = Bytes.toLong(argv[2]);
        Long end = Bytes.toLong(argv[3]);
        if (start == null || end == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        ListValue l = list(c, argv[1]);
        if (l == WRONG) {
            return;
        }
        if (l == null) {
            c.reply().ok();
            return;
        }
        int len = l.size();
        long s = Math.max(0, index(start, len));
        long e = index(end, len);
        if (s > e || s >= len) {
            l.trim(1, 0);
        } else {
            l.trim((int) s, (int) Math.min(e, len - 1));
        }
        Notify.event(c, KeyspaceEvents.LIST, "ltrim", argv[1]);
        dropIfEmpty(c, argv[1], l);
        c.db().signalModified(argv[1]);
        // As Redis, only the removed elements count: a trim that keeps the whole list is not propagated.
        c.engine().dirty(len - l.size());
        c.reply().ok();
    }

    /** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
    private static void lpos(Client c, byte[][] argv) {
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int i = 3; i < argv.length; i++) {
            boolean more = i + 1 < argv.length;
            if (Bytes.eqIgnoreCase(argv[i], "rank") && more) {
                Long r = Bytes.toLong(argv[++i]);
                if (r == null) {
                    c.engine().error(c, Args.NOT_INTEGER);
                    return;
                }
                if (r == 0) {
                    c.engine().error(c, "ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
                            + "second ... or use negative to start from the end of the list");
                    return;
                }
                rank = r;
            } else if (Bytes.eqIgnoreCase(argv[i], "count") && more) {
                Long n = Bytes.toLong(argv[++i]);
                // getPositiveLongFromObjectOrReply: a non-number gets the same message as a negative one.
                if (n == null || n < 0) {
                    c.engine().error(c, "ERR COUNT can't be negative");
                    return;
                }
                count = n;
            } else if (Bytes.eqIgnoreCase(argv[i], "maxlen") && more) {
                Long n = Bytes.toLong(argv[++i]);
                if (n == null || n < 0) {
                    c.engine().error(c, "ERR MAXLEN can't be negative");
                    return;
                }
                maxlen = n;
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }
        ListValue l = listRead(c, argv[1]);
        if (l == WRONG) {
            return;
        }
        if (l == null) {
            if (count >= 0) {
                c.reply().array(0);
            } else {
                c.reply().nullBulk();
            }
            return;
        }
        List<Long> found = new ArrayList<>();
        int len = l.size();
        // Redis negates a negative rank in 64 bits; Long.MIN_VALUE stays negative there and so matches the first hit.
        long skip = rank == Long.MIN_VALUE ? 0 : Math.abs(rank) - 1;
        long wanted = count == 0 ? Long.MAX_VALUE : Math.max(count, 1);
        long scanned = 0;
        for (int n = 0; n < len && (maxlen == 0 || scanned < maxlen) && found.size() < wanted; n++, scanned++) {
            int i = rank > 0 ? n : len - 1 - n;
            if (Arrays.equals(l.get(i), argv[2])) {
                if (skip > 0) {
                    skip--;
                } else {
                    found.add((long) i);
                }
            }
        }
        if (count >= 0) {
            c.reply().array(found.size());
            for (long f : found) {
                c.reply().integer(f);
            }
        } else if (found.isEmpty()) {
            c.reply().nullBulk();
        } else {
            c.reply().integer(found.get(0));
        }
    }

    /** Parses LEFT/RIGHT; null (after a syntax error reply) for anything else. */
    private static Boolean side(Client c, byte[] arg) {
        if (Bytes.eqIgnoreCase(arg, "left")) {
            return Boolean.TRUE;
        }
        if (Bytes.eqIgnoreCase(arg, "right")) {
            return Boolean.FALSE;
        }
        c.engine().error(c, Args.SYNTAX);
        return null;
    }

    /**
     * Moves one element from {@code src} to {@code dst} and replies with it; replies null when {@code src} is
     * missing. Returns false only when nothing was moved.
     */
    private static boolean move(Client c, byte[] src, byte[] dst, boolean fromHead, boolean toHead, boolean replyNull) {
        ListValue from = list(c, src);
        if (from == WRONG) {
            return true;
        }
        if (from == null) {
            if (replyNull) {
                c.reply().nullBulk();
            }
            return false;
        }
        ListValue to = list(c, dst);
        if (to == WRONG) {
            return true;
        }
        byte[] v = fromHead ? from.popHead() : from.popTail();
        if (to == null) {
            to = new ListValue();
            c.db().add(dst, to);
        }
        if (toHead) {
            to.pushHead(v);
        } else {
            to.pushTail(v);
        }
        // Redis's lmoveHandlePush notifies the push before the pop and the source's removal.
        Notify.event(c, KeyspaceEvents.LIST, toHead ? "lpush" : "rpush", dst);
        Notify.event(c, KeyspaceEvents.LIST, fromHead ? "lpop" : "rpop", src);
        dropIfEmpty(c, src, from);
        c.db().signalModified(src);
        c.db().signalModified(dst);
        c.engine().dirty(1);
        c.reply().bulk(v);
        return true;
    }

    /** LMOVE source destination LEFT|RIGHT LEFT|RIGHT */
    private static void lmove(Client c, byte[][] argv) {
        Boolean from = side(c, argv[3]);
        Boolean to = from == null ? null : side(c, argv[4]);
        if (to != null) {
            move(c, argv[1], argv[2], from, to, true);
        }
    }

    /** RPOPLPUSH source destination */
    private static void rpoplpush(Client c, byte[][] argv) {
        move(c, argv[1], argv[2], false, true, true);
    }

    /** BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout */
    private static void blmove(Client c, byte[][] argv) {
        Boolean from = side(c, argv[3]);
        Boolean to = from == null ? null : side(c, argv[4]);
        if (to == null) {
            return;
        }
        Long deadline = Blocking.deadline(c, argv[5]);
        if (deadline != null) {
            // Redis propagates the sides as sent when served at once, and in its own lower case when a blocked
            // client is served.
            boolean served = c.engine().blocking().servingKey() != null;
            byte[] fromSide = served ? (from ? LEFT : RIGHT) : argv[3];
            byte[] toSide = served ? (to ? LEFT : RIGHT) : argv[4];
            blockingMove(c, argv[1], argv[2], from, to, deadline,
                    new byte[][] {LMOVE, argv[1], argv[2], fromSide, toSide});
        }
    }

    /** BRPOPLPUSH source destination timeout */
    private static void brpoplpush(Client c, byte[][] argv) {
        Long deadline = Blocking.deadline(c, argv[3]);
        if (deadline != null) {
            blockingMove(c, argv[1], argv[2], false, true, deadline, new byte[][] {RPOPLPUSH, argv[1], argv[2]});
        }
    }

    private static void blockingMove(Client c, byte[] src, byte[] dst, boolean fromHead, boolean toHead, long deadline,
            byte[][] propagateAs) {
        if (move(c, src, dst, fromHead, toHead, false)) {
            c.engine().rewritePropagation(propagateAs);
            return;
        }
        // Where it may not block (MULTI, scripts) Redis replies a null bulk, though a timeout replies a null array.
        if (c.denyBlocking()) {
            c.reply().nullBulk();
            return;
        }
        c.engine().blocking().block(c, new byte[][] {src}, deadline, cl -> cl.reply().nullArray());
    }

    /** BLPOP/BRPOP key [key ...] timeout */
    private static void bpop(Client c, byte[][] argv, boolean head) {
        Long deadline = Blocking.deadline(c, argv[argv.length - 1]);
        if (deadline == null) {
            return;
        }
        for (int i = 1; i < argv.length - 1; i++) {
            ListValue l = list(c, argv[i]);
            if (l == WRONG) {
                return;
            }
            if (l != null) {
                byte[] v = head ? l.popHead() : l.popTail();
                popped(c, argv[i], l, head, 1);
                c.engine().rewritePropagation(new byte[][] {head ? LPOP : RPOP, argv[i]});
                c.reply().array(2);
                c.reply().bulk(argv[i]);
                c.reply().bulk(v);
                return;
            }
        }
        c.engine().blocking().block(c, Arrays.copyOfRange(argv, 1, argv.length - 1), deadline,
                cl -> cl.reply().nullArray());
    }

    /** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]; BLMPOP timeout numkeys ... */
    private static void lmpop(Client c, byte[][] argv, boolean blocking) {
        MultiPopArgs a = MultiPopArgs.parse(c, argv, blocking, "left", "right");
        if (a == null) {
            return;
        }
        boolean head = a.first();
        long count = a.count();
        for (int k = a.firstKey(); k < a.endKey(); k++) {
            ListValue l = list(c, argv[k]);
            if (l == WRONG) {
                return;
            }
            if (l != null) {
                int n = (int) Math.min(count, l.size());
                c.reply().array(2);
                c.reply().bulk(argv[k]);
                c.reply().array(n);
                for (int j = 0; j < n; j++) {
                    c.reply().bulk(head ? l.popHead() : l.popTail());
                }
                popped(c, argv[k], l, head, n);
                c.engine().rewritePropagation(new byte[][] {head ? LPOP : RPOP, argv[k], Bytes.fromLong(n)});
                return;
            }
        }
        if (!blocking) {
            c.reply().nullArray();
            return;
        }
        c.engine().blocking().block(c, Arrays.copyOfRange(argv, a.firstKey(), a.endKey()), a.deadline(),
                cl -> cl.reply().nullArray());
    }
}
