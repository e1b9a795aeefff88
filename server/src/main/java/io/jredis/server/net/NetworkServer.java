package io.jredis.server.net;

import io.jredis.server.Engine;
import io.jredis.server.config.Directive;
import io.jredis.server.config.ServerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Listens on the configured TCP addresses and unix socket. One single-threaded event loop accepts and serves every
 * connection and runs the engine, so commands execute on one thread without hand-off, as in Redis.
 */
public final class NetworkServer implements AutoCloseable {
    private final Engine engine;
    private final EventLoopGroup loop;
    private final boolean epoll;
    private final ReadBuffers readBuffers;
    private final List<Channel> listeners = new ArrayList<>();
    /** The TCP (non-TLS) listeners, which CONFIG SET port and bind replace at run time. */
    private List<Channel> tcpListeners = new ArrayList<>();
    /** The port and bind settings {@link #tcpListeners} were bound with. */
    private int tcpConfiguredPort;
    private List<String> tcpBinds = List.of();
    private int boundPort = -1;
    /** The Unix socket file this server created, removed on close; null when it created none. */
    private Path unixSocket;
    /** The tls-port listeners, which CONFIG SET tls-port and bind replace at run time. */
    private List<Channel> tlsListeners = List.of();
    /** The TLS port and bind settings {@link #tlsListeners} were bound with (port 0: none). */
    private int tlsPort;
    private List<String> tlsBinds = List.of();
    /** The tls-port listener's context; rebuilt for new connections after CONFIG SET changed a tls-* directive. */
    private Tls tls;

