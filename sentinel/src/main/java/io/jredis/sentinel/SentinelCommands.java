package io.jredis.sentinel;

import io.jredis.server.Client;
import io.jredis.server.command.CommandTable;
import io.jredis.server.log.Log;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.Glob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SENTINEL command and Sentinel's own ROLE and PUBLISH (Redis's sentinelCommand and friends). */
final class SentinelCommands {
    private final Sentinel s;

    SentinelCommands(Sentinel s) {
        this.s = s;
    }

    void register(CommandTable t) {
        t.register("sentinel|masters", (c, argv) -> instances(c, new ArrayList<>(s.masters.values())));
        t.register("sentinel|master", (c, argv) -> {
            Instance m = master(c, argv[2]);
            if (m != null) {
                instance(c, m);
            }
        });
        t.register("sentinel|replicas", this::replicas);
        t.register("sentinel|slaves", this::replicas);
        t.register("sentinel|sentinels", (c, argv) -> {
            Instance m = master(c, argv[2]);
            if (m != null) {
                instances(c, new ArrayList<>(m.sentinels.values()));
            }
        });
        t.register("sentinel|get-master-addr-by-name", this::getMasterAddr);
        t.register("sentinel|is-master-down-by-addr", this::isMasterDownByAddr);
        t.register("sentinel|myid", (c, argv) -> c.reply().bulk(s.myId));
        t.register("sentinel|failover", this::failover);
        t.register("sentinel|reset", this::reset);
        t.register("sentinel|ckquorum", this::ckquorum);
        t.register("sentinel|flushconfig", (c, argv) -> {
            flushConfigAndReply(c);
        });
        t.register("sentinel|monitor", this::monitor);
        t.register("sentinel|remove", this::remove);
        t.register("sentinel|set", this::set);
        t.register("sentinel|info-cache", this::infoCache);
        t.register("sentinel|pending-scripts", (c, argv) -> c.reply().array(0));
        t.register("sentinel|config", this::config);
        t.register("sentinel|debug", this::debug);
        t.register("sentinel|simulate-failure", this::simulateFailure);
        t.register("sentinel|help", this::help);
        t.register("role", this::role);
        t.register("publish", this::publish);
    }

    private Instance master(Client c, byte[] name) {
        Instance m = s.masters.get(Bytes.str(name));
        if (m == null) {
            c.engine().error(c, "ERR No such master with that name");
        }
        return m;
    }

    private void replicas(Client c, byte[][] argv) {
        Instance m = master(c, argv[2]);
        if (m != null) {
            instances(c, new ArrayList<>(m.slaves.values()));
        }
    }

    /** Instances as Redis's addReplyDictOfRedisInstances: replicas reporting replica_announced:0 are left out. */
    private void instances(Client c, List<Instance> list) {
        list.removeIf(ri -> ri.is(Instance.SLAVE) && !ri.replicaAnnounced);
        c.reply().array(list.size());
        for (Instance ri : list) {
            instance(c, ri);
        }
    }

