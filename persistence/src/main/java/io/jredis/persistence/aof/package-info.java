/**
 * Redis 7.0's multi-part append-only file.
 *
 * <ul>
 *   <li>{@link io.jredis.persistence.aof.AppendOnlyFile}: install entry point ({@code AppendOnlyFile.install(server)}
 *       before {@code server.start()}), loading at start, feeding from the engine's propagation, BGREWRITEAOF,
 *       automatic rewrite, {@code CONFIG SET appendonly}, INFO persistence {@code aof_*} fields.</li>
 *   <li>{@link io.jredis.persistence.aof.AofManifest}: the manifest format, strict as Redis's parser.</li>
 *   <li>{@code AofWriter}: the writer thread and the everysec fsync thread; write errors, retries, -MISCONF.</li>
 *   <li>{@code AofLoader}: replays files through a fake client, aof-load-truncated, MULTI without EXEC.</li>
 *   <li>{@code AofRewrite}: the AOF-command format of a rewrite's {@link io.jredis.persistence.Snapshot};
 *       {@code RdbPreamble} the RDB one; {@code TempBase} the temp file the snapshot writes.</li>
 * </ul>
 *
 * <p>appendfsync always: replies are held by the engine's {@link io.jredis.server.Engine.ReplyBarrier} until the
 * writer has fsynced the commands propagated before them; the engine thread never waits for the disk.
 */
package io.jredis.persistence.aof;
