package io.jredis.server.config;

import java.util.List;

/**
 * One redis.conf directive: its names, how it parses and prints, and whether jredis implements it yet. Values live
 * in the typed subclasses so the engine reads them as plain fields.
 */
public abstract class Directive {
    /** Cannot be changed by CONFIG SET (Redis's IMMUTABLE_CONFIG). */
    public static final int IMMUTABLE = 1;
    /** Hidden from CONFIG GET's value in logs (passwords). */
    public static final int SENSITIVE = 2;
    /** Accepted and stored, but jredis does not act on it yet: start-up warns once when a file sets it. */
    public static final int NOT_IMPLEMENTED = 4;
    /** Changeable only when enable-protected-configs allows it. */
    public static final int PROTECTED = 8;
    /** Multi-argument directive whose config-file lines accumulate (e.g. several {@code save} lines). */
    public static final int MULTI_LINE = 16;
    /** Not listed by CONFIG GET * (aliases and deprecated names). */
    public static final int HIDDEN = 32;

    private final String name;
    private final List<String> aliases;
    private int flags;
    private String defaultText;
    private Runnable onChange;

    protected Directive(String name, int flags, String... aliases) {
        this.name = name;
        this.flags = flags;
        this.aliases = List.of(aliases);
    }

    public String name() {
        return name;
    }

    public List<String> aliases() {
        return aliases;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Marks the directive as acted upon; modules call this when they take ownership of it. */
    public void implemented() {
        flags &= ~NOT_IMPLEMENTED;
    }

    /** Parses and stores the arguments of one config-file line or one CONFIG SET value (already split). */
    public abstract void set(String[] args) throws ConfigException;

    /** Parses a CONFIG SET value, which arrives as one string. Multi-argument directives split it first. */
    public void setFromString(String value) throws ConfigException {
        set(new String[] {value});
    }

    /** The value as CONFIG GET prints it. */
    public abstract String get();

    /** The lines CONFIG REWRITE writes for this directive (directive name included), in file syntax. */
    public List<String> rewriteLines() {
        return List.of(name + " " + ConfigFile.quoteIfNeeded(get()));
    }

    /** Recorded once at start-up, so CONFIG REWRITE can drop lines that still hold the default. */
    void captureDefault() {
        defaultText = get();
    }

    public boolean isDefault() {
        return get().equals(defaultText);
    }

    /** A hook run after each successful change (applied on the engine thread). */
    public Directive onChange(Runnable hook) {
        this.onChange = hook;
        return this;
    }

    void changed() {
        if (onChange != null) {
            onChange.run();
        }
    }
}
