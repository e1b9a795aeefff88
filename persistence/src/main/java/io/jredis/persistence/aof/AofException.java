package io.jredis.persistence.aof;

/** A multi-part AOF that cannot be read or written; the message is what Redis would log. */
public final class AofException extends java.io.IOException {
    public AofException(String message) {
        super(message);
    }

    public AofException(String message, Throwable cause) {
        super(message, cause);
    }
}
