package io.jredis.server.config;

/** A {@code yes|no} directive (case-insensitive on input). */
public final class BoolDirective extends Directive {
    private final boolean def;
    private boolean value;

    public BoolDirective(String name, boolean def, int flags, String... aliases) {
        super(name, flags, aliases);
        this.def = def;
        this.value = def;
    }

    public boolean value() {
        return value;
    }

    @Override
    public boolean set(String[] args) throws ConfigException {
        boolean v = switch (cstr(args[0]).toLowerCase()) {
            case "yes" -> true;
            case "no" -> false;
            default -> throw new ConfigException("argument must be 'yes' or 'no'");
        };
        boolean changed = v != value;
        value = v;
        return changed;
    }

    @Override
    public String get() {
        return value ? "yes" : "no";
    }

    @Override
    public void rewrite(ConfigRewrite rw) {
        rw.line(name(), name() + " " + get(), value != def);
    }
}