    /** One instance's state as field/value pairs, as Redis's addReplySentinelRedisInstance (a map in RESP3). */
    private void instance(Client c, Instance ri) {
        long now = System.currentTimeMillis();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("name", ri.name);
        f.put("ip", s.announce(ri.ip));
        f.put("port", Integer.toString(ri.port));
        f.put("runid", ri.runId == null ? "" : ri.runId);
        f.put("flags", flags(ri));
        f.put("link-pending-commands", Integer.toString(ri.link.pendingCommands()));
        f.put("link-refcount", "1");
        if (ri.is(Instance.FAILOVER_IN_PROGRESS)) {
            f.put("failover-state", ri.failoverState.text);
        }
        f.put("last-ping-sent", Long.toString(ri.link.actPingTime != 0 ? now - ri.link.actPingTime : 0));
        f.put("last-ok-ping-reply", Long.toString(now - ri.link.lastAvailTime));
        f.put("last-ping-reply", Long.toString(now - ri.link.lastPongTime));
        if (ri.is(Instance.S_DOWN)) {
            f.put("s-down-time", Long.toString(now - ri.sDownSinceTime));
        }
        if (ri.is(Instance.O_DOWN)) {
            f.put("o-down-time", Long.toString(now - ri.oDownSinceTime));
        }
        f.put("down-after-milliseconds", Long.toString(ri.downAfterPeriod));
        if (ri.is(Instance.MASTER | Instance.SLAVE)) {
            f.put("info-refresh", Long.toString(ri.infoRefresh != 0 ? now - ri.infoRefresh : 0));
            f.put("role-reported", ri.roleReported == Instance.MASTER ? "master" : "slave");
            f.put("role-reported-time", Long.toString(now - ri.roleReportedTime));
        }
        if (ri.is(Instance.MASTER)) {
            f.put("config-epoch", Long.toString(ri.configEpoch));
            f.put("num-slaves", Integer.toString(ri.slaves.size()));
            f.put("num-other-sentinels", Integer.toString(ri.sentinels.size()));
            f.put("quorum", Integer.toUnsignedString(ri.quorum));
            f.put("failover-timeout", Long.toString(ri.failoverTimeout));
            f.put("parallel-syncs", Integer.toString(ri.parallelSyncs));
            if (ri.notificationScript != null) {
                f.put("notification-script", ri.notificationScript);
            }
            if (ri.clientReconfigScript != null) {
                f.put("client-reconfig-script", ri.clientReconfigScript);
            }
        }
        if (ri.is(Instance.SLAVE)) {
            f.put("master-link-down-time", Long.toString(ri.masterLinkDownTime));
            f.put("master-link-status", ri.slaveMasterLinkUp ? "ok" : "err");
            f.put("master-host", ri.slaveMasterHost == null ? "?" : ri.slaveMasterHost);
            f.put("master-port", Integer.toString(ri.slaveMasterPort));
            f.put("slave-priority", Integer.toString(ri.slavePriority));
            f.put("slave-repl-offset", Long.toString(ri.slaveReplOffset));
            f.put("replica-announced", ri.replicaAnnounced ? "1" : "0");
        }
        if (ri.is(Instance.SENTINEL)) {
            f.put("last-hello-message", Long.toString(now - ri.lastHelloTime));
            f.put("voted-leader", ri.leader == null ? "?" : ri.leader);
            f.put("voted-leader-epoch", Long.toString(ri.leaderEpoch));
        }
        Reply r = c.reply();
        r.map(f.size());
        for (Map.Entry<String, String> e : f.entrySet()) {
            r.bulk(e.getKey());
            r.bulk(e.getValue());
        }
    }

