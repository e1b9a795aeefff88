package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.KeyspaceEvents;

/** Keyspace events of the running command, in the client's selected database (Redis's notifyKeyspaceEvent). */
final class Notify {
    private Notify() {}

    /** Publishes {@code event} of class {@code type} (a {@link KeyspaceEvents} constant) about {@code key}. */
    static void event(Client c, int type, String event, byte[] key) {
        c.engine().keyspaceEvents().notify(type, event, key, c.db().id());
    }

    /** A "del" generic event: a command removed the key (or emptied its collection). */
    static void del(Client c, byte[] key) {
        event(c, KeyspaceEvents.GENERIC, "del", key);
    }
}
