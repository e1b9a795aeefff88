package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.Latency;
import io.jredis.server.Memory;
import io.jredis.server.PubSub;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.config.Directive;
import io.jredis.server.db.Database;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.Doubles;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * INFO [section ...]: the sections and field names of Redis 7.0.15, in its order. Values are live where jredis
 * has the state (clients, commands, traffic, keyspace, errors); features not built yet report what Redis reports
 * when they are off (no RDB saves, AOF off, no replicas). {@code used_memory} is the dataset's estimated heap
 * footprint ({@link Memory}), {@code used_memory_rss} the process's resident set.
 */
final class InfoCommand {
    private static final List<String> DEFAULT_SECTIONS = List.of("server", "clients", "memory", "persistence",
            "stats", "replication", "cpu", "module_list", "errorstats", "cluster", "keyspace");
    private static final String BUILD_ID = "6a7265646973";

    /**
     * The kernel counts user and system time in clock ticks of 10 ms: the CPU section reads them again (from /proc,
     * for the process and for the engine thread) only when a tick has passed. The reads were half of an INFO's time.
     */
    private static final long CPU_TICK_NANOS = 10_000_000;

    private final Engine engine;
    private long cpuReadAt = System.nanoTime() - CPU_TICK_NANOS;
    private long processUser;
    private long processSys;
    private long mainUser;
    private long mainSys;

    private InfoCommand(Engine engine) {
        this.engine = engine;
    }

    static void register(Engine engine) {
        InfoCommand info = new InfoCommand(engine);
        engine.commands().register("info", info::info);
        engine.crashInfo(() -> info.generate(new byte[][] {Bytes.of("info"), Bytes.of("all")}));
    }

    /** INFO [section [section ...]] */
    private void info(Client c, byte[][] argv) {
        if (engine.config().sentinelMode()) {
            // Redis's sentinelInfoCommand replies a plain bulk string, in RESP3 too.
            c.reply().bulk(generate(argv));
            return;
        }
        c.reply().verbatim(generate(argv));
    }

    /** The INFO text for the section arguments {@code argv[1..]}, as Redis's genInfoSectionDict selects them. */
    private String generate(byte[][] argv) {
        Set<String> sections = new HashSet<>();
        boolean all = false;
        boolean everything = false;
        if (argv.length == 1) {
            sections.addAll(DEFAULT_SECTIONS);
        }
        for (int i = 1; i < argv.length; i++) {
            String s = Bytes.lower(argv[i]);
            switch (s) {
                case "default" -> sections.addAll(DEFAULT_SECTIONS);
                case "all" -> all = true;
                case "everything" -> {
                    all = true;
                    everything = true;
                }
                default -> sections.add(s);
            }
        }
        Text out = new Text();
        if (engine.config().sentinelMode()) {
            // Sentinel keeps no data: Redis prints only these sections, then Sentinel's own.
            sections.retainAll(List.of("server", "clients", "stats", "cpu"));
            if (argv.length == 1 || all) {
                sections.addAll(List.of("server", "clients", "stats", "cpu"));
            }
            if (sections.contains("server")) {
                server(out.section("Server"));
            }
            if (sections.contains("clients")) {
                clients(out.section("Clients"));
            }
            if (sections.contains("stats")) {
                stats(out.section("Stats"));
            }
            if (sections.contains("cpu")) {
                cpu(out.section("CPU"));
            }
            moduleSections(out, argv, all);
            return out.toString();
        }
        if (all || sections.contains("server")) {
            server(out.section("Server"));
        }
        if (all || sections.contains("clients")) {
            clients(out.section("Clients"));
        }
        if (all || sections.contains("memory")) {
            memory(out.section("Memory"));
        }
        if (all || sections.contains("persistence")) {
            persistence(out.section("Persistence"));
        }
        if (all || sections.contains("stats")) {
            stats(out.section("Stats"));
        }
        if (all || sections.contains("replication")) {
            replication(out.section("Replication"));
        }
        if (all || sections.contains("cpu")) {
            cpu(out.section("CPU"));
        }
        if (all || sections.contains("module_list") || sections.contains("modules") || everything) {
            out.section("Modules");
        }
        if (all || sections.contains("commandstats")) {
            commandstats(out.section("Commandstats"));
        }
        if (all || sections.contains("errorstats")) {
            errorstats(out.section("Errorstats"));
        }
        if (all || sections.contains("latencystats")) {
            latencystats(out.section("Latencystats"));
        }
        if (all || sections.contains("cluster")) {
            out.section("Cluster").field("cluster_enabled", 0);
        }
        if (all || sections.contains("keyspace")) {
            keyspace(out.section("Keyspace"));
        }
        return out.toString();
    }

