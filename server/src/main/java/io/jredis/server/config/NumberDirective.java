package io.jredis.server.config;

/** An integer directive, optionally accepting memory units ({@code 1k}, {@code 100mb}, {@code 1gb}). */
public final class NumberDirective extends Directive {
    private final long min;
    private final long max;
    private final boolean memory;
    private long value;

    public NumberDirective(String name, long def, long min, long max, boolean memory, int flags, String... aliases) {
        super(name, flags, aliases);
        this.value = def;
        this.min = min;
        this.max = max;
        this.memory = memory;
    }

    public long value() {
        return value;
    }

    public int intValue() {
        return (int) value;
    }

    @Override
    public void set(String[] args) throws ConfigException {
        if (args.length != 1) {
            throw new ConfigException("wrong number of arguments");
        }
        long v;
        if (memory) {
            Long parsed = MemoryUnits.parse(args[0]);
            if (parsed == null) {
                throw new ConfigException("argument must be a memory value");
            }
            v = parsed;
        } else {
            try {
                v = Long.parseLong(args[0]);
            } catch (NumberFormatException e) {
                throw new ConfigException("argument couldn't be parsed into an integer");
            }
        }
        if (v < min || v > max) {
            throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
        }
        value = v;
    }

    @Override
    public String get() {
        return Long.toString(value);
    }

    @Override
    public java.util.List<String> rewriteLines() {
        return java.util.List.of(name() + " " + (memory ? MemoryUnits.format(value) : get()));
    }
}
