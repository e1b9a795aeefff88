package io.jredis.server.net;

import io.jredis.server.protocol.CommandEncoder;
import io.jredis.server.protocol.Reply;
import io.jredis.server.protocol.RespParser;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * An asynchronous RESP client that lives on an engine's event loop: commands are pipelined, replies are handed to
 * callbacks in order on that same thread, and pub/sub messages go to a push handler. Sentinel links and other
 * server-to-server connections use it, so their callbacks may touch engine state without locks.
 */
public final class RespClient {
    private final EventLoop loop;
    private final String host;
    private final int port;
    private final ArrayDeque<Consumer<Object>> pending = new ArrayDeque<>();
    private Consumer<Object> pushHandler = v -> { };
    private Runnable onClose = () -> { };
    private Channel channel;
    private boolean closed;
    private Tls tls;

    public RespClient(EventLoop loop, String host, int port) {
        this.loop = loop;
        this.host = host;
        this.port = port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Where messages that answer no command go (pub/sub messages once subscribed, RESP3 pushes). */
    public RespClient onPush(Consumer<Object> handler) {
        this.pushHandler = handler;
        return this;
    }

    /** Called once, on the loop, when the connection ends for any reason after it was established. */
    public RespClient onClose(Runnable handler) {
        this.onClose = handler;
        return this;
    }

    /**
     * Speaks TLS on this connection with the given client context (set before {@link #connect}). Commands written
     * before the handshake completes are held by the TLS handler and sent once it does.
     */
    public RespClient tls(Tls context) {
        this.tls = context;
        return this;
    }

    /** Connects; the future completes on the loop. Commands may be sent as soon as it succeeds. */
    public ChannelFuture connect(int timeoutMillis) {
        boolean epoll = NetworkServer.epollTransport();
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new ReplyDecoder(), new Dispatcher());
                        TrafficControl.attach(ch, false);
                    }
                });
        ChannelFuture f = b.connect(host, port);
        channel = f.channel();
        return f;
    }

    /** The local IP address of the connection (what the peer sees us as), or null when not connected. */
    public String localAddress() {
        if (channel != null && channel.localAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null) {
            return a.getAddress().getHostAddress();
        }
        return null;
    }

    public boolean isConnected() {
        return channel != null && channel.isActive() && !closed;
    }

    /** Number of commands sent and not yet answered. */
    public int pendingCommands() {
        return pending.size();
    }

    /** Sends a command; {@code onReply} gets the parsed reply (errors as {@link Reply.RespError}). */
    public void send(Consumer<Object> onReply, String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        send(onReply, argv);
    }

    public void send(Consumer<Object> onReply, byte[]... argv) {
        if (!isConnected()) {
            return;
        }
        CommandEncoder out = new CommandEncoder(256).command(argv);
        pending.add(onReply == null ? v -> { } : onReply);
        channel.writeAndFlush(Unpooled.wrappedBuffer(out.array(), 0, out.length()), channel.voidPromise());
    }

    /** Closes the connection; pending callbacks are dropped. */
    public void close() {
        closed = true;
        pending.clear();
        if (channel != null) {
            channel.close();
        }
    }

    private final class ReplyDecoder extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.isReadable()) {
                Object v = RespParser.parse(in);
                if (v == null) {
                    return;
                }
                out.add(new Parsed(v));
            }
        }
    }

    /** Wraps parsed values so a parsed null is still a message. */
    private record Parsed(Object value) {}

    private final class Dispatcher extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Object v = ((Parsed) msg).value();
            Consumer<Object> cb = pending.poll();
            if (cb != null && !isPush(v)) {
                cb.accept(v);
            } else {
                if (cb != null) {
                    pending.addFirst(cb);
                }
                pushHandler.accept(v);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            pending.clear();
            closed = true;
            onClose.run();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Pub/sub messages ("message", "pmessage", "smessage") are pushes even in RESP2. */
    private static boolean isPush(Object v) {
        if (v instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof byte[] b) {
            String kind = new String(b, StandardCharsets.US_ASCII);
            return kind.equals("message") || kind.equals("pmessage") || kind.equals("smessage");
        }
        return false;
    }
}
