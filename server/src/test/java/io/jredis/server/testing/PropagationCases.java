package io.jredis.server.testing;

import io.jredis.server.util.SplitArgs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;

/**
 * Command sequences whose propagation (to replicas and the AOF) differs from the commands as sent in Redis 7.0, and
 * the means to run them and compare what two servers propagated: relative TTLs made absolute, INCRBYFLOAT as SET,
 * served blocking pops as plain pops, expired and evicted keys as DEL, scripts and transactions wrapped in
 * MULTI/EXEC, SELECT when the database changes, nothing for a write that changed nothing.
 */
public final class PropagationCases {
    private PropagationCases() {}

    private static final String FAR = "4102444800";
    private static final String FAR_MS = "4102444800000";

    /**
     * A case is one line of commands separated by " ; ", each split like redis-cli's input, run on a fresh
     * connection after a FLUSHALL, on a server whose active expiry is off (DEBUG SET-ACTIVE-EXPIRE 0), so that only
     * the cases that turn it on see keys deleted in the background. "@block CMD" sends CMD on another connection (in the same database) and waits
     * until it blocks (its reply is read at the end of the case); "@expired KEY" waits until KEYS no longer lists
     * KEY (it expired, and nothing deleted it yet); "@dbsize N" waits until the current database holds N keys.
     */
    public static final List<String> HAND_WRITTEN = List.of(
        // strings
        "SET k v", "SET k v EX 100", "SET k v PX 100000", "SET k v EXAT " + FAR, "SET k v PXAT " + FAR_MS,
        "SET k v EX 100 ; SET k w KEEPTTL", "SET k v ; SET k w GET", "SET k v EX 100 GET", "SET k v NX ; SET k w NX",
        "SET k v XX", "SET k v ; SET k v EX 100 XX", "SET k v EXAT 1", "SET k v PXAT 1", "SET k v ; SET k w PXAT 1",
        "SETEX k 100 v", "PSETEX k 100000 v", "SETNX k v ; SETNX k w", "GETSET k v ; GETSET k w",
        "SET k v ; GETEX k EX 100", "SET k v ; GETEX k PX 100000", "SET k v ; GETEX k EXAT " + FAR,
        "SET k v ; GETEX k PXAT " + FAR_MS, "SET k v EX 100 ; GETEX k PERSIST", "SET k v ; GETEX k PERSIST",
        "SET k v ; GETEX k", "GETEX k EX 100", "SET k v ; GETEX k EXAT 1", "SET k v ; GETEX k PXAT 1",
        "SET k v ; GETDEL k ; GETDEL k", "MSET a 1 b 2", "MSETNX a 1 b 2 ; MSETNX b 3 c 4",
        "APPEND k \"\"", "APPEND k abc ; APPEND k \"\"", "SETRANGE k 0 \"\"", "SET k v ; SETRANGE k 5 \"\"",
        "SETRANGE k 3 abc", "SET k v ; SETRANGE k 0 x", "INCR n ; INCRBY n 5 ; DECR n ; DECRBY n 2",
        "INCRBYFLOAT f 1.5", "SET f 1 EX 100 ; INCRBYFLOAT f 1e2", "INCRBYFLOAT f 0.1 ; INCRBYFLOAT f -0.1",
        "INCRBYFLOAT f abc", "SET k v ; INCR k", "SETBIT b 7 1 ; SETBIT b 7 1 ; SETBIT b 100 0",
        "BITFIELD b SET u8 0 255 INCRBY u8 0 1", "BITFIELD b GET u8 0", "SET b x ; BITFIELD b GET u8 0",
        "BITFIELD b OVERFLOW FAIL INCRBY u8 0 300", "SET a 1 ; SET b 2 ; BITOP AND d a b ; BITOP OR e x y",
        "LCS a b",
        // keyspace
        "SET k v ; EXPIRE k 100", "SET k v ; PEXPIRE k 100000", "SET k v ; EXPIREAT k " + FAR,
        "SET k v ; PEXPIREAT k " + FAR_MS, "SET k v ; EXPIRE k -1", "SET k v ; EXPIRE k 0", "SET k v ; PEXPIRE k 0",
        "SET k v ; EXPIREAT k 1", "SET k v ; PEXPIREAT k 1", "SET k v ; EXPIRE k 100 XX", "SET k v ; EXPIRE k 100 NX",
        "SET k v EX 100 ; EXPIRE k 10 GT", "SET k v EX 100 ; EXPIRE k 1000 LT", "EXPIRE nokey 100",
        "SET k v ; PERSIST k", "SET k v EX 100 ; PERSIST k", "DEL nokey", "SET a 1 ; DEL a b", "SET a 1 ; UNLINK a b",
        "UNLINK nokey", "SET a 1 ; RENAME a b", "SET a 1 EX 100 ; RENAME a b", "SET a 1 ; RENAME a a",
        "SET a 1 ; SET b 2 ; RENAMENX a b", "SET a 1 ; RENAMENX a b", "SET a 1 ; COPY a b ; COPY a b",
        "SET a 1 EX 100 ; COPY a b REPLACE", "SET a 1 ; COPY a b DB 3", "SET a 1 ; MOVE a 2 ; MOVE a 2",
        "SET a 1 ; SWAPDB 0 1", "SET a 1 ; SWAPDB 0 0", "SET a 1 ; SELECT 3 ; SET b 2 ; SELECT 0 ; SET c 3",
        "SELECT 5 ; SET a 1 ; FLUSHDB", "SET a 1 ; FLUSHDB ASYNC", "SET a 1 ; FLUSHDB SYNC", "FLUSHALL ASYNC",
        "FLUSHALL SYNC", "SET a 1 ; TOUCH a b", "SET a 1 ; OBJECT ENCODING a ; EXISTS a ; TYPE a",
        "SET a 1 ; EVAL \"local d = redis.call('dump', 'a') redis.call('restore', 'b', 0, d)"
                + " redis.call('restore', 'c', 100000, d) redis.call('restore', 'e', " + FAR_MS
                + ", d, 'absttl') redis.call('restore', 'a', 0, d, 'replace')\" 0",
        // lists
        "LPUSH l a b ; RPUSH l c", "LPUSHX l a ; RPUSHX l a", "RPUSH l a ; LPUSHX l b", "RPUSH l a b ; LINSERT l"
                + " BEFORE b x ; LINSERT l AFTER nope y", "RPUSH l a b ; LSET l 0 z", "RPUSH l a b a ; LREM l 0 a ;"
                + " LREM l 0 nope", "RPUSH l a b c ; LTRIM l 0 1 ; LTRIM l 0 -1 ; LTRIM l 5 10",
        "RPUSH l a b c ; LPOP l ; RPOP l 5 ; LPOP l", "RPUSH l a ; LPOP l 0", "RPUSH l a b ; LMOVE l m LEFT RIGHT",
        "RPUSH l a b ; RPOPLPUSH l l", "RPUSH l a b ; LMPOP 2 x l LEFT COUNT 5", "LMPOP 1 l RIGHT",
        "RPUSH l a b ; BLPOP l 0", "RPUSH l a b ; BRPOP x l 0", "RPUSH l a ; BLMOVE l m RIGHT LEFT 0",
        "RPUSH l a ; BRPOPLPUSH l m 0", "RPUSH l a ; blmove l m right Left 0",
        "RPUSH l a b c ; BLMPOP 0 1 l RIGHT COUNT 2",
        "@block BLPOP l 0 ; RPUSH l a b", "@block BRPOP l 0 ; LPUSH l a", "@block BLMOVE l m LEFT LEFT 0 ; RPUSH l a",
        "@block BRPOPLPUSH l m 0 ; RPUSH l a", "@block BLMPOP 0 1 l LEFT COUNT 3 ; RPUSH l a b",
        "@block BLPOP l 0 ; MULTI ; RPUSH l a ; RPUSH l b ; EXEC",
        // hashes
        "HSET h a 1 b 2 ; HSET h a 1", "HSETNX h a 1 ; HSETNX h a 2", "HMSET h a 1", "HSET h a 1 ; HDEL h a b",
        "HDEL h a", "HINCRBY h a 5", "HINCRBYFLOAT h a 1.5", "HSET h a 1 ; HINCRBYFLOAT h a 2e1",
        // sets
        "SADD s a b ; SADD s a", "SADD s a ; SREM s a b ; SREM s a", "SADD s a ; SPOP s", "SADD s a b ; SPOP s 5",
        "SADD s a b ; SPOP s 2", "SADD s a ; SPOP s 0", "SPOP s", "SPOP s 3", "SADD s a ; SMOVE s t a ; SMOVE s t a",
        "SADD s a ; SINTERSTORE d s x", "SADD s a ; SET d x ; SINTERSTORE d s x", "SADD s a ; SUNIONSTORE d s x",
        "SADD s a ; SADD t a ; SDIFFSTORE d s t", "SADD s a ; SADD t b ; SINTERCARD 2 s t",
        // sorted sets
        "ZADD z 1 a 2 b ; ZADD z 1 a", "ZADD z INCR 5 a ; ZINCRBY z 1 a", "ZADD z NX 1 a ; ZADD z XX 2 b",
        "ZADD z 1 a ; ZREM z a b", "ZADD z 1 a 2 b 3 c ; ZPOPMIN z ; ZPOPMAX z 5", "ZPOPMIN z",
        "ZADD z 1 a 2 b ; ZMPOP 1 z MIN COUNT 5", "ZADD z 1 a 2 b ; BZPOPMIN z 0", "ZADD z 1 a 2 b ; BZPOPMAX z 0",
        "ZADD z 1 a 2 b ; BZMPOP 0 1 z MAX COUNT 1", "@block BZPOPMIN z 0 ; ZADD z 1 a",
        "@block BZMPOP 0 1 z MIN COUNT 2 ; ZADD z 1 a 2 b 3 c", "ZADD z 1 a 2 b ; ZRANGESTORE d z 0 -1",
        "ZADD z 1 a ; ZRANGESTORE d z 5 10", "ZADD z 1 a ; SET d x ; ZRANGESTORE d z 5 10",
        "ZADD z 1 a ; ZUNIONSTORE d 2 z x", "ZADD z 1 a ; ZINTERSTORE d 2 z x", "ZADD z 1 a ; ZDIFFSTORE d 1 z",
        "ZADD z 1 a 2 b 3 c ; ZREMRANGEBYSCORE z 1 1 ; ZREMRANGEBYRANK z 0 0 ; ZREMRANGEBYLEX z - + ;"
                + " ZREMRANGEBYSCORE z 1 2",
        // hyperloglog, geo, sort
        "PFADD p a b ; PFADD p a", "PFADD p", "PFADD p a ; PFCOUNT p ; PFCOUNT p",
        "PFADD p a ; PFADD q b ; PFMERGE d p q",
        "PFADD p a ; PFADD q b ; PFCOUNT p q", "GEOADD g 13.361389 38.115556 a 15.087269 37.502669 b",
        "GEOADD g 13.361389 38.115556 a ; GEOADD g NX 13.361389 38.115556 a ; GEOADD g XX CH 13 38 a",
        "GEOADD g 13.361389 38.115556 a ; GEORADIUS g 15 37 200 km STORE d ; GEORADIUS g 15 37 1 km STORE e",
        "GEOADD g 13.361389 38.115556 a ; GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST",
        "RPUSH l 3 1 2 ; SORT l STORE d ; SORT x STORE e", "RPUSH l 3 1 2 ; SORT l ; SORT_RO l",
        // streams (the rest in StreamPropagationTest)
        "XADD x 1-1 a b ; XADD x MAXLEN 0 2-1 a b ; XTRIM x MAXLEN 0",
        // scripts, functions, transactions
        "EVAL \"redis.call('set', 'a', '1') redis.call('incr', 'a')\" 0", "EVAL \"redis.call('set', KEYS[1], 1)\" 1 a",
        "EVAL \"return redis.call('get', 'a')\" 0", "EVAL \"redis.call('set', 'a', '1', 'ex', 100)\" 0",
        "EVAL \"redis.call('select', 2) redis.call('set', 'a', '1') redis.call('select', 0) redis.call('set', 'b',"
                + " '1')\" 0", "EVAL \"redis.call('incrbyfloat', 'f', '1.5') redis.call('spop', 's')\" 0",
        "SET k v PX 1 ; @expired k ; EVAL \"return redis.call('get', 'k')\" 0",
        "EVAL \"redis.call('del', 'nokey')\" 0", "EVALSHA 0000000000000000000000000000000000000000 0",
        "SCRIPT LOAD \"redis.call('set', 'a', 1)\" ; EVALSHA e4073c6395b890b06a92598463908ef560c77c7c 0",
        "FUNCTION LOAD \"#!lua name=lib\\n redis.register_function('f', function(k) return redis.call('set', k[1],"
                + " 1) end)\" ; FCALL f 1 a ; FUNCTION DELETE lib",
        "MULTI ; SET a 1 ; INCR a ; EXEC", "MULTI ; SET a 1 ; EXEC", "MULTI ; GET a ; EXEC", "MULTI ; EXEC",
        "MULTI ; SET a 1 ; SELECT 4 ; SET b 1 ; EXEC ; SET c 1", "MULTI ; SET a 1 EX 100 ; INCRBYFLOAT f 1 ; EXEC",
        "MULTI ; DEL nokey ; EXEC", "SET a 1 ; MULTI ; SET a 2 ; DISCARD", "PUBLISH ch msg",
        // expiry and eviction
        "SET k v PX 1 ; @expired k ; GET k",
        "SET k v PX 1 ; @expired k ; EXISTS k",
        "SET k v PX 1 ; @expired k ; SET k w",
        "SELECT 2 ; SET k v PX 1 ; @expired k ; GET k",
        "RPUSH l a ; PEXPIRE l 10 ; @expired l ; RPUSH l b",
        "SET k v PX 1 ; @expired k ; MULTI ; GET k ; EXEC",
        "CONFIG SET lazyfree-lazy-expire yes ; SET k v PX 1 ; @expired k ; GET k ;"
                + " CONFIG SET lazyfree-lazy-expire no",
        "DEBUG SET-ACTIVE-EXPIRE 1 ; SET k v PX 1 ; @dbsize 0 ; DEBUG SET-ACTIVE-EXPIRE 0",
        "DEBUG SET-ACTIVE-EXPIRE 1 ; SELECT 3 ; SET k v PX 1 ; @dbsize 0 ; DEBUG SET-ACTIVE-EXPIRE 0",
        "CONFIG SET lazyfree-lazy-server-del yes ; SET a 1 ; SET b 2 ; RENAME a b ; SADD s a ; SPOP s 5 ;"
                + " CONFIG SET lazyfree-lazy-server-del no",
        "CONFIG SET lazyfree-lazy-user-del yes ; SET a 1 ; DEL a ; CONFIG SET lazyfree-lazy-user-del no",
        "CONFIG SET lazyfree-lazy-user-flush yes ; SET a 1 ; FLUSHALL ; FLUSHDB ;"
                + " CONFIG SET lazyfree-lazy-user-flush no",
        "SET a 1 ; CONFIG SET maxmemory-policy allkeys-lru ; CONFIG SET maxmemory 1 ; SET b 2 ;"
                + " CONFIG SET maxmemory 0 ; CONFIG SET maxmemory-policy noeviction",
        "CONFIG SET lazyfree-lazy-eviction yes ; SET a 1 ; CONFIG SET maxmemory-policy allkeys-lru ;"
                + " CONFIG SET maxmemory 1 ; SET b 2 ; CONFIG SET maxmemory 0 ; CONFIG SET maxmemory-policy"
                + " noeviction ; CONFIG SET lazyfree-lazy-eviction no",
        "DEBUG SET-ACTIVE-EXPIRE 1 ; CONFIG SET lazyfree-lazy-expire yes ; SET k v PX 1 ; @dbsize 0 ;"
                + " CONFIG SET lazyfree-lazy-expire no ; DEBUG SET-ACTIVE-EXPIRE 0",
        "CONFIG SET lazyfree-lazy-expire yes ; SET k v ; EXPIRE k -1 ; SET k v ; GETEX k PXAT 1 ; SET k v PXAT 1 ;"
                + " CONFIG SET lazyfree-lazy-expire no",
        "CONFIG SET lazyfree-lazy-user-del yes ; SET k v ; GETDEL k ; CONFIG SET lazyfree-lazy-user-del no",
        "SET k v PX 1 ; @expired k ; DEL k",
        "SET k v PX 1 ; @expired k ; EXPIRE k 100 ; GETEX k EX 5",
        "SET k v PX 1 ; @expired k ; EVAL \"redis.call('get', 'k') redis.call('set',"
                + " 'a', 1)\" 0",
        "SET k v PX 1 ; @expired k ; RENAME k j",
        "@block BLPOP l 0 ; @block BLPOP l 0 ; RPUSH l a b c", "@block BLMOVE l l RIGHT LEFT 0 ; RPUSH l a",
        "@block BZPOPMAX z 0 ; ZADD z 1 a 2 b", "@block BLMPOP 0 2 x l RIGHT ; RPUSH l a b",
        "SELECT 2 ; @block BLPOP l 0 ; RPUSH l a",
        "@block BLPOP l 0 ; EVAL \"redis.call('rpush', 'l', 'a') redis.call('set', 'b', 1)\" 0",
        "RPUSH l a b c ; LTRIM l 1 0 ; LTRIM l 0 -1", "RPUSH l a b c ; LTRIM l 0 5 ; LTRIM l -10 10", "LTRIM l 0 1",
        "RPUSH l a ; LSET l 0 a", "RPUSH l a b ; LMOVE l l LEFT LEFT", "ZUNIONSTORE d 1 x", "ZINTERSTORE d 1 x",
        "ZADD z 1 a ; ZDIFFSTORE d 2 z z", "ZADD z 1 a ; SET d x ; ZDIFFSTORE d 2 z z", "SUNIONSTORE d x",
        "SDIFFSTORE d x", "SET d x ; SDIFFSTORE d x", "SADD s a ; SINTERSTORE s s", "SADD s a ; SMOVE s s a",
        "GEOADD g 13.361389 38.115556 a ; GEOSEARCHSTORE d g FROMLONLAT 0 0 BYRADIUS 1 km",
        "GEOADD g 13.361389 38.115556 a ; SET d x ; GEOSEARCHSTORE d g FROMLONLAT 0 0 BYRADIUS 1 km",
        "GEORADIUSBYMEMBER g a 1 km STORE d", "SET d x ; SORT x STORE d", "RPUSH l 1 ; SORT l BY nosort STORE l",
        "BITOP OR d x y", "SET d x ; BITOP OR d x y", "SET a \"\" ; BITOP NOT d a", "ZADD z 1 a ; ZRANGESTORE d z"
                + " (1 +inf BYSCORE", "ZADD z 1 a ; ZADD z GT 0 a ; ZADD z LT 2 a ; ZADD z GT CH 2 a",
        "ZADD z 1 a ; ZINCRBY z 0 a", "ZADD z 1 a ; ZPOPMIN z 0 ; ZREM z b", "SET k v ; SET k w KEEPTTL GET",
        "SET k 1 ; SET k v GET ; HSET h a 1 ; SET h v GET", "PFADD p a ; PFADD p", "PFADD p a ; PFMERGE p",
        "PFMERGE d", "INCRBYFLOAT f 0.1 ; INCRBYFLOAT f 0.2", "INCRBYFLOAT f 1e300", "INCRBYFLOAT f 5.0e3 ;"
                + " INCRBYFLOAT f -5000", "HINCRBYFLOAT h a 0.1 ; HINCRBYFLOAT h a 0.2 ; HINCRBYFLOAT h a 1e20",
        "MSET a 1 a 2", "EVAL \"redis.call('set', 'a', 'x') return redis.call('incr', 'a')\" 0",
        "EVAL \"redis.pcall('incr', 'nokey') redis.pcall('lpush', 'nokey', 'x') redis.call('set', 'b', 1)\" 0",
        "EVAL \"redis.call('set', 'a', 1) redis.call('del', 'a')\" 0", "EVAL \"redis.setresp(3) return 1\" 0",
        "MULTI ; SET a x ; INCR a ; EXEC", "MULTI ; SET a 1 ; FLUSHALL ; SET b 1 ; EXEC",
        "SET a 1 ; MULTI ; SWAPDB 0 1 ; SET a 2 ; EXEC", "RPUSH l a ; MULTI ; BLPOP l 0 ; SET b 1 ; EXEC",
        "MULTI ; EVAL \"redis.call('set', 'a', 1)\" 0 ; SET b 1 ; EXEC", "SET k v ; GETEX k PXAT 1 ; GETEX k",
        "SET k v ; SETEX k 100 w ; PSETEX k 1 w", "SET a 1 ; COPY a a", "SET a 1 ; MOVE a 0", "HSET h a 1 ;"
                + " HSETNX h b 2 ; HDEL h a b c", "SADD s a b ; SREM s a b", "ZADD z 1 a ; ZREMRANGEBYRANK z 5 10",
        "XADD x 1-1 a b ; XDEL x 1-1 ; XDEL x 1-1", "SET a 1 ; RENAMENX a a",
        "SET b 1 ; SET a 1 PX 1 ; @expired a ; DEL a b",
        "SET a 1 PX 1 ; @expired a ; COPY a b ; MSETNX a 1",
        "RPUSH l 2 1 ; SET w_1 1 PX 1 ; @expired w_1 ; SORT l BY w_* GET w_* STORE d",
        "SPUBLISH ch msg", "MULTI ; PUBLISH ch m ; SET a 1 ; EXEC", "EVAL \"redis.call('publish', 'ch', 'm')\" 0",
        "EVAL \"redis.call('publish', 'ch', 'm') redis.call('set', 'a', 1)\" 0",
        "EVAL \"redis.call('sadd', 's', 'a', 'b') redis.call('spop', 's', 5) redis.call('expire', 'x', 5)"
                + " redis.call('rpush', 'l', 'a') redis.call('blpop', 'l', 0) redis.call('blpop', 'l', 0)\" 0",
        "SET a 1 ; EVAL \"local d = redis.call('dump', 'a') redis.call('restore', 'b', 0, d, 'idletime', 5)\" 0",
        "FUNCTION LOAD \"#!lua name=lib\\n redis.register_function('f', function(k) redis.call('set', k[1], 1)"
                + " redis.call('incr', k[1]) end)\" ; FCALL f 1 a ; FUNCTION LOAD REPLACE \"#!lua name=lib\\n"
                + " redis.register_function('f', function(k) return 1 end)\" ; FCALL f 0 ; FUNCTION FLUSH ASYNC ;"
                + " FUNCTION FLUSH",
        "MULTI ; FUNCTION LOAD \"#!lua name=lib\\n redis.register_function('f', function(k) return 1 end)\" ;"
                + " SET a 1 ; EXEC ; FUNCTION DELETE lib",
        "@block BLPOP l 0 ; RPUSH m a ; RENAME m l", "@block BLPOP l 0 ; RPUSH m a ; LMOVE m l LEFT LEFT",
        "@block BLPOP l 0 ; RPUSH m 2 1 ; SORT m STORE l", "@block BZPOPMIN z 0 ; ZADD y 1 a ; ZUNIONSTORE z 1 y",
        "@block BLPOP l 0 ; SELECT 1 ; RPUSH l a ; SWAPDB 0 1", "@block BLPOP l 0 ; RPUSH m a ; COPY m l",
        "@block BLPOP l 0 ; SELECT 1 ; RPUSH l a ; MOVE l 0", "@block BLPOP l 0 ; SET l x ; DEL l ; RPUSH l a",
        "@block BLMPOP 0 2 l m LEFT COUNT 2 ; MULTI ; RPUSH m a ; RPUSH l b c d ; EXEC",
        "@block BLPOP l 0 ; @block BRPOP l 0 ; MULTI ; RPUSH l a ; DEL l ; RPUSH l b c ; EXEC",
        "MULTI ; SET a 1 ; EXEC ; MULTI ; INCR a ; SET b x ; EXEC", "WATCH a ; MULTI ; SET a 1 ; SET b 1 ; EXEC",
        "SET a 1 ; WATCH a ; SET a 2 ; MULTI ; SET b 1 ; EXEC", "MULTI ; SET a 1 ; NOSUCH ; EXEC",
        "MULTI ; INCR a ; SELECT 9 ; INCR a ; SELECT 0 ; INCR a ; EXEC",
        "SELECT 3 ; EVAL \"redis.call('set', 'a', 1) redis.call('select', 4) redis.call('set', 'b', 1)\" 0 ;"
                + " SET c 1",
        "SET a 1 ; SELECT 3 ; SET b 1 EX 100 ; SELECT 0 ; CONFIG SET maxmemory-policy volatile-lru ;"
                + " CONFIG SET maxmemory 1 ; SET c 1 ; CONFIG SET maxmemory 0 ; CONFIG SET maxmemory-policy noeviction",
        "SET a 1 EX 100 ; CONFIG SET maxmemory-policy volatile-ttl ; CONFIG SET maxmemory 1 ; GET a ;"
                + " CONFIG SET maxmemory 0 ; CONFIG SET maxmemory-policy noeviction",
        "SET k v PX 10 ; CLIENT PAUSE 100000 WRITE ; @expired k ; GET k ; CLIENT UNPAUSE ; GET k",
        "EVAL \"redis.set_repl(redis.REPL_NONE) redis.call('set', 'a', 1) redis.set_repl(redis.REPL_ALL)"
                + " redis.call('set', 'b', 1)\" 0",
        "EVAL \"redis.set_repl(redis.REPL_AOF) redis.call('set', 'a', 1) redis.set_repl(redis.REPL_REPLICA)"
                + " redis.call('set', 'b', 1) redis.set_repl(redis.REPL_SLAVE) redis.call('set', 'c', 1)\" 0",
        "XGROUP CREATE x g $ MKSTREAM ; @block XREADGROUP GROUP g c BLOCK 0 STREAMS x > ; XADD x 1-1 a b",
        "XGROUP CREATE x g $ MKSTREAM ; @block XREADGROUP GROUP g c NOACK BLOCK 0 STREAMS x > ; XADD x 1-1 a b",
        "XGROUP CREATE x g $ MKSTREAM ; @block XREADGROUP GROUP g c COUNT 1 BLOCK 0 STREAMS x > ;"
                + " MULTI ; XADD x 1-1 a b ; XADD x 2-1 a b ; EXEC",
        "XADD x 1-1 a b ; @block XREAD BLOCK 0 STREAMS x $ ; XADD x 2-1 a b",
        "XGROUP CREATE x g $ MKSTREAM ; @block XREADGROUP GROUP g c BLOCK 0 STREAMS x > ; DEL x",
        "DEBUG POPULATE 3 ; DEBUG RELOAD ; SET a 1", "PFADD p a ; PFDEBUG TODENSE p ; PFDEBUG GETREG p ;"
                + " PFDEBUG DECODE p ; PFDEBUG ENCODING p", "SET k v ; DEBUG SLEEP 0 ; DEBUG JMAP ; DEBUG DIGEST",
        "HSET h a 1 ; DEBUG LISTPACK h ; DEBUG STRINGMATCH-LEN",
        "RPUSH l a ; OBJECT FREQ l ; CONFIG SET maxmemory-policy allkeys-lfu ; OBJECT FREQ l ;"
                + " CONFIG SET maxmemory-policy noeviction");

