package io.jredis.replication;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.config.ClientOutputBufferLimitDirective;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.protocol.CommandEncoder;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.SplitArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.SingleThreadEventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The replication state of one server, Redis's replication.c: the master side (backlog fed from the engine's
 * propagation point, replicas, PSYNC/SYNC, REPLCONF, WAIT, min-replicas) and, through {@link MasterLink}, the
 * replica side. Everything here runs on the engine thread.
 */
public final class Replication {
    /** A replica's progress, Redis's SLAVE_STATE_*; the names are what INFO prints. */
    enum ReplicaState {
        WAIT_BGSAVE_START("wait_bgsave"), WAIT_BGSAVE_END("wait_bgsave"), SEND_BULK("send_bulk"), ONLINE("online");

        final String info;

        ReplicaState(String info) {
            this.info = info;
        }
    }

    /** One connected replica (a client that sent SYNC or PSYNC). */
    static final class Replica {
        final Client client;
        ReplicaState state = ReplicaState.WAIT_BGSAVE_START;
        int listeningPort;
        String announcedIp;
        boolean capaEof;
        boolean capaPsync2;
        /** REPLCONF rdb-only 1 (redis-cli --rdb): the payload alone, no stream after it; closed once sent. */
        boolean rdbOnly;
        /** REPLCONF rdb-filter-only: the payload leaves out the keys, and the libraries unless asked for. */
        boolean excludeData;
        boolean excludeFunctions;
        boolean prePsync;
        long ackOffset;
        long ackTime = System.currentTimeMillis();
        long softLimitSince;
        /**
         * While the RDB goes out, the offset of the first stream byte after the snapshot: the backlog holds the
         * stream from there for this replica (Redis's replica references the shared replication buffer until the
         * payload is sent); 0 once it flows to the socket.
         */
        long heldFrom;
        /** Stream bytes of the current event loop turn, written when it ends; null when none. */
        ByteBuf stream;
        /** A diskless payload was sent: the stream starts with the replica's first REPLCONF ACK, as in Redis 7.0. */
        boolean streamOnAck;
        /** The full sync this replica takes part in, while its payload is produced or sent. */
        FullSync sync;
        /** Its socket in a diskless transfer, whose progress repl-timeout watches. */
        PayloadSender.Target target;

        Replica(Client client) {
            this.client = client;
        }

        String ip() {
            if (announcedIp != null) {
                return announcedIp;
            }
            if (client.channel() != null && client.channel().remoteAddress() instanceof InetSocketAddress a) {
                return a.getAddress().getHostAddress();
            }
            return "?";
        }

        /** How Redis's replicationGetSlaveName names a replica in log lines. */
        String name() {
            return listeningPort != 0 ? ip() + ":" + listeningPort : ip() + ":<unknown-replica-port>";
        }

        /** Can share a snapshot with {@code other}: the same parts of the dataset. */
        boolean samePayload(Replica other) {
            return excludeData == other.excludeData && excludeFunctions == other.excludeFunctions;
        }
    }

    /** Where a FAILOVER command stands; the names are INFO's master_failover_state. */
    enum FailoverState {
        NO_FAILOVER("no-failover"), WAIT_FOR_SYNC("waiting-for-sync"), IN_PROGRESS("failover-in-progress");

        final String info;

        FailoverState(String info) {
            this.info = info;
        }
    }

    /** What an RDB file records of the replication state (aux fields repl-stream-db, repl-id, repl-offset). */
    public record SaveInfo(int streamDb, String replId, long offset) {}

    /** A client blocked in WAIT. */
    private record Waiter(Client client, long offset, long replicas) {}

    /** The running full sync: one snapshot shared by the replicas that were waiting when it started. */
    static final class FullSync {
        final boolean disk;
        final String replId;
        final long offset;
        final List<Replica> replicas = new ArrayList<>();
        SnapshotCodec.Job job;
        PayloadSender sender;

        FullSync(boolean disk, String replId, long offset) {
            this.disk = disk;
            this.replId = replId;
            this.offset = offset;
        }
    }

    static final String ZERO_ID = "0".repeat(40);
    /** Lower case as Redis's shared ping object: `redis-cli --replica` and SYNC show the stream's bytes as they are. */
    private static final byte[] PING = Bytes.of("ping");
    private static final byte[] SELECT = Bytes.of("SELECT");
    /** A scratch buffer grown past this by a big command is dropped rather than kept for the server's life. */
    private static final int SCRATCH_KEEP_BYTES = 64 * 1024;

    final Engine engine;
    final ServerConfig cfg;
    final SnapshotCodec codec;
    final List<Replica> replicas = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    Backlog backlog;
    /** The offset of the last byte of the stream; kept without a backlog too (it only grows with one). */
    long masterOffset;
    long secondReplOffset = -1;
    /** Database the stream last selected; -1 forces a SELECT before the next command. */
    private int streamDb = -1;
    /** The stream's database recorded by the RDB file this node started from. */
    private int restoredDb;
    /** This node started as a replica from an RDB file that recorded its master's history. */
    private boolean restoredReplicaHistory;
    private long noReplicasSince = System.currentTimeMillis();
    private ScheduledFuture<?> disklessTimer;
    /** The full sync whose snapshot runs (or, disk-based, whose file is being sent); null when none. */
    private FullSync fullSync;
    private boolean getAckRequested;
    /** How often a GETACK held back by a client pause checks whether the pause ended. */
    private static final long PAUSED_GETACK_RETRY_MS = 10;
    /** Reused to encode each propagated command once, for the backlog and every replica. */
    private final CommandEncoder encoder = new CommandEncoder(256);
    /** The encoder's array as a buffer, re-wrapped only when the encoder grows. */
    private ByteBuf encoded = Unpooled.wrappedBuffer(encoder.array());
    private final Runnable flushStreams = this::flushStreams;
    private boolean streamFlushScheduled;
    /**
     * A disk-based full sync saved the RDB file while rdb-del-sync-files was on (Redis's RDBGeneratedByReplication):
     * the file may be deleted once no replica needs it, if this server persists nothing.
     */
    private boolean rdbGeneratedByReplication;
    /** Runs of the once-a-second cron since start: replicas are pinged when it is a multiple of the period. */
    private long cronLoops;
    FailoverState failoverState = FailoverState.NO_FAILOVER;
    private String failoverHost;
    private int failoverPort;
    /** Unix ms when a FAILOVER with TIMEOUT gives up (or forces), 0 without a timeout. */
    private long failoverEnd;
    private boolean forceFailover;
    private ScheduledFuture<?> failoverTimer;
    /** The replica side; null while this server is a master. */
    MasterLink link;

    Replication(Engine engine, SnapshotCodec codec) {
        this.engine = engine;
        this.cfg = engine.config();
        this.codec = codec;
    }

    boolean isReplica() {
        return link != null;
    }

    /**
     * The replication state an RDB file saved now records, or null when there is none worth keeping (Redis's
     * rdbPopulateSaveInfo): a master's id and offset once it has a backlog, a replica's master's.
     */
    public SaveInfo saveInfo() {
        if (isReplica()) {
            return link.saveInfo();
        }
        return backlog == null ? null : new SaveInfo(Math.max(streamDb, 0), engine.replId(), masterOffset);
    }

