package io.jredis.sentinel;

import io.jredis.server.Engine;
import io.jredis.server.log.Log;
import io.jredis.server.net.RespClient;
import io.jredis.server.net.Tls;
import io.jredis.server.protocol.Reply;
import io.jredis.server.protocol.RespParser;
import io.jredis.server.util.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Sentinel mode (Redis's sentinel.c): monitors masters, their replicas and peer Sentinels, agrees on failures,
 * elects a leader per epoch and runs the failover state machine. Everything runs on the engine's event loop, from
 * a timer firing about ten times a second (randomised, as Redis does, so Sentinels do not act in lockstep).
 */
public final class Sentinel {
    static final long DEFAULT_DOWN_AFTER = 30_000;
    static final long DEFAULT_FAILOVER_TIMEOUT = 180_000;
    static final String HELLO_CHANNEL = "__sentinel__:hello";
    static final int MAX_PENDING_COMMANDS = 100;
    static final int DEFAULT_PRIORITY = 100;

    /** Periods and limits that SENTINEL DEBUG can change (tests shorten them). */
    long infoPeriod = 10_000;
    long pingPeriod = 1_000;
    long askPeriod = 1_000;
    long publishPeriod = 2_000;
    long defaultDownAfter = DEFAULT_DOWN_AFTER;
    long tiltTrigger = 2_000;
    long tiltPeriod = 30_000;
    long slaveReconfTimeout = 10_000;
    long minLinkReconnectPeriod = 15_000;
    long defaultFailoverTimeout = DEFAULT_FAILOVER_TIMEOUT;
    long electionTimeout = 10_000;
    long scriptMaxRuntime = 60_000;
    long scriptRetryDelay = 30_000;
    static final long MAX_DESYNC = 1_000;

    final Engine engine;
    final Log log;
    final Map<String, Instance> masters = new LinkedHashMap<>();
    String myId;
    long currentEpoch;
    boolean tilt;
    long tiltStartTime;
    long previousTime = System.currentTimeMillis();
    String announceIp;
    int announcePort;
    boolean resolveHostnames;
    boolean announceHostnames;
    boolean denyScriptsReconfig = true;
    String sentinelUser;
    String sentinelPass;
    int simulateFailure;
    static final int SIMFAILURE_CRASH_AFTER_ELECTION = 1;
    static final int SIMFAILURE_CRASH_AFTER_PROMOTION = 2;
    private BooleanSupplier configFlusher = () -> true;
    private boolean started;
    private Tls linkTls;

    Sentinel(Engine engine) {
        this.engine = engine;
        this.log = engine.log();
    }

    /** Sets what saves the Sentinel state to the config file (each state change calls it). */
    void configFlusher(BooleanSupplier flusher) {
        this.configFlusher = flusher;
    }

    /** Gives the Sentinel an id if the config had none, then starts its timer on the engine loop. */
    void start() {
        if (myId == null) {
            byte[] id = new byte[20];
            new SecureRandom().nextBytes(id);
            myId = HexFormat.of().formatHex(id);
            flushConfig();
        }
        log.warning("Sentinel ID is " + myId);
        previousTime = System.currentTimeMillis();
        for (Instance m : masters.values()) {
            event(Log.WARNING, "+monitor", m, "quorum " + m.quorum);
        }
        started = true;
        scheduleTimer();
    }

    void stop() {
        started = false;
        for (Instance m : masters.values()) {
            closeAll(m);
        }
    }

    private void closeAll(Instance m) {
        closeLinks(m);
        for (Instance s : m.slaves.values()) {
            closeLinks(s);
        }
        for (Instance s : m.sentinels.values()) {
            closeLinks(s);
        }
    }

    private void scheduleTimer() {
        if (!started) {
            return;
        }
        // Redis varies the timer frequency in Sentinel mode so that peers' timers drift apart.
        int hz = 10 + ThreadLocalRandom.current().nextInt(10);
        engine.loop().schedule(() -> {
            try {
                timer();
            } catch (RuntimeException e) {
                log.warning("Sentinel timer error: " + e);
            }
            scheduleTimer();
        }, 1000 / hz, TimeUnit.MILLISECONDS);
    }

    /** Saves the state to the config file; false (after logging why) when it could not be written. */
    boolean flushConfig() {
        return configFlusher.getAsBoolean();
    }

    // ---- configuration ----

    /** Starts monitoring a master (config line or SENTINEL MONITOR); returns Redis's error text or null. */
    String monitor(String name, String host, long port, int quorum) {
        if (port < 0 || port > 65535) {
            return "Invalid port number.";
        }
        String ip = resolveHostnames || isIpLiteral(host) ? resolve(host) : null;
        if (ip == null) {
            return "Can't resolve instance hostname.";
        }
        if (masters.containsKey(name)) {
            return "Duplicate master name.";
        }
        Instance m = new Instance(Instance.MASTER, name, resolveHostnames ? host : ip, (int) port, null);
        m.quorum = quorum;
        m.downAfterPeriod = defaultDownAfter;
        m.failoverTimeout = defaultFailoverTimeout;
        masters.put(name, m);
        return null;
    }

    /**
     * A numeric host, which Redis accepts as an address without resolve-hostnames (ANET_IP_ONLY: getaddrinfo with
     * AI_NUMERICHOST): an IPv6 literal or any of inet_aton's IPv4 forms ("10" is 0.0.0.10, "1.5" is 1.0.0.5).
     */
    static boolean isIpLiteral(String host) {
        return inetAton(host) != null || host.contains(":") && !host.startsWith("[");
    }

    /**
     * glibc's inet_aton: one to four parts, each decimal, octal (leading 0) or hex (0x), the last one filling the
     * remaining bytes; the dotted quad, or null when {@code host} is not such a number.
     */
    static String inetAton(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || !Character.isDigit(p.charAt(0))) {
                return null;
            }
            int radix = 10;
            if (p.length() > 1 && p.charAt(0) == '0') {
                boolean hex = p.charAt(1) == 'x' || p.charAt(1) == 'X';
                radix = hex ? 16 : 8;
                p = p.substring(hex ? 2 : 1);
            }
            if (p.isEmpty()) {
                continue;
            }
            if (!p.chars().allMatch(ch -> Character.digit(ch, 16) >= 0) || p.length() > 16) {
                return null;
            }
            try {
                v[i] = Long.parseLong(p, radix);
            } catch (NumberFormatException e) {
                return null;
            }
            long max = i < parts.length - 1 ? 0xff : 0xffffffffL >>> (8 * (parts.length - 1));
            if (v[i] > max) {
                return null;
            }
        }
        long addr = v[parts.length - 1];
        for (int i = 0; i < parts.length - 1; i++) {
            addr |= v[i] << (24 - 8 * i);
        }
        return (addr >>> 24) + "." + (addr >>> 16 & 0xff) + "." + (addr >>> 8 & 0xff) + "." + (addr & 0xff);
    }

    /**
     * How replies, events and hellos show a stored address (Redis's announceSentinelAddr): as given with
     * announce-hostnames, else as the IP address it resolves to.
     */
    String announce(String host) {
        if (announceHostnames) {
            return host;
        }
        String ip = resolve(host);
        return ip == null ? host : ip;
    }

    /**
     * Whether an address heard from a peer names a stored one (Redis's sentinelAddrEqualsHostname): compared by
     * resolved address, so a hostname and its IP are the same instance.
     */
    static boolean sameHost(String stored, String heard) {
        if (stored.equalsIgnoreCase(heard)) {
            return true;
        }
        String a = resolve(heard);
        return a != null && a.equalsIgnoreCase(resolve(stored));
    }

    /**
     * The master at an address a peer named (Redis's getSentinelRedisInstanceByAddrAndRunID): the address resolved
     * as MONITOR would ("127.1" is 127.0.0.1; a host name only with resolve-hostnames, matched by name when it does
     * not resolve), compared with each master's resolved address or its name; the first match, or null.
     */
    Instance masterByAddr(String host, long port) {
        if (port < 0 || port > 65535) {
            return null;
        }
        String ip = resolveHostnames || isIpLiteral(host) ? resolve(host) : null;
        if (ip == null && !resolveHostnames) {
            return null;
        }
        for (Instance m : masters.values()) {
            if (m.port == port && (ip != null && ip.equalsIgnoreCase(resolve(m.ip)) || m.ip.equalsIgnoreCase(host))) {
                return m;
            }
        }
        return null;
    }

    /** The address of a host name, or null when it does not resolve. */
    static String resolve(String host) {
        String numeric = inetAton(host);
        if (numeric != null) {
            return numeric;
        }
        try {
            byte[] addr = java.net.InetAddress.getByName(host).getAddress();
            // Java turns an IPv4-mapped IPv6 literal into its IPv4 address; getaddrinfo keeps it IPv6.
            return addr.length == 4 && host.contains(":") ? "::ffff:" + ntop(addr) : ntop(addr);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /**
     * An address as glibc's inet_ntop writes it: IPv6 in lower-case hex with the longest run of two or more zero
     * groups as "::" ("::1", not Java's "0:0:0:0:0:0:0:1"), IPv4-mapped and -compatible addresses ending dotted.
     */
    static String ntop(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = (a[2 * i] & 0xff) << 8 | a[2 * i + 1] & 0xff;
        }
        int bestBase = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestBase = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || bestLen == 5 && w[5] == 0xffff)) {
                sb.append(ntop(java.util.Arrays.copyOfRange(a, 12, 16)));
                return sb.toString();
            }
            sb.append(Integer.toHexString(w[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            sb.append(':');
        }
        return sb.toString();
    }

    /**
     * Applies one per-master option (config file or SENTINEL SET); returns an error text or null. Script paths
     * are refused at run time when deny-scripts-reconfig is set, as in Redis.
     */
    String setMasterOption(Instance m, String opt, String value, boolean fromConfig) {
        try {
            switch (opt) {
                case "down-after-milliseconds" -> {
                    long v = Long.parseLong(value);
                    if (v <= 0) {
                        return "negative or zero time parameter.";
                    }
                    m.downAfterPeriod = v;
                    for (Instance r : m.slaves.values()) {
                        r.downAfterPeriod = v;
                    }
                    for (Instance r : m.sentinels.values()) {
                        r.downAfterPeriod = v;
                    }
                }
                case "failover-timeout" -> {
                    long v = Long.parseLong(value);
                    if (v <= 0) {
                        return "negative or zero time parameter.";
                    }
                    m.failoverTimeout = v;
                }
                // Redis stores both in C ints (the quorum unsigned): larger values keep their low 32 bits.
                case "parallel-syncs" -> m.parallelSyncs = (int) Long.parseLong(value);
                case "quorum" -> {
                    long q = Long.parseLong(value);
                    if (q <= 0) {
                        return "Quorum must be 1 or greater.";
                    }
                    m.quorum = (int) q;
                }
                case "master-reboot-down-after-period" -> {
                    long v = Long.parseLong(value);
                    if (v < 0) {
                        return "negative time parameter.";
                    }
                    m.masterRebootDownAfterPeriod = v;
                }
                case "notification-script", "client-reconfig-script" -> {
                    if (!fromConfig && denyScriptsReconfig) {
                        return "Reconfiguration of scripts path is denied for security reasons. Check the "
                                + "deny-scripts-reconfig configuration directive in your config file.";
                    }
                    if (!value.isEmpty() && !java.nio.file.Files.isExecutable(engine.config().dir.path().resolve(value))) {
                        return opt.equals("notification-script") ? "Notification script seems non existing or non "
                                + "executable." : "Client reconfiguration script seems non existing or non executable.";
                    }
                    String v = value.isEmpty() ? null : value;
                    if (opt.equals("notification-script")) {
                        m.notificationScript = v;
                    } else {
                        m.clientReconfigScript = v;
                    }
                }
                case "auth-pass" -> m.authPass = value.isEmpty() ? null : value;
                case "auth-user" -> m.authUser = value.isEmpty() ? null : value;
                default -> {
                    return "Unknown option or number of arguments for SENTINEL SET '" + opt + "'";
                }
            }
        } catch (NumberFormatException e) {
            return "Invalid argument '" + value + "' for SENTINEL SET '" + opt + "'";
        }
        return null;
    }

    // ---- events ----

    /**
     * Logs an event and publishes it on the channel of its name, as Redis's sentinelEvent: the message is the
     * instance description followed by {@code extra} (when the format starts with "%@" in Redis).
     */
    void event(int level, String type, Instance ri, String extra) {
        String msg;
        if (ri != null) {
            msg = ri.describe(this) + (extra == null || extra.isEmpty() ? "" : " " + extra);
        } else {
            msg = extra == null ? "" : extra;
        }
        log.log(level, type + " " + msg);
        if (level != Log.DEBUG) {
            engine.pubsub().publish(Bytes.of(type), msg.getBytes(StandardCharsets.UTF_8));
            engine.flushPending();
        }
        Instance master = ri == null ? null : ri.is(Instance.MASTER) ? ri : ri.master;
        if (level == Log.WARNING && master != null && master.notificationScript != null) {
            Scripts.run(this, master.notificationScript, type, msg);
        }
    }

    // ---- the timer ----

    private void timer() {
        long now = System.currentTimeMillis();
        checkTilt(now);
        for (Instance m : new ArrayList<>(masters.values())) {
            handleInstance(m, now);
            for (Instance s : new ArrayList<>(m.slaves.values())) {
                handleInstance(s, now);
            }
            for (Instance s : new ArrayList<>(m.sentinels.values())) {
                handleInstance(s, now);
            }
            if (m.failoverState == FailoverState.UPDATE_CONFIG) {
                switchToPromotedSlave(m);
            }
        }
        engine.flushPending();
    }

    /** Enters TILT when the clock jumps backwards or the timer was starved for too long. */
    private void checkTilt(long now) {
        long delta = now - previousTime;
        if (delta < 0 || delta > tiltTrigger) {
            // Redis announces every detection, also while already in TILT (the period restarts)
            tilt = true;
            tiltStartTime = now;
            event(Log.WARNING, "+tilt", null, "#tilt mode entered");
        }
        previousTime = now;
    }

    private void handleInstance(Instance ri, long now) {
        reconnect(ri, now);
        sendPeriodicCommands(ri, now);
        if (tilt) {
            if (now - tiltStartTime < tiltPeriod) {
                return;
            }
            tilt = false;
            event(Log.WARNING, "-tilt", null, "#tilt mode exited");
        }
        checkSubjectivelyDown(ri, now);
        if (ri.is(Instance.MASTER)) {
            checkObjectivelyDown(ri);
            if (startFailoverIfNeeded(ri, now)) {
                askMasterStateToOtherSentinels(ri, true, now);
            }
            failoverStateMachine(ri, now);
            askMasterStateToOtherSentinels(ri, false, now);
        }
    }

    // ---- links ----

    private void reconnect(Instance ri, long now) {
        Instance.Link link = ri.link;
        if (link.cmd != null && link.cmd.isConnected() && (ri.is(Instance.SENTINEL)
                || (link.pubsub != null && link.pubsub.isConnected()))) {
            return;
        }
        if (now - link.lastReconnTime < pingPeriod) {
            return;
        }
        link.lastReconnTime = now;
        Tls tls;
        try {
            tls = linkTls();
        } catch (IOException e) {
            for (String line : e.getMessage().split("\n")) {
                log.warning(line);
            }
            return;
        }
        if ((link.cmd == null || !link.cmd.isConnected()) && !link.cmdConnecting) {
            link.cmdConnecting = true;
            RespClient c = new RespClient(engine.loop(), ri.ip, ri.port).tls(tls);
            link.cmd = c;
            c.onClose(() -> linkClosed(ri, c));
            c.connect((int) Math.max(1000, pingPeriod)).addListener(f -> {
                link.cmdConnecting = false;
                if (!f.isSuccess()) {
                    return;
                }
                link.ccConnTime = System.currentTimeMillis();
                updateDisconnected(ri);
                authenticate(ri, c);
                c.send(null, command(ri, "CLIENT"), Bytes.of("SETNAME"), Bytes.of(clientName("cmd")));
                sendPing(ri);
            });
        }
        if (!ri.is(Instance.SENTINEL) && (link.pubsub == null || !link.pubsub.isConnected())
                && !link.pubsubConnecting) {
            link.pubsubConnecting = true;
            RespClient c = new RespClient(engine.loop(), ri.ip, ri.port).tls(tls);
            link.pubsub = c;
            c.onPush(v -> receiveHelloMessage(ri, v));
            c.onClose(() -> linkClosed(ri, c));
            c.connect((int) Math.max(1000, pingPeriod)).addListener(f -> {
                link.pubsubConnecting = false;
                if (!f.isSuccess()) {
                    return;
                }
                link.pcConnTime = System.currentTimeMillis();
                link.pcLastActivity = link.pcConnTime;
                updateDisconnected(ri);
                authenticate(ri, c);
                c.send(null, command(ri, "CLIENT"), Bytes.of("SETNAME"), Bytes.of(clientName("pubsub")));
                c.send(v -> subscribeReply(ri, c, v), command(ri, "SUBSCRIBE"), Bytes.of(HELLO_CHANNEL));
            });
        }
    }

    /**
     * A link counts as connected only with both its connections (just the command one for a Sentinel), as Redis's
     * link->disconnected: a master whose pub/sub connection keeps failing stays flagged disconnected.
     */
    private void updateDisconnected(Instance ri) {
        Instance.Link link = ri.link;
        link.disconnected = link.cmd == null || !link.cmd.isConnected() || !ri.is(Instance.SENTINEL)
                && (link.pubsub == null || !link.pubsub.isConnected());
    }

    /**
     * An error to SUBSCRIBE (NOAUTH with wrong credentials, a renamed command) drops the pub/sub connection: hiredis
     * closes a subscribed connection on an error it has no callback for, and Sentinel reconnects later.
     */
    private void subscribeReply(Instance ri, RespClient c, Object v) {
        if (v instanceof Reply.RespError) {
            c.close();
            return;
        }
        receiveHelloMessage(ri, v);
    }

    /**
     * The client context for links, or null: as Redis, a Sentinel speaks TLS to masters, replicas and other
     * Sentinels when tls-replication is on. Rebuilt when CONFIG SET changed a tls-* directive.
     */
    private Tls linkTls() throws IOException {
        if (!engine.config().tlsReplication.value()) {
            return null;
        }
        if (linkTls == null || linkTls.stale(engine.config())) {
            linkTls = Tls.client(engine.config());
        }
        return linkTls;
    }

    private String clientName(String kind) {
        return "sentinel-" + myId.substring(0, 8) + "-" + kind;
    }

    private void linkClosed(Instance ri, RespClient c) {
        Instance.Link link = ri.link;
        if (link.cmd == c) {
            link.cmd = null;
            link.disconnected = true;
        }
        if (link.pubsub == c) {
            link.pubsub = null;
            link.disconnected = true;
        }
    }

    /**
     * Closes the links to every peer Sentinel so they reconnect with new sentinel-user/sentinel-pass credentials
     * (Redis's sentinelDropConnections after SENTINEL CONFIG SET).
     */
    void dropSentinelConnections() {
        for (Instance m : masters.values()) {
            for (Instance si : m.sentinels.values()) {
                if (!si.link.disconnected) {
                    closeLinks(si);
                }
            }
        }
    }

    private void closeLinks(Instance ri) {
        if (ri.link.cmd != null) {
            ri.link.cmd.close();
            ri.link.cmd = null;
        }
        if (ri.link.pubsub != null) {
            ri.link.pubsub.close();
            ri.link.pubsub = null;
        }
        ri.link.disconnected = true;
    }

    /** AUTH with the master's auth-pass (for masters and replicas) or sentinel-pass (for peer Sentinels). */
    private void authenticate(Instance ri, RespClient c) {
        Instance master = ri.is(Instance.MASTER) ? ri : ri.master;
        String user;
        String pass;
        if (ri.is(Instance.SENTINEL)) {
            user = sentinelUser;
            pass = sentinelPass;
        } else {
            user = master.authUser;
            pass = master.authPass;
        }
        if (pass == null) {
            return;
        }
        if (user == null) {
            c.send(null, command(ri, "AUTH"), Bytes.of(pass));
        } else {
            c.send(null, command(ri, "AUTH"), Bytes.of(user), Bytes.of(pass));
        }
    }

    /** A command name after the master's rename-command map (Sentinel talks to renamed commands as Redis does). */
    byte[] command(Instance ri, String name) {
        Instance master = ri.is(Instance.MASTER) ? ri : ri.master;
        if (master != null && !ri.is(Instance.SENTINEL)) {
            String renamed = master.renamedCommands.get(name.toLowerCase());
            if (renamed != null) {
                return Bytes.of(renamed);
            }
        }
        return Bytes.of(name);
    }

    private void sendPing(Instance ri) {
        RespClient c = ri.link.cmd;
        if (c == null || !c.isConnected()) {
            return;
        }
        long now = System.currentTimeMillis();
        ri.link.lastPingTime = now;
        if (ri.link.actPingTime == 0) {
            ri.link.actPingTime = now;
        }
        c.send(v -> pingReply(ri, v), command(ri, "PING"));
    }

    private void pingReply(Instance ri, Object v) {
        String text = RespParser.toText(v);
        long now = System.currentTimeMillis();
        boolean pong = v instanceof Reply.Status && text.startsWith("PONG");
        if (pong || text.startsWith("(error) LOADING") || text.startsWith("(error) MASTERDOWN")) {
            ri.link.lastAvailTime = now;
            ri.link.actPingTime = 0;
            // A rebooted master that answers PONG again is no longer counted down for its reboot.
            if (pong) {
                ri.flags &= ~Instance.MASTER_REBOOT;
            }
        } else if (text.startsWith("(error) BUSY") && !ri.is(Instance.SCRIPT_KILL_SENT) && ri.is(Instance.S_DOWN)) {
            // A script keeps the instance busy: try to stop it once, as Redis does.
            ri.link.cmd.send(null, command(ri, "SCRIPT"), Bytes.of("KILL"));
            ri.flags |= Instance.SCRIPT_KILL_SENT;
        }
        ri.link.lastPongTime = now;
    }

    private void sendPeriodicCommands(Instance ri, long now) {
        Instance.Link link = ri.link;
        if (link.cmd == null || !link.cmd.isConnected() || link.pendingCommands() >= MAX_PENDING_COMMANDS) {
            return;
        }
        long infoPeriodNow = infoPeriod;
        if (ri.is(Instance.SLAVE) && (ri.master.is(Instance.O_DOWN | Instance.FAILOVER_IN_PROGRESS)
                || ri.masterLinkDownTime != 0)) {
            infoPeriodNow = 1000;
        }
        long pingPeriodNow = Math.min(ri.downAfterPeriod, pingPeriod);
        if (!ri.is(Instance.SENTINEL) && ri.infoPendingOn != link.cmd
                && (ri.infoRefresh == 0 || now - ri.infoRefresh > infoPeriodNow)) {
            ri.infoPendingOn = link.cmd;
            link.cmd.send(v -> infoReply(ri, v), command(ri, "INFO"));
        }
        if (now - link.lastPongTime > pingPeriodNow && now - link.lastPingTime > pingPeriodNow / 2) {
            sendPing(ri);
        }
        if (now - ri.lastPubTime > publishPeriod) {
            sendHello(ri);
        }
    }

    // ---- INFO ----

    private void infoReply(Instance ri, Object v) {
        ri.infoPendingOn = null;
        if (v instanceof byte[] b) {
            refreshInstanceInfo(ri, new String(b, StandardCharsets.UTF_8));
        }
    }

    /** Parses an instance's INFO as Redis's sentinelRefreshInstanceInfo and acts on role changes. */
    void refreshInstanceInfo(Instance ri, String info) {
        long now = System.currentTimeMillis();
        ri.info = info;
        ri.infoRefresh = now;
        int role = 0;
        ri.masterLinkDownTime = 0;
        for (String raw : info.split("\r\n")) {
            String l = raw.strip();
            if (l.startsWith("run_id:") && l.length() == 47) {
                String id = l.substring(7);
                if (ri.runId != null && !ri.runId.equals(id)) {
                    event(Log.NOTICE, "+reboot", ri, "");
                    if (ri.is(Instance.MASTER) && ri.masterRebootDownAfterPeriod != 0) {
                        ri.flags |= Instance.MASTER_REBOOT;
                        ri.masterRebootSinceTime = now;
                    }
                }
                ri.runId = id;
            } else if (ri.is(Instance.MASTER) && l.startsWith("slave") && l.length() > 5
                    && Character.isDigit(l.charAt(5)) && l.contains(":")) {
                discoverSlave(ri, l.substring(l.indexOf(':') + 1));
            } else if (l.startsWith("master_link_down_since_seconds:")) {
                ri.masterLinkDownTime = parseLong(l.substring(31)) * 1000;
            } else if (l.startsWith("role:")) {
                role = l.substring(5).equals("master") ? Instance.MASTER
                        : l.substring(5).equals("slave") ? Instance.SLAVE : 0;
            } else if (role == Instance.SLAVE) {
                if (l.startsWith("master_host:")) {
                    String host = l.substring(12);
                    if (!host.equals(ri.slaveMasterHost)) {
                        ri.slaveMasterHost = host;
                        ri.slaveConfChangeTime = now;
                    }
                } else if (l.startsWith("master_port:")) {
                    int p = (int) parseLong(l.substring(12));
                    if (p != ri.slaveMasterPort) {
                        ri.slaveMasterPort = p;
                        ri.slaveConfChangeTime = now;
                    }
                } else if (l.startsWith("master_link_status:")) {
                    ri.slaveMasterLinkUp = l.substring(19).equals("up");
                } else if (l.startsWith("slave_priority:")) {
                    ri.slavePriority = (int) parseLong(l.substring(15));
                } else if (l.startsWith("slave_repl_offset:")) {
                    ri.slaveReplOffset = parseLong(l.substring(18));
                } else if (l.startsWith("replica_announced:")) {
                    ri.replicaAnnounced = parseLong(l.substring(18)) != 0;
                }
            }
        }
        if (role != ri.roleReported) {
            ri.roleReportedTime = now;
            ri.roleReported = role;
            if (role == Instance.SLAVE) {
                ri.slaveConfChangeTime = now;
            }
            // "+" when the reported role is the one our configuration gives the instance, "-" on a mismatch.
            boolean coherent = (ri.flags & (Instance.MASTER | Instance.SLAVE)) == role;
            event(Log.VERBOSE, (coherent ? "+" : "-") + "role-change", ri,
                    "new reported role is " + (role == Instance.MASTER ? "master" : "slave"));
        }
        if (tilt) {
            return;
        }
        handleRoleReport(ri, role, now);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A {@code slaveN:} line: new form {@code ip=...,port=...} or the old {@code ip,port,state}. */
    private void discoverSlave(Instance master, String spec) {
        String ip = null;
        int port = 0;
        if (spec.contains("=")) {
            for (String kv : spec.split(",")) {
                int eq = kv.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String k = kv.substring(0, eq);
                if (k.equals("ip")) {
                    ip = kv.substring(eq + 1);
                } else if (k.equals("port")) {
                    port = (int) parseLong(kv.substring(eq + 1));
                }
            }
        } else {
            String[] parts = spec.split(",");
            if (parts.length >= 2) {
                ip = parts[0];
                port = (int) parseLong(parts[1]);
            }
        }
        if (ip == null || port == 0) {
            return;
        }
        String name = ip + ":" + port;
        if (!master.slaves.containsKey(name)) {
            Instance s = new Instance(Instance.SLAVE, name, ip, port, master);
            master.slaves.put(name, s);
            event(Log.NOTICE, "+slave", s, "");
            flushConfig();
        }
    }

    private void handleRoleReport(Instance ri, int role, long now) {
        Instance master = ri.master;
        // A replica we promoted now reports itself master: the promotion happened.
        if (ri.is(Instance.SLAVE) && role == Instance.MASTER) {
            if (ri.is(Instance.PROMOTED) && master.is(Instance.FAILOVER_IN_PROGRESS)
                    && master.failoverState == FailoverState.WAIT_PROMOTION) {
                master.configEpoch = master.failoverEpoch;
                master.failoverState = FailoverState.RECONF_SLAVES;
                master.failoverStateChangeTime = now;
                flushConfig();
                event(Log.WARNING, "+promoted-slave", ri, "");
                if ((simulateFailure & SIMFAILURE_CRASH_AFTER_PROMOTION) != 0) {
                    crash();
                }
                event(Log.WARNING, "+failover-state-reconf-slaves", master, "");
                // The leader's only client-reconfig-script call: "start", once the replica is promoted.
                callClientReconfScript(master, "leader", "start", announce(master.ip), master.port, announce(ri.ip),
                        ri.port);
                forceHelloUpdate(master);
            } else {
                // An old master came back, or a replica was turned into a master by someone else: make it a
                // replica of the master we know, once it has kept that role long enough and the master is fine.
                long wait = 4 * publishPeriod;
                if (!ri.is(Instance.PROMOTED) && masterLooksSane(master) && noDownFor(ri, wait, now)
                        && now - ri.roleReportedTime > wait) {
                    if (sendSlaveOf(ri, master.ip, master.port)) {
                        event(Log.NOTICE, "+convert-to-slave", ri, "");
                    }
                }
            }
        }
        // A replica pointing at another master is pointed back at ours, but only after a whole failover timeout
        // of that state without being down: it may follow a master a newer configuration elected, which a Sentinel
        // that missed the failover learns from the hellos meanwhile (repointing it would lose its data).
        if (ri.is(Instance.SLAVE) && role == Instance.SLAVE && ri.slaveMasterHost != null
                && (ri.slaveMasterPort != master.port || !ri.slaveMasterHost.equals(master.ip))) {
            long wait = master.failoverTimeout;
            if (masterLooksSane(master) && noDownFor(ri, wait, now) && now - ri.slaveConfChangeTime > wait) {
                if (sendSlaveOf(ri, master.ip, master.port)) {
                    event(Log.NOTICE, "+fix-slave-config", ri, "");
                }
            }
        }
        // Replicas being reconfigured during a failover report progress through INFO.
        if (ri.is(Instance.SLAVE) && role == Instance.SLAVE && ri.is(Instance.RECONF_SENT | Instance.RECONF_INPROG)) {
            Instance promoted = master.promotedSlave;
            if (ri.is(Instance.RECONF_SENT) && promoted != null && ri.slaveMasterHost != null
                    && ri.slaveMasterHost.equals(promoted.ip) && ri.slaveMasterPort == promoted.port) {
                ri.flags &= ~Instance.RECONF_SENT;
                ri.flags |= Instance.RECONF_INPROG;
                event(Log.NOTICE, "+slave-reconf-inprog", ri, "");
            }
            if (ri.is(Instance.RECONF_INPROG) && ri.slaveMasterLinkUp) {
                ri.flags &= ~Instance.RECONF_INPROG;
                ri.flags |= Instance.RECONF_DONE;
                event(Log.NOTICE, "+slave-reconf-done", ri, "");
            }
        }
    }

    /** True when the instance was not SDOWN or ODOWN in the last {@code ms} (Redis's NoDownFor). */
    private static boolean noDownFor(Instance ri, long ms, long now) {
        long mostRecent = Math.max(ri.sDownSinceTime, ri.oDownSinceTime);
        return mostRecent == 0 || now - mostRecent > ms;
    }

    private boolean masterLooksSane(Instance master) {
        return master.is(Instance.MASTER) && master.roleReported == Instance.MASTER
                && !master.is(Instance.S_DOWN | Instance.O_DOWN)
                && System.currentTimeMillis() - master.infoRefresh < infoPeriod * 2;
    }

    private void crash() {
        log.warning("Sentinel simulated crash: exiting as SENTINEL SIMULATE-FAILURE asked");
        Runtime.getRuntime().halt(99);
    }

    /**
     * The address clients and peers should use for a master: the promoted replica's once a failover reached the
     * reconfiguration of replicas (Redis's sentinelGetCurrentMasterAddress).
     */
    static Instance currentMaster(Instance m) {
        if (m.is(Instance.FAILOVER_IN_PROGRESS) && m.promotedSlave != null
                && m.failoverState.ordinal() >= FailoverState.RECONF_SLAVES.ordinal()) {
            return m.promotedSlave;
        }
        return m;
    }

    // ---- hello ----

    /** The port peers reach this Sentinel on: its TLS port when links speak TLS (Redis's sentinelSendHello). */
    private int helloPort() {
        int tls = engine.config().tlsPort.intValue();
        return engine.config().tlsReplication.value() && tls != 0 ? tls : engine.tcpPort();
    }

    /** Publishes our hello to an instance: masters and replicas get PUBLISH, peer Sentinels too. */
    private boolean sendHello(Instance ri) {
        Instance master = ri.is(Instance.MASTER) ? ri : ri.master;
        RespClient c = ri.link.cmd;
        if (c == null || !c.isConnected()) {
            return false;
        }
        String ip = announceIp != null ? announceIp : localIp(c);
        int port = announcePort != 0 ? announcePort : helloPort();
        Instance current = currentMaster(master);
        String payload = ip + "," + port + "," + myId + "," + currentEpoch + "," + master.name + ","
                + announce(current.ip) + ","
                + current.port + "," + master.configEpoch;
        ri.lastPubTime = System.currentTimeMillis();
        c.send(null, command(ri, "PUBLISH"), Bytes.of(HELLO_CHANNEL), payload.getBytes(StandardCharsets.UTF_8));
        return true;
    }

    private String localIp(RespClient c) {
        String local = c.localAddress();
        return local == null ? "127.0.0.1" : local;
    }

    private void forceHelloUpdate(Instance master) {
        master.lastPubTime -= publishPeriod + 1;
        for (Instance s : master.slaves.values()) {
            s.lastPubTime -= publishPeriod + 1;
        }
        for (Instance s : master.sentinels.values()) {
            s.lastPubTime -= publishPeriod + 1;
        }
    }

    private void receiveHelloMessage(Instance ri, Object v) {
        if (!(v instanceof List<?> l) || l.size() < 3) {
            return;
        }
        ri.link.pcLastActivity = System.currentTimeMillis();
        if (!"message".equals(RespParser.toText(l.get(0)))
                || !HELLO_CHANNEL.equals(RespParser.toText(l.get(1)))) {
            return;
        }
        processHello(RespParser.toText(l.get(2)));
    }

    /**
     * Handles a hello from a peer (received on a hello channel or PUBLISHed to this Sentinel): learns the peer,
     * adopts a greater epoch and a newer master configuration, as Redis's sentinelProcessHelloMessage.
     */
    void processHello(String hello) {
        String[] t = hello.split(",");
        if (t.length != 8) {
            return;
        }
        Instance master = masters.get(t[4]);
        if (master == null || t[2].equals(myId)) {
            return;
        }
        String ip = t[0];
        int port = (int) parseLong(t[1]);
        String runId = t[2];
        long epoch = parseLong(t[3]);
        Instance si = null;
        for (Instance s : master.sentinels.values()) {
            if (s.runId != null && s.runId.equals(runId) && s.ip.equals(ip) && s.port == port) {
                si = s;
            }
        }
        if (si == null) {
            // Known by its run id at another address: it moved (only this master's entry is replaced; the other
            // masters' entries are repointed below). Else a different Sentinel at its address: that one is gone.
            int removed = removeSentinelsById(master, runId);
            if (removed > 0) {
                event(Log.NOTICE, "+sentinel-address-switch", master,
                        "ip " + ip + " port " + port + " for " + runId);
            } else {
                Instance other = null;
                for (Instance s : master.sentinels.values()) {
                    if (s.port == port && sameHost(s.ip, ip)) {
                        other = s;
                    }
                }
                if (other != null) {
                    event(Log.NOTICE, "+sentinel-invalid-addr", other, "");
                    for (Instance m : masters.values()) {
                        removeSentinelsById(m, other.runId);
                    }
                }
            }
            si = new Instance(Instance.SENTINEL, runId, ip, port, master);
            si.runId = runId;
            master.sentinels.put(runId, si);
            if (removed == 0) {
                event(Log.NOTICE, "+sentinel", si, "");
            } else {
                updateSentinelAddressInAllMasters(si);
            }
            flushConfig();
        }
        si.lastHelloTime = System.currentTimeMillis();
        if (currentEpoch < epoch) {
            currentEpoch = epoch;
            flushConfig();
            event(Log.WARNING, "+new-epoch", null, Long.toString(currentEpoch));
        }
        String masterIp = t[5];
        int masterPort = (int) parseLong(t[6]);
        long masterConfigEpoch = parseLong(t[7]);
        if (master.configEpoch < masterConfigEpoch) {
            master.configEpoch = masterConfigEpoch;
            if (masterPort != master.port || !sameHost(master.ip, masterIp)) {
                String oldIp = announce(master.ip);
                int oldPort = master.port;
                event(Log.WARNING, "+config-update-from", si, "");
                event(Log.WARNING, "+switch-master", null, master.name + " " + oldIp + " " + oldPort + " "
                        + masterIp + " " + masterPort);
                resetMasterAndChangeAddress(master, masterIp, masterPort);
                callClientReconfScript(master, "observer", "start", oldIp, oldPort, masterIp, masterPort);
            }
        }
    }

    /**
     * Forgets a master's Sentinels with this run id, closing their links (Redis's removeMatchingSentinelFromMaster).
     */
    private int removeSentinelsById(Instance master, String runId) {
        int removed = 0;
        for (var it = master.sentinels.values().iterator(); it.hasNext(); ) {
            Instance s = it.next();
            if (runId.equals(s.runId)) {
                closeLinks(s);
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    /**
     * Gives the other masters' entries for a Sentinel that moved its new address, and reconnects every entry for it
     * (Redis's sentinelUpdateSentinelAddressInAllMasters).
     */
    private void updateSentinelAddressInAllMasters(Instance moved) {
        int reconfigured = 0;
        for (Instance m : masters.values()) {
            Instance match = m.sentinels.get(moved.runId);
            if (match == null) {
                continue;
            }
            closeLinks(match);
            if (match != moved) {
                match.ip = moved.ip;
                match.port = moved.port;
                reconfigured++;
            }
        }
        if (reconfigured > 0) {
            event(Log.NOTICE, "+sentinel-address-update", moved, reconfigured + " additional matching instances");
        }
    }

    // ---- SDOWN / ODOWN ----

    private void checkSubjectivelyDown(Instance ri, long now) {
        Instance.Link link = ri.link;
        long elapsed = link.actPingTime != 0 ? now - link.actPingTime
                : link.disconnected ? now - link.lastAvailTime : 0;
        // A link that answers nothing is closed and reopened, in case the connection itself is stuck.
        if (link.cmd != null && link.cmd.isConnected() && now - link.ccConnTime >= minLinkReconnectPeriod
                && link.actPingTime != 0 && now - link.actPingTime > ri.downAfterPeriod / 2
                && now - link.lastPongTime > ri.downAfterPeriod / 2) {
            link.cmd.close();
        }
        if (link.pubsub != null && link.pubsub.isConnected() && now - link.pcConnTime >= minLinkReconnectPeriod
                && now - link.pcLastActivity > publishPeriod * 3) {
            link.pubsub.close();
        }
        boolean down = elapsed > ri.downAfterPeriod
                || (ri.is(Instance.MASTER) && ri.roleReported == Instance.SLAVE
                        && now - ri.roleReportedTime > ri.downAfterPeriod + infoPeriod * 2)
                || (ri.is(Instance.MASTER_REBOOT) && now - ri.masterRebootSinceTime > ri.masterRebootDownAfterPeriod);
        if (down) {
            if (!ri.is(Instance.S_DOWN)) {
                event(Log.WARNING, "+sdown", ri, "");
                ri.sDownSinceTime = now;
                ri.flags |= Instance.S_DOWN;
            }
        } else if (ri.is(Instance.S_DOWN)) {
            event(Log.WARNING, "-sdown", ri, "");
            ri.flags &= ~(Instance.S_DOWN | Instance.SCRIPT_KILL_SENT);
        }
    }

    private void checkObjectivelyDown(Instance master) {
        int quorum = 0;
        boolean odown = false;
        if (master.is(Instance.S_DOWN)) {
            quorum = 1;
            for (Instance s : master.sentinels.values()) {
                if (s.is(Instance.MASTER_DOWN)) {
                    quorum++;
                }
            }
            // Redis's quorum is an unsigned int: one of 2^31 or more is out of reach, not negative.
            odown = Integer.compareUnsigned(quorum, master.quorum) >= 0;
        }
        if (odown) {
            if (!master.is(Instance.O_DOWN)) {
                event(Log.WARNING, "+odown", master, "#quorum " + quorum + "/" + master.quorum);
                master.flags |= Instance.O_DOWN;
                master.oDownSinceTime = System.currentTimeMillis();
            }
        } else if (master.is(Instance.O_DOWN)) {
            event(Log.WARNING, "-odown", master, "");
            master.flags &= ~Instance.O_DOWN;
        }
    }

    /**
     * Asks peers whether they see the master down (and, once a failover starts, for their vote): sent every
     * ask-period while the master is SDOWN; a peer's "down" answer expires after five periods.
     */
    private void askMasterStateToOtherSentinels(Instance master, boolean force, long now) {
        for (Instance s : master.sentinels.values()) {
            long elapsed = now - s.lastMasterDownReplyTime;
            if (elapsed > askPeriod * 5) {
                s.flags &= ~Instance.MASTER_DOWN;
                s.leader = null;
            }
            if (!master.is(Instance.S_DOWN)) {
                continue;
            }
            RespClient c = s.link.cmd;
            if (c == null || !c.isConnected()) {
                continue;
            }
            if (!force && elapsed < askPeriod) {
                continue;
            }
            if (s.link.pendingCommands() >= MAX_PENDING_COMMANDS) {
                continue;
            }
            String runId = master.failoverState.ordinal() > FailoverState.NONE.ordinal() ? myId : "*";
            c.send(v -> isMasterDownReply(s, v), Bytes.of("SENTINEL"), Bytes.of("is-master-down-by-addr"),
                    Bytes.of(master.ip), Bytes.of(Integer.toString(master.port)), Bytes.of(Long.toString(currentEpoch)),
                    Bytes.of(runId));
        }
    }

    private void isMasterDownReply(Instance s, Object v) {
        if (!(v instanceof List<?> l) || l.size() != 3 || !(l.get(0) instanceof Long down)
                || !(l.get(2) instanceof Long epoch)) {
            return;
        }
        s.lastMasterDownReplyTime = System.currentTimeMillis();
        if (down == 1) {
            s.flags |= Instance.MASTER_DOWN;
        } else {
            s.flags &= ~Instance.MASTER_DOWN;
        }
        String leader = RespParser.toText(l.get(1));
        if (!leader.equals("*")) {
            if (s.leaderEpoch != epoch) {
                log.warning(s.describe(this) + " voted for " + leader + " " + epoch);
            }
            s.leader = leader;
            s.leaderEpoch = epoch;
        }
    }

    /**
     * Votes for {@code reqRunId} as leader of {@code reqEpoch} unless this Sentinel already voted in that epoch
     * (Redis's sentinelVoteLeader); the vote is saved before the answer goes out.
     */
    String voteLeader(Instance master, long reqEpoch, String reqRunId, long[] leaderEpoch) {
        if (reqEpoch > currentEpoch) {
            currentEpoch = reqEpoch;
            flushConfig();
            event(Log.WARNING, "+new-epoch", null, Long.toString(currentEpoch));
        }
        if (master.leaderEpoch < reqEpoch && currentEpoch <= reqEpoch) {
            master.leader = reqRunId;
            master.leaderEpoch = currentEpoch;
            flushConfig();
            event(Log.WARNING, "+vote-for-leader", null, master.leader + " " + master.leaderEpoch);
            // Voting for someone else means we will not try our own failover before a while.
            if (!master.leader.equals(myId)) {
                master.failoverStartTime = System.currentTimeMillis()
                        + ThreadLocalRandom.current().nextLong(MAX_DESYNC);
            }
        }
        leaderEpoch[0] = master.leaderEpoch;
        return master.leader;
    }

    /** The winner of {@code epoch}'s election, if one has a majority of voters and at least the quorum. */
    private String getLeader(Instance master, long epoch) {
        Map<String, Integer> counters = new LinkedHashMap<>();
        int voters = master.sentinels.size() + 1;
        for (Instance s : master.sentinels.values()) {
            if (s.leader != null && s.leaderEpoch == currentEpoch) {
                counters.merge(s.leader, 1, Integer::sum);
            }
        }
        String winner = null;
        int maxVotes = 0;
        for (Map.Entry<String, Integer> e : counters.entrySet()) {
            if (e.getValue() > maxVotes) {
                maxVotes = e.getValue();
                winner = e.getKey();
            }
        }
        long[] le = new long[1];
        String myVote = winner != null ? voteLeader(master, epoch, winner, le) : voteLeader(master, epoch, myId, le);
        if (myVote != null && le[0] == epoch) {
            int votes = counters.merge(myVote, 1, Integer::sum);
            if (votes > maxVotes) {
                maxVotes = votes;
                winner = myVote;
            }
        }
        if (winner != null && (maxVotes < voters / 2 + 1 || Integer.compareUnsigned(maxVotes, master.quorum) < 0)) {
            winner = null;
        }
        return winner;
    }

    // ---- failover ----

    private boolean startFailoverIfNeeded(Instance master, long now) {
        if (!master.is(Instance.O_DOWN) || master.is(Instance.FAILOVER_IN_PROGRESS)) {
            return false;
        }
        if (now - master.failoverStartTime < master.failoverTimeout * 2) {
            if (master.failoverDelayLogged != master.failoverStartTime) {
                master.failoverDelayLogged = master.failoverStartTime;
                log.warning("Next failover delay: I will not start a failover before "
                        + java.time.Instant.ofEpochMilli(master.failoverStartTime + master.failoverTimeout * 2));
            }
            return false;
        }
        startFailover(master, now);
        return true;
    }

    void startFailover(Instance master, long now) {
        master.failoverState = FailoverState.WAIT_START;
        master.flags |= Instance.FAILOVER_IN_PROGRESS;
        master.failoverEpoch = ++currentEpoch;
        event(Log.WARNING, "+new-epoch", null, Long.toString(currentEpoch));
        event(Log.WARNING, "+try-failover", master, "");
        master.failoverStartTime = now + ThreadLocalRandom.current().nextLong(MAX_DESYNC);
        master.failoverStateChangeTime = now;
    }

    private void failoverStateMachine(Instance master, long now) {
        if (!master.is(Instance.FAILOVER_IN_PROGRESS)) {
            return;
        }
        switch (master.failoverState) {
            case WAIT_START -> failoverWaitStart(master, now);
            case SELECT_SLAVE -> failoverSelectSlave(master, now);
            case SEND_SLAVEOF_NOONE -> failoverSendSlaveOfNoOne(master, now);
            case WAIT_PROMOTION -> {
                if (now - master.failoverStateChangeTime > master.failoverTimeout) {
                    event(Log.WARNING, "-failover-abort-slave-timeout", master, "");
                    abortFailover(master);
                }
            }
            case RECONF_SLAVES -> failoverReconfNextSlave(master, now);
            default -> { }
        }
    }

    private void failoverWaitStart(Instance master, long now) {
        String leader = getLeader(master, master.failoverEpoch);
        boolean isLeader = myId.equals(leader);
        if (!isLeader && !master.is(Instance.FORCE_FAILOVER)) {
            long electionTimeoutNow = Math.min(electionTimeout, master.failoverTimeout);
            if (now - master.failoverStartTime > electionTimeoutNow) {
                event(Log.WARNING, "-failover-abort-not-elected", master, "");
                abortFailover(master);
            }
            return;
        }
        event(Log.WARNING, "+elected-leader", master, "");
        if ((simulateFailure & SIMFAILURE_CRASH_AFTER_ELECTION) != 0) {
            crash();
        }
        master.failoverState = FailoverState.SELECT_SLAVE;
        master.failoverStateChangeTime = now;
        event(Log.WARNING, "+failover-state-select-slave", master, "");
    }

    private void failoverSelectSlave(Instance master, long now) {
        Instance slave = selectSlave(master, now);
        if (slave == null) {
            event(Log.WARNING, "-failover-abort-no-good-slave", master, "");
            abortFailover(master);
            return;
        }
        event(Log.WARNING, "+selected-slave", slave, "");
        slave.flags |= Instance.PROMOTED;
        master.promotedSlave = slave;
        master.failoverState = FailoverState.SEND_SLAVEOF_NOONE;
        master.failoverStateChangeTime = now;
        event(Log.NOTICE, "+failover-state-send-slaveof-noone", slave, "");
    }

    /**
     * Picks the replica to promote as Redis's sentinelSelectSlave: skips replicas that are down, disconnected,
     * silent, priority 0, with stale INFO or a master link down for too long; then lowest priority, highest
     * replication offset, smallest run id.
     */
    Instance selectSlave(Instance master, long now) {
        long maxMasterDownTime = 0;
        if (master.is(Instance.S_DOWN)) {
            maxMasterDownTime += now - master.sDownSinceTime;
        }
        maxMasterDownTime += master.downAfterPeriod * 10;
        long infoValidity = master.is(Instance.S_DOWN) ? pingPeriod * 5 : infoPeriod * 3;
        List<Instance> candidates = new ArrayList<>();
        for (Instance s : master.slaves.values()) {
            if (s.is(Instance.S_DOWN | Instance.O_DOWN) || s.link.disconnected
                    || now - s.link.lastAvailTime > pingPeriod * 5 || s.slavePriority == 0
                    || now - s.infoRefresh > infoValidity || s.masterLinkDownTime > maxMasterDownTime) {
                continue;
            }
            candidates.add(s);
        }
        candidates.sort(Comparator.comparingInt((Instance s) -> s.slavePriority)
                .thenComparing(s -> -s.slaveReplOffset)
                .thenComparing(s -> s.runId == null ? "\uffff" : s.runId));
        return candidates.isEmpty() ? null : candidates.get(0);
    }

    private void failoverSendSlaveOfNoOne(Instance master, long now) {
        Instance promoted = master.promotedSlave;
        if (promoted.link.disconnected) {
            if (now - master.failoverStateChangeTime > master.failoverTimeout) {
                event(Log.WARNING, "-failover-abort-slave-timeout", master, "");
                abortFailover(master);
            }
            return;
        }
        if (!sendSlaveOf(promoted, null, 0)) {
            return;
        }
        event(Log.NOTICE, "+failover-state-wait-promotion", promoted, "");
        master.failoverState = FailoverState.WAIT_PROMOTION;
        master.failoverStateChangeTime = now;
    }

    private void failoverReconfNextSlave(Instance master, long now) {
        int inProgress = 0;
        for (Instance s : master.slaves.values()) {
            if (s.is(Instance.RECONF_SENT | Instance.RECONF_INPROG)) {
                inProgress++;
            }
        }
        for (Instance s : master.slaves.values()) {
            if (inProgress >= master.parallelSyncs) {
                break;
            }
            if (s.is(Instance.PROMOTED | Instance.RECONF_DONE)) {
                continue;
            }
            if (s.is(Instance.RECONF_SENT) && now - s.slaveReconfSentTime > slaveReconfTimeout) {
                event(Log.NOTICE, "-slave-reconf-sent-timeout", s, "");
                s.flags &= ~Instance.RECONF_SENT;
                s.flags |= Instance.RECONF_DONE;
            }
            // One just timed out (now done) is sent REPLICAOF again, as Redis does: only SENT and INPROG wait.
            if (s.is(Instance.RECONF_SENT | Instance.RECONF_INPROG) || s.link.disconnected) {
                continue;
            }
            if (sendSlaveOf(s, master.promotedSlave.ip, master.promotedSlave.port)) {
                s.flags |= Instance.RECONF_SENT;
                s.slaveReconfSentTime = now;
                event(Log.NOTICE, "+slave-reconf-sent", s, "");
                inProgress++;
            }
        }
        failoverDetectEnd(master, now);
    }

    private void failoverDetectEnd(Instance master, long now) {
        if (master.promotedSlave == null || master.promotedSlave.is(Instance.S_DOWN)) {
            return;
        }
        int notReconfigured = 0;
        for (Instance s : master.slaves.values()) {
            if (!s.is(Instance.PROMOTED | Instance.RECONF_DONE) && !s.is(Instance.S_DOWN)) {
                notReconfigured++;
            }
        }
        boolean timeout = now - master.failoverStateChangeTime > master.failoverTimeout;
        if (notReconfigured > 0 && !timeout) {
            return;
        }
        if (timeout) {
            event(Log.WARNING, "+failover-end-for-timeout", master, "");
        }
        event(Log.WARNING, "+failover-end", master, "");
        master.failoverState = FailoverState.UPDATE_CONFIG;
        master.failoverStateChangeTime = now;
        if (timeout) {
            // Point the remaining replicas at the new master anyway (announced after +failover-end, as Redis).
            for (Instance s : master.slaves.values()) {
                if (!s.is(Instance.PROMOTED | Instance.RECONF_DONE | Instance.RECONF_SENT) && !s.link.disconnected) {
                    if (sendSlaveOf(s, master.promotedSlave.ip, master.promotedSlave.port)) {
                        event(Log.NOTICE, "+slave-reconf-sent-be", s, "");
                        s.flags |= Instance.RECONF_SENT;
                    }
                }
            }
        }
    }

    private void switchToPromotedSlave(Instance master) {
        Instance ref = master.promotedSlave != null ? master.promotedSlave : master;
        String oldIp = announce(master.ip);
        int oldPort = master.port;
        String newIp = announce(ref.ip);
        int newPort = ref.port;
        event(Log.WARNING, "+switch-master", null, master.name + " " + oldIp + " " + oldPort + " " + newIp + " "
                + newPort);
        resetMasterAndChangeAddress(master, ref.ip, newPort);
    }

    void abortFailover(Instance master) {
        master.flags &= ~(Instance.FAILOVER_IN_PROGRESS | Instance.FORCE_FAILOVER);
        master.failoverState = FailoverState.NONE;
        master.failoverStateChangeTime = System.currentTimeMillis();
        if (master.promotedSlave != null) {
            master.promotedSlave.flags &= ~Instance.PROMOTED;
            master.promotedSlave = null;
        }
    }

    /**
     * Reconfigures an instance as Redis does, in one transaction: REPLICAOF, CONFIG REWRITE, and killing normal
     * and pub/sub clients so they reconnect to the right master. Replies are ignored; INFO shows the effect.
     */
    boolean sendSlaveOf(Instance ri, String host, int port) {
        RespClient c = ri.link.cmd;
        if (c == null || !c.isConnected()) {
            return false;
        }
        // The address as Sentinel announces it (Redis's announceSentinelAddr): a host name only with announce-hostnames.
        byte[] h = Bytes.of(host == null ? "NO" : announce(host));
        byte[] p = Bytes.of(host == null ? "ONE" : Integer.toString(port));
        c.send(null, command(ri, "MULTI"));
        c.send(null, command(ri, "SLAVEOF"), h, p);
        c.send(null, command(ri, "CONFIG"), Bytes.of("REWRITE"));
        c.send(null, command(ri, "CLIENT"), Bytes.of("KILL"), Bytes.of("TYPE"), Bytes.of("normal"));
        c.send(null, command(ri, "CLIENT"), Bytes.of("KILL"), Bytes.of("TYPE"), Bytes.of("pubsub"));
        c.send(null, command(ri, "EXEC"));
        return true;
    }

    /**
     * Points a master at a new address after a failover (Redis's sentinelResetMasterAndChangeAddress): the known
     * replicas, minus the new master, plus the old master become its replicas; failover and down state reset.
     */
    void resetMasterAndChangeAddress(Instance master, String ip, int port) {
        List<String[]> slaves = new ArrayList<>();
        for (Instance s : master.slaves.values()) {
            if (!(s.ip.equals(ip) && s.port == port)) {
                slaves.add(new String[] {s.ip, Integer.toString(s.port)});
            }
        }
        if (!(master.ip.equals(ip) && master.port == port)) {
            slaves.add(new String[] {master.ip, Integer.toString(master.port)});
        }
        resetMaster(master, false);
        master.ip = ip;
        master.port = port;
        for (String[] s : slaves) {
            String name = s[0] + ":" + s[1];
            Instance slave = new Instance(Instance.SLAVE, name, s[0], Integer.parseInt(s[1]), master);
            master.slaves.put(name, slave);
            event(Log.NOTICE, "+slave", slave, "");
        }
        flushConfig();
    }

    /** SENTINEL RESET semantics; {@code keepSentinels} false also forgets the peers. */
    void resetMaster(Instance master, boolean forgetSentinels) {
        for (Instance s : master.slaves.values()) {
            closeLinks(s);
        }
        master.slaves.clear();
        if (forgetSentinels) {
            for (Instance s : master.sentinels.values()) {
                closeLinks(s);
            }
            master.sentinels.clear();
        }
        closeLinks(master);
        master.flags &= Instance.MASTER;
        master.leader = null;
        master.failoverState = FailoverState.NONE;
        master.failoverStateChangeTime = 0;
        master.failoverStartTime = 0;
        master.promotedSlave = null;
        master.runId = null;
        master.infoRefresh = 0;
        master.roleReported = Instance.MASTER;
        master.roleReportedTime = System.currentTimeMillis();
        master.link.lastAvailTime = System.currentTimeMillis();
        master.link.actPingTime = System.currentTimeMillis();
        master.link.lastPongTime = System.currentTimeMillis();
    }

    private void callClientReconfScript(Instance master, String role, String state, String fromIp, int fromPort,
            String toIp, int toPort) {
        if (master.clientReconfigScript == null) {
            return;
        }
        Scripts.run(this, master.clientReconfigScript, master.name, role, state, fromIp, Integer.toString(fromPort),
                toIp, Integer.toString(toPort));
    }
}