    private static final Pattern UNIX_MS = Pattern.compile("1\\d{12}");
    private static final Pattern UNIX_S = Pattern.compile("1\\d{9}");
    private static final Pattern STREAM_ID = Pattern.compile("(1\\d{12})-(\\d+)");

    /**
     * Every command that looks a key up, on a key of each type that expired and that nothing deleted yet: a lookup
     * that deletes it propagates DEL (wrapped in MULTI/EXEC with the command's own effects, if any), one that only
     * skips it (KEYS, DBSIZE, DEBUG OBJECT, MEMORY USAGE) propagates nothing.
     */
    public static List<String> expiredLookups() {
        String[][] byType = {
            {"SET k 1", "GET k", "STRLEN k", "GETRANGE k 0 1", "SUBSTR k 0 1", "MGET k x", "EXISTS k", "TYPE k",
                "TTL k", "PTTL k", "EXPIRETIME k", "PEXPIRETIME k", "OBJECT ENCODING k", "OBJECT IDLETIME k",
                "OBJECT REFCOUNT k", "OBJECT FREQ k", "DUMP k", "MEMORY USAGE k", "TOUCH k", "SCAN 0",
                "SCAN 0 MATCH k", "SCAN 0 TYPE string", "RANDOMKEY", "KEYS *", "DBSIZE", "DEBUG OBJECT k", "LCS k x",
                "GETBIT k 0", "BITCOUNT k", "BITPOS k 1", "BITFIELD_RO k GET u8 0", "BITFIELD k GET u8 0",
                "WATCH k", "COPY k j", "EXPIRE k 100", "PERSIST k", "GETEX k", "GETDEL k", "APPEND k x", "INCR k",
                "INCRBYFLOAT k 1", "SETRANGE k 0 x", "SET k v NX", "SET k v XX", "SET k v GET", "SETNX k v",
                "MSETNX k v", "DEL k", "UNLINK k", "MOVE k 1", "RENAMENX k j",
                "EVAL \"return redis.call('get', KEYS[1])\" 1 k",
                "EVAL_RO \"return redis.call('get', KEYS[1])\" 1 k", "MULTI ; GET k ; SET j 1 ; EXEC",
                "SORT_RO k", "OBJECT HELP", "EXISTS x"},
            {"RPUSH k a", "LLEN k", "LRANGE k 0 -1", "LINDEX k 0", "LPOS k a", "LPOP k", "RPOP k 2", "LMPOP 1 k LEFT",
                "BLPOP k 0.01", "SORT k", "SORT k STORE d", "SORT_RO k", "LPUSHX k a", "RPOPLPUSH k j",
                "LMOVE k j LEFT LEFT", "LINSERT k BEFORE a b", "LSET k 0 a", "LREM k 0 a", "LTRIM k 0 0",
                "RPUSH k b"},
            {"HSET k f v", "HGET k f", "HLEN k", "HGETALL k", "HSCAN k 0", "HRANDFIELD k", "HEXISTS k f",
                "HSTRLEN k f", "HMGET k f", "HKEYS k", "HSETNX k f v", "HDEL k f", "HINCRBY k n 1"},
            {"SADD k a", "SCARD k", "SISMEMBER k a", "SMISMEMBER k a", "SMEMBERS k", "SRANDMEMBER k", "SSCAN k 0",
                "SINTER k", "SINTERCARD 1 k", "SUNION k x", "SUNIONSTORE d k", "SDIFFSTORE d k", "SMOVE k j a",
                "SREM k a", "SPOP k"},
            {"ZADD k 1 a", "ZCARD k", "ZSCORE k a", "ZMSCORE k a", "ZRANGE k 0 -1", "ZRANK k a", "ZSCAN k 0",
                "ZRANDMEMBER k", "ZINTERCARD 1 k", "ZUNIONSTORE d 1 k", "ZRANGESTORE d k 0 -1", "ZCOUNT k -inf +inf",
                "ZLEXCOUNT k - +", "ZPOPMIN k", "ZMPOP 1 k MIN", "BZPOPMIN k 0.01", "ZINCRBY k 1 a", "ZREM k a",
                "GEOPOS k a", "GEODIST k a b", "GEOSEARCH k FROMMEMBER a BYRADIUS 1 km"},
            {"XADD k 1-1 f v", "XLEN k", "XRANGE k - +", "XREVRANGE k + -", "XREAD STREAMS k 0", "XINFO STREAM k",
                "XPENDING k g", "XTRIM k MAXLEN 0", "XDEL k 1-1", "XGROUP CREATE k g 0", "XADD k 2-1 f v"},
            {"PFADD k a", "PFCOUNT k", "PFMERGE d k", "PFADD k b"},
        };
        List<String> cases = new ArrayList<>();
        // Not PEXPIRE 1: Redis 7.0 reads its clock twice and turns a TTL that ran out in between into DEL.
        for (String[] type : byType) {
            for (int i = 1; i < type.length; i++) {
                cases.add(type[0] + " ; PEXPIRE k 10 ; @expired k ; " + type[i]);
            }
        }
        return cases;
    }

