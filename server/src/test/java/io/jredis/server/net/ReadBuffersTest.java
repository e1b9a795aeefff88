package io.jredis.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.RecvByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadBuffersTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final ReadBuffers buffers = new ReadBuffers(loop);

    /** Runs {@code task} on the buffers' event loop, as the connections' reads do. */
    private void onLoop(Runnable task) throws Exception {
        loop.submit(task).get();
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        buffers.free();
    }

    @Test
    void aReleasedBufferServesTheNextRead() throws Exception {
        RecvByteBufAllocator.Handle a = buffers.newHandle();
        RecvByteBufAllocator.Handle b = buffers.newHandle();
        onLoop(() -> {
            ByteBuf first = a.allocate(ALLOC);
            assertEquals(ReadBuffers.SIZE, first.capacity());
            first.writeBytes(new byte[] {1, 2, 3});
            first.release();
            ByteBuf second = b.allocate(ALLOC);
            assertSame(first, second, "another connection's next read gets the released buffer back");
            assertEquals(0, second.readableBytes(), "emptied");
            assertEquals(1, second.refCnt());
            second.release();
        });
    }

    @Test
    void buffersKeptByPartialRequestsAreNotLentTwice() throws Exception {
        RecvByteBufAllocator.Handle h = buffers.newHandle();
        onLoop(() -> {
            List<ByteBuf> held = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ByteBuf b = h.allocate(ALLOC);
                for (ByteBuf other : held) {
                    assertNotSame(other, b);
                }
                held.add(b);
            }
            held.forEach(ByteBuf::release);
        });
    }

    @Test
    void aReadThatFilledItsBufferIsFollowedByALargerOne() throws Exception {
        RecvByteBufAllocator.Handle h = buffers.newHandle();
        onLoop(() -> {
            ByteBuf b = h.allocate(ALLOC);
            h.attemptedBytesRead(b.writableBytes());
            h.lastBytesRead(b.writableBytes());
            b.release();
            ByteBuf next = h.allocate(ALLOC);
            assertEquals(ReadBuffers.LARGE, next.capacity());
            next.release();
        });
    }
}
