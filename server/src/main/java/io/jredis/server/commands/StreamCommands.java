package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.command.CommandTable;
import io.jredis.server.db.StreamGroup;
import io.jredis.server.db.StreamId;
import io.jredis.server.db.StreamValue;
import io.jredis.server.util.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Stream commands (Redis's t_stream.c): entries, trimming, blocking reads and consumer groups. */
final class StreamCommands {
    private static final StreamValue WRONG = new StreamValue();
    private static final String INVALID_ID = "ERR Invalid stream ID specified as stream command argument";
    private static final String NO_KEY = "ERR no such key";
    /** Entries a blocked XREAD without COUNT gets when served (XREAD_BLOCKED_DEFAULT_COUNT). */
    private static final long BLOCKED_DEFAULT_COUNT = 1000;

    private StreamCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("xadd", StreamCommands::xadd);
        t.register("xrange", (c, argv) -> xrange(c, argv, false));
        t.register("xrevrange", (c, argv) -> xrange(c, argv, true));
        t.register("xlen", StreamCommands::xlen);
        t.register("xdel", StreamCommands::xdel);
        t.register("xtrim", StreamCommands::xtrim);
        t.register("xsetid", StreamCommands::xsetid);
        t.register("xread", (c, argv) -> xread(c, argv, false));
        t.register("xreadgroup", (c, argv) -> xread(c, argv, true));
        t.register("xack", StreamCommands::xack);
        t.register("xpending", StreamCommands::xpending);
        t.register("xclaim", StreamCommands::xclaim);
        t.register("xautoclaim", StreamCommands::xautoclaim);
        t.register("xgroup|create", StreamCommands::xgroup);
        t.register("xgroup|setid", StreamCommands::xgroup);
        t.register("xgroup|destroy", StreamCommands::xgroup);
        t.register("xgroup|createconsumer", StreamCommands::xgroup);
        t.register("xgroup|delconsumer", StreamCommands::xgroup);
        t.register("xgroup|help", (c, argv) -> HelpReply.send(c, "XGROUP",
                "CREATE <key> <groupname> <id|$> [option]",
                "    Create a new consumer group. Options are:",
                "    * MKSTREAM",
                "      Create the empty stream if it does not exist.",
                "    * ENTRIESREAD entries_read",
                "      Set the group's entries_read counter (internal use).",
                "CREATECONSUMER <key> <groupname> <consumer>",
                "    Create a new consumer in the specified group.",
                "DELCONSUMER <key> <groupname> <consumer>",
                "    Remove the specified consumer.",
                "DESTROY <key> <groupname>",
                "    Remove the specified group.",
                "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                "    Set the current group ID and entries_read counter."));
        t.register("xinfo|stream", StreamCommands::xinfo);
        t.register("xinfo|groups", StreamCommands::xinfo);
        t.register("xinfo|consumers", StreamCommands::xinfo);
        t.register("xinfo|help", (c, argv) -> HelpReply.send(c, "XINFO",
                "CONSUMERS <key> <groupname>",
                "    Show consumers of <groupname>.",
                "GROUPS <key>",
                "    Show the stream consumer groups.",
                "STREAM <key> [FULL [COUNT <count>]",
                "    Show information about the stream."));
    }

    // ---- helpers ----

    private static StreamValue checked(Client c, Object v) {
        return Args.typed(c, v, StreamValue.class, WRONG);
    }

    private static void notify(Client c, String event, byte[] key) {
        Notify.event(c, KeyspaceEvents.STREAM, event, key);
    }

    /** Commands from the master or the AOF are obeyed as written (Redis's mustObeyClient). */
    private static boolean mustObey(Client c) {
        return c.roleFlags().indexOf('M') >= 0 || (c.channel() == null && !Args.inScript(c));
    }

    private static Long longArg(Client c, byte[] arg, String error) {
        long[] v = new long[1];
        if (!Bytes.parseLong(arg, v)) {
            c.engine().error(c, error);
            return null;
        }
        return v[0];
    }

    /**
     * Redis's string2ull: a strict integer, else what strtoull accepts (leading blanks, a sign, a negative value
     * wrapping around); null when invalid.
     */
    private static Long parseUnsigned(byte[] b, int from, int to) {
        byte[] s = Arrays.copyOfRange(b, from, to);
        long[] v = new long[1];
        if (Bytes.parseLong(s, v)) {
            return v[0] < 0 ? null : v[0];
        }
        int i = 0;
        while (i < s.length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            neg = s[i] == '-';
            i++;
        }
        if (i >= s.length) {
            return null;
        }
        long r = 0;
        for (; i < s.length; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            if (Long.compareUnsigned(r, Long.divideUnsigned(-1L, 10)) > 0) {
                return null;
            }
            long n = r * 10 + d;
            if (Long.compareUnsigned(n, r * 10) < 0) {
                return null;
            }
            r = n;
        }
        return neg ? -r : r;
    }

    /**
     * Redis's streamGenericParseIDOrReply: "ms-seq", "ms" (seq = {@code missingSeq}), "-" and "+" unless
     * {@code strict}, and "ms-*" when {@code seqGiven} is passed (set to false then). Replies the error when
     * {@code c} is not null and returns null.
     */
    private static StreamId parseId(Client c, byte[] b, long missingSeq, boolean strict, boolean[] seqGiven) {
        StreamId id = parseIdQuiet(b, missingSeq, strict, seqGiven);
        if (id == null && c != null) {
            c.engine().error(c, INVALID_ID);
        }
        return id;
    }

    private static StreamId parseIdQuiet(byte[] b, long missingSeq, boolean strict, boolean[] seqGiven) {
        if (b.length > 127) {
            return null;
        }
        int len = b.length;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                len = i;
                break;
            }
        }
        boolean single = len == 1;
        if (strict && single && (b[0] == '-' || b[0] == '+')) {
            return null;
        }
        if (seqGiven != null) {
            seqGiven[0] = true;
        }
        if (single && b[0] == '-') {
            return StreamId.MIN;
        }
        if (single && b[0] == '+') {
            return StreamId.MAX;
        }
        int dash = -1;
        for (int i = 0; i < len; i++) {
            if (b[i] == '-') {
                dash = i;
                break;
            }
        }
        Long ms = parseUnsigned(b, 0, dash < 0 ? len : dash);
        if (ms == null) {
            return null;
        }
        long seq;
        if (dash >= 0) {
            if (seqGiven != null && len - dash - 1 == 1 && b[dash + 1] == '*') {
                seq = 0;
                seqGiven[0] = false;
            } else {
                Long s = parseUnsigned(b, dash + 1, len);
                if (s == null) {
                    return null;
                }
                seq = s;
            }
        } else {
            seq = missingSeq;
        }
        return new StreamId(ms, seq);
    }

    /** streamParseIntervalIDOrReply: an ID, "(" prefixed for an exclusive bound; excl[0] tells which. */
    private static StreamId parseInterval(Client c, byte[] b, boolean[] excl, long missingSeq) {
        excl[0] = b.length > 1 && b[0] == '(';
        if (excl[0]) {
            return parseId(c, Arrays.copyOfRange(b, 1, b.length), missingSeq, true, null);
        }
        return parseId(c, b, missingSeq, false, null);
    }

    private static void replyId(Client c, StreamId id) {
        c.reply().bulk(id.bytes());
    }

    private static void replyEntry(Client c, StreamValue.Entry e) {
        c.reply().array(2);
        replyId(c, e.id);
        c.reply().array(e.fieldsValues.length);
        for (byte[] b : e.fieldsValues) {
            c.reply().bulk(b);
        }
    }

    private static void replyEntries(Client c, List<StreamValue.Entry> entries) {
        c.reply().array(entries.size());
        for (StreamValue.Entry e : entries) {
            replyEntry(c, e);
        }
    }

    /** Commands a stream command propagates instead of itself, wrapped in MULTI/EXEC when more than one. */
    private static final class Propagation {
        final List<byte[][]> commands = new ArrayList<>();

        void add(byte[]... argv) {
            commands.add(argv);
        }

        void emit(Client c) {
            Engine e = c.engine();
            e.suppressPropagation();
            if (commands.isEmpty()) {
                return;
            }
            int db = c.db().id();
            e.beginAtomic();
            try {
                for (byte[][] argv : commands) {
                    e.emitPropagation(db, argv);
                }
            } finally {
                e.endAtomic();
            }
        }
    }

    /** streamPropagateXCLAIM: the idempotent XCLAIM that recreates a pending entry on replicas and in the AOF. */
    private static void propagateClaim(Propagation p, byte[] key, byte[] group, StreamGroup g, StreamId id,
            StreamGroup.Nack nack) {
        p.add(Bytes.of("XCLAIM"), key, group, nack.consumer.name, Bytes.of("0"), id.bytes(), Bytes.of("TIME"),
                Bytes.fromLong(nack.deliveryTime), Bytes.of("RETRYCOUNT"), Bytes.fromLong(nack.deliveryCount),
                Bytes.of("FORCE"), Bytes.of("JUSTID"), Bytes.of("LASTID"), g.lastId.bytes());
    }

    private static void propagateGroupId(Propagation p, byte[] key, byte[] group, StreamGroup g) {
        p.add(Bytes.of("XGROUP"), Bytes.of("SETID"), key, group, g.lastId.bytes(), Bytes.of("ENTRIESREAD"),
                Bytes.fromLong(g.entriesRead));
    }

    private static long nodeMaxBytes(Client c) {
        return c.engine().config().streamNodeMaxBytes.value();
    }

    private static long nodeMaxEntries(Client c) {
        return c.engine().config().streamNodeMaxEntries.value();
    }

    // ---- XADD / XTRIM ----

    /** Parsed XADD/XTRIM options (streamAddTrimArgs). */
    private static final class AddTrim {
        StreamId id;
        boolean idGiven;
        boolean seqGiven = true;
        boolean noMkstream;
        /** 0 none, 1 MAXLEN, 2 MINID. */
        int strategy;
        int strategyArg;
        boolean approx;
        long maxlen;
        StreamId minId;
        long limit;
        /** Position of the ID for XADD. */
        int pos;
    }

    /** streamParseAddOrTrimArgsOrReply; null after replying an error. */
    private static AddTrim parseAddTrim(Client c, byte[][] argv, boolean xadd) {
        AddTrim a = new AddTrim();
        boolean limitGiven = false;
        int i = 2;
        for (; i < argv.length; i++) {
            int more = argv.length - 1 - i;
            byte[] opt = argv[i];
            if (xadd && opt.length == 1 && opt[0] == '*') {
                break;
            } else if ((Bytes.eqIgnoreCase(opt, "maxlen") || Bytes.eqIgnoreCase(opt, "minid")) && more > 0) {
                boolean maxlen = Bytes.eqIgnoreCase(opt, "maxlen");
                if (a.strategy != 0) {
                    c.engine().error(c,
                            "ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                    return null;
                }
                a.approx = false;
                byte[] next = argv[i + 1];
                if (more >= 2 && next.length == 1 && next[0] == '~') {
                    a.approx = true;
                    i++;
                } else if (more >= 2 && next.length == 1 && next[0] == '=') {
                    i++;
                }
                if (maxlen) {
                    Long n = longArg(c, argv[i + 1], Args.NOT_INTEGER);
                    if (n == null) {
                        return null;
                    }
                    if (n < 0) {
                        c.engine().error(c, "ERR The MAXLEN argument must be >= 0.");
                        return null;
                    }
                    a.maxlen = n;
                    a.strategy = 1;
                } else {
                    a.minId = parseId(c, argv[i + 1], 0, true, null);
                    if (a.minId == null) {
                        return null;
                    }
                    a.strategy = 2;
                }
                i++;
                a.strategyArg = i;
            } else if (Bytes.eqIgnoreCase(opt, "limit") && more > 0) {
                Long n = longArg(c, argv[i + 1], Args.NOT_INTEGER);
                if (n == null) {
                    return null;
                }
                if (n < 0) {
                    c.engine().error(c, "ERR The LIMIT argument must be >= 0.");
                    return null;
                }
                a.limit = n;
                limitGiven = true;
                i++;
            } else if (xadd && Bytes.eqIgnoreCase(opt, "nomkstream")) {
                a.noMkstream = true;
            } else if (xadd) {
                boolean[] seqGiven = new boolean[1];
                a.id = parseId(c, argv[i], 0, true, seqGiven);
                if (a.id == null) {
                    return null;
                }
                a.seqGiven = seqGiven[0];
                a.idGiven = true;
                break;
            } else {
                c.engine().error(c, Args.SYNTAX);
                return null;
            }
        }
        if (a.limit != 0 && a.strategy == 0) {
            c.engine().error(c, "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
            return null;
        }
        if (!xadd && a.strategy == 0) {
            c.engine().error(c, "ERR syntax error, XTRIM must be called with a trimming strategy");
            return null;
        }
        if (mustObey(c)) {
            a.limit = 0;
        } else if (limitGiven) {
            if (!a.approx) {
                c.engine().error(c, "ERR syntax error, LIMIT cannot be used without the special ~ option");
                return null;
            }
        } else if (a.approx) {
            a.limit = 100 * nodeMaxEntries(c);
            if (a.limit <= 0 || a.limit > 1_000_000) {
                a.limit = 10_000;
            }
        } else {
            a.limit = 0;
        }
        a.pos = i;
        return a;
    }

    private static long trim(StreamValue s, AddTrim a) {
        if (a.strategy == 0) {
            return 0;
        }
        return s.trim(a.maxlen, a.strategy == 2 ? a.minId : null, a.approx, a.limit);
    }

    /** streamRewriteApproxSpecifier + streamRewriteTrimArgument: "~" becomes "=" and the bound what was reached. */
    private static void rewriteTrim(byte[][] out, StreamValue s, AddTrim a) {
        out[a.strategyArg - 1] = Bytes.of("=");
        out[a.strategyArg] = a.strategy == 1 ? Bytes.fromLong(s.length()) : s.firstIdWithTombstones().bytes();
    }

    private static void xadd(Client c, byte[][] argv) {
        AddTrim a = parseAddTrim(c, argv, true);
        if (a == null) {
            return;
        }
        int fieldPos = a.pos + 1;
        int n = argv.length - fieldPos;
        if (n < 2 || n % 2 == 1) {
            c.engine().error(c, "ERR wrong number of arguments for 'xadd' command");
            return;
        }
        if (a.idGiven && a.seqGiven && a.id.equals(StreamId.MIN)) {
            c.engine().error(c, "ERR The ID specified in XADD must be greater than 0-0");
            return;
        }
        byte[] key = argv[1];
        StreamValue s = checked(c, c.db().get(key));
        if (s == WRONG) {
            return;
        }
        if (s == null) {
            if (a.noMkstream) {
                c.reply().nullBulk();
                return;
            }
            s = new StreamValue();
            c.db().add(key, s);
        }
        StreamId last = s.lastId();
        if (last.equals(StreamId.MAX)) {
            c.engine().error(c, "ERR The stream has exhausted the last possible ID, unable to add more items");
            return;
        }
        StreamId id;
        if (a.idGiven) {
            if (a.seqGiven) {
                id = a.id;
            } else if (last.ms() == a.id.ms()) {
                id = last.seq() == -1L ? null : new StreamId(last.ms(), last.seq() + 1);
            } else {
                id = a.id;
            }
        } else {
            long now = System.currentTimeMillis();
            id = Long.compareUnsigned(now, last.ms()) > 0 ? new StreamId(now, 0) : last.next();
        }
        if (id == null || id.compareTo(last) <= 0) {
            c.engine().error(c, "ERR The ID specified in XADD is equal or smaller than the target stream top item");
            return;
        }
        long total = 0;
        for (int i = fieldPos; i < argv.length; i++) {
            total += argv[i].length;
        }
        if (total > StreamValue.LISTPACK_MAX_SIZE) {
            c.engine().error(c, "ERR Elements are too large to be stored");
            return;
        }
        s.append(id, Arrays.copyOfRange(argv, fieldPos, argv.length), nodeMaxBytes(c), nodeMaxEntries(c));
        replyId(c, id);
        c.db().signalModified(key);
        c.engine().blocking().signalReady(c.db(), key);
        notify(c, "xadd", key);
        c.engine().dirty(1);
        byte[][] out = argv;
        if (!a.idGiven || !a.seqGiven) {
            out = argv.clone();
            out[a.pos] = id.bytes();
        }
        if (a.strategy != 0) {
            if (trim(s, a) > 0) {
                notify(c, "xtrim", key);
            }
            if (a.approx) {
                if (out == argv) {
                    out = argv.clone();
                }
                rewriteTrim(out, s, a);
            }
        }
        if (out != argv) {
            c.engine().rewritePropagation(out);
        }
    }

    private static void xtrim(Client c, byte[][] argv) {
        AddTrim a = parseAddTrim(c, argv, false);
        if (a == null) {
            return;
        }
        StreamValue s = checked(c, c.db().get(argv[1]));
        if (s == WRONG) {
            return;
        }
        if (s == null) {
            c.reply().integer(0);
            return;
        }
        long deleted = trim(s, a);
        if (deleted > 0) {
            notify(c, "xtrim", argv[1]);
            if (a.approx) {
                byte[][] out = argv.clone();
                rewriteTrim(out, s, a);
                c.engine().rewritePropagation(out);
            }
            c.db().signalModified(argv[1]);
            c.engine().dirty(deleted);
        }
        c.reply().integer(deleted);
    }

    // ---- reading and deleting ----

    private static void xrange(Client c, byte[][] argv, boolean rev) {
        boolean[] excl = new boolean[1];
        StreamId start = parseInterval(c, rev ? argv[3] : argv[2], excl, 0);
        if (start == null) {
            return;
        }
        if (excl[0] && (start = start.next()) == null) {
            c.engine().error(c, "ERR invalid start ID for the interval");
            return;
        }
        StreamId end = parseInterval(c, rev ? argv[2] : argv[3], excl, -1L);
        if (end == null) {
            return;
        }
        if (excl[0] && (end = end.previous()) == null) {
            c.engine().error(c, "ERR invalid end ID for the interval");
            return;
        }
        long count = -1;
        for (int j = 4; j < argv.length; j++) {
            if (Bytes.eqIgnoreCase(argv[j], "count") && j + 1 < argv.length) {
                Long n = longArg(c, argv[++j], Args.NOT_INTEGER);
                if (n == null) {
                    return;
                }
                count = Math.max(0, n);
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }
        StreamValue s = checked(c, c.engine().lookupRead(c.db(), argv[1]));
        if (s == WRONG) {
            return;
        }
        if (s == null) {
            c.reply().array(0);
            return;
        }
        if (count == 0) {
            c.reply().nullArray();
            return;
        }
        replyEntries(c, s.range(start, end, rev, count < 0 ? 0 : count));
    }

    private static void xlen(Client c, byte[][] argv) {
        StreamValue s = checked(c, c.engine().lookupRead(c.db(), argv[1]));
        if (s != WRONG) {
            c.reply().integer(s == null ? 0 : s.length());
        }
    }

    private static void xdel(Client c, byte[][] argv) {
        StreamValue s = checked(c, c.db().get(argv[1]));
        if (s == WRONG) {
            return;
        }
        if (s == null) {
            c.reply().integer(0);
            return;
        }
        StreamId[] ids = new StreamId[argv.length - 2];
        for (int j = 2; j < argv.length; j++) {
            if ((ids[j - 2] = parseId(c, argv[j], 0, true, null)) == null) {
                return;
            }
        }
        long deleted = 0;
        boolean first = false;
        StreamId max = StreamId.MIN;
        StreamId firstId = s.firstId();
        for (StreamId id : ids) {
            if (s.delete(id)) {
                first |= id.equals(firstId);
                if (id.compareTo(max) > 0) {
                    max = id;
                }
                deleted++;
            }
        }
        if (deleted > 0) {
            s.afterDelete(max, first);
            c.db().signalModified(argv[1]);
            notify(c, "xdel", argv[1]);
            c.engine().dirty(deleted);
        }
        c.reply().integer(deleted);
    }

    private static void xsetid(Client c, byte[][] argv) {
        StreamId id = parseId(c, argv[2], 0, true, null);
        if (id == null) {
            return;
        }
        long added = -1;
        StreamId maxDeleted = StreamId.MIN;
        for (int i = 3; i < argv.length; i += 2) {
            boolean more = i + 1 < argv.length;
            if (Bytes.eqIgnoreCase(argv[i], "entriesadded") && more) {
                Long n = longArg(c, argv[i + 1], Args.NOT_INTEGER);
                if (n == null) {
                    return;
                }
                if (n < 0) {
                    c.engine().error(c, "ERR entries_added must be positive");
                    return;
                }
                added = n;
            } else if (Bytes.eqIgnoreCase(argv[i], "maxdeletedid") && more) {
                maxDeleted = parseId(c, argv[i + 1], 0, true, null);
                if (maxDeleted == null) {
                    return;
                }
                if (id.compareTo(maxDeleted) < 0) {
                    c.engine().error(c,
                            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                    return;
                }
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }
        Object v = c.db().get(argv[1]);
        if (v == null) {
            c.engine().error(c, NO_KEY);
            return;
        }
        StreamValue s = checked(c, v);
        if (s == WRONG) {
            return;
        }
        if (s.length() > 0) {
            if (id.compareTo(s.lastValidId()) < 0) {
                c.engine().error(c, "ERR The ID specified in XSETID is smaller than the target stream top item");
                return;
            }
            if (added != -1 && s.length() > added) {
                c.engine().error(c,
                        "ERR The entries_added specified in XSETID is smaller than the target stream length");
                return;
            }
        }
        s.setMeta(id, added != -1 ? added : s.entriesAdded(),
                maxDeleted.equals(StreamId.MIN) ? s.maxDeletedId() : maxDeleted);
        c.reply().ok();
        // Redis 7.0's xsetidCommand signals no modification: WATCH and tracking do not see XSETID.
        notify(c, "xsetid", argv[1]);
        c.engine().dirty(1);
    }

    // ---- XREAD / XREADGROUP ----

    private static void xread(Client c, byte[][] argv, boolean group) {
        long timeout = -1;
        long count = 0;
        int streamsArg = 0;
        int streams = 0;
        byte[] groupName = null;
        byte[] consumerName = null;
        boolean noack = false;
        for (int i = 1; i < argv.length; i++) {
            int more = argv.length - i - 1;
            byte[] o = argv[i];
            if (Bytes.eqIgnoreCase(o, "block") && more > 0) {
                if (Args.inScript(c)) {
                    c.engine().error(c,
                            "ERR " + Bytes.str(argv[0]) + " command is not allowed with BLOCK option from scripts");
                    return;
                }
                i++;
                Long t = longArg(c, argv[i], "ERR timeout is not an integer or out of range");
                if (t == null) {
                    return;
                }
                if (t < 0) {
                    c.engine().error(c, "ERR timeout is negative");
                    return;
                }
                timeout = t;
            } else if (Bytes.eqIgnoreCase(o, "count") && more > 0) {
                Long n = longArg(c, argv[++i], Args.NOT_INTEGER);
                if (n == null) {
                    return;
                }
                count = Math.max(0, n);
            } else if (Bytes.eqIgnoreCase(o, "streams") && more > 0) {
                streamsArg = i + 1;
                streams = argv.length - streamsArg;
                if (streams % 2 != 0) {
                    c.engine().error(c, "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' "
                            + "must be specified.");
                    return;
                }
                streams /= 2;
                break;
            } else if (Bytes.eqIgnoreCase(o, "group") && more >= 2) {
                if (!group) {
                    c.engine().error(c,
                            "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                    return;
                }
                groupName = argv[i + 1];
                consumerName = argv[i + 2];
                i += 2;
            } else if (Bytes.eqIgnoreCase(o, "noack")) {
                if (!group) {
                    c.engine().error(c,
                            "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                    return;
                }
                noack = true;
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }
        if (streamsArg == 0) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        if (group && groupName == null) {
            c.engine().error(c, "ERR Missing GROUP option for XREADGROUP");
            return;
        }
        byte[] ready = c.engine().blocking().servingKey();
        if (ready != null) {
            serveBlocked(c, argv, ready, streamsArg, streams, count, groupName, consumerName, noack);
            return;
        }
        StreamId[] ids = new StreamId[streams];
        StreamGroup[] groups = new StreamGroup[streams];
        for (int k = 0; k < streams; k++) {
            byte[] key = argv[streamsArg + k];
            byte[] arg = argv[streamsArg + streams + k];
            StreamValue s = checked(c, c.engine().lookupRead(c.db(), key));
            if (s == WRONG) {
                return;
            }
            if (groupName != null) {
                StreamGroup g = s == null ? null : s.group(groupName);
                if (g == null) {
                    c.engine().error(c, "NOGROUP No such key '" + Bytes.str(key) + "' or consumer group '"
                            + Bytes.str(groupName) + "' in XREADGROUP with GROUP option");
                    return;
                }
                groups[k] = g;
            }
            if (arg.length == 1 && arg[0] == '$') {
                if (group) {
                    c.engine().error(c, "ERR The $ ID is meaningless in the context of XREADGROUP: you want to "
                            + "read the history of this consumer by specifying a proper ID, or use the > ID to get "
                            + "new messages. The $ ID would just return an empty result set.");
                    return;
                }
                ids[k] = s == null ? StreamId.MIN : s.lastId();
                continue;
            } else if (arg.length == 1 && arg[0] == '>') {
                if (!group) {
                    c.engine().error(c, "ERR The > ID can be specified only when calling XREADGROUP using the GROUP "
                            + "<group> <consumer> option.");
                    return;
                }
                ids[k] = StreamId.MAX;
                continue;
            }
            if ((ids[k] = parseId(c, arg, 0, true, null)) == null) {
                return;
            }
        }
        List<Object[]> results = new ArrayList<>();
        Propagation prop = new Propagation();
        for (int k = 0; k < streams; k++) {
            byte[] key = argv[streamsArg + k];
            StreamValue s = (StreamValue) c.engine().lookupRead(c.db(), key);
            if (s == null) {
                continue;
            }
            StreamId gt = ids[k];
            boolean sync = false;
            boolean history = false;
            if (group) {
                if (!gt.equals(StreamId.MAX)) {
                    sync = true;
                    history = true;
                } else if (s.length() > 0 && s.lastValidId().compareTo(groups[k].lastId) > 0) {
                    sync = true;
                    gt = groups[k].lastId;
                }
            } else if (s.length() > 0 && s.lastValidId().compareTo(gt) > 0) {
                sync = true;
            }
            if (!sync) {
                continue;
            }
            results.add(new Object[] {key, serve(c, s, key, gt, count, groups[k], groupName, consumerName, noack,
                    history, prop)});
        }
        if (group) {
            prop.emit(c);
        }
        if (!results.isEmpty()) {
            replyRead(c, results);
            return;
        }
        if (timeout == -1) {
            c.reply().nullArray();
            return;
        }
        byte[][] keys = Arrays.copyOfRange(argv, streamsArg, streamsArg + streams);
        long deadline = timeout == 0 ? 0 : System.currentTimeMillis() + timeout;
        c.engine().blocking().block(c, keys, deadline, cl -> cl.reply().nullArray(),
                rerunArgv(argv, group, groupName, consumerName, noack, count, keys, ids));
    }

    /** Reads entries after {@code gt} for XREAD, or for a group (new entries or the consumer's history). */
    private static List<Object> serve(Client c, StreamValue s, byte[] key, StreamId gt, long count, StreamGroup g,
            byte[] groupName, byte[] consumerName, boolean noack, boolean history, Propagation prop) {
        StreamId start = gt.next();
        if (g == null) {
            return new ArrayList<>(start == null ? List.of() : s.range(start, StreamId.MAX, false, count));
        }
        StreamGroup.Consumer consumer = g.consumers.get(consumerName);
        long now = System.currentTimeMillis();
        if (consumer == null) {
            consumer = g.createConsumer(consumerName, now);
            c.engine().dirty(1);
            notify(c, "xgroup-createconsumer", key);
            if (noack) {
                prop.add(Bytes.of("XGROUP"), Bytes.of("CREATECONSUMER"), key, groupName, consumerName);
            }
        } else {
            consumer.seenTime = now;
        }
        List<Object> entries = history ? consumerHistory(s, consumer, start, count)
                : deliver(c, s, key, groupName, g, consumer, start, count, noack, prop);
        c.engine().dirty(1);
        return entries;
    }

    /** The XREAD reply: per stream its name and entries (a map in RESP3); an ID alone stands for a deleted entry. */
    private static void replyRead(Client c, List<Object[]> results) {
        if (c.reply().resp3()) {
            c.reply().map(results.size());
        } else {
            c.reply().array(results.size());
        }
        for (Object[] r : results) {
            if (!c.reply().resp3()) {
                c.reply().array(2);
            }
            c.reply().bulk((byte[]) r[0]);
            List<?> entries = (List<?>) r[1];
            c.reply().array(entries.size());
            for (Object e : entries) {
                if (e instanceof StreamValue.Entry en) {
                    replyEntry(c, en);
                } else {
                    c.reply().array(2);
                    replyId(c, (StreamId) e);
                    c.reply().nullArray();
                }
            }
        }
    }

    /**
     * A blocked read re-run because {@code ready} changed (Redis's serveClientsBlockedOnStreamKey): served for that
     * key alone when its last ID passed the one waited for, else blocked again. A group reader gets an error when the
     * key or its group went away.
     */
    private static void serveBlocked(Client c, byte[][] argv, byte[] ready, int streamsArg, int streams, long count,
            byte[] groupName, byte[] consumerName, boolean noack) {
        int k = 0;
        while (k < streams && !Arrays.equals(argv[streamsArg + k], ready)) {
            k++;
        }
        Object v = k < streams ? c.db().get(ready) : null;
        StreamValue s = v instanceof StreamValue sv ? sv : null;
        StreamGroup g = null;
        if (groupName != null) {
            if (s == null) {
                c.engine().error(c, "UNBLOCKED the stream key no longer exists");
                return;
            }
            if ((g = s.group(groupName)) == null) {
                c.engine().error(c, "NOGROUP the consumer group this client was blocked on no longer exists");
                return;
            }
        }
        if (s != null) {
            StreamId gt = g != null ? g.lastId : parseIdQuiet(argv[streamsArg + streams + k], 0, true, null);
            // Redis serves a blocked reader on XADD's signal once the stream's last ID passed its own, even when no
            // entry remains past it (XADD then XDEL in one transaction: an empty read). Other writes (XSETID, XDEL)
            // do not signal; a key replaced by one with new entries (RENAME, RESTORE) does, as Redis's dbAdd.
            StreamId start = gt.next();
            if (s.lastId().compareTo(gt) > 0 && (c.engine().blocking().servingSignaled()
                    || !s.range(start, StreamId.MAX, false, 1).isEmpty())) {
                Propagation prop = new Propagation();
                List<Object[]> results = new ArrayList<>();
                results.add(new Object[] {ready, serve(c, s, ready, gt, count, g, groupName, consumerName, noack,
                        false, prop)});
                if (g != null) {
                    prop.emit(c);
                }
                replyRead(c, results);
                return;
            }
        }
        c.engine().blocking().block(c, new byte[][] {ready}, 0, cl -> cl.reply().nullArray());
    }

    /**
     * What a blocked XREAD/XREADGROUP runs once a key is ready: the same read with "$" resolved to the IDs seen when
     * it blocked, and Redis's default COUNT for blocked reads.
     */
    private static byte[][] rerunArgv(byte[][] argv, boolean group, byte[] groupName, byte[] consumerName,
            boolean noack, long count, byte[][] keys, StreamId[] ids) {
        List<byte[]> out = new ArrayList<>();
        out.add(argv[0]);
        if (group) {
            out.add(Bytes.of("GROUP"));
            out.add(groupName);
            out.add(consumerName);
            if (noack) {
                out.add(Bytes.of("NOACK"));
            }
        }
        out.add(Bytes.of("COUNT"));
        out.add(Bytes.fromLong(count == 0 ? BLOCKED_DEFAULT_COUNT : count));
        out.add(Bytes.of("BLOCK"));
        out.add(Bytes.of("0"));
        out.add(Bytes.of("STREAMS"));
        out.addAll(Arrays.asList(keys));
        for (StreamId id : ids) {
            out.add(id.equals(StreamId.MAX) && group ? Bytes.of(">") : id.bytes());
        }
        return out.toArray(new byte[0][]);
    }

    /**
     * streamReplyWithRangeFromConsumerPEL: the consumer's pending entries from {@code start} (an ID alone for a
     * deleted entry), each counted as delivered again.
     */
    private static List<Object> consumerHistory(StreamValue s, StreamGroup.Consumer consumer, StreamId start,
            long count) {
        List<Object> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        if (start == null) {
            return out;
        }
        for (Map.Entry<StreamId, StreamGroup.Nack> e : consumer.pel.tailMap(start, true).entrySet()) {
            if (count != 0 && out.size() >= count) {
                break;
            }
            StreamValue.Entry entry = s.get(e.getKey());
            if (entry != null) {
                e.getValue().deliveryTime = now;
                e.getValue().deliveryCount++;
                out.add(entry);
            } else {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** streamReplyWithRange for a group: new entries from {@code start}, added to the PELs unless NOACK. */
    private static List<Object> deliver(Client c, StreamValue s, byte[] key, byte[] groupName, StreamGroup g,
            StreamGroup.Consumer consumer, StreamId start, long count, boolean noack, Propagation prop) {
        List<Object> out = new ArrayList<>();
        if (start == null) {
            return out;
        }
        boolean propagateLastId = false;
        long now = System.currentTimeMillis();
        for (StreamValue.Entry e : s.range(start, StreamId.MAX, false, count)) {
            if (e.id.compareTo(g.lastId) > 0) {
                if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ && !s.rangeHasTombstones(e.id, null)) {
                    g.entriesRead++;
                } else if (s.entriesAdded() != 0) {
                    g.entriesRead = s.estimateDistance(e.id);
                }
                g.lastId = e.id;
                if (noack) {
                    propagateLastId = true;
                }
            }
            out.add(e);
            if (!noack) {
                StreamGroup.Nack nack = g.pel.get(e.id);
                if (nack == null) {
                    nack = new StreamGroup.Nack(consumer, now, 1);
                    g.pel.put(e.id, nack);
                } else {
                    nack.consumer.pel.remove(e.id);
                    nack.consumer = consumer;
                    nack.deliveryTime = now;
                    nack.deliveryCount = 1;
                }
                consumer.pel.put(e.id, nack);
                propagateClaim(prop, key, groupName, g, e.id, nack);
            }
        }
        if (propagateLastId) {
            propagateGroupId(prop, key, groupName, g);
        }
        return out;
    }

    // ---- consumer groups ----

    private static void xgroup(Client c, byte[][] argv) {
        String sub = Bytes.lower(argv[1]);
        boolean mkstream = false;
        long entriesRead = StreamGroup.INVALID_ENTRIES_READ;
        if (sub.equals("create") || sub.equals("setid")) {
            boolean create = sub.equals("create");
            int i = 5;
            while (i < argv.length) {
                if (create && Bytes.eqIgnoreCase(argv[i], "mkstream")) {
                    mkstream = true;
                    i++;
                } else if (Bytes.eqIgnoreCase(argv[i], "entriesread") && i + 1 < argv.length) {
                    Long n = longArg(c, argv[i + 1], Args.NOT_INTEGER);
                    if (n == null) {
                        return;
                    }
                    if (n < 0 && n != StreamGroup.INVALID_ENTRIES_READ) {
                        c.engine().error(c, "ERR value for ENTRIESREAD must be positive or -1");
                        return;
                    }
                    entriesRead = n;
                    i += 2;
                } else {
                    subcommandSyntax(c, argv);
                    return;
                }
            }
        }
        byte[] key = argv[2];
        byte[] groupName = argv[3];
        StreamValue s = checked(c, c.db().get(key));
        if (s == WRONG) {
            return;
        }
        StreamGroup g = null;
        if (!mkstream) {
            if (s == null) {
                c.engine().error(c, "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may "
                        + "want to use the MKSTREAM option to create an empty stream automatically.");
                return;
            }
            g = s.group(groupName);
            if (g == null && (sub.equals("setid") || sub.equals("createconsumer") || sub.equals("delconsumer"))) {
                c.engine().error(c, "NOGROUP No such consumer group '" + Bytes.str(groupName) + "' for key name '"
                        + Bytes.str(key) + "'");
                return;
            }
        }
        switch (sub) {
            case "create" -> {
                if (argv.length > 8) {
                    subcommandSyntax(c, argv);
                    return;
                }
                StreamId id;
                if (argv[4].length == 1 && argv[4][0] == '$') {
                    id = s == null ? StreamId.MIN : s.lastId();
                } else if ((id = parseId(c, argv[4], 0, true, null)) == null) {
                    return;
                }
                if (s == null) {
                    s = new StreamValue();
                    c.db().add(key, s);
                    c.db().signalModified(key);
                }
                if (s.createGroup(groupName, id, entriesRead) != null) {
                    c.reply().ok();
                    c.engine().dirty(1);
                    notify(c, "xgroup-create", key);
                } else {
                    c.engine().error(c, "BUSYGROUP Consumer Group name already exists");
                }
            }
            case "setid" -> {
                if (argv.length != 5 && argv.length != 7) {
                    subcommandSyntax(c, argv);
                    return;
                }
                StreamId id;
                if (argv[4].length == 1 && argv[4][0] == '$') {
                    id = s.lastId();
                } else if ((id = parseId(c, argv[4], 0, false, null)) == null) {
                    return;
                }
                g.lastId = id;
                g.entriesRead = entriesRead;
                c.reply().ok();
                c.engine().dirty(1);
                notify(c, "xgroup-setid", key);
            }
            case "destroy" -> {
                if (g != null) {
                    s.destroyGroup(groupName);
                    c.reply().integer(1);
                    c.engine().dirty(1);
                    notify(c, "xgroup-destroy", key);
                    // Clients blocked in XREADGROUP on this group get their NOGROUP error now.
                    c.engine().blocking().signalReady(c.db(), key);
                } else {
                    c.reply().integer(0);
                }
            }
            case "createconsumer" -> {
                StreamGroup.Consumer created = g.createConsumer(argv[4], System.currentTimeMillis());
                if (created != null) {
                    c.engine().dirty(1);
                    notify(c, "xgroup-createconsumer", key);
                }
                c.reply().integer(created != null ? 1 : 0);
            }
            case "delconsumer" -> {
                StreamGroup.Consumer consumer = g.consumers.get(argv[4]);
                long pending = 0;
                if (consumer != null) {
                    pending = g.deleteConsumer(consumer);
                    c.engine().dirty(1);
                    notify(c, "xgroup-delconsumer", key);
                }
                c.reply().integer(pending);
            }
            default -> subcommandSyntax(c, argv);
        }
    }

    private static void subcommandSyntax(Client c, byte[][] argv) {
        c.engine().error(c, "ERR unknown subcommand or wrong number of arguments for '" + Bytes.str(argv[1])
                + "'. Try " + Bytes.str(argv[0]).toUpperCase() + " HELP.");
    }

    private static void xack(Client c, byte[][] argv) {
        StreamValue s = checked(c, c.engine().lookupRead(c.db(), argv[1]));
        if (s == WRONG) {
            return;
        }
        StreamGroup g = s == null ? null : s.group(argv[2]);
        if (g == null) {
            c.reply().integer(0);
            return;
        }
        StreamId[] ids = new StreamId[argv.length - 3];
        for (int j = 3; j < argv.length; j++) {
            if ((ids[j - 3] = parseId(c, argv[j], 0, true, null)) == null) {
                return;
            }
        }
        long acked = 0;
        for (StreamId id : ids) {
            StreamGroup.Nack nack = g.pel.remove(id);
            if (nack != null) {
                nack.consumer.pel.remove(id);
                acked++;
            }
        }
        c.engine().dirty(acked);
        c.reply().integer(acked);
    }

    private static void noGroup(Client c, byte[][] argv) {
        c.engine().error(c, "NOGROUP No such key '" + Bytes.str(argv[1]) + "' or consumer group '"
                + Bytes.str(argv[2]) + "'");
    }

    private static void xpending(Client c, byte[][] argv) {
        boolean summary = argv.length == 3;
        if (argv.length != 3 && (argv.length < 6 || argv.length > 9)) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        StreamId start = null;
        StreamId end = null;
        long count = 0;
        long minIdle = 0;
        byte[] consumerName = null;
        if (argv.length >= 6) {
            int startIdx = 3;
            if (Bytes.eqIgnoreCase(argv[3], "idle")) {
                Long n = longArg(c, argv[4], Args.NOT_INTEGER);
                if (n == null) {
                    return;
                }
                minIdle = n;
                if (argv.length < 8) {
                    c.engine().error(c, Args.SYNTAX);
                    return;
                }
                startIdx += 2;
            }
            Long n = longArg(c, argv[startIdx + 2], Args.NOT_INTEGER);
            if (n == null) {
                return;
            }
            count = Math.max(0, n);
            boolean[] excl = new boolean[1];
            if ((start = parseInterval(c, argv[startIdx], excl, 0)) == null) {
                return;
            }
            if (excl[0] && (start = start.next()) == null) {
                c.engine().error(c, "ERR invalid start ID for the interval");
                return;
            }
            if ((end = parseInterval(c, argv[startIdx + 1], excl, -1L)) == null) {
                return;
            }
            if (excl[0] && (end = end.previous()) == null) {
                c.engine().error(c, "ERR invalid end ID for the interval");
                return;
            }
            if (startIdx + 3 < argv.length) {
                consumerName = argv[startIdx + 3];
            }
        }
        StreamValue s = checked(c, c.engine().lookupRead(c.db(), argv[1]));
        if (s == WRONG) {
            return;
        }
        StreamGroup g = s == null ? null : s.group(argv[2]);
        if (g == null) {
            noGroup(c, argv);
            return;
        }
        if (summary) {
            c.reply().array(4);
            c.reply().integer(g.pel.size());
            if (g.pel.isEmpty()) {
                c.reply().nullBulk();
                c.reply().nullBulk();
                c.reply().nullArray();
                return;
            }
            replyId(c, g.pel.firstKey());
            replyId(c, g.pel.lastKey());
            List<StreamGroup.Consumer> with = new ArrayList<>();
            for (StreamGroup.Consumer con : g.consumers.values()) {
                if (!con.pel.isEmpty()) {
                    with.add(con);
                }
            }
            c.reply().array(with.size());
            for (StreamGroup.Consumer con : with) {
                c.reply().array(2);
                c.reply().bulk(con.name);
                c.reply().bulk(Bytes.fromLong(con.pel.size()));
            }
            return;
        }
        Map<StreamId, StreamGroup.Nack> pel = g.pel;
        if (consumerName != null) {
            StreamGroup.Consumer con = g.consumers.get(consumerName);
            if (con == null) {
                c.reply().array(0);
                return;
            }
            pel = con.pel;
        }
        long now = System.currentTimeMillis();
        List<Map.Entry<StreamId, StreamGroup.Nack>> out = new ArrayList<>();
        if (start.compareTo(end) <= 0) {
            for (Map.Entry<StreamId, StreamGroup.Nack> e : ((java.util.TreeMap<StreamId, StreamGroup.Nack>) pel)
                    .subMap(start, true, end, true).entrySet()) {
                if (out.size() >= count) {
                    break;
                }
                if (minIdle != 0 && now - e.getValue().deliveryTime < minIdle) {
                    continue;
                }
                out.add(e);
            }
        }
        c.reply().array(out.size());
        for (Map.Entry<StreamId, StreamGroup.Nack> e : out) {
            StreamGroup.Nack nack = e.getValue();
            c.reply().array(4);
            replyId(c, e.getKey());
            c.reply().bulk(nack.consumer.name);
            c.reply().integer(Math.max(0, now - nack.deliveryTime));
            c.reply().integer(nack.deliveryCount);
        }
    }

    private static StreamGroup.Consumer lookupOrCreate(Client c, StreamGroup g, byte[] key, byte[] name, long now) {
        StreamGroup.Consumer consumer = g.consumers.get(name);
        if (consumer != null) {
            consumer.seenTime = now;
            return consumer;
        }
        consumer = g.createConsumer(name, now);
        c.engine().dirty(1);
        notify(c, "xgroup-createconsumer", key);
        return consumer;
    }

    /** Moves a pending entry to {@code consumer}. */
    private static void assign(StreamGroup.Nack nack, StreamId id, StreamGroup.Consumer consumer) {
        if (nack.consumer != consumer) {
            if (nack.consumer != null) {
                nack.consumer.pel.remove(id);
            }
            consumer.pel.put(id, nack);
            nack.consumer = consumer;
        }
    }

    private static void replyClaimed(Client c, StreamValue s, StreamId id, boolean justId) {
        if (justId) {
            replyId(c, id);
            return;
        }
        StreamValue.Entry e = s.get(id);
        if (e == null) {
            c.reply().nullBulk();
        } else {
            replyEntry(c, e);
        }
    }

    private static void xclaim(Client c, byte[][] argv) {
        StreamValue s = checked(c, c.engine().lookupRead(c.db(), argv[1]));
        if (s == WRONG) {
            return;
        }
        StreamGroup g = s == null ? null : s.group(argv[2]);
        if (g == null) {
            noGroup(c, argv);
            return;
        }
        Long minIdleArg = longArg(c, argv[4], "ERR Invalid min-idle-time argument for XCLAIM");
        if (minIdleArg == null) {
            return;
        }
        long minIdle = Math.max(0, minIdleArg);
        int j = 5;
        while (j < argv.length && parseIdQuiet(argv[j], 0, true, null) != null) {
            j++;
        }
        int lastIdArg = j - 1;
        long now = System.currentTimeMillis();
        long deliveryTime = -1;
        long retryCount = -1;
        boolean force = false;
        boolean justId = false;
        StreamId lastId = StreamId.MIN;
        for (; j < argv.length; j++) {
            boolean more = j + 1 < argv.length;
            byte[] opt = argv[j];
            if (Bytes.eqIgnoreCase(opt, "force")) {
                force = true;
            } else if (Bytes.eqIgnoreCase(opt, "justid")) {
                justId = true;
            } else if (Bytes.eqIgnoreCase(opt, "idle") && more) {
                Long n = longArg(c, argv[++j], "ERR Invalid IDLE option argument for XCLAIM");
                if (n == null) {
                    return;
                }
                deliveryTime = now - n;
            } else if (Bytes.eqIgnoreCase(opt, "time") && more) {
                Long n = longArg(c, argv[++j], "ERR Invalid TIME option argument for XCLAIM");
                if (n == null) {
                    return;
                }
                deliveryTime = n;
            } else if (Bytes.eqIgnoreCase(opt, "retrycount") && more) {
                Long n = longArg(c, argv[++j], "ERR Invalid RETRYCOUNT option argument for XCLAIM");
                if (n == null) {
                    return;
                }
                retryCount = n;
            } else if (Bytes.eqIgnoreCase(opt, "lastid") && more) {
                if ((lastId = parseId(c, argv[++j], 0, true, null)) == null) {
                    return;
                }
            } else {
                c.engine().error(c, "ERR Unrecognized XCLAIM option '" + Bytes.str(opt) + "'");
                return;
            }
        }
        Propagation prop = new Propagation();
        boolean propagateLastId = false;
        if (lastId.compareTo(g.lastId) > 0) {
            g.lastId = lastId;
            propagateLastId = true;
        }
        if (deliveryTime != -1) {
            if (deliveryTime < 0 || deliveryTime > now) {
                deliveryTime = now;
            }
        } else {
            deliveryTime = now;
        }
        StreamGroup.Consumer consumer = null;
        List<StreamId> claimed = new ArrayList<>();
        for (int k = 5; k <= lastIdArg; k++) {
            StreamId id = parseIdQuiet(argv[k], 0, true, null);
            StreamGroup.Nack nack = g.pel.get(id);
            if (s.get(id) == null) {
                if (nack != null) {
                    propagateClaim(prop, argv[1], argv[2], g, id, nack);
                    propagateLastId = false;
                    c.engine().dirty(1);
                    g.pel.remove(id);
                    nack.consumer.pel.remove(id);
                }
                continue;
            }
            if (force && nack == null) {
                nack = new StreamGroup.Nack(null, now, 1);
                g.pel.put(id, nack);
            }
            if (nack == null) {
                continue;
            }
            if (nack.consumer != null && minIdle != 0 && now - nack.deliveryTime < minIdle) {
                continue;
            }
            if (consumer == null) {
                consumer = lookupOrCreate(c, g, argv[1], argv[3], now);
            }
            nack.deliveryTime = deliveryTime;
            if (retryCount >= 0) {
                nack.deliveryCount = retryCount;
            } else if (!justId) {
                nack.deliveryCount++;
            }
            assign(nack, id, consumer);
            claimed.add(id);
            propagateClaim(prop, argv[1], argv[2], g, id, nack);
            propagateLastId = false;
            c.engine().dirty(1);
        }
        if (propagateLastId) {
            propagateGroupId(prop, argv[1], argv[2], g);
            c.engine().dirty(1);
        }
        c.reply().array(claimed.size());
        for (StreamId id : claimed) {
            replyClaimed(c, s, id, justId);
        }
        prop.emit(c);
    }

    private static void xautoclaim(Client c, byte[][] argv) {
        Long minIdleArg = longArg(c, argv[4], "ERR Invalid min-idle-time argument for XAUTOCLAIM");
        if (minIdleArg == null) {
            return;
        }
        long minIdle = Math.max(0, minIdleArg);
        boolean[] excl = new boolean[1];
        StreamId start = parseInterval(c, argv[5], excl, 0);
        if (start == null) {
            return;
        }
        if (excl[0] && (start = start.next()) == null) {
            c.engine().error(c, "ERR invalid start ID for the interval");
            return;
        }
        long count = 100;
        boolean justId = false;
        for (int j = 6; j < argv.length; j++) {
            boolean more = j + 1 < argv.length;
            if (Bytes.eqIgnoreCase(argv[j], "count") && more) {
                long[] v = new long[1];
                long max = Long.MAX_VALUE / 16;
                if (!Bytes.parseLong(argv[j + 1], v) || v[0] < 1 || v[0] > max) {
                    c.engine().error(c, "ERR COUNT must be > 0");
                    return;
                }
                count = v[0];
                j++;
            } else if (Bytes.eqIgnoreCase(argv[j], "justid")) {
                justId = true;
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }
        StreamValue s = checked(c, c.engine().lookupRead(c.db(), argv[1]));
        if (s == WRONG) {
            return;
        }
        StreamGroup g = s == null ? null : s.group(argv[2]);
        if (g == null) {
            noGroup(c, argv);
            return;
        }
        long attempts = count * 10;
        long now = System.currentTimeMillis();
        StreamGroup.Consumer consumer = null;
        Propagation prop = new Propagation();
        List<StreamId> claimed = new ArrayList<>();
        List<StreamId> deleted = new ArrayList<>();
        StreamId cursor = start;
        StreamId at = null;
        boolean exhausted = false;
        while (true) {
            if (attempts-- == 0 || count == 0) {
                break;
            }
            at = cursor == null ? null : g.pel.ceilingKey(cursor);
            if (at == null) {
                exhausted = true;
                break;
            }
            cursor = at.next();
            StreamGroup.Nack nack = g.pel.get(at);
            if (s.get(at) == null) {
                propagateClaim(prop, argv[1], argv[2], g, at, nack);
                c.engine().dirty(1);
                g.pel.remove(at);
                nack.consumer.pel.remove(at);
                deleted.add(at);
                count--;
                continue;
            }
            if (minIdle != 0 && now - nack.deliveryTime < minIdle) {
                continue;
            }
            if (consumer == null) {
                consumer = lookupOrCreate(c, g, argv[1], argv[3], now);
            }
            nack.deliveryTime = now;
            if (!justId) {
                nack.deliveryCount++;
            }
            assign(nack, at, consumer);
            claimed.add(at);
            count--;
            propagateClaim(prop, argv[1], argv[2], g, at, nack);
            c.engine().dirty(1);
        }
        StreamId next = exhausted || cursor == null ? null : g.pel.ceilingKey(cursor);
        c.reply().array(3);
        replyId(c, next == null ? StreamId.MIN : next);
        c.reply().array(claimed.size());
        for (StreamId id : claimed) {
            replyClaimed(c, s, id, justId);
        }
        c.reply().array(deleted.size());
        for (StreamId id : deleted) {
            replyId(c, id);
        }
        prop.emit(c);
    }

    // ---- XINFO ----

    private static void xinfo(Client c, byte[][] argv) {
        String sub = Bytes.lower(argv[1]);
        Object v = c.engine().lookupRead(c.db(), argv[2]);
        if (v == null) {
            c.engine().error(c, NO_KEY);
            return;
        }
        StreamValue s = checked(c, v);
        if (s == WRONG) {
            return;
        }
        switch (sub) {
            case "consumers" -> {
                if (argv.length != 4) {
                    subcommandSyntax(c, argv);
                    return;
                }
                StreamGroup g = s.group(argv[3]);
                if (g == null) {
                    c.engine().error(c, "NOGROUP No such consumer group '" + Bytes.str(argv[3]) + "' for key name '"
                            + Bytes.str(argv[2]) + "'");
                    return;
                }
                long now = System.currentTimeMillis();
                c.reply().array(g.consumers.size());
                for (StreamGroup.Consumer con : g.consumers.values()) {
                    c.reply().map(3);
                    c.reply().bulk("name");
                    c.reply().bulk(con.name);
                    c.reply().bulk("pending");
                    c.reply().integer(con.pel.size());
                    c.reply().bulk("idle");
                    c.reply().integer(Math.max(0, now - con.seenTime));
                }
            }
            case "groups" -> {
                if (argv.length != 3) {
                    subcommandSyntax(c, argv);
                    return;
                }
                c.reply().array(s.groups().size());
                for (Map.Entry<byte[], StreamGroup> e : s.groups().entrySet()) {
                    StreamGroup g = e.getValue();
                    c.reply().map(6);
                    c.reply().bulk("name");
                    c.reply().bulk(e.getKey());
                    c.reply().bulk("consumers");
                    c.reply().integer(g.consumers.size());
                    c.reply().bulk("pending");
                    c.reply().integer(g.pel.size());
                    c.reply().bulk("last-delivered-id");
                    replyId(c, g.lastId);
                    replyEntriesReadAndLag(c, s, g);
                }
            }
            default -> xinfoStream(c, argv, s);
        }
    }

    private static void replyEntriesReadAndLag(Client c, StreamValue s, StreamGroup g) {
        c.reply().bulk("entries-read");
        if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ) {
            c.reply().integer(g.entriesRead);
        } else {
            c.reply().nullBulk();
        }
        c.reply().bulk("lag");
        Long lag = s.lag(g);
        if (lag != null) {
            c.reply().integer(lag);
        } else {
            c.reply().nullBulk();
        }
    }

    private static void xinfoStream(Client c, byte[][] argv, StreamValue s) {
        boolean full = argv.length > 3;
        long count = 10;
        if (full) {
            if (!Bytes.eqIgnoreCase(argv[3], "full")) {
                subcommandSyntax(c, argv);
                return;
            }
            if (argv.length == 6) {
                if (!Bytes.eqIgnoreCase(argv[4], "count")) {
                    subcommandSyntax(c, argv);
                    return;
                }
                Long n = longArg(c, argv[5], Args.NOT_INTEGER);
                if (n == null) {
                    return;
                }
                count = n < 0 ? 10 : n;
            } else if (argv.length != 4) {
                subcommandSyntax(c, argv);
                return;
            }
        }
        c.reply().map(full ? 9 : 10);
        c.reply().bulk("length");
        c.reply().integer(s.length());
        c.reply().bulk("radix-tree-keys");
        c.reply().integer(s.nodeCount());
        c.reply().bulk("radix-tree-nodes");
        c.reply().integer(s.raxNodes());
        c.reply().bulk("last-generated-id");
        replyId(c, s.lastId());
        c.reply().bulk("max-deleted-entry-id");
        replyId(c, s.maxDeletedId());
        c.reply().bulk("entries-added");
        c.reply().integer(s.entriesAdded());
        c.reply().bulk("recorded-first-entry-id");
        replyId(c, s.firstId());
        if (!full) {
            c.reply().bulk("groups");
            c.reply().integer(s.groups().size());
            for (boolean first : new boolean[] {true, false}) {
                c.reply().bulk(first ? "first-entry" : "last-entry");
                StreamValue.Entry e = s.edgeEntry(first);
                if (e == null) {
                    c.reply().nullBulk();
                } else {
                    replyEntry(c, e);
                }
            }
            return;
        }
        c.reply().bulk("entries");
        replyEntries(c, s.range(StreamId.MIN, StreamId.MAX, false, count));
        c.reply().bulk("groups");
        c.reply().array(s.groups().size());
        for (Map.Entry<byte[], StreamGroup> ge : s.groups().entrySet()) {
            StreamGroup g = ge.getValue();
            c.reply().map(7);
            c.reply().bulk("name");
            c.reply().bulk(ge.getKey());
            c.reply().bulk("last-delivered-id");
            replyId(c, g.lastId);
            replyEntriesReadAndLag(c, s, g);
            c.reply().bulk("pel-count");
            c.reply().integer(g.pel.size());
            c.reply().bulk("pending");
            int n = (int) (count == 0 ? g.pel.size() : Math.min(count, g.pel.size()));
            c.reply().array(n);
            int k = 0;
            for (Map.Entry<StreamId, StreamGroup.Nack> e : g.pel.entrySet()) {
                if (k++ >= n) {
                    break;
                }
                c.reply().array(4);
                replyId(c, e.getKey());
                c.reply().bulk(e.getValue().consumer.name);
                c.reply().integer(e.getValue().deliveryTime);
                c.reply().integer(e.getValue().deliveryCount);
            }
            c.reply().bulk("consumers");
            c.reply().array(g.consumers.size());
            for (StreamGroup.Consumer con : g.consumers.values()) {
                c.reply().map(4);
                c.reply().bulk("name");
                c.reply().bulk(con.name);
                c.reply().bulk("seen-time");
                c.reply().integer(con.seenTime);
                c.reply().bulk("pel-count");
                c.reply().integer(con.pel.size());
                c.reply().bulk("pending");
                int m = (int) (count == 0 ? con.pel.size() : Math.min(count, con.pel.size()));
                c.reply().array(m);
                int q = 0;
                for (Map.Entry<StreamId, StreamGroup.Nack> e : con.pel.entrySet()) {
                    if (q++ >= m) {
                        break;
                    }
                    c.reply().array(3);
                    replyId(c, e.getKey());
                    c.reply().integer(e.getValue().deliveryTime);
                    c.reply().integer(e.getValue().deliveryCount);
                }
            }
        }
    }
}
