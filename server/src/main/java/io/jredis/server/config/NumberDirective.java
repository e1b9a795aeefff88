package io.jredis.server.config;

import io.jredis.server.util.Bytes;
import java.nio.charset.StandardCharsets;

/**
 * An integer directive with Redis's parsing rules for its format: plain integers (strict {@code string2ll}),
 * memory values ({@code 1k}, {@code 100mb}, {@code 1gb}), memory-or-percent values ({@code 50%}, stored negated as
 * Redis does) and octal numbers ({@code unixsocketperm}).
 */
public final class NumberDirective extends Directive {
    /** How values are written and read. */
    public enum Format { INTEGER, MEMORY, MEMORY_OR_PERCENT, OCTAL }

    /** Upper bound of Redis's unsigned long long directives ({@code maxmemory}), as an unsigned long. */
    public static final long ULLONG_MAX = -1L;

    private final long def;
    private final long min;
    private final long max;
    private final Format format;
    private long value;

    /** An integer directive, or a memory one when {@code memory} is true. */
    public NumberDirective(String name, long def, long min, long max, boolean memory, int flags, String... aliases) {
        this(name, def, min, max, memory ? Format.MEMORY : Format.INTEGER, flags, aliases);
    }

    /** {@code max} may be {@link #ULLONG_MAX} for unsigned 64-bit directives. */
    public NumberDirective(String name, long def, long min, long max, Format format, int flags, String... aliases) {
        super(name, flags, aliases);
        this.def = def;
        this.value = def;
        this.min = min;
        this.max = max;
        this.format = format;
    }

    /** The value; a percentage of {@code maxmemory} reads as its negation (-50 for 50%), as in Redis. */
    public long value() {
        return value;
    }

    public int intValue() {
        return (int) value;
    }

    private boolean unsigned() {
        return max == ULLONG_MAX;
    }

    @Override
    public boolean set(String[] args) throws ConfigException {
        long v = parse(args[0]);
        check(v);
        boolean changed = v != value;
        value = v;
        return changed;
    }

    /** Stores a value computed by the server itself (e.g. {@code hz} clamped into range). */
    public void force(long v) {
        value = v;
    }

    private long parse(String s) throws ConfigException {
        if (format == Format.MEMORY || format == Format.MEMORY_OR_PERCENT) {
            Long mem = MemoryUnits.parse(cstr(s));
            if (mem != null) {
                return mem;
            }
        }
        if (format == Format.MEMORY_OR_PERCENT && s.length() > 1 && s.endsWith("%")) {
            long[] out = new long[1];
            if (Bytes.parseLong(s.substring(0, s.length() - 1).getBytes(StandardCharsets.ISO_8859_1), out)
                    && out[0] >= 0) {
                return -out[0];
            }
        }
        if (format == Format.OCTAL) {
            Long octal = CNumbers.strtoll(cstr(s), 8, true);
            if (octal != null) {
                return octal;
            }
        }
        if (format == Format.INTEGER) {
            long[] out = new long[1];
            if (Bytes.parseLong(s.getBytes(StandardCharsets.ISO_8859_1), out)) {
                return out[0];
            }
        }
        throw new ConfigException(switch (format) {
            case MEMORY_OR_PERCENT -> "argument must be a memory or percent value";
            case MEMORY -> "argument must be a memory value";
            case OCTAL -> "argument couldn't be parsed as an octal number";
            case INTEGER -> "argument couldn't be parsed into an integer";
        });
    }

    private void check(long v) throws ConfigException {
        if (format == Format.MEMORY_OR_PERCENT && v < 0) {
            if (v < min) {
                throw new ConfigException("percentage argument must be less or equal to " + -min);
            }
            return;
        }
        boolean out = unsigned() ? Long.compareUnsigned(v, min) < 0 : v < min || v > max;
        if (out) {
            String lo = format == Format.OCTAL ? Long.toOctalString(min) : Long.toString(min);
            String hi = format == Format.OCTAL ? Long.toOctalString(max)
                    : unsigned() ? Long.toUnsignedString(max) : Long.toString(max);
            throw new ConfigException("argument must be between " + lo + " and " + hi + " inclusive");
        }
    }

    @Override
    public String get() {
        if (format == Format.MEMORY_OR_PERCENT && value < 0) {
            return -value + "%";
        }
        return switch (format) {
            case MEMORY, MEMORY_OR_PERCENT -> Long.toUnsignedString(value);
            case OCTAL -> Long.toOctalString(value);
            case INTEGER -> Long.toString(value);
        };
    }

    @Override
    public void rewrite(ConfigRewrite rw) {
        String text;
        if (format == Format.MEMORY_OR_PERCENT && value < 0) {
            text = -value + "%";
        } else {
            text = switch (format) {
                case MEMORY, MEMORY_OR_PERCENT -> MemoryUnits.format(value);
                case OCTAL -> Long.toOctalString(value);
                case INTEGER -> Long.toString(value);
            };
        }
        rw.line(name(), name() + " " + text, value != def);
    }
}
