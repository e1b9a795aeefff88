package io.jredis.server.db;

/**
 * A small integer (0..9999) held as an object of its key's own where Redis would otherwise share one object per
 * integer: COPY's duplicate (dupStringObject) has refcount 1 and an LRU/LFU field of its own. As stored beside its
 * key (see {@link Dict.Entry#stored}); {@link Dict.Entry#value} reads the digits. Any write replaces it.
 */
public final class UnsharedInteger {
    private final byte[] digits;

    /** Holds {@code digits} (not copied: strings that are not raw never change in place). */
    public UnsharedInteger(byte[] digits) {
        this.digits = digits;
    }

    /** The integer as the string value it is. */
    public byte[] digits() {
        return digits;
    }
}
