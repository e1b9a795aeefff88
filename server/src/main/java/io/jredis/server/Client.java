package io.jredis.server;

import io.jredis.server.acl.User;

import io.jredis.server.db.Database;
import io.jredis.server.net.RespDecoder;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Addresses;
import io.jredis.server.util.Digits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.UnixChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Predicate;

/**
 * One client connection's state, owned by the engine thread: selected database, protocol version, authentication,
 * name, reply buffer and the flags CLIENT LIST reports. Replies accumulate in {@link #reply()} and are flushed once
 * per read batch.
 */
public final class Client implements Reply.ReplySink {
    /**
     * CLIENT REPLY state, Redis's CLIENT_REPLY_OFF / _SKIP / _SKIP_NEXT flags: replies are dropped while OFF or SKIP;
     * SKIP_NEXT (set by CLIENT REPLY SKIP) turns into SKIP for the next command, which then turns back to ON.
     */
    public enum ReplyMode { ON, OFF, SKIP, SKIP_NEXT }

    /** Kinds of client as CLIENT LIST TYPE and CLIENT KILL TYPE name them. */
    public enum Type { NORMAL, MASTER, REPLICA, PUBSUB }

    // Sizes that make CLIENT LIST's memory fields read as Redis 7.0 (jemalloc, 64 bits) reports them.
    /** zmalloc_size(client): the client struct. */
    private static final int CLIENT_STRUCT_BYTES = 768;
    /** PROTO_REPLY_CHUNK_BYTES: the reply buffer a new client starts with, and its upper bound when growing. */
    private static final int REPLY_CHUNK_BYTES = 16 * 1024;
    /** PROTO_REPLY_MIN_BYTES: the reply buffer never shrinks below this. */
    private static final int REPLY_MIN_BYTES = 1024;
    /** Usable bytes of the query buffer after the first 16 KB read (a 20480-byte jemalloc class, sds header of 6). */
    private static final int QUERY_BUFFER_USABLE = 20474;
    private static final int QUERY_BUFFER_HEADER = 6;
    /** An empty sds: the allocation an idle client's query buffer shrinks to. */
    private static final int EMPTY_SDS_BYTES = 8;
    /** A discard buffer larger than this is dropped rather than kept for the next suppressed reply. */
    private static final int DISCARD_KEEP_BYTES = 64 * 1024;
    /** A reply buffer up to this size is kept for the next batch while the client is active (2 s, as the query buffer). */
    private static final int SPARE_MAX_BYTES = 2048;

    private final long id;
    private final Engine engine;
    private final Channel channel;
    private final Reply reply = new Reply(this);
    private final long createdAt;
    private ByteBuf out;
    private Predicate<ByteBuf> directWrite;
    /** A reply buffer sent whole, kept for the next batch; at most {@link #SPARE_MAX_BYTES}. */
    private ByteBuf spare;
    private ByteBuf discard;
    private Database db;
    private String name = "";
    private User user;
    private boolean authenticated;
    private boolean closeAfterReply;
    private boolean closed;
    private boolean noEvict;
    private boolean timeoutExempt;
    private boolean denyBlocking;
    private final java.util.ArrayDeque<byte[][]> deferred = new java.util.ArrayDeque<>();
    private Transactions.MultiState multi;
    private final java.util.EnumMap<PubSub.Kind, java.util.LinkedHashSet<io.jredis.server.util.BytesKey>> subscriptions =
            new java.util.EnumMap<>(PubSub.Kind.class);
    private ReplyMode replyMode = ReplyMode.ON;
    /** Redis's CLIENT_PUSHING: a Pub/Sub or tracking message is being written, which CLIENT REPLY OFF/SKIP let through. */
    private boolean pushing;
    private long lastInteraction;
    private String lastCommand = "NULL";
    /** Commands received, so that DEBUG CLIENT-EVICTION knows whether Redis would have weighed this client yet. */
    private long commandsReceived;
    /** The command being executed or waiting for a pause to end; null between commands (Redis frees argv). */
    private byte[][] argv;
    /** Commands that arrived while this client waits for CLIENT PAUSE to end, oldest first; null when not waiting. */
    private Deque<byte[][]> postponed;
    /** Replays what the client's owner held back itself when a pause ends (the master link's stream), or null. */
    private Runnable resumeHandler;
    /** Whether Redis would hold a grown query buffer for this client (it frees it after 2 idle seconds). */
    private boolean queryBufferGrown;
    private int replyBufferSize = REPLY_CHUNK_BYTES;
    private int replyBufferPeak = REPLY_CHUNK_BYTES;
    private long replyPeakResetAt;
    private long replOffset;
    /** Free-form flags a module sets on its clients (replica, master, pubsub, multi ...) for CLIENT LIST. */
    private String roleFlags = "";
    /** Client-side caching mode, null while tracking is off. */
    private Tracking.State tracking;
    /** SCRIPT DEBUG mode for this client's next EVAL: 0 (NO), or a {@code Scripting.DEBUG_*} mode. */
    private int luaDebug;
    /** Takes every request of the connection instead of the command path while set (a Lua debugging session). */
    private java.util.function.Consumer<byte[][]> requestTap;
    /** The connection's output buffer limits (Redis's checkClientOutputBufferLimits): true when over them. */
    private java.util.function.LongPredicate outputLimit = used -> false;
    /** Redis's CLIENT_CLOSE_ASAP: over its output limits, the client is about to be closed; replies are dropped. */
    private boolean closeAsap;
    /** The replication stream flows on this connection: a reply to a command would corrupt it. */
    private boolean replicationLink;
    /** Size of the reply buffer at which the output limits are checked next while a batch is built. */
    private int nextLimitCheck = REPLY_CHUNK_BYTES;
    /** Requests received but not complete yet, held by the connection's decoder. */
    private Input pendingInput = Input.NONE;
    /** The type and memory the cron last counted this client at (Redis's last_memory_type / _usage). */
    private Type trackedType;
    private long trackedMemory;
    /** Where Redis would hold the replies not sent yet; bytes enter it in the order they are sent. */
    private final ReplyLayout layout = new ReplyLayout();
    /** Bytes at the start of {@link #out} already in {@link #layout}. */
    private int outInLayout;
    /** Bytes in {@link #layout} taken from {@link #out} but not handed to the connection yet (a held batch). */
    private long takenInLayout;
    /**
     * The reply pieces in {@link #out} longer than 16 KB that Redis copies at once (bulk values): offset and length
     * each, so that {@link #layout} gives them blocks of their length.
     */
    private int[] pieces = new int[8];
    private int pieceCount;

