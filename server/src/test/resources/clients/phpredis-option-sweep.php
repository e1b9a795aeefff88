<?php
// The phpredis methods phpredis-api-sweep.php leaves out (blocking pops, stream reads and consumer groups, EVAL's
// reply conversions, PUBSUB, OBJECT, SCRIPT, SORT/GEO/ZADD/SET options), each called with argument shapes it
// accepts, on a key of every type, directly, queued in MULTI or in a pipeline; prints each result, getLastError()
// and the types of the two keys afterwards. WAIT and ROLE are the replication module's, which PhpRedisTest's server
// lacks. PhpRedisTest runs it against jredis and real Redis and compares the
// output line by line. Usage: php phpredis-option-sweep.php PORT direct|multi|pipeline
error_reporting(E_ALL & ~E_DEPRECATED & ~E_WARNING & ~E_NOTICE);
$port = (int)$argv[1];
$mode = $argv[2];

$types = [
    'none' => function ($r) {},
    'string' => function ($r) { $r->set('k', '10'); },
    'list' => function ($r) { $r->rPush('k', 'a', 'b', 'c'); },
    'hash' => function ($r) { $r->hMSet('k', ['f' => '1']); },
    'set' => function ($r) { $r->sAdd('k', 'a'); },
    'zset' => function ($r) { $r->zAdd('k', 1, 'a', 2, 'b'); },
    // with a consumer group, so the group commands have something to report
    'stream' => function ($r) {
        $r->xAdd('k', '1-1', ['f' => 'v']);
        $r->rawCommand('XGROUP', 'CREATE', 'k', 'g', '0');
    },
];

