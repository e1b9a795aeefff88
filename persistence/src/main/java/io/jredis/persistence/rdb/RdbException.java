package io.jredis.persistence.rdb;

import java.io.IOException;

/** A malformed or truncated RDB file or payload; {@link #offset()} is where reading found the problem. */
public final class RdbException extends IOException {
    private final long offset;

    public RdbException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    public RdbException(String message, long offset, Throwable cause) {
        super(message, cause);
        this.offset = offset;
    }

    /** Byte offset from the start of the file or payload. */
    public long offset() {
        return offset;
    }
}