    /** Sections modules added through {@code Engine.addInfoSection}, printed by default, with "all" or by name. */
    private void moduleSections(Text out, byte[][] argv, boolean all) {
        for (var e : engine.infoSections().entrySet()) {
            boolean named = false;
            for (int i = 1; i < argv.length; i++) {
                String section = Bytes.lower(argv[i]);
                named |= section.equals(e.getKey().toLowerCase()) || section.equals("default");
            }
            if (argv.length == 1 || all || named) {
                Text t = out.section(e.getKey());
                e.getValue().accept(t::field);
            }
        }
    }

    private void server(Text t) {
        long now = System.currentTimeMillis();
        long uptime = (now - engine.startedAt()) / 1000;
        Instant instant = Instant.now();
        t.field("redis_version", Engine.REDIS_VERSION)
                .field("redis_git_sha1", "00000000")
                .field("redis_git_dirty", 0)
                .field("redis_build_id", BUILD_ID)
                .field("redis_mode", engine.config().sentinelMode() ? "sentinel" : "standalone")
                .field("os", osName())
                .field("arch_bits", 64)
                .field("monotonic_clock", "POSIX clock_gettime")
                .field("multiplexing_api", multiplexingApi())
                .field("atomicvar_api", "c11-builtin")
                // Redis prints 0.0.0 when it was not built by GCC.
                .field("gcc_version", "0.0.0")
                .field("process_id", ProcessHandle.current().pid())
                .field("process_supervised", engine.systemd().active() ? "systemd" : "no")
                .field("run_id", engine.runId())
                .field("tcp_port", engine.tcpPort())
                .field("server_time_usec", instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000)
                .field("uptime_in_seconds", uptime)
                .field("uptime_in_days", uptime / (3600 * 24))
                .field("hz", engine.config().hz.value())
                .field("configured_hz", engine.config().hz.value())
                .field("lru_clock", lruClock(now))
                .field("executable", engine.executable())
                .field("config_file", engine.config().configFile() == null ? "" : engine.config().configFile().toString())
                .field("io_threads_active", 0);
        if (engine.shutdownSequence().initiated()) {
            t.field("shutdown_in_milliseconds", engine.shutdownSequence().remainingMillis());
        }
    }

    /** Redis's LRU clock: seconds, modulo 2^24. */
    static long lruClock(long ms) {
        return (ms / 1000) & ((1 << 24) - 1);
    }

    private static String osName() {
        String arch = System.getProperty("os.arch");
        if ("amd64".equals(arch)) {
            arch = "x86_64";
        }
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + arch;
    }

    private static String multiplexingApi() {
        return io.netty.channel.epoll.Epoll.isAvailable() && !Boolean.getBoolean("jredis.nio") ? "epoll" : "select";
    }

    private void clients(Text t) {
        int replicas = 0;
        for (Client c : engine.clients().values()) {
            if (c.type() == Client.Type.REPLICA) {
                replicas++;
            }
        }
        // As Redis, replicas are not counted (they are in connected_slaves).
        t.field("connected_clients", engine.clients().size() - replicas)
                .field("cluster_connections", 0)
                .field("maxclients", engine.config().maxclients.value())
                .field("client_recent_max_input_buffer", engine.memory().recentMaxInput())
                .field("client_recent_max_output_buffer", engine.memory().recentMaxOutput())
                .field("blocked_clients", engine.blocking().blockedClients() + engine.pausedClientCount())
                .field("tracking_clients", engine.tracking().trackingClients())
                .field("clients_in_timeout_table", engine.blocking().clientsWithTimeout());
    }