    /**
     * Resumes the history an RDB file recorded, at start before any client (Redis 7.0's loadDataFromDisk): a
     * replica continues it with its master; a master takes a new id and keeps the old one as its secondary, valid
     * up to the saved offset, so that its replicas continue with PSYNC.
     */
    public void restore(SaveInfo saved) {
        masterOffset = saved.offset();
        if (cfg.replicaof.host() != null) {
            engine.replIds(saved.replId(), ZERO_ID);
            restoredDb = saved.streamDb();
            restoredReplicaHistory = true;
            return;
        }
        engine.replIds(randomId(), saved.replId());
        secondReplOffset = saved.offset() + 1;
        createBacklog();
    }

    // ---- the stream ----

    /** Whether the master keeps a replication stream (Redis's shouldPropagate for PROPAGATE_REPL). */
    boolean feeding() {
        return !isReplica() && (backlog != null || !replicas.isEmpty());
    }

    /** The engine's propagation point: what a master sends its replicas. A replica proxies its master instead. */
    void propagate(int db, byte[][] argv) {
        if (!feeding()) {
            return;
        }
        if (db != streamDb) {
            encoder.command(new byte[][] {SELECT, Bytes.fromLong(db)});
            streamDb = db;
        }
        encoder.command(argv);
        feedEncoded();
    }

    /**
     * A key the start-up load dropped as expired from a file whose history {@link #restore} resumed: its DEL goes to
     * the backlog, as Redis's rdbLoad feeds it, so that replicas continuing with PSYNC delete it too.
     */
    public void feedLoadExpired(int db, byte[] key) {
        propagate(db, new byte[][] {Bytes.of(cfg.lazyfreeLazyExpire.value() ? "UNLINK" : "DEL"), key});
    }

    /**
     * DEBUG REPLICATE command [arg ...]: sends a command to the replicas only (not to AOF), in the stream's current
     * database, as Redis's replicationFeedSlaves; test suites use it to make a replica diverge or fail.
     */
    void debugReplicate(Client c, byte[][] argv) {
        if (feeding()) {
            encoder.command(argv);
            feedEncoded();
        }
        c.reply().ok();
    }

    /** Feeds the commands the encoder holds, then empties it. */
    private void feedEncoded() {
        byte[] a = encoder.array();
        if (encoded.array() != a) {
            encoded = Unpooled.wrappedBuffer(a);
        }
        feed(encoded.setIndex(0, encoder.length()));
        encoder.clear(SCRATCH_KEEP_BYTES);
    }

    /**
     * Appends stream bytes (not consumed: the caller keeps the buffer) to the backlog and to every replica past the
     * snapshot point. A replica's share waits in its {@link Replica#stream} until the end of the event loop's turn,
     * so every command of one turn reaches it in one write, as Redis writes replicas once in beforeSleep.
     */
    void feed(ByteBuf bytes) {
        int n = bytes.readableBytes();
        if (backlog != null) {
            backlog.feed(bytes);
            masterOffset = backlog.masterOffset();
        } else {
            masterOffset += n;
        }
        List<Replica> overLimit = null;
        for (Replica r : replicas) {
            if (r.state == ReplicaState.WAIT_BGSAVE_START || r.rdbOnly) {
                continue;
            }
            if (r.heldFrom == 0) {
                stream(r).writeBytes(bytes, bytes.readerIndex(), n);
            }
            engine.stats().netReplOutputBytes += n;
            if (overLimit(r)) {
                if (overLimit == null) {
                    overLimit = new ArrayList<>();
                }
                overLimit.add(r);
            }
        }
        if (overLimit != null) {
            for (Replica r : overLimit) {
                engine.log().warning("Client " + r.client.describe()
                        + " scheduled to be closed ASAP for overcoming of output buffer limits.");
                engine.loop().execute(() -> engine.kill(r.client));
            }
        }
    }

    /** The replica's stream bytes waiting for the end of this event loop turn; schedules their write. */
    private ByteBuf stream(Replica r) {
        if (r.stream == null) {
            r.stream = r.client.channel() != null ? r.client.channel().alloc().ioBuffer(4096)
                    : Unpooled.buffer(4096);
            if (!streamFlushScheduled) {
                streamFlushScheduled = true;
                if (engine.loop() instanceof SingleThreadEventLoop l) {
                    l.executeAfterEventLoopIteration(flushStreams);
                } else {
                    engine.loop().execute(flushStreams);
                }
            }
        }
        return r.stream;
    }

    /** Writes each replica's share of this turn's stream with one flush. */
    void flushStreams() {
        streamFlushScheduled = false;
        // Backwards by index: a failed write closes its channel at once, and the close removes that replica.
        for (int i = replicas.size() - 1; i >= 0; i = Math.min(i, replicas.size()) - 1) {
            Replica r = replicas.get(i);
            ByteBuf b = r.stream;
            if (b == null) {
                continue;
            }
            r.stream = null;
            if (r.client.isClosed() || r.client.channel() == null) {
                b.release();
            } else {
                r.client.channel().writeAndFlush(b, r.client.channel().voidPromise());
            }
        }
    }

    /** client-output-buffer-limit replica: hard limit at once, soft limit when exceeded for its seconds. */
    private boolean overLimit(Replica r) {
        if (r.client.isClosed()) {
            return false;
        }
        ClientOutputBufferLimitDirective.Limit l =
                cfg.clientOutputBufferLimit.limit(ClientOutputBufferLimitDirective.ClientClass.REPLICA);
        long used = r.heldFrom != 0 ? masterOffset + 1 - r.heldFrom
                : r.client.outputBytes() + (r.stream == null ? 0 : r.stream.readableBytes());
        long hard = l.replicaHardBytes(cfg.replBacklogSize.value());
        if (hard > 0 && used >= hard) {
            return true;
        }
        if (l.softBytes() > 0 && used >= l.softBytes()) {
            long now = System.currentTimeMillis();
            if (r.softLimitSince == 0) {
                r.softLimitSince = now;
                return false;
            }
            return now - r.softLimitSince > l.softSeconds() * 1000L;
        }
        r.softLimitSince = 0;
        return false;
    }

    /**
     * CONFIG SET repl-backlog-size: the backlog drops what it holds beyond the new size at once, not at the next
     * cron, as Redis's updateReplBacklogSize: a replica reconnecting after the writes that follow must not continue
     * from offsets the smaller backlog no longer covers.
     */
    void backlogSizeChanged() {
        if (backlog != null) {
            backlog.resize(cfg.replBacklogSize.value());
        }
    }

    void createBacklog() {
        backlog = new Backlog((int) Math.min(Integer.MAX_VALUE - 8, cfg.replBacklogSize.value()), masterOffset);
    }

    /** A fresh replication id: the history behind the old one is not ours to continue (Redis changeReplicationId). */
    void newReplicationId() {
        engine.replIds(randomId(), ZERO_ID);
        secondReplOffset = -1;
    }

    /**
     * Keeps the current id as the secondary one, valid up to the current offset, and takes a new id: replicas of
     * the same old master can still continue with us (Redis shiftReplicationId).
     */
    void shiftReplicationId(String newId) {
        String old = engine.replId();
        takeReplicationId(newId);
        engine.log().warning("Setting secondary replication ID to " + old + ", valid up to offset: "
                + secondReplOffset + ". New replication ID is " + newId);
    }

    /** {@link #shiftReplicationId} without its line: a replica taking its master's new id logs its own. */
    void takeReplicationId(String newId) {
        secondReplOffset = masterOffset + 1;
        engine.replIds(newId, engine.replId());
    }

