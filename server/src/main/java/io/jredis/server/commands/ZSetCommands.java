package io.jredis.server.commands;

import io.jredis.server.Blocking;
import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.command.CommandTable;
import io.jredis.server.db.Dict;
import io.jredis.server.db.SetValue;
import io.jredis.server.db.ZSetValue;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Sorted set commands (Redis's t_zset.c), blocking pops included. */
final class ZSetCommands {
    private static final ZSetValue WRONG = new ZSetValue();
    private static final byte[] ZPOPMIN = Bytes.of("ZPOPMIN");
    private static final byte[] ZPOPMAX = Bytes.of("ZPOPMAX");

    private ZSetCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("zadd", ZSetCommands::zadd);
        t.register("zincrby", ZSetCommands::zincrby);
        t.register("zrem", ZSetCommands::zrem);
        t.register("zcard", ZSetCommands::zcard);
        t.register("zscore", ZSetCommands::zscore);
        t.register("zmscore", ZSetCommands::zmscore);
        t.register("zrank", (c, argv) -> zrank(c, argv, false));
        t.register("zrevrank", (c, argv) -> zrank(c, argv, true));
        t.register("zcount", ZSetCommands::zcount);
        t.register("zlexcount", ZSetCommands::zlexcount);
        t.register("zrange", (c, argv) -> zrange(c, argv, RangeKind.AUTO, false));
        t.register("zrangestore", ZSetCommands::zrangestore);
        t.register("zrangebyscore", (c, argv) -> zrange(c, argv, RangeKind.SCORE, false));
        t.register("zrevrangebyscore", (c, argv) -> zrange(c, argv, RangeKind.SCORE, true));
        t.register("zrangebylex", (c, argv) -> zrange(c, argv, RangeKind.LEX, false));
        t.register("zrevrangebylex", (c, argv) -> zrange(c, argv, RangeKind.LEX, true));
        t.register("zrevrange", (c, argv) -> zrange(c, argv, RangeKind.RANK, true));
        t.register("zremrangebyrank", (c, argv) -> zremrange(c, argv, RangeKind.RANK));
        t.register("zremrangebyscore", (c, argv) -> zremrange(c, argv, RangeKind.SCORE));
        t.register("zremrangebylex", (c, argv) -> zremrange(c, argv, RangeKind.LEX));
        t.register("zpopmin", (c, argv) -> zpop(c, argv, true));
        t.register("zpopmax", (c, argv) -> zpop(c, argv, false));
        t.register("bzpopmin", (c, argv) -> bzpop(c, argv, true));
        t.register("bzpopmax", (c, argv) -> bzpop(c, argv, false));
        t.register("zmpop", (c, argv) -> zmpop(c, argv, false));
        t.register("bzmpop", (c, argv) -> zmpop(c, argv, true));
        t.register("zunion", (c, argv) -> setOp(c, argv, SetOp.UNION, false));
        t.register("zinter", (c, argv) -> setOp(c, argv, SetOp.INTER, false));
        t.register("zdiff", (c, argv) -> setOp(c, argv, SetOp.DIFF, false));
        t.register("zunionstore", (c, argv) -> setOp(c, argv, SetOp.UNION, true));
        t.register("zinterstore", (c, argv) -> setOp(c, argv, SetOp.INTER, true));
        t.register("zdiffstore", (c, argv) -> setOp(c, argv, SetOp.DIFF, true));
        t.register("zintercard", ZSetCommands::zintercard);
        t.register("zrandmember", ZSetCommands::zrandmember);
        t.register("zscan", ZSetCommands::zscan);
    }

    // ---- helpers ----

    /** The sorted set at {@code key} for a write, null if absent, or {@link #WRONG} after replying WRONGTYPE. */
    private static ZSetValue zset(Client c, byte[] key) {
        return checked(c, c.db().get(key));
    }

    /** The sorted set at {@code key} for a read (counted as a hit or miss, "keymiss" event), as {@link #zset}. */
    private static ZSetValue zsetRead(Client c, byte[] key) {
        return checked(c, c.engine().lookupRead(c.db(), key));
    }

    private static ZSetValue checked(Client c, Object v) {
        return Args.typed(c, v, ZSetValue.class, WRONG);
    }

    static ZSetValue.Limits limits(Engine e) {
        return new ZSetValue.Limits(e.config().zsetMaxListpackEntries.value(), e.config().zsetMaxListpackValue.value());
    }

    /** A score argument (ZADD, ZINCRBY, weights): C's strtod, refusing NaN and out-of-range values. */
    static Double parseScore(byte[] b) {
        double[] d = new double[1];
        if (!Bytes.parseDouble(b, d)) {
            return null;
        }
        if (Double.isInfinite(d[0]) && !Bytes.str(b).toLowerCase().contains("inf")) {
            return null;
        }
        if (d[0] == 0 && hasNonZeroMantissa(b)) {
            return null;
        }
        return d[0];
    }

    private static boolean hasNonZeroMantissa(byte[] b) {
        for (byte x : b) {
            if (x == 'e' || x == 'E' || x == 'p' || x == 'P') {
                return false;
            }
            if (x >= '1' && x <= '9') {
                return true;
            }
        }
        return false;
    }

    /** Writes a score: a double in RESP3, a %.17g bulk string in RESP2. */
    private static void score(Client c, double s) {
        c.reply().dbl(s);
    }

    /** Deletes the key when its set became empty; true if it did (the caller notifies "del" after its event). */
    private static boolean deleteIfEmpty(Client c, byte[] key, ZSetValue z) {
        if (z.size() == 0) {
            c.db().delete(key);
            return true;
        }
        return false;
    }

    /** The command's zset event, then "del" when it removed the key. */
    private static void notify(Client c, String event, byte[] key, boolean removed) {
        Notify.event(c, KeyspaceEvents.ZSET, event, key);
        if (removed) {
            Notify.del(c, key);
        }
    }

    private static void changed(Client c, byte[] key, long n) {
        c.db().signalModified(key);
        c.engine().dirty(n);
    }

    // ---- ranges ----

    private enum RangeKind { AUTO, RANK, SCORE, LEX }

    /**
     * A parsed score or lex interval: {@code from} holds from its first element on, {@code past} from the first one
     * past it; as start/end ranks once applied to a set.
     */
    private record Interval(ZSetValue.Position from, ZSetValue.Position past, boolean lex) {}

    /**
     * Redis's zslParseRange item: "(x" exclusive, strtod accepting leading spaces and "" as 0, refusing NaN. errno is
     * not checked, so an overflowing bound such as 1e400 is an infinity, not an error.
     */
    private static double[] scoreBound(byte[] b) {
        boolean excl = b.length > 0 && b[0] == '(';
        String s = Bytes.str(b).substring(excl ? 1 : 0).stripLeading();
        double v;
        if (s.isEmpty()) {
            v = 0;
        } else {
            double[] d = new double[1];
            if (!Bytes.parseDoubleUnchecked(Bytes.of(s), d)) {
                return null;
            }
            v = d[0];
        }
        return new double[] {v, excl ? 1 : 0};
    }

    private static Interval scoreInterval(Client c, byte[] minArg, byte[] maxArg) {
        double[] min = scoreBound(minArg);
        double[] max = scoreBound(maxArg);
        if (min == null || max == null) {
            c.engine().error(c, "ERR min or max is not a float");
            return null;
        }
        double lo = min[0];
        boolean loEx = min[1] == 1;
        double hi = max[0];
        boolean hiEx = max[1] == 1;
        return new Interval((s, m) -> loEx ? s > lo : s >= lo, (s, m) -> hiEx ? s >= hi : s > hi, false);
    }

    /** A lex bound: null for an invalid item; {@code -}/{@code +} are the infinities. */
    private record Lex(byte[] value, boolean exclusive, int inf) {}

    private static Lex lexBound(byte[] b) {
        if (b.length == 1 && b[0] == '-') {
            return new Lex(null, false, -1);
        }
        if (b.length == 1 && b[0] == '+') {
            return new Lex(null, false, 1);
        }
        if (b.length > 0 && (b[0] == '(' || b[0] == '[')) {
            return new Lex(Arrays.copyOfRange(b, 1, b.length), b[0] == '(', 0);
        }
        return null;
    }

    private static Interval lexInterval(Client c, byte[] minArg, byte[] maxArg) {
        Lex min = lexBound(minArg);
        Lex max = lexBound(maxArg);
        if (min == null || max == null) {
            c.engine().error(c, "ERR min or max not valid string range item");
            return null;
        }
        if (lexEmpty(min, max)) {
            // zslIsInLexRange: an interval that holds no string matches nothing, whatever the members' order.
            return new Interval((s, m) -> false, (s, m) -> true, true);
        }
        ZSetValue.Position from = (s, m) -> {
            if (min.inf() != 0) {
                return min.inf() < 0;
            }
            int cmp = Arrays.compareUnsigned(m, min.value());
            return min.exclusive() ? cmp > 0 : cmp >= 0;
        };
        ZSetValue.Position past = (s, m) -> {
            if (max.inf() != 0) {
                return max.inf() < 0;
            }
            int cmp = Arrays.compareUnsigned(m, max.value());
            return max.exclusive() ? cmp >= 0 : cmp > 0;
        };
        return new Interval(from, past, true);
    }

    /** True when no string lies between the bounds, as Redis's sdscmplex orders them ("-" and "+" outermost). */
    private static boolean lexEmpty(Lex min, Lex max) {
        int order;
        if (min.inf() != 0 || max.inf() != 0) {
            order = min.inf() == max.inf() ? 0 : min.inf() < 0 || max.inf() > 0 ? -1 : 1;
        } else {
            order = Integer.signum(Arrays.compareUnsigned(min.value(), max.value()));
        }
        return order > 0 || (order == 0 && (min.exclusive() || max.exclusive()));
    }

    /**
     * Ranks [first, last] covered by an interval; first > last when empty. As Redis's zslIsInRange and
     * zslIsInLexRange, nothing matches unless the last element is at or after the start and the first one is before
     * the end: for sorted scores a shortcut, for lex ranges over unequal scores what Redis answers.
     */
    private static long[] ranks(ZSetValue z, Interval iv) {
        if (outside(z, iv)) {
            return new long[] {0, -1};
        }
        if (walks(z, iv)) {
            return walked(z, iv, false, 0, -1);
        }
        long first = z.firstRank(iv.from());
        long last = z.firstRank(iv.past()) - 1;
        return new long[] {first, last};
    }

    /** True when the interval cannot match: its start is past the last element, or its end before the first. */
    private static boolean outside(ZSetValue z, Interval iv) {
        long size = z.size();
        return size > 0 && (!iv.from().atOrAfter(z.scoreAt(size - 1), z.memberAt(size - 1))
                || iv.past().atOrAfter(z.scoreAt(0), z.memberAt(0)));
    }

    /** A lex range over a listpack, which Redis walks element by element rather than seeking ({@link #walked}). */
    private static boolean walks(ZSetValue z, Interval iv) {
        return iv.lex() && z.encoding().equals("listpack");
    }

    /**
     * A lex range in a listpack as Redis walks it (zzlFirstInLexRange, zzlLastInLexRange, then element by element):
     * from the head to the first member at or after the start, which must not be past the end; {@code offset}
     * members skipped unchecked; then on while members are not past the end, at most {@code limit} (-1: no limit).
     * A reverse range walks from the tail to the last member not past the end, then back while members are at or
     * after the start. Over unequal scores the members are not in lex order, and this walk is what Redis answers (a
     * forward and a reverse range can then select different members). Returns the ranks [first, last] selected.
     */
    private static long[] walked(ZSetValue z, Interval iv, boolean rev, long offset, long limit) {
        long n = z.size();
        long[] none = {0, -1};
        if (!rev) {
            long first = 0;
            while (first < n && !iv.from().atOrAfter(z.scoreAt(first), z.memberAt(first))) {
                first++;
            }
            if (first == n || iv.past().atOrAfter(z.scoreAt(first), z.memberAt(first))) {
                return none;
            }
            long start = first + offset;
            long end = start;
            while (end < n && (limit < 0 || end - start < limit)
                    && !iv.past().atOrAfter(z.scoreAt(end), z.memberAt(end))) {
                end++;
            }
            return start >= n ? none : new long[] {start, end - 1};
        }
        long last = n - 1;
        while (last >= 0 && iv.past().atOrAfter(z.scoreAt(last), z.memberAt(last))) {
            last--;
        }
        if (last < 0 || !iv.from().atOrAfter(z.scoreAt(last), z.memberAt(last))) {
            return none;
        }
        long start = last - offset;
        long end = start;
        while (end >= 0 && (limit < 0 || start - end < limit) && iv.from().atOrAfter(z.scoreAt(end), z.memberAt(end))) {
            end--;
        }
        return start < 0 ? none : new long[] {end + 1, start};
    }

    /** Redis's rank normalisation for ZRANGE/ZREMRANGEBYRANK; returns null when empty. */
    private static long[] rankRange(long start, long end, long len) {
        if (start < 0) {
            start += len;
        }
        if (end < 0) {
            end += len;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= len) {
            return null;
        }
        if (end >= len) {
            end = len - 1;
        }
        return new long[] {start, end};
    }

    /** Members and scores selected by a range command, in reply order. */
    private record Selection(List<byte[]> members, List<Double> scores) {
        Selection() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        void add(byte[] m, double s) {
            members.add(m);
            scores.add(s);
        }
    }

    /** The ranks {@code from..to} of {@code z} a range command selected, visited backwards when {@code rev}. */
    private record Span(ZSetValue z, long from, long to, boolean rev) {
        static final Span EMPTY = new Span(null, 0, -1, false);

        long size() {
            return to - from + 1;
        }

        void forEach(ZSetValue.MemberVisitor visitor) {
            if (z != null) {
                z.forRange(from, to, rev, visitor);
            }
        }
    }

    /** A parsed ZRANGE-family request. */
    private static final class RangeRequest {
        RangeKind kind;
        boolean rev;
        boolean withScores;
        long offset;
        long limit = -1;
    }

    /**
     * Parses and evaluates a ZRANGE-family request (Redis's zrangeGenericCommand). {@code argv[keyIdx]} is the
     * source key, followed by min and max. Returns null after replying with an error; an empty span for a
     * missing key. {@code forcedKind}/{@code forcedRev} are the legacy commands' fixed modes (null: AUTO).
     */
    private static Span select(Client c, byte[][] argv, int keyIdx, RangeKind forcedKind, Boolean forcedRev,
            boolean store, RangeRequest req) {
        req.kind = forcedKind;
        Boolean rev = forcedRev;
        for (int j = keyIdx + 3; j < argv.length; j++) {
            int left = argv.length - j - 1;
            if (!store && Bytes.eqIgnoreCase(argv[j], "withscores")) {
                req.withScores = true;
            } else if (Bytes.eqIgnoreCase(argv[j], "limit") && left >= 2) {
                Long o = Bytes.toLong(argv[j + 1]);
                Long l = o == null ? null : Bytes.toLong(argv[j + 2]);
                if (l == null) {
                    c.engine().error(c, Args.NOT_INTEGER);
                    return null;
                }
                req.offset = o;
                req.limit = l;
                j += 2;
            } else if (forcedRev == null && rev == null && Bytes.eqIgnoreCase(argv[j], "rev")) {
                rev = true;
            } else if (forcedKind == null && req.kind == null && Bytes.eqIgnoreCase(argv[j], "bylex")) {
                req.kind = RangeKind.LEX;
            } else if (forcedKind == null && req.kind == null && Bytes.eqIgnoreCase(argv[j], "byscore")) {
                req.kind = RangeKind.SCORE;
            } else {
                c.engine().error(c, Args.SYNTAX);
                return null;
            }
        }
        req.rev = rev != null && rev;
        if (req.kind == null) {
            req.kind = RangeKind.RANK;
        }
        if (req.limit != -1 && req.kind == RangeKind.RANK) {
            c.engine().error(c, "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return null;
        }
        if (req.withScores && req.kind == RangeKind.LEX) {
            c.engine().error(c, "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return null;
        }
        byte[] minArg = argv[keyIdx + 1];
        byte[] maxArg = argv[keyIdx + 2];
        if (req.rev && req.kind != RangeKind.RANK) {
            byte[] t = minArg;
            minArg = maxArg;
            maxArg = t;
        }
        long start = 0;
        long end = 0;
        Interval iv = null;
        if (req.kind == RangeKind.RANK) {
            Long s = Bytes.toLong(minArg);
            Long e = s == null ? null : Bytes.toLong(maxArg);
            if (e == null) {
                c.engine().error(c, Args.NOT_INTEGER);
                return null;
            }
            start = s;
            end = e;
        } else {
            iv = req.kind == RangeKind.SCORE ? scoreInterval(c, minArg, maxArg) : lexInterval(c, minArg, maxArg);
            if (iv == null) {
                return null;
            }
        }
        ZSetValue z = zsetRead(c, argv[keyIdx]);
        if (z == WRONG) {
            return null;
        }
        if (z == null) {
            return Span.EMPTY;
        }
        long len = z.size();
        if (req.kind == RangeKind.RANK) {
            long[] r = rankRange(start, end, len);
            if (r == null) {
                return Span.EMPTY;
            }
            long from = req.rev ? len - 1 - r[1] : r[0];
            long to = req.rev ? len - 1 - r[0] : r[1];
            return new Span(z, from, to, req.rev);
        }
        if (req.offset < 0) {
            return Span.EMPTY;
        }
        if (walks(z, iv)) {
            long[] w = outside(z, iv) ? null : walked(z, iv, req.rev, req.offset, req.limit);
            return w == null || w[0] > w[1] ? Span.EMPTY : new Span(z, w[0], w[1], req.rev);
        }
        long[] r = ranks(z, iv);
        if (r[0] > r[1]) {
            return Span.EMPTY;
        }
        long count = r[1] - r[0] + 1;
        if (req.offset >= count) {
            return Span.EMPTY;
        }
        long n = req.limit < 0 ? count - req.offset : Math.min(req.limit, count - req.offset);
        long from = req.rev ? r[1] - req.offset - n + 1 : r[0] + req.offset;
        return new Span(z, from, from + n - 1, req.rev);
    }

    /**
     * Writes a span's members (and scores) as ZRANGE does, straight from the sorted set: collecting them first, each
     * score boxed, was half of a 100-member ZRANGE's time.
     */
    private static void replySpan(Client c, Span span, boolean withScores) {
        replyLength(c, span.size(), withScores);
        span.forEach((m, score) -> replyMember(c, m, score, withScores));
    }

    /** Writes members (and scores) as ZRANGE does: flat pairs in RESP2, [member, score] arrays in RESP3. */
    private static void replySelection(Client c, Selection sel, boolean withScores) {
        int n = sel.members().size();
        replyLength(c, n, withScores);
        for (int i = 0; i < n; i++) {
            replyMember(c, sel.members().get(i), sel.scores().get(i), withScores);
        }
    }

    /** The array header of {@code n} members: twice as long with scores in RESP2, where they come flat. */
    private static void replyLength(Client c, long n, boolean withScores) {
        c.reply().array(withScores && !c.reply().resp3() ? n * 2 : n);
    }

    /** One member of a range reply, with its score when asked: a [member, score] pair in RESP3. */
    private static void replyMember(Client c, byte[] m, double score, boolean withScores) {
        Reply r = c.reply();
        if (withScores && r.resp3()) {
            r.array(2);
        }
        r.bulk(m);
        if (withScores) {
            score(c, score);
        }
    }

    /** ZRANGE and its legacy forms. */
    private static void zrange(Client c, byte[][] argv, RangeKind kind, boolean rev) {
        RangeRequest req = new RangeRequest();
        Span span = select(c, argv, 1, kind == RangeKind.AUTO ? null : kind,
                kind == RangeKind.AUTO ? null : rev, false, req);
        if (span != null) {
            replySpan(c, span, req.withScores);
        }
    }

    /** ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] */
    private static void zrangestore(Client c, byte[][] argv) {
        RangeRequest req = new RangeRequest();
        Span span = select(c, argv, 2, null, null, true, req);
        if (span == null) {
            return;
        }
        // The ranks ascending whatever REV said: the stored set orders them by score anyway.
        Scored sel = new Scored((int) span.size());
        if (span.z() != null) {
            span.z().forRange(span.from(), span.to(), false, sel::add);
        }
        zeroListpackPrefix(sel, req, limits(c.engine()));
        store(c, argv[1], sel, "zrangestore");
        c.reply().integer(sel.n);
    }

    /**
     * Redis builds ZRANGESTORE's result by zsetAdd in emission order (descending under REV) into a listpack (for a
     * rank range only when it fits the entry limit) that converts to a skiplist at the first member past either
     * limit. The members added before that went through the listpack, where a score of -0 is stored as 0; the rest
     * keep -0. {@link ZSetValue#ofSorted} zeroes every -0 only when the whole result stays a listpack.
     */
    private static void zeroListpackPrefix(Scored sel, RangeRequest req, ZSetValue.Limits limits) {
        if (req.kind == RangeKind.RANK && sel.n > limits.maxListpackEntries()) {
            return;
        }
        for (int k = 0; k < sel.n; k++) {
            int i = req.rev ? sel.n - 1 - k : k;
            if (k + 1 > limits.maxListpackEntries() || sel.members[i].length > limits.maxListpackValue()) {
                return;
            }
            if (sel.scores[i] == 0) {
                sel.scores[i] = 0.0;
            }
        }
    }

    /** Replaces {@code dst} with the sorted result (deleting it when empty), notifying {@code event} or "del". */
    private static void store(Client c, byte[] dst, Scored sorted, String event) {
        if (sorted.n == 0) {
            // Nothing to store and nothing deleted: as Redis, no change, so nothing to propagate.
            if (c.db().delete(dst)) {
                changed(c, dst, 1);
                Notify.del(c, dst);
            }
            return;
        }
        c.db().set(dst, ZSetValue.ofSorted(sorted.members, sorted.scores, sorted.n, limits(c.engine())), false);
        Notify.event(c, KeyspaceEvents.ZSET, event, dst);
        c.engine().dirty(1);
    }

    /** ZREMRANGEBYRANK/BYSCORE/BYLEX key min max */
    private static void zremrange(Client c, byte[][] argv, RangeKind kind) {
        long start = 0;
        long end = 0;
        Interval iv = null;
        if (kind == RangeKind.RANK) {
            Long s = Bytes.toLong(argv[2]);
            Long e = s == null ? null : Bytes.toLong(argv[3]);
            if (e == null) {
                c.engine().error(c, Args.NOT_INTEGER);
                return;
            }
            start = s;
            end = e;
        } else {
            iv = kind == RangeKind.SCORE ? scoreInterval(c, argv[2], argv[3]) : lexInterval(c, argv[2], argv[3]);
            if (iv == null) {
                return;
            }
        }
        ZSetValue z = zset(c, argv[1]);
        if (z == WRONG) {
            return;
        }
        if (z == null) {
            c.reply().integer(0);
            return;
        }
        long removed;
        if (kind == RangeKind.RANK) {
            long[] r = rankRange(start, end, z.size());
            removed = r == null ? 0 : z.removeRange(r[0], r[1]);
        } else {
            long[] r = ranks(z, iv);
            removed = z.removeRange(r[0], r[1]);
        }
        if (removed > 0) {
            boolean gone = deleteIfEmpty(c, argv[1], z);
            changed(c, argv[1], removed);
            String event = kind == RangeKind.RANK ? "zremrangebyrank"
                    : kind == RangeKind.SCORE ? "zremrangebyscore" : "zremrangebylex";
            notify(c, event, argv[1], gone);
        }
        c.reply().integer(removed);
    }

    // ---- single-member commands ----

    /** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] */
    private static void zadd(Client c, byte[][] argv) {
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        boolean ch = false;
        boolean incr = false;
        int i = 2;
        for (; i < argv.length; i++) {
            byte[] a = argv[i];
            if (Bytes.eqIgnoreCase(a, "nx")) {
                nx = true;
            } else if (Bytes.eqIgnoreCase(a, "xx")) {
                xx = true;
            } else if (Bytes.eqIgnoreCase(a, "gt")) {
                gt = true;
            } else if (Bytes.eqIgnoreCase(a, "lt")) {
                lt = true;
            } else if (Bytes.eqIgnoreCase(a, "ch")) {
                ch = true;
            } else if (Bytes.eqIgnoreCase(a, "incr")) {
                incr = true;
            } else {
                break;
            }
        }
        int pairs = argv.length - i;
        if (pairs % 2 != 0 || pairs == 0) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        pairs /= 2;
        if (nx && xx) {
            c.engine().error(c, "ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            c.engine().error(c, "ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (incr && pairs > 1) {
            c.engine().error(c, "ERR INCR option supports a single increment-element pair");
            return;
        }
        double[] scores = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            Double s = parseScore(argv[i + p * 2]);
            if (s == null) {
                c.engine().error(c, Args.NOT_FLOAT);
                return;
            }
            scores[p] = s;
        }
        ZSetValue z = zset(c, argv[1]);
        if (z == WRONG) {
            return;
        }
        if (z == null) {
            if (xx) {
                if (incr) {
                    c.reply().nullBulk();
                } else {
                    c.reply().integer(0);
                }
                return;
            }
            z = new ZSetValue();
            c.db().add(argv[1], z);
        }
        ZSetValue.Limits limits = limits(c.engine());
        long added = 0;
        long updated = 0;
        Double incrResult = null;
        for (int p = 0; p < pairs; p++) {
            byte[] member = argv[i + p * 2 + 1];
            double score = scores[p];
            Double cur = z.score(member);
            if (cur != null) {
                if (nx) {
                    continue;
                }
                if (incr) {
                    score = cur + score;
                    if (Double.isNaN(score)) {
                        c.engine().error(c, "ERR resulting score is not a number (NaN)");
                        deleteIfEmpty(c, argv[1], z);
                        return;
                    }
                }
                if ((gt && score <= cur) || (lt && score >= cur)) {
                    continue;
                }
                incrResult = score;
                if (score != cur) {
                    z.put(member, score, limits);
                    updated++;
                }
            } else {
                if (xx) {
                    continue;
                }
                z.put(member, score, limits);
                incrResult = score;
                added++;
            }
        }
        deleteIfEmpty(c, argv[1], z);
        if (added + updated > 0) {
            changed(c, argv[1], added + updated);
            Notify.event(c, KeyspaceEvents.ZSET, incr ? "zincr" : "zadd", argv[1]);
        }
        if (incr) {
            if (incrResult == null) {
                c.reply().nullBulk();
            } else {
                score(c, incrResult);
            }
        } else {
            c.reply().integer(ch ? added + updated : added);
        }
    }

    /** ZINCRBY key increment member */
    private static void zincrby(Client c, byte[][] argv) {
        Double inc = parseScore(argv[2]);
        if (inc == null) {
            c.engine().error(c, Args.NOT_FLOAT);
            return;
        }
        ZSetValue z = zset(c, argv[1]);
        if (z == WRONG) {
            return;
        }
        Double cur = null;
        if (z == null) {
            z = new ZSetValue();
            c.db().add(argv[1], z);
        } else {
            cur = z.score(argv[3]);
        }
        // A new member takes the increment as its score (so -0 stays -0, as in Redis's zsetAdd).
        double next = cur == null ? inc : cur + inc;
        if (Double.isNaN(next)) {
            deleteIfEmpty(c, argv[1], z);
            c.engine().error(c, "ERR resulting score is not a number (NaN)");
            return;
        }
        // As zaddGenericCommand: a score that stays the same is no change (no event, WATCH not touched).
        if (cur == null || next != cur) {
            z.put(argv[3], next, limits(c.engine()));
            changed(c, argv[1], 1);
            Notify.event(c, KeyspaceEvents.ZSET, "zincr", argv[1]);
        }
        score(c, next);
    }

    /** ZREM key member [member ...] */
    private static void zrem(Client c, byte[][] argv) {
        ZSetValue z = zset(c, argv[1]);
        if (z == WRONG) {
            return;
        }
        long removed = 0;
        if (z != null) {
            for (int i = 2; i < argv.length; i++) {
                if (z.remove(argv[i])) {
                    removed++;
                }
            }
            if (removed > 0) {
                boolean gone = deleteIfEmpty(c, argv[1], z);
                changed(c, argv[1], removed);
                notify(c, "zrem", argv[1], gone);
            }
        }
        c.reply().integer(removed);
    }

    private static void zcard(Client c, byte[][] argv) {
        ZSetValue z = zsetRead(c, argv[1]);
        if (z != WRONG) {
            c.reply().integer(z == null ? 0 : z.size());
        }
    }

    private static void zscore(Client c, byte[][] argv) {
        ZSetValue z = zsetRead(c, argv[1]);
        if (z == WRONG) {
            return;
        }
        Double s = z == null ? null : z.score(argv[2]);
        if (s == null) {
            c.reply().nullBulk();
        } else {
            score(c, s);
        }
    }

    private static void zmscore(Client c, byte[][] argv) {
        ZSetValue z = zsetRead(c, argv[1]);
        if (z == WRONG) {
            return;
        }
        c.reply().array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            Double s = z == null ? null : z.score(argv[i]);
            if (s == null) {
                c.reply().nullBulk();
            } else {
                score(c, s);
            }
        }
    }

    private static void zrank(Client c, byte[][] argv, boolean rev) {
        ZSetValue z = zsetRead(c, argv[1]);
        if (z == WRONG) {
            return;
        }
        long r = z == null ? -1 : z.rank(argv[2]);
        if (r < 0) {
            c.reply().nullBulk();
        } else {
            c.reply().integer(rev ? z.size() - 1 - r : r);
        }
    }

    private static void zcount(Client c, byte[][] argv) {
        Interval iv = scoreInterval(c, argv[2], argv[3]);
        if (iv != null) {
            countIn(c, argv[1], iv);
        }
    }

    private static void zlexcount(Client c, byte[][] argv) {
        Interval iv = lexInterval(c, argv[2], argv[3]);
        if (iv != null) {
            countIn(c, argv[1], iv);
        }
    }

    private static void countIn(Client c, byte[] key, Interval iv) {
        ZSetValue z = zsetRead(c, key);
        if (z == WRONG) {
            return;
        }
        if (z == null) {
            c.reply().integer(0);
            return;
        }
        long[] r = ranks(z, iv);
        c.reply().integer(Math.max(0, r[1] - r[0] + 1));
    }

    // ---- pops ----

    /** Pops up to {@code count} from one end into a selection and deletes the key when emptied. */
    private static Selection popFrom(Client c, byte[] key, ZSetValue z, long count, boolean min) {
        Selection sel = new Selection();
        long n = Math.min(count, z.size());
        if (n <= 0) {
            return sel;
        }
        long from = min ? 0 : z.size() - n;
        long to = min ? n - 1 : z.size() - 1;
        z.forRange(from, to, !min, sel::add);
        z.removeRange(from, to);
        boolean gone = deleteIfEmpty(c, key, z);
        changed(c, key, n);
        notify(c, min ? "zpopmin" : "zpopmax", key, gone);
        return sel;
    }

    /** ZPOPMIN/ZPOPMAX key [count] */
    private static void zpop(Client c, byte[][] argv, boolean min) {
        if (argv.length > 3) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        long count = 1;
        boolean countGiven = argv.length == 3;
        if (countGiven) {
            Long n = Bytes.toLong(argv[2]);
            if (n == null || n < 0) {
                c.engine().error(c, "ERR value is out of range, must be positive");
                return;
            }
            count = n;
        }
        ZSetValue z = zset(c, argv[1]);
        if (z == WRONG) {
            return;
        }
        Selection sel = z == null ? new Selection() : popFrom(c, argv[1], z, count, min);
        if (countGiven && c.reply().resp3()) {
            replySelection(c, sel, true);
        } else {
            flatPairs(c, sel);
        }
    }

    private static void flatPairs(Client c, Selection sel) {
        c.reply().array(sel.members().size() * 2);
        for (int i = 0; i < sel.members().size(); i++) {
            c.reply().bulk(sel.members().get(i));
            score(c, sel.scores().get(i));
        }
    }

    /** BZPOPMIN/BZPOPMAX key [key ...] timeout */
    private static void bzpop(Client c, byte[][] argv, boolean min) {
        Long deadline = Blocking.deadline(c, argv[argv.length - 1]);
        if (deadline == null) {
            return;
        }
        for (int i = 1; i < argv.length - 1; i++) {
            ZSetValue z = zset(c, argv[i]);
            if (z == WRONG) {
                return;
            }
            if (z != null) {
                Selection sel = popFrom(c, argv[i], z, 1, min);
                c.engine().rewritePropagation(new byte[][] {min ? ZPOPMIN : ZPOPMAX, argv[i]});
                c.reply().array(3);
                c.reply().bulk(argv[i]);
                c.reply().bulk(sel.members().get(0));
                score(c, sel.scores().get(0));
                return;
            }
        }
        c.engine().blocking().block(c, Arrays.copyOfRange(argv, 1, argv.length - 1), deadline,
                cl -> cl.reply().nullArray());
    }

    /** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]; BZMPOP timeout numkeys ... */
    private static void zmpop(Client c, byte[][] argv, boolean blocking) {
        MultiPopArgs a = MultiPopArgs.parse(c, argv, blocking, "min", "max");
        if (a == null) {
            return;
        }
        boolean min = a.first();
        long count = a.count();
        for (int k = a.firstKey(); k < a.endKey(); k++) {
            ZSetValue z = zset(c, argv[k]);
            if (z == WRONG) {
                return;
            }
            if (z != null) {
                Selection sel = popFrom(c, argv[k], z, count, min);
                c.engine().rewritePropagation(new byte[][] {min ? ZPOPMIN : ZPOPMAX, argv[k],
                    Bytes.fromLong(sel.members().size())});
                c.reply().array(2);
                c.reply().bulk(argv[k]);
                c.reply().array(sel.members().size());
                for (int i = 0; i < sel.members().size(); i++) {
                    c.reply().array(2);
                    c.reply().bulk(sel.members().get(i));
                    score(c, sel.scores().get(i));
                }
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

    // ---- set operations ----

    private enum SetOp { UNION, INTER, DIFF }

    /**
     * ZUNION/ZINTER/ZDIFF numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES] and their
     * STORE forms with a destination first. Plain sets count as sorted sets with every score 1, as in Redis.
     */
    private static void setOp(Client c, byte[][] argv, SetOp op, boolean store) {
        int numIdx = store ? 2 : 1;
        String name = Bytes.lower(argv[0]);
        Long numkeys = Bytes.toLong(argv[numIdx]);
        if (numkeys == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        if (numkeys < 1) {
            c.engine().error(c, "ERR at least 1 input key is needed for '" + name + "' command");
            return;
        }
        if (numkeys > argv.length - numIdx - 1) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        int n = numkeys.intValue();
        // Redis reads (and type-checks) the input keys before it parses the options.
        Source[] src = sources(c, argv, numIdx + 1, n);
        if (src == null) {
            return;
        }
        int aggregate = 0;
        boolean withScores = false;
        for (int i = numIdx + 1 + n; i < argv.length; i++) {
            int left = argv.length - i - 1;
            if (op != SetOp.DIFF && Bytes.eqIgnoreCase(argv[i], "weights") && left >= n) {
                for (int w = 0; w < n; w++) {
                    Double d = parseScore(argv[i + 1 + w]);
                    if (d == null) {
                        c.engine().error(c, "ERR weight value is not a float");
                        return;
                    }
                    src[w].weight = d;
                }
                i += n;
            } else if (op != SetOp.DIFF && Bytes.eqIgnoreCase(argv[i], "aggregate") && left >= 1) {
                byte[] a = argv[++i];
                if (Bytes.eqIgnoreCase(a, "sum")) {
                    aggregate = 0;
                } else if (Bytes.eqIgnoreCase(a, "min")) {
                    aggregate = 1;
                } else if (Bytes.eqIgnoreCase(a, "max")) {
                    aggregate = 2;
                } else {
                    c.engine().error(c, Args.SYNTAX);
                    return;
                }
            } else if (!store && Bytes.eqIgnoreCase(argv[i], "withscores")) {
                withScores = true;
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }
        if (op != SetOp.DIFF) {
            bySize(src);
        }
        Scored result = combine(src, aggregate, op);
        ZSetValue.sort(result.members, result.scores, result.n);
        if (store) {
            String event = op == SetOp.UNION ? "zunionstore" : op == SetOp.INTER ? "zinterstore" : "zdiffstore";
            store(c, argv[1], result, event);
            c.reply().integer(result.n);
        } else {
            replyLength(c, result.n, withScores);
            for (int i = 0; i < result.n; i++) {
                replyMember(c, result.members[i], result.scores[i], withScores);
            }
        }
    }

    /**
     * One input of ZUNION/ZINTER/ZDIFF/ZINTERCARD, read in place: a sorted set, a plain set (every score 1) or a
     * missing key (empty). Copying each input into a map first was a third of a ZINTERSTORE's time.
     */
    private static final class Source {
        final ZSetValue zset;
        final SetValue set;
        double weight = 1;

        Source(ZSetValue zset, SetValue set) {
            this.zset = zset;
            this.set = set;
        }

        int size() {
            return zset != null ? zset.size() : set != null ? set.size() : 0;
        }

        void forEach(ZSetValue.MemberVisitor visitor) {
            if (zset != null) {
                zset.forRange(0, zset.size() - 1, false, visitor);
            } else if (set != null) {
                set.forEach(m -> visitor.accept(m, 1));
            }
        }

        /** The member's score, NaN (never a score) when absent. */
        double score(byte[] member) {
            if (zset != null) {
                return zset.scoreOrNaN(member);
            }
            return set != null && set.contains(member) ? 1 : Double.NaN;
        }
    }

    /** The input at {@code key}; null after replying WRONGTYPE. */
    private static Source source(Client c, byte[] key) {
        Object v = c.engine().lookupRead(c.db(), key);
        if (v == null || v instanceof ZSetValue) {
            return new Source((ZSetValue) v, null);
        }
        if (v instanceof SetValue set) {
            return new Source(null, set);
        }
        c.engine().error(c, Args.WRONGTYPE);
        return null;
    }

    /** The inputs {@code argv[from..from+n)}, or null after replying WRONGTYPE. */
    private static Source[] sources(Client c, byte[][] argv, int from, int n) {
        Source[] src = new Source[n];
        for (int k = 0; k < n; k++) {
            src[k] = source(c, argv[from + k]);
            if (src[k] == null) {
                return null;
            }
        }
        return src;
    }

    /**
     * Smallest input first, as Redis's qsort by cardinality (stable for a few inputs): it decides which input an
     * intersection walks and the order scores are aggregated in, which SUM of inf and -inf makes visible.
     */
    private static void bySize(Source[] src) {
        Arrays.sort(src, Comparator.comparingInt(Source::size));
    }

    /**
     * Redis's zunionInterAggregate: a NaN sum (inf + -inf) becomes 0; MIN and MAX keep the target unless the value
     * compares below (above) it, so a NaN value (an inf score weighted 0) and a zero of the other sign are ignored.
     */
    private static double aggregate(int how, double target, double value) {
        return switch (how) {
            case 1 -> value < target ? value : target;
            case 2 -> value > target ? value : target;
            default -> {
                double s = target + value;
                yield Double.isNaN(s) ? 0 : s;
            }
        };
    }

    /** A score as an input's weight makes it before aggregation: Redis stores 0 for a NaN product (inf * 0). */
    private static double weighted(double score, double weight) {
        double v = score * weight;
        return Double.isNaN(v) ? 0 : v;
    }

    /** A set operation's result: members and scores in parallel arrays, collected in any order. */
    private static final class Scored {
        byte[][] members;
        double[] scores;
        int n;

        Scored(int capacity) {
            members = new byte[Math.max(capacity, 1)][];
            scores = new double[members.length];
        }

        void add(byte[] member, double score) {
            if (n == members.length) {
                members = Arrays.copyOf(members, n * 2);
                scores = Arrays.copyOf(scores, n * 2);
            }
            members[n] = member;
            scores[n++] = score;
        }
    }

    /**
     * The intersection's score for a member of the smallest input, or NaN when another input lacks it. Inputs after
     * the first are aggregated with their weighted score unchecked, as Redis does: only the first product's NaN is
     * replaced by 0, so a later NaN is what {@link #aggregate} makes of it.
     */
    private static double interScore(Source[] src, byte[] member, double score, int how) {
        double v = weighted(score, src[0].weight);
        for (int k = 1; k < src.length; k++) {
            double s = src[k].score(member);
            if (Double.isNaN(s)) {
                return Double.NaN;
            }
            v = aggregate(how, v, s * src[k].weight);
        }
        return v;
    }

    /** The members (and scores) the set operation leaves, in no particular order. */
    private static Scored combine(Source[] src, int how, SetOp op) {
        switch (op) {
            case INTER -> {
                Scored out = new Scored(src[0].size());
                src[0].forEach((m, s) -> {
                    double v = interScore(src, m, s, how);
                    if (!Double.isNaN(v)) {
                        out.add(m, v);
                    }
                });
                return out;
            }
            case UNION -> {
                // Redis's accumulator dict, sized for the largest input, holding each member's running score.
                Dict acc = new Dict();
                acc.reserve(src[src.length - 1].size());
                for (Source in : src) {
                    in.forEach((m, s) -> {
                        double v = weighted(s, in.weight);
                        Dict.Entry e = acc.findOrCreate(m);
                        if (e.value() instanceof double[] score) {
                            score[0] = aggregate(how, score[0], v);
                        } else {
                            e.value(new double[] {v});
                        }
                    });
                }
                Scored out = new Scored(acc.size());
                acc.forEach(e -> out.add(e.key, ((double[]) e.value())[0]));
                return out;
            }
            default -> {
                Scored out = new Scored(src[0].size());
                src[0].forEach((m, s) -> {
                    for (int k = 1; k < src.length; k++) {
                        if (!Double.isNaN(src[k].score(m))) {
                            return;
                        }
                    }
                    out.add(m, s);
                });
                return out;
            }
        }
    }

    /** ZINTERCARD numkeys key [key ...] [LIMIT limit] */
    private static void zintercard(Client c, byte[][] argv) {
        Long numkeys = Bytes.toLong(argv[1]);
        if (numkeys == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        if (numkeys < 1) {
            c.engine().error(c, "ERR at least 1 input key is needed for 'zintercard' command");
            return;
        }
        if (numkeys > argv.length - 2) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        int n = numkeys.intValue();
        // As ZINTER: the keys are read before the options.
        Source[] src = sources(c, argv, 2, n);
        if (src == null) {
            return;
        }
        long limit = 0;
        for (int i = 2 + n; i < argv.length; i++) {
            if (Bytes.eqIgnoreCase(argv[i], "limit") && i + 1 < argv.length) {
                Long l = Bytes.toLong(argv[++i]);
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
        bySize(src);
        long card = combine(src, 0, SetOp.INTER).n;
        c.reply().integer(limit > 0 ? Math.min(card, limit) : card);
    }

    // ---- random and scan ----

    /** ZRANDMEMBER key [count [WITHSCORES]] */
    private static void zrandmember(Client c, byte[][] argv) {
        Long count = null;
        if (argv.length >= 3) {
            // Redis parses the count before it looks at the other arguments.
            count = Bytes.toLong(argv[2]);
            if (count == null) {
                c.engine().error(c, Args.NOT_INTEGER);
                return;
            }
            if (count == Long.MIN_VALUE) {
                c.engine().error(c, "ERR value is out of range, value must between -9223372036854775807 and "
                        + "9223372036854775807");
                return;
            }
        }
        if (argv.length > 4 || (argv.length == 4 && !Bytes.eqIgnoreCase(argv[3], "withscores"))) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        boolean withScores = argv.length == 4;
        if (withScores && (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2)) {
            c.engine().error(c, "ERR value is out of range");
            return;
        }
        ZSetValue z = zsetRead(c, argv[1]);
        if (z == WRONG) {
            return;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (count == null) {
            if (z == null) {
                c.reply().nullBulk();
            } else {
                c.reply().bulk(z.memberAt(rnd.nextInt(z.size())));
            }
            return;
        }
        if (z != null && count < 0) {
            // Written as drawn, so that a client going over its output limits stops the run (Redis's
            // CLIENT_CLOSE_ASAP check) instead of a count like -999999999 being materialised.
            replyLength(c, -count, withScores);
            int size = z.size();
            for (long i = 0; i < -count && (i % 1024 != 0 || !c.closeAsap()); i++) {
                int at = rnd.nextInt(size);
                replyMember(c, z.memberAt(at), z.scoreAt(at), withScores);
            }
            return;
        }
        if (z == null || count == 0) {
            replySpan(c, Span.EMPTY, withScores);
            return;
        }
        int size = z.size();
        if (count >= size) {
            // The whole set, highest first: Redis walks it with the iterator ZUNION and ZDIFF use, from the tail.
            replySpan(c, new Span(z, 0, size - 1, true), withScores);
            return;
        }
        Selection sel = new Selection();
        for (int at : distinctRanks(rnd, size, count.intValue())) {
            sel.add(z.memberAt(at), z.scoreAt(at));
        }
        replySelection(c, sel, withScores);
    }

    /**
     * {@code k < size} distinct ranks in random order: drawn until distinct when few are wanted (Redis's fourth
     * case), else a partial shuffle of all the ranks (its third). Shuffling every rank on every call took 20x
     * redis-server's CPU for ten members of a 10,000-member set.
     */
    private static int[] distinctRanks(ThreadLocalRandom rnd, int size, int k) {
        int[] out = new int[k];
        if ((long) k * 3 <= size) {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < k; ) {
                int at = rnd.nextInt(size);
                if (seen.add(at)) {
                    out[i++] = at;
                }
            }
            return out;
        }
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            all[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + rnd.nextInt(size - i);
            int t = all[j];
            all[j] = all[i];
            all[i] = t;
            out[i] = t;
        }
        return out;
    }

    /** ZSCAN key cursor [MATCH pattern] [COUNT count]: listpack sets come back whole in one call, as in Redis. */
    private static void zscan(Client c, byte[][] argv) {
        Long cursor = ElementScan.parseCursor(argv[2]);
        if (cursor == null) {
            c.engine().error(c, ElementScan.INVALID_CURSOR);
            return;
        }
        ZSetValue z = zsetRead(c, argv[1]);
        if (z == WRONG) {
            return;
        }
        ElementScan.scan(c, argv, cursor, z == null ? null : z::scan, true);
    }
}
