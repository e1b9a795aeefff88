package io.jredis.server;

import io.jredis.server.util.Bytes;
import java.nio.charset.StandardCharsets;

/**
 * Keyspace notifications (Redis's notify.c): when {@code notify-keyspace-events} enables an event's class, it is
 * published on {@code __keyspace@<db>__:<key>} (K) with the event name as message and on
 * {@code __keyevent@<db>__:<event>} (E) with the key as message.
 */
public final class KeyspaceEvents {
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
    public static final int MODULE = 1 << 12;
    public static final int NEW = 1 << 13;
    /** The classes 'A' stands for: everything but key-miss and new-key events. */
    public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    private final Engine engine;
    private int flags;

    KeyspaceEvents(Engine engine) {
        this.engine = engine;
    }

    /** Parses the directive's letters; returns -1 for an unknown letter, as Redis's keyspaceEventsStringToFlags. */
    public static int parse(String letters) {
        int f = 0;
        for (char ch : letters.toCharArray()) {
            switch (ch) {
                case 'A' -> f |= ALL;
                case 'g' -> f |= GENERIC;
                case '$' -> f |= STRING;
                case 'l' -> f |= LIST;
                case 's' -> f |= SET;
                case 'h' -> f |= HASH;
                case 'z' -> f |= ZSET;
                case 'x' -> f |= EXPIRED;
                case 'e' -> f |= EVICTED;
                case 'K' -> f |= KEYSPACE;
                case 'E' -> f |= KEYEVENT;
                case 't' -> f |= STREAM;
                case 'm' -> f |= KEY_MISS;
                case 'd' -> f |= MODULE;
                case 'n' -> f |= NEW;
                default -> {
                    return -1;
                }
            }
        }
        return f;
    }

    /** Redis's canonical letters for flags (CONFIG GET output). */
    public static String format(int f) {
        StringBuilder sb = new StringBuilder();
        if ((f & ALL) == ALL) {
            sb.append('A');
        } else {
            if ((f & GENERIC) != 0) sb.append('g');
            if ((f & STRING) != 0) sb.append('$');
            if ((f & LIST) != 0) sb.append('l');
            if ((f & SET) != 0) sb.append('s');
            if ((f & HASH) != 0) sb.append('h');
            if ((f & ZSET) != 0) sb.append('z');
            if ((f & EXPIRED) != 0) sb.append('x');
            if ((f & EVICTED) != 0) sb.append('e');
            if ((f & STREAM) != 0) sb.append('t');
            if ((f & MODULE) != 0) sb.append('d');
        }
        if ((f & KEYSPACE) != 0) sb.append('K');
        if ((f & KEYEVENT) != 0) sb.append('E');
        if ((f & KEY_MISS) != 0) sb.append('m');
        if ((f & NEW) != 0) sb.append('n');
        return sb.toString();
    }

    /** Sets the enabled classes (from the notify-keyspace-events directive). */
    public void flags(int f) {
        this.flags = f;
    }

    public int flags() {
        return flags;
    }

    /** Publishes an event of class {@code type} about {@code key} in database {@code db}, if enabled. */
    public void notify(int type, String event, byte[] key, int db) {
        if ((flags & type) == 0 || (flags & (KEYSPACE | KEYEVENT)) == 0) {
            return;
        }
        PubSub ps = engine.pubsub();
        byte[] eventBytes = event.getBytes(StandardCharsets.US_ASCII);
        if ((flags & KEYSPACE) != 0) {
            ps.publish(Bytes.concat(Bytes.of("__keyspace@" + db + "__:"), key), eventBytes);
        }
        if ((flags & KEYEVENT) != 0) {
            ps.publish(Bytes.of("__keyevent@" + db + "__:" + event), key);
        }
    }
}
