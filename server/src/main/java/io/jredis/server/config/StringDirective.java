package io.jredis.server.config;

import java.util.function.Function;

/** A free-text directive ({@code dir}, {@code logfile}, {@code requirepass}, ...). */
public final class StringDirective extends Directive {
    private final String def;
    private boolean emptyIsNull;
    private boolean binarySafe;
    private Function<String, String> validator = v -> null;
    private String value;

    public StringDirective(String name, String def, int flags, String... aliases) {
        super(name, flags, aliases);
        this.def = def;
        this.value = def;
    }

    /**
     * Treats the empty string as "not set" (Redis's EMPTY_STRING_IS_NULL): CONFIG REWRITE then removes the directive
     * instead of writing {@code name ""}, and any non-empty value is written.
     */
    public StringDirective emptyIsNull() {
        this.emptyIsNull = true;
        return this;
    }

    /**
     * Keeps the whole value, NUL bytes included, as Redis's sds directives (masterauth, requirepass) do; the others
     * are C strings there and stop at the first NUL.
     */
    public StringDirective binarySafe() {
        this.binarySafe = true;
        return this;
    }

    /** Checks values before they are stored; the function returns Redis's reason text or null when valid. */
    public StringDirective validator(Function<String, String> check) {
        this.validator = check;
        return this;
    }

    public String value() {
        return value;
    }

    @Override
    public boolean set(String[] args) throws ConfigException {
        String v = binarySafe ? args[0] : cstr(args[0]);
        String err = validator.apply(v);
        if (err != null) {
            throw new ConfigException(err);
        }
        boolean changed = !v.equals(value);
        value = v;
        return changed;
    }

    @Override
    public String get() {
        return value;
    }

    @Override
    public void rewrite(ConfigRewrite rw) {
        if (emptyIsNull && value.isEmpty()) {
            rw.markProcessed(name());
            return;
        }
        boolean force = emptyIsNull || !value.equals(def);
        rw.line(name(), name() + " " + ConfigRewrite.repr(value), force);
    }
}
