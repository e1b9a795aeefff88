/**
 * Sentinel mode: monitoring, hello discovery, SDOWN/ODOWN, epochs and leader election, failover, config rewrite and
 * the SENTINEL commands. Nothing is implemented here yet; see README.md.
 */
package io.jredis.sentinel;
