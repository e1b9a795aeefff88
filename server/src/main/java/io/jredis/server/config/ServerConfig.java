package io.jredis.server.config;

import static io.jredis.server.config.NumberDirective.Format.MEMORY;
import static io.jredis.server.config.NumberDirective.Format.MEMORY_OR_PERCENT;
import static io.jredis.server.config.NumberDirective.Format.OCTAL;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Every directive Redis 7.0.15 accepts, with Redis's defaults, bounds, flags and aliases. Typed fields let the engine
 * read values without a lookup; the registry serves config files, CONFIG GET/SET and CONFIG REWRITE. Directives
 * jredis does not act on yet carry {@link Directive#NOT_IMPLEMENTED}: setting one logs a warning at start-up.
 */
public final class ServerConfig {
    private static final int NI = Directive.NOT_IMPLEMENTED;
    private static final int IMM = Directive.IMMUTABLE;
    private static final int HIDDEN = Directive.HIDDEN;
    private static final int SENSITIVE = Directive.SENSITIVE;
    private static final int PROTECTED = Directive.PROTECTED;
    private static final int DENY_LOADING = Directive.DENY_LOADING;
    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long INT_MIN = Integer.MIN_VALUE;
    private static final long UINT_MAX = 0xffffffffL;
    private static final long LONG_MAX = Long.MAX_VALUE;
    private static final List<String> PROTECTED_ACTION = List.of("no", "yes", "local");

    private final Map<String, Directive> byName = new LinkedHashMap<>();
    private final List<Directive> all = new ArrayList<>();
    private final List<String> fileUsers = new ArrayList<>();
    private final List<String> loadModules = new ArrayList<>();
    private final List<String[]> renamedCommands = new ArrayList<>();
    private final Map<String, String> moduleConfigs = new LinkedHashMap<>();
    private final List<ConfigFile.SentinelLine> sentinelLines = new ArrayList<>();
    private final List<Consumer<ConfigRewrite>> rewriteContributors = new ArrayList<>();
    private Supplier<List<String>> userLines = this::defaultUserLines;
    private Path configFile;
    private boolean sentinelMode;

    // ---- Network ----
    public final BindDirective bind = add(new BindDirective(0));
    public final StringDirective bindSourceAddr = add(new StringDirective("bind-source-addr", "", 0).emptyIsNull());
    public final BoolDirective protectedMode = add(new BoolDirective("protected-mode", true, 0));
    public final EnumDirective enableProtectedConfigs = add(new EnumDirective("enable-protected-configs", "no",
            PROTECTED_ACTION, IMM));
    public final EnumDirective enableDebugCommand = add(new EnumDirective("enable-debug-command", "no",
            PROTECTED_ACTION, IMM));
    public final EnumDirective enableModuleCommand = add(new EnumDirective("enable-module-command", "no",
            PROTECTED_ACTION, IMM));
    public final NumberDirective port = add(new NumberDirective("port", 6379, 0, 65535, false, 0));
    public final NumberDirective tcpBacklog = add(new NumberDirective("tcp-backlog", 511, 0, INT_MAX, false, IMM));
    public final StringDirective unixsocket = add(new StringDirective("unixsocket", "", IMM).emptyIsNull());
    public final NumberDirective unixsocketperm = add(new NumberDirective("unixsocketperm", 0, 0, 0777, OCTAL, IMM));
    public final NumberDirective timeout = add(new NumberDirective("timeout", 0, 0, INT_MAX, false, 0));
    public final NumberDirective tcpKeepalive = add(new NumberDirective("tcp-keepalive", 300, 0, INT_MAX, false, 0));
    public final NumberDirective socketMarkId = add(new NumberDirective("socket-mark-id", 0, 0, UINT_MAX, false,
            IMM | NI));

    // ---- TLS ----
    public final NumberDirective tlsPort = add(new NumberDirective("tls-port", 0, 0, 65535, false, 0));
    public final StringDirective tlsCertFile = add(new StringDirective("tls-cert-file", "", 0).emptyIsNull());
    public final StringDirective tlsKeyFile = add(new StringDirective("tls-key-file", "", 0).emptyIsNull());
    public final StringDirective tlsKeyFilePass = add(new StringDirective("tls-key-file-pass", "", 0).emptyIsNull());
    public final StringDirective tlsClientCertFile = add(new StringDirective("tls-client-cert-file", "", 0)
            .emptyIsNull());
    public final StringDirective tlsClientKeyFile = add(new StringDirective("tls-client-key-file", "", 0)
            .emptyIsNull());
    public final StringDirective tlsClientKeyFilePass = add(new StringDirective("tls-client-key-file-pass", "", 0)
            .emptyIsNull());
    public final StringDirective tlsDhParamsFile = add(new StringDirective("tls-dh-params-file", "", NI)
            .emptyIsNull());
    public final StringDirective tlsCaCertFile = add(new StringDirective("tls-ca-cert-file", "", 0).emptyIsNull());
    public final StringDirective tlsCaCertDir = add(new StringDirective("tls-ca-cert-dir", "", 0).emptyIsNull());
    public final EnumDirective tlsAuthClients = add(new EnumDirective("tls-auth-clients", "yes",
            List.of("no", "yes", "optional"), 0));
    public final BoolDirective tlsReplication = add(new BoolDirective("tls-replication", false, 0));
    public final BoolDirective tlsCluster = add(new BoolDirective("tls-cluster", false, 0));
    public final StringDirective tlsProtocols = add(new StringDirective("tls-protocols", "", 0).emptyIsNull());
    public final StringDirective tlsCiphers = add(new StringDirective("tls-ciphers", "", 0).emptyIsNull());
    public final StringDirective tlsCiphersuites = add(new StringDirective("tls-ciphersuites", "", 0).emptyIsNull());
    public final BoolDirective tlsPreferServerCiphers = add(new BoolDirective("tls-prefer-server-ciphers", false, 0));
    public final BoolDirective tlsSessionCaching = add(new BoolDirective("tls-session-caching", true, NI));
    public final NumberDirective tlsSessionCacheSize = add(new NumberDirective("tls-session-cache-size", 20 * 1024, 0,
            INT_MAX, false, 0));
    public final NumberDirective tlsSessionCacheTimeout = add(new NumberDirective("tls-session-cache-timeout", 300, 0,
            INT_MAX, false, 0));

    // ---- General ----
    public final BoolDirective daemonize = add(new BoolDirective("daemonize", false, IMM));
    public final EnumDirective supervised = add(new EnumDirective("supervised", "no",
            List.of("upstart", "systemd", "auto", "no"), IMM));
    public final StringDirective pidfile = add(new StringDirective("pidfile", "", IMM).emptyIsNull());
    public final EnumDirective loglevel = add(new EnumDirective("loglevel", "notice",
            List.of("debug", "verbose", "notice", "warning"), 0));
    public final StringDirective logfile = add(new StringDirective("logfile", "", IMM));

    /**
     * A file name as Redis opens it after its {@code chdir} to {@code dir}: relative names are relative to
     * {@link #dir}; null and "" are returned unchanged (logfile "" means standard output).
     */
    public String inDir(String file) {
        return file == null || file.isEmpty() ? file : dir.path().resolve(file).toString();
    }
    public final BoolDirective syslogEnabled = add(new BoolDirective("syslog-enabled", false, IMM | NI));
    public final StringDirective syslogIdent = add(new StringDirective("syslog-ident", "redis", IMM | NI));
    public final EnumDirective syslogFacility = add(new EnumDirective("syslog-facility", "local0",
            List.of("user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"),
            IMM | NI));
    public final BoolDirective crashLogEnabled = add(new BoolDirective("crash-log-enabled", true, NI));
    public final BoolDirective crashMemcheckEnabled = add(new BoolDirective("crash-memcheck-enabled", true, NI));
    public final NumberDirective databases = add(new NumberDirective("databases", 16, 1, INT_MAX, false, IMM));
    public final BoolDirective alwaysShowLogo = add(new BoolDirective("always-show-logo", false, IMM));
    public final BoolDirective setProcTitle = add(new BoolDirective("set-proc-title", true, IMM | NI));
    public final StringDirective procTitleTemplate = add(new StringDirective("proc-title-template",
            "{title} {listen-addr} {server-mode}", NI).validator(this::checkProcTitleTemplate));
    public final StringDirective ignoreWarnings = add(new StringDirective("ignore-warnings", "", NI));

    // ---- Snapshotting ----
    public final SaveDirective save = add(new SaveDirective(0));
    public final BoolDirective stopWritesOnBgsaveError = add(new BoolDirective("stop-writes-on-bgsave-error", true,
            0));
    public final BoolDirective rdbcompression = add(new BoolDirective("rdbcompression", true, 0));
    public final BoolDirective rdbchecksum = add(new BoolDirective("rdbchecksum", true, IMM));
    public final EnumDirective sanitizeDumpPayload = add(new EnumDirective("sanitize-dump-payload", "no",
            List.of("no", "yes", "clients"), 0));
    public final StringDirective dbfilename = add(new StringDirective("dbfilename", "dump.rdb", PROTECTED)
            .validator(v -> isBaseName(v) ? null : "dbfilename can't be a path, just a filename"));
    public final BoolDirective rdbDelSyncFiles = add(new BoolDirective("rdb-del-sync-files", false, 0));
    public final DirDirective dir = add(new DirDirective(PROTECTED | DENY_LOADING));
    public final BoolDirective rdbSaveIncrementalFsync = add(new BoolDirective("rdb-save-incremental-fsync", true,
            0));
    public final NumberDirective rdbKeySaveDelay = add(new NumberDirective("rdb-key-save-delay", 0, INT_MIN, INT_MAX,
            false, HIDDEN));
    public final NumberDirective keyLoadDelay = add(new NumberDirective("key-load-delay", 0, INT_MIN, INT_MAX, false,
            HIDDEN));
    public final NumberDirective loadingProcessEventsIntervalBytes = add(new NumberDirective(
            "loading-process-events-interval-bytes", 2 * 1024 * 1024, 1024, INT_MAX, false, HIDDEN));

    // ---- Replication ----
    public final ReplicaofDirective replicaof = add(new ReplicaofDirective(IMM));
    public final StringDirective masterauth = add(new StringDirective("masterauth", "", SENSITIVE)
            .emptyIsNull().binarySafe());
    public final StringDirective masteruser = add(new StringDirective("masteruser", "", SENSITIVE)
            .emptyIsNull());
    public final BoolDirective replicaServeStaleData = add(new BoolDirective("replica-serve-stale-data", true, 0,
            "slave-serve-stale-data"));
    public final BoolDirective replicaReadOnly = add(new BoolDirective("replica-read-only", true, 0,
            "slave-read-only"));
    public final BoolDirective replDisklessSync = add(new BoolDirective("repl-diskless-sync", true, 0));
    public final NumberDirective replDisklessSyncDelay = add(new NumberDirective("repl-diskless-sync-delay", 5, 0,
            INT_MAX, false, 0));
    public final NumberDirective replDisklessSyncMaxReplicas = add(new NumberDirective(
            "repl-diskless-sync-max-replicas", 0, 0, INT_MAX, false, 0));
    public final EnumDirective replDisklessLoad = add(new EnumDirective("repl-diskless-load", "disabled",
            List.of("disabled", "on-empty-db", "swapdb"), DENY_LOADING));
    public final NumberDirective replPingReplicaPeriod = add(new NumberDirective("repl-ping-replica-period", 10, 1,
            INT_MAX, false, 0, "repl-ping-slave-period"));
    public final NumberDirective replTimeout = add(new NumberDirective("repl-timeout", 60, 1, INT_MAX, false, 0));
    public final BoolDirective replDisableTcpNodelay = add(new BoolDirective("repl-disable-tcp-nodelay", false, 0));
    public final NumberDirective replBacklogSize = add(new NumberDirective("repl-backlog-size", 1024 * 1024, 1,
            LONG_MAX, MEMORY, 0));
    public final NumberDirective replBacklogTtl = add(new NumberDirective("repl-backlog-ttl", 3600, 0, LONG_MAX,
            false, 0));
    public final NumberDirective replicaPriority = add(new NumberDirective("replica-priority", 100, 0, INT_MAX, false,
            0, "slave-priority"));
    public final BoolDirective replicaAnnounced = add(new BoolDirective("replica-announced", true, 0));
    public final NumberDirective minReplicasToWrite = add(new NumberDirective("min-replicas-to-write", 0, 0, INT_MAX,
            false, 0, "min-slaves-to-write"));
    public final NumberDirective minReplicasMaxLag = add(new NumberDirective("min-replicas-max-lag", 10, 0, INT_MAX,
            false, 0, "min-slaves-max-lag"));
    public final StringDirective replicaAnnounceIp = add(new StringDirective("replica-announce-ip", "", 0,
            "slave-announce-ip").emptyIsNull());
    public final NumberDirective replicaAnnouncePort = add(new NumberDirective("replica-announce-port", 0, 0, 65535,
            false, 0, "slave-announce-port"));
    public final BoolDirective replicaIgnoreMaxmemory = add(new BoolDirective("replica-ignore-maxmemory", true, 0,
            "slave-ignore-maxmemory"));
    public final BoolDirective replicaLazyFlush = add(new BoolDirective("replica-lazy-flush", false, NI,
            "slave-lazy-flush"));
    public final BoolDirective replicaIgnoreDiskWriteErrors = add(new BoolDirective(
            "replica-ignore-disk-write-errors", false, NI));
    public final EnumDirective propagationErrorBehavior = add(new EnumDirective("propagation-error-behavior",
            "ignore", List.of("ignore", "panic", "panic-on-replicas"), 0));

    // ---- Keys tracking, security, clients ----
    public final NumberDirective trackingTableMaxKeys = add(new NumberDirective("tracking-table-max-keys", 1000000, 0,
            LONG_MAX, false, 0));
    public final NumberDirective acllogMaxLen = add(new NumberDirective("acllog-max-len", 128, 0, LONG_MAX, false,
            0));
    public final StringDirective aclfile = add(new StringDirective("aclfile", "", IMM));
    public final EnumDirective aclPubsubDefault = add(new EnumDirective("acl-pubsub-default", "resetchannels",
            List.of("allchannels", "resetchannels"), 0));
    public final StringDirective requirepass = add(new StringDirective("requirepass", "", SENSITIVE).emptyIsNull()
            .binarySafe());
    public final NumberDirective maxclients = add(new NumberDirective("maxclients", 10000, 1, UINT_MAX, false, 0));

    // ---- Memory management ----
    public final NumberDirective maxmemory = add(new NumberDirective("maxmemory", 0, 0, NumberDirective.ULLONG_MAX,
            MEMORY, 0));
    public final EnumDirective maxmemoryPolicy = add(new EnumDirective("maxmemory-policy", "noeviction",
            List.of("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu",
                    "allkeys-random", "noeviction"), 0));
    public final NumberDirective maxmemorySamples = add(new NumberDirective("maxmemory-samples", 5, 1, INT_MAX, false,
            0));
    public final NumberDirective maxmemoryEvictionTenacity = add(new NumberDirective("maxmemory-eviction-tenacity", 10,
            0, 100, false, NI));
    public final NumberDirective maxmemoryClients = add(new NumberDirective("maxmemory-clients", 0, -100, LONG_MAX,
            MEMORY_OR_PERCENT, 0));
    public final BoolDirective lazyfreeLazyEviction = add(new BoolDirective("lazyfree-lazy-eviction", false, 0));
    public final BoolDirective lazyfreeLazyExpire = add(new BoolDirective("lazyfree-lazy-expire", false, 0));
    public final BoolDirective lazyfreeLazyServerDel = add(new BoolDirective("lazyfree-lazy-server-del", false, 0));
    public final BoolDirective lazyfreeLazyUserDel = add(new BoolDirective("lazyfree-lazy-user-del", false, 0));
    public final BoolDirective lazyfreeLazyUserFlush = add(new BoolDirective("lazyfree-lazy-user-flush", false, 0));

    // ---- Threads, kernel ----
    public final NumberDirective ioThreads = add(new NumberDirective("io-threads", 1, 1, 128, false, IMM | NI));
    public final BoolDirective ioThreadsDoReads = add(new BoolDirective("io-threads-do-reads", false, IMM | NI));
    public final EnumDirective oomScoreAdj = add(new EnumDirective("oom-score-adj", "no",
            List.of("no", "yes", "relative", "absolute"), 0).synonym("relative", "yes"));
    public final OomScoreAdjValuesDirective oomScoreAdjValues = add(new OomScoreAdjValuesDirective(0));
    public final BoolDirective disableThp = add(new BoolDirective("disable-thp", true, IMM | NI));
    public final StringDirective serverCpulist = add(new StringDirective("server_cpulist", "", IMM | NI)
            .emptyIsNull());
    public final StringDirective bioCpulist = add(new StringDirective("bio_cpulist", "", IMM | NI).emptyIsNull());
    public final StringDirective aofRewriteCpulist = add(new StringDirective("aof_rewrite_cpulist", "", IMM | NI)
            .emptyIsNull());
    public final StringDirective bgsaveCpulist = add(new StringDirective("bgsave_cpulist", "", IMM | NI)
            .emptyIsNull());
    public final BoolDirective jemallocBgThread = add(new BoolDirective("jemalloc-bg-thread", true, NI));

    // ---- Append only mode ----
    public final BoolDirective appendonly = add(new BoolDirective("appendonly", false, DENY_LOADING));
    public final StringDirective appendfilename = add(new StringDirective("appendfilename", "appendonly.aof",
            IMM).validator(v -> v.isEmpty() ? "appendfilename can't be empty"
                    : isBaseName(v) ? null : "appendfilename can't be a path, just a filename"));
    public final StringDirective appenddirname = add(new StringDirective("appenddirname", "appendonlydir", IMM)
            .validator(v -> v.isEmpty() ? "appenddirname can't be empty"
                    : isBaseName(v) ? null : "appenddirname can't be a path, just a dirname"));
    public final EnumDirective appendfsync = add(new EnumDirective("appendfsync", "everysec",
            List.of("everysec", "always", "no"), 0));
    public final BoolDirective noAppendfsyncOnRewrite = add(new BoolDirective("no-appendfsync-on-rewrite", false, NI));
    public final NumberDirective autoAofRewritePercentage = add(new NumberDirective("auto-aof-rewrite-percentage", 100,
            0, INT_MAX, false, 0));
    public final NumberDirective autoAofRewriteMinSize = add(new NumberDirective("auto-aof-rewrite-min-size",
            64L * 1024 * 1024, 0, LONG_MAX, MEMORY, 0));
    public final BoolDirective aofLoadTruncated = add(new BoolDirective("aof-load-truncated", true, 0));
    public final BoolDirective aofUseRdbPreamble = add(new BoolDirective("aof-use-rdb-preamble", true, 0));
    public final BoolDirective aofTimestampEnabled = add(new BoolDirective("aof-timestamp-enabled", false, 0));
    public final BoolDirective aofRewriteIncrementalFsync = add(new BoolDirective("aof-rewrite-incremental-fsync",
            true, NI));
    public final BoolDirective aofDisableAutoGc = add(new BoolDirective("aof-disable-auto-gc", false, 0));

    // ---- Shutdown, scripting ----
    public final NumberDirective shutdownTimeout = add(new NumberDirective("shutdown-timeout", 10, 0, INT_MAX, false,
            0));
    public final ShutdownOnSignalDirective shutdownOnSigint = add(new ShutdownOnSignalDirective("shutdown-on-sigint",
            0));
    public final ShutdownOnSignalDirective shutdownOnSigterm = add(new ShutdownOnSignalDirective(
            "shutdown-on-sigterm", 0));
    public final NumberDirective busyReplyThreshold = add(new NumberDirective("busy-reply-threshold", 5000, 0,
            LONG_MAX, false, 0, "lua-time-limit"));
    public final BoolDirective luaEnableDeprecatedApi = add(new BoolDirective("lua-enable-deprecated-api", false,
            IMM | HIDDEN));

    // ---- Cluster ----
    public final BoolDirective clusterEnabled = add(new BoolDirective("cluster-enabled", false, IMM));
    public final StringDirective clusterConfigFile = add(new StringDirective("cluster-config-file", "nodes.conf",
            IMM | NI));
    public final NumberDirective clusterNodeTimeout = add(new NumberDirective("cluster-node-timeout", 15000, 0,
            LONG_MAX, false, NI));
    public final NumberDirective clusterPort = add(new NumberDirective("cluster-port", 0, 0, 65535, false, IMM | NI));
    public final NumberDirective clusterReplicaValidityFactor = add(new NumberDirective(
            "cluster-replica-validity-factor", 10, 0, INT_MAX, false, NI, "cluster-slave-validity-factor"));
    public final NumberDirective clusterMigrationBarrier = add(new NumberDirective("cluster-migration-barrier", 1, 0,
            INT_MAX, false, NI));
    public final BoolDirective clusterAllowReplicaMigration = add(new BoolDirective(
            "cluster-allow-replica-migration", true, NI));
    public final BoolDirective clusterRequireFullCoverage = add(new BoolDirective("cluster-require-full-coverage",
            true, NI));
    public final BoolDirective clusterReplicaNoFailover = add(new BoolDirective("cluster-replica-no-failover", false,
            NI, "cluster-slave-no-failover"));
    public final BoolDirective clusterAllowReadsWhenDown = add(new BoolDirective("cluster-allow-reads-when-down",
            false, NI));
    public final BoolDirective clusterAllowPubsubshardWhenDown = add(new BoolDirective(
            "cluster-allow-pubsubshard-when-down", true, NI));
    public final NumberDirective clusterLinkSendbufLimit = add(new NumberDirective("cluster-link-sendbuf-limit", 0, 0,
            NumberDirective.ULLONG_MAX, MEMORY, NI));
    public final StringDirective clusterAnnounceHostname = add(new StringDirective("cluster-announce-hostname", "",
            NI).emptyIsNull().validator(ServerConfig::checkHostname));
    public final EnumDirective clusterPreferredEndpointType = add(new EnumDirective(
            "cluster-preferred-endpoint-type", "ip", List.of("ip", "hostname", "unknown-endpoint"), NI));
    public final StringDirective clusterAnnounceIp = add(new StringDirective("cluster-announce-ip", "", NI)
            .emptyIsNull());
    public final NumberDirective clusterAnnouncePort = add(new NumberDirective("cluster-announce-port", 0, 0, 65535,
            false, NI));
    public final NumberDirective clusterAnnounceTlsPort = add(new NumberDirective("cluster-announce-tls-port", 0, 0,
            65535, false, NI));
    public final NumberDirective clusterAnnounceBusPort = add(new NumberDirective("cluster-announce-bus-port", 0, 0,
            65535, false, NI));

    // ---- Slow log, latency, event notification ----
    public final NumberDirective slowlogLogSlowerThan = add(new NumberDirective("slowlog-log-slower-than", 10000, -1,
            LONG_MAX, false, 0));
    public final NumberDirective slowlogMaxLen = add(new NumberDirective("slowlog-max-len", 128, 0, LONG_MAX, false,
            0));
    public final NumberDirective latencyMonitorThreshold = add(new NumberDirective("latency-monitor-threshold", 0, 0,
            LONG_MAX, false, 0));
    public final BoolDirective latencyTracking = add(new BoolDirective("latency-tracking", true, 0));
    public final LatencyPercentilesDirective latencyTrackingInfoPercentiles = add(new LatencyPercentilesDirective(0));
    public final NotifyKeyspaceEventsDirective notifyKeyspaceEvents = add(new NotifyKeyspaceEventsDirective(0));

    // ---- Advanced ----
    public final NumberDirective hashMaxListpackEntries = add(new NumberDirective("hash-max-listpack-entries", 512, 0,
            LONG_MAX, false, 0, "hash-max-ziplist-entries"));
    public final NumberDirective hashMaxListpackValue = add(new NumberDirective("hash-max-listpack-value", 64, 0,
            LONG_MAX, MEMORY, 0, "hash-max-ziplist-value"));
    public final NumberDirective listMaxListpackSize = add(new NumberDirective("list-max-listpack-size", -2, INT_MIN,
            INT_MAX, false, 0, "list-max-ziplist-size"));
    public final NumberDirective listCompressDepth = add(new NumberDirective("list-compress-depth", 0, 0, INT_MAX,
            false, NI));
    public final NumberDirective setMaxIntsetEntries = add(new NumberDirective("set-max-intset-entries", 512, 0,
            LONG_MAX, false, 0));
    public final NumberDirective zsetMaxListpackEntries = add(new NumberDirective("zset-max-listpack-entries", 128, 0,
            LONG_MAX, false, 0, "zset-max-ziplist-entries"));
    public final NumberDirective zsetMaxListpackValue = add(new NumberDirective("zset-max-listpack-value", 64, 0,
            LONG_MAX, MEMORY, 0, "zset-max-ziplist-value"));
    public final NumberDirective hllSparseMaxBytes = add(new NumberDirective("hll-sparse-max-bytes", 3000, 0, LONG_MAX,
            MEMORY, 0));
    public final NumberDirective streamNodeMaxBytes = add(new NumberDirective("stream-node-max-bytes", 4096, 0,
            LONG_MAX, MEMORY, 0));
    public final NumberDirective streamNodeMaxEntries = add(new NumberDirective("stream-node-max-entries", 100, 0,
            LONG_MAX, false, 0));
    public final BoolDirective activerehashing = add(new BoolDirective("activerehashing", true, NI));
    public final ClientOutputBufferLimitDirective clientOutputBufferLimit = add(new ClientOutputBufferLimitDirective(
            0));
    public final NumberDirective clientQueryBufferLimit = add(new NumberDirective("client-query-buffer-limit",
            1024L * 1024 * 1024, 1024 * 1024, LONG_MAX, true, 0));
    public final NumberDirective protoMaxBulkLen = add(new NumberDirective("proto-max-bulk-len", 512L * 1024 * 1024,
            1024 * 1024, LONG_MAX, true, 0));
    public final NumberDirective hz = add(new NumberDirective("hz", 10, 0, INT_MAX, false, 0));
    public final BoolDirective dynamicHz = add(new BoolDirective("dynamic-hz", true, NI));
    public final NumberDirective activeExpireEffort = add(new NumberDirective("active-expire-effort", 1, 1, 10, false,
            NI));
    public final NumberDirective lfuLogFactor = add(new NumberDirective("lfu-log-factor", 10, 0, INT_MAX, false, 0));
    public final NumberDirective lfuDecayTime = add(new NumberDirective("lfu-decay-time", 1, 0, INT_MAX, false, 0));
    /**
     * jredis-specific, not a Redis directive: the TCP port of the built-in OpenMetrics (Prometheus) endpoint, 0 for
     * none. Hidden from CONFIG GET patterns so that comparisons with a real Redis see the same directive list.
     */
    public final NumberDirective metricsPort = add(new NumberDirective("metrics-port", 0, 0, 65535, false,
            IMM | HIDDEN));

    // ---- Active defragmentation ----
    public final BoolDirective activedefrag = add(new BoolDirective("activedefrag", false, NI));
    public final NumberDirective activeDefragIgnoreBytes = add(new NumberDirective("active-defrag-ignore-bytes",
            100L << 20, 1, LONG_MAX, MEMORY, NI));
    public final NumberDirective activeDefragThresholdLower = add(new NumberDirective("active-defrag-threshold-lower",
            10, 0, 1000, false, NI));
    public final NumberDirective activeDefragThresholdUpper = add(new NumberDirective("active-defrag-threshold-upper",
            100, 0, 1000, false, NI));
    public final NumberDirective activeDefragCycleMin = add(new NumberDirective("active-defrag-cycle-min", 1, 1, 99,
            false, NI));
    public final NumberDirective activeDefragCycleMax = add(new NumberDirective("active-defrag-cycle-max", 25, 1, 99,
            false, NI));
    public final NumberDirective activeDefragMaxScanFields = add(new NumberDirective("active-defrag-max-scan-fields",
            1000, 1, LONG_MAX, false, NI));

    // ---- Debugging ----
    public final BoolDirective useExitOnPanic = add(new BoolDirective("use-exit-on-panic", false, HIDDEN));
    public final NumberDirective watchdogPeriod = add(new NumberDirective("watchdog-period", 0, 0, INT_MAX, false,
            HIDDEN | NI));

    public ServerConfig() {
        // Redis treats hz as a hint: out-of-range values are accepted and clamped to 1..500.
        hz.onChange(this::clampHz);
        // Redis's resizeReplicationBacklog raises a CONFIG SET below CONFIG_REPL_BACKLOG_MIN_SIZE (the file's value
        // is taken as it is).
        replBacklogSize.onChange(() -> replBacklogSize.force(Math.max(16 * 1024, replBacklogSize.value())));
        // Redis's applyWatchdogPeriod, run by CONFIG SET only: a period under two timer ticks is raised to two.
        watchdogPeriod.onChange(() -> {
            long minPeriod = (1000 / hz.value()) * 2;
            if (watchdogPeriod.value() != 0 && watchdogPeriod.value() < minPeriod) {
                watchdogPeriod.force(minPeriod);
            }
        });
    }

    /** Clamps {@code hz} into Redis's range (1..500); run after loading and after CONFIG SET. */
    void clampHz() {
        hz.force(Math.max(1, Math.min(500, hz.value())));
    }

    /**
     * Registers a directive. A module owning a directive may register its own class under an existing name: it
     * replaces the declared one (keeping its place in CONFIG REWRITE order).
     */
    public <T extends Directive> T add(T d) {
        Directive old = byName.get(d.name());
        if (old != null) {
            all.set(all.indexOf(old), d);
            byName.values().removeIf(v -> v == old);
        } else {
            all.add(d);
        }
        byName.put(d.name(), d);
        for (String a : d.aliases()) {
            byName.put(a, d);
        }
        return d;
    }

    /** Finds a directive by name or alias, case-insensitively. */
    public Directive find(String name) {
        return byName.get(name.toLowerCase());
    }

    /** Every directive once, in declaration order (CONFIG REWRITE appends in this order). */
    public Collection<Directive> directives() {
        return all;
    }

    /** All names (primary and aliases) with their directive, for CONFIG GET pattern matching. */
    public Map<String, Directive> names() {
        return byName;
    }

    /** The config file the server was started with (absolute), or null; CONFIG REWRITE writes it. */
    public Path configFile() {
        return configFile;
    }

    public void configFile(Path file) {
        this.configFile = file == null ? null : file.toAbsolutePath();
    }

    /** True in Sentinel mode: config files may hold {@code sentinel} lines and rewrites keep unknown lines. */
    public boolean sentinelMode() {
        return sentinelMode;
    }

    public void sentinelMode(boolean on) {
        this.sentinelMode = on;
    }

    /** {@code user} lines of the config files (arguments after "user", as written), for the ACL module. */
    public List<String> fileUsers() {
        return fileUsers;
    }

    /** {@code loadmodule} lines (path and arguments); jredis loads no modules but keeps them for CONFIG REWRITE. */
    public List<String> loadModules() {
        return loadModules;
    }

    /** {@code rename-command <name> <new-name>} pairs, in file order ("" as new name removes the command). */
    public List<String[]> renamedCommands() {
        return renamedCommands;
    }

    /** Module directives ({@code module.name value}) found in config files. */
    public Map<String, String> moduleConfigs() {
        return moduleConfigs;
    }

    /** {@code sentinel ...} lines of the config files, for the Sentinel module (only accepted in Sentinel mode). */
    public List<ConfigFile.SentinelLine> sentinelLines() {
        return sentinelLines;
    }

    /** Extra rewriters run after the standard directives (Sentinel state, for instance). */
    public List<Consumer<ConfigRewrite>> rewriteContributors() {
        return rewriteContributors;
    }

    /**
     * The {@code user} lines CONFIG REWRITE writes (without the leading "user "). Until an ACL module supplies its
     * own, they are the file's users as written plus the default user described from {@code requirepass}, sorted by
     * name as Redis lists them; with an {@code aclfile} no user lines are written.
     */
    public List<String> userLines() {
        return aclfile.value().isEmpty() ? userLines.get() : List.of();
    }

    public void userLines(Supplier<List<String>> supplier) {
        this.userLines = supplier;
    }

    private List<String> defaultUserLines() {
        List<String> out = new ArrayList<>();
        boolean defaultDeclared = false;
        for (String u : fileUsers) {
            defaultDeclared |= u.startsWith("default ");
            out.add(u);
        }
        if (!defaultDeclared) {
            String pass = requirepass.value();
            out.add("default on " + (pass.isEmpty() ? "nopass" : "#" + sha256(pass)) + " ~* &* +@all");
        }
        out.sort((a, b) -> a.split(" ", 2)[0].compareTo(b.split(" ", 2)[0]));
        return out;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isBaseName(String v) {
        return v.indexOf('/') < 0;
    }

    private static String checkHostname(String v) {
        if (v.length() >= 256) {
            return "Hostnames must be less than 256 characters";
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '.')) {
                return "Hostnames may only contain alphanumeric characters, hyphens or dots";
            }
        }
        return null;
    }

    /**
     * Redis's {@code validateProcTitleTemplate}: {@code {var}} placeholders must be known and the expansion (with an
     * empty title) must not be blank; a doubled opening brace stands for a literal one.
     */
    private String checkProcTitleTemplate(String template) {
        StringBuilder out = new StringBuilder();
        int p = 0;
        while (p < template.length()) {
            int open = template.indexOf('{', p);
            if (open < 0) {
                out.append(template, p, template.length());
                break;
            }
            out.append(template, p, open);
            if (open + 1 >= template.length()) {
                return "template format is invalid or contains unknown variables";
            }
            if (template.charAt(open + 1) == '{') {
                out.append('{');
                p = open + 2;
                continue;
            }
            int close = template.indexOf('}', open + 1);
            if (close < 0) {
                return "template format is invalid or contains unknown variables";
            }
            String value = procTitleVariable(template.substring(open + 1, close));
            if (value == null) {
                return "template format is invalid or contains unknown variables";
            }
            out.append(value);
            p = close + 1;
        }
        return out.toString().replace(" ", "").isEmpty() ? "template format is invalid or contains unknown variables" : null;
    }

    private String procTitleVariable(String name) {
        return switch (name) {
            case "title" -> "";
            case "listen-addr" -> port.value() != 0 || tlsPort.value() != 0
                    ? (bind.value().isEmpty() ? "*" : bind.value().get(0)) + ":"
                            + (port.value() != 0 ? port.value() : tlsPort.value())
                    : "unixsocket:" + unixsocket.value();
            case "server-mode" -> clusterEnabled.value() ? "[cluster]" : sentinelMode ? "[sentinel]" : "";
            case "config-file" -> configFile == null ? "-" : configFile.toString();
            case "port" -> Long.toString(port.value());
            case "tls-port" -> Long.toString(tlsPort.value());
            case "unixsocket" -> unixsocket.value();
            default -> null;
        };
    }
}
