package io.jredis.server.net;

import io.jredis.server.Client;
import io.jredis.server.util.SplitArgs;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns request bytes into argument vectors ({@code byte[][]}), for both multibulk and inline requests, with the
 * limits, error texts and quirks of Redis 7.0's {@code processMultibulkBuffer} / {@code processInlineBuffer}.
 *
 * <p>Each command is handed to the consumer given at construction (the connection's {@link ClientHandler}) as soon as
 * it is parsed, so it runs before the following one is parsed: an {@code AUTH} pipelined ahead of a large request
 * lifts the unauthenticated limits for it, as in Redis. Handing it over directly rather than through the channel
 * pipeline (Netty's output list, context lookup and dispatch for every message) matters for pipelined small
 * commands. A malformed request yields a {@link ProtocolError} after the commands before it; all further input is
 * discarded, since the client is closed after its reply.
 *
 * <p>The parse position survives across reads, so a command arriving in many packets is never re-parsed. Arguments of
 * {@link #BIG_ARG} bytes or more are copied out of the network buffer as they arrive into an array that grows with
 * the bytes actually received: a client announcing {@code $536870912} and sending slowly costs what it sent, not
 * what it announced.
 */
public final class RespDecoder extends ByteToMessageDecoder implements Client.Input {
    /** Redis's PROTO_INLINE_MAX_SIZE: the longest inline request or count line before an error. */
    static final int INLINE_MAX = 64 * 1024;
    /** Redis's PROTO_MBULK_BIG_ARG: arguments this large are assembled incrementally. */
    public static final int BIG_ARG = 32 * 1024;
    /** Before AUTH, Redis refuses requests with more arguments than this... */
    static final int UNAUTH_MAX_ARGS = 10;
    /** ...and arguments longer than this. */
    static final int UNAUTH_MAX_BULK = 16384;
    /** Redis's PROTO_DUMP_LEN: how much of the query buffer a protocol error log line shows. */
    private static final int DUMP_LEN = 128;
    /** Requests up to this size are parsed from one copy of their bytes (most requests, MSET of dozens of keys). */
    private static final int WINDOW = 1024;
    /** What {@link #parseLong} returns for a malformed number. */
    static final long INVALID = Long.MIN_VALUE;

    /** Limits read per request so CONFIG SET takes effect on open connections. */
    public interface Limits {
        long protoMaxBulkLen();

        long queryBufferLimit();

        boolean authenticated();

        /**
         * A read of {@code bytes} begins (counted for INFO total_net_input_bytes); the commands it completes run
         * before {@link #readEnds}.
         */
        void readBegins(int bytes);

        void readEnds();
    }

    /**
     * A malformed request: {@code message} is the error to reply with before closing, {@code reason} and
     * {@code dump} are what Redis logs ({@code Protocol error (reason) from client: ... . dump}).
     */
    public record ProtocolError(String message, String reason, String dump) {}

    /** The client is closed without a reply: its query buffer grew past the limit; {@code initialBytes} is for the log. */
    public record QueryBufferOverflow(String initialBytes) {}

    /** An empty request ({@code *0}, a blank line): consumed, nothing to run. */
    private static final Object SKIP = new Object();
    private static final Object BULK_READY = new Object();

    private final Limits limits;
    /** Receives each request ({@code byte[][]}), {@link ProtocolError} or {@link QueryBufferOverflow}. */
    private final Consumer<Object> next;
    /** Arguments of the multibulk request being read, or null between requests. */
    private byte[][] args;
    private int argCount;
    private int argIndex;
    /** Bytes of the arguments of {@link #args} read so far. */
    private long argBytes;
    /** Length of the bulk being read, or -1 while waiting for its {@code $len} line. */
    private long bulkLen = -1;
    /** The big argument being assembled ({@link #BIG_ARG} bytes or more), and how much of it arrived. */
    private byte[] big;
    private int bigFill;
    /**
     * The query buffer Redis leaves after a big argument (a fresh one of the argument's length + 2, "if we saw a fat
     * argument we'll see another one") until its cron trims it; 0 when none. Only CLIENT LIST shows it.
     */
    private long bigReserve;
    /**
     * Redis's sdsalloc of the query buffer a big argument is read into while {@link #big} is: made room for the
     * argument's length + 2 (the jemalloc size class's room), trimmed by the cron, made room for again on a read.
     */
    private long bigAlloc;
    /** Redis's querybuf_peak since the last {@link #resizeQueryBuffer}: the most input held at once. */
    private long queryPeak;
    private boolean failed;
    /**
     * A copy of input bytes for {@link #wholeMultibulk}: {@link #windowLen} bytes from reader index
     * {@link #windowBase} of the buffer being decoded. A pipelined read of many small requests is copied once, not
     * once per request. It lives for one {@link #decode} call only: between calls the cumulation buffer may be
     * another one or have moved its bytes.
     */
    private final byte[] window = new byte[WINDOW];
    private int windowBase;
    private int windowLen;
    /** Bytes of input the last request {@link #wholeMultibulk} returned took. */
    private int consumed;

    /** A decoder handing what it parses to {@code next}, on the channel's event loop. */
    public RespDecoder(Limits limits, Consumer<Object> next) {
        this.limits = limits;
        this.next = next;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof ByteBuf b)) {
            super.channelRead(ctx, msg);
            return;
        }
        limits.readBegins(b.readableBytes());
        try {
            super.channelRead(ctx, msg);
        } finally {
            limits.readEnds();
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        windowLen = 0;
        queryPeak = Math.max(queryPeak, in.readableBytes());
        // Stops like ByteToMessageDecoder when a command removed this handler (its remaining input goes on).
        while (in.isReadable() && !ctx.isRemoved()) {
            Object cmd;
            if (args == null) {
                int at = in.readerIndex();
                if (at < windowBase || at >= windowBase + windowLen) {
                    fillWindow(in);
                }
                if (window[at - windowBase] != '*') {
                    cmd = inline(in);
                } else {
                    byte[][] whole = wholeMultibulk(at - windowBase);
                    if (whole == null && at != windowBase && windowBase + windowLen < in.writerIndex()) {
                        // The request may just run past the end of the window: look again from its start.
                        fillWindow(in);
                        whole = wholeMultibulk(0);
                    }
                    if (whole != null) {
                        in.skipBytes(consumed);
                        next.accept(whole);
                        continue;
                    }
                    cmd = multibulk(in);
                }
            } else {
                cmd = multibulk(in);
            }
            if (cmd == null) {
                long pending = (long) in.readableBytes() + bigFill;
                queryPeak = Math.max(queryPeak, pending);
                if (pending > limits.queryBufferLimit()) {
                    fail(in, new QueryBufferOverflow(initialBytes(in)));
                }
                return;
            }
            if (cmd instanceof ProtocolError) {
                fail(in, cmd);
                return;
            }
            if (cmd != SKIP) {
                next.accept(cmd);
            }
        }
    }

    /**
     * Bytes of input held for requests not complete yet: unparsed input, the arguments of a partial multibulk and
     * a big argument being assembled. Redis counts them as the client's memory (used_memory, maxmemory-clients).
     * A big argument counts at its declared length from its {@code $len} line on, as Redis reserves its query
     * buffer for the whole argument then, although this decoder grows its array as the bytes arrive.
     */
    @Override
    public long pendingBytes() {
        return internalBuffer().readableBytes() + (args == null ? 0 : argBytes)
                + (big == null ? 0 : sdsAllocation(bigAlloc));
    }

    @Override
    public long partialArgBytes() {
        return args == null ? 0 : argBytes;
    }

    @Override
    public int partialArgs() {
        return args == null ? 0 : argIndex;
    }

    @Override
    public boolean readingBigArgument() {
        return big != null;
    }

    @Override
    public long queryBytes() {
        return internalBuffer().readableBytes() + (big == null ? 0 : bigFill);
    }

    @Override
    public long queryReserved() {
        return big == null ? bigReserve : bigAlloc;
    }

    @Override
    public void resizeQueryBuffer(boolean idle) {
        long len = internalBuffer().readableBytes();
        if (big != null && bigAlloc - bigFill > 4096) {
            // Redis trims the buffer of a big argument too: to what arrived when idle, else not below its length.
            if (idle) {
                bigAlloc = bigFill;
            } else if (bigAlloc > BIG_ARG && bigAlloc / 2 > queryPeak) {
                bigAlloc = Math.max(bigFill, Math.max(queryPeak, bulkLen));
            }
        } else if (big == null && bigReserve - len > 4096) {
            if (idle) {
                bigReserve = 0;
            } else if (bigReserve > BIG_ARG && bigReserve / 2 > queryPeak) {
                bigReserve = Math.max(len, queryPeak);
            }
        }
        queryPeak = big == null ? len : Math.max(len, bulkLen);
    }

    /** Copies the input from its reader index into {@link #window}. */
    private void fillWindow(ByteBuf in) {
        windowBase = in.readerIndex();
        windowLen = Math.min(in.readableBytes(), window.length);
        in.getBytes(windowBase, window, 0, windowLen);
    }

    private void fail(ByteBuf in, Object reason) {
        failed = true;
        args = null;
        big = null;
        bigFill = 0;
        in.skipBytes(in.readableBytes());
        next.accept(reason);
    }

    /**
     * The fast path for a whole, well-formed multibulk request of small arguments starting at {@code from} in
     * {@link #window}: its arguments, with {@link #consumed} set to its length; null for anything else (incomplete,
     * malformed, over a limit, big arguments, counts or lengths with unusual digits), which {@link #multibulk} then
     * parses from the buffer with every check and error. Accessing the network buffer byte by byte goes through its
     * reference-count checks on every byte; one bulk copy into a plain array does not.
     */
    private byte[][] wholeMultibulk(int from) {
        byte[] w = window;
        int n = windowLen;
        int pos = from + 1;
        int count = 0;
        while (pos < n && w[pos] >= '0' && w[pos] <= '9' && pos - from < 6) {
            count = count * 10 + (w[pos++] - '0');
        }
        if (pos + 1 >= n || w[pos] != '\r' || w[pos + 1] != '\n' || count == 0 || w[from + 1] == '0') {
            return null;
        }
        pos += 2;
        boolean authenticated = limits.authenticated();
        if (count > UNAUTH_MAX_ARGS && !authenticated) {
            return null;
        }
        long maxBulk = Math.min(authenticated ? BIG_ARG - 1 : UNAUTH_MAX_BULK, limits.protoMaxBulkLen());
        byte[][] argv = new byte[count][];
        for (int a = 0; a < count; a++) {
            if (pos >= n || w[pos] != '$') {
                return null;
            }
            int start = ++pos;
            int len = 0;
            while (pos < n && w[pos] >= '0' && w[pos] <= '9' && pos - start < 9) {
                len = len * 10 + (w[pos++] - '0');
            }
            if (pos == start || pos + 1 >= n || w[pos] != '\r' || w[pos + 1] != '\n' || len > maxBulk
                    || (w[start] == '0' && pos - start > 1)) {
                return null;
            }
            pos += 2;
            // Redis skips the two bytes after the payload without looking at them.
            if (pos + len + 2 > n) {
                return null;
            }
            argv[a] = Arrays.copyOfRange(w, pos, pos + len);
            pos += len + 2;
        }
        consumed = pos - from;
        return argv;
    }

    private Object inline(ByteBuf in) {
        int start = in.readerIndex();
        int eol = find(in, start, (byte) '\n');
        if (eol < 0) {
            return in.readableBytes() > INLINE_MAX
                    ? error(in, "too big inline request", "too big inline request") : null;
        }
        int end = eol > start && in.getByte(eol - 1) == '\r' ? eol - 1 : eol;
        byte[] line = new byte[end - start];
        in.getBytes(start, line);
        List<byte[]> parts = SplitArgs.split(line);
        if (parts == null) {
            return error(in, "unbalanced quotes in request", "unbalanced quotes in inline request");
        }
        in.readerIndex(eol + 1);
        return parts.isEmpty() ? SKIP : parts.toArray(new byte[0][]);
    }

    private Object multibulk(ByteBuf in) {
        if (args == null) {
            int eol = find(in, in.readerIndex(), (byte) '\r');
            if (eol < 0) {
                return in.readableBytes() > INLINE_MAX
                        ? error(in, "too big mbulk count string", "too big mbulk count string") : null;
            }
            if (eol + 1 >= in.writerIndex()) {
                return null;
            }
            long count = parseLong(in, in.readerIndex() + 1, eol);
            if (count == INVALID || count > Integer.MAX_VALUE) {
                return error(in, "invalid multibulk length", "invalid mbulk count");
            }
            if (count > UNAUTH_MAX_ARGS && !limits.authenticated()) {
                return error(in, "unauthenticated multibulk length", "unauth mbulk count");
            }
            in.readerIndex(eol + 2);
            if (count <= 0) {
                return SKIP;
            }
            // As Redis: cap the up-front allocation, grow as arguments really arrive.
            args = new byte[(int) Math.min(count, 1024)][];
            argCount = (int) count;
            argIndex = 0;
            argBytes = 0;
        }
        while (argIndex < argCount) {
            if (bulkLen < 0) {
                Object line = readBulkLength(in);
                if (line != BULK_READY) {
                    return line;
                }
            }
            byte[] arg = bulkLen >= BIG_ARG ? readBig(in) : readSmall(in);
            if (arg == null) {
                return null;
            }
            bulkLen = -1;
            if (argIndex == args.length) {
                args = Arrays.copyOf(args, (int) Math.min(argCount, args.length * 2L));
            }
            args[argIndex++] = arg;
            argBytes += arg.length;
        }
        byte[][] cmd = args;
        args = null;
        return cmd;
    }

    /** Reads a {@code $len} line into {@link #bulkLen}: BULK_READY, a ProtocolError, or null when incomplete. */
    private Object readBulkLength(ByteBuf in) {
        if (!in.isReadable()) {
            return null;
        }
        int eol = find(in, in.readerIndex(), (byte) '\r');
        if (eol < 0) {
            return in.readableBytes() > INLINE_MAX
                    ? error(in, "too big bulk count string", "too big bulk count string") : null;
        }
        if (eol + 1 >= in.writerIndex()) {
            return null;
        }
        byte first = in.getByte(in.readerIndex());
        if (first != '$') {
            return error(in, "expected '$', got '" + (char) (first & 0xff) + "'", "expected $ but got something else");
        }
        long len = parseLong(in, in.readerIndex() + 1, eol);
        if (len < 0 || len > limits.protoMaxBulkLen()) {
            return error(in, "invalid bulk length", "invalid bulk length");
        }
        if (len > UNAUTH_MAX_BULK && !limits.authenticated()) {
            return error(in, "unauthenticated bulk length", "unauth bulk length");
        }
        in.readerIndex(eol + 2);
        bulkLen = len;
        return BULK_READY;
    }

    private byte[] readSmall(ByteBuf in) {
        if (in.readableBytes() < bulkLen + 2) {
            return null;
        }
        byte[] arg = new byte[(int) bulkLen];
        in.readBytes(arg);
        // Redis skips the two bytes after the payload without looking at them.
        in.skipBytes(2);
        return arg;
    }

    /** Copies what arrived of a big argument; returns it once complete and followed by its two trailing bytes. */
    private byte[] readBig(ByteBuf in) {
        int len = (int) bulkLen;
        if (big == null) {
            big = new byte[Math.min(len, Math.max(BIG_ARG, in.readableBytes()))];
            bigFill = 0;
            bigAlloc = bigReserve;
        }
        if (bigAlloc < len + 2L) {
            // Redis's sdsMakeRoomForNonGreedy for the whole argument, at its start and on each read after a trim.
            bigAlloc = sdsRoom(len + 2L);
        }
        int take = Math.min(in.readableBytes(), len - bigFill);
        if (take > 0) {
            if (bigFill + take > big.length) {
                // Doubling keeps the total copying linear in the argument's size.
                int cap = (int) Math.min(len, Math.max(bigFill + (long) take, big.length * 2L));
                big = Arrays.copyOf(big, cap);
            }
            in.readBytes(big, bigFill, take);
            bigFill += take;
        }
        if (bigFill < len || in.readableBytes() < 2) {
            return null;
        }
        in.skipBytes(2);
        byte[] arg = big;
        big = null;
        bigFill = 0;
        bigReserve = len + 2L;
        queryPeak = Math.max(queryPeak, bigReserve);
        return arg;
    }

    /** The room sdsMakeRoomForNonGreedy gives a query buffer made for {@code n} bytes: its size class less header. */
    private static long sdsRoom(long n) {
        int header = sdsHeader(n);
        return Client.jemallocSize((int) Math.min(n + header + 1, Integer.MAX_VALUE)) - header - 1;
    }

    /** sdsZmallocSize of a query buffer with room for {@code alloc} bytes: its header, room and NUL, size class. */
    private static long sdsAllocation(long alloc) {
        return Client.jemallocSize((int) Math.min(alloc + sdsHeader(alloc) + 1, Integer.MAX_VALUE));
    }

    /** The header of an sds string of {@code n} bytes (types 8, 16 and 32). */
    private static int sdsHeader(long n) {
        return n < 1 << 8 ? 3 : n < 1 << 16 ? 5 : 9;
    }

    /**
     * Index of {@code target} from {@code from}, or -1. Like Redis's {@code strchr} on its NUL-terminated query
     * buffer, the search stops at a NUL byte, so a request line holding one never completes.
     */
    private static int find(ByteBuf in, int from, byte target) {
        int len = in.writerIndex() - from;
        if (len <= 0) {
            return -1;
        }
        int i = in.forEachByte(from, len, target == '\n' ? UNTIL_LF_OR_NUL : UNTIL_CR_OR_NUL);
        return i >= 0 && in.getByte(i) == target ? i : -1;
    }

    private static final ByteProcessor UNTIL_LF_OR_NUL = b -> b != '\n' && b != 0;
    private static final ByteProcessor UNTIL_CR_OR_NUL = b -> b != '\r' && b != 0;

    private ProtocolError error(ByteBuf in, String text, String reason) {
        return new ProtocolError("ERR Protocol error: " + text, reason, dump(in));
    }

    /** Redis's {@code setProtocolError} sample of the unparsed input, non-printable bytes shown as dots. */
    private static String dump(ByteBuf in) {
        int n = in.readableBytes();
        int start = in.readerIndex();
        String text;
        if (n < DUMP_LEN) {
            text = "'" + printable(in, start, n) + "'";
        } else {
            text = "'" + printable(in, start, DUMP_LEN / 2) + "' (... more " + (n - DUMP_LEN) + " bytes ...) '"
                    + printable(in, start + n - DUMP_LEN / 2, DUMP_LEN / 2) + "'";
        }
        return "Query buffer during protocol error: " + text;
    }

    private static String printable(ByteBuf in, int from, int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = from; i < from + len; i++) {
            int c = in.getByte(i) & 0xff;
            if (c == 0) {
                break;
            }
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        return sb.toString();
    }

    /** The first 64 bytes of the query buffer in Redis's {@code sdscatrepr} form, for the overflow log line. */
    private String initialBytes(ByteBuf in) {
        byte[] head;
        if (big != null) {
            head = Arrays.copyOf(big, Math.min(64, bigFill));
        } else {
            head = new byte[Math.min(64, in.readableBytes())];
            in.getBytes(in.readerIndex(), head);
        }
        return io.jredis.server.util.Bytes.repr(head);
    }

    /**
     * Parses {@code [from, to)} with Redis's {@code string2ll} rules (no sign but '-', no leading zeros, at most 20
     * characters, no overflow); returns {@link #INVALID} when invalid. The one valid input that would collide with
     * it, -9223372036854775808, comes back one higher: callers only compare lengths with zero and upper limits.
     */
    static long parseLong(ByteBuf in, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > 20) {
            return INVALID;
        }
        if (len == 1 && in.getByte(from) == '0') {
            return 0;
        }
        boolean neg = in.getByte(from) == '-';
        int i = neg ? from + 1 : from;
        if (i == to) {
            return INVALID;
        }
        int first = in.getByte(i) - '0';
        if (first < 1 || first > 9) {
            return INVALID;
        }
        // Accumulated as a negative number, whose range is one larger, as Long.parseLong does.
        long limit = neg ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long multMin = limit / 10;
        long v = 0;
        for (; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9 || v < multMin) {
                return INVALID;
            }
            v *= 10;
            if (v < limit + d) {
                return INVALID;
            }
            v -= d;
        }
        if (!neg) {
            return -v;
        }
        return v == INVALID ? INVALID + 1 : v;
    }
}
