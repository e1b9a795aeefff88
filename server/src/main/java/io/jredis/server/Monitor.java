package io.jredis.server;

import io.jredis.server.util.Bytes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** MONITOR: every executed command is shown to the monitor clients, in Redis's replicationFeedMonitors format. */
public final class Monitor {
    private final List<Client> monitors = new ArrayList<>();

    /** Makes {@code c} a monitor (flag O); it then receives a status line per command. */
    public void add(Client c) {
        if (!monitors.contains(c)) {
            monitors.add(c);
            c.roleFlags(c.roleFlags() + "O");
        }
    }

    void remove(Client c) {
        if (monitors.remove(c)) {
            c.roleFlags(c.roleFlags().replace("O", ""));
        }
    }

    boolean active() {
        return !monitors.isEmpty();
    }

    /** Feeds one command: {@code +<sec>.<usec> [<db> <addr>] "arg" ...}; scripts' commands show as {@code lua}. */
    void feed(Client c, int db, byte[][] argv) {
        Instant now = Instant.now();
        StringBuilder sb = new StringBuilder(64).append(now.getEpochSecond()).append('.')
                .append(String.format(Locale.ROOT, "%06d", now.getNano() / 1000)).append(" [").append(db).append(' ');
        if (c.channel() == null) {
            sb.append("lua");
        } else if (c.unixSocket()) {
            sb.append("unix:").append(c.engine().config().unixsocket.value());
        } else {
            sb.append(c.addr());
        }
        sb.append(']');
        for (byte[] a : argv) {
            sb.append(' ').append(Bytes.repr(a));
        }
        String line = sb.toString();
        for (Client m : new ArrayList<>(monitors)) {
            if (m.isClosed()) {
                monitors.remove(m);
            } else {
                m.reply().simple(line);
            }
        }
    }
}
