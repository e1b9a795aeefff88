package io.jredis.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledUnsafeDirectByteBuf;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;

/**
 * The read buffers of one event loop's client connections: a few 16 KB direct buffers (Redis's PROTO_IOBUF_LEN)
 * that every read borrows and gets back once the decoder has consumed it, as Redis reads each client into a query
 * buffer it keeps. The decoder consumes a read whole unless it ends in a partial request, so a handful of them
 * serve any number of connections; Netty's pooled allocation and release per read were 2 % of the engine thread at
 * {@code -P 1}. A read that fills its buffer is followed by a 64 KB pooled one, so a big value takes a quarter of the
 * reads; when every kept buffer is out (partial requests), reads take pooled buffers too.
 *
 * <p>Event loop thread only: a buffer released anywhere else is freed, not kept. {@link #free} frees the spares once
 * the loop has stopped.
 */
final class ReadBuffers extends DefaultMaxMessagesRecvByteBufAllocator {
    static final int SIZE = 16 * 1024;
    static final int LARGE = 64 * 1024;
    /** How many buffers are kept. */
    private static final int KEPT = 4;

    private final EventLoop loop;
    private final ArrayDeque<Kept> spares = new ArrayDeque<>(KEPT);
    /** Kept buffers in existence, lent out or spare. */
    private int kept;

    ReadBuffers(EventLoop loop) {
        super(16);
        this.loop = loop;
    }

    @Override
    public Handle newHandle() {
        return new MaxMessageHandle() {
            @Override
            public ByteBuf allocate(ByteBufAllocator alloc) {
                boolean full = lastBytesRead() > 0 && lastBytesRead() == attemptedBytesRead();
                return full ? alloc.ioBuffer(LARGE) : borrow(alloc);
            }

            @Override
            public int guess() {
                return SIZE;
            }
        };
    }

    /** Frees the spare buffers; call after the event loop has stopped. */
    void free() {
        for (Kept b; (b = spares.pollLast()) != null; ) {
            b.free();
        }
    }

    private ByteBuf borrow(ByteBufAllocator alloc) {
        Kept b = spares.pollLast();
        if (b != null) {
            return b;
        }
        if (kept < KEPT) {
            kept++;
            return new Kept(alloc);
        }
        return alloc.ioBuffer(SIZE);
    }

    /** A read buffer that goes back to the spares, instead of being freed, when its last reference is released. */
    private final class Kept extends UnpooledUnsafeDirectByteBuf {
        Kept(ByteBufAllocator alloc) {
            super(alloc, SIZE, SIZE);
        }

        void free() {
            super.deallocate();
        }

        @Override
        protected void deallocate() {
            if (loop.inEventLoop()) {
                resetRefCnt();
                clear();
                spares.addLast(this);
            } else {
                super.deallocate();
            }
        }
    }
}
