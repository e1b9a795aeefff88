package io.jredis.persistence;

import io.jredis.persistence.rdb.EncodingConfig;
import io.jredis.persistence.rdb.RdbWriter;
import io.jredis.persistence.rdb.ValueCodecs;
import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.protocol.CommandEncoder;
import io.jredis.server.util.Bytes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password] [AUTH2 username password]
 * [KEYS key ...] (Redis's cluster.c): sends each key to another instance as a RESTORE of its DUMP payload.
 *
 * <p>As in Redis the exchange is synchronous on the engine thread, every step bounded by the timeout, and the
 * connection is cached per host:port (with the database it last selected) until it has been unused for 10 s.
 * Keys the target acknowledged are deleted here unless COPY, and the command is propagated as a DEL of them.
 */
final class MigrateCommand {
    private static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    private static final long CACHE_TTL_MS = 10_000;
    private static final int CACHE_MAX = 64;
    /** Redis reads each reply line into a 1024-byte buffer. */
    private static final int MAX_LINE = 1024;

    private final Map<String, Link> links = new HashMap<>();

    private MigrateCommand() {}

    static void register(Engine engine) {
        MigrateCommand m = new MigrateCommand();
        engine.commands().register("migrate", m::migrate);
        engine.addCronTask(m::closeIdle);
        engine.addInfoSource("stats", () -> Map.of("migrate_cached_sockets", m.links.size()));
    }

    /** A cached connection to a target, and the database it has selected (-1: unknown, SELECT next time). */
    private static final class Link {
        final SocketChannel channel;
        final Selector selector;
        final ByteBuffer in = ByteBuffer.allocate(MAX_LINE);
        int lastDb = -1;
        long lastUse;

        Link(SocketChannel channel, Selector selector) {
            this.channel = channel;
            this.selector = selector;
            in.flip();
        }

        void close() {
            try {
                selector.close();
                channel.close();
            } catch (IOException ignored) {
                // Closing a broken connection: nothing left to release.
            }
        }
    }

    /** Thrown for a failed exchange; {@code writing} selects Redis's "writing" or "reading" wording. */
    private static final class LinkError extends Exception {
        final boolean writing;
        final boolean timedOut;

        LinkError(boolean writing, boolean timedOut) {
            super(null, null, false, false);
            this.writing = writing;
            this.timedOut = timedOut;
        }
    }

    private void migrate(Client c, byte[][] argv) {
        Engine e = c.engine();
        boolean copy = false;
        boolean replace = false;
        byte[] user = null;
        byte[] password = null;
        int firstKey = 3;
        int numKeys = 1;
        for (int j = 6; j < argv.length; j++) {
            int more = argv.length - j - 1;
            if (Bytes.eqIgnoreCase(argv[j], "copy")) {
                copy = true;
            } else if (Bytes.eqIgnoreCase(argv[j], "replace")) {
                replace = true;
            } else if (Bytes.eqIgnoreCase(argv[j], "auth") && more >= 1) {
                e.redactArgument(j + 1);
                password = argv[++j];
            } else if (Bytes.eqIgnoreCase(argv[j], "auth2") && more >= 2) {
                e.redactArgument(j + 1);
                e.redactArgument(j + 2);
                user = argv[++j];
                password = argv[++j];
            } else if (Bytes.eqIgnoreCase(argv[j], "keys")) {
                if (argv[3].length != 0) {
                    e.error(c, "ERR When using MIGRATE KEYS option, the key argument must be set to the empty"
                            + " string");
                    return;
                }
                firstKey = j + 1;
                numKeys = argv.length - j - 1;
                break;
            } else {
                e.error(c, "ERR syntax error");
                return;
            }
        }
        long[] num = new long[1];
        if (!Bytes.parseLong(argv[5], num)) {
            e.error(c, NOT_INTEGER);
            return;
        }
        long timeout = num[0] <= 0 ? 1000 : num[0];
        if (!Bytes.parseLong(argv[4], num)) {
            e.error(c, NOT_INTEGER);
            return;
        }
        long db = num[0];
        String target = Bytes.str(argv[1]) + ":" + Bytes.str(argv[2]);
        boolean mayRetry = true;
        while (true) {
            Database database = c.db();
            List<byte[]> keys = new ArrayList<>(numKeys);
            List<Object> values = new ArrayList<>(numKeys);
            for (int j = 0; j < numKeys; j++) {
                Object v = e.lookupRead(database, argv[firstKey + j]);
                if (v != null) {
                    keys.add(argv[firstKey + j]);
                    values.add(v);
                }
            }
            if (keys.isEmpty()) {
                c.reply().simple("NOKEY");
                return;
            }
            Link link;
            try {
                link = link(target, argv[1], argv[2], timeout);
            } catch (IOException ex) {
                e.error(c, "IOERR error or timeout connecting to the client");
                return;
            }
            LinkError failure = null;
            String targetError = null;
            List<byte[]> deleted = new ArrayList<>();
            int replies = 0;
            boolean select = link == null || link.lastDb != db;
            try {
                if (link == null) {
                    // Redis's non-blocking connect only notices a refusal when it writes.
                    throw new LinkError(true, false);
                }
                write(link, request(c, keys, values, user, password, select, db, replace), timeout);
                String authReply = password != null ? readLine(link, timeout) : null;
                String selectReply = select ? readLine(link, timeout) : null;
                for (byte[] key : keys) {
                    String reply = readLine(link, timeout);
                    replies++;
                    String error = authReply != null && authReply.startsWith("-") ? authReply
                            : selectReply != null && selectReply.startsWith("-") ? selectReply
                            : reply.startsWith("-") ? reply : null;
                    if (error != null) {
                        if (targetError == null) {
                            link.lastDb = -1;
                            targetError = error.substring(1);
                        }
                    } else if (!copy) {
                        delete(e, database, key);
                        deleted.add(key);
                    }
                }
            } catch (LinkError ex) {
                failure = ex;
            }
            if (failure != null && targetError == null && replies == 0 && mayRetry && !failure.timedOut) {
                // Nothing was acknowledged: a cached connection the target had dropped is retried once, fresh.
                drop(target);
                mayRetry = false;
                continue;
            }
            if (failure != null) {
                drop(target);
            }
            if (!deleted.isEmpty()) {
                byte[][] del = new byte[deleted.size() + 1][];
                del[0] = Bytes.of("DEL");
                for (int j = 0; j < deleted.size(); j++) {
                    del[j + 1] = deleted.get(j);
                }
                e.rewritePropagation(del);
                e.dirty(deleted.size());
            }
            if (targetError != null) {
                e.error(c, "ERR Target instance replied with error: " + targetError);
            } else if (failure != null) {
                e.error(c, "IOERR error or timeout " + (failure.writing ? "writing" : "reading")
                        + " to target instance");
            } else {
                link.lastDb = (int) db;
                c.reply().ok();
            }
            return;
        }
    }

    private static void delete(Engine e, Database database, byte[] key) {
        database.delete(key);
        database.signalModified(key);
        e.keyspaceEvents().notify(KeyspaceEvents.GENERIC, "del", key, database.id());
    }

    /**
     * AUTH, SELECT when the link's database differs, then RESTORE key ttl payload [REPLACE] per key, in RESP.
     * A key with a TTL travels with its remaining time; one that is already due is left out, as Redis does.
     */
    private static byte[] request(Client c, List<byte[]> keys, List<Object> values, byte[] user, byte[] password,
            boolean select, long db, boolean replace) {
        Engine e = c.engine();
        EncodingConfig enc = EncodingConfig.of(e.config());
        boolean compress = e.config().rdbcompression.value();
        CommandEncoder out = new CommandEncoder(4096);
        if (password != null) {
            out.command(user == null ? new byte[][] {Bytes.of("AUTH"), password}
                    : new byte[][] {Bytes.of("AUTH"), user, password});
        }
        if (select) {
            out.command(new byte[][] {Bytes.of("SELECT"), Bytes.fromLong(db)});
        }
        long now = System.currentTimeMillis();
        for (int j = 0; j < keys.size(); j++) {
            Dict.Entry entry = c.db().dict().find(keys.get(j));
            long ttl = 0;
            if (entry.expireAt != -1) {
                ttl = Math.max(1, entry.expireAt - now);
            }
            byte[] payload;
            try {
                payload = RdbWriter.dump(ValueCodecs.freeze(values.get(j), enc), compress);
            } catch (IOException ex) {
                throw new IllegalStateException("in-memory DUMP encoding failed", ex);
            }
            byte[][] restore = replace
                    ? new byte[][] {Bytes.of("RESTORE"), keys.get(j), Bytes.fromLong(ttl), payload, Bytes.of("REPLACE")}
                    : new byte[][] {Bytes.of("RESTORE"), keys.get(j), Bytes.fromLong(ttl), payload};
            out.command(restore);
        }
        return out.take();
    }

    /**
     * The cached or a new connection; null when the target refused it. Throws when the address does not resolve
     * or the connection does not complete within the timeout.
     */
    private Link link(String target, byte[] host, byte[] port, long timeout) throws IOException {
        Link link = links.get(target);
        if (link != null) {
            link.lastUse = System.currentTimeMillis();
            return link;
        }
        if (links.size() >= CACHE_MAX) {
            drop(links.keySet().iterator().next());
        }
        long[] p = new long[1];
        if (!Bytes.parseLong(port, p) || p[0] < 0 || p[0] > 65535) {
            throw new IOException("bad port");
        }
        InetSocketAddress address = new InetSocketAddress(Bytes.str(host), (int) p[0]);
        if (address.isUnresolved()) {
            throw new IOException("unresolved host");
        }
        SocketChannel channel = SocketChannel.open();
        Selector selector = Selector.open();
        link = new Link(channel, selector);
        try {
            channel.configureBlocking(false);
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            if (!channel.connect(address)) {
                channel.register(selector, SelectionKey.OP_CONNECT);
                if (selector.select(timeout) == 0) {
                    throw new SocketTimeoutException("connect timed out");
                }
                selector.selectedKeys().clear();
                try {
                    channel.finishConnect();
                } catch (IOException refused) {
                    link.close();
                    return null;
                }
            }
        } catch (IOException ex) {
            link.close();
            throw ex;
        }
        link.lastUse = System.currentTimeMillis();
        links.put(target, link);
        return link;
    }

    private static void write(Link link, byte[] data, long timeout) throws LinkError {
        ByteBuffer buf = ByteBuffer.wrap(data);
        try {
            SelectionKey key = link.channel.register(link.selector, SelectionKey.OP_WRITE);
            while (buf.hasRemaining()) {
                if (link.channel.write(buf) == 0) {
                    key.interestOps(SelectionKey.OP_WRITE);
                    if (link.selector.select(timeout) == 0) {
                        throw new LinkError(true, true);
                    }
                    link.selector.selectedKeys().clear();
                }
            }
        } catch (IOException ex) {
            throw new LinkError(true, false);
        }
    }

    /** One reply line without its CRLF, as Redis's syncReadLine; each wait for data is bounded by the timeout. */
    private static String readLine(Link link, long timeout) throws LinkError {
        StringBuilder line = new StringBuilder();
        try {
            SelectionKey key = link.channel.register(link.selector, SelectionKey.OP_READ);
            while (true) {
                while (link.in.hasRemaining()) {
                    byte b = link.in.get();
                    if (b == '\n') {
                        int len = line.length();
                        return len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
                    }
                    if (line.length() < MAX_LINE - 1) {
                        line.append((char) (b & 0xff));
                    }
                }
                link.in.clear();
                int n = link.channel.read(link.in);
                link.in.flip();
                if (n < 0) {
                    throw new LinkError(false, false);
                }
                if (n == 0) {
                    key.interestOps(SelectionKey.OP_READ);
                    if (link.selector.select(timeout) == 0) {
                        throw new LinkError(false, true);
                    }
                    link.selector.selectedKeys().clear();
                }
            }
        } catch (IOException ex) {
            throw new LinkError(false, false);
        }
    }

    private void drop(String target) {
        Link link = links.remove(target);
        if (link != null) {
            link.close();
        }
    }

    /** Redis's migrateCloseTimedoutSockets: cached connections unused for 10 s are closed. */
    private void closeIdle() {
        if (links.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        for (Iterator<Map.Entry<String, Link>> it = links.entrySet().iterator(); it.hasNext(); ) {
            Link link = it.next().getValue();
            if (now - link.lastUse > CACHE_TTL_MS) {
                link.close();
                it.remove();
            }
        }
    }
}
