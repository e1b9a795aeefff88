package io.jredis.sentinel;

import io.jredis.server.net.RespClient;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A monitored instance as Redis's sentinelRedisInstance: a master (with its replicas, peer Sentinels and failover
 * state), a replica, or another Sentinel. All fields are touched on the Sentinel's event loop only.
 */
final class Instance {
    static final int MASTER = 1;
    static final int SLAVE = 1 << 1;
    static final int SENTINEL = 1 << 2;
    static final int S_DOWN = 1 << 3;
    static final int O_DOWN = 1 << 4;
    static final int MASTER_DOWN = 1 << 5;
    static final int FAILOVER_IN_PROGRESS = 1 << 6;
    static final int PROMOTED = 1 << 7;
    static final int RECONF_SENT = 1 << 8;
    static final int RECONF_INPROG = 1 << 9;
    static final int RECONF_DONE = 1 << 10;
    static final int FORCE_FAILOVER = 1 << 11;
    static final int SCRIPT_KILL_SENT = 1 << 12;
    static final int MASTER_REBOOT = 1 << 13;

    int flags;
    /** Master: its configured name; replica: "ip:port"; Sentinel: its run id. */
    String name;
    String runId;
    long configEpoch;
    String ip;
    int port;
    final Instance master;
    final Link link = new Link();

    long lastPubTime;
    long lastHelloTime;
    long lastMasterDownReplyTime;
    long sDownSinceTime;
    long oDownSinceTime;
    long downAfterPeriod = Sentinel.DEFAULT_DOWN_AFTER;
    long masterRebootDownAfterPeriod;
    long masterRebootSinceTime;
    long infoRefresh;
    /**
     * The command connection an INFO was sent on whose reply has not arrived (no other is sent meanwhile), or null.
     * Kept per connection: a connection closed with the INFO unanswered drops its callback, and the next one must
     * not wait for that reply forever.
     */
    RespClient infoPendingOn;
    String info = "";
    int roleReported;
    long roleReportedTime;
    long slaveConfChangeTime;

    // master only
    final Map<String, Instance> sentinels = new LinkedHashMap<>();
    final Map<String, Instance> slaves = new LinkedHashMap<>();
    int quorum;
    int parallelSyncs = 1;
    String authPass;
    String authUser;
    String notificationScript;
    String clientReconfigScript;
    final Map<String, String> renamedCommands = new LinkedHashMap<>();
    String leader;
    long leaderEpoch;
    long failoverEpoch;
    FailoverState failoverState = FailoverState.NONE;
    long failoverStateChangeTime;
    long failoverStartTime;
    long failoverTimeout = Sentinel.DEFAULT_FAILOVER_TIMEOUT;
    long failoverDelayLogged;
    Instance promotedSlave;

    // replica only
    long masterLinkDownTime;
    String slaveMasterHost;
    int slaveMasterPort;
    boolean slaveMasterLinkUp;
    int slavePriority = 100;
    boolean replicaAnnounced = true;
    long slaveReplOffset;
    long slaveReconfSentTime;

    Instance(int flags, String name, String ip, int port, Instance master) {
        this.flags = flags;
        this.name = name;
        this.ip = ip;
        this.port = port;
        this.master = master;
        long now = System.currentTimeMillis();
        this.roleReported = flags & (MASTER | SLAVE);
        this.roleReportedTime = now;
        this.slaveConfChangeTime = now;
        if (master != null) {
            this.downAfterPeriod = master.downAfterPeriod;
        }
    }

    boolean is(int flag) {
        return (flags & flag) != 0;
    }

    String addr() {
        return ip + ":" + port;
    }

    /** The word events and replies use for this instance's kind. */
    String typeName() {
        return is(MASTER) ? "master" : is(SLAVE) ? "slave" : is(SENTINEL) ? "sentinel" : "unknown";
    }

    /**
     * The instance part of an event, as Redis's sentinelEvent formats it: {@code master <name> <ip> <port>} or
     * {@code <type> <name> <ip> <port> @ <master> <master-ip> <master-port>}.
     */
    String describe(Sentinel sentinel) {
        String s = typeName() + " " + name + " " + sentinel.announce(ip) + " " + port;
        if (master != null) {
            s += " @ " + master.name + " " + sentinel.announce(master.ip) + " " + master.port;
        }
        return s;
    }

    /** Connection state of an instance: the command link, and for masters and replicas a pub/sub link too. */
    static final class Link {
        io.jredis.server.net.RespClient cmd;
        io.jredis.server.net.RespClient pubsub;
        boolean cmdConnecting;
        boolean pubsubConnecting;
        long ccConnTime;
        long pcConnTime;
        long pcLastActivity;
        long lastAvailTime = System.currentTimeMillis();
        /** When the oldest PING without a reply was sent; 0 when none is pending. */
        long actPingTime = System.currentTimeMillis();
        long lastPingTime;
        long lastPongTime = System.currentTimeMillis();
        long lastReconnTime;
        boolean disconnected = true;

        int pendingCommands() {
            return cmd == null ? 0 : cmd.pendingCommands();
        }
    }
}
