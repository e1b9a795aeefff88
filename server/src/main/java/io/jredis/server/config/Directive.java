package io.jredis.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One redis.conf directive: its names, how it parses, prints and rewrites itself, and whether jredis acts on it
 * yet. Values live in the typed subclasses so the engine reads them as plain fields.
 */
public abstract class Directive {
    /** Cannot be changed by CONFIG SET (Redis's IMMUTABLE_CONFIG). */
    public static final int IMMUTABLE = 1;
    /** Its value is redacted from logs, slowlog and MONITOR (passwords). */
    public static final int SENSITIVE = 2;
    /** Accepted and stored, but jredis does not act on it yet: start-up warns once when a file sets it. */
    public static final int NOT_IMPLEMENTED = 4;
    /** Changeable by CONFIG SET only when enable-protected-configs allows the client. */
    public static final int PROTECTED = 8;
    /** Takes several arguments on one line; CONFIG SET splits its value on spaces (Redis's MULTI_ARG_CONFIG). */
    public static final int MULTI_ARG = 16;
    /** Listed by CONFIG GET only when asked for by its exact name, never through a pattern. */
    public static final int HIDDEN = 32;
    /** Refused by CONFIG SET while a dataset is loading. */
    public static final int DENY_LOADING = 64;

    /**
     * Makes a new value take effect after CONFIG SET stored it (rebinding, resizing, changing the log level).
     * Returns null on success or the reason shown to the client; on failure every value of the CONFIG SET is
     * restored and the hooks run again.
     */
    @FunctionalInterface
    public interface ApplyHook {
        String apply();
    }

    private final String name;
    private final List<String> aliases;
    private final int flags;
    private ApplyHook applyHook;

    protected Directive(String name, int flags, String... aliases) {
        this.name = name;
        this.flags = flags;
        this.aliases = List.of(aliases);
    }

    /** The primary name, as CONFIG REWRITE writes it. */
    public String name() {
        return name;
    }

    public List<String> aliases() {
        return aliases;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * Parses and stores the arguments of one CONFIG SET value (already split) and reports whether the stored value
     * changed. Single-argument directives always receive exactly one argument.
     */
    public abstract boolean set(String[] args) throws ConfigException;

    /** Parses one config-file line's arguments; differs from {@link #set} only for directives that accumulate. */
    boolean load(String[] args) throws ConfigException {
        return set(args);
    }

    /**
     * Parses a value as CONFIG SET receives it: one string, which multi-argument directives split on single spaces
     * (so {@code ""} means no arguments and two spaces make an empty argument, as in Redis).
     */
    public final boolean setFromString(String value) throws ConfigException {
        if (!has(MULTI_ARG)) {
            return set(new String[] {value});
        }
        if (value.isEmpty()) {
            return set(new String[0]);
        }
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= value.length(); i++) {
            if (i == value.length() || value.charAt(i) == ' ') {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        return set(multiArgs(parts.toArray(new String[0])));
    }

    /**
     * An argument as Redis's C string functions see it ({@code strcasecmp}, {@code strtoll}, {@code zstrdup}): up to
     * its first NUL byte. Only plain integers and percentages are parsed with their full length, so
     * {@code "yes\0x"} reads as yes while {@code "1\0x"} is not an integer.
     */
    public static String cstr(String arg) {
        int nul = arg.indexOf('\0');
        return nul < 0 ? arg : arg.substring(0, nul);
    }

    /**
     * False for the multi-argument directives that parse their arguments with their full length (Redis's
     * {@code string2d} over an sds); the others see each argument as a C string.
     */
    boolean cStringArgs() {
        return true;
    }

    /** The arguments of a multi-argument directive as its parser sees them (see {@link #cStringArgs}). */
    String[] multiArgs(String[] args) {
        if (!cStringArgs()) {
            return args;
        }
        String[] out = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            out[i] = cstr(args[i]);
        }
        return out;
    }

    /** The value as CONFIG GET prints it. */
    public abstract String get();

    /** Writes this directive's lines into a CONFIG REWRITE (or marks them for removal), as Redis's rewrite does. */
    public abstract void rewrite(ConfigRewrite rw);

    /**
     * Adds a hook run after CONFIG SET changed the value. A directive may get several hooks (they run in order);
     * directives sharing one hook instance see it run once per CONFIG SET.
     */
    public Directive onApply(ApplyHook hook) {
        ApplyHook previous = applyHook;
        applyHook = previous == null ? hook : () -> {
            String err = previous.apply();
            return err != null ? err : hook.apply();
        };
        return this;
    }

    /** Convenience for hooks that cannot fail. */
    public Directive onChange(Runnable hook) {
        return onApply(() -> {
            hook.run();
            return null;
        });
    }

    /** The hook CONFIG SET runs after a change, or null. */
    public ApplyHook applyHook() {
        return applyHook;
    }
}