    /** What a connection's request decoder holds of requests not complete yet. */
    public interface Input {
        /** No decoder: nothing pending. */
        Input NONE = new Input() {
            @Override
            public long pendingBytes() {
                return 0;
            }

            @Override
            public long queryBytes() {
                return 0;
            }

            @Override
            public long queryReserved() {
                return 0;
            }

            @Override
            public void resizeQueryBuffer(boolean idle) {
            }

            @Override
            public long partialArgBytes() {
                return 0;
            }

            @Override
            public int partialArgs() {
                return 0;
            }

            @Override
            public boolean readingBigArgument() {
                return false;
            }
        };

        /** Bytes held: unparsed input, the parsed arguments of a partial request, a big argument's reservation. */
        long pendingBytes();

        /** Redis's query buffer length (CLIENT LIST qbuf): unparsed input and what arrived of a big argument. */
        long queryBytes();

        /**
         * The query buffer Redis allocates for a big argument (its length + 2): the one being read, or the one left
         * after the last until the cron trims it; 0 when none.
         */
        long queryReserved();

        /**
         * Redis's clientsCronResizeQueryBuffer for that buffer: freed when the client is {@code idle} (over 2
         * seconds), trimmed to the recent peak when that is under half of it.
         */
        void resizeQueryBuffer(boolean idle);

        /** Bytes of the arguments of a partial request parsed so far (counted in {@link #pendingBytes}). */
        long partialArgBytes();

        /** Arguments of a partial request parsed so far. */
        int partialArgs();

        /**
         * True while a big argument is read into a query buffer of its own: Redis's only query buffer then, which
         * {@link #pendingBytes} counts as allocated.
         */
        boolean readingBigArgument();
    }

    Client(long id, Engine engine, Channel channel) {
        this.id = id;
        this.engine = engine;
        this.channel = channel;
        this.createdAt = System.currentTimeMillis();
        this.lastInteraction = createdAt;
        this.db = engine.database(0);
        this.user = engine.acl().defaultUser();
        this.authenticated = !engine.requiresAuth();
    }

    public long id() {
        return id;
    }

    /** The master replication offset after this client's last command (Redis 7.0's woff), which WAIT awaits. */
    public long replOffset() {
        return replOffset;
    }

    public void replOffset(long offset) {
        replOffset = offset;
    }

    public Engine engine() {
        return engine;
    }

    public Channel channel() {
        return channel;
    }

    /**
     * Sets what writes a batch of replies straight to the socket (true when all of it went, released), or null for
     * the channel's own path. The network layer sets it for connections where that is safe.
     */
    public void directWrite(Predicate<ByteBuf> writer) {
        directWrite = writer;
    }