    private void memory(Text t) {
        io.jredis.server.scripting.Scripting lua = engine.scripting();
        long committed = Runtime.getRuntime().totalMemory();
        Memory mem = engine.memory();
        long rss = mem.rss();
        long used = mem.used();
        // The allocator's "active" memory: the committed heap only as far as it can be resident. A JVM commits its
        // initial heap (1/64 of the machine's memory) without touching it, and jemalloc's active pages, which Redis
        // reports here, are never more than its resident ones; allocator_rss_bytes was negative on a fresh server.
        long active = Math.max(used, Math.min(committed, rss));
        long peak = mem.peak();
        long startup = Memory.STARTUP_BYTES;
        long clientsMem = mem.clients();
        long replicaMem = mem.replicaBuffers();
        long dataset = mem.dataset();
        long netUsage = Math.max(1, used - startup);
        long maxmemory = engine.config().maxmemory.value();
        long system = SystemMemory.TOTAL;
        t.field("used_memory", used)
                .field("used_memory_human", human(used))
                .field("used_memory_rss", rss)
                .field("used_memory_rss_human", human(rss))
                .field("used_memory_peak", peak)
                .field("used_memory_peak_human", human(peak))
                .field("used_memory_peak_perc", pct(used * 100.0 / peak) + "%")
                .field("used_memory_overhead", startup + clientsMem + replicaMem)
                .field("used_memory_startup", startup)
                .field("used_memory_dataset", dataset)
                .field("used_memory_dataset_perc", pct(dataset * 100.0 / netUsage) + "%")
                .field("allocator_allocated", used)
                .field("allocator_active", active)
                .field("allocator_resident", rss)
                .field("total_system_memory", system)
                .field("total_system_memory_human", human(system))
                .field("used_memory_lua", lua.evalVmMemory())
                .field("used_memory_vm_eval", lua.evalVmMemory())
                .field("used_memory_lua_human", human(lua.evalVmMemory()))
                .field("used_memory_scripts_eval", lua.eval().memoryOverhead())
                .field("number_of_cached_scripts", lua.eval().size())
                .field("number_of_functions", lua.functions().functionCount())
                .field("number_of_libraries", lua.functions().libraryCount())
                .field("used_memory_vm_functions", lua.functionsVmMemory())
                .field("used_memory_vm_total", lua.evalVmMemory() + lua.functionsVmMemory())
                .field("used_memory_vm_total_human", human(lua.evalVmMemory() + lua.functionsVmMemory()))
                .field("used_memory_functions", lua.functions().memoryOverhead())
                .field("used_memory_scripts", lua.eval().memoryOverhead() + lua.functions().memoryOverhead())
                .field("used_memory_scripts_human", human(lua.eval().memoryOverhead()
                        + lua.functions().memoryOverhead()))
                .field("maxmemory", maxmemory)
                .field("maxmemory_human", human(maxmemory))
                .field("maxmemory_policy", engine.config().maxmemoryPolicy.value())
                .field("allocator_frag_ratio", pct((double) active / Math.max(1, used)))
                .field("allocator_frag_bytes", active - used)
                .field("allocator_rss_ratio", pct((double) rss / Math.max(1, active)))
                .field("allocator_rss_bytes", rss - active)
                .field("rss_overhead_ratio", pct((double) rss / Math.max(1, rss)))
                .field("rss_overhead_bytes", 0)
                .field("mem_fragmentation_ratio", pct((double) rss / Math.max(1, used)))
                .field("mem_fragmentation_bytes", rss - used)
                .field("mem_not_counted_for_evict", replicaMem)
                .field("mem_replication_backlog", mem.replicationBuffers() - replicaMem)
                .field("mem_total_replication_buffers", mem.replicationBuffers())
                .field("mem_clients_slaves", replicaMem)
                .field("mem_clients_normal", clientsMem)
                .field("mem_cluster_links", 0)
                .field("mem_aof_buffer", 0)
                .field("mem_allocator", "jvm-" + Runtime.version().feature())
                .field("active_defrag_running", 0)
                .field("lazyfree_pending_objects", 0)
                .field("lazyfreed_objects", engine.stats().lazyfreedObjects);
    }

    /**
     * The machine's memory, read once as Redis reads it at start-up: the JVM reads it from the cgroup files on every
     * call, a third of an INFO's time.
     */
    private static final class SystemMemory {
        static final long TOTAL = ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getTotalMemorySize() : 0;
    }