    /** A strict integer (Redis's string2ll), or null. */
    static Long parseLong(byte[] b) {
        long[] v = new long[1];
        return Bytes.parseLong(b, v) ? v[0] : null;
    }

    static String randomId() {
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /** The next command of the stream must select its database again (after a full sync starts). */
    void resetStreamDb() {
        streamDb = -1;
    }

    // ---- SYNC / PSYNC ----

    /** SYNC and PSYNC replid offset [FAILOVER]: Redis's syncCommand. */
    void sync(Client c, byte[][] argv) {
        if (replicaOf(c) != null) {
            return;
        }
        if (argv.length > 3 && Bytes.lower(argv[0]).equals("psync") && Bytes.lower(argv[3]).equals("failover")) {
            // Our master hands its role over: we become the master it will follow (Redis's syncCommand).
            if (!Bytes.str(argv[1]).equals(engine.replId())) {
                engine.error(c, "ERR PSYNC FAILOVER replid must match my replid.");
                return;
            }
            if (isReplica()) {
                unsetMaster();
                engine.log().notice("MASTER MODE enabled (failover request from '" + c.describe() + "')");
            }
        }
        if (failoverState != FailoverState.NO_FAILOVER) {
            engine.error(c, "NOMASTERLINK Can't SYNC while failing over");
            return;
        }
        if (isReplica() && !link.connected()) {
            engine.error(c, "NOMASTERLINK Can't SYNC while not connected with my master");
            return;
        }
        Replica r = pending(c);
        // Redis writes a filtered payload only to a socket, never over the snapshot file.
        if ((r.excludeData || r.excludeFunctions) && !r.capaEof) {
            engine.error(c, "ERR Filtered replica requires EOF capability");
            return;
        }
        engine.log().notice("Replica " + r.name() + " asks for synchronization");
        boolean psync = Bytes.lower(argv[0]).equals("psync");
        if (psync) {
            String id = Bytes.str(argv[1]);
            Long offset = parseLong(argv[2]);
            if (offset == null) {
                engine.log().warning("Replica " + r.name() + " asks for synchronization but with a wrong offset");
                engine.error(c, "ERR value is not an integer or out of range");
                return;
            }
            if (tryPartial(c, r, id, offset)) {
                return;
            }
            if (!id.equals("?")) {
                engine.stats().syncPartialErr++;
            }
        } else {
            r.prePsync = true;
        }
        pendingReplicas.remove(c);
        engine.stats().syncFull++;
        c.roleFlags(c.roleFlags() + "S");
        c.replicationLink(true);
        replicas.add(r);
        watchClose(r);
        if (replicas.size() == 1 && backlog == null) {
            newReplicationId();
            createBacklog();
            engine.log().notice("Replication backlog created, my new replication IDs are '" + engine.replId()
                    + "' and '" + engine.replId2() + "'");
        }
        FullSync running = fullSync;
        if (running != null && running.disk && running.job != null && attach(r, running)) {
            return;
        }
        if (running != null || codec.busy()) {
            if (running != null && running.disk) {
                engine.log().notice("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
            }
            return; // the cron starts the next snapshot once this one is over
        }
        if (!(r.capaEof && cfg.replDisklessSync.value())) {
            engine.loop().execute(this::startPending);
            return;
        }
        long max = cfg.replDisklessSyncMaxReplicas.value();
        long waiting = replicas.stream().filter(x -> x.state == ReplicaState.WAIT_BGSAVE_START).count();
        if (cfg.replDisklessSyncDelay.value() == 0 || (max > 0 && waiting >= max)) {
            engine.loop().execute(this::startPending);
        } else if (disklessTimer == null) {
            engine.log().notice("Delay next BGSAVE for diskless SYNC");
            disklessTimer = engine.loop().schedule(() -> {
                disklessTimer = null;
                startPending();
            }, cfg.replDisklessSyncDelay.value(), TimeUnit.SECONDS);
        }
    }

    /**
     * A replica arriving while a disk-based sync's BGSAVE runs shares it when it takes the same payload (Redis's
     * syncCommand): same offset, and a copy of the stream held for the replica already waiting.
     */
    private boolean attach(Replica r, FullSync running) {
        for (Replica other : running.replicas) {
            if (other.state == ReplicaState.WAIT_BGSAVE_END && other.heldFrom != 0 && other.prePsync == r.prePsync
                    && other.samePayload(r) && !other.client.isClosed()) {
                r.heldFrom = other.heldFrom;
                r.sync = running;
                r.state = ReplicaState.WAIT_BGSAVE_END;
                running.replicas.add(r);
                keepHeldStreams();
                sendFullResync(r, running);
                engine.log().notice("Waiting for end of BGSAVE for SYNC");
                return true;
            }
        }
        return false;
    }
    /** Redis's masterTryPartialResynchronization. */
    private boolean tryPartial(Client c, Replica r, String id, long offset) {
        boolean idOk = id.equalsIgnoreCase(engine.replId())
                || (id.equalsIgnoreCase(engine.replId2()) && offset <= secondReplOffset);
        if (!idOk) {
            if (!id.equals("?")) {
                if (!id.equalsIgnoreCase(engine.replId()) && !id.equalsIgnoreCase(engine.replId2())) {
                    engine.log().notice("Partial resynchronization not accepted: Replication ID mismatch "
                            + "(Replica asked for '" + id + "', my replication IDs are '" + engine.replId()
                            + "' and '" + engine.replId2() + "')");
                } else {
                    engine.log().notice("Partial resynchronization not accepted: Requested offset for second ID "
                            + "was " + offset + ", but I can reply up to " + secondReplOffset);
                }
            } else {
                engine.log().notice("Full resync requested by replica " + r.name());
            }
            return false;
        }
        if (backlog == null || !backlog.covers(offset)) {
            engine.log().notice("Unable to partial resync with replica " + r.name()
                    + " for lack of backlog (Replica request was: " + offset + ").");
            return false;
        }
        pendingReplicas.remove(c);
        c.roleFlags(c.roleFlags() + "S");
        r.state = ReplicaState.ONLINE;
        r.ackTime = System.currentTimeMillis();
        replicas.add(r);
        watchClose(r);
        String line = r.capaPsync2 ? "+CONTINUE " + engine.replId() + "\r\n" : "+CONTINUE\r\n";
        ByteBuf out = c.buffer();
        out.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
        ByteBuf missing = backlog.from(offset);
        int n = missing.readableBytes();
        out.writeBytes(missing);
        missing.release();
        c.replicationLink(true);
        engine.stats().netReplOutputBytes += n;
        engine.stats().syncPartialOk++;
        engine.log().notice("Partial resynchronization request from " + r.name()
                + " accepted. Sending " + n + " bytes of backlog starting from offset " + offset + ".");
        return true;
    }

    /**
     * Starts one snapshot for every replica waiting for one (Redis's startBgsaveForReplication): diskless when
     * enabled and every one of them can read an EOF-marked payload, else a BGSAVE to disk whose file is sent after.
     * The snapshot is the dataset at this instant of the stream: each replica gets +FULLRESYNC with the current
     * offset, and the stream from here on is held for it until its payload is sent.
     */
    void startPending() {
        if (fullSync != null || codec.busy()) {
            return;
        }
        List<Replica> batch = new ArrayList<>();
        boolean allEof = true;
        for (Replica r : replicas) {
            // One snapshot serves the replicas that want the same parts as the first; the others wait for the next.
            if (r.state == ReplicaState.WAIT_BGSAVE_START && !r.client.isClosed()
                    && (batch.isEmpty() || batch.get(0).samePayload(r))) {
                batch.add(r);
                allEof &= r.capaEof;
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        Replica first = batch.get(0);
        boolean filtered = first.excludeData || first.excludeFunctions;
        boolean diskless = (cfg.replDisklessSync.value() || filtered) && allEof;
        FullSync sync = new FullSync(!diskless, engine.replId(), masterOffset);
        engine.log().notice("Starting BGSAVE for SYNC with target: " + (diskless ? "replicas sockets" : "disk"));
        // Replies already queued for these connections go out before the payload, which other threads write.
        engine.flushPending();
        String mark = randomId();
        List<PayloadSender.Target> targets = new ArrayList<>();
        for (Replica r : batch) {
            r.state = ReplicaState.WAIT_BGSAVE_END;
            r.sync = sync;
            r.heldFrom = masterOffset + 1;
            sync.replicas.add(r);
            sendFullResync(r, sync);
            if (diskless) {
                r.client.channel().writeAndFlush(Unpooled.copiedBuffer("$EOF:" + mark + "\r\n",
                        StandardCharsets.US_ASCII));
                r.target = new PayloadSender.Target(r);
                targets.add(r.target);
            }
        }
        keepHeldStreams();
        fullSync = sync;
        resetStreamDb();
        if (diskless) {
            // An rdb-only replica (redis-cli --rdb) is done once its socket took the end mark: it may hang up at
            // once, before the snapshot's end reaches disklessDone.
            sync.sender = new PayloadSender(targets, mark.getBytes(StandardCharsets.US_ASCII), t -> {
                Replica r = t.replica;
                if (r.rdbOnly && r.sync == sync) {
                    r.sync = null;
                    r.target = null;
                    rdbTransmitted(r);
                }
            });
            sync.job = codec.saveToStream(engine, sync.replId, sync.offset, !first.excludeData,
                    !first.excludeFunctions, sync.sender, ok -> disklessDone(sync, ok));
        } else {
            sync.job = codec.saveToDisk(engine, sync.replId, sync.offset, file -> diskSaved(sync, file));
            // Not set while the feature is off, so that turning it on later does not delete a file saved for others.
            rdbGeneratedByReplication |= sync.job != null && cfg.rdbDelSyncFiles.value();
        }
        if (sync.job == null) {
            fullSync = null;
            abandon(sync, "BGSAVE for replication failed");
        }
    }

    private void sendFullResync(Replica r, FullSync sync) {
        if (!r.prePsync) {
            r.client.channel().writeAndFlush(Unpooled.copiedBuffer("+FULLRESYNC " + sync.replId + " " + sync.offset
                    + "\r\n", StandardCharsets.US_ASCII));
        }
    }

    /** The snapshot streamed to the replicas' sockets ended (Redis's updateSlavesWaitingBgsave for sockets). */
    private void disklessDone(FullSync sync, boolean ok) {
        fullSync = null;
        engine.stats().netReplOutputBytes += sync.sender.bytesSent();
        long stillUp = sync.replicas.stream().filter(r -> r.sync == sync && r.target != null && r.target.alive())
                .count();
        if (!ok) {
            // Redis's rdbPipeReadHandler lines, which operators and test suites look for.
            abandon(sync, stillUp == 0 ? "Diskless rdb transfer, last replica dropped, killing fork child."
                    : "Diskless rdb transfer failed");
            return;
        }
        engine.log().warning("Diskless rdb transfer, done reading from pipe, " + stillUp + " replicas still up.");
        // Redis puts the replicas online once it reaped the child ("Background RDB transfer terminated"), a step
        // after the end of the stream: the loop's next task here.
        engine.loop().execute(() -> replicasStreamed(sync));
    }

    private void replicasStreamed(FullSync sync) {
        for (Replica r : sync.replicas) {
            if (r.client.isClosed() || r.sync != sync) {
                continue;
            }
            r.sync = null;
            r.target = null;
            if (r.rdbOnly) {
                rdbTransmitted(r);
                continue;
            }
            r.state = ReplicaState.ONLINE;
            r.streamOnAck = true;
            r.ackTime = System.currentTimeMillis();
            engine.log().notice("Streamed RDB transfer with replica " + r.name()
                    + " succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming");
            engine.log().notice("Synchronization with replica " + r.name() + " succeeded");
        }
        engine.loop().execute(this::startPending);
    }

    /** The BGSAVE for a disk-based sync ended: the file goes to each replica, then the held stream. */
    private void diskSaved(FullSync sync, Path file) {
        List<PayloadSender.Target> targets = new ArrayList<>();
        for (Replica r : sync.replicas) {
            if (!r.client.isClosed() && r.sync == sync) {
                targets.add(new PayloadSender.Target(r));
            }
        }
        if (file == null) {
            fullSync = null;
            abandon(sync, "SYNC failed. BGSAVE child returned an error");
            return;
        }
        FileChannel ch;
        long size;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            size = ch.size();
        } catch (IOException e) {
            fullSync = null;
            engine.log().warning("SYNC failed. Can't open/stat DB after BGSAVE: " + e.getMessage());
            abandon(sync, null);
            return;
        }
        for (PayloadSender.Target t : targets) {
            t.replica.state = ReplicaState.SEND_BULK;
            // A bare newline or two may already have gone out; the length line comes only now.
            t.channel.writeAndFlush(Unpooled.copiedBuffer("$" + size + "\r\n", StandardCharsets.US_ASCII));
        }
        PayloadSender sender = new PayloadSender(targets, new byte[0], t -> {
            if (t.replica.sync == sync && !t.replica.client.isClosed()) {
                t.replica.sync = null;
                online(t.replica);
                engine.flushPending();
            }
        });
        sync.sender = sender;
        Thread reader = new Thread(() -> sendFile(sync, ch, sender), "jredis-sync-send");
        reader.setDaemon(true);
        reader.start();
    }

    /** Copies the saved file to the replicas' sockets (a thread of its own: reading may block on the disk). */
    private void sendFile(FullSync sync, FileChannel ch, PayloadSender sender) {
        boolean ok = true;
        try (ch) {
            ByteBuffer buf = ByteBuffer.allocate(PayloadSender.CHUNK);
            while (ch.read(buf.clear()) > 0) {
                sender.write(buf.array(), 0, buf.position());
            }
            sender.close();
        } catch (IOException e) {
            ok = false;
        }
        boolean success = ok;
        try {
            engine.loop().execute(() -> {
                if (fullSync == sync) {
                    fullSync = null;
                }
                engine.stats().netReplOutputBytes += sender.bytesSent();
                if (!success) {
                    abandon(sync, null);
                }
                startPending();
            });
        } catch (RejectedExecutionException e) {
            // The server is closing.
        }
    }

    /** Disconnects the replicas of a failed full sync; they reconnect and ask again. */
    private void abandon(FullSync sync, String why) {
        if (why != null) {
            engine.log().warning(why);
        }
        for (Replica r : sync.replicas) {
            if (r.sync == sync) {
                r.sync = null;
                engine.kill(r.client);
            }
        }
    }

    /**
     * The stream starts flowing to the replica, first what was held since its snapshot: when a disk payload was
     * sent (Redis's replicaPutOnline), or at the first ACK after a diskless one (replicaStartCommandStream).
     */
    private void online(Replica r) {
        if (r.rdbOnly) {
            rdbTransmitted(r);
            return;
        }
        if (!r.streamOnAck) {
            engine.log().notice("Synchronization with replica " + r.name() + " succeeded");
        }
        r.state = ReplicaState.ONLINE;
        r.streamOnAck = false;
        r.ackTime = System.currentTimeMillis();
        if (r.heldFrom != 0) {
            ByteBuf held = backlog.from(r.heldFrom);
            stream(r).writeBytes(held);
            held.release();
            r.heldFrom = 0;
            keepHeldStreams();
        }
    }

    /** Tells the backlog the oldest offset a replica waiting for its payload still needs from it. */
    private void keepHeldStreams() {
        long oldest = Long.MAX_VALUE;
        for (Replica r : replicas) {
            if (r.heldFrom != 0) {
                oldest = Math.min(oldest, r.heldFrom);
            }
        }
        if (backlog != null) {
            backlog.keepFrom(oldest);
        }
    }

    /** The payload reached a replica that wants nothing more (Redis's replicaPutOnline for CLIENT_REPL_RDBONLY). */
    private void rdbTransmitted(Replica r) {
        engine.log().notice("RDB transfer completed, rdb only replica (" + r.name() + ") should be disconnected asap");
        engine.kill(r.client);
    }

    /** Forgets a replica when its connection closes. */
    private void watchClose(Replica r) {
        r.client.channel().closeFuture().addListener(f -> {
            if (r.stream != null) {
                r.stream.release();
                r.stream = null;
            }
            if (replicas.remove(r)) {
                keepHeldStreams();
                stopUselessSave(r);
                // Redis exits with its replicas still connected: no line for the connections the exit closes.
                if (!engine.shuttingDown()) {
                    engine.log().warning("Connection with replica " + r.name() + " lost.");
                }
                if (replicas.isEmpty()) {
                    noReplicasSince = System.currentTimeMillis();
                }
            }
        });
    }

    /**
     * The replica gone was the last one waiting for the running disk BGSAVE, which no save point wants either: it
     * stops, as Redis's freeClient kills such an RDB child rather than let it write a file for nobody.
     */
    private void stopUselessSave(Replica gone) {
        FullSync sync = fullSync;
        if (sync == null || gone.sync != sync || !sync.disk || sync.job == null
                || gone.state != ReplicaState.WAIT_BGSAVE_END || !cfg.save.points().isEmpty()) {
            return;
        }
        for (Replica r : sync.replicas) {
            if (r != gone && r.sync == sync && r.state == ReplicaState.WAIT_BGSAVE_END && replicas.contains(r)) {
                return;
            }
        }
        sync.job.abort();
    }

    /** Closes the connection of every replica (they reconnect and ask for PSYNC). */
    void disconnectReplicas() {
        FullSync running = fullSync;
        if (running != null && !running.disk && running.job != null) {
            // Nobody is left to stream the snapshot to.
            running.job.abort();
        }
        for (Replica r : new ArrayList<>(replicas)) {
            engine.kill(r.client);
        }
        replicas.clear();
        keepHeldStreams();
        noReplicasSince = System.currentTimeMillis();
    }

    Replica replicaOf(Client c) {
        for (Replica r : replicas) {
            if (r.client == c) {
                return r;
            }
        }
        return null;
    }

    /** REPLCONF settings of clients that have not sent (P)SYNC yet. */
    private final java.util.Map<Client, Replica> pendingReplicas = new java.util.WeakHashMap<>();

    private Replica pending(Client c) {
        return pendingReplicas.computeIfAbsent(c, Replica::new);
    }

    // ---- REPLCONF ----

    /** REPLCONF option value [option value ...] */
    void replconf(Client c, byte[][] argv) {
        if (argv.length % 2 == 0) {
            engine.error(c, "ERR syntax error");
            return;
        }
        Replica known = replicaOf(c);
        Replica r = known != null ? known : pending(c);
        for (int j = 1; j < argv.length; j += 2) {
            String opt = Bytes.lower(argv[j]);
            byte[] val = argv[j + 1];
            switch (opt) {
                case "listening-port" -> {
                    Long port = parseLong(val);
                    if (port == null) {
                        engine.error(c, "ERR value is not an integer or out of range");
                        return;
                    }
                    r.listeningPort = port.intValue();
                }
                case "ip-address" -> {
                    if (val.length >= 256) {
                        engine.error(c, "ERR REPLCONF ip-address provided by replica instance is too long: "
                                + val.length + " bytes");
                        return;
                    }
                    r.announcedIp = Bytes.str(val);
                }
                case "capa" -> {
                    String capa = Bytes.lower(val);
                    if (capa.equals("eof")) {
                        r.capaEof = true;
                    } else if (capa.equals("psync2")) {
                        r.capaPsync2 = true;
                    }
                }
                case "ack" -> {
                    if (known == null) {
                        return;
                    }
                    Long offset = parseLong(val);
                    if (offset == null) {
                        return;
                    }
                    if (offset > known.ackOffset) {
                        known.ackOffset = offset;
                    }
                    known.ackTime = System.currentTimeMillis();
                    if (known.streamOnAck) {
                        online(known);
                    }
                    serveWaiters();
                    updateFailoverStatus();
                    return;
                }
                case "getack" -> {
                    if (isReplica() && c == link.masterClient()) {
                        link.sendAck();
                    }
                    return;
                }
                case "rdb-only" -> {
                    Long v = parseLong(val);
                    if (v == null || v < 0 || v > 1) {
                        engine.error(c, v == null ? "ERR value is not an integer or out of range"
                                : "ERR value is out of range, value must between 0 and 1");
                        return;
                    }
                    r.rdbOnly = v == 1;
                }
                case "rdb-filter-only" -> {
                    List<byte[]> filters = SplitArgs.split(val);
                    if (filters == null) {
                        engine.error(c, "ERR Missing rdb-filter-only values");
                        return;
                    }
                    r.excludeData = true;
                    r.excludeFunctions = true;
                    for (byte[] f : filters) {
                        if (!Bytes.lower(f).equals("functions")) {
                            engine.error(c, "ERR Unsupported rdb-filter-only option: " + Bytes.str(f));
                            return;
                        }
                        r.excludeFunctions = false;
                    }
                }
                default -> {
                    engine.error(c, "ERR Unrecognized REPLCONF option: " + Bytes.str(argv[j]));
                    return;
                }
            }
        }
        c.reply().ok();
    }

    // ---- WAIT and min-replicas ----

    /** WAIT numreplicas timeout */
    void waitCommand(Client c, byte[][] argv) {
        if (isReplica()) {
            engine.error(c, "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 "
                    + "if a replica is configured to be writable (which is not the default) writes to replicas are "
                    + "just local and are not propagated.");
            return;
        }
        Long num = parseLong(argv[1]);
        if (num == null) {
            engine.error(c, "ERR value is not an integer or out of range");
            return;
        }
        Long timeout = parseLong(argv[2]);
        if (timeout == null) {
            engine.error(c, "ERR timeout is not an integer or out of range");
            return;
        }
        if (timeout < 0) {
            engine.error(c, "ERR timeout is negative");
            return;
        }
        long offset = c.replOffset();
        long acked = acked(offset);
        if (acked >= num || c.denyBlocking()) {
            c.reply().integer(acked);
            return;
        }
        Waiter w = new Waiter(c, offset, num);
        waiters.add(w);
        long deadline = timeout == 0 ? 0 : System.currentTimeMillis() + timeout;
        engine.blocking().block(c, new byte[0][], deadline, cl -> {
            waiters.remove(w);
            cl.reply().integer(acked(offset));
        });
        requestAcks();
    }

    private long acked(long offset) {
        long n = 0;
        for (Replica r : replicas) {
            if (r.state == ReplicaState.ONLINE && r.ackOffset >= offset) {
                n++;
            }
        }
        return n;
    }

    /** Asks every replica for its offset once the running batch of commands is done (Redis: in beforeSleep). */
    private void requestAcks() {
        if (getAckRequested) {
            return;
        }
        getAckRequested = true;
        engine.loop().execute(this::sendRequestedGetack);
    }

    /**
     * As Redis's beforeSleep, the requested GETACK waits while clients are paused (a FAILOVER's pause must not move
     * the offset its target has to reach) and then goes even if the WAIT that asked for it is gone.
     */
    private void sendRequestedGetack() {
        if (engine.clientsPaused()) {
            engine.loop().schedule(this::sendRequestedGetack, PAUSED_GETACK_RETRY_MS, TimeUnit.MILLISECONDS);
            return;
        }
        getAckRequested = false;
        if (!isReplica()) {
            sendGetack();
        }
    }

    private void serveWaiters() {
        if (waiters.isEmpty()) {
            return;
        }
        for (Waiter w : new ArrayList<>(waiters)) {
            if (w.client().isClosed()) {
                waiters.remove(w);
                continue;
            }
            long n = acked(w.offset());
            if (n >= w.replicas()) {
                waiters.remove(w);
                w.client().reply().integer(n);
                engine.blocking().unblock(w.client());
            }
        }
    }

    // ---- shutdown ----

    /** Redis's isReadyToShutdown: every replica, whatever its state, acknowledged the master's offset. */
    boolean replicasCaughtUp() {
        for (Replica r : replicas) {
            if (r.ackOffset != masterOffset) {
                return false;
            }
        }
        return true;
    }

    /** Redis's sendGetackToReplicas: the request goes down the stream, so it moves the offset to acknowledge. */
    void sendGetack() {
        if (replicas.isEmpty()) {
            return;
        }
        encoder.command(new byte[][] {Bytes.of("REPLCONF"), Bytes.of("GETACK"), Bytes.of("*")});
        feedEncoded();
    }

    /** Logs the lagging replicas and the count in sync, as Redis's finishShutdown before the final save. */
    void logShutdownSyncState() {
        long now = System.currentTimeMillis() / 1000;
        int lagging = 0;
        for (Replica r : replicas) {
            if (r.ackOffset != masterOffset) {
                lagging++;
                long lag = r.state == ReplicaState.ONLINE ? now - r.ackTime / 1000 : 0;
                engine.log().warning("Lagging replica " + r.name() + " reported offset " + (masterOffset - r.ackOffset)
                        + " behind master, lag=" + lag + ", state=" + r.state.info + ".");
            }
        }
        if (!replicas.isEmpty()) {
            engine.log().notice((replicas.size() - lagging) + " of " + replicas.size()
                    + " replicas are in sync when shutting down.");
        }
    }

    /** Replicas that acknowledged within min-replicas-max-lag seconds (INFO min_slaves_good_slaves). */
    long goodReplicas() {
        long now = System.currentTimeMillis();
        long maxLag = cfg.minReplicasMaxLag.value();
        long n = 0;
        for (Replica r : replicas) {
            if (r.state == ReplicaState.ONLINE && (now - r.ackTime) / 1000 <= maxLag) {
                n++;
            }
        }
        return n;
    }

    /** The master replication offset (Redis's master_repl_offset). */
    /** The stream bytes the backlog holds (INFO mem_total_replication_buffers); 0 without a backlog. */
    long backlogBytes() {
        return backlog != null ? backlog.histlen() : 0;
    }

    long masterOffset() {
        return masterOffset;
    }

    /** The command guard: min-replicas-to-write, read-only replica, stale data (in Redis's processCommand order). */
    String guard(Client c, CommandSpec cmd) {
        // The master's stream and the AOF being replayed (a client without connection) are obeyed, as Redis's
        // mustObeyClient: a read-only replica loading its AOF (DEBUG LOADAOF) applies FUNCTION LOAD and the like.
        if (c.type() == Client.Type.MASTER || c.channel() == null) {
            return null;
        }
        if (c.type() == Client.Type.REPLICA && (cmd.isWrite() || cmd.mayReplicate() || cmd.isReadonly())) {
            return "ERR Replica can't interact with the keyspace";
        }
        if (isReplica()) {
            if (cmd.isWrite() && cfg.replicaReadOnly.value()) {
                return "READONLY You can't write against a read only replica.";
            }
            if (runningStale() && !cmd.allowStale()) {
                return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
            }
            return null;
        }
        return cmd.isWrite() ? noReplicas(c) : null;
    }

    /** Redis's running_stale: a replica with its link down that must not serve stale data. */
    boolean runningStale() {
        return isReplica() && !link.connected() && !cfg.replicaServeStaleData.value();
    }

    /** Redis's checkGoodReplicasStatus, for commands and for a script's first write. */
    String noReplicas(Client c) {
        if (isReplica() || cfg.minReplicasToWrite.value() <= 0 || cfg.minReplicasMaxLag.value() <= 0
                || goodReplicas() >= cfg.minReplicasToWrite.value()) {
            return null;
        }
        return "NOREPLICAS Not enough good replicas to write.";
    }

    // ---- cron ----

    /** Once a second: pings, newlines to waiting replicas, timeouts, backlog expiry, soft limits, replica ACKs. */
    void cron() {
        long now = System.currentTimeMillis();
        cronLoops++;
        if (isReplica()) {
            link.cron(now);
        }
        updateFailoverStatus();
        // A PING during a failover would move the offset the target must reach (Redis skips it while paused).
        if (!isReplica() && !replicas.isEmpty() && failoverState == FailoverState.NO_FAILOVER
                && cronLoops % cfg.replPingReplicaPeriod.value() == 0) {
            encoder.command(new byte[][] {PING});
            feedEncoded();
        }
        boolean pending = false;
        // A diskless transfer times out a replica only when its socket holds bytes it does not take: one that took
        // everything is waiting for the slowest replica.
        for (Replica r : new ArrayList<>(replicas)) {
            pending |= r.state == ReplicaState.WAIT_BGSAVE_START;
            if (r.state == ReplicaState.WAIT_BGSAVE_START
                    || (r.state == ReplicaState.WAIT_BGSAVE_END && r.sync != null && r.sync.disk)) {
                // On the socket, not as a reply: a reply on a replica's link means a command it sent answered.
                r.client.channel().writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'\n'}),
                        r.client.channel().voidPromise());
            } else if (r.target != null && r.target.queued.get() > 0
                    && now - r.target.lastWrite > cfg.replTimeout.value() * 1000L) {
                engine.log().warning("Disconnecting timedout replica (full sync): " + r.ip() + ":"
                        + r.listeningPort);
                engine.kill(r.client);
            } else if (r.state == ReplicaState.ONLINE && !r.prePsync
                    && now - r.ackTime > cfg.replTimeout.value() * 1000L) {
                engine.log().warning("Disconnecting timedout replica (streaming sync): " + r.ip() + ":"
                        + r.listeningPort);
                engine.kill(r.client);
            } else if (overLimit(r)) {
                engine.log().warning("Client " + r.client.describe()
                        + " scheduled to be closed ASAP for overcoming of output buffer limits.");
                engine.kill(r.client);
            }
        }
        if (pending && disklessTimer == null) {
            startPending();
        }
        long ttl = cfg.replBacklogTtl.value();
        if (!isReplica() && replicas.isEmpty() && backlog != null && ttl > 0 && now - noReplicasSince > ttl * 1000) {
            newReplicationId();
            backlog = null;
            engine.log().notice("Replication backlog freed after " + ttl + " seconds without connected replicas.");
        }
        if (backlog != null) {
            backlog.resize(cfg.replBacklogSize.value());
        }
        removeRdbUsedToSyncReplicas();
        engine.flushPending();
    }