    private static String flags(Instance ri) {
        StringBuilder sb = new StringBuilder();
        String[] names = {"s_down", "o_down", "master", "slave", "sentinel"};
        int[] bits = {Instance.S_DOWN, Instance.O_DOWN, Instance.MASTER, Instance.SLAVE, Instance.SENTINEL};
        for (int i = 0; i < bits.length; i++) {
            if (ri.is(bits[i])) {
                sb.append(names[i]).append(',');
            }
        }
        if (ri.link.disconnected) {
            sb.append("disconnected,");
        }
        String[] more = {"master_down", "failover_in_progress", "promoted", "reconf_sent", "reconf_inprog",
            "reconf_done", "force_failover", "script_kill_sent"};
        int[] moreBits = {Instance.MASTER_DOWN, Instance.FAILOVER_IN_PROGRESS, Instance.PROMOTED, Instance.RECONF_SENT,
            Instance.RECONF_INPROG, Instance.RECONF_DONE, Instance.FORCE_FAILOVER, Instance.SCRIPT_KILL_SENT};
        for (int i = 0; i < moreBits.length; i++) {
            if (ri.is(moreBits[i])) {
                sb.append(more[i]).append(',');
            }
        }
        if (sb.length() > 0) {
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }

    private void getMasterAddr(Client c, byte[][] argv) {
        Instance m = s.masters.get(Bytes.str(argv[2]));
        if (m == null) {
            c.reply().nullArray();
            return;
        }
        Instance cur = Sentinel.currentMaster(m);
        c.reply().array(2);
        c.reply().bulk(s.announce(cur.ip));
        c.reply().bulk(Integer.toString(cur.port));
    }

    private void isMasterDownByAddr(Client c, byte[][] argv) {
        if (argv.length != 6) {
            c.engine().error(c, "ERR wrong number of arguments for 'sentinel|is-master-down-by-addr' command");
            return;
        }
        Long port = Bytes.toLong(argv[3]);
        Long reqEpoch = Bytes.toLong(argv[4]);
        if (port == null || reqEpoch == null) {
            c.engine().error(c, "ERR value is not an integer or out of range");
            return;
        }
        Instance ri = s.masterByAddr(Bytes.str(argv[2]), port);
        boolean down = !s.tilt && ri != null && ri.is(Instance.S_DOWN) && ri.is(Instance.MASTER);
        String leader = null;
        long[] leaderEpoch = {0};
        String runId = Bytes.str(argv[5]);
        if (ri != null && ri.is(Instance.MASTER) && !runId.equals("*")) {
            leader = s.voteLeader(ri, reqEpoch, runId, leaderEpoch);
        }
        c.reply().array(3);
        c.reply().integer(down ? 1 : 0);
        c.reply().bulk(leader == null ? "*" : leader);
        c.reply().integer(leaderEpoch[0]);
    }

    private void failover(Client c, byte[][] argv) {
        if (argv.length != 3) {
            c.engine().error(c, "ERR wrong number of arguments for 'sentinel|failover' command");
            return;
        }
        Instance m = master(c, argv[2]);
        if (m == null) {
            return;
        }
        if (m.is(Instance.FAILOVER_IN_PROGRESS)) {
            c.engine().error(c, "INPROG Failover already in progress");
            return;
        }
        if (s.selectSlave(m, System.currentTimeMillis()) == null) {
            c.engine().error(c, "NOGOODSLAVE No suitable replica to promote");
            return;
        }
        s.log.warning("Executing user requested FAILOVER of '" + m.name + "'");
        s.startFailover(m, System.currentTimeMillis());
        m.flags |= Instance.FORCE_FAILOVER;
        c.reply().ok();
    }

    private void reset(Client c, byte[][] argv) {
        if (argv.length != 3) {
            c.engine().error(c, "ERR wrong number of arguments for 'sentinel|reset' command");
            return;
        }
        int n = 0;
        for (Instance m : s.masters.values()) {
            if (Glob.match(argv[2], Bytes.of(m.name), false)) {
                s.resetMaster(m, true);
                s.event(Log.WARNING, "+reset-master", m, "");
                n++;
            }
        }
        s.flushConfig();
        c.reply().integer(n);
    }

    private void ckquorum(Client c, byte[][] argv) {
        if (argv.length != 3) {
            c.engine().error(c, "ERR wrong number of arguments for 'sentinel|ckquorum' command");
            return;
        }
        Instance m = master(c, argv[2]);
        if (m == null) {
            return;
        }
        int usable = 1;
        int voters = m.sentinels.size() + 1;
        for (Instance si : m.sentinels.values()) {
            if (!si.is(Instance.S_DOWN | Instance.O_DOWN)) {
                usable++;
            }
        }
        // Unlike the ODOWN check, Redis compares with the quorum cast to a signed int here.
        boolean noQuorum = usable < m.quorum;
        boolean noAuth = usable < voters / 2 + 1;
        if (!noQuorum && !noAuth) {
            c.reply().simple("OK " + usable + " usable Sentinels. Quorum and failover authorization can be reached");
            return;
        }
        StringBuilder e = new StringBuilder("NOQUORUM " + usable + " usable Sentinels. ");
        if (noQuorum) {
            e.append("Not enough available Sentinels to reach the specified quorum for this master");
        }
        if (noAuth) {
            if (noQuorum) {
                e.append(". ");
            }
            e.append("Not enough available Sentinels to reach the majority and authorize a failover");
        }
        c.engine().error(c, e.toString());
    }

    /** SENTINEL MONITOR: quorum is parsed before the port, and without resolve-hostnames only IPs are accepted. */
    private void monitor(Client c, byte[][] argv) {
        if (argv.length != 6) {
            c.engine().error(c, "ERR wrong number of arguments for 'sentinel|monitor' command");
            return;
        }
        Long quorum = Bytes.toLong(argv[5]);
        if (quorum == null) {
            c.engine().error(c, "ERR Invalid quorum");
            return;
        }
        Long port = Bytes.toLong(argv[4]);
        if (port == null) {
            c.engine().error(c, "ERR Invalid port");
            return;
        }
        if (quorum <= 0) {
            c.engine().error(c, "ERR Quorum must be 1 or greater.");
            return;
        }
        String host = Bytes.str(argv[3]);
        if (!s.resolveHostnames && !Sentinel.isIpLiteral(host) || Sentinel.resolve(host) == null) {
            c.engine().error(c, "ERR Invalid IP address or hostname specified");
            return;
        }
        String err = s.monitor(Bytes.str(argv[2]), host, port, quorum.intValue());
        if (err != null) {
            c.engine().error(c, "ERR " + err);
            return;
        }
        flushConfigAndReply(c);
        s.event(Log.WARNING, "+monitor", s.masters.get(Bytes.str(argv[2])), "quorum " + quorum.intValue());
    }

    private void remove(Client c, byte[][] argv) {
        if (argv.length != 3) {
            c.engine().error(c, "ERR wrong number of arguments for 'sentinel|remove' command");
            return;
        }
        Instance m = master(c, argv[2]);
        if (m == null) {
            return;
        }
        s.event(Log.WARNING, "-monitor", m, "");
        s.resetMaster(m, true);
        s.masters.remove(m.name);
        flushConfigAndReply(c);
    }

    /**
     * SENTINEL SET, as Redis's sentinelSetCommand: options apply one by one, so those before a bad one stay
     * applied (and are flushed); rename-command takes two values.
     */
    private void set(Client c, byte[][] argv) {
        Instance m = master(c, argv[2]);
        if (m == null) {
            return;
        }
        boolean changed = false;
        for (int j = 3; j < argv.length; j++) {
            int more = argv.length - 1 - j;
            String opt = Bytes.str(argv[j]);
            String lower = opt.toLowerCase();
            int first = j;
            if (lower.equals("rename-command") && more > 1) {
                String from = Bytes.str(argv[++j]);
                String to = Bytes.str(argv[++j]);
                if (from.isEmpty() || to.isEmpty()) {
                    c.engine().error(c, "ERR Invalid argument '" + (to.isEmpty() ? to : from)
                            + "' for SENTINEL SET '" + opt + "'");
                    flushAfterError(changed);
                    return;
                }
                if (from.equalsIgnoreCase(to)) {
                    m.renamedCommands.remove(from.toLowerCase());
                } else {
                    m.renamedCommands.put(from.toLowerCase(), to);
                }
            } else if (more > 0 && SET_OPTIONS.contains(lower)) {
                String value = Bytes.str(argv[++j]);
                String err = setOption(m, lower, argv[j]);
                if (err != null) {
                    c.engine().error(c, err.isEmpty()
                            ? "ERR Invalid argument '" + value + "' for SENTINEL SET '" + opt + "'" : "ERR " + err);
                    flushAfterError(changed);
                    return;
                }
            } else {
                c.engine().error(c, "ERR Unknown option or number of arguments for SENTINEL SET '" + opt + "'");
                flushAfterError(changed);
                return;
            }
            changed = true;
            StringBuilder extra = new StringBuilder();
            for (int k = first; k <= j; k++) {
                // The +set event (log and pub/sub) never shows a password.
                boolean redact = k > first && lower.equals("auth-pass");
                extra.append(k == first ? "" : " ").append(redact ? "******" : Bytes.str(argv[k]));
            }
            s.event(Log.WARNING, "+set", m, extra.toString());
        }
        flushConfigAndReply(c);
    }

    /** Options applied before a bad one stay applied and are saved; the error is the reply, as in Redis. */
    private void flushAfterError(boolean changed) {
        if (changed) {
            s.flushConfig();
        }
    }

    /** Saves the config file and replies OK, or Redis's error when the file could not be written. */
    private void flushConfigAndReply(Client c) {
        if (s.flushConfig()) {
            c.reply().ok();
        } else {
            c.engine().error(c, "ERR Failed to save config file. Check server logs.");
        }
    }

    private static final java.util.Set<String> SET_OPTIONS = java.util.Set.of("down-after-milliseconds",
            "failover-timeout", "parallel-syncs", "notification-script", "client-reconfig-script", "auth-pass",
            "auth-user", "quorum", "master-reboot-down-after-period");

    /** One SENTINEL SET option: null when applied, "" for a bad number, else the error text. */
    private String setOption(Instance m, String opt, byte[] raw) {
        String value = Bytes.str(raw);
        if (opt.equals("notification-script") || opt.equals("client-reconfig-script")) {
            if (s.denyScriptsReconfig) {
                return "Reconfiguration of scripts path is denied for security reasons. Check the "
                        + "deny-scripts-reconfig configuration directive in your Sentinel configuration";
            }
            return s.setMasterOption(m, opt, value, true);
        }
        if (opt.equals("auth-pass") || opt.equals("auth-user")) {
            return s.setMasterOption(m, opt, value, false);
        }
        Long v = Bytes.toLong(raw);
        if (v == null || v < (opt.equals("master-reboot-down-after-period") ? 0 : 1)) {
            return "";
        }
        return s.setMasterOption(m, opt, Long.toString(v), false);
    }

    private void infoCache(Client c, byte[][] argv) {
        List<Instance> selected = new ArrayList<>();
        for (Instance m : s.masters.values()) {
            boolean wanted = argv.length == 2;
            for (int i = 2; i < argv.length; i++) {
                wanted |= Bytes.str(argv[i]).equals(m.name);
            }
            if (wanted) {
                selected.add(m);
            }
        }
        Reply r = c.reply();
        r.array(selected.size() * 2);
        long now = System.currentTimeMillis();
        for (Instance m : selected) {
            r.bulk(m.name);
            List<Instance> all = new ArrayList<>();
            all.add(m);
            all.addAll(m.slaves.values());
            r.array(all.size());
            for (Instance ri : all) {
                r.array(2);
                r.integer(ri.infoRefresh == 0 ? 0 : now - ri.infoRefresh);
                if (ri.info.isEmpty()) {
                    r.nullBulk();
                } else {
                    r.bulk(ri.info);
                }
            }
        }
    }

    /** SENTINEL CONFIG GET <pattern> | SET <option> <value>, as Redis's sentinelConfigGet/SetCommand. */
    private void config(Client c, byte[][] argv) {
        String sub = Bytes.lower(argv[2]);
        if (sub.equals("get") && argv.length == 4) {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : configParams().entrySet()) {
                if (Glob.match(argv[3], Bytes.of(e.getKey()), true)) {
                    out.put(e.getKey(), e.getValue());
                }
            }
            c.reply().map(out.size());
            for (Map.Entry<String, String> e : out.entrySet()) {
                c.reply().bulk(e.getKey());
                c.reply().bulk(e.getValue());
            }
        } else if (sub.equals("set") && argv.length == 5) {
            String opt = Bytes.str(argv[3]);
            String name = opt.toLowerCase();
            String value = Bytes.str(argv[4]);
            if (!configParams().containsKey(name)) {
                c.engine().error(c, "ERR Invalid argument '" + opt + "' to SENTINEL CONFIG SET");
                return;
            }
            boolean valid = switch (name) {
                case "resolve-hostnames", "announce-hostnames" -> value.equalsIgnoreCase("yes")
                        || value.equalsIgnoreCase("no");
                case "announce-port" -> {
                    Long p = Bytes.toLong(argv[4]);
                    yield p != null && p >= 0 && p <= 65535;
                }
                default -> true;
            };
            if (!valid || SentinelConfig.apply(s, List.of(name, value)) != null) {
                c.engine().error(c, "ERR Invalid value '" + value + "' to SENTINEL CONFIG SET '" + opt + "'");
                return;
            }
            flushConfigAndReply(c);
            if (name.equals("sentinel-user") || name.equals("sentinel-pass")) {
                s.dropSentinelConnections();
            }
        } else {
            c.engine().error(c, "ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.");
        }
    }