// phpredis 5.3 takes blocking timeouts as whole seconds, so each pop on the missing key waits one second: one
// each of the list, list-move and sorted-set kinds times out, the rest fail before blocking
$calls = [
    ['blPop', [['k', 'k2'], 1]], ['brPop', ['k', -1]], ['brpoplpush', ['k', 'k2', 1]], ['bzPopMin', [['k'], 1]],
    ['bzPopMax', ['k', -1]],
    ['xread', [['k' => '0'], 1, 10]], ['xread', [['k' => '$'], 1, 10]], ['xread', [['k' => '0-0'], 0]],
    ['xread', [['k' => 'x'], 1]],
    ['xreadgroup', ['g', 'c', ['k' => '>'], 1, 10]], ['xreadgroup', ['g', 'c', ['k' => '0'], 1]],
    ['xgroup', ['CREATE', 'k', 'g', '0']], ['xgroup', ['CREATE', 'k', 'g2', '$', true]],
    ['xgroup', ['SETID', 'k', 'g', '0']],
    ['xgroup', ['DESTROY', 'k', 'g']], ['xgroup', ['DELCONSUMER', 'k', 'g', 'c']], ['xgroup', ['HELP']],
    ['xgroup', ['CREATECONSUMER', 'k', 'g', 'c']],
    ['xinfo', ['GROUPS', 'k']], ['xinfo', ['CONSUMERS', 'k', 'g']], ['xinfo', ['HELP']],
    ['xpending', ['k', 'g']], ['xpending', ['k', 'g', '-', '+', 10]], ['xpending', ['k', 'g', '-', '+', 10, 'c']],
    ['xclaim', ['k', 'g', 'c', 0, ['1-1']]], ['xclaim', ['k', 'g', 'c', 0, ['1-1'], ['JUSTID']]], ['xtrim', ['k', 0]],
    ['xtrim', ['k', 0, true]],
    ['object', ['encoding', 'k']], ['object', ['refcount', 'k']], ['object', ['freq', 'k']], ['object', ['help', 'k']],
    ['pubsub', ['channels']], ['pubsub', ['numsub', ['a', 'b']]], ['pubsub', ['numpat']],
    ['pubsub', ['channels', 'k*']],
    ['script', ['exists', 'abc']], ['script', ['load', 'return 1']], ['script', ['kill']], ['script', ['flush']],
    ['slowlog', ['help']],
    ['eval', ['return redis.call("type", KEYS[1])', ['k'], 1]],
    ['eval', ['return redis.call("lpop", KEYS[1])', ['k'], 1]],
    ['eval', ['return {1,2,{3,"x"}}']], ['eval', ['return redis.error_reply("boom")']],
    ['eval', ['return redis.status_reply("FINE")']], ['eval', ['return 1.5']], ['eval', ['return nil']],
    ['eval', ['error("x")']], ['eval', ['return redis.call("nosuch")']],
    ['eval', ['return redis.pcall("incr", KEYS[1])', ['k'], 1]],
    ['eval', ['return redis.call("incr", KEYS[1])', ['k'], 1]],
    ['dbSize', []], ['echo', ['x']], ['ping', ['hi']], ['ping', []],
    ['sort', ['k', ['sort' => 'desc', 'alpha' => true]]], ['sort', ['k', ['limit' => [0, 1], 'alpha' => true]]],
    ['sort', ['k', ['by' => 'nosort']]], ['sort', ['k', ['store' => 'k2', 'alpha' => true]]],
    ['sort', ['k', ['get' => ['#', 'x_*']]]],
    ['geoadd', ['k', 1.5, 2.5, 'm']], ['georadius', ['k', 1.5, 2.5, 10, 'km', ['WITHCOORD', 'WITHDIST', 'ASC']]],
    ['georadiusbymember', ['k', 'a', 10, 'km', ['COUNT' => 1]]], ['geodist', ['k', 'a', 'b']], ['geohash', ['k', 'a']],
    ['geopos', ['k', 'a', 'z']],
    ['move', ['k', 1]], ['pfadd', ['k', ['a']]], ['pfcount', ['k']], ['pfmerge', ['k2', ['k']]],
    ['bitop', ['AND', 'k2', 'k']], ['bitpos', ['k', 1]], ['bitcount', ['k', 0, -1]], ['getRange', ['k', 0, -1]],
    ['setRange', ['k', 1, 'x']], ['lInsert', ['k', 'before', 'b', 'x']], ['lInsert', ['k', 'middle', 'b', 'x']],
    ['zAdd', ['k', ['NX', 'CH'], 5, 'a']], ['zAdd', ['k', ['XX', 'INCR'], 5, 'a']],
    ['zAdd', ['k', ['GT', 'LT'], 5, 'a']],
    ['zRangeByScore', ['k', '-inf', '+inf', ['withscores' => true, 'limit' => [0, 1]]]],
    ['zRangeByLex', ['k', '-', '+', 0, 1]], ['zinterstore', ['k2', ['k', 'k'], [1, 2], 'max']],
    ['zunionstore', ['k2', ['k'], [1], 'sum']], ['zunionstore', ['k2', ['k'], [1, 2]]],
    // long or no TTLs only: a key that may expire between the call and the TYPE after it would make a race
    ['set', ['k', 'v', ['nx', 'px' => 100000]]], ['set', ['k', 'v', ['xx', 'ex' => 0]]],
    ['set', ['k', 'v', ['keepttl', 'get']]],
    ['set', ['k', 'v', ['exat' => 1]]], ['set', ['k', 'v', 100]],
    ['hSet', ['k', 'f', 'v']], ['hIncrByFloat', ['k', 'f', 1.5]], ['hStrLen', ['k', 'f']], ['expire', ['k', 100]],
    ['pexpire', ['k', -1]], ['expireAt', ['k', 1]], ['persist', ['k']],
];

function client($port) {
    $r = new Redis();
    $r->connect('127.0.0.1', $port);
    return $r;
}

$r = client($port);
foreach ($calls as [$m, $args]) {
    foreach ($types as $type => $setup) {
        // A pop that times out waits its second again in a pipeline, where the server sees the same command
        if ($mode === 'pipeline' && $type === 'none' && in_array($m, ['blPop', 'brpoplpush', 'bzPopMin'])) {
            continue;
        }
        $r->rawCommand('FLUSHALL');
        $r->rawCommand('SCRIPT', 'FLUSH');
        $setup($r);
        $r->clearLastError();
        try {
            if ($mode === 'direct') {
                $res = $r->$m(...$args);
            } else {
                $q = $mode === 'multi' ? $r->multi() : $r->pipeline();
                $q->$m(...$args);
                $res = $q->exec();
            }
            $out = var_export($res, true);
        } catch (Throwable $e) {
            $out = get_class($e) . ': ' . $e->getMessage();
        }
        $err = var_export($r->getLastError(), true);
        // A failed call can leave phpredis's reply stream out of step, so the types are read on a new connection
        $r = client($port);
        $after = $r->type('k') . '/' . $r->type('k2');
        echo "$m/$type(" . json_encode($args) . ") => " . str_replace("\n", ' ', $out) . " | err=$err | type=$after\n";
    }
}