    /**
     * Redis's removeRDBUsedToSyncReplicas: with rdb-del-sync-files and no persistence, the RDB file a disk-based
     * full sync saved is deleted once no replica waits for a snapshot or is being sent one, so a persistence-less
     * master leaves no copy of its data on disk.
     */
    private void removeRdbUsedToSyncReplicas() {
        if (!cfg.rdbDelSyncFiles.value()) {
            rdbGeneratedByReplication = false;
            return;
        }
        if (!rdbGeneratedByReplication || !allPersistenceDisabled()) {
            return;
        }
        for (Replica r : replicas) {
            if (r.state == ReplicaState.WAIT_BGSAVE_START || r.state == ReplicaState.WAIT_BGSAVE_END
                    || r.state == ReplicaState.SEND_BULK) {
                return;
            }
        }
        Path rdb = codec.rdbPath(engine);
        if (Files.exists(rdb, LinkOption.NOFOLLOW_LINKS)) {
            rdbGeneratedByReplication = false;
            engine.log().notice("Removing the RDB file used to feed replicas in a persistence-less instance");
            bgUnlink(rdb);
        }
    }

    /** Redis's allPersistenceDisabled: no save points and no AOF. */
    boolean allPersistenceDisabled() {
        return cfg.save.points().isEmpty() && !cfg.appendonly.value();
    }

