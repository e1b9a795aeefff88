package io.jredis.server.config;

/** An integer directive written in octal, like file modes (Redis's OCTAL_CONFIG: {@code unixsocketperm 700}). */
public final class OctalDirective extends Directive {
    private final long max;
    private long value;

    public OctalDirective(String name, long def, long max, int flags) {
        super(name, flags);
        this.value = def;
        this.max = max;
    }

    public long value() {
        return value;
    }

    @Override
    public void set(String[] args) throws ConfigException {
        if (args.length != 1) {
            throw new ConfigException("wrong number of arguments");
        }
        long v;
        try {
            v = Long.parseLong(args[0], 8);
        } catch (NumberFormatException e) {
            throw new ConfigException("argument couldn't be parsed as an octal number");
        }
        if (v < 0 || v > max) {
            throw new ConfigException("argument must be between 0 and " + Long.toOctalString(max) + " inclusive");
        }
        value = v;
    }

    @Override
    public String get() {
        return Long.toOctalString(value);
    }
}
