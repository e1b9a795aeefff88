package io.jredis.server.net;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.config.ClientOutputBufferLimitDirective;
import io.jredis.server.log.Log;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.SystemErrors;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;

/**
 * The last handler of a client pipeline: admits the connection (maxclients), hands decoded commands to the engine,
 * flushes replies once per read batch and closes clients whose unread replies pass their output buffer limits. Runs on
 * the engine thread, like every client channel.
 */
final class ClientHandler extends ChannelDuplexHandler {
    /**
     * Reply list memory (CLIENT LIST omem) an unauthenticated client may hold before it is closed: Redis closes such
     * a client once its reply list exceeds 1 KB, that is as soon as its replies overflow the static reply buffer
     * (CVE-2025-21605).
     */
    static final long UNAUTHENTICATED_OUTPUT_LIMIT = 1024;

    private final Engine engine;
    private Client client;
    /** Set once the client is scheduled to be closed for its output; its further input is ignored. */
    private boolean closeScheduled;
    /** An I/O error ended the connection: Redis logs the error, not a close by the client. */
    private boolean failed;
    /** When the output first stayed over the soft limit (unix ms), 0 while under it. */
    private long softLimitReachedAt;

    ClientHandler(Engine engine) {
        this.engine = engine;
    }

    /** The client this connection belongs to; null until the connection is admitted. */
    Client client() {
        return client;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (engine.log().enabled(Log.VERBOSE)) {
            engine.log().verbose(ctx.channel().remoteAddress() instanceof InetSocketAddress peer
                    ? "Accepted " + peer.getAddress().getHostAddress() + ":" + peer.getPort()
                    : "Accepted connection to " + engine.config().unixsocket.value());
        }
        if (engine.clients().size() >= engine.config().maxclients.value()) {
            engine.stats().rejectedConnections++;
            ctx.writeAndFlush(Unpooled.copiedBuffer("-ERR max number of clients reached\r\n", StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (refusedByProtectedMode(ctx)) {
            engine.stats().rejectedConnections++;
            ctx.writeAndFlush(Unpooled.copiedBuffer(PROTECTED_MODE_DENIED, StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        client = engine.newClient(ctx.channel());
        RespDecoder decoder = ctx.pipeline().get(RespDecoder.class);
        if (decoder != null) {
            client.pendingInput(decoder);
        }
        client.outputLimit(this::outputLimitReached);
        client.directWrite(DirectWrite.of(ctx.channel()));
        ctx.fireChannelActive();
    }

    /**
     * Redis 7.0's protected mode: while the default user has no password, only loopback and unix socket clients
     * are served, whatever the bind addresses.
     */
    private boolean refusedByProtectedMode(ChannelHandlerContext ctx) {
        if (!engine.config().protectedMode.value() || !engine.acl().defaultUser().nopass()) {
            return false;
        }
        return ctx.channel().remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null
                && !remote.getAddress().isLoopbackAddress();
    }

    private static final String PROTECTED_MODE_DENIED = "-DENIED Redis is running in protected mode because "
            + "protected mode is enabled and no password is set for the default user. In this mode connections are "
            + "only accepted from the loopback interface. If you want to connect from external computers to Redis "
            + "you may adopt one of the following solutions: 1) Just disable protected mode sending the command "
            + "'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host "
            + "the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. "
            + "Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected "
            + "mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then "
            + "restarting the server. 3) If you started the server manually just for testing, restart it with the "
            + "'--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You "
            + "only need to do one of the above things in order for the server to start accepting connections from "
            + "the outside.\r\n";

    private static boolean isDebugLoad(byte[][] argv) {
        return argv.length >= 2 && argv[0].length == 5 && Bytes.eqIgnoreCase(argv[0], "debug")
                && (Bytes.eqIgnoreCase(argv[1], "reload")
                        || Bytes.eqIgnoreCase(argv[1], "loadaof"));
    }

    /** What the connection's {@link RespDecoder} parsed: a request, or why the connection ends. */
    void received(Object msg) {
        if (client == null || closeScheduled || client.isClosed()) {
            return;
        }
        if (msg instanceof byte[][] argv) {
            if (client.closingAfterReply()) {
                return;
            }
            if (client.hasDeferred() || engine.blocking().isBlocked(client)) {
                client.defer(argv);
            } else if (io.jredis.server.scripting.Scripting.isScriptCommand(argv[0])
                    && !engine.scripting().timedOut() && (engine.loading() == null || engine.loading().async())) {
                // Scripts run outside the read dispatch, so that a busy one can poll the network (while one is
                // busy, a new script is refused with -BUSY right away). During a blocking load the loop runs no
                // other task until it ends: a script is then answered -LOADING at once. An async load (a replica's
                // swapdb) parses on its own thread and leaves the loop free, so a busy script stays killable.
                engine.processLater(client, argv);
            } else if (isDebugLoad(argv) && !engine.scripting().timedOut() && engine.loading() == null) {
                // DEBUG RELOAD / LOADAOF load as Redis's rdbLoad does: serving the others (-LOADING) meanwhile.
                engine.processLater(client, argv);
            } else {
                engine.process(client, argv);
            }
        } else if (msg instanceof RespDecoder.ProtocolError err) {
            // After QUIT (or an earlier protocol error) Redis parses nothing more: bytes behind it get no error.
            if (client.closingAfterReply()) {
                return;
            }
            if (engine.log().enabled(Log.VERBOSE)) {
                engine.log().verbose("Protocol error (" + err.reason() + ") from client: " + client.describe() + ". "
                        + err.dump());
            }
            engine.error(client, err.message());
            client.closeAfterReply();
        } else if (msg instanceof RespDecoder.QueryBufferOverflow over) {
            engine.log().warning("Closing client that reached max query buffer length: " + client.describe()
                    + " (qbuf initial bytes: " + over.initialBytes() + ")");
            engine.kill(client);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
        if (client != null && !client.isClosed()) {
            client.checkOutputLimit();
        }
    }

    /**
     * True when the client holding {@code used} output bytes is over its limits: it is then scheduled to be closed
     * (asynchronously, like Redis's freeClientAsync: the engine may be iterating its clients right now).
     */
    private boolean outputLimitReached(long used) {
        if (closeScheduled) {
            return true;
        }
        if (client == null || client.isClosed() || !overLimit(used)) {
            return false;
        }
        engine.log().warning("Client " + client.describe()
                + " scheduled to be closed ASAP for overcoming of output buffer limits.");
        closeScheduled = true;
        Client doomed = client;
        client.channel().eventLoop().execute(() -> {
            if (!doomed.isClosed()) {
                engine.kill(doomed);
            }
        });
        return true;
    }

    /**
     * Redis's checkClientOutputBufferLimits for the client's class (normal, replica, pubsub): over the hard limit at
     * once, over the soft limit once it stayed over for more than the soft seconds; unauthenticated clients have
     * their own small limit.
     */
    private boolean overLimit(long used) {
        if (!client.authenticated()) {
            return used > UNAUTHENTICATED_OUTPUT_LIMIT;
        }
        // Redis's getClientType: a subscribed client is in the pubsub class whatever its other flags.
        ClientOutputBufferLimitDirective.ClientClass cls = client.type() == Client.Type.REPLICA
                ? ClientOutputBufferLimitDirective.ClientClass.REPLICA
                : client.subscribed() || client.type() == Client.Type.PUBSUB
                        ? ClientOutputBufferLimitDirective.ClientClass.PUBSUB
                        : ClientOutputBufferLimitDirective.ClientClass.NORMAL;
        ClientOutputBufferLimitDirective.Limit limit = engine.config().clientOutputBufferLimit.limit(cls);
        long hard = cls == ClientOutputBufferLimitDirective.ClientClass.REPLICA
                ? limit.replicaHardBytes(engine.config().replBacklogSize.value()) : limit.hardBytes();
        if (hard != 0 && Long.compareUnsigned(used, hard) >= 0) {
            return true;
        }
        if (limit.softBytes() == 0 || Long.compareUnsigned(used, limit.softBytes()) < 0) {
            softLimitReachedAt = 0;
            return false;
        }
        long now = engine.now();
        if (softLimitReachedAt == 0) {
            softLimitReachedAt = now;
            return false;
        }
        return (now - softLimitReachedAt) / 1000 > limit.softSeconds();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (client != null) {
            // A connection the server did not end and no error ended: the client closed it (Redis's read of 0).
            if (!client.isClosed() && !closeScheduled && !failed && engine.log().enabled(Log.VERBOSE)) {
                engine.log().verbose("Client closed connection " + client.describe());
            }
            engine.removeClient(client);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection resets and similar I/O errors end the client, never the server. Writes that find the
        // connection already closed (a client killed for its output limit) are no news: Redis logs nothing there.
        if (!closeScheduled && !(cause instanceof ClosedChannelException) && ctx.channel().isActive()) {
            failed = true;
            engine.log().verbose("Reading from client: " + SystemErrors.words(cause));
        }
        ctx.close();
    }
}