    public NetworkServer(Engine engine, String threadName) {
        this.engine = engine;
        this.epoll = epollTransport();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadName, false), io) {
            @Override
            protected IoEventLoop newChild(Executor executor, IoHandlerFactory factory, Object... args) {
                return new EngineLoop(this, executor, factory);
            }
        };
        this.readBuffers = new ReadBuffers(loop.next());
        ServerConfig cfg = engine.config();
        // Redis's applyTlsCfg: one hook, so a CONFIG SET of several tls-* directives reconfigures once.
        Directive.ApplyHook reconfigure = this::reconfigureTls;
        for (Directive d : List.of(cfg.tlsCertFile, cfg.tlsKeyFile, cfg.tlsKeyFilePass, cfg.tlsClientCertFile,
                cfg.tlsClientKeyFile, cfg.tlsClientKeyFilePass, cfg.tlsCaCertFile, cfg.tlsCaCertDir, cfg.tlsProtocols,
                cfg.tlsCiphers, cfg.tlsCiphersuites, cfg.tlsPreferServerCiphers, cfg.tlsSessionCacheSize,
                cfg.tlsSessionCacheTimeout)) {
            d.onApply(reconfigure);
        }
        cfg.port.onApply(() -> rebindTcp("Unable to listen on this port. Check server logs."));
        cfg.bind.onApply(() -> {
            boolean changed = !cfg.bind.value().equals(tcpBinds);
            String error = rebindTcp("Failed to bind to specified addresses.");
            return error != null || !changed || tlsPort == 0 ? error
                    : rebindTls(tlsPort, "Failed to bind to specified addresses.");
        });
        cfg.tlsPort.onApply(this::applyTlsPort);
    }

    /** CONFIG SET of a tls-* file or setting: a new context for new connections, or Redis's error. */
    private String reconfigureTls() {
        ServerConfig cfg = engine.config();
        if (cfg.tlsPort.intValue() == 0 && !cfg.tlsReplication.value()) {
            return null;
        }
        try {
            Tls fresh = Tls.server(cfg);
            Tls.client(cfg);
            tls = fresh;
            return null;
        } catch (IOException e) {
            for (String line : e.getMessage().split("\n")) {
                if (!line.equals(Tls.FAILED)) {
                    engine.log().warning(line);
                }
            }
            return "Unable to update TLS configuration. Check server logs.";
        }
    }

    /** True when the native epoll transport is used (Linux); {@code -Djredis.nio=true} forces NIO. */
    public static boolean epollTransport() {
        return Epoll.isAvailable() && !Boolean.getBoolean("jredis.nio");
    }

    /** The single engine event loop. */
    public EventLoopGroup loop() {
        return loop;
    }

    /**
     * Binds every configured address. When a mandatory address cannot be bound the exception's message holds the
     * lines redis-server logs in that case, one per line.
     */
    public void start() throws IOException {
        ServerConfig cfg = engine.config();
        EngineLoop engineLoop = (EngineLoop) loop.next();
        engine.attach(engineLoop);
        engine.ioPoller(engineLoop::pollOnce);
        engine.listenersCloser(this::stopListening);
        engineLoop.afterIo = engine::flushPending;
        engineLoop.onFatal = engine::fatal;
        int port = cfg.port.intValue();
        if (cfg.tlsPort.intValue() != 0 || cfg.tlsReplication.value()) {
            try {
                tls = Tls.server(cfg);
            } catch (IOException e) {
                close();
                throw e;
            }
        }
        if (port != 0 || (cfg.unixsocket.value().isEmpty() && cfg.tlsPort.intValue() == 0)) {
            try {
                tcpListeners = bindListeners(cfg.bind.value(), port, false);
                if (!tcpListeners.isEmpty()) {
                    boundPort = ((InetSocketAddress) tcpListeners.get(0).localAddress()).getPort();
                }
            } catch (IOException e) {
                close();
                throw e;
            }
        }
        tcpConfiguredPort = port;
        tcpBinds = List.copyOf(cfg.bind.value());
        if (cfg.tlsPort.intValue() != 0) {
            try {
                tlsListeners = bindListeners(cfg.bind.value(), cfg.tlsPort.intValue(), true);
            } catch (IOException e) {
                close();
                throw e;
            }
            tlsPort = cfg.tlsPort.intValue();
            tlsBinds = List.copyOf(cfg.bind.value());
        }
        if (!cfg.unixsocket.value().isEmpty()) {
            bindUnix(cfg);
        }
        if (cfg.metricsPort.value() > 0) {
            bindMetrics(cfg);
        }
    }

    /** The jredis-only metrics endpoint: HTTP on metrics-port, at the first bind address, served by the engine loop. */
    private void bindMetrics(ServerConfig cfg) throws IOException {
        String spec = cfg.bind.value().isEmpty() ? "*" : cfg.bind.value().get(0);
        String host = spec.startsWith("-") ? spec.substring(1) : spec;
        host = switch (host) {
            case "*" -> "0.0.0.0";
            case "::*" -> "::";
            default -> host;
        };
        ServerBootstrap b = new ServerBootstrap()
                .group(loop, loop)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new MetricsEndpoint(engine));
                    }
                });
        try {
            listeners.add(b.bind(new InetSocketAddress(host, cfg.metricsPort.intValue())).sync().channel());
        } catch (Exception e) {
            close();
            throw new IOException("Failed listening on metrics port " + cfg.metricsPort.value() + ": "
                    + strerror(e), e);
        }
    }

    /**
     * Listens on {@code port} at every bind address (port 0: one the system picks), speaking TLS or not. On failure
     * the listeners it opened are closed and the exception's message holds the lines redis-server logs, one per line.
     */
    private List<Channel> bindListeners(List<String> binds, int port, boolean tls) throws IOException {
        List<Channel> bound = new ArrayList<>();
        String kind = tls ? " (TLS)" : " (TCP)";
        int p = port;
        for (String spec : binds) {
            boolean optional = spec.startsWith("-");
            String host = bindHost(spec);
            try {
                ServerBootstrap b = tcpBootstrap(engine.config()).childHandler(initializer(true, tls));
                Channel ch = bindNow(b, new InetSocketAddress(host, p));
                bound.add(ch);
                p = ((InetSocketAddress) ch.localAddress()).getPort();
            } catch (Exception e) {
                String reason = strerror(e);
                String warning = "Warning: Could not create server TCP listening socket "
                        + (optional ? spec.substring(1) : spec) + ":" + p + ": bind: " + reason;
                // As Redis: an optional address may be missing, and a protocol the host lacks is skipped.
                // A JVM socket on "::" is dual-stack, so it collides with an IPv4 wildcard already bound.
                if ("::".equals(host) && !bound.isEmpty()) {
                    continue;
                }
                boolean missing = reason.equals("Cannot assign requested address");
                if ((optional && missing) || UNSUPPORTED.contains(reason)) {
                    engine.log().warning(warning);
                    continue;
                }
                closeAll(bound);
                // Both of Redis's log lines, for the caller to log (or show) before giving up.
                throw new IOException(warning + "\nFailed listening on port " + p + kind + ", aborting.", e);
            }
        }
        if (bound.isEmpty() && !binds.isEmpty()) {
            throw new IOException("Failed listening on port " + port + kind + ", aborting.");
        }
        return bound;
    }

    /**
     * Binds a listener and waits for it. On the engine thread (CONFIG SET) waiting would deadlock the loop, but there
     * registering and binding complete at once.
     */
    private Channel bindNow(ServerBootstrap b, InetSocketAddress address) throws Exception {
        if (!loop.next().inEventLoop()) {
            return b.bind(address).sync().channel();
        }
        io.netty.channel.ChannelFuture reg = b.register();
        if (reg.cause() != null) {
            throw new IOException(reg.cause());
        }
        Channel ch = reg.channel();
        io.netty.channel.ChannelFuture bound = ch.bind(address);
        if (!bound.isDone() || !bound.isSuccess()) {
            ch.close();
            Throwable cause = bound.cause();
            throw cause instanceof Exception ex ? ex : new IOException("bind did not complete");
        }
        return ch;
    }

    private static void closeAll(List<Channel> channels) {
        for (Channel ch : channels) {
            ch.close();
        }
    }

    /**
     * CONFIG SET port / bind, as Redis's changeListenPort and changeBindAddr: the TCP listeners are closed and bound
     * again with the new settings (port 0: none); when that fails the old ones are restored and {@code error} is
     * returned (the value is rolled back). Open connections are kept.
     */
    private String rebindTcp(String error) {
        ServerConfig cfg = engine.config();
        int port = cfg.port.intValue();
        List<String> binds = List.copyOf(cfg.bind.value());
        if (port == tcpConfiguredPort && binds.equals(tcpBinds)) {
            return null;
        }
        boolean hadListeners = !tcpListeners.isEmpty();
        // Port 0 closes the TCP listeners, except that a server started with port 0 listens on a port the system
        // picked (jredis's embedded mode): a bind change keeps that port.
        int listenPort = port != 0 || port != tcpConfiguredPort || !hadListeners ? port : boundPort;
        closeAll(tcpListeners);
        List<Channel> fresh = List.of();
        if (listenPort != 0) {
            try {
                fresh = bindListeners(binds, listenPort, false);
            } catch (IOException e) {
                for (String line : e.getMessage().split("\n")) {
                    engine.log().warning(line);
                }
                engine.log().warning("Failed to bind, trying to restore old listening sockets.");
                try {
                    tcpListeners = hadListeners ? bindListeners(tcpBinds, boundPort, false) : List.of();
                } catch (IOException restore) {
                    engine.log().warning("Failed to restore old listening sockets.");
                    tcpListeners = List.of();
                }
                return error;
            }
        }
        tcpListeners = fresh;
        tcpConfiguredPort = port;
        tcpBinds = binds;
        boundPort = fresh.isEmpty() ? -1 : ((InetSocketAddress) fresh.get(0).localAddress()).getPort();
        engine.tcpPort(port() != 0 ? port() : tlsPort);
        return null;
    }

    /** The address a {@code bind} entry listens on: without its "-" (optional) mark, "*" and "::*" as wildcards. */
    private static String bindHost(String spec) {
        String host = spec.startsWith("-") ? spec.substring(1) : spec;
        return switch (host) {
            case "*" -> "0.0.0.0";
            case "::*" -> "::";
            default -> host;
        };
    }

    /**
     * CONFIG SET tls-port, as Redis's applyTLSPort: a TLS context is made first if the server had none, then the TLS
     * listeners move to the new port (0: none).
     */
    private String applyTlsPort() {
        ServerConfig cfg = engine.config();
        int port = cfg.tlsPort.intValue();
        if (port != 0 && tls == null) {
            String error = reconfigureTls();
            if (error != null) {
                return error;
            }
        }
        return port == tlsPort ? null : rebindTls(port, "Unable to listen on this port. Check server logs.");
    }

    /**
     * Closes the TLS listeners and binds them again on {@code port} at the configured addresses (port 0: none); when
     * that fails the old ones are restored and {@code error} is returned (the value is rolled back).
     */
    private String rebindTls(int port, String error) {
        List<String> binds = List.copyOf(engine.config().bind.value());
        closeAll(tlsListeners);
        tlsListeners = List.of();
        try {
            tlsListeners = port == 0 ? List.of() : bindListeners(binds, port, true);
        } catch (IOException e) {
            for (String line : e.getMessage().split("\n")) {
                engine.log().warning(line);
            }
            try {
                tlsListeners = tlsPort == 0 ? List.of() : bindListeners(tlsBinds, tlsPort, true);
            } catch (IOException restore) {
                engine.log().warning("Failed to restore old listening sockets.");
            }
            return error;
        }
        tlsPort = port;
        tlsBinds = binds;
        engine.tcpPort(port() != 0 ? port() : tlsPort);
        return null;
    }

    /** The context for a new TLS connection, rebuilt first when tls-auth-clients or tls-replication changed. */
    private Tls tlsContext() {
        if (tls.stale(engine.config())) {
            try {
                tls = Tls.server(engine.config());
            } catch (IOException e) {
                for (String line : e.getMessage().split("\n")) {
                    engine.log().warning(line);
                }
            }
        }
        return tls;
    }

    /** strerror texts of the errno values Redis's listenToPort skips: the protocol or family is not supported. */
    private static final Set<String> UNSUPPORTED = Set.of("Protocol not available", "Protocol not supported",
            "Socket type not supported", "Protocol family not supported", "Address family not supported by protocol");

    /** The C library's text for a bind failure, without Netty's "bind(..) failed with error(-99): " prefix. */
    private static String strerror(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int colon = m.indexOf("): ");
        return colon >= 0 && m.startsWith("bind(") ? m.substring(colon + 3) : m;
    }

    private ServerBootstrap tcpBootstrap(ServerConfig cfg) {
        return new ServerBootstrap()
                .group(loop, loop)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, cfg.tcpBacklog.intValue())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, readBuffers)
                .childHandler(initializer(true, false));
    }

    /**
     * Redis's {@code anetKeepAlive}, applied per accepted connection so that CONFIG SET tcp-keepalive affects new
     * connections: first probe after the interval, then every third of it, three probes.
     */
    private void keepAlive(Channel ch) {
        long interval = engine.config().tcpKeepalive.value();
        if (interval <= 0) {
            return;
        }
        ch.config().setOption(ChannelOption.SO_KEEPALIVE, true);
        if (epoll) {
            ch.config().setOption(EpollChannelOption.TCP_KEEPIDLE, (int) interval);
            ch.config().setOption(EpollChannelOption.TCP_KEEPINTVL, (int) Math.max(1, interval / 3));
            ch.config().setOption(EpollChannelOption.TCP_KEEPCNT, 3);
        }
    }

    private void bindUnix(ServerConfig cfg) throws IOException {
        if (!epoll) {
            throw new IOException("unixsocket needs the epoll transport, which is not available here");
        }
        Path path = Path.of(cfg.unixsocket.value());
        Files.deleteIfExists(path);
        ServerBootstrap b = new ServerBootstrap()
                .group(loop, loop)
                .channel(EpollServerDomainSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, cfg.tcpBacklog.intValue())
                .childHandler(initializer(false, false));
        try {
            listeners.add(b.bind(new DomainSocketAddress(path.toFile())).sync().channel());
            unixSocket = path;
        } catch (Exception e) {
            close();
            throw new IOException("Failed opening Unix socket: " + e.getMessage(), e);
        }
        long perm = cfg.unixsocketperm.value();
        if (perm != 0) {
            Files.setPosixFilePermissions(path, permissions(perm));
        }
    }

    private static Set<PosixFilePermission> permissions(long mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1L << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    private ChannelInitializer<Channel> initializer(boolean tcp, boolean secure) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (tcp) {
                    keepAlive(ch);
                }
                TrafficControl.attach(ch, true);
                if (secure) {
                    ch.pipeline().addLast("tls", tlsContext().newHandler(ch.alloc()));
                }
                ClientHandler handler = new ClientHandler(engine);
                ch.pipeline().addLast("resp", new RespDecoder(new ClientLimits(engine, handler), handler::received));
                ch.pipeline().addLast("client", handler);
            }
        };
    }

    /**
     * Fault injection for test harnesses (embedded clusters): controls every connection this server accepts or
     * opens from now on. Created on first call; servers that never call it are unaffected.
     */
    public TrafficControl trafficControl() {
        return TrafficControl.of(loop);
    }

    /** The TCP port actually bound (the chosen one when configured with port 0), or 0 when only a unix socket. */
    public int port() {
        return Math.max(boundPort, 0);
    }

    /** The TLS port listened on, or 0 when tls-port is not configured. */
    public int tlsPort() {
        return tlsPort;
    }

    /** Closes every listening socket without waiting (any thread): no connection is accepted from now on. */
    private void stopListening() {
        for (Channel ch : listeners) {
            ch.close();
        }
        for (Channel ch : tcpListeners) {
            ch.close();
        }
        for (Channel ch : tlsListeners) {
            ch.close();
        }
    }

    /** Listening sockets close first, so nothing is accepted meanwhile; then the loop closes every connection. */
    @Override
    public void close() {
        List<Channel> all = new ArrayList<>(listeners);
        all.addAll(tcpListeners);
        all.addAll(tlsListeners);
        for (Channel ch : all) {
            ch.close().awaitUninterruptibly();
        }
        listeners.clear();
        tcpListeners = List.of();
        tlsListeners = List.of();
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        readBuffers.free();
        TrafficControl.release(loop);
        // Only a socket this server bound: a server that failed to start (its port busy) must not remove the socket
        // of the one started in its place.
        if (unixSocket != null) {
            try {
                Files.deleteIfExists(unixSocket);
            } catch (IOException ignored) {
                // A socket file we cannot remove is harmless: the next start unlinks it before binding.
            }
        }
    }

    /**
     * The engine's event loop, which can serve ready connections once from inside a running task: a busy script
     * polls it so that other clients get -BUSY and SCRIPT KILL gets through (Redis's processEventsWhileBlocked).
     */
    private static final class EngineLoop extends SingleThreadIoEventLoop {
        /** The engine's reply flush; set before the first channel registers. */
        volatile Runnable afterIo;
        /** Told what ended the loop when something other than a shutdown did (an OutOfMemoryError, say). */
        volatile java.util.function.Consumer<Throwable> onFatal;

        EngineLoop(IoEventLoopGroup group, Executor executor, IoHandlerFactory factory) {
            super(group, executor, factory);
        }

        /**
         * One I/O pass (wait, then every ready channel's reads), then the replies of all of them go out, as Redis
         * writes replies in beforeSleep after handling every fired event: a client woken by its reply then finds
         * the other replies of the pass ready too, rather than each write waking it between two reads.
         */
        @Override
        protected int runIo() {
            int handled = super.runIo();
            Runnable flush = afterIo;
            if (flush != null) {
                flush.run();
            }
            return handled;
        }

        /**
         * Netty closes the registered channels only when the loop sees the shutdown between its I/O pass and its
         * tasks; with a zero quiet period a shutdown noticed anywhere else ends the loop at once, and its cleanup
         * closes the epoll descriptor but not the sockets, so accepted connections (and links this server opened)
         * would stay open with their peers waiting forever. Closing them here, after the loop's last pass, covers
         * every channel registered up to the end; the executor's final task run completes their inactive events.
         */
        @Override
        protected void run() {
            try {
                super.run();
            } catch (Throwable t) {
                // Netty would log this and let the thread end, leaving a process that serves no one and, its
                // signal handling needing this loop, never exits.
                java.util.function.Consumer<Throwable> fatal = onFatal;
                if (fatal != null) {
                    fatal.accept(t);
                }
                throw t;
            }
            ioHandler().prepareToDestroy();
        }

        /**
         * One non-blocking I/O pass. The I/O handler may block only when no task is queued and no scheduled one is
         * due; the engine cron always is one or the other once its period passed (a due scheduled task moves to the
         * task queue when the loop runs its tasks, as it does while a busy script runs), so the pass never waits.
         */
        void pollOnce() {
            if (hasTasks() || hasScheduledTasks()) {
                runIo();
            }
        }
    }

    /** Reads the live limits for one connection's decoder. */
    private record ClientLimits(Engine engine, ClientHandler handler) implements RespDecoder.Limits {
        @Override
        public long protoMaxBulkLen() {
            return engine.config().protoMaxBulkLen.value();
        }

        @Override
        public long queryBufferLimit() {
            return engine.config().clientQueryBufferLimit.value();
        }

        @Override
        public boolean authenticated() {
            return handler.client() == null || handler.client().authenticated();
        }

        @Override
        public void readBegins(int bytes) {
            engine.stats().netInputBytes += bytes;
            engine.readBegins();
        }

        @Override
        public void readEnds() {
            engine.readEnds();
        }
    }
}