    private Map<String, String> configParams() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("resolve-hostnames", s.resolveHostnames ? "yes" : "no");
        params.put("announce-hostnames", s.announceHostnames ? "yes" : "no");
        params.put("announce-ip", s.announceIp == null ? "" : s.announceIp);
        params.put("announce-port", Integer.toString(s.announcePort));
        params.put("sentinel-user", s.sentinelUser == null ? "" : s.sentinelUser);
        params.put("sentinel-pass", s.sentinelPass == null ? "" : s.sentinelPass);
        return params;
    }

    /** SENTINEL DEBUG [param value ...]: parameters apply one by one, as in Redis. */
    private void debug(Client c, byte[][] argv) {
        Map<String, long[]> p = debugParams();
        if (argv.length == 2) {
            c.reply().map(p.size());
            for (Map.Entry<String, long[]> e : p.entrySet()) {
                c.reply().bulk(e.getKey().toUpperCase());
                c.reply().bulk(Long.toString(e.getValue()[0]));
            }
            return;
        }
        for (int j = 2; j < argv.length; j++) {
            String opt = Bytes.str(argv[j]);
            String name = opt.toLowerCase();
            if (!p.containsKey(name) || j == argv.length - 1) {
                c.engine().error(c, "ERR Unknown option or number of arguments for SENTINEL DEBUG '" + opt + "'");
                return;
            }
            Long v = Bytes.toLong(argv[++j]);
            if (v == null || v <= 0) {
                c.engine().error(c, "ERR Invalid argument '" + Bytes.str(argv[j]) + "' for SENTINEL DEBUG '"
                        + opt + "'");
                return;
            }
            setDebug(name, v);
        }
        c.reply().ok();
    }

    private Map<String, long[]> debugParams() {
        Map<String, long[]> p = new LinkedHashMap<>();
        p.put("info-period", new long[] {s.infoPeriod});
        p.put("ping-period", new long[] {s.pingPeriod});
        p.put("ask-period", new long[] {s.askPeriod});
        p.put("publish-period", new long[] {s.publishPeriod});
        p.put("default-down-after", new long[] {s.defaultDownAfter});
        p.put("default-failover-timeout", new long[] {s.defaultFailoverTimeout});
        p.put("tilt-trigger", new long[] {s.tiltTrigger});
        p.put("tilt-period", new long[] {s.tiltPeriod});
        p.put("slave-reconf-timeout", new long[] {s.slaveReconfTimeout});
        p.put("min-link-reconnect-period", new long[] {s.minLinkReconnectPeriod});
        p.put("election-timeout", new long[] {s.electionTimeout});
        p.put("script-max-runtime", new long[] {s.scriptMaxRuntime});
        p.put("script-retry-delay", new long[] {s.scriptRetryDelay});
        return p;
    }

    private void setDebug(String name, long v) {
        switch (name) {
            case "info-period" -> s.infoPeriod = v;
            case "ping-period" -> s.pingPeriod = v;
            case "ask-period" -> s.askPeriod = v;
            case "publish-period" -> s.publishPeriod = v;
            case "default-down-after" -> s.defaultDownAfter = v;
            case "tilt-trigger" -> s.tiltTrigger = v;
            case "tilt-period" -> s.tiltPeriod = v;
            case "slave-reconf-timeout" -> s.slaveReconfTimeout = v;
            case "min-link-reconnect-period" -> s.minLinkReconnectPeriod = v;
            case "default-failover-timeout" -> s.defaultFailoverTimeout = v;
            case "election-timeout" -> s.electionTimeout = v;
            case "script-max-runtime" -> s.scriptMaxRuntime = v;
            case "script-retry-delay" -> s.scriptRetryDelay = v;
            default -> throw new IllegalArgumentException(name);
        }
    }

    private void simulateFailure(Client c, byte[][] argv) {
        s.simulateFailure = 0;
        for (int i = 2; i < argv.length; i++) {
            String a = Bytes.lower(argv[i]);
            switch (a) {
                case "crash-after-election" -> s.simulateFailure |= Sentinel.SIMFAILURE_CRASH_AFTER_ELECTION;
                case "crash-after-promotion" -> s.simulateFailure |= Sentinel.SIMFAILURE_CRASH_AFTER_PROMOTION;
                case "help" -> {
                    c.reply().array(2);
                    c.reply().bulk("crash-after-election");
                    c.reply().bulk("crash-after-promotion");
                    return;
                }
                default -> {
                    c.engine().error(c, "ERR Unknown failure simulation specified");
                    return;
                }
            }
        }
        c.reply().ok();
    }

    private void help(Client c, byte[][] argv) {
        String[] lines = {
            "SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CKQUORUM <master-name>",
            "    Check if the current Sentinel configuration is able to reach the quorum",
            "    needed to failover a master and the majority needed to authorize the",
            "    failover.",
            "CONFIG SET <param> <value>",
            "    Set a global Sentinel configuration parameter.",
            "CONFIG GET <param>",
            "    Get global Sentinel configuration parameter.",
            "DEBUG [<param> <value> ...]",
            "    Show a list of configurable time parameters and their values (milliseconds).",
            "    Or update current configurable parameters values (one or more).",
            "GET-MASTER-ADDR-BY-NAME <master-name>",
            "    Return the ip and port number of the master with that name.",
            "FAILOVER <master-name>",
            "    Manually failover a master node without asking for agreement from other",
            "    Sentinels",
            "FLUSHCONFIG",
            "    Force Sentinel to rewrite its configuration on disk, including the current",
            "    Sentinel state.",
            "INFO-CACHE <master-name>",
            "    Return last cached INFO output from masters and all its replicas.",
            "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
            "    Check if the master specified by ip:port is down from current Sentinel's",
            "    point of view.",
            "MASTER <master-name>",
            "    Show the state and info of the specified master.",
            "MASTERS",
            "    Show a list of monitored masters and their state.",
            "MONITOR <name> <ip> <port> <quorum>",
            "    Start monitoring a new master with the specified name, ip, port and quorum.",
            "MYID",
            "    Return the ID of the Sentinel instance.",
            "PENDING-SCRIPTS",
            "    Get pending scripts information.",
            "REMOVE <master-name>",
            "    Remove master from Sentinel's monitor list.",
            "REPLICAS <master-name>",
            "    Show a list of replicas for this master and their state.",
            "RESET <pattern>",
            "    Reset masters for specific master name matching this pattern.",
            "SENTINELS <master-name>",
            "    Show a list of Sentinel instances for this master and their state.",
            "SET <master-name> <option> <value> [<option> <value> ...]",
            "    Set configuration parameters for certain masters.",
            "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
            "    Simulate a Sentinel crash.",
            "HELP",
            "    Prints this help."
        };
        c.reply().array(lines.length);
        for (String l : lines) {
            c.reply().simple(l);
        }
    }

    /** ROLE in Sentinel mode: {@code ["sentinel", [master names]]}. */
    private void role(Client c, byte[][] argv) {
        c.reply().array(2);
        c.reply().bulk("sentinel");
        c.reply().array(s.masters.size());
        for (String name : s.masters.keySet()) {
            c.reply().bulk(name);
        }
    }

    /** PUBLISH in Sentinel mode: only the hello channel is accepted, and its message is processed directly. */
    private void publish(Client c, byte[][] argv) {
        if (!Bytes.str(argv[1]).equals(Sentinel.HELLO_CHANNEL)) {
            c.engine().error(c, "ERR Only HELLO messages are accepted by Sentinel instances.");
            return;
        }
        s.processHello(Bytes.str(argv[2]));
        c.reply().integer(1);
    }

    /** The "# Sentinel" INFO section. */
    void infoSection(java.util.function.BiConsumer<String, Object> f) {
        f.accept("sentinel_masters", s.masters.size());
        f.accept("sentinel_tilt", s.tilt ? 1 : 0);
        f.accept("sentinel_tilt_since_seconds", s.tilt ? (System.currentTimeMillis() - s.tiltStartTime) / 1000 : -1);
        f.accept("sentinel_running_scripts", 0);
        f.accept("sentinel_scripts_queue_length", 0);
        f.accept("sentinel_simulate_failure_flags", s.simulateFailure);
        int i = 0;
        for (Instance m : s.masters.values()) {
            String status = m.is(Instance.O_DOWN) ? "odown" : m.is(Instance.S_DOWN) ? "sdown" : "ok";
            Instance cur = Sentinel.currentMaster(m);
            f.accept("master" + i++, "name=" + m.name + ",status=" + status + ",address=" + s.announce(cur.ip) + ":" + cur.port
                    + ",slaves=" + m.slaves.size() + ",sentinels=" + (m.sentinels.size() + 1));
        }
    }
}
