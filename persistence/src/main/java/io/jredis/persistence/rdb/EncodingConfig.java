package io.jredis.persistence.rdb;

import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.ZSetValue;

/**
 * The encoding thresholds that decide how values are laid out when saved (list node size) and which encoding a
 * loaded value gets (listpack or hashtable/skiplist, intset or hashtable), read from the configuration; and
 * {@code deepSanitize}, Redis's deep integrity validation, which adds the checks jredis does not need to decode a
 * value safely (a stream entry's lp-count) to the ones it always makes.
 */
public record EncodingConfig(long listMaxListpackSize, long hashMaxListpackEntries, long hashMaxListpackValue,
        long setMaxIntsetEntries, long zsetMaxListpackEntries, long zsetMaxListpackValue, boolean deepSanitize) {

    /** Redis 7.0's defaults. */
    public static final EncodingConfig DEFAULTS = new EncodingConfig(-2, 512, 64, 512, 128, 64);

    /** Thresholds without deep validation. */
    public EncodingConfig(long listMaxListpackSize, long hashMaxListpackEntries, long hashMaxListpackValue,
            long setMaxIntsetEntries, long zsetMaxListpackEntries, long zsetMaxListpackValue) {
        this(listMaxListpackSize, hashMaxListpackEntries, hashMaxListpackValue, setMaxIntsetEntries,
                zsetMaxListpackEntries, zsetMaxListpackValue, false);
    }

    /** For loading files: deep validation only under {@code sanitize-dump-payload yes}, as Redis. */
    public static EncodingConfig of(ServerConfig c) {
        return of(c, c.sanitizeDumpPayload.value().equals("yes"));
    }

    /** For a RESTORE payload: {@code sanitize-dump-payload clients} validates it deeply too. */
    public static EncodingConfig forPayload(ServerConfig c) {
        return of(c, !c.sanitizeDumpPayload.value().equals("no"));
    }

    private static EncodingConfig of(ServerConfig c, boolean deep) {
        return new EncodingConfig(c.listMaxListpackSize.value(), c.hashMaxListpackEntries.value(),
                c.hashMaxListpackValue.value(), c.setMaxIntsetEntries.value(), c.zsetMaxListpackEntries.value(),
                c.zsetMaxListpackValue.value(), deep);
    }

    public ZSetValue.Limits zsetLimits() {
        return new ZSetValue.Limits(zsetMaxListpackEntries, zsetMaxListpackValue);
    }
}
