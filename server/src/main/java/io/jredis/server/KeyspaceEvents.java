package io.jredis.server;

import io.jredis.server.config.NotifyKeyspaceEventsDirective;
import io.jredis.server.util.Bytes;
import java.nio.charset.StandardCharsets;

/**
 * Keyspace notifications (Redis's notify.c): when {@code notify-keyspace-events} enables an event's class, it is
 * published on {@code __keyspace@<db>__:<key>} (K) with the event name as message and on
 * {@code __keyevent@<db>__:<event>} (E) with the key as message.
 */
public final class KeyspaceEvents {
    // Event classes, as the notify-keyspace-events directive parses them.
    public static final int GENERIC = NotifyKeyspaceEventsDirective.GENERIC;
    public static final int STRING = NotifyKeyspaceEventsDirective.STRING;
    public static final int LIST = NotifyKeyspaceEventsDirective.LIST;
    public static final int SET = NotifyKeyspaceEventsDirective.SET;
    public static final int HASH = NotifyKeyspaceEventsDirective.HASH;
    public static final int ZSET = NotifyKeyspaceEventsDirective.ZSET;
    public static final int EXPIRED = NotifyKeyspaceEventsDirective.EXPIRED;
    public static final int EVICTED = NotifyKeyspaceEventsDirective.EVICTED;
    public static final int STREAM = NotifyKeyspaceEventsDirective.STREAM;
    public static final int KEY_MISS = NotifyKeyspaceEventsDirective.KEY_MISS;
    public static final int NEW = NotifyKeyspaceEventsDirective.NEW;

    private static final int KEYSPACE = NotifyKeyspaceEventsDirective.KEYSPACE;
    private static final int KEYEVENT = NotifyKeyspaceEventsDirective.KEYEVENT;

    private final Engine engine;

    KeyspaceEvents(Engine engine) {
        this.engine = engine;
    }

    /** Publishes an event of class {@code type} about {@code key} in database {@code db}, if enabled. */
    public void notify(int type, String event, byte[] key, int db) {
        int flags = engine.config().notifyKeyspaceEvents.flags();
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
