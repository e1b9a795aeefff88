package io.jredis.server.util;

/** A failed system call's error in the words Redis logs it with (strerror). */
public final class SystemErrors {
    private SystemErrors() {}

    /**
     * The system's words for {@code cause}: Netty's native transport adds the call and, for a connect, the address
     * ("finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:6379", "recvAddress(..) failed with
     * error(-104): Connection reset by peer").
     */
    public static String words(Throwable cause) {
        String m = String.valueOf(cause.getMessage());
        int call = m.indexOf("(..) failed");
        if (call >= 0 && m.indexOf(": ", call) > 0) {
            m = m.substring(m.indexOf(": ", call) + 2);
        }
        int address = m.lastIndexOf(": /");
        return address > 0 ? m.substring(0, address) : m;
    }
}
