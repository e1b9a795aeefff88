package io.jredis.sentinel;

import io.jredis.server.config.ConfigFile;
import io.jredis.server.config.ConfigRewrite;
import io.jredis.server.config.ServerConfig;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code sentinel ...} lines of sentinel.conf: read at start (Redis's sentinelHandleConfiguration, with its
 * error texts) and written back on every state change (rewriteConfigSentinelOption), so a restarted Sentinel keeps
 * its id, epochs and known instances.
 */
final class SentinelConfig {
    private static final String[] OPTIONS = {"sentinel myid", "sentinel monitor", "sentinel down-after-milliseconds",
        "sentinel failover-timeout", "sentinel parallel-syncs", "sentinel notification-script",
        "sentinel client-reconfig-script", "sentinel auth-pass", "sentinel auth-user", "sentinel config-epoch",
        "sentinel leader-epoch", "sentinel known-slave", "sentinel known-replica", "sentinel known-sentinel",
        "sentinel rename-command", "sentinel announce-ip", "sentinel announce-port", "sentinel current-epoch",
        "sentinel deny-scripts-reconfig", "sentinel resolve-hostnames", "sentinel announce-hostnames",
        "sentinel sentinel-user", "sentinel sentinel-pass", "sentinel master-reboot-down-after-period"};

    private SentinelConfig() {}

    /** Options Redis applies before any {@code sentinel monitor} line, wherever they stand in the file. */
    private static final Set<String> PRE_MONITOR = Set.of("announce-ip", "announce-port",
        "deny-scripts-reconfig", "sentinel-user", "sentinel-pass", "current-epoch", "myid", "resolve-hostnames",
        "announce-hostnames");

    /**
     * Applies every stored sentinel line, or throws Redis's fatal config error for the first bad one. Like Redis's
     * loadSentinelConfigFromQueue the lines go in three passes (global options, monitor lines, the rest), so a
     * per-master option may precede its {@code sentinel monitor} line.
     */
    static void load(Sentinel s, ServerConfig cfg) throws ConfigFile.FatalConfigError {
        for (int pass = 0; pass < 3; pass++) {
            for (ConfigFile.SentinelLine line : cfg.sentinelLines()) {
                if (loadPass(line.args()) != pass) {
                    continue;
                }
                String err = apply(s, line.args());
                if (err != null) {
                    throw new ConfigFile.FatalConfigError(line.line(), line.text(), err);
                }
            }
        }
    }

    private static int loadPass(List<String> args) {
        if (args.isEmpty()) {
            return 2;
        }
        String opt = args.get(0).toLowerCase(Locale.ROOT);
        return opt.equals("monitor") ? 1 : PRE_MONITOR.contains(opt) ? 0 : 2;
    }