    /**
     * Redis's bg_unlink: the name goes at once, and the last descriptor is closed on a thread of its own, so the
     * engine thread never waits for the file system to release a large file's blocks.
     */
    static void bgUnlink(Path file) {
        FileChannel held;
        try {
            held = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            held = null;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // As Redis, which ignores bg_unlink's result: the file stays and nothing else depends on it.
        }
        if (held != null) {
            FileChannel last = held;
            Thread closer = new Thread(() -> {
                try {
                    last.close();
                } catch (IOException ignored) {
                    // The file is already unlinked; a failed close only delays freeing its space.
                }
            }, "jredis-unlink");
            closer.setDaemon(true);
            closer.start();
        }
    }

    // ---- INFO, ROLE ----

    /** INFO's Replication section, field by field as Redis 7.0 prints it. */
    void info(BiConsumer<String, Object> f) {
        long now = System.currentTimeMillis();
        f.accept("role", isReplica() ? "slave" : "master");
        if (isReplica()) {
            link.info(f, now);
        }
        f.accept("connected_slaves", replicas.size());
        if (cfg.minReplicasToWrite.value() > 0 && cfg.minReplicasMaxLag.value() > 0) {
            f.accept("min_slaves_good_slaves", goodReplicas());
        }
        int i = 0;
        for (Replica r : replicas) {
            // As Redis, a replica still syncing has no lag: its ACK time means nothing before it is online.
            long lag = r.state == ReplicaState.ONLINE ? now / 1000 - r.ackTime / 1000 : 0;
            f.accept("slave" + i++, "ip=" + r.ip() + ",port=" + r.listeningPort + ",state=" + r.state.info
                    + ",offset=" + r.ackOffset + ",lag=" + lag);
        }
        f.accept("master_failover_state", failoverState.info);
        f.accept("master_replid", engine.replId());
        f.accept("master_replid2", engine.replId2());
        f.accept("master_repl_offset", masterOffset);
        f.accept("second_repl_offset", secondReplOffset);
        f.accept("repl_backlog_active", backlog != null ? 1 : 0);
        f.accept("repl_backlog_size", cfg.replBacklogSize.value());
        f.accept("repl_backlog_first_byte_offset", backlog != null ? backlog.firstByteOffset() : 0);
        f.accept("repl_backlog_histlen", backlog != null ? backlog.histlen() : 0);
    }

