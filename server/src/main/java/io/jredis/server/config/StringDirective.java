package io.jredis.server.config;

/** A free-text directive ({@code dir}, {@code logfile}, {@code requirepass}, ...). */
public final class StringDirective extends Directive {
    private String value;

    public StringDirective(String name, String def, int flags, String... aliases) {
        super(name, flags, aliases);
        this.value = def;
    }

    public String value() {
        return value;
    }

    @Override
    public void set(String[] args) throws ConfigException {
        if (args.length != 1) {
            throw new ConfigException("wrong number of arguments");
        }
        value = args[0];
    }

    @Override
    public String get() {
        return value;
    }
}