    private void persistence(Text t) {
        Engine.RdbStatus rdb = engine.rdbStatus();
        t.overrides(engine.infoFields("persistence"));
        Engine.LoadProgress loading = engine.loading();
        boolean async = loading != null && loading.async();
        t.field("loading", loading != null && !async ? 1 : 0)
                .field("async_loading", async ? 1 : 0)
                .field("current_cow_peak", 0)
                .field("current_cow_size", 0)
                .field("current_cow_size_age", 0)
                .field("current_fork_perc", "0.00")
                .field("current_save_keys_processed", rdb.currentSaveKeysProcessed())
                .field("current_save_keys_total", rdb.currentSaveKeysTotal())
                .field("rdb_changes_since_last_save", rdb.changesSinceLastSave())
                .field("rdb_bgsave_in_progress", rdb.bgsaveInProgress() ? 1 : 0)
                .field("rdb_last_save_time", rdb.lastSaveTime())
                .field("rdb_last_bgsave_status", rdb.lastBgsaveOk() ? "ok" : "err")
                .field("rdb_last_bgsave_time_sec", rdb.lastBgsaveTimeSec())
                .field("rdb_current_bgsave_time_sec", rdb.currentBgsaveTimeSec())
                .field("rdb_saves", rdb.saves())
                .field("rdb_last_cow_size", 0)
                .field("rdb_last_load_keys_expired", rdb.lastLoadKeysExpired())
                .field("rdb_last_load_keys_loaded", rdb.lastLoadKeysLoaded())
                .field("aof_enabled", 0)
                .field("aof_rewrite_in_progress", 0)
                .field("aof_rewrite_scheduled", 0)
                .field("aof_last_rewrite_time_sec", -1)
                .field("aof_current_rewrite_time_sec", -1)
                .field("aof_last_bgrewrite_status", "ok")
                .field("aof_rewrites", 0)
                .field("aof_rewrites_consecutive_failures", 0)
                .field("aof_last_write_status", "ok")
                .field("aof_last_cow_size", 0)
                .field("module_fork_in_progress", 0)
                .field("module_fork_last_cow_size", 0);
        t.remainingOverrides();
        if (loading != null) {
            loadingFields(t, loading);
        }
    }

    /** Redis's loading_* fields, with its percentage and its estimate of the time left. */
    private static void loadingFields(Text t, Engine.LoadProgress p) {
        long loaded = p.loadedBytes();
        double perc = 0;
        long remaining = 1;
        if (p.totalBytes() > 0) {
            perc = (double) loaded / p.totalBytes() * 100;
            remaining = p.totalBytes() - loaded;
        } else if (p.rdbUsedMem() > 0) {
            // used-mem is only a rough estimate of the file's size: never 100% before the end.
            perc = Math.min((double) loaded / p.rdbUsedMem() * 100, 99.99);
            remaining = Math.max(p.rdbUsedMem() - loaded, 1);
        }
        long elapsed = System.currentTimeMillis() / 1000 - p.startTime();
        long eta = elapsed == 0 ? 1 : elapsed * remaining / (loaded + 1);
        t.field("loading_start_time", p.startTime())
                .field("loading_total_bytes", p.totalBytes())
                .field("loading_rdb_used_mem", p.rdbUsedMem())
                .field("loading_loaded_bytes", loaded)
                .field("loading_loaded_perc", pct(perc))
                .field("loading_eta_seconds", eta);
    }