    /**
     * The cases with every command name and option in lower case (quoted arguments, such as scripts, kept): Redis
     * propagates a command it does not rewrite as it was sent, and its rewrites in its own spelling.
     */
    public static List<String> lowerCase(List<String> cases) {
        List<String> out = new ArrayList<>();
        for (String line : cases) {
            StringBuilder b = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char ch = line.charAt(i);
                if (ch == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
                    quoted = !quoted;
                }
                b.append(quoted ? ch : Character.toLowerCase(ch));
            }
            out.add(b.toString());
        }
        return out;
    }

    /** Fails, listing every case whose propagated commands differ (see {@link #same}) between the two servers. */
    public static void assertSame(List<String> cases, List<List<String>> redis, List<List<String>> jredis) {
        List<String> diffs = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            if (!same(redis.get(i), jredis.get(i))) {
                diffs.add(cases.get(i) + "\n    redis:  " + redis.get(i) + "\n    jredis: " + jredis.get(i));
            }
        }
        Assertions.assertTrue(diffs.isEmpty(), diffs.size() + " of " + cases.size()
                + " cases propagate differently:\n" + String.join("\n", diffs));
    }

    /**
     * Equal streams, but for times computed from each server's clock (an EXPIRE of a long TTL far from now is not
     * blanked): two numbers of unix-time size within a minute of each other are the same time.
     */
    public static boolean same(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            String[] x = a.get(i).split(" ", -1);
            String[] y = b.get(i).split(" ", -1);
            if (x.length != y.length) {
                return false;
            }
            for (int k = 0; k < x.length; k++) {
                if (!x[k].equals(y[k]) && !closeTimes(x[k], y[k])) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean closeTimes(String x, String y) {
        try {
            long a = Long.parseLong(x);
            long b = Long.parseLong(y);
            long tolerance = Math.abs(a) >= 1_000_000_000_000L ? 60_000 : 60;
            return Math.abs(a) >= 1_000_000_000L && Math.abs(a - b) <= tolerance;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Turns the active expiry of the server at {@code port} off, as the cases expect. */
    public static void prepare(int port) throws IOException {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        }
    }

    /** Runs one case (see {@link #HAND_WRITTEN}) on the server at {@code port}. */
    public static void run(int port, String line) throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            c.call("FLUSHALL");
            List<RawClient> blocked = new ArrayList<>();
            String db = "0";
            try {
                for (String cmd : line.split(" ; ")) {
                    if (cmd.startsWith("@block ")) {
                        long before = c.infoLong("clients", "blocked_clients");
                        RawClient b = new RawClient("127.0.0.1", port);
                        blocked.add(b);
                        b.call("SELECT", db);
                        b.send(RawClient.encode(split(cmd.substring(7))));
                        Await.until(cmd, 10, () -> c.infoLong("clients", "blocked_clients") > before);
                    } else if (cmd.startsWith("@expired ")) {
                        String key = cmd.substring(9);
                        Await.until(cmd, 10, () -> {
                            try {
                                return ((List<?>) c.call("KEYS", key)).isEmpty();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                    } else if (cmd.startsWith("@dbsize ")) {
                        long n = Long.parseLong(cmd.substring(8));
                        Await.until(cmd, 10, () -> {
                            try {
                                return (Long) c.call("DBSIZE") == n;
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                    } else {
                        if (cmd.regionMatches(true, 0, "SELECT ", 0, 7)) {
                            db = cmd.substring(7);
                        }
                        c.callRaw(split(cmd));
                    }
                }
                for (RawClient b : blocked) {
                    b.readRaw();
                }
            } finally {
                for (RawClient b : blocked) {
                    b.close();
                }
            }
        }
    }

    private static byte[][] split(String cmd) {
        return SplitArgs.split(cmd.getBytes(StandardCharsets.UTF_8)).toArray(new byte[0][]);
    }

    /** The command as one line; unix times near now (in ms or s) blanked, as they differ between two runs. */
    public static String normalise(List<String> argv) {
        long now = System.currentTimeMillis();
        List<String> out = new ArrayList<>();
        for (String a : argv) {
            Matcher id = STREAM_ID.matcher(a);
            if (UNIX_MS.matcher(a).matches() && Math.abs(Long.parseLong(a) - now) < 600_000) {
                out.add("<ms>");
            } else if (id.matches() && Math.abs(Long.parseLong(id.group(1)) - now) < 600_000) {
                out.add("<ms>-" + id.group(2));
            } else if (UNIX_S.matcher(a).matches() && Math.abs(Long.parseLong(a) - now / 1000) < 600) {
                out.add("<s>");
            } else {
                out.add(a.isEmpty() ? "\"\"" : a);
            }
        }
        return String.join(" ", out);
    }
}
