package io.jredis.server.command;

import io.jredis.server.protocol.Reply;
import io.jredis.server.protocol.RespParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command table. Metadata comes from {@code commands.resp}, Redis 7.0.15's own COMMAND and COMMAND DOCS replies
 * (regenerate with {@code tools/dump-command-table.py}); handlers are bound by name as each module registers its
 * commands. Only commands with a handler are visible to clients, so COMMAND never advertises what jredis lacks.
 */
public final class CommandTable {
    private final Map<String, CommandSpec> known = new HashMap<>();
    private final Map<String, CommandSpec> active = new HashMap<>();
    /** Implemented commands by name, probed with the client's bytes (no String per command). */
    private NameTable byName = new NameTable(Map.of());

    /**
     * The last name looked up, as the client spelled it, and its command: benchmarks and batch jobs send the same
     * command over and over, and comparing a few bytes costs less than hashing them case-insensitively. One immutable
     * pair, so a lookup from another thread sees a matching name and command or none; cleared when the names change.
     */
    private record Found(byte[] name, CommandSpec spec) {}

    private Found lastFound;

    public CommandTable() {
        this(Metadata.PARTS);
    }

    private CommandTable(List<Object> parts) {
        @SuppressWarnings("unchecked")
        Map<Object, Object> docs = (Map<Object, Object>) parts.get(1);
        for (Object entry : (List<?>) parts.get(0)) {
            CommandSpec spec = fromInfo((List<?>) entry, null, docs);
            known.put(spec.name(), spec);
        }
    }

    /**
     * A table built from another command dump (Sentinel mode's, whose COMMAND lists only Sentinel's commands),
     * taking over the handlers {@code base} has bound for the same commands and subcommands.
     */
    public static CommandTable withMetadata(InputStream resp, CommandTable base) throws IOException {
        CommandTable t = new CommandTable(RespParser.parseAll(resp.readAllBytes()));
        for (CommandSpec spec : t.known.values()) {
            CommandSpec old = base.active.get(spec.name());
            if (old == null) {
                continue;
            }
            if (old.handler() != null) {
                t.register(spec.name(), old.handler());
            }
            for (CommandSpec sub : spec.subcommands().values()) {
                CommandSpec oldSub = old.subcommands().get(sub.name());
                if (oldSub != null && oldSub.handler() != null) {
                    t.register(spec.name() + "|" + sub.name(), oldSub.handler());
                }
            }
        }
        return t;
    }

    /**
     * commands.resp parsed once per JVM (reading and parsing it is most of a server's start-up time); the tables of
     * several servers in one JVM share it and only ever read it.
     */
    private static final class Metadata {
        static final List<Object> PARTS = load();