    /**
     * Sends a batch of replies, straight to the socket when it can, the rest through the channel. A small buffer
     * the socket took whole serves the next batch, as Redis's static reply buffer does.
     */
    public void send(ByteBuf b) {
        int n = b.readableBytes();
        boolean inLayout = takenInLayout > 0;
        if (inLayout) {
            takenInLayout = Math.max(0, takenInLayout - n);
        }
        if (directWrite == null || !directWrite.test(b)) {
            channel.writeAndFlush(b, channel.voidPromise());
            if (!inLayout && (layout.active() || queuedBytes() > 0)) {
                // A batch that fits the static buffer enters the layout only when the socket did not take all of it.
                layout.append(n, replyBufferSize, false);
            }
        } else if (spare == null && b.capacity() <= SPARE_MAX_BYTES && !closed) {
            spare = b.clear();
        } else {
            b.release();
        }
    }

    public Reply reply() {
        return reply;
    }

    public Database db() {
        return db;
    }

    public void select(Database db) {
        this.db = db;
    }

    /** The connection name; empty when none was set (CLIENT GETNAME then replies null). */
    public String name() {
        return name;
    }

    public void name(String name) {
        this.name = name;
    }

    /** The name of the client's ACL user; "(superuser)" for internal clients that have none (a master's stream). */
    public String user() {
        return user == null ? "(superuser)" : user.name();
    }

    /** The client's ACL user, whose permissions every command is checked against. */
    public User aclUser() {
        return user;
    }

    public boolean authenticated() {
        return authenticated;
    }

    public void authenticate(User user) {
        this.user = user;
        this.authenticated = true;
    }

    /** Back to the default user, authenticated only if it needs no password (RESET, user deleted). */
    public void deauthenticate() {
        this.user = engine.acl().defaultUser();
        this.authenticated = !engine.requiresAuth();
    }

    public long createdAt() {
        return createdAt;
    }

    /** Unix ms of the last command received or reply written, for idle times and the {@code timeout} directive. */
    public long lastInteraction() {
        return lastInteraction;
    }

    void touch(long now, byte[][] argv, String command) {
        commandsReceived++;
        lastInteraction = now;
        lastCommand = command;
        // Redis reads a big last argument (32 KB or more) in a query buffer of its own and takes that buffer as the
        // argument, leaving the one reserved for the next big argument instead of its 16 KB read buffer.
        queryBufferGrown = argv.length == 0 || argv[argv.length - 1].length < RespDecoder.BIG_ARG;
        this.argv = argv;
    }

    /** Redis's argv_len_sum, counted when CLIENT LIST or client eviction asks rather than for every command. */
    private static long argvBytes(byte[][] argv) {
        long bytes = 0;
        for (byte[] a : argv) {
            bytes += a.length;
        }
        return bytes;
    }

    /**
     * Ends a command as Redis's {@code resetClient}: frees its arguments and advances CLIENT REPLY SKIP, so a skip
     * applies to exactly the next command whatever its outcome (errors included). Blocking command families call
     * it when a blocked command finally completes.
     */
    public void commandProcessed() {
        argv = null;
        if (replyMode == ReplyMode.SKIP) {
            replyMode = ReplyMode.ON;
        } else if (replyMode == ReplyMode.SKIP_NEXT) {
            replyMode = ReplyMode.SKIP;
        }
    }

    public long commandsReceived() {
        return commandsReceived;
    }

    public String lastCommand() {
        return lastCommand;
    }

    public boolean noEvict() {
        return noEvict;
    }

    public void noEvict(boolean v) {
        this.noEvict = v;
    }

    /** True while the client must not block (inside MULTI/EXEC or a script): blocking commands time out at once. */
    public boolean denyBlocking() {
        return denyBlocking;
    }

    public void denyBlocking(boolean deny) {
        this.denyBlocking = deny;
    }

    /** The open MULTI transaction, or null. */
    public Transactions.MultiState multi() {
        return multi;
    }

    void multi(Transactions.MultiState m) {
        this.multi = m;
    }

    /** The client's subscriptions of one kind (channels, patterns or shard channels). */
    public java.util.Set<io.jredis.server.util.BytesKey> subscriptions(PubSub.Kind kind) {
        return subscriptions.computeIfAbsent(kind, k -> new java.util.LinkedHashSet<>());
    }

    /** Channels plus patterns, the count SUBSCRIBE and PSUBSCRIBE replies report. */
    public int subscriptionCount() {
        return subscriptions(PubSub.Kind.CHANNEL).size() + subscriptions(PubSub.Kind.PATTERN).size();
    }

