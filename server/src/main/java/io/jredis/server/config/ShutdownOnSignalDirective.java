package io.jredis.server.config;

/**
 * {@code shutdown-on-sigint} / {@code shutdown-on-sigterm}: {@code default} or any of {@code save}, {@code nosave},
 * {@code now}, {@code force} (SHUTDOWN's flags for the signal), printed in that order.
 */
public final class ShutdownOnSignalDirective extends Directive {
    public static final int SAVE = 1;
    public static final int NOSAVE = 2;
    public static final int NOW = 4;
    public static final int FORCE = 8;

    private static final String[] NAMES = {"default", "save", "nosave", "now", "force"};
    private static final int[] BITS = {0, SAVE, NOSAVE, NOW, FORCE};

    private int flags;

    public ShutdownOnSignalDirective(String name, int directiveFlags) {
        super(name, directiveFlags | MULTI_ARG);
    }

    /** The flags as a bit set of {@link #SAVE}, {@link #NOSAVE}, {@link #NOW}, {@link #FORCE}; 0 is default. */
    public int flags() {
        return flags;
    }

    @Override
    public boolean set(String[] args) throws ConfigException {
        int f = 0;
        for (String a : args) {
            int i = indexOf(a.toLowerCase());
            if (i < 0) {
                throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", NAMES));
            }
            f |= BITS[i];
        }
        if (args.length == 0) {
            throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", NAMES));
        }
        if ((f & SAVE) != 0 && (f & NOSAVE) != 0) {
            throw new ConfigException("shutdown options SAVE and NOSAVE can't be used simultaneously");
        }
        boolean changed = f != flags;
        flags = f;
        return changed;
    }

    private static int indexOf(String word) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(word)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String get() {
        if (flags == 0) {
            return "default";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < NAMES.length; i++) {
            if ((flags & BITS[i]) != 0) {
                if (!sb.isEmpty()) {
                    sb.append(' ');
                }
                sb.append(NAMES[i]);
            }
        }
        return sb.toString();
    }

    @Override
    public void rewrite(ConfigRewrite rw) {
        rw.line(name(), name() + " " + get(), flags != 0);
    }
}