        private static List<Object> load() {
            try (InputStream in = CommandTable.class.getResourceAsStream("commands.resp")) {
                if (in == null) {
                    throw new IllegalStateException("commands.resp missing from the classpath");
                }
                return RespParser.parseAll(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static CommandSpec fromInfo(List<?> info, CommandSpec parent, Map<Object, Object> docsOfLevel) {
        String fullName = text(info.get(0));
        String name = parent == null ? fullName : fullName.substring(fullName.indexOf('|') + 1);
        Map<Object, Object> docs = (Map<Object, Object>) docsOfLevel.get(fullName);
        CommandSpec spec = new CommandSpec(name, parent, ((Long) info.get(1)).intValue(), words(info.get(2)),
                ((Long) info.get(3)).intValue(), ((Long) info.get(4)).intValue(), ((Long) info.get(5)).intValue(),
                words(info.get(6)), info, docs);
        Object subs = info.size() > 9 ? info.get(9) : null;
        if (subs instanceof List<?> list) {
            Map<Object, Object> subDocs = docs == null ? Map.of() : (Map<Object, Object>) docs.getOrDefault("subcommands", Map.of());
            for (Object s : list) {
                spec.addSubcommand(fromInfo((List<?>) s, spec, subDocs));
            }
        }
        return spec;
    }

    private static Set<String> words(Object o) {
        Set<String> out = new LinkedHashSet<>();
        if (o instanceof Collection<?> c) {
            for (Object w : c) {
                out.add(text(w));
            }
        }
        return out;
    }

    private static String text(Object o) {
        if (o instanceof Reply.Status s) {
            return s.text();
        }
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return String.valueOf(o);
    }

    /**
     * Binds a handler to a command ({@code "get"}) or a subcommand ({@code "config|get"}) that Redis 7.0 defines.
     * Registering a subcommand makes its container command visible too.
     */
    public CommandSpec register(String name, CommandHandler handler) {
        String lower = name.toLowerCase();
        int bar = lower.indexOf('|');
        if (bar < 0) {
            CommandSpec spec = known.get(lower);
            if (spec == null) {
                throw new IllegalArgumentException("Redis 7.0 has no command " + name);
            }
            spec.handler(handler);
            active.put(lower, spec);
            reindex();
            return spec;
        }
        CommandSpec parent = known.get(lower.substring(0, bar));
        CommandSpec sub = parent == null ? null : parent.subcommands().get(lower.substring(bar + 1));
        if (sub == null) {
            throw new IllegalArgumentException("Redis 7.0 has no subcommand " + name);
        }
        sub.handler(handler);
        active.put(parent.name(), parent);
        reindex();
        return sub;
    }

    /** Every Redis 7.0 command, implemented here or not, by its original name (ACL rules and categories). */
    public Collection<CommandSpec> redisCommands() {
        return known.values();
    }

    /**
     * Applies a {@code rename-command}: the command answers to {@code to} only, or to nothing when {@code to} is
     * empty. Its metadata keeps the original name, so COMMAND INFO shows it as Redis does. Commands jredis does not
     * implement are ignored.
     */
    public void rename(String from, String to) {
        CommandSpec spec = active.remove(from.toLowerCase());
        if (spec == null) {
            return;
        }
        if (!to.isEmpty()) {
            active.put(to.toLowerCase(), spec);
        }
        reindex();
    }

    /** True when Redis 7.0 has a command of this name, implemented here or not (rename-command checks). */
    public boolean isRedisCommand(String name) {
        return known.containsKey(name.toLowerCase());
    }

    private void reindex() {
        byName = new NameTable(active);
        lastFound = null;
    }

    /** Looks up a command by the name a client sent, case-insensitively; null when unknown or not implemented. */
    public CommandSpec lookup(byte[] name) {
        Found last = lastFound;
        if (last != null && Arrays.equals(name, last.name)) {
            return last.spec;
        }
        CommandSpec spec = byName.get(name);
        if (spec != null) {
            lastFound = new Found(name, spec);
        }
        return spec;
    }


    public CommandSpec lookup(String name) {
        return active.get(name.toLowerCase());
    }

    /** The subcommand of {@code container} named by {@code sub}, when implemented. */
    public static CommandSpec subcommand(CommandSpec container, byte[] sub) {
        // Containers have a few dozen subcommands at most: a scan without building a String is cheaper than hashing.
        for (CommandSpec s : container.subcommands().values()) {
            if (s.handler() != null && NameTable.equalsLower(s.name(), sub)) {
                return s;
            }
        }
        return null;
    }

    /** Every implemented command (containers included), in no particular order. */
    public Collection<CommandSpec> all() {
        return active.values();
    }

    /** Every implemented command, containers and their subcommands alike, for stats. */
    public List<CommandSpec> allWithSubcommands() {
        List<CommandSpec> out = new ArrayList<>();
        for (CommandSpec c : active.values()) {
            // A container keeps statistics too: its arity rejections count against it.
            out.add(c);
            for (CommandSpec s : c.subcommands().values()) {
                if (s.handler() != null) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /**
     * An immutable open-addressing table from lower-case ASCII names to specs, probed case-insensitively with the raw
     * bytes a client sent. Rebuilt whenever a handler is registered, which only happens at start.
     */
    private static final class NameTable {
        private final byte[][] keys;
        private final CommandSpec[] values;
        private final int mask;

        NameTable(Map<String, CommandSpec> entries) {
            int cap = Integer.highestOneBit(Math.max(4, entries.size() * 4) - 1) << 1;
            keys = new byte[cap][];
            values = new CommandSpec[cap];
            mask = cap - 1;
            for (Map.Entry<String, CommandSpec> e : entries.entrySet()) {
                byte[] k = e.getKey().getBytes(StandardCharsets.US_ASCII);
                int i = hash(k) & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
                values[i] = e.getValue();
            }
        }

        CommandSpec get(byte[] name) {
            int i = hash(name) & mask;
            byte[] k;
            while ((k = keys[i]) != null) {
                if (equalsLower(k, name)) {
                    return values[i];
                }
                i = (i + 1) & mask;
            }
            return null;
        }

        private static int hash(byte[] b) {
            int h = 0;
            for (byte x : b) {
                h = 31 * h + lower(x);
            }
            return h ^ (h >>> 16);
        }

        private static boolean equalsLower(byte[] lowerKey, byte[] name) {
            if (lowerKey.length != name.length) {
                return false;
            }
            for (int i = 0; i < name.length; i++) {
                if (lowerKey[i] != lower(name[i])) {
                    return false;
                }
            }
            return true;
        }

        static boolean equalsLower(String lowerKey, byte[] name) {
            if (lowerKey.length() != name.length) {
                return false;
            }
            for (int i = 0; i < name.length; i++) {
                if (lowerKey.charAt(i) != lower(name[i])) {
                    return false;
                }
            }
            return true;
        }

        private static byte lower(byte c) {
            return c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
        }
    }
}
