package io.jredis.persistence.aof;

/** A multi-part AOF that cannot be read or written; the message is what Redis would log. */
public class AofException extends java.io.IOException {
    private final boolean logged;

    public AofException(String message) {
        this(message, null, false);
    }

    public AofException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private AofException(String message, Throwable cause, boolean logged) {
        super(message, cause);
        this.logged = logged;
    }

    /**
     * An error whose lines were logged where it was found, as Redis logs them before it exits: whoever ends the
     * server for it must not log it again.
     */
    public static AofException logged(String message) {
        return new AofException(message, null, true);
    }

    /** As {@link #logged(String)}, with the failure that caused it. */
    public static AofException logged(String message, Throwable cause) {
        return new AofException(message, cause, true);
    }

    /** Whether the lines Redis logs for this error are already in the log. */
    public boolean isLogged() {
        return logged;
    }
}
