/**
 * Replication: the master side (backlog, PSYNC, REPLCONF, WAIT) and the replica side (handshake, full and partial
 * sync, ACKs), REPLICAOF and ROLE. Nothing is implemented here yet; see README.md.
 */
package io.jredis.replication;
