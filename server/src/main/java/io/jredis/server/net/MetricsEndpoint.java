package io.jredis.server.net;

import io.jredis.server.Engine;
import io.jredis.server.db.Database;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The jredis-only metrics endpoint ({@code metrics-port}): {@code GET /metrics} answers the Prometheus text format
 * with the names redis_exporter gives the same figures, so dashboards built for it work unchanged. Runs on the
 * engine's event loop, so it reads the engine's state directly.
 */
final class MetricsEndpoint extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Engine engine;

    MetricsEndpoint(Engine engine) {
        this.engine = engine;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        FullHttpResponse res;
        String path = req.uri();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
            res = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
        } else if (path.equals("/metrics")) {
            res = response(HttpResponseStatus.OK, render());
        } else {
            res = response(HttpResponseStatus.NOT_FOUND, "not found; metrics are at /metrics\n");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse response(HttpResponseStatus status, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return res;
    }

    /** The exposition text: one HELP/TYPE header per family, then its samples. */
    String render() {
        Engine.Stats s = engine.stats();
        StringBuilder sb = new StringBuilder(2048);
        gauge(sb, "redis_up", "Information about the Redis instance", 1);
        sb.append("# HELP redis_instance_info Information about the Redis instance\n")
                .append("# TYPE redis_instance_info gauge\n")
                .append("redis_instance_info{redis_mode=\"standalone\",redis_version=\"").append(Engine.REDIS_VERSION)
                .append("\",role=\"").append(engine.slaveMode() ? "slave" : "master").append("\",run_id=\"")
                .append(engine.runId()).append("\",tcp_port=\"").append(engine.tcpPort()).append("\"} 1\n");
        gauge(sb, "redis_uptime_in_seconds", "uptime_in_seconds metric",
                (System.currentTimeMillis() - engine.startedAt()) / 1000);
        gauge(sb, "redis_connected_clients", "connected_clients metric", engine.clients().size());
        gauge(sb, "redis_memory_used_bytes", "memory_used_bytes metric", engine.memory().used());
        gauge(sb, "redis_memory_max_bytes", "memory_max_bytes metric", engine.config().maxmemory.value());
        counter(sb, "redis_commands_processed_total", "commands_processed_total metric", s.commandsProcessed);
        counter(sb, "redis_connections_received_total", "connections_received_total metric", s.totalConnections);
        counter(sb, "redis_expired_keys_total", "expired_keys_total metric", s.expiredKeys);
        counter(sb, "redis_evicted_keys_total", "evicted_keys_total metric", s.evictedKeys);
        counter(sb, "redis_keyspace_hits_total", "keyspace_hits_total metric", s.keyspaceHits);
        counter(sb, "redis_keyspace_misses_total", "keyspace_misses_total metric", s.keyspaceMisses);
        counter(sb, "redis_net_input_bytes_total", "net_input_bytes_total metric", s.netInputBytes);
        counter(sb, "redis_net_output_bytes_total", "net_output_bytes_total metric", s.netOutputBytes);
        gauge(sb, "redis_master_repl_offset", "master_repl_offset metric", 0);
        sb.append("# HELP redis_db_keys Total number of keys by DB\n# TYPE redis_db_keys gauge\n");
        for (int i = 0; i < engine.databaseCount(); i++) {
            sb.append("redis_db_keys{db=\"db").append(i).append("\"} ").append(engine.database(i).size()).append('\n');
        }
        sb.append("# HELP redis_db_keys_expiring Total number of expiring keys by DB\n")
                .append("# TYPE redis_db_keys_expiring gauge\n");
        for (int i = 0; i < engine.databaseCount(); i++) {
            Database db = engine.database(i);
            sb.append("redis_db_keys_expiring{db=\"db").append(i).append("\"} ").append(db.expiresSize())
                    .append('\n');
        }
        return sb.toString();
    }

    private static void gauge(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name)
                .append(" gauge\n").append(name).append(' ').append(v).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name)
                .append(" counter\n").append(name).append(' ').append(v).append('\n');
    }
}
