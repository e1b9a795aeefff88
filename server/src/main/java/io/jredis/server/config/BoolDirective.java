package io.jredis.server.config;

/** A {@code yes|no} directive. */
public final class BoolDirective extends Directive {
    private boolean value;

    public BoolDirective(String name, boolean def, int flags, String... aliases) {
        super(name, flags, aliases);
        this.value = def;
    }

    public boolean value() {
        return value;
    }

    @Override
    public void set(String[] args) throws ConfigException {
        if (args.length != 1) {
            throw new ConfigException("wrong number of arguments");
        }
        value = switch (args[0].toLowerCase()) {
            case "yes" -> true;
            case "no" -> false;
            default -> throw new ConfigException("argument must be 'yes' or 'no'");
        };
    }

    @Override
    public String get() {
        return value ? "yes" : "no";
    }
}