    private void stats(Text t) {
        Engine.Stats s = engine.stats();
        t.overrides(engine.infoFields("stats"));
        t.field("total_connections_received", s.totalConnections)
                .field("total_commands_processed", s.commandsProcessed)
                .field("instantaneous_ops_per_sec", s.opsPerSec.perSecond())
                .field("total_net_input_bytes", s.netInputBytes)
                .field("total_net_output_bytes", s.netOutputBytes)
                .field("total_net_repl_input_bytes", s.netReplInputBytes)
                .field("total_net_repl_output_bytes", s.netReplOutputBytes)
                .field("instantaneous_input_kbps", pct(s.inputPerSec.perSecond() / 1024.0))
                .field("instantaneous_output_kbps", pct(s.outputPerSec.perSecond() / 1024.0))
                .field("instantaneous_input_repl_kbps", "0.00")
                .field("instantaneous_output_repl_kbps", "0.00")
                .field("rejected_connections", s.rejectedConnections)
                .field("sync_full", s.syncFull)
                .field("sync_partial_ok", s.syncPartialOk)
                .field("sync_partial_err", s.syncPartialErr)
                .field("expired_keys", s.expiredKeys)
                .field("expired_stale_perc", "0.00")
                .field("expired_time_cap_reached_count", 0)
                .field("expire_cycle_cpu_milliseconds", 0)
                .field("evicted_keys", s.evictedKeys)
                .field("evicted_clients", s.evictedClients)
                .field("total_eviction_exceeded_time", 0)
                .field("current_eviction_exceeded_time", 0)
                .field("keyspace_hits", s.keyspaceHits)
                .field("keyspace_misses", s.keyspaceMisses)
                .field("pubsub_channels", engine.pubsub().channelCount(PubSub.Kind.CHANNEL))
                .field("pubsub_patterns", engine.pubsub().patternCount())
                .field("pubsubshard_channels", engine.pubsub().channelCount(PubSub.Kind.SHARD))
                .field("latest_fork_usec", s.latestForkMicros)
                .field("total_forks", s.forks)
                .field("migrate_cached_sockets", 0)
                .field("slave_expires_tracked_keys", 0)
                .field("active_defrag_hits", 0)
                .field("active_defrag_misses", 0)
                .field("active_defrag_key_hits", 0)
                .field("active_defrag_key_misses", 0)
                .field("total_active_defrag_time", 0)
                .field("current_active_defrag_time", 0)
                .field("tracking_total_keys", engine.tracking().totalKeys())
                .field("tracking_total_items", engine.tracking().totalItems())
                .field("tracking_total_prefixes", engine.tracking().totalPrefixes())
                .field("unexpected_error_replies", s.unexpectedErrorReplies)
                .field("total_error_replies", s.errorReplies)
                .field("dump_payload_sanitizations", 0)
                // The network layer does not count socket reads: the command count stands in (equal unpipelined).
                .field("total_reads_processed", s.commandsProcessed)
                .field("total_writes_processed", s.writesProcessed)
                .field("io_threaded_reads_processed", 0)
                .field("io_threaded_writes_processed", 0)
                .field("reply_buffer_shrinks", 0)
                .field("reply_buffer_expands", 0);
        t.remainingOverrides();
    }

    private void replication(Text t) {
        if (engine.replicationInfo() != null) {
            engine.replicationInfo().write(t::field);
            return;
        }
        t.field("role", "master")
                .field("connected_slaves", 0)
                .field("master_failover_state", "no-failover")
                .field("master_replid", engine.replId())
                .field("master_replid2", engine.replId2())
                .field("master_repl_offset", 0)
                .field("second_repl_offset", -1)
                .field("repl_backlog_active", 0)
                .field("repl_backlog_size", directiveLong("repl-backlog-size", 1024 * 1024))
                .field("repl_backlog_first_byte_offset", 0)
                .field("repl_backlog_histlen", 0);
    }

    private void cpu(Text t) {
        long now = System.nanoTime();
        if (now - cpuReadAt >= CPU_TICK_NANOS) {
            cpuReadAt = now;
            long[] process = processCpuMicros();
            processUser = process[0];
            processSys = process[1];
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            if (threads.isCurrentThreadCpuTimeSupported()) {
                long total = Math.max(0, threads.getCurrentThreadCpuTime() / 1000);
                mainUser = Math.max(0, threads.getCurrentThreadUserTime() / 1000);
                mainSys = Math.max(0, total - mainUser);
            }
        }
        t.field("used_cpu_sys", seconds(processSys))
                .field("used_cpu_user", seconds(processUser))
                .field("used_cpu_sys_children", "0.000000")
                .field("used_cpu_user_children", "0.000000")
                .field("used_cpu_sys_main_thread", seconds(mainSys))
                .field("used_cpu_user_main_thread", seconds(mainUser));
    }