    /** ROLE */
    void role(Client c, byte[][] argv) {
        if (isReplica()) {
            link.role(c);
            return;
        }
        List<Replica> online = replicas.stream().filter(r -> r.state == ReplicaState.ONLINE).toList();
        c.reply().array(3);
        c.reply().bulk("master");
        c.reply().integer(masterOffset);
        c.reply().array(online.size());
        for (Replica r : online) {
            c.reply().array(3);
            c.reply().bulk(r.ip());
            c.reply().bulk(Integer.toString(r.listeningPort));
            c.reply().bulk(Long.toString(r.ackOffset));
        }
    }

    // ---- REPLICAOF ----

    /** REPLICAOF host port | NO ONE (and SLAVEOF). */
    void replicaof(Client c, byte[][] argv) {
        if (replicaOf(c) != null) {
            engine.error(c, "ERR Command is not valid when client is a replica.");
            return;
        }
        if (failoverState != FailoverState.NO_FAILOVER) {
            engine.error(c, "ERR REPLICAOF not allowed while failing over.");
            return;
        }
        if (Bytes.lower(argv[1]).equals("no") && Bytes.lower(argv[2]).equals("one")) {
            if (isReplica()) {
                unsetMaster();
                engine.log().notice("MASTER MODE enabled (user request from '" + c.describe() + "')");
            }
            c.reply().ok();
            return;
        }
        Long port = parseLong(argv[2]);
        if (port == null || port < 0 || port > 65535) {
            engine.error(c, "ERR Invalid master port");
            return;
        }
        String host = Bytes.str(argv[1]);
        if (isReplica() && link.host().equalsIgnoreCase(host) && link.port() == port) {
            engine.log().notice("REPLICAOF would result into synchronization with the master we are already "
                    + "connected with. No operation performed.");
            c.reply().simple("OK Already connected to specified master");
            return;
        }
        setMaster(host, port.intValue());
        engine.log().notice("REPLICAOF " + host + ":" + port + " enabled (user request from '" + c.describe()
                + "')");
        c.reply().ok();
    }

