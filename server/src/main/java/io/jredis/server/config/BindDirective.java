package io.jredis.server.config;

import java.util.List;

/** {@code bind addr1 [addr2 ...]}: up to 16 addresses, {@code -} marking optional ones; {@code ""} means none. */
public final class BindDirective extends Directive {
    private static final int MAX_ADDRESSES = 16;
    private static final List<String> DEFAULT = List.of("*", "-::*");

    private List<String> value = DEFAULT;

    public BindDirective(int flags) {
        super("bind", flags | MULTI_ARG);
    }

    public List<String> value() {
        return value;
    }

    @Override
    public boolean set(String[] args) throws ConfigException {
        if (args.length > MAX_ADDRESSES) {
            throw new ConfigException("Too many bind addresses specified.");
        }
        List<String> previous = value;
        value = args.length == 1 && args[0].isEmpty() ? List.of() : List.of(args);
        return !value.equals(previous);
    }

    @Override
    public String get() {
        return String.join(" ", value);
    }

    @Override
    public void rewrite(ConfigRewrite rw) {
        if (value.equals(DEFAULT)) {
            rw.markProcessed(name());
            return;
        }
        rw.line(name(), name() + " " + (value.isEmpty() ? "\"\"" : get()), true);
    }
}
