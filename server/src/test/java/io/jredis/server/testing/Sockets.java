package io.jredis.server.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What the kernel says about this process's TCP sockets, for tests that check a closed server left none behind. */
public final class Sockets {
    private Sockets() {
    }

    /**
     * The server-side sockets of {@code port} (the listener and the connections it accepted: local port is
     * {@code port}) that this process still holds open, as {@code socket:[inode]} names.
     */
    public static Set<String> openServerSockets(int port) {
        Set<String> onPort = socketsWithLocalPort(port);
        Set<String> open = new TreeSet<>();
        for (String fd : openFiles()) {
            if (onPort.contains(fd)) {
                open.add(fd);
            }
        }
        return open;
    }

    /** The TCP sockets (IPv4 and IPv6) whose local port is {@code port}, in any process, as {@code socket:[inode]}. */
    public static Set<String> socketsWithLocalPort(int port) {
        Set<String> sockets = new TreeSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(1, lines.size())) {
                // Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                String[] cols = line.trim().split("\\s+");
                String local = cols[1];
                if (Integer.parseInt(local.substring(local.indexOf(':') + 1), 16) == port) {
                    sockets.add("socket:[" + cols[9] + "]");
                }
            }
        }
        return sockets;
    }

    /** The targets of this process's file descriptors ({@code socket:[inode]} for sockets, paths for files). */
    public static Set<String> openFiles() {
        Set<String> targets = new TreeSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException closedMeanwhile) {
                    // The descriptor was closed between listing and reading: it is not open.
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("/proc/self/fd is not readable", e);
        }
        return targets;
    }
}
