package io.jredis.server.net;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.log.Log;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;

/**
 * The last handler of a client pipeline: admits the connection (maxclients), hands decoded commands to the engine
 * and flushes replies once per read batch. Runs on the engine thread, like every client channel.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    private final Engine engine;
    private Client client;

    ClientHandler(Engine engine) {
        this.engine = engine;
    }

    /** The client this connection belongs to; null until the connection is admitted. */
    Client client() {
        return client;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (engine.clients().size() >= engine.config().maxclients.value()) {
            engine.stats().rejectedConnections++;
            ctx.writeAndFlush(Unpooled.copiedBuffer("-ERR max number of clients reached\r\n", StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        client = engine.newClient(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (client == null || client.isClosed()) {
            return;
        }
        if (msg instanceof byte[][] argv) {
            if (!client.closingAfterReply()) {
                engine.process(client, argv);
            }
        } else if (msg instanceof RespDecoder.ProtocolError err) {
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
    public void channelReadComplete(ChannelHandlerContext ctx) {
        engine.flushPending();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (client != null) {
            engine.removeClient(client);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection resets and similar I/O errors end the client, never the server.
        engine.log().verbose("Client error: " + cause.getMessage());
        ctx.close();
    }
}
