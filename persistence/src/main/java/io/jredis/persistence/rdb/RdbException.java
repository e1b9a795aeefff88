package io.jredis.persistence.rdb;

import java.io.IOException;

/** A malformed or truncated RDB file or payload; {@link #offset()} is where reading found the problem. */
public final class RdbException extends IOException {
    private final long offset;
    private final String warning;
    private boolean damagedValue;

    public RdbException(String message, long offset) {
        this(message, offset, null, null);
    }

    public RdbException(String message, long offset, Throwable cause) {
        this(message, offset, null, cause);
    }

    /** {@code warning}: the line Redis's rdbLoad logs before it reports the error, or null. */
    public RdbException(String message, long offset, String warning, Throwable cause) {
        super(message, cause);
        this.offset = offset;
        this.warning = warning;
    }

    /**
     * What Redis logs about the failure before its "Internal error in RDB reading" report (the short read, or the
     * checksums that differ), or null.
     */
    public String warning() {
        return warning;
    }

    /**
     * Marks the error as found while decoding one value's body (a broken encoding, not a short read): where
     * Redis's rdbReportCorruptRDB, once its RDB check has run, logs "Terminating server after rdb file reading
     * failure.".
     */
    public RdbException damagedValue() {
        damagedValue = true;
        return this;
    }

    /** Whether this error, or the one it wraps, was found decoding a value's body ({@link #damagedValue()}). */
    public boolean isDamagedValue() {
        return damagedValue || getCause() instanceof RdbException e && e.isDamagedValue();
    }

    /** Byte offset from the start of the file or payload. */
    public long offset() {
        return offset;
    }
}