    /** True when the client has any subscription; in RESP2 that restricts the commands it may send. */
    public boolean subscribed() {
        // Asked for every command: looks at the sets that exist instead of creating the missing ones.
        if (subscriptions.isEmpty()) {
            return false;
        }
        for (java.util.Set<io.jredis.server.util.BytesKey> s : subscriptions.values()) {
            if (!s.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Queues a command that arrived while the client is blocked; it runs after the client is unblocked. */
    public void defer(byte[][] argv) {
        deferred.add(argv);
    }

    public boolean hasDeferred() {
        return !deferred.isEmpty();
    }

    byte[][] nextDeferred() {
        return deferred.poll();
    }

    /**
     * False for clients the {@code timeout} directive must not close: replicas, monitors, masters, subscribers and
     * blocked clients (those waiting for a pause included), as Redis's {@code clientsCronHandleTimeout}.
     */
    public boolean idleTimeoutApplies() {
        if (timeoutExempt || postponed != null) {
            return false;
        }
        for (int i = 0; i < roleFlags.length(); i++) {
            switch (roleFlags.charAt(i)) {
                case 'S', 'O', 'M', 'P', 'b' -> {
                    return false;
                }
                default -> { }
            }
        }
        return true;
    }

    public void timeoutExempt(boolean exempt) {
        this.timeoutExempt = exempt;
    }

    /**
     * Starts (true) or ends (false) writing a push message (Pub/Sub, tracking), which reaches the client even under
     * CLIENT REPLY OFF/SKIP; returns the previous state so nested writers restore it.
     */
    public boolean pushing(boolean on) {
        boolean previous = pushing;
        pushing = on;
        return previous;
    }

    public ReplyMode replyMode() {
        return replyMode;
    }

    public void replyMode(ReplyMode m) {
        this.replyMode = m;
    }

    /** The client-side caching mode, null while tracking is off. */
    public Tracking.State tracking() {
        return tracking;
    }

    void tracking(Tracking.State state) {
        this.tracking = state;
    }

    public String roleFlags() {
        return roleFlags;
    }

    public void roleFlags(String flags) {
        this.roleFlags = flags;
    }

    /** The client's kind from its flags, as Redis's {@code getClientType} (a monitor counts as normal). */
    public Type type() {
        if (roleFlags.indexOf('M') >= 0) {
            return Type.MASTER;
        }
        if (roleFlags.indexOf('S') >= 0) {
            return Type.REPLICA;
        }
        // Redis's getClientType: a subscriber (RESP2 or RESP3) is a pubsub client for CLIENT LIST/KILL TYPE.
        if (roleFlags.indexOf('P') >= 0 || subscribed()) {
            return Type.PUBSUB;
        }
        return Type.NORMAL;
    }

    /** Closes the connection once pending replies are written (QUIT, protocol errors, CLIENT KILL of self). */
    public void closeAfterReply() {
        this.closeAfterReply = true;
    }

    public boolean closingAfterReply() {
        return closeAfterReply;
    }

    public boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
        postponed = null;
        if (out != null) {
            out.release();
            out = null;
        }
        if (discard != null) {
            discard.release();
            discard = null;
        }
        if (spare != null) {
            spare.release();
            spare = null;
        }
        layout.clear();
    }

    // ---- CLIENT PAUSE ----

    /** True while this client waits for a CLIENT PAUSE to end (Redis's BLOCKED_POSTPONE). */
    public boolean postponed() {
        return postponed != null;
    }

    /** Starts waiting with {@code first} as the command to run when the pause ends. */
    void postpone(byte[][] first) {
        postponed = new ArrayDeque<>();
        postponed.add(first);
    }

    /** Queues a command received while waiting, behind the postponed one. */
    void queuePostponed(byte[][] argv) {
        postponed.addLast(argv);
    }

    /**
     * Makes the client's owner resume it after a pause, instead of the engine replaying its queued commands: for a
     * client whose input the owner parses and can keep unread (the master link leaves the held stream in its buffer).
     */
    public void resumeHandler(Runnable handler) {
        this.resumeHandler = handler;
    }

    /** The owner's resume step, or null when the engine replays the queued commands. */
    Runnable resumeHandler() {
        return resumeHandler;
    }

    /** Stops waiting and hands back the queued commands, oldest first. */
    Deque<byte[][]> resume() {
        Deque<byte[][]> q = postponed;
        postponed = null;
        return q;
    }

    // ---- addresses ----

    /** Remote address as {@code ip:port} ({@code [ip6]:port}, {@code /path/to.sock:0} for unix sockets). */
    public String addr() {
        return format(channel == null ? null : channel.remoteAddress());
    }

    /** Local address the client connected to, in the same form as {@link #addr()}. */
    public String laddr() {
        return format(channel == null ? null : channel.localAddress());
    }

    public boolean unixSocket() {
        return channel instanceof DomainSocketChannel;
    }

    private String format(SocketAddress a) {
        if (a instanceof InetSocketAddress in) {
            String host = in.getAddress() == null ? in.getHostString() : in.getAddress().getHostAddress();
            if (host.contains(":")) {
                int pct = host.indexOf('%');
                if (pct >= 0) {
                    host = host.substring(0, pct);
                }
                // anetFormatAddr brackets IPv6 hosts.
                return "[" + Addresses.compressIpv6(host) + "]:" + in.getPort();
            }
            return host + ":" + in.getPort();
        }
        if (a == null) {
            return "";
        }
        // Redis names both ends of a unix socket connection after the socket path.
        return engine.config().unixsocket.value() + ":0";
    }

    // ---- CLIENT LIST ----

    /** The CLIENT LIST line for this client, as Redis 7.0 prints it (also used in log lines about a client). */
    public String describe() {
        long now = System.currentTimeMillis();
        boolean executing = argv != null && postponed == null;
        long qbuf = executing ? wireLength(argv) : 0;
        long qbufFree = queryBufferGrown ? Math.max(0, QUERY_BUFFER_USABLE - qbuf) : 0;
        long qbufMem = queryBufferGrown ? qbuf + qbufFree + QUERY_BUFFER_HEADER : EMPTY_SDS_BYTES;
        if (!executing) {
            // A partial request: Redis shows what its query buffer holds of it (the memory counts in tot-mem); after
            // a big argument, the buffer of that size Redis keeps for the next one. A big argument being read has
            // the only query buffer, counted with the pending input.
            boolean big = pendingInput.readingBigArgument();
            qbuf = pendingInput.queryBytes();
            qbufFree = Math.max(0, Math.max(pendingInput.queryReserved(),
                    queryBufferGrown && !big ? QUERY_BUFFER_USABLE : 0) - qbuf);
            qbufMem = big ? 0 : qbufMem;
        }
        byte[][] held = heldArgv();
        long argvMem = held == null ? pendingInput.partialArgBytes() : argvBytes(held);
        long omem = replyListMemory();
        long obl = layout.active() ? layout.staticBytes() : out == null ? 0 : out.writerIndex();
        long oll = layout.blocks();
        long totMem = memory(qbufMem, omem);
        return "id=" + id + " addr=" + addr() + " laddr=" + laddr() + " fd=" + fd() + " name=" + name
                + " age=" + (now / 1000 - createdAt / 1000) + " idle=" + (now / 1000 - lastInteraction / 1000)
                + " flags=" + flags() + " db=" + db.id() + " sub=" + subscriptions(PubSub.Kind.CHANNEL).size()
                + " psub=" + subscriptions(PubSub.Kind.PATTERN).size() + " ssub="
                + subscriptions(PubSub.Kind.SHARD).size() + " multi=" + (multi == null ? -1 : multi.size()) + " qbuf=" + qbuf
                + " qbuf-free=" + qbufFree + " argv-mem=" + argvMem + " multi-mem=" + (multi == null ? 0 : multi.memory()) + " rbs=" + replyBufferSize
                + " rbp=" + replyBufferPeak + " obl=" + obl + " oll=" + oll + " omem=" + omem + " tot-mem=" + totMem
                + " events=" + events() + " cmd=" + lastCommand + " user=" + user()
                + " redir=" + (tracking == null ? -1 : tracking.redirect()) + " resp="
                + reply.protocol();
    }

    /** The type the cron last counted this client's memory under, or null when it is not counted. */
    Type trackedType() {
        return trackedType;
    }

    /** The memory the cron last counted for this client. */
    long trackedMemory() {
        return trackedMemory;
    }

    void trackedMemory(Type type, long memory) {
        trackedType = type;
        trackedMemory = memory;
    }

    /** CLIENT LIST's tot-mem: what the client holds (maxmemory-clients weighs clients by it). */
    public long memory() {
        long qbuf = argv != null && postponed == null ? queryBufferBytes(argv) : 0;
        long qbufMem = pendingInput.readingBigArgument() ? 0
                : queryBufferGrown ? Math.max(qbuf, QUERY_BUFFER_USABLE) + QUERY_BUFFER_HEADER : EMPTY_SDS_BYTES;
        return memory(qbufMem, replyListMemory());
    }

    /**
     * What Redis's clientsCronTrackExpansiveClients counts as the client's input for INFO
     * client_recent_max_input_buffer: the query buffer's allocation, the command's arguments and their array.
     */
    public long inputMemory() {
        long room = Math.max(pendingInput.queryReserved(), queryBufferGrown ? QUERY_BUFFER_USABLE : 0);
        long qbuf = Math.max(pendingInput.queryBytes(), room);
        long mem = qbuf == 0 ? EMPTY_SDS_BYTES : jemallocSize((int) Math.min(qbuf + QUERY_BUFFER_HEADER, 1 << 30));
        byte[][] held = heldArgv();
        if (held != null && postponed == null) {
            mem += argvBytes(held) + smallAllocSize(8 * held.length);
        }
        return mem;
    }

    /** The output Redis tracks for INFO client_recent_max_output_buffer: its reply list, not the static buffer. */
    public long outputMemory() {
        return replyListMemory();
    }

    /** What Redis's reply list would hold now (CLIENT LIST omem), the layout brought up to date first. */
    private long replyListMemory() {
        syncLayout();
        return layout.memory();
    }

    /**
     * Brings {@link #layout} up to date: what the connection sent since, then what {@link #out} gained, which stays
     * out of it while it fits the static buffer of an idle layout (most batches: nothing to do).
     */
    private void syncLayout() {
        if (channel == null) {
            return;
        }
        if (layout.active()) {
            layout.writtenUpTo(layout.appended() - queuedBytes() - takenInLayout - outInLayout);
        }
        int end = out == null ? 0 : out.writerIndex();
        if (end > outInLayout && (layout.active() || end > replyBufferSize)) {
            int at = outInLayout;
            for (int i = 0; i < pieceCount; i += 2) {
                int start = Math.max(pieces[i], at);
                int stop = pieces[i] + pieces[i + 1];
                if (stop <= at) {
                    continue;
                }
                layout.append(start - at, replyBufferSize, false);
                layout.append(stop - start, replyBufferSize, start == pieces[i]);
                at = stop;
            }
            layout.append(end - at, replyBufferSize, false);
            outInLayout = end;
        }
    }

    @Override
    public void piece(ByteBuf b, int at, int length) {
        if (b != out) {
            return;
        }
        if (pieceCount == pieces.length) {
            pieces = java.util.Arrays.copyOf(pieces, pieceCount * 2);
        }
        pieces[pieceCount++] = at;
        pieces[pieceCount++] = length;
    }

    /** The arguments Redis holds for the client: the running command's, or those of the command it is blocked in. */
    byte[][] heldArgv() {
        return argv != null ? argv : engine.blocking().blockedArgv(this);
    }

    /** Sets where {@link #pendingInput()} comes from (the connection's request decoder). */
    public void pendingInput(Input source) {
        pendingInput = source;
    }

    /** Bytes of requests received but not complete yet (a partial multibulk and what follows it). */
    public long pendingInput() {
        return pendingInput.pendingBytes();
    }

    private long memory(long qbufMem, long omem) {
        byte[][] held = heldArgv();
        long mem = CLIENT_STRUCT_BYTES + replyBufferSize + qbufMem + omem + pendingInput()
                + (held == null ? 8L * pendingInput.partialArgs()
                        : argvBytes(held) + 8L * (multi == null ? held.length : multi.argc(held.length)));
        if (multi != null) {
            mem += multi.overhead();
        }
        if (tracking != null && tracking.bcast()) {
            // Redis's estimate for the BCAST prefixes' radix tree: sizeof(raxNode) * sizeof(raxNode*) per node
            // (here one node per prefix plus the root).
            mem += 32L * (tracking.prefixes().size() + 1);
        }
        return mem + Transactions.WATCHED_KEY_BYTES * engine.transactions().watchedKeys(this) + pubsubOverhead();
    }

    /**
     * Redis's pubsubMemOverhead: a 24-byte list node per pattern, a 24-byte dict entry per channel and shard
     * channel plus the 8-byte slots of their dicts (a power of two, at least 4).
     */
    private long pubsubOverhead() {
        if (subscriptions.isEmpty()) {
            return 0;
        }
        long mem = 24L * subscriptions(PubSub.Kind.PATTERN).size();
        for (PubSub.Kind kind : new PubSub.Kind[] {PubSub.Kind.CHANNEL, PubSub.Kind.SHARD}) {
            int n = subscriptions(kind).size();
            if (n > 0) {
                mem += 24L * n + 8L * Math.max(4, Integer.highestOneBit(n - 1) << 1);
            }
        }
        return mem;
    }

    /** Flag letters in Redis's order: module flags (S, M, P, x ...), then b, c, U, e; N when none. */
    private String flags() {
        StringBuilder f = new StringBuilder(roleFlags);
        if (subscribed() && roleFlags.indexOf('P') < 0) {
            f.append('P');
        }
        if (multi != null) {
            f.append('x');
        }
        if ((postponed != null || engine.blocking().isBlocked(this)) && roleFlags.indexOf('b') < 0) {
            f.append('b');
        }
        if (tracking != null) {
            f.append('t');
            if (tracking.brokenRedirect()) {
                f.append('R');
            }
            if (tracking.bcast()) {
                f.append('B');
            }
        }
        if (engine.transactions().dirty(this)) {
            f.append('d');
        }
        if (closeAfterReply) {
            f.append('c');
        }
        if (unixSocket()) {
            f.append('U');
        }
        if (noEvict) {
            f.append('e');
        }
        return f.length() == 0 ? "N" : f.toString();
    }

    /** Redis waits for writability ('w') only while a reply could not be written at once. */
    private String events() {
        if (channel == null) {
            return "";
        }
        var unsent = channel.unsafe().outboundBuffer();
        return unsent != null && unsent.totalPendingWriteBytes() > 0 ? "rw" : "r";
    }

    /** The size of a command in the multibulk form clients send it in. */
    private static long wireLength(byte[][] argv) {
        long n = 3 + Digits.count(argv.length);
        for (byte[] a : argv) {
            n += 5 + Digits.count(a.length) + a.length;
        }
        return n;
    }

    /**
     * What Redis's query buffer holds of the running command when client eviction weighs it: its wire bytes, but a
     * big argument (32 KB or more) is the argument itself, not a copy, and only counts once (in argv-mem).
     */
    private static long queryBufferBytes(byte[][] argv) {
        long n = 3 + Digits.count(argv.length);
        for (byte[] a : argv) {
            n += a.length >= RespDecoder.BIG_ARG ? 0 : 5 + Digits.count(a.length) + a.length;
        }
        return n;
    }

    /** The socket's file descriptor, as Redis prints it; -1 for clients without a connection. */
    private int fd() {
        return channel instanceof UnixChannel u ? u.fd().intValue() : -1;
    }

    /**
     * Redis's {@code clientsCronResizeQueryBuffer} and {@code clientsCronResizeOutputBuffer}, run from the engine
     * cron so CLIENT LIST's qbuf-free, rbs and rbp follow Redis's buffers: the query buffer is freed after 2 idle
     * seconds, the reply buffer shrinks towards its recent peak or doubles when it was filled.
     */
    void cron(long now) {
        boolean idle = now / 1000 - lastInteraction / 1000 > 2;
        if (idle) {
            queryBufferGrown = false;
            if (spare != null) {
                spare.release();
                spare = null;
            }
        }
        pendingInput.resizeQueryBuffer(idle);
        if (!engine.replyBufferResizing()) {
            return;
        }
        int newSize = 0;
        if (replyBufferSize / 2 >= REPLY_MIN_BYTES && replyBufferPeak < replyBufferSize / 2) {
            newSize = jemallocSize(Math.max(REPLY_MIN_BYTES, replyBufferPeak + 1));
        } else if (replyBufferSize * 2 < REPLY_CHUNK_BYTES * 2 && replyBufferPeak == replyBufferSize) {
            newSize = Math.min(REPLY_CHUNK_BYTES, replyBufferSize * 2);
        }
        long resetMs = engine.replyBufferPeakResetMs();
        if (resetMs >= 0 && now - replyPeakResetAt >= resetMs) {
            replyBufferPeak = 0;
            replyPeakResetAt = now;
        }
        if (newSize != 0) {
            replyBufferSize = newSize;
        }
    }

    /** Records a batch of replies handed to the socket: what Redis's reply buffer would have held at its fullest. */
    void replied(long now, int bytes) {
        replyBufferPeak = Math.max(replyBufferPeak, Math.min(bytes, replyBufferSize));
        if (roleFlags.indexOf('M') < 0) {
            lastInteraction = now;
        }
    }

    /** The jemalloc size class of an allocation of {@code n} bytes: 8, then multiples of 16 up to 128, then above. */
    private static int smallAllocSize(int n) {
        return n <= 8 ? 8 : n <= 128 ? (n + 15) / 16 * 16 : jemallocSize(n);
    }

    /** The jemalloc size class an allocation of {@code n} bytes (n > 128) gets: four classes per power of two. */
    public static int jemallocSize(int n) {
        int pow = Integer.highestOneBit(n - 1);
        int step = Math.max(pow / 4, 16);
        return (n + step - 1) / step * step;
    }

    // ---- reply buffer ----

    @Override
    public ByteBuf buffer() {
        if (replicationLink && !closeAsap) {
            closeAsap = true;
            engine.replicaReplied(this);
        }
        if (out != null && out.writerIndex() >= nextLimitCheck) {
            // As Redis on each 16 KB reply block: a reply over the limits is never sent, even in part.
            nextLimitCheck = out.writerIndex() + REPLY_CHUNK_BYTES;
            checkOutputLimit();
        }
        if (closeAsap || (replyMode == ReplyMode.OFF || replyMode == ReplyMode.SKIP) && !pushing) {
            // CLIENT REPLY OFF/SKIP: every reply is dropped where it is written, as Redis's prepareClientToWrite.
            if (discard == null || discard.capacity() > DISCARD_KEEP_BYTES) {
                if (discard != null) {
                    discard.release();
                }
                discard = Unpooled.buffer(256);
            }
            return discard.clear();
        }
        if (out == null) {
            if (spare != null) {
                out = spare;
                spare = null;
            } else {
                out = channel != null ? channel.alloc().ioBuffer(256) : Unpooled.buffer(256);
            }
            engine.markPending(this);
        }
        return out;
    }

    /** The SCRIPT DEBUG mode: 0 (NO) or a {@code Scripting.DEBUG_*} mode. */
    public int luaDebug() {
        return luaDebug;
    }

    public void luaDebug(int mode) {
        this.luaDebug = mode;
    }

    /** What takes this connection's requests instead of {@link Engine#process}, or null. */
    public java.util.function.Consumer<byte[][]> requestTap() {
        return requestTap;
    }

    /** Routes this connection's requests to {@code tap} (null restores the command path). */
    public void requestTap(java.util.function.Consumer<byte[][]> tap) {
        this.requestTap = tap;
    }

    /** True while replies wait in the buffer not yet handed to the socket (Redis's clientHasPendingReplies). */
    public boolean hasPendingReplies() {
        return out != null && out.isReadable();
    }

    /**
     * Takes the pending replies for writing; the next reply starts a new buffer. Scripts read the replies of the
     * commands they run from their connection-less client this way.
     */
    public ByteBuf takePending() {
        ByteBuf b = out;
        if (b != null && !closeAsap && channel != null
                && (layout.active() || b.writerIndex() > replyBufferSize)) {
            // The last check before the batch reaches the socket, as Redis checks when the reply list grows.
            checkOutputLimit();
        }
        int inLayout = outInLayout;
        outInLayout = 0;
        pieceCount = 0;
        out = null;
        nextLimitCheck = REPLY_CHUNK_BYTES;
        if (closeAsap && b != null) {
            b.release();
            return null;
        }
        takenInLayout += inLayout;
        return b;
    }

    /** Sets the check of the connection's output buffer limits (its handler's), given the bytes it holds. */
    public void outputLimit(java.util.function.LongPredicate overLimit) {
        outputLimit = overLimit;
    }

    /**
     * Checks the output buffer limits against what the client holds now; true when it is over them and to be
     * closed. From then on its replies are dropped (Redis's CLIENT_CLOSE_ASAP).
     */
    public boolean checkOutputLimit() {
        return checkOutputLimit(type() == Type.REPLICA ? outputBytes() : replyListMemory());
    }

    private boolean checkOutputLimit(long used) {
        if (!closeAsap && outputLimit.test(used)) {
            closeAsap = true;
        }
        return closeAsap;
    }

    /**
     * Marks the connection as a replica's link once its master writes the stream to it (Redis's CLIENT_SLAVE): any
     * reply written after is a command's, and closes the connection.
     */
    public void replicationLink(boolean on) {
        replicationLink = on;
    }

    /**
     * True once the client is over its output limits and about to be closed: commands producing long replies stop
     * early, as Redis's do.
     */
    public boolean closeAsap() {
        return closeAsap;
    }

    /**
     * Bytes of replies not yet handed to the socket plus what the socket has not sent: a replica's share of the
     * replication buffer, and what INFO counts of a client's buffers.
     */
    public long outputBytes() {
        return (out == null ? 0 : out.readableBytes()) + queuedBytes();
    }

    /**
     * Bytes handed to the connection that the socket has not taken yet. The channel's pending count drops only once
     * a buffer is written whole, so a partly written one is read where the socket left it.
     */
    private long queuedBytes() {
        ChannelOutboundBuffer unsent = channel == null ? null : channel.unsafe().outboundBuffer();
        if (unsent == null || unsent.isEmpty()) {
            return 0;
        }
        long[] n = new long[1];
        try {
            unsent.forEachFlushedMessage(m -> {
                n[0] += m instanceof ByteBuf b ? b.readableBytes() : 0;
                return true;
            });
        } catch (Exception e) {
            return unsent.totalPendingWriteBytes();
        }
        return n[0];
    }
}