    /**
     * Follows the master of the {@code replicaof} directive at start. Unlike REPLICAOF, which offers the master this
     * node's own history, only a history restored from an RDB file is offered (Redis's loadDataFromDisk): a
     * replica that starts empty asks for a full sync (PSYNC ? -1), which its master does not count as a refused
     * partial one (sync_partial_err).
     */
    void startReplica(String host, int port) {
        setMaster(host, port, restoredReplicaHistory);
    }

    /** Starts following a master (Redis replicationSetMaster). */
    void setMaster(String host, int port) {
        setMaster(host, port, true);
    }

    /**
     * As Redis's replicationSetMaster, the configured master (masterhost, which the log's role mark follows) is
     * unset while the old link goes and set before our own history is offered.
     */
    private void setMaster(String host, int port, boolean offerOwnHistory) {
        boolean wasMaster = !isReplica();
        MasterLink.Cached cached;
        if (wasMaster) {
            cfg.replicaof.master(host, port);
            // Our own history is what the new master may continue: we PSYNC with our id and offset.
            cached = null;
            if (offerOwnHistory) {
                engine.log().notice("Before turning into a replica, using my own master parameters to synthesize a "
                        + "cached master: I may be able to synchronize with the new master with just a partial "
                        + "transfer.");
                cached = new MasterLink.Cached(engine.replId(), masterOffset, restoredDb);
            }
            for (Client blocked : new ArrayList<>(engine.clients().values())) {
                if (engine.blocking().isBlocked(blocked)) {
                    engine.error(blocked, "UNBLOCKED force unblock from blocking operation, instance state "
                            + "changed (master -> replica?)");
                    waiters.removeIf(w -> w.client() == blocked);
                    engine.blocking().unblock(blocked);
                }
            }
        } else {
            cfg.replicaof.master(null, 0);
            cached = link.stop();
        }
        engine.slaveMode(true);
        cfg.replicaof.master(host, port);
        // As Redis 7.0's replicationSetMaster, sub-replicas stay: they may continue with us if the new master
        // accepts our partial resync; a new history or a full sync disconnects them then.
        link = new MasterLink(this, host, port, cached);
        engine.log().notice("Connecting to MASTER " + host + ":" + port);
        link.connect();
    }

