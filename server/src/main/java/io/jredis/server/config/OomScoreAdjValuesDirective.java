package io.jredis.server.config;

/** {@code oom-score-adj-values <master> <replica> <bgchild>}: three integers between -2000 and 2000. */
public final class OomScoreAdjValuesDirective extends Directive {
    private static final int[] DEFAULTS = {0, 200, 800};

    private final int[] values = DEFAULTS.clone();

    public OomScoreAdjValuesDirective(int flags) {
        super("oom-score-adj-values", flags | MULTI_ARG);
    }

    /** The value for 0 = master, 1 = replica, 2 = background child. */
    public int value(int which) {
        return values[which];
    }

    @Override
    public boolean set(String[] args) throws ConfigException {
        if (args.length != values.length) {
            throw new ConfigException("wrong number of arguments");
        }
        int[] next = new int[values.length];
        for (int i = 0; i < args.length; i++) {
            Long v = CNumbers.strtoll(args[i], 10, false);
            if (v == null || v < -2000 || v > 2000) {
                throw new ConfigException("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
            }
            next[i] = v.intValue();
        }
        boolean changed = !java.util.Arrays.equals(next, values);
        System.arraycopy(next, 0, values, 0, values.length);
        return changed;
    }

    @Override
    public String get() {
        return values[0] + " " + values[1] + " " + values[2];
    }

    @Override
    public void rewrite(ConfigRewrite rw) {
        rw.line(name(), name() + " " + get(), !java.util.Arrays.equals(values, DEFAULTS));
    }
}
