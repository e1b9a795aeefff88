package io.jredis.server.config;

import java.util.List;

/** A directive taking one word out of a fixed list ({@code loglevel}, {@code maxmemory-policy}, ...). */
public final class EnumDirective extends Directive {
    private final List<String> choices;
    private String value;

    public EnumDirective(String name, String def, List<String> choices, int flags, String... aliases) {
        super(name, flags, aliases);
        this.choices = choices;
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
        String v = args[0].toLowerCase();
        if (!choices.contains(v)) {
            throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", choices));
        }
        value = v;
    }

    @Override
    public String get() {
        return value;
    }
}
