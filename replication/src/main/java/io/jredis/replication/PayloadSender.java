package io.jredis.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The RDB payload of a full sync on its way to the sockets of the replicas that share it, written by a thread that
 * is not the engine's (the snapshot's writer, or the reader of the saved file). Memory stays bounded: the writer
 * waits while any replica has more than {@link #MAX_QUEUED} bytes not yet sent, so the slowest replica sets the
 * pace, as a forked Redis child writing to all replica sockets does. A replica whose connection closed is skipped;
 * when none is left the transfer fails, which stops the snapshot.
 */
final class PayloadSender extends OutputStream {
    static final int CHUNK = 64 << 10;
    static final long MAX_QUEUED = 1L << 20;

    /** One replica's socket and what is queued on it. */
    static final class Target {
        final Replication.Replica replica;
        final Channel channel;
        final AtomicLong queued = new AtomicLong();
        volatile boolean failed;
        /**
         * When the socket last finished sending a chunk, or was given one with nothing pending (ms): a socket that
         * holds pending bytes longer than repl-timeout without progress times out (Redis's repl_last_partial_write).
         */
        volatile long lastWrite = System.currentTimeMillis();
        /**
         * The socket took the last byte. Its connection may close right after (redis-cli {@code --rdb} hangs up as
         * soon as the payload is in), which ends the transfer to it successfully, not as a dropped replica.
         */
        volatile boolean done;

        Target(Replication.Replica replica) {
            this.replica = replica;
            this.channel = replica.client.channel();
        }

        boolean alive() {
            return !failed && channel.isActive();
        }
    }

    private final List<Target> targets;
    private final byte[] trailer;
    private final Consumer<Target> sent;
    private final AtomicLong bytesSent = new AtomicLong();
    private final byte[] buf = new byte[CHUNK];
    private int n;
    private boolean closed;

    /**
     * @param trailer bytes written after the payload on {@link #close()} (the EOF mark of a diskless transfer)
     * @param sent    told on the engine's event loop, per target, when the whole payload left for its socket
     */
    PayloadSender(List<Target> targets, byte[] trailer, Consumer<Target> sent) {
        this.targets = targets;
        this.trailer = trailer;
        this.sent = sent;
    }

    /** Payload bytes handed to sockets so far, summed over replicas (INFO's total_net_repl_output_bytes). */
    long bytesSent() {
        return bytesSent.get();
    }

    @Override
    public void write(int b) throws IOException {
        if (n == buf.length) {
            send(false);
        }
        buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (n == buf.length) {
                send(false);
            }
            int k = Math.min(len, buf.length - n);
            System.arraycopy(b, off, buf, n, k);
            n += k;
            off += k;
            len -= k;
        }
    }

    /**
     * Sends what is buffered and the trailer; each replica is reported by the write of the last byte to its socket,
     * before its connection can close in reply.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        write(trailer, 0, trailer.length);
        send(true);
    }

    @Override
    public void flush() throws IOException {
        send(false);
    }

    /** Writes the buffered bytes to every live replica; the {@code last} chunk (even an empty one) reports them. */
    private void send(boolean last) throws IOException {
        if (n == 0 && !last) {
            return;
        }
        int len = n;
        ByteBuf chunk = len == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(buf, 0, len);
        n = 0;
        boolean any = false;
        for (Target t : targets) {
            if (!t.alive()) {
                continue;
            }
            any = true;
            if (t.queued.getAndAdd(len) == 0) {
                t.lastWrite = System.currentTimeMillis();
            }
            bytesSent.addAndGet(len);
            t.channel.writeAndFlush(chunk.retainedDuplicate()).addListener(f -> {
                t.queued.addAndGet(-len);
                t.lastWrite = System.currentTimeMillis();
                if (!f.isSuccess()) {
                    t.failed = true;
                } else if (last) {
                    t.done = true;
                    sent.accept(t);
                }
            });
        }
        chunk.release();
        if (!any) {
            throw new IOException("Diskless rdb transfer, last replica dropped");
        }
        awaitDrain();
    }

    private void awaitDrain() throws IOException {
        while (true) {
            boolean full = false;
            boolean any = false;
            for (Target t : targets) {
                if (t.alive()) {
                    any = true;
                    full |= t.queued.get() > MAX_QUEUED;
                } else if (t.done) {
                    any = true;
                }
            }
            if (!any) {
                throw new IOException("Diskless rdb transfer, last replica dropped");
            }
            if (!full) {
                return;
            }
            LockSupport.parkNanos(200_000);
        }
    }
}