    /** Applies one line's arguments (after "sentinel"); returns an error text or null. */
    static String apply(Sentinel s, List<String> a) {
        if (a.isEmpty()) {
            return "Unrecognized sentinel configuration statement.";
        }
        String opt = a.get(0).toLowerCase();
        int n = a.size();
        try {
            switch (opt) {
                case "monitor" -> {
                    if (n != 5) {
                        return "Wrong number of arguments for 'sentinel monitor'";
                    }
                    int quorum = Integer.parseInt(a.get(4));
                    if (quorum <= 0) {
                        return "Quorum must be 1 or greater.";
                    }
                    String err = s.monitor(a.get(1), a.get(2), Integer.parseInt(a.get(3)), quorum);
                    if (err != null) {
                        return err;
                    }
                }
                case "down-after-milliseconds", "failover-timeout", "parallel-syncs", "notification-script",
                        "client-reconfig-script", "auth-pass", "auth-user", "master-reboot-down-after-period" -> {
                    if (n != 3) {
                        return "Unrecognized sentinel configuration statement.";
                    }
                    Instance m = s.masters.get(a.get(1));
                    if (m == null) {
                        return "No such master with specified name.";
                    }
                    String err = s.setMasterOption(m, opt, a.get(2), true);
                    if (err != null) {
                        return err;
                    }
                }
                case "myid" -> {
                    if (n != 2 || a.get(1).length() != 40) {
                        return "Malformed Sentinel id in myid option.";
                    }
                    s.myId = a.get(1);
                }
                case "current-epoch" -> s.currentEpoch = Math.max(s.currentEpoch, Long.parseLong(a.get(1)));
                case "config-epoch" -> {
                    Instance m = s.masters.get(a.get(1));
                    if (m == null) {
                        return "No such master with specified name.";
                    }
                    m.configEpoch = Long.parseLong(a.get(2));
                    s.currentEpoch = Math.max(s.currentEpoch, m.configEpoch);
                }
                case "leader-epoch" -> {
                    Instance m = s.masters.get(a.get(1));
                    if (m == null) {
                        return "No such master with specified name.";
                    }
                    m.leaderEpoch = Long.parseLong(a.get(2));
                }
                case "known-slave", "known-replica" -> {
                    if (n != 4) {
                        return "Unrecognized sentinel configuration statement.";
                    }
                    Instance m = s.masters.get(a.get(1));
                    if (m == null) {
                        return "No such master with specified name.";
                    }
                    String name = a.get(2) + ":" + a.get(3);
                    m.slaves.putIfAbsent(name, new Instance(Instance.SLAVE, name, a.get(2),
                            Integer.parseInt(a.get(3)), m));
                }
                case "known-sentinel" -> {
                    if (n != 4 && n != 5) {
                        return "Unrecognized sentinel configuration statement.";
                    }
                    Instance m = s.masters.get(a.get(1));
                    if (m == null) {
                        return "No such master with specified name.";
                    }
                    if (n == 5) {
                        Instance si = new Instance(Instance.SENTINEL, a.get(4), a.get(2), Integer.parseInt(a.get(3)),
                                m);
                        si.runId = a.get(4);
                        m.sentinels.put(a.get(4), si);
                    }
                }
                case "rename-command" -> {
                    if (n != 4) {
                        return "Unrecognized sentinel configuration statement.";
                    }
                    Instance m = s.masters.get(a.get(1));
                    if (m == null) {
                        return "No such master with specified name.";
                    }
                    m.renamedCommands.put(a.get(2).toLowerCase(), a.get(3));
                }
                case "announce-ip" -> s.announceIp = a.get(1).isEmpty() ? null : a.get(1);
                case "announce-port" -> s.announcePort = Integer.parseInt(a.get(1));
                case "deny-scripts-reconfig" -> s.denyScriptsReconfig = yes(a.get(1));
                case "resolve-hostnames" -> s.resolveHostnames = yes(a.get(1));
                case "announce-hostnames" -> s.announceHostnames = yes(a.get(1));
                case "sentinel-user" -> s.sentinelUser = a.get(1).isEmpty() ? null : a.get(1);
                case "sentinel-pass" -> s.sentinelPass = a.get(1).isEmpty() ? null : a.get(1);
                default -> {
                    return "Unrecognized sentinel configuration statement.";
                }
            }
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return "Unrecognized sentinel configuration statement.";
        }
        return null;
    }

    private static boolean yes(String v) {
        return v.equalsIgnoreCase("yes");
    }