    /** Becomes a master again (REPLICAOF NO ONE): a new id, the old one valid up to our offset. */
    void unsetMaster() {
        // Unset first, as Redis's masterhost: the lines of the link's end are a master's.
        cfg.replicaof.master(null, 0);
        if (link.stop() != null) {
            engine.log().notice("Discarding previously cached master state.");
        }
        link = null;
        engine.slaveMode(false);
        shiftReplicationId(randomId());
        // Sub-replicas reconnect and learn the new id with +CONTINUE.
        disconnectReplicas();
        resetStreamDb();
    }

    // ---- FAILOVER ----

    /** FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]: hands the master role to a synced replica. */
    void failover(Client c, byte[][] argv) {
        if (argv.length == 2 && Bytes.lower(argv[1]).equals("abort")) {
            if (failoverState == FailoverState.NO_FAILOVER) {
                engine.error(c, "ERR No failover in progress.");
                return;
            }
            abortFailover("Failover manually aborted");
            c.reply().ok();
            return;
        }
        long timeout = 0;
        boolean force = false;
        String host = null;
        long port = 0;
        for (int j = 1; j < argv.length; j++) {
            String opt = Bytes.lower(argv[j]);
            if (opt.equals("timeout") && j + 1 < argv.length && timeout == 0) {
                Long t = parseLong(argv[j + 1]);
                if (t == null) {
                    engine.error(c, "ERR value is not an integer or out of range");
                    return;
                }
                if (t <= 0) {
                    engine.error(c, "ERR FAILOVER timeout must be greater than 0");
                    return;
                }
                timeout = t;
                j++;
            } else if (opt.equals("to") && j + 2 < argv.length && host == null) {
                Long p = parseLong(argv[j + 2]);
                if (p == null) {
                    engine.error(c, "ERR value is not an integer or out of range");
                    return;
                }
                host = Bytes.str(argv[j + 1]);
                port = p;
                j += 2;
            } else if (opt.equals("force") && !force) {
                force = true;
            } else {
                engine.error(c, "ERR syntax error");
                return;
            }
        }
        if (failoverState != FailoverState.NO_FAILOVER) {
            engine.error(c, "ERR FAILOVER already in progress.");
            return;
        }
        if (isReplica()) {
            engine.error(c, "ERR FAILOVER is not valid when server is a replica.");
            return;
        }
        if (replicas.isEmpty()) {
            engine.error(c, "ERR FAILOVER requires connected replicas.");
            return;
        }
        if (force && (timeout == 0 || host == null)) {
            engine.error(c, "ERR FAILOVER with force option requires both a timeout and target HOST and IP.");
            return;
        }
        if (host != null) {
            Replica target = findReplica(host, port);
            if (target == null) {
                engine.error(c, "ERR FAILOVER target HOST and PORT is not a replica.");
                return;
            }
            if (target.state != ReplicaState.ONLINE) {
                engine.error(c, "ERR FAILOVER target replica is not online.");
                return;
            }
            failoverHost = host;
            failoverPort = (int) port;
            engine.log().notice("FAILOVER requested to " + host + ":" + port + ".");
        } else {
            engine.log().notice("FAILOVER requested to any replica.");
        }
        if (timeout > 0) {
            failoverEnd = System.currentTimeMillis() + timeout;
            failoverTimer = engine.loop().schedule(this::updateFailoverStatus, timeout, TimeUnit.MILLISECONDS);
        }
        forceFailover = force;
        failoverState = FailoverState.WAIT_FOR_SYNC;
        engine.pauseClients(Engine.PausePurpose.FAILOVER, Long.MAX_VALUE, Engine.PauseType.WRITE);
        c.reply().ok();
        // As Redis's beforeSleep right after the command: a replica that acknowledged everything is taken at once,
        // and one that sends no ACKs (still waiting for its snapshot) may match too.
        engine.loop().execute(this::updateFailoverStatus);
    }

    private Replica findReplica(String host, long port) {
        for (Replica r : replicas) {
            if (r.ip().equalsIgnoreCase(host) && r.listeningPort == port) {
                return r;
            }
        }
        return null;
    }

    /**
     * Redis's updateFailoverStatus, run after FAILOVER, on every ACK, once a second and at the timeout: once the
     * target (or, without TO, any replica) acknowledged the whole stream, this server becomes its replica, asking
     * PSYNC ... FAILOVER.
     */
    void updateFailoverStatus() {
        if (failoverState != FailoverState.WAIT_FOR_SYNC) {
            return;
        }
        if (failoverEnd != 0 && failoverEnd <= System.currentTimeMillis()) {
            if (forceFailover) {
                engine.log().notice("FAILOVER to " + failoverHost + ":" + failoverPort
                        + " time out exceeded, failing over.");
                failoverState = FailoverState.IN_PROGRESS;
                setMaster(failoverHost, failoverPort);
            } else {
                abortFailover("Replica never caught up before timeout");
            }
            return;
        }
        Replica target = null;
        if (failoverHost != null) {
            target = findReplica(failoverHost, failoverPort);
        } else {
            for (Replica r : replicas) {
                if (r.ackOffset == masterOffset) {
                    target = r;
                    failoverHost = r.ip();
                    failoverPort = r.listeningPort;
                    break;
                }
            }
        }
        if (target != null && target.ackOffset == masterOffset) {
            failoverState = FailoverState.IN_PROGRESS;
            engine.log().notice("Failover target " + failoverHost + ":" + failoverPort
                    + " is synced, failing over.");
            setMaster(failoverHost, failoverPort);
        }
    }

    /** Gives up a failover; one already handed over goes back to being a master. */
    void abortFailover(String why) {
        if (failoverState == FailoverState.NO_FAILOVER) {
            return;
        }
        engine.log().notice(failoverHost != null ? "FAILOVER to " + failoverHost + ":" + failoverPort
                + " aborted: " + why : "FAILOVER to any replica aborted: " + why);
        if (failoverState == FailoverState.IN_PROGRESS) {
            unsetMaster();
        }
        clearFailoverState();
    }

    /** The failover is over (the target accepted our PSYNC, or it was aborted): writes resume. */
    void clearFailoverState() {
        failoverEnd = 0;
        forceFailover = false;
        failoverHost = null;
        failoverPort = 0;
        failoverState = FailoverState.NO_FAILOVER;
        if (failoverTimer != null) {
            failoverTimer.cancel(false);
            failoverTimer = null;
        }
        engine.unpauseClients(Engine.PausePurpose.FAILOVER);
    }
}
