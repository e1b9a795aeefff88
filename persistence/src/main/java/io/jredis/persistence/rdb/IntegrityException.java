package io.jredis.persistence.rdb;

/**
 * A packed encoding (ziplist, listpack, zipmap, intset) whose structure is broken: what Redis's
 * {@code *ValidateIntegrity} functions reject, reported as "... integrity check failed".
 */
final class IntegrityException extends IllegalArgumentException {
    IntegrityException(String message) {
        super(message);
    }
}
