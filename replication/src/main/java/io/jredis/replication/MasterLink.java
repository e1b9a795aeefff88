package io.jredis.replication;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.net.Tls;
import io.jredis.server.protocol.CommandEncoder;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.Doubles;
import io.jredis.server.util.SystemErrors;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The replica side: the connection to the master, Redis's syncWithMaster / readSyncBulkPayload /
 * replicationCron for replicas. Handshake, full sync (disk {@code $len} or diskless {@code $EOF:} payload), partial
 * resync from the cached master, then the stream applied through the engine as the master client and proxied
 * byte for byte to our own backlog and sub-replicas. Runs on the engine's event loop.
 */
final class MasterLink {
    /** What a replica remembers of its master's stream to ask for a partial resync. */
    record Cached(String replId, long offset, int db) {}

    /** Redis's REPL_STATE_*; ROLE and INFO name them. */
    enum State { CONNECT, CONNECTING, HANDSHAKE, TRANSFER, CONNECTED }

    private enum Phase { PONG, HANDSHAKE_REPLIES, PSYNC_REPLY, BULK_HEADER, BULK, LOADING, STREAM }

    /** {@link #header}: the line is not complete yet. */
    private static final int NEED_MORE = Integer.MIN_VALUE;

    private final Replication repl;
    private final Engine engine;
    private final ServerConfig cfg;
    private final String host;
    private final int port;
    private Cached cached;
    private State state = State.CONNECT;
    private Phase phase;
    /** Why the link's connection failed, when a read or write failed rather than the master closing it. */
    private Throwable readError;
    private Channel channel;
    private Client master;
    private boolean stopped;
    private ByteBuf in;
    private int handshakeReplies;
    /** The first handshake reply still to come answers AUTH. */
    private boolean authPending;
    /** Set by +FULLRESYNC: the id and offset the RDB stands for. */
    private String syncReplId;
    private long syncOffset;
    /** The payload being received, while in the BULK phase. */
    private PayloadReceiver payload;
    /** A payload received to disk, while it loads: INFO still shows its transfer (Redis's repl_transfer_*). */
    private PayloadReceiver loadingPayload;
    private long processedOffset;
    private long lastIo;
    private long downSince;
    private boolean everUp;
    private long lastAck;
    /** A task is queued to apply the stream once the busy script that held it back has ended. */
    private boolean busyRetry;

