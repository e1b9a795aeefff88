package io.jredis.server.config;

/**
 * {@code notify-keyspace-events}: event classes as letters ({@code K E g $ l s h z x e t m d n}, {@code A} for
 * {@code g$lshzxetd}), printed back in Redis's canonical order.
 */
public final class NotifyKeyspaceEventsDirective extends Directive {
    public static final int KEYSPACE = 1;
    public static final int KEYEVENT = 1 << 1;
    public static final int GENERIC = 1 << 2;
    public static final int STRING = 1 << 3;
    public static final int LIST = 1 << 4;
    public static final int SET = 1 << 5;
    public static final int HASH = 1 << 6;
    public static final int ZSET = 1 << 7;
    public static final int EXPIRED = 1 << 8;
    public static final int EVICTED = 1 << 9;
    public static final int STREAM = 1 << 10;
    public static final int KEY_MISS = 1 << 11;
    public static final int LOADED = 1 << 12;
    public static final int MODULE = 1 << 13;
    public static final int NEW = 1 << 14;
    /**
     * What {@code A} stands for; key-miss and new-key events must be asked for explicitly (and, as in Redis, a set
     * {@code n} is not printed next to {@code A}).
     */
    public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    private static final String CLASS_LETTERS = "g$lshzxetdn";
    private static final int[] CLASS_FLAGS = {GENERIC, STRING, LIST, SET, HASH, ZSET, EXPIRED, EVICTED, STREAM, MODULE,
        NEW};

    private int flags;

    public NotifyKeyspaceEventsDirective(int directiveFlags) {
        super("notify-keyspace-events", directiveFlags);
    }

    /** The enabled event classes as a bit set of the constants above. */
    public int flags() {
        return flags;
    }

    @Override
    public boolean set(String[] args) throws ConfigException {
        int f = 0;
        for (char c : cstr(args[0]).toCharArray()) {
            int idx = CLASS_LETTERS.indexOf(c);
            if (idx >= 0) {
                f |= CLASS_FLAGS[idx];
                continue;
            }
            f |= switch (c) {
                case 'A' -> ALL;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 'm' -> KEY_MISS;
                default -> throw new ConfigException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            };
        }
        flags = f;
        return true;
    }

    @Override
    public String get() {
        StringBuilder sb = new StringBuilder();
        if ((flags & ALL) == ALL) {
            sb.append('A');
        } else {
            for (int i = 0; i < CLASS_FLAGS.length; i++) {
                if ((flags & CLASS_FLAGS[i]) != 0) {
                    sb.append(CLASS_LETTERS.charAt(i));
                }
            }
        }
        if ((flags & KEYSPACE) != 0) {
            sb.append('K');
        }
        if ((flags & KEYEVENT) != 0) {
            sb.append('E');
        }
        if ((flags & KEY_MISS) != 0) {
            sb.append('m');
        }
        return sb.toString();
    }

    @Override
    public void rewrite(ConfigRewrite rw) {
        rw.line(name(), name() + " " + ConfigRewrite.repr(get()), flags != 0);
    }
}