    /** Writes the Sentinel state into a config rewrite, in Redis's order. */
    static void rewrite(Sentinel s, ConfigRewrite rw) {
        rw.line("sentinel myid", "sentinel myid " + s.myId, true);
        if (!s.denyScriptsReconfig) {
            rw.line("sentinel deny-scripts-reconfig", "sentinel deny-scripts-reconfig no", true);
        }
        if (s.resolveHostnames) {
            rw.line("sentinel resolve-hostnames", "sentinel resolve-hostnames yes", true);
        }
        if (s.announceHostnames) {
            rw.line("sentinel announce-hostnames", "sentinel announce-hostnames yes", true);
        }
        if (s.sentinelUser != null) {
            rw.line("sentinel sentinel-user", "sentinel sentinel-user " + ConfigRewrite.repr(s.sentinelUser), true);
        }
        if (s.sentinelPass != null) {
            rw.line("sentinel sentinel-pass", "sentinel sentinel-pass " + ConfigRewrite.repr(s.sentinelPass), true);
        }
        for (Instance m : s.masters.values()) {
            Instance current = Sentinel.currentMaster(m);
            rw.line("sentinel monitor", "sentinel monitor " + m.name + " " + s.announce(current.ip) + " " + current.port + " "
                    + Integer.toUnsignedString(m.quorum), true);
            if (m.downAfterPeriod != Sentinel.DEFAULT_DOWN_AFTER) {
                rw.line("sentinel down-after-milliseconds", "sentinel down-after-milliseconds " + m.name + " "
                        + m.downAfterPeriod, true);
            }
            if (m.failoverTimeout != Sentinel.DEFAULT_FAILOVER_TIMEOUT) {
                rw.line("sentinel failover-timeout", "sentinel failover-timeout " + m.name + " " + m.failoverTimeout,
                        true);
            }
            if (m.parallelSyncs != 1) {
                rw.line("sentinel parallel-syncs", "sentinel parallel-syncs " + m.name + " " + m.parallelSyncs, true);
            }
            if (m.notificationScript != null) {
                rw.line("sentinel notification-script", "sentinel notification-script " + m.name + " "
                        + m.notificationScript, true);
            }
            if (m.clientReconfigScript != null) {
                rw.line("sentinel client-reconfig-script", "sentinel client-reconfig-script " + m.name + " "
                        + m.clientReconfigScript, true);
            }
            if (m.authPass != null) {
                rw.line("sentinel auth-pass", "sentinel auth-pass " + m.name + " " + m.authPass, true);
            }
            if (m.authUser != null) {
                rw.line("sentinel auth-user", "sentinel auth-user " + m.name + " " + m.authUser, true);
            }
            if (m.masterRebootDownAfterPeriod != 0) {
                rw.line("sentinel master-reboot-down-after-period", "sentinel master-reboot-down-after-period "
                        + m.name + " " + m.masterRebootDownAfterPeriod, true);
            }
            rw.line("sentinel config-epoch", "sentinel config-epoch " + m.name + " " + m.configEpoch, true);
            rw.line("sentinel leader-epoch", "sentinel leader-epoch " + m.name + " " + m.leaderEpoch, true);
            for (Instance r : m.slaves.values()) {
                String ip = r.ip;
                int port = r.port;
                // A replica already promoted is written with the old master's address.
                if (ip.equals(current.ip) && port == current.port) {
                    ip = m.ip;
                    port = m.port;
                }
                rw.line("sentinel known-replica", "sentinel known-replica " + m.name + " " + s.announce(ip) + " "
                        + port, true);
            }
            for (Instance si : m.sentinels.values()) {
                if (si.runId != null) {
                    rw.line("sentinel known-sentinel", "sentinel known-sentinel " + m.name + " " + s.announce(si.ip) + " " + si.port
                            + " " + si.runId, true);
                }
            }
            for (var e : m.renamedCommands.entrySet()) {
                rw.line("sentinel rename-command", "sentinel rename-command " + m.name + " " + e.getKey() + " "
                        + e.getValue(), true);
            }
        }
        rw.line("sentinel current-epoch", "sentinel current-epoch " + s.currentEpoch, true);
        if (s.announceIp != null) {
            rw.line("sentinel announce-ip", "sentinel announce-ip " + s.announceIp, true);
        }
        if (s.announcePort != 0) {
            rw.line("sentinel announce-port", "sentinel announce-port " + s.announcePort, true);
        }
        for (String o : OPTIONS) {
            rw.markProcessed(o);
        }
    }
}
