package io.jredis.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.util.function.Predicate;

/**
 * Hands a batch of replies straight to the socket, as Redis's writeToClient does, when nothing is queued before it.
 * A reply batch goes out once per I/O pass and nearly always fits the socket buffer; Netty's write and flush through
 * the pipeline and the outbound buffer cost about a fifth of the system call itself at one request per read. What
 * the socket does not take, and any error, goes the regular way, so Netty keeps the order, the backpressure and the
 * closing.
 */
final class DirectWrite implements Predicate<ByteBuf> {
    private final Channel channel;
    private final Socket socket;

    private DirectWrite(AbstractEpollStreamChannel channel) {
        this.channel = channel;
        this.socket = (Socket) channel.fd();
    }

    /**
     * The direct writer of a connection, or null when its writes must go through the pipeline: NIO, TLS, or a fault
     * injection gate in front.
     */
    static DirectWrite of(Channel ch) {
        if (ch instanceof AbstractEpollStreamChannel epoll && epoll.fd() instanceof Socket
                && ch.pipeline().get("tls") == null && ch.pipeline().get("traffic-control") == null) {
            return new DirectWrite(epoll);
        }
        return null;
    }

    /**
     * Writes what the socket takes now; true when all of {@code b} went out (the caller still owns {@code b}), false
     * when the caller must send the rest of it through the channel.
     */
    @Override
    public boolean test(ByteBuf b) {
        ChannelOutboundBuffer queued = channel.unsafe().outboundBuffer();
        if (queued == null || !queued.isEmpty() || !b.hasMemoryAddress() || !channel.isActive()) {
            return false;
        }
        try {
            int written = socket.sendAddress(b.memoryAddress(), b.readerIndex(), b.writerIndex());
            if (written == b.readableBytes()) {
                return true;
            }
            b.skipBytes(Math.max(written, 0));
        } catch (IOException e) {
            // The channel's own write meets the same error and closes the connection as usual.
        }
        return false;
    }
}
