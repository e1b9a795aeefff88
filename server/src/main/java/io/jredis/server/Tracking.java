package io.jredis.server;

import io.jredis.server.command.CommandSpec;
import io.jredis.server.command.KeySpecs;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.BytesKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Client-side caching (Redis's tracking.c). In the default mode the keys a tracking client reads are remembered in
 * a table of key name to client ids; when such a key is modified every remembered client gets one invalidation
 * message and the key leaves the table. In BCAST mode clients subscribe to key prefixes instead and receive, once
 * per event loop iteration, the keys modified under each prefix. Key names are global: the database is not part of
 * them, as in Redis.
 *
 * <p>Invalidations go as RESP3 pushes {@code >2 invalidate [keys]}, or with REDIRECT to another connection, which
 * may be a RESP2 connection subscribed to {@code __redis__:invalidate}. A flush invalidates everything with a null.
 */
public final class Tracking {
    private static final byte[] INVALIDATE = Bytes.of("invalidate");
    private static final byte[] CHANNEL = Bytes.of("__redis__:invalidate");
    private static final byte[] REDIR_BROKEN = Bytes.of("tracking-redir-broken");
    private static final byte[] MESSAGE = Bytes.of("message");

    /** A connection's tracking mode: Redis's CLIENT_TRACKING_* flags, its redirection and BCAST prefixes. */
    public static final class State {
        private long redirect;
        private boolean bcast;
        private boolean optin;
        private boolean optout;
        private boolean noloop;
        private boolean caching;
        private boolean brokenRedirect;
        private final TreeSet<byte[]> prefixes = new TreeSet<>(Arrays::compareUnsigned);

        /** The client id invalidations are redirected to, 0 for none. */
        public long redirect() {
            return redirect;
        }

        public boolean bcast() {
            return bcast;
        }

        public boolean optin() {
            return optin;
        }

        public boolean optout() {
            return optout;
        }

        public boolean noloop() {
            return noloop;
        }

        /** CLIENT CACHING was given for the next command (YES in OPTIN mode, NO in OPTOUT mode). */
        public boolean caching() {
            return caching;
        }

        /** The redirection target disconnected (CLIENT LIST flag R, TRACKINGINFO broken_redirect). */
        public boolean brokenRedirect() {
            return brokenRedirect;
        }

        /** BCAST prefixes in byte order, as Redis's radix tree lists them. */
        public Set<byte[]> prefixes() {
            return prefixes;
        }
    }

    /** Keys modified under one BCAST prefix since the last broadcast, each with the client that last changed it. */
    private static final class Bcast {
        final TreeMap<byte[], Client> keys = new TreeMap<>(Arrays::compareUnsigned);
        final LinkedHashSet<Client> clients = new LinkedHashSet<>();
    }

    private final Engine engine;
    /** Key name to the ids of clients that may cache it; null until tracking is first enabled, as in Redis. */
    private Map<BytesKey, LinkedHashSet<Long>> table;
    private final TreeMap<byte[], Bcast> prefixTable = new TreeMap<>(Arrays::compareUnsigned);
    private long totalItems;
    private int trackingClients;
    private int limitTimeouts;
    /**
     * Invalidations for the client running the current command, sent after its reply (a null entry is a flush), as
     * Redis's tracking_pending_keys keeps them from interleaving with the reply.
     */
    private final List<byte[]> pendingForCurrent = new ArrayList<>();

    Tracking(Engine engine) {
        this.engine = engine;
    }

    /** Number of clients with tracking on (INFO tracking_clients). */
    public int trackingClients() {
        return trackingClients;
    }

    /** Keys in the tracking table (INFO tracking_total_keys). */
    public long totalKeys() {
        return table == null ? 0 : table.size();
    }

    /** Client ids summed over every tracked key (INFO tracking_total_items). */
    public long totalItems() {
        return totalItems;
    }

    /** BCAST prefixes with at least one client (INFO tracking_total_prefixes). */
    public long totalPrefixes() {
        return prefixTable.size();
    }

    /**
     * Redis's checkPrefixCollisionsOrReply: replies an error when a new prefix overlaps an existing one of the
     * client or a later one of the list. Returns whether tracking is to be enabled; like Redis 7.0 this is still
     * true (after the error reply) when the overlap is between two given prefixes other than the first.
     */
    public boolean checkPrefixCollisions(Client c, List<byte[]> prefixes) {
        State s = c.tracking();
        for (int i = 0; i < prefixes.size(); i++) {
            byte[] p = prefixes.get(i);
            if (s != null) {
                for (byte[] existing : s.prefixes) {
                    if (overlap(existing, p)) {
                        engine.error(c, "ERR Prefix '" + Bytes.str(p) + "' overlaps with an existing prefix '"
                                + Bytes.str(existing) + "'. Prefixes for a single client must not overlap.");
                        return false;
                    }
                }
            }
            for (int j = i + 1; j < prefixes.size(); j++) {
                if (overlap(p, prefixes.get(j))) {
                    engine.error(c, "ERR Prefix '" + Bytes.str(p) + "' overlaps with another provided prefix '"
                            + Bytes.str(prefixes.get(j)) + "'. Prefixes for a single client must not overlap.");
                    return i != 0;
                }
            }
        }
        return true;
    }

    private static boolean overlap(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        return Arrays.equals(a, 0, n, b, 0, n);
    }

    /**
     * Turns tracking on (or changes its options) for {@code c}: Redis's enableTracking. BCAST without prefixes
     * subscribes to the empty prefix, i.e. every key.
     */
    public void enable(Client c, long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop,
            List<byte[]> prefixes) {
        State s = c.tracking();
        if (s == null) {
            s = new State();
            c.tracking(s);
            trackingClients++;
        }
        s.brokenRedirect = false;
        s.redirect = redirect;
        s.bcast = bcast;
        s.optin = optin;
        s.optout = optout;
        s.noloop = noloop;
        if (table == null) {
            table = new LinkedHashMap<>();
        }
        if (bcast) {
            if (prefixes.isEmpty()) {
                subscribePrefix(c, s, Bytes.EMPTY);
            }
            for (byte[] p : prefixes) {
                subscribePrefix(c, s, p);
            }
        }
    }

    private void subscribePrefix(Client c, State s, byte[] prefix) {
        Bcast b = prefixTable.computeIfAbsent(prefix, p -> new Bcast());
        if (b.clients.add(c)) {
            s.prefixes.add(prefix);
        }
    }

    /**
     * Turns tracking off (CLIENT TRACKING OFF, RESET, disconnection). Keys the client read stay in the table and are
     * dropped lazily when invalidated, as in Redis.
     */
    public void disable(Client c) {
        State s = c.tracking();
        if (s == null) {
            return;
        }
        for (byte[] p : s.prefixes) {
            Bcast b = prefixTable.get(p);
            if (b != null) {
                b.clients.remove(c);
                if (b.clients.isEmpty()) {
                    prefixTable.remove(p);
                }
            }
        }
        c.tracking(null);
        trackingClients--;
    }

    /** CLIENT CACHING YES|NO: applies to the next command (or transaction) only. */
    public void caching(Client c) {
        c.tracking().caching = true;
    }

    /** Ends a top-level command: CLIENT CACHING lapses unless it was the command or a transaction is open. */
    void commandDone(Client c) {
        State s = c.tracking();
        if (s != null && s.caching && c.multi() == null) {
            String last = c.lastCommand();
            if (!last.equals("client") && !last.startsWith("client|")) {
                s.caching = false;
            }
        }
    }

    /** Remembers the keys a read-only command of a tracking client read (Redis's trackingRememberKeys). */
    void rememberKeys(Client c, CommandSpec cmd, byte[][] argv) {
        State s = c.tracking();
        if (s == null || s.bcast || cmd.hasFlag("pubsub")) {
            return;
        }
        if ((s.optin && !s.caching) || (s.optout && s.caching)) {
            return;
        }
        for (KeySpecs.KeyRef k : KeySpecs.keys(cmd, argv)) {
            LinkedHashSet<Long> ids = table.computeIfAbsent(new BytesKey(argv[k.pos()]), x -> new LinkedHashSet<>());
            if (ids.add(c.id())) {
                totalItems++;
            }
        }
    }

    /**
     * A key was modified (Redis's trackingInvalidateKey): every client that may cache it is told, and with
     * {@code bcast} the key is queued for the BCAST clients of matching prefixes.
     */
    void invalidateKey(byte[] key, boolean bcast) {
        if (table == null) {
            return;
        }
        Client current = engine.currentClient();
        if (bcast && !prefixTable.isEmpty()) {
            for (Map.Entry<byte[], Bcast> e : prefixTable.entrySet()) {
                byte[] p = e.getKey();
                if (p.length <= key.length && Arrays.equals(p, 0, p.length, key, 0, p.length)) {
                    e.getValue().keys.put(key, current);
                }
            }
        }
        LinkedHashSet<Long> ids = table.remove(new BytesKey(key));
        if (ids == null) {
            return;
        }
        for (long id : ids) {
            Client target = engine.clients().get(id);
            State s = target == null ? null : target.tracking();
            if (s == null || s.bcast || (s.noloop && target == current)) {
                continue;
            }
            if (target == current && engine.executingCommand()) {
                pendingForCurrent.add(key);
            } else {
                send(target, List.of(key), 0);
            }
        }
        totalItems -= ids.size();
    }

    /** A flush invalidates every key of every tracking client with a null (trackingInvalidateKeysOnFlush). */
    public void invalidateAllOnFlush() {
        if (trackingClients > 0) {
            Client current = engine.currentClient();
            for (Client c : engine.clients().values()) {
                if (c.tracking() == null) {
                    continue;
                }
                if (c == current) {
                    pendingForCurrent.add(null);
                } else {
                    send(c, null, c.reply().protocol());
                }
            }
        }
        if (table != null) {
            table.clear();
            totalItems = 0;
        }
    }

    /** After a top-level command: the running client's own invalidations follow its reply. */
    void afterCommand(Client current) {
        if (pendingForCurrent.isEmpty()) {
            return;
        }
        List<byte[]> keys = new ArrayList<>(pendingForCurrent);
        pendingForCurrent.clear();
        if (current == null || current.isClosed() || current.tracking() == null) {
            return;
        }
        for (byte[] k : keys) {
            if (k == null) {
                send(current, null, current.reply().protocol());
            } else {
                send(current, List.of(k), 0);
            }
        }
    }

    /**
     * Redis's trackingLimitUsedSlots, run before each command: while the table holds more keys than
     * tracking-table-max-keys, keys are dropped with an invalidation to their clients, with an effort that grows
     * each time the limit could not be reached. Redis picks keys by a random walk; the oldest keys go here.
     */
    void limitUsedSlots() {
        long max = engine.config().trackingTableMaxKeys.value();
        if (table == null || max == 0) {
            return;
        }
        if (table.size() <= max) {
            limitTimeouts = 0;
            return;
        }
        int effort = 100 * (limitTimeouts + 1);
        Iterator<BytesKey> it = new ArrayList<>(table.keySet()).iterator();
        while (effort-- > 0 && it.hasNext()) {
            invalidateKey(it.next().bytes(), false);
            if (table.size() <= max) {
                limitTimeouts = 0;
                return;
            }
        }
        limitTimeouts++;
    }

    /** Sends the keys modified under each BCAST prefix to its clients (Redis does this before sleeping). */
    void broadcast() {
        if (table == null || trackingClients == 0) {
            return;
        }
        for (Bcast b : prefixTable.values()) {
            if (b.keys.isEmpty()) {
                continue;
            }
            List<byte[]> all = new ArrayList<>(b.keys.keySet());
            for (Client c : b.clients) {
                if (c.tracking().noloop) {
                    List<byte[]> others = new ArrayList<>();
                    for (Map.Entry<byte[], Client> e : b.keys.entrySet()) {
                        if (e.getValue() != c) {
                            others.add(e.getKey());
                        }
                    }
                    if (!others.isEmpty()) {
                        send(c, others, 0);
                    }
                } else {
                    send(c, all, 0);
                }
            }
            b.keys.clear();
        }
    }

    /** True when BCAST keys wait to be broadcast. */
    boolean broadcastPending() {
        if (trackingClients == 0) {
            return false;
        }
        for (Bcast b : prefixTable.values()) {
            if (!b.keys.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Redis's sendTrackingMessage: {@code keys} null means "everything" (a flush), written as the null of protocol
     * {@code nullProtocol}. A redirection to a vanished client marks it broken and tells a RESP3 client so.
     */
    private void send(Client c, List<byte[]> keys, int nullProtocol) {
        Client target = c.tracking().redirect != 0 ? engine.clients().get(c.tracking().redirect) : c;
        // Invalidations are push messages: CLIENT REPLY OFF/SKIP on the receiving connection does not hold them.
        boolean was = c.pushing(true);
        boolean targetWas = target != null && target != c ? target.pushing(true) : false;
        try {
            writeInvalidation(c, keys, nullProtocol);
        } finally {
            if (target != null && target != c) {
                target.pushing(targetWas);
            }
            c.pushing(was);
        }
    }

    private void writeInvalidation(Client c, List<byte[]> keys, int nullProtocol) {
        State s = c.tracking();
        Client target = c;
        boolean redirected = false;
        if (s.redirect != 0) {
            target = engine.clients().get(s.redirect);
            if (target == null) {
                s.brokenRedirect = true;
                if (c.reply().resp3()) {
                    c.reply().push(2);
                    c.reply().bulk(REDIR_BROKEN);
                    c.reply().integer(s.redirect);
                }
                return;
            }
            redirected = true;
        }
        Reply out = target.reply();
        if (out.resp3()) {
            out.push(2);
            out.bulk(INVALIDATE);
        } else if (redirected && target.subscribed()) {
            out.push(3);
            out.bulk(MESSAGE);
            out.bulk(CHANNEL);
        } else {
            return;
        }
        if (keys == null) {
            out.raw(Bytes.of(nullProtocol == 3 ? "_\r\n" : "$-1\r\n"));
            return;
        }
        out.array(keys.size());
        for (byte[] k : keys) {
            out.bulk(k);
        }
    }
}
