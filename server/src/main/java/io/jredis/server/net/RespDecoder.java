package io.jredis.server.net;

import io.jredis.server.util.SplitArgs;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Turns request bytes into argument vectors ({@code byte[][]}), for both multibulk and inline requests, with Redis's
 * limits and error texts. A malformed request yields a {@link ProtocolError} after the commands before it; the
 * decoder then discards all further input, as Redis closes such a client after its reply.
 *
 * <p>Partial multibulk state is kept across reads, so a huge command arriving in many packets is parsed once.
 */
public final class RespDecoder extends ByteToMessageDecoder {
    /** Redis's PROTO_INLINE_MAX_SIZE: the longest line (inline request or count line) before an error. */
    static final int INLINE_MAX = 64 * 1024;

    /** Limits read per request so CONFIG SET takes effect on open connections. */
    public interface Limits {
        long protoMaxBulkLen();

        long queryBufferLimit();

        boolean authenticated();

        /** Counts bytes read, for INFO total_net_input_bytes. */
        void received(int bytes);
    }

    /** A malformed request; {@code message} is the full error text to reply with before closing. */
    public record ProtocolError(String message) {}

    /** The reason a client is closed without a reply (query buffer over its limit). */
    public record QueryBufferOverflow(long size) {}

    private final Limits limits;
    private byte[][] args;
    private int argIndex;
    private long bulkLen = -1;
    private boolean failed;

    public RespDecoder(Limits limits) {
        this.limits = limits;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            limits.received(b.readableBytes());
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.isReadable()) {
            Object cmd;
            if (args == null && in.getByte(in.readerIndex()) != '*') {
                cmd = inline(in);
            } else {
                cmd = multibulk(in);
            }
            if (cmd == null) {
                if (in.readableBytes() > limits.queryBufferLimit()) {
                    fail(in, out, new QueryBufferOverflow(in.readableBytes()));
                }
                return;
            }
            if (cmd instanceof ProtocolError) {
                fail(in, out, cmd);
                return;
            }
            if (cmd != SKIP) {
                out.add(cmd);
            }
        }
    }

    private static final Object SKIP = new Object();

    private void fail(ByteBuf in, List<Object> out, Object reason) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(reason);
    }

    private Object inline(ByteBuf in) {
        int start = in.readerIndex();
        int eol = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (eol < 0) {
            if (in.readableBytes() > INLINE_MAX) {
                return new ProtocolError("ERR Protocol error: too big inline request");
            }
            return null;
        }
        int end = eol > start && in.getByte(eol - 1) == '\r' ? eol - 1 : eol;
        byte[] line = new byte[end - start];
        in.getBytes(start, line);
        in.readerIndex(eol + 1);
        List<byte[]> parts = SplitArgs.split(line);
        if (parts == null) {
            return new ProtocolError("ERR Protocol error: unbalanced quotes in request");
        }
        if (parts.isEmpty()) {
            return SKIP;
        }
        return parts.toArray(new byte[0][]);
    }

    private Object multibulk(ByteBuf in) {
        if (args == null) {
            int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
            if (eol < 0) {
                if (in.readableBytes() > INLINE_MAX) {
                    return new ProtocolError("ERR Protocol error: too big mbulk count string");
                }
                return null;
            }
            if (eol + 1 >= in.writerIndex()) {
                return null;
            }
            long count = parseLong(in, in.readerIndex() + 1, eol);
            if (count == Long.MIN_VALUE || count > Integer.MAX_VALUE
                    || (count > 1024 * 1024 && !limits.authenticated())) {
                return new ProtocolError("ERR Protocol error: invalid multibulk length");
            }
            in.readerIndex(eol + 2);
            if (count <= 0) {
                return SKIP;
            }
            // Redis caps the up-front allocation; the array grows as arguments really arrive.
            args = new byte[(int) Math.min(count, 1024)][];
            argCount = (int) count;
            argIndex = 0;
        }
        while (argIndex < argCount) {
            if (bulkLen < 0) {
                if (!in.isReadable()) {
                    return null;
                }
                int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
                if (eol < 0) {
                    if (in.readableBytes() > INLINE_MAX) {
                        return new ProtocolError("ERR Protocol error: too big bulk count string");
                    }
                    return null;
                }
                if (eol + 1 >= in.writerIndex()) {
                    return null;
                }
                byte first = in.getByte(in.readerIndex());
                if (first != '$') {
                    return new ProtocolError("ERR Protocol error: expected '$', got '" + (char) (first & 0xff) + "'");
                }
                long len = parseLong(in, in.readerIndex() + 1, eol);
                if (len < 0 || len > limits.protoMaxBulkLen() || (len > 16384 && !limits.authenticated())) {
                    return new ProtocolError("ERR Protocol error: invalid bulk length");
                }
                in.readerIndex(eol + 2);
                bulkLen = len;
            }
            if (in.readableBytes() < bulkLen + 2) {
                return null;
            }
            byte[] arg = new byte[(int) bulkLen];
            in.readBytes(arg);
            in.skipBytes(2);
            bulkLen = -1;
            if (argIndex == args.length) {
                args = java.util.Arrays.copyOf(args, Math.min(argCount, args.length * 2));
            }
            args[argIndex++] = arg;
        }
        byte[][] cmd = args;
        args = null;
        return cmd;
    }

    private int argCount;

    /** Parses {@code [from, to)} as Redis's string2ll; returns Long.MIN_VALUE when invalid. */
    private static long parseLong(ByteBuf in, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        boolean neg = in.getByte(from) == '-';
        int i = neg ? from + 1 : from;
        if (i == to) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9 || v > (Long.MAX_VALUE - d) / 10) {
                return Long.MIN_VALUE;
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }
}
