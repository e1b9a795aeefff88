package io.jredis.server.command;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.Latency;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's metadata (as Redis 7.0 declares it: arity, flags, key positions, ACL categories, docs) bound to the
 * handler that runs it, plus its statistics for INFO commandstats.
 */
public final class CommandSpec {
    private final String name;
    private final String fullName;
    private final int arity;
    private final Set<String> flags;
    private final int firstKey;
    private final int lastKey;
    private final int keyStep;
    private final Set<String> aclCategories;
    private final Object info;
    private final Object docs;
    private final CommandSpec parent;
    private final Map<String, CommandSpec> subcommands = new LinkedHashMap<>();
    private final boolean write;
    private final boolean readonly;
    private final boolean noAuth;
    private final boolean noScript;
    private final boolean allowStale;
    private final boolean denyOom;
    private final boolean mayReplicate;
    private final boolean skipSlowlog;
    private final boolean skipMonitor;
    private CommandHandler handler;
    private Engine.CommandGuard protection;
    private CallFlags callFlags;

    /**
     * Redis's getCommandFlags for a command whose flags depend on the call (a script that declares flags): the
     * command as the guards must see it, a {@link #withFlags} copy or the command itself.
     */
    @FunctionalInterface
    public interface CallFlags {
        CommandSpec of(Client c, CommandSpec cmd, byte[][] argv);
    }

    /** Calls, microseconds, rejected and failed counts, as INFO commandstats reports. */
    public long calls;
    public long micros;
    public long rejectedCalls;
    public long failedCalls;
    /** Its latency histogram (INFO latencystats, LATENCY HISTOGRAM); null until called with latency-tracking on. */
    public Latency.Histogram latencyHistogram;

    CommandSpec(String name, CommandSpec parent, int arity, Set<String> flags, int firstKey, int lastKey, int keyStep,
            Set<String> aclCategories, Object info, Object docs) {
        this.name = name;
        this.parent = parent;
        this.fullName = parent == null ? name : parent.name + "|" + name;
        this.arity = arity;
        this.flags = flags;
        this.firstKey = firstKey;
        this.lastKey = lastKey;
        this.keyStep = keyStep;
        this.aclCategories = aclCategories;
        this.info = info;
        this.docs = docs;
        this.write = flags.contains("write");
        this.readonly = flags.contains("readonly");
        this.noAuth = flags.contains("no_auth");
        this.noScript = flags.contains("noscript");
        this.allowStale = flags.contains("stale");
        this.denyOom = flags.contains("denyoom");
        this.mayReplicate = flags.contains("may_replicate");
        this.skipSlowlog = flags.contains("skip_slowlog");
        this.skipMonitor = flags.contains("skip_monitor");
    }

    public String name() {
        return name;
    }

    /** {@code config|get} for subcommands, as error messages and commandstats name them. */
    public String fullName() {
        return fullName;
    }

    public int arity() {
        return arity;
    }

    public boolean arityOk(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    public Set<String> flags() {
        return flags;
    }

    public boolean hasFlag(String flag) {
        return flags.contains(flag);
    }

    public boolean isWrite() {
        return write;
    }

    /** Not a write, but its effect is propagated when it changes something (PUBLISH, PFCOUNT, EVAL ...). */
    public boolean mayReplicate() {
        return mayReplicate;
    }

    public boolean isReadonly() {
        return readonly;
    }

    public boolean noAuth() {
        return noAuth;
    }

    public boolean noScript() {
        return noScript;
    }

    public boolean allowStale() {
        return allowStale;
    }

    public boolean denyOom() {
        return denyOom;
    }

    /** Never logged in the slowlog or counted in latency histograms' slow events (EXEC, AUTH ...). */
    public boolean skipSlowlog() {
        return skipSlowlog;
    }

    /** Redis 7.0's skip_monitor: exactly the scripts (EVAL*, FCALL*), which feed monitors themselves. */
    public boolean skipMonitor() {
        return skipMonitor;
    }

    /**
     * Makes this a protected command (Redis's CMD_PROTECTED: DEBUG, MODULE LOAD ...): {@code check} runs right after
     * the arity check, before authentication, and its error text refuses the command.
     */
    public void protect(Engine.CommandGuard check) {
        this.protection = check;
    }

    /** Installs how a call's flags are found (see {@link CallFlags}). */
    public void callFlags(CallFlags f) {
        this.callFlags = f;
    }

    /** How a call's flags are found, or null when they are always this command's. */
    public CallFlags callFlags() {
        return callFlags;
    }

    /** This command with other flags, for the guards only: no handler, statistics of its own that nothing reads. */
    public CommandSpec withFlags(Set<String> newFlags) {
        return new CommandSpec(name, parent, arity, newFlags, firstKey, lastKey, keyStep, aclCategories, info, docs);
    }

    /** The check of a protected command, or null. */
    public Engine.CommandGuard protection() {
        return protection;
    }

    public int firstKey() {
        return firstKey;
    }

    public int lastKey() {
        return lastKey;
    }

    public int keyStep() {
        return keyStep;
    }

    public Set<String> aclCategories() {
        return aclCategories;
    }

    /** The COMMAND INFO entry as Redis returns it (parsed from the stored RESP3 table). */
    public Object info() {
        return info;
    }

    /** The COMMAND DOCS map for this command. */
    public Object docs() {
        return docs;
    }

    public CommandSpec parent() {
        return parent;
    }

    /** True for containers (CONFIG, CLIENT, ...); checked for every command, so without a map view. */
    public boolean hasSubcommands() {
        return !subcommands.isEmpty();
    }

    public Map<String, CommandSpec> subcommands() {
        return Collections.unmodifiableMap(subcommands);
    }

    void addSubcommand(CommandSpec sub) {
        subcommands.put(sub.name, sub);
    }

    public CommandHandler handler() {
        return handler;
    }

    void handler(CommandHandler h) {
        this.handler = h;
    }

    public boolean implemented() {
        if (handler != null) {
            return true;
        }
        for (CommandSpec s : subcommands.values()) {
            if (s.implemented()) {
                return true;
            }
        }
        return false;
    }

    /** Positions of key arguments per the legacy (first, last, step) triple; key specs refine it in GETKEYS. */
    public List<Integer> keyPositions(int argc) {
        if (firstKey <= 0) {
            return List.of();
        }
        int last = lastKey < 0 ? argc + lastKey : lastKey;
        java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
        for (int i = firstKey; i <= last && i < argc; i += Math.max(keyStep, 1)) {
            out.add(i);
        }
        return out;
    }

    public void resetStats() {
        calls = micros = rejectedCalls = failedCalls = 0;
    }
}
