package io.jredis.server;

import io.jredis.server.db.Database;
import io.jredis.server.protocol.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * One client connection's state, owned by the engine thread: selected database, protocol version, authentication,
 * name, reply buffer and the flags CLIENT LIST reports. Replies accumulate in {@link #reply()} and are flushed once
 * per read batch.
 */
public final class Client implements Reply.ReplySink {
    /** CLIENT REPLY modes. */
    public enum ReplyMode { ON, OFF, SKIP, SKIP_NEXT }

    private final long id;
    private final Engine engine;
    private final Channel channel;
    private final Reply reply = new Reply(this);
    private final long createdAt;
    private ByteBuf out;
    private Database db;
    private String name = "";
    private String libName = "";
    private String libVer = "";
    private String user = "default";
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
    private long lastInteraction;
    private String lastCommand = "NULL";
    private int argvBytes;
    /** Free-form flags a module sets on its clients (replica, master, pubsub, multi ...) for CLIENT LIST. */
    private String roleFlags = "";

    Client(long id, Engine engine, Channel channel) {
        this.id = id;
        this.engine = engine;
        this.channel = channel;
        this.createdAt = System.currentTimeMillis();
        this.lastInteraction = createdAt;
        this.db = engine.database(0);
        this.authenticated = !engine.requiresAuth();
    }

    public long id() {
        return id;
    }

    public Engine engine() {
        return engine;
    }

    public Channel channel() {
        return channel;
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

    public String name() {
        return name;
    }

    public void name(String name) {
        this.name = name;
    }

    public String libName() {
        return libName;
    }

    public void libName(String v) {
        this.libName = v;
    }

    public String libVer() {
        return libVer;
    }

    public void libVer(String v) {
        this.libVer = v;
    }

    public String user() {
        return user;
    }

    public boolean authenticated() {
        return authenticated;
    }

    public void authenticate(String user) {
        this.user = user;
        this.authenticated = true;
    }

    /** Drops authentication (RESET, or requirepass set while connected). */
    public void deauthenticate() {
        this.authenticated = !engine.requiresAuth();
        this.user = "default";
    }

    public long createdAt() {
        return createdAt;
    }

    public long lastInteraction() {
        return lastInteraction;
    }

    void touch(long now, byte[][] argv, String command) {
        lastInteraction = now;
        lastCommand = command;
        int bytes = 0;
        for (byte[] a : argv) {
            bytes += a.length;
        }
        argvBytes = bytes;
    }

    public String lastCommand() {
        return lastCommand;
    }

    public int lastArgvBytes() {
        return argvBytes;
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
        return subscriptionCount() + subscriptions(PubSub.Kind.SHARD).size() > 0;
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

    /** False for clients the {@code timeout} directive must not close (replicas, masters, subscribers, blocked). */
    public boolean idleTimeoutApplies() {
        return !timeoutExempt;
    }

    public void timeoutExempt(boolean exempt) {
        this.timeoutExempt = exempt;
    }

    public ReplyMode replyMode() {
        return replyMode;
    }

    public void replyMode(ReplyMode m) {
        this.replyMode = m;
    }

    public String roleFlags() {
        return roleFlags;
    }

    public void roleFlags(String flags) {
        this.roleFlags = flags;
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
        if (out != null) {
            out.release();
            out = null;
        }
    }

    /** Remote address as {@code ip:port} (or the socket path's form for unix sockets), as CLIENT LIST prints it. */
    public String addr() {
        return format(channel == null ? null : channel.remoteAddress(), true);
    }

    public String laddr() {
        return format(channel == null ? null : channel.localAddress(), false);
    }

    private String format(SocketAddress a, boolean remote) {
        if (a instanceof InetSocketAddress in) {
            String host = in.getAddress() == null ? in.getHostString() : in.getAddress().getHostAddress();
            if (host.contains(":")) {
                int pct = host.indexOf('%');
                if (pct >= 0) {
                    host = host.substring(0, pct);
                }
                host = io.jredis.server.util.Addresses.compressIpv6(host);
            }
            return host + ":" + in.getPort();
        }
        if (a == null) {
            return "";
        }
        // Unix socket peers have no address; Redis prints "/path/to.sock:0" for both ends.
        String path = engine.config().unixsocket.value();
        return remote ? path + ":0" : path + ":0";
    }

    /** The CLIENT LIST line for this client, as Redis 7.0 prints it (also used in log lines about a client). */
    public String describe() {
        long now = System.currentTimeMillis();
        String flags = roleFlags;
        if (engine.blocking().isBlocked(this)) {
            flags += "b";
        }
        if (subscribed()) {
            flags += "P";
        }
        if (multi != null) {
            flags += "x";
        }
        if (flags.isEmpty()) {
            flags = "N";
        }
        long omem = outputBytes();
        return "id=" + id + " addr=" + addr() + " laddr=" + laddr() + " fd=" + fd() + " name=" + name
                + " age=" + (now - createdAt) / 1000 + " idle=" + (now - lastInteraction) / 1000 + " flags=" + flags
                + " db=" + db.id() + " sub=" + subscriptions(PubSub.Kind.CHANNEL).size()
                + " psub=" + subscriptions(PubSub.Kind.PATTERN).size()
                + " ssub=" + subscriptions(PubSub.Kind.SHARD).size()
                + " multi=" + (multi == null ? -1 : multi.size()) + " qbuf=0 qbuf-free=0 argv-mem=" + argvBytes
                + " multi-mem=" + (multi == null ? 0 : multi.memory()) + " rbs=1024 rbp=0 obl=0 oll=0 omem=" + omem + " tot-mem=" + (omem + argvBytes + 1024)
                + " events=r cmd=" + lastCommand + " user=" + user + " redir=-1 resp=" + reply.protocol();
    }

    /** A stable small number standing in for the file descriptor Redis prints (connections have one each). */
    private long fd() {
        return channel == null ? -1 : 7 + id;
    }

    @Override
    public ByteBuf buffer() {
        if (out == null) {
            out = channel != null ? channel.alloc().ioBuffer(256) : io.netty.buffer.Unpooled.buffer(256);
            engine.markPending(this);
        }
        return out;
    }

    /** Takes the pending replies for writing; the next reply starts a new buffer. */
    ByteBuf takePending() {
        ByteBuf b = out;
        out = null;
        return b;
    }

    /** Bytes of replies not yet handed to the socket plus what the socket has not sent, for CLIENT LIST omem. */
    public long outputBytes() {
        long pending = out == null ? 0 : out.readableBytes();
        if (channel != null && channel.unsafe().outboundBuffer() != null) {
            pending += channel.unsafe().outboundBuffer().totalPendingWriteBytes();
        }
        return pending;
    }
}