    MasterLink(Replication repl, String host, int port, Cached cached) {
        this.repl = repl;
        this.engine = repl.engine;
        this.cfg = repl.cfg;
        this.host = host;
        this.port = port;
        this.cached = cached;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    boolean connected() {
        return state == State.CONNECTED;
    }

    Client masterClient() {
        return master;
    }

    // ---- connection ----

    void connect() {
        if (stopped || exiting()) {
            return;
        }
        Tls tls = null;
        if (cfg.tlsReplication.value()) {
            try {
                tls = Tls.client(cfg);
            } catch (IOException e) {
                for (String line : e.getMessage().split("\n")) {
                    engine.log().warning(line);
                }
                return;
            }
        }
        Tls secure = tls;
        state = State.CONNECTING;
        lastIo = System.currentTimeMillis();
        boolean epoll = Epoll.isAvailable() && !Boolean.getBoolean("jredis.nio");
        Bootstrap b = new Bootstrap().group(engine.loop())
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        cfg.replTimeout.value() * 1000))
                .option(ChannelOption.TCP_NODELAY, !cfg.replDisableTcpNodelay.value())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (secure != null) {
                            ch.pipeline().addLast(secure.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new Handler());
                        io.jredis.server.net.TrafficControl.attach(ch, false);
                    }
                });
        // bind-source-addr: the replica's end of the link has this address (the master lists it as the replica's ip).
        String source = cfg.bindSourceAddr.value();
        ChannelFuture f = source == null || source.isEmpty() ? b.connect(host, port)
                : b.connect(java.net.InetSocketAddress.createUnresolved(host, port),
                        new java.net.InetSocketAddress(source, 0));
        channel = f.channel();
        readError = null;
        // As Redis's connectWithMaster: logged once the connect is under way, whether it then succeeds or not.
        engine.log().notice("MASTER <-> REPLICA sync started");
        f.addListener(done -> {
            if (!done.isSuccess()) {
                engine.log().warning("Error condition on socket for SYNC: " + SystemErrors.words(done.cause()));
                state = State.CONNECT;
                return;
            }
            state = State.HANDSHAKE;
            phase = Phase.PONG;
            engine.log().notice("Non blocking connect for SYNC fired the event.");
            send(new byte[][] {Bytes.of("PING")});
        });
    }

    /** Ends the link for good (REPLICAOF to another master or NO ONE); returns what a later PSYNC can continue. */
    Cached stop() {
        stopped = true;
        if (master != null && !exiting()) {
            // Redis frees its master client: the same lines as a lost link, without dialling again.
            engine.log().warning("Connection with master lost.");
            engine.log().notice("Caching the disconnected master state.");
        }
        dropConnection();
        return cached;
    }

    private void dropConnection() {
        if (master != null) {
            cached = new Cached(engine.replId(), processedOffset, master.db().id());
            if (!master.isClosed()) {
                engine.removeClient(master);
            }
            master = null;
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (in != null) {
            in.release();
            in = null;
        }
        if (payload != null) {
            payload.cancel();
            payload = null;
        }
        loadingPayload = null;
        if (state == State.CONNECTED) {
            downSince = System.currentTimeMillis();
        }
        state = State.CONNECT;
    }

    private void send(byte[][] argv) {
        CommandEncoder out = new CommandEncoder(256).command(argv);
        channel.writeAndFlush(Unpooled.wrappedBuffer(out.array(), 0, out.length()));
    }

    /** REPLCONF ACK with the offset of what was applied (every second, and on REPLCONF GETACK). */
    void sendAck() {
        if (channel != null && state == State.CONNECTED) {
            lastAck = System.currentTimeMillis();
            send(new byte[][] {Bytes.of("REPLCONF"), Bytes.of("ACK"), Bytes.of(Long.toString(processedOffset))});
        }
    }

    /** Redis's cancelReplicationHandshake(1): a failed transfer connects again at once, not at the next cron. */
    /**
     * The server is exiting: Redis exits with its master link up, so the link closed by the exit is not reported lost
     * and is not dialled again (a replica that reconnected while closing made its master start a sync for it).
     */
    private boolean exiting() {
        return engine.closing() || engine.shuttingDown();
    }

    private void reconnectAfterFailure() {
        if (stopped) {
            return;
        }
        engine.log().notice("Reconnecting to MASTER " + host + ":" + port + " after failure");
        connect();
    }

    /**
     * Redis's freeClient of its master, then replicationHandleMasterDisconnection: the master's state is cached for
     * a PSYNC and the master dialled again at once, not at the next cron a second later.
     */
    private void masterLost() {
        engine.log().warning("Connection with master lost.");
        engine.log().notice("Caching the disconnected master state.");
        dropConnection();
        engine.log().notice("Reconnecting to MASTER " + host + ":" + port);
        connect();
    }

    /**
     * Redis's replicationAttachToNewMaster, when the master's payload is about to replace the dataset: the cached
     * master no longer matches it, and sub-replicas followed the old history.
     */
    private void attachToNewMaster() {
        if (cached != null) {
            engine.log().notice("Discarding previously cached master state.");
            cached = null;
        }
        repl.disconnectReplicas();
    }

    void cron(long now) {
        if (stopped || exiting()) {
            return;
        }
        if (state == State.CONNECT) {
            engine.log().notice("Connecting to MASTER " + host + ":" + port);
            connect();
            return;
        }
        if (now - lastIo > cfg.replTimeout.value() * 1000L) {
            if (state == State.TRANSFER) {
                engine.log().warning("Timeout receiving bulk data from MASTER... If the problem persists try to set "
                        + "the 'repl-timeout' parameter in redis.conf to a larger value.");
                dropConnection();
                reconnectAfterFailure();
                return;
            }
            if (state == State.CONNECTED) {
                engine.log().warning("MASTER timeout: no data nor PING received...");
                masterLost();
            } else {
                engine.log().warning("Timeout connecting to the MASTER...");
                dropConnection();
                reconnectAfterFailure();
            }
            return;
        }
        if (state == State.CONNECTED && now - lastAck >= 1000) {
            sendAck();
        }
    }

    // ---- the protocol ----

    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            if (ctx.channel() != channel) {
                data.release();
                return;
            }
            lastIo = System.currentTimeMillis();
            engine.stats().netReplInputBytes += data.readableBytes();
            if (in == null) {
                in = Unpooled.buffer();
            }
            in.writeBytes(data);
            data.release();
            processInput();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel) {
                if (exiting()) {
                    // Buffers and a transfer in progress are released; nothing is reported or retried.
                    dropConnection();
                    return;
                }
                if (state == State.CONNECTED) {
                    masterLost();
                    return;
                } else if (state == State.TRANSFER && payload != null) {
                    PayloadReceiver lost = payload;
                    payload = null;
                    lost.lost();
                    dropConnection();
                    reconnectAfterFailure();
                    return;
                } else if (state == State.HANDSHAKE) {
                    // Redis's syncWithMaster finding the connection closed as it reads a handshake reply; a clean
                    // end of stream leaves errno at 0, which strerror calls "Success".
                    engine.log().warning("Failed to read response from the server: "
                            + (readError == null ? "Success" : SystemErrors.words(readError)));
                    engine.log().warning(phase == Phase.PSYNC_REPLY ? "Master did not reply to PSYNC, will try later"
                            : "Master did not respond to command during SYNC handshake");
                }
                dropConnection();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == channel) {
                readError = cause;
            }
            ctx.close();
        }
    }

    private void advance() throws IOException {
        while (in != null && in.isReadable()) {
            switch (phase) {
                case PONG -> {
                    String line = readLine();
                    if (line == null) {
                        return;
                    }
                    if (line.startsWith("-") && !line.startsWith("-NOAUTH") && !line.startsWith("-NOPERM")
                            && !line.startsWith("-ERR operation not permitted")) {
                        throw new IOException("Error reply to PING from master: '" + line + "'");
                    }
                    engine.log().notice("Master replied to PING, replication can continue...");
                    handshake();
                }
                case HANDSHAKE_REPLIES -> {
                    String line = readLine();
                    if (line == null) {
                        return;
                    }
                    if (authPending) {
                        authPending = false;
                        if (line.startsWith("-")) {
                            // As Redis: a refused AUTH ends this attempt; the link retries with the then current
                            // masterauth.
                            engine.log().warning("Unable to AUTH to MASTER: " + line);
                            dropConnection();
                            return;
                        }
                    } else if (line.startsWith("-")) {
                        engine.log().notice("(Non critical) Master does not understand REPLCONF: " + line);
                    }
                    if (--handshakeReplies == 0) {
                        psync();
                    }
                }
                case PSYNC_REPLY -> {
                    String line = readLine();
                    if (line == null) {
                        return;
                    }
                    if (!line.isEmpty()) {
                        psyncReply(line);
                    }
                }
                case BULK_HEADER -> {
                    String line = readLine();
                    if (line == null) {
                        return;
                    }
                    if (!line.isEmpty()) {
                        bulkHeader(line);
                    }
                }
                case BULK -> {
                    readBulk();
                    if (phase == Phase.BULK) {
                        return;
                    }
                }
                case LOADING -> {
                    return;
                }
                case STREAM -> {
                    if (!streamCommand()) {
                        return;
                    }
                }
            }
        }
    }

    /** One line ending in LF (CR stripped), or null when incomplete. A bare LF is a keepalive: an empty line. */
    private String readLine() {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            return null;
        }
        int end = lf > in.readerIndex() && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.UTF_8);
        in.readerIndex(lf + 1);
        return line;
    }

    private void handshake() {
        List<byte[][]> cmds = new ArrayList<>();
        String auth = cfg.masterauth.value();
        if (!auth.isEmpty()) {
            String user = cfg.masteruser.value();
            cmds.add(user.isEmpty() ? new byte[][] {Bytes.of("AUTH"), Bytes.of(auth)}
                    : new byte[][] {Bytes.of("AUTH"), Bytes.of(user), Bytes.of(auth)});
        }
        // As Redis: a replica that replicates over TLS announces the port its own replicas must use, its TLS one.
        long announcePort = cfg.replicaAnnouncePort.value();
        long listening = announcePort != 0 ? announcePort
                : cfg.tlsReplication.value() && cfg.tlsPort.value() != 0 ? cfg.tlsPort.value() : engine.tcpPort();
        cmds.add(new byte[][] {Bytes.of("REPLCONF"), Bytes.of("listening-port"), Bytes.of(Long.toString(listening))});
        String ip = cfg.replicaAnnounceIp.value();
        if (ip != null && !ip.isEmpty()) {
            cmds.add(new byte[][] {Bytes.of("REPLCONF"), Bytes.of("ip-address"), Bytes.of(ip)});
        }
        cmds.add(new byte[][] {Bytes.of("REPLCONF"), Bytes.of("capa"), Bytes.of("eof"), Bytes.of("capa"),
            Bytes.of("psync2")});
        CommandEncoder out = new CommandEncoder(256);
        for (byte[][] c : cmds) {
            out.command(c);
        }
        channel.writeAndFlush(Unpooled.wrappedBuffer(out.array(), 0, out.length()));
        handshakeReplies = cmds.size();
        authPending = !auth.isEmpty();
        phase = Phase.HANDSHAKE_REPLIES;
    }

    private void psync() {
        if (cached != null && cached.offset() >= 0) {
            engine.log().notice("Trying a partial resynchronization (request " + cached.replId() + ":"
                    + (cached.offset() + 1) + ").");
            byte[] offset = Bytes.of(Long.toString(cached.offset() + 1));
            // A master handing its role over tells the target to take it (Redis 6.2's PSYNC ... FAILOVER).
            send(repl.failoverState == Replication.FailoverState.IN_PROGRESS
                    ? new byte[][] {Bytes.of("PSYNC"), Bytes.of(cached.replId()), offset, Bytes.of("FAILOVER")}
                    : new byte[][] {Bytes.of("PSYNC"), Bytes.of(cached.replId()), offset});
        } else {
            engine.log().notice("Partial resynchronization not possible (no cached master)");
            send(new byte[][] {Bytes.of("PSYNC"), Bytes.of("?"), Bytes.of("-1")});
        }
        phase = Phase.PSYNC_REPLY;
    }

    private void psyncReply(String line) throws IOException {
        if (repl.failoverState == Replication.FailoverState.IN_PROGRESS) {
            // A full resync is not what a failover expects, but nothing is wrong with it either (as Redis).
            if (line.startsWith("+FULLRESYNC") || line.startsWith("+CONTINUE")) {
                repl.clearFailoverState();
            } else if (!line.startsWith("-NOMASTERLINK") && !line.startsWith("-LOADING")) {
                repl.abortFailover("Failover target rejected psync request");
                return;
            }
        }
        if (line.startsWith("+FULLRESYNC")) {
            String[] parts = line.split(" ");
            syncReplId = parts.length > 1 ? parts[1] : Replication.randomId();
            syncOffset = parts.length > 2 ? Long.parseLong(parts[2]) : -1;
            engine.log().notice("Full resync from master: " + syncReplId + ":" + syncOffset);
            // The cached master stays until the new dataset replaces the old one: a transfer that fails leaves a
            // partial resync possible (Redis's replicationAttachToNewMaster).
            phase = Phase.BULK_HEADER;
            state = State.TRANSFER;
        } else if (line.startsWith("+CONTINUE")) {
            String newId = line.length() > 10 ? line.substring(10).trim() : "";
            engine.log().notice("Successful partial resynchronization with master.");
            if (!newId.isEmpty() && !newId.equalsIgnoreCase(cached.replId())) {
                // The master changed history (a failover): the old id stays valid up to our offset.
                engine.log().warning("Master replication ID changed to " + newId);
                repl.masterOffset = cached.offset();
                engine.replIds(cached.replId(), engine.replId2());
                repl.takeReplicationId(newId);
                repl.disconnectReplicas();
            } else if (!cached.replId().equalsIgnoreCase(engine.replId())) {
                engine.replIds(cached.replId(), engine.replId2());
            }
            engine.log().notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
            engine.systemd().send("STATUS=MASTER <-> REPLICA sync: Partial Resynchronization accepted. Ready to "
                    + "accept connections in read-write mode.\n");
            online(cached.offset(), cached.db());
            cached = null;
        } else if (line.startsWith("-NOMASTERLINK") || line.startsWith("-LOADING")) {
            throw new IOException("Master is currently unable to PSYNC but should be in the future: " + line);
        } else if (line.startsWith("-")) {
            engine.log().warning("Unexpected reply to PSYNC from master: " + line);
            send(new byte[][] {Bytes.of("SYNC")});
            syncReplId = Replication.randomId();
            syncOffset = -1;
            cached = null;
            phase = Phase.BULK_HEADER;
            state = State.TRANSFER;
        } else {
            throw new IOException("Unexpected reply to PSYNC from master: " + line);
        }
    }

    private void bulkHeader(String line) throws IOException {
        if (line.startsWith("-")) {
            throw new IOException("MASTER aborted replication with an error: " + line.substring(1));
        }
        if (!line.startsWith("$")) {
            throw new IOException("Bad protocol from MASTER, the first byte is not '$' (we received '" + line
                    + "'), are you sure the host and port are right?");
        }
        byte[] mark = null;
        long length = -1;
        if (line.startsWith("$EOF:") && line.length() >= 5 + 40) {
            mark = line.substring(5, 45).getBytes(StandardCharsets.US_ASCII);
        } else {
            length = Long.parseLong(line.substring(1));
        }
        boolean diskless = useDisklessLoad();
        String to = diskless ? "to parser" : "to disk";
        engine.log().notice(mark != null ? "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF " + to
                : "MASTER <-> REPLICA sync: receiving " + length + " bytes from master " + to);
        if (diskless) {
            // swapdb keeps serving the old data while loading when it is the same history (Redis's async loading).
            boolean async = cfg.replDisklessLoad.value().equals("swapdb") && syncReplId.equalsIgnoreCase(
                    engine.replId());
            payload = PayloadReceiver.toParser(repl, channel, length, mark, async, this::attachToNewMaster,
                    this::payloadDone);
        } else {
            payload = PayloadReceiver.toDisk(repl, length, mark, this::attachToNewMaster);
        }
        phase = Phase.BULK;
    }

    /** Redis's useDisklessLoad: swapdb always, on-empty-db when every database is empty. */
    private boolean useDisklessLoad() {
        return switch (cfg.replDisklessLoad.value()) {
            case "swapdb" -> true;
            case "on-empty-db" -> {
                for (int i = 0; i < engine.databaseCount(); i++) {
                    if (engine.database(i).size() > 0) {
                        yield false;
                    }
                }
                yield true;
            }
            default -> false;
        };
    }

    private void readBulk() throws IOException {
        if (payload.receive(in)) {
            PayloadReceiver done = payload;
            payload = null;
            loadingPayload = done;
            // As Redis, the link is not read during the load (the stream that follows waits in the socket), and the
            // load runs as a task of its own, so that it can serve clients their -LOADING meanwhile.
            phase = Phase.LOADING;
            channel.config().setAutoRead(false);
            Channel ch = channel;
            engine.loop().execute(() -> engine.runPolling(() -> loadPayload(done, ch)));
        }
    }

    /** Loads a payload received to disk, then applies the stream; {@code ch} is the link it came from. */
    private void loadPayload(PayloadReceiver done, Channel ch) {
        if (ch != channel) {
            done.cancel();
            return;
        }
        try {
            done.loadFromDisk();
        } catch (InterruptedIOException e) {
            // A SHUTDOWN served during the load: the server is stopping.
            return;
        } catch (IOException | RuntimeException e) {
            engine.log().warning(e.getMessage());
            engine.log().warning("Failed trying to load the MASTER synchronization DB from disk, check server logs.");
            if (ch == channel) {
                dropConnection();
                reconnectAfterFailure();
            }
            return;
        }
        if (ch != channel) {
            // The link went down during the load: the next sync starts over.
            return;
        }
        lastIo = System.currentTimeMillis();
        loadingPayload = null;
        loaded();
        channel.config().setAutoRead(true);
        processInput();
    }

    /** A payload parsed by the loader thread is in the databases (engine thread); the stream may follow. */
    private void payloadDone(PayloadReceiver r, IOException error) {
        if (r != payload) {
            return;
        }
        payload = null;
        if (error != null) {
            engine.log().warning("Failed trying to load the MASTER synchronization DB from socket: "
                    + error.getMessage());
            r.discarded();
            dropConnection();
            reconnectAfterFailure();
            return;
        }
        loaded();
        processInput();
    }

    /** Handles what the master sent so far: handshake replies, the payload, then the stream. */
    private void processInput() {
        try {
            advance();
        } catch (IOException | RuntimeException e) {
            engine.log().warning("Error in the replication link with MASTER: " + e.getMessage());
            dropConnection();
        }
        if (in != null) {
            in.discardReadBytes();
        }
        engine.flushPending();
    }

    /** The master's dataset is loaded: take its history and start applying the stream from the sync offset. */
    private void loaded() {
        // Sub-replicas followed the old history: they must resync with the new one.
        repl.disconnectReplicas();
        engine.replIds(syncReplId, Replication.ZERO_ID);
        repl.secondReplOffset = -1;
        repl.masterOffset = syncOffset;
        repl.createBacklog();
        engine.log().notice("MASTER <-> REPLICA sync: Finished with success");
        engine.systemd().send("STATUS=MASTER <-> REPLICA sync: Finished with success. Ready to accept connections in "
                + "read-write mode.\n");
        online(syncOffset, 0);
        sendAck();
    }

    private void online(long offset, int db) {
        processedOffset = offset;
        if (repl.backlog == null) {
            repl.masterOffset = offset;
            repl.createBacklog();
        }
        master = engine.newClient(channel);
        master.roleFlags("M");
        // The master's stream is trusted as a whole: no user, so no ACL check applies (Redis's master client).
        master.authenticate(null);
        master.replyMode(Client.ReplyMode.OFF);
        master.select(engine.database(db));
        Client m = master;
        master.resumeHandler(() -> {
            if (master == m) {
                processInput();
            }
        });
        state = State.CONNECTED;
        everUp = true;
        phase = Phase.STREAM;
        lastAck = 0;
    }

    /** Applies one complete command of the stream; false when more bytes are needed. */
    private boolean streamCommand() throws IOException {
        if (master.postponed()) {
            return false;
        }
        if (engine.scripting() != null && engine.scripting().timedOut()) {
            // As Redis's processInputBuffer for its master client: the stream waits in the buffer while a busy script
            // polls the network (a -BUSY given to the master would lose the write, or panic the replica).
            retryAfterBusyScript();
            return false;
        }
        int start = in.readerIndex();
        byte[][] argv = parseMultibulk();
        if (argv == null) {
            in.readerIndex(start);
            return false;
        }
        int len = in.readerIndex() - start;
        Client m = master;
        if (argv.length > 0) {
            engine.process(m, argv);
        }
        if (master != m) {
            return false;
        }
        if (m.postponed()) {
            // A CLIENT PAUSE holds the master's write as Redis blocks its master client: the command and the rest
            // of the stream stay unread in the buffer until the pause ends (the resume handler parses them again).
            in.readerIndex(start);
            return false;
        }
        processedOffset += len;
        repl.feed(in.slice(start, len));
        return true;
    }

    /** Tasks queued during a busy script run once it ended (its polling serves I/O only). */
    private void retryAfterBusyScript() {
        if (busyRetry) {
            return;
        }
        busyRetry = true;
        Client m = master;
        engine.loop().execute(() -> {
            busyRetry = false;
            if (master == m) {
                processInput();
            }
        });
    }

    private byte[][] parseMultibulk() throws IOException {
        if (in.getByte(in.readerIndex()) != '*') {
            // A bare newline keepalive is part of the stream's bytes too.
            String line = readLine();
            if (line == null) {
                return null;
            }
            if (!line.isEmpty()) {
                throw new IOException("Protocol error: expected '*' from MASTER, got '" + line + "'");
            }
            return new byte[0][];
        }
        // Parsed in place (no String per line): the stream is mostly small commands, one per master write.
        int n = header((byte) '*');
        if (n == NEED_MORE) {
            return null;
        }
        byte[][] argv = new byte[Math.max(0, n)][];
        for (int i = 0; i < n; i++) {
            if (!in.isReadable()) {
                return null;
            }
            if (in.getByte(in.readerIndex()) != '$') {
                String len = readLine();
                if (len == null) {
                    return null;
                }
                throw new IOException("Protocol error: expected '$' from MASTER, got '" + len + "'");
            }
            int l = header((byte) '$');
            if (l == NEED_MORE) {
                return null;
            }
            if (l < 0 || in.readableBytes() < l + 2) {
                if (l < 0) {
                    throw new IOException("Protocol error: bad bulk length from MASTER: " + l);
                }
                return null;
            }
            argv[i] = new byte[l];
            in.readBytes(argv[i]);
            in.skipBytes(2);
        }
        return argv;
    }

    /**
     * Reads a {@code *<n>} or {@code $<n>} line whose type byte is at the reader index; its number, or
     * {@link #NEED_MORE} (reader index unchanged) when the line is incomplete.
     */
    private int header(byte type) throws IOException {
        int from = in.readerIndex() + 1;
        int lf = in.indexOf(from, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            return NEED_MORE;
        }
        int end = lf > from && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        boolean negative = end > from && in.getByte(from) == '-';
        long v = 0;
        int i = negative ? from + 1 : from;
        if (i == end || end - i > 10) {
            throw new IOException("Protocol error: bad " + (char) type + " line from MASTER: '"
                    + in.toString(from - 1, end - from + 1, StandardCharsets.UTF_8) + "'");
        }
        for (; i < end; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9) {
                throw new IOException("Protocol error: bad " + (char) type + " line from MASTER: '"
                        + in.toString(from - 1, end - from + 1, StandardCharsets.UTF_8) + "'");
            }
            v = v * 10 + d;
        }
        in.readerIndex(lf + 1);
        return (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, negative ? -v : v));
    }

    /** What an RDB file saved now records: the master's stream as applied so far. */
    Replication.SaveInfo saveInfo() {
        if (master != null) {
            return new Replication.SaveInfo(master.db().id(), engine.replId(), processedOffset);
        }
        return cached == null ? null : new Replication.SaveInfo(cached.db(), cached.replId(), cached.offset());
    }

    // ---- INFO, ROLE ----

    void info(BiConsumer<String, Object> f, long now) {
        f.accept("master_host", host);
        f.accept("master_port", port);
        f.accept("master_link_status", state == State.CONNECTED ? "up" : "down");
        f.accept("master_last_io_seconds_ago", master != null ? (now - lastIo) / 1000 : -1);
        f.accept("master_sync_in_progress", state == State.TRANSFER ? 1 : 0);
        // Redis's read_reploff: what was read from the master, applied or still waiting in the buffer.
        f.accept("slave_read_repl_offset", master != null ? processedOffset + (in == null ? 0 : in.readableBytes())
                : cached != null ? cached.offset() : 1);
        f.accept("slave_repl_offset", master != null ? processedOffset : cached != null ? cached.offset() : 1);
        if (state == State.TRANSFER) {
            // Redis's repl_transfer_size is 0 for an EOF-marked payload, and nothing counts what a parser reads.
            PayloadReceiver p = payload != null ? payload : loadingPayload;
            long total = p != null ? p.total() : -1;
            long read = p != null ? p.read() : 0;
            f.accept("master_sync_total_bytes", total);
            f.accept("master_sync_read_bytes", read);
            f.accept("master_sync_left_bytes", total - read);
            f.accept("master_sync_perc", Doubles.fixed(total != 0 ? read * 100.0 / total : 0.0, 2));
            f.accept("master_sync_last_io_seconds_ago", (now - lastIo) / 1000);
        }
        if (state != State.CONNECTED) {
            f.accept("master_link_down_since_seconds", everUp ? (now - downSince) / 1000 : -1);
        }
        f.accept("slave_priority", cfg.replicaPriority.value());
        f.accept("slave_read_only", cfg.replicaReadOnly.value() ? 1 : 0);
        f.accept("replica_announced", cfg.replicaAnnounced.value() ? 1 : 0);
    }

    void role(Client c) {
        c.reply().array(5);
        c.reply().bulk("slave");
        c.reply().bulk(host);
        c.reply().integer(port);
        c.reply().bulk(switch (state) {
            case CONNECT -> "connect";
            case CONNECTING -> "connecting";
            case HANDSHAKE -> "handshake";
            case TRANSFER -> "sync";
            case CONNECTED -> "connected";
        });
        c.reply().integer(master != null ? processedOffset : -1);
    }
}
