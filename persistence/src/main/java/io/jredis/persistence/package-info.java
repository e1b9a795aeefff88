/**
 * Persistence: the RDB version 10 reader and writer, multi-part AOF (manifest, rewrite, fsync policy), SAVE, BGSAVE,
 * BGREWRITEAOF and loading at start-up. Nothing is implemented here yet; see README.md.
 */
package io.jredis.persistence;
