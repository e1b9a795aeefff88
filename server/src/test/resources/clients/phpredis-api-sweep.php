<?php
// Every public phpredis Redis method, called with a fixed set of argument shapes on a key of every type, directly
// or queued in MULTI; prints each result, getLastError() and the key's type afterwards. PhpRedisTest runs it against
// jredis and real Redis and compares the output line by line. Usage: php phpredis-api-sweep.php PORT direct|multi
error_reporting(E_ALL & ~E_DEPRECATED & ~E_WARNING & ~E_NOTICE);
$port = (int)$argv[1];
$mode = $argv[2];

$skip = [
    // connection state, server-wide state and replication: one call would change what every later call sees
    '__construct', '__destruct', 'connect', 'pconnect', 'open', 'popen', 'close', 'auth', 'select', 'swapdb',
    'shutdown', 'slaveof', 'replicaof', 'failover', 'config', 'client', 'script', 'acl', 'debug', 'save', 'bgsave',
    'bgrewriteaof', 'flushall', 'flushdb', 'function', 'reset', 'migrate', 'setoption', 'rawcommand',
    // transactions and pipelines are the harness's own tool
    'multi', 'exec', 'discard', 'pipeline', 'watch', 'unwatch',
    // block, or hold the connection in a subscribed or monitoring state
    'blpop', 'brpop', 'brpoplpush', 'blmove', 'blmpop', 'bzpopmin', 'bzpopmax', 'bzmpop', 'xread', 'xreadgroup',
    'wait', 'monitor', 'subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'publish', 'pubsub',
    // replies that differ between two real servers too: random picks, clocks, hash-seed dependent cursors, sizes
    'randomkey', 'srandmember', 'spop', 'hrandfield', 'zrandmember', 'time', 'lastsave', 'info', 'role', 'slowlog',
    'dbsize', 'object', 'memory', 'command', 'lolwut', 'pttl', 'expiretime', 'pexpiretime', 'scan', 'hscan', 'sscan',
    'zscan',
    // the persistence module's commands (DumpRestoreTest there compares them with Redis); PhpRedisTest's server has
    // only the server module's
    'dump', 'restore',
    // client-side accessors that never reach the server
    'getoption', 'isconnected', 'gethost', 'getport', 'getdbnum', 'gettimeout', 'getreadtimeout', 'getpersistentid',
    'getauth', 'getlasterror', 'clearlasterror', 'getmode',
    // deprecated sort helpers that crash phpredis 5.3 itself
    'sortasc', 'sortascalpha', 'sortdesc', 'sortdescalpha',
];
// These can leave a key with a relative TTL of a millisecond or a second, so its type right after is a race
$ttlSetters = ['expire', 'pexpire', 'settimeout', 'setex', 'psetex', 'set', 'getex'];

$types = [
    'none' => function ($r) {},
    'string' => function ($r) { $r->set('k', '10'); },
    'list' => function ($r) { $r->rPush('k', 'a', 'b', 'c'); },
    'hash' => function ($r) { $r->hMSet('k', ['f' => '1', 'g' => 'x']); },
    'set' => function ($r) { $r->sAdd('k', 'a'); },
    'zset' => function ($r) { $r->zAdd('k', 1, 'a', 2, 'b'); },
    'stream' => function ($r) { $r->xAdd('k', '1-1', ['f' => 'v']); },
];
$shapes = [[], ['k'], ['k', 'x'], ['k', 1], ['k', 'a', 'b'], ['k', 0, -1], ['k', 'f', 'v'], ['k', ['a', 'b']],
    ['k', -1], ['k', 'nan'], ['k', 1.5], ['k', 'a', 1], [['k', 'k2']], ['k', 'k2'], ['k', 0, 'x']];

function client($port) {
    $r = new Redis();
    $r->connect('127.0.0.1', $port);
    return $r;
}

$methods = array_map(function ($m) { return $m->name; },
    (new ReflectionClass('Redis'))->getMethods(ReflectionMethod::IS_PUBLIC));
sort($methods);
$r = client($port);
foreach ($methods as $m) {
    if (in_array(strtolower($m), $skip)) {
        continue;
    }
    foreach ($types as $type => $setup) {
        foreach ($shapes as $args) {
            $r->rawCommand('FLUSHALL');
            $setup($r);
            $r->clearLastError();
            try {
                if ($mode === 'direct') {
                    $res = $r->$m(...$args);
                } else {
                    $queued = $r->multi()->$m(...$args);
                    $res = [is_object($queued) ? 'queued' : $queued, $r->exec()];
                }
                $out = var_export($res, true);
            } catch (Throwable $e) {
                $out = get_class($e) . ': ' . $e->getMessage();
            }
            $err = var_export($r->getLastError(), true);
            // A failed call can leave phpredis's reply stream out of step, so the type is read on a new connection
            $r = client($port);
            $after = in_array(strtolower($m), $ttlSetters) ? '?' : $r->type('k');
            echo "$m/$type" . json_encode($args) . ' => ' . str_replace("\n", ' ', $out) . " | $err | $after\n";
        }
    }
}