    /** User and system CPU time of the process in microseconds, from /proc on Linux (100 ticks a second). */
    private static long[] processCpuMicros() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]) * 10_000, Long.parseLong(f[12]) * 10_000};
        } catch (IOException | RuntimeException e) {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return new long[] {Math.max(0, os.getProcessCpuTime() / 1000), 0};
            }
            return new long[] {0, 0};
        }
    }

    /** {@code %d.%06d} of seconds and microseconds. */
    private static String seconds(long micros) {
        String fraction = Long.toString(micros % 1_000_000);
        return new StringBuilder(24).append(micros / 1_000_000).append('.').append("000000", fraction.length(), 6)
                .append(fraction).toString();
    }

    private void commandstats(Text t) {
        for (CommandSpec cmd : engine.commands().all()) {
            commandstat(t, cmd);
            for (CommandSpec sub : cmd.subcommands().values()) {
                if (sub.handler() != null) {
                    commandstat(t, sub);
                }
            }
        }
    }

    private static void commandstat(Text t, CommandSpec cmd) {
        if (cmd.calls == 0 && cmd.failedCalls == 0 && cmd.rejectedCalls == 0) {
            return;
        }
        double perCall = cmd.calls == 0 ? 0 : (float) cmd.micros / cmd.calls;
        t.field("cmdstat_" + safe(cmd.fullName()), "calls=" + cmd.calls + ",usec=" + cmd.micros
                + ",usec_per_call=" + pct(perCall) + ",rejected_calls=" + cmd.rejectedCalls
                + ",failed_calls=" + cmd.failedCalls);
    }

    /** Per command with calls, the configured percentiles of its latency histogram in µs (%.3f). */
    private void latencystats(Text t) {
        if (!engine.config().latencyTracking.value()) {
            return;
        }
        double[] percentiles = engine.config().latencyTrackingInfoPercentiles.values();
        for (CommandSpec cmd : engine.commands().all()) {
            latencystat(t, cmd, percentiles);
            for (CommandSpec sub : cmd.subcommands().values()) {
                latencystat(t, sub, percentiles);
            }
        }
    }

    private void latencystat(Text t, CommandSpec cmd, double[] percentiles) {
        Latency.Histogram h = cmd.latencyHistogram;
        if (h == null || h.total() == 0) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (double p : percentiles) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            // Redis prints the percentile with %f and trims the trailing zeros.
            String label = Doubles.fixed(p, 6).replaceAll("0+$", "").replaceAll("\\.$", "");
            sb.append('p').append(label).append('=').append(Doubles.fixed(h.valueAtPercentile(p) / 1000.0, 3));
        }
        t.field("latency_percentiles_usec_" + safe(cmd.fullName()), sb);
    }

    private void errorstats(Text t) {
        // Redis keeps error codes in a radix tree, so they come out in byte order.
        for (Map.Entry<String, Long> e : new TreeMap<>(engine.stats().errorCounts).entrySet()) {
            t.field("errorstat_" + safe(e.getKey()), "count=" + e.getValue());
        }
    }

    private void keyspace(Text t) {
        for (int i = 0; i < engine.databaseCount(); i++) {
            Database db = engine.database(i);
            if (db.size() > 0 || db.expiresSize() > 0) {
                t.field("db" + i, "keys=" + db.size() + ",expires=" + db.expiresSize() + ",avg_ttl=" + db.avgTtl());
            }
        }
    }

    /** Redis's getSafeInfoString: characters that would break the INFO format become underscores. */
    private static String safe(String s) {
        return s.replace('#', '_').replace(':', '_').replace('\n', '_').replace('\r', '_');
    }

    private long directiveLong(String name, long dflt) {
        Directive d = engine.config().find(name);
        if (d == null) {
            return dflt;
        }
        try {
            return Long.parseLong(d.get());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static String pct(double v) {
        return Doubles.fixed(v, 2);
    }

    /** Redis's bytesToHuman: B, then K, M, G, T, P with two decimals. */
    static String human(long n) {
        if (n < 1024) {
            return n + "B";
        }
        double d = n;
        for (char unit : new char[] {'K', 'M', 'G', 'T', 'P'}) {
            d /= 1024;
            if (d < 1024) {
                return Doubles.fixed(d, 2) + unit;
            }
        }
        return n + "B";
    }

    /** The INFO text under construction: sections separated by a blank line, CRLF after every line. */
    private static final class Text {
        private final StringBuilder sb = new StringBuilder(4096);
        private int sections;
        /** Live values modules supply for the section being written; those not printed in place come last. */
        private Map<String, Object> overrides = Map.of();
        private final Set<String> printed = new HashSet<>();

        void overrides(Map<String, Object> fields) {
            overrides = fields;
            printed.clear();
        }

        void remainingOverrides() {
            overrides.forEach((k, v) -> {
                if (!printed.contains(k)) {
                    sb.append(k).append(':').append(v).append("\r\n");
                }
            });
            overrides = Map.of();
        }

        Text section(String title) {
            if (sections++ > 0) {
                sb.append("\r\n");
            }
            sb.append("# ").append(title).append("\r\n");
            return this;
        }

        Text field(String name, Object value) {
            if (overrides.containsKey(name)) {
                printed.add(name);
                value = overrides.get(name);
            }
            sb.append(name).append(':').append(value).append("\r\n");
            return this;
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}
