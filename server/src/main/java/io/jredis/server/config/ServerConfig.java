package io.jredis.server.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every directive of Redis 7.0's redis.conf, with its default. Typed fields let the engine read values without a
 * lookup; the registry serves the config file, CONFIG GET/SET and CONFIG REWRITE.
 */
public final class ServerConfig {
    private static final int NI = Directive.NOT_IMPLEMENTED;
    private static final int IMM = Directive.IMMUTABLE;

    private final Map<String, Directive> byName = new LinkedHashMap<>();
    private final List<Directive> all = new ArrayList<>();

    // Network
    public final ListDirective bind = add(new ListDirective("bind", List.of("*", "-::*"), v -> !v.isEmpty() && v.size() <= 16,
            "Too many bind addresses specified.", 0));
    public final NumberDirective port = add(new NumberDirective("port", 6379, 0, 65535, false, 0));
    public final NumberDirective tcpBacklog = add(new NumberDirective("tcp-backlog", 511, 0, Integer.MAX_VALUE, false, IMM));
    public final StringDirective unixsocket = add(new StringDirective("unixsocket", "", IMM));
    public final NumberDirective unixsocketperm = add(new NumberDirective("unixsocketperm", 0, 0, 0777, false, IMM));
    public final NumberDirective timeout = add(new NumberDirective("timeout", 0, 0, Integer.MAX_VALUE, false, 0));
    public final NumberDirective tcpKeepalive = add(new NumberDirective("tcp-keepalive", 300, 0, Integer.MAX_VALUE, false, 0));
    public final BoolDirective protectedMode = add(new BoolDirective("protected-mode", true, NI));

    // General
    public final BoolDirective daemonize = add(new BoolDirective("daemonize", false, IMM | NI));
    public final StringDirective pidfile = add(new StringDirective("pidfile", "", IMM));
    public final EnumDirective loglevel = add(new EnumDirective("loglevel", "notice",
            List.of("debug", "verbose", "notice", "warning"), 0));
    public final StringDirective logfile = add(new StringDirective("logfile", "", IMM));
    public final NumberDirective databases = add(new NumberDirective("databases", 16, 1, Integer.MAX_VALUE, false, IMM));
    public final NumberDirective hz = add(new NumberDirective("hz", 10, 0, Integer.MAX_VALUE, false, 0));
    public final StringDirective dir = add(new StringDirective("dir", System.getProperty("user.dir"), 0));
    public final EnumDirective enableDebugCommand = add(new EnumDirective("enable-debug-command", "no",
            List.of("no", "yes", "local"), IMM));
    public final StringDirective requirepass = add(new StringDirective("requirepass", "", Directive.SENSITIVE));
    public final NumberDirective maxclients = add(new NumberDirective("maxclients", 10000, 1, Integer.MAX_VALUE, false, 0));

    // Limits
    public final NumberDirective protoMaxBulkLen = add(new NumberDirective("proto-max-bulk-len", 512L * 1024 * 1024,
            1024 * 1024, Long.MAX_VALUE, true, 0));
    public final NumberDirective clientQueryBufferLimit = add(new NumberDirective("client-query-buffer-limit",
            1024L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE, true, 0));

    // Compact encodings of small collections (Redis's listpack/intset thresholds)
    public final NumberDirective hashMaxListpackEntries = add(new NumberDirective("hash-max-listpack-entries", 512, 0,
            Long.MAX_VALUE, false, 0, "hash-max-ziplist-entries"));
    public final NumberDirective hashMaxListpackValue = add(new NumberDirective("hash-max-listpack-value", 64, 0,
            Long.MAX_VALUE, true, 0, "hash-max-ziplist-value"));
    public final NumberDirective setMaxIntsetEntries = add(new NumberDirective("set-max-intset-entries", 512, 0,
            Long.MAX_VALUE, false, 0));

    public ServerConfig() {
        for (Directive d : all) {
            d.captureDefault();
        }
    }

    /** Registers a directive; modules call this for the directives they own before the config file is read. */
    public <T extends Directive> T add(T d) {
        all.add(d);
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

    public Collection<Directive> directives() {
        return all;
    }

    /** All names (canonical and aliases) with their directive, for CONFIG GET pattern matching. */
    public Map<String, Directive> names() {
        return byName;
    }
}
