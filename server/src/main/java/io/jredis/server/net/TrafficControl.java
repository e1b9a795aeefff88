package io.jredis.server.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fault injection for embedded clusters: holds the traffic of chosen connections of one server, as a network
 * partition does, and resets all of them, as a killed process's kernel does. Servers without a TrafficControl (every
 * server not started by a test harness) pay one map lookup per new connection and nothing per byte.
 *
 * <p>A held connection stays open but nothing crosses it: what arrives is kept unread and what the server writes is
 * kept unsent (in memory; the socket's read interest is left alone because the engine toggles it for blocked
 * clients). When the policy releases it, the kept bytes are delivered in order, so nothing is lost or reordered, as
 * TCP retransmission delivers everything once a partition heals (unless a peer gave up on the connection meanwhile).
 *
 * <p>Every connection of the server takes part: the ones it accepts and the ones it opens (replication link, Sentinel
 * links), which call {@link #attach(Channel, boolean)} when their pipeline is built.
 */
public final class TrafficControl {
    /** Decides which connections are held; asked again on every {@link #policy(Policy)} call and on traffic. */
    @FunctionalInterface
    public interface Policy {
        /**
         * Whether the connection's traffic is held.
         *
         * @param accepted true for a connection a client opened to this server, false for one this server opened
         */
        boolean held(Channel channel, boolean accepted);
    }

    private static final Policy OPEN = (ch, accepted) -> false;
    private static final Map<EventLoopGroup, TrafficControl> BY_LOOP = new ConcurrentHashMap<>();

    private final EventLoopGroup loop;
    private final Set<Gate> gates = ConcurrentHashMap.newKeySet();
    private volatile Policy policy = OPEN;

    private TrafficControl(EventLoopGroup loop) {
        this.loop = loop;
    }

    /** The control of the server running on {@code loop}; created and registered on first use. */
    static TrafficControl of(EventLoopGroup loop) {
        return BY_LOOP.computeIfAbsent(loop, TrafficControl::new);
    }

    /** Forgets the control of a closed server. */
    static void release(EventLoopGroup loop) {
        BY_LOOP.remove(loop);
    }

    /**
     * Puts a new connection under the control of its server, when that server has one: call from the channel
     * initializer, on the event loop.
     *
     * @param accepted true for connections accepted by a listener, false for connections the server opens
     */
    public static void attach(Channel ch, boolean accepted) {
        TrafficControl tc = BY_LOOP.get(ch.eventLoop().parent());
        if (tc != null) {
            ch.pipeline().addFirst("traffic-control", tc.new Gate(ch, accepted));
        }
    }

    /** Replaces the policy and applies it at once to every open connection. */
    public void policy(Policy p) {
        policy = p == null ? OPEN : p;
        loop.execute(() -> gates.forEach(Gate::refresh));
    }

    /** The local TCP ports of the connections this server opened, to tell its connections apart from clients'. */
    public boolean ownsOutgoingPort(int port) {
        for (Gate g : gates) {
            if (!g.accepted && g.channel.localAddress() instanceof InetSocketAddress a && a.getPort() == port) {
                return true;
            }
        }
        return false;
    }

    /**
     * Closes one connection as the kernel does a killed process's: a reset (SO_LINGER 0), whatever was not yet written
     * discarded, and no goodbye from the pipeline (no TLS close_notify). Call on the channel's event loop.
     */
    public static void reset(Channel ch) {
        if (!ch.isOpen()) {
            return;
        }
        try {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException e) {
            // Not a TCP socket (unix socket): a plain close is the same for its peer.
        }
        ch.unsafe().closeForcibly();
    }

    /**
     * Closes every connection as the kernel does for a killed process: reset (SO_LINGER 0), with whatever was not
     * yet written discarded. Runs on the event loop and returns once done.
     */
    public void resetAll() {
        Runnable reset = () -> {
            for (Gate g : gates) {
                reset(g.channel);
            }
        };
        if (loop.next().inEventLoop()) {
            reset.run();
        } else {
            loop.submit(reset).awaitUninterruptibly();
        }
    }

    /** Sits first in a pipeline and holds reads and writes while the policy says so. */
    private final class Gate extends ChannelDuplexHandler {
        private final Channel channel;
        private final boolean accepted;
        private final ArrayDeque<Object> heldReads = new ArrayDeque<>();
        private final ArrayDeque<Object[]> heldWrites = new ArrayDeque<>();
        private ChannelHandlerContext ctx;
        private boolean held;

        Gate(Channel channel, boolean accepted) {
            this.channel = channel;
            this.accepted = accepted;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            gates.add(this);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            refresh();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            gates.remove(this);
            heldReads.forEach(io.netty.util.ReferenceCountUtil::release);
            heldReads.clear();
            for (Object[] w : heldWrites) {
                io.netty.util.ReferenceCountUtil.release(w[0]);
            }
            heldWrites.clear();
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            refresh();
            if (held) {
                heldReads.add(msg);
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!held) {
                ctx.fireChannelReadComplete();
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            refresh();
            if (held) {
                heldWrites.add(new Object[] {msg, promise});
            } else {
                ctx.write(msg, promise);
            }
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!held) {
                ctx.flush();
            }
        }

        /** Applies the current policy; on release delivers what was held, in order. */
        void refresh() {
            if (ctx == null || !channel.isActive()) {
                return;
            }
            boolean now = policy.held(channel, accepted);
            if (now == held) {
                return;
            }
            held = now;
            if (held) {
                return;
            }
            while (!heldWrites.isEmpty()) {
                Object[] w = heldWrites.poll();
                ctx.write(w[0], (ChannelPromise) w[1]);
            }
            ctx.flush();
            boolean delivered = !heldReads.isEmpty();
            while (!heldReads.isEmpty()) {
                ctx.fireChannelRead(heldReads.poll());
            }
            if (delivered) {
                ctx.fireChannelReadComplete();
            }
        }
    }
}
