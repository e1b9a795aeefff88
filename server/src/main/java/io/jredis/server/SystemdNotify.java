package io.jredis.server;

import io.jredis.server.log.Log;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Service notifications to systemd under {@code supervised systemd} (or {@code auto} when systemd runs the process),
 * as Redis's redisCommunicateSystemd: each message is one datagram to the unix socket that NOTIFY_SOCKET names, which
 * is sd_notify's protocol. {@code READY=1} once clients are served lets a {@code Type=notify} unit finish starting;
 * {@code STOPPING=1} and {@code STATUS=...} lines tell it what the server does. {@link #NONE} drops every message.
 */
public final class SystemdNotify {
    /** Not supervised by systemd. */
    public static final SystemdNotify NONE = new SystemdNotify(null, null);

    private final byte[] socketPath;
    private final Log log;
    private Socket socket;

    private SystemdNotify(byte[] socketPath, Log log) {
        this.socketPath = socketPath;
        this.log = log;
    }

    /**
     * Redis's redisIsSupervised for the {@code supervised} directive's {@code mode}: the notifier when systemd
     * supervises (its first message, "Redis is loading...", sent), else {@link #NONE}. As Redis, "auto" means systemd
     * when NOTIFY_SOCKET is set and UPSTART_JOB is not; "systemd" without the socket is logged as an error.
     */
    public static SystemdNotify open(String mode, Map<String, String> env, Log log) {
        String socketName = env.get("NOTIFY_SOCKET");
        boolean systemd = mode.equals("systemd") || (mode.equals("auto") && env.get("UPSTART_JOB") == null
                && socketName != null);
        if (!systemd) {
            return NONE;
        }
        if (socketName == null || socketName.isEmpty()) {
            log.warning("systemd supervision error: NOTIFY_SOCKET not found!");
            return NONE;
        }
        // sd_notify's convention: a leading '@' names a socket in the abstract namespace.
        byte[] path = socketName.getBytes(StandardCharsets.UTF_8);
        if (path[0] == '@') {
            path[0] = 0;
        }
        SystemdNotify notify = new SystemdNotify(path, log);
        if (!notify.send("STATUS=Redis is loading...\n")) {
            return NONE;
        }
        log.notice("Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and "
                + "TimeoutStopSec in your service unit.");
        return notify;
    }

    /** Whether systemd supervises the process: {@link #send} then reaches it. */
    public boolean active() {
        return socketPath != null;
    }

    /** Sends one notification (lines such as "READY=1\n"); false, logged as Redis logs it, when it did not go out. */
    public synchronized boolean send(String message) {
        if (socketPath == null) {
            return false;
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length);
        buf.put(bytes).flip();
        try {
            if (socket == null) {
                Epoll.ensureAvailability();
                socket = Socket.newSocketDomainDgram();
            }
            return socket.sendToDomainSocket(buf, 0, bytes.length, socketPath) == bytes.length;
        } catch (IOException | UnsatisfiedLinkError | RuntimeException e) {
            log.warning("systemd supervision error: sd_notify: " + e.getMessage());
            return false;
        }
    }
}
