<?php
// A WooCommerce object-cache style session through phpredis; PhpRedisTest runs it against jredis and real Redis
// and compares the printed results. Usage: php woocommerce-object-cache.php PORT
$port = (int)$argv[1];
$r = new Redis();
$out = [];
$out[] = $r->pconnect('127.0.0.1', $port, 1.0, 'woo');
$out[] = $r->select(3);
$out[] = $r->flushDb();
$out[] = $r->setex('wc:product:1', 3600, serialize(['id'=>1,'name'=>'Hat','price'=>'9.99']));
$out[] = $r->get('wc:product:1');
$out[] = $r->get('wc:missing');
$out[] = $r->set('wc:plain', 'v');
$out[] = $r->mget(['wc:product:1', 'wc:missing', 'wc:plain']);
$out[] = $r->incr('wc:last_changed');
$out[] = $r->incrBy('wc:last_changed', 5);
$out[] = $r->decr('wc:last_changed');
$out[] = $r->incr('wc:plain');
$out[] = $r->getLastError();
$r->clearLastError();
$p = $r->pipeline();
$p->set('wc:a', 1);
$p->get('wc:a');
$p->expire('wc:a', 100);
$p->ttl('wc:a');
$p->hSet('wc:h', 'f', 'v');
$p->hGetAll('wc:h');
$p->del('wc:nosuch');
$out[] = $p->exec();
$m = $r->multi();
$m->set('wc:b', 2);
$m->incr('wc:b');
$m->get('wc:b');
$m->sAdd('wc:groups', 'products', 'orders');
$m->sMembers('wc:groups');
$res = $m->exec();
sort($res[4]); // a set of strings is a hashtable: its order is Redis's random hash seed's
$out[] = $res;
for ($i = 0; $i < 30; $i++) { $r->set("wc:grp:products:$i", $i); }
$lua = "local keys = redis.call('KEYS', ARGV[1]) local n = 0 for i, k in ipairs(keys) do redis.call('DEL', k) n = n + 1 end return n";
$out[] = $r->eval($lua, ['wc:grp:products:*'], 0);
$out[] = $r->eval("return redis.call('incr', KEYS[1])", ['wc:cnt'], 1);
$out[] = $r->eval("return {KEYS[1], ARGV[1], 3.5, false, true}", ['k', 'a'], 1);
$sha = $r->script('load', "return ARGV[1]");
$out[] = $sha;
$out[] = $r->evalSha($sha, ['x'], 0);
$out[] = $r->script('exists', $sha, 'deadbeef');
$out[] = $r->eval("return redis.call('nosuchcmd')");
$out[] = $r->getLastError();
$r->clearLastError();
for ($i = 0; $i < 50; $i++) { $r->set("wc:scan:$i", $i); }
$r->setOption(Redis::OPT_SCAN, Redis::SCAN_RETRY);
$it = null; $found = [];
while ($keys = $r->scan($it, 'wc:scan:*', 10)) { foreach ($keys as $k) $found[] = $k; }
sort($found);
$out[] = count($found);
$out[] = $found[0];
$out[] = $r->exists('wc:a', 'wc:b', 'wc:none');
$out[] = $r->del(['wc:a', 'wc:b']);
$out[] = $r->unlink('wc:plain');
$out[] = $r->ttl('wc:product:1') > 3500;
$out[] = $r->type('wc:h');
$out[] = $r->info('server')['redis_version'];
$out[] = $r->dbSize();
$out[] = $r->ping();
$out[] = $r->ping('hi');
$out[] = $r->hMSet('wc:hm', ['a' => 1, 'b' => 2]);
$out[] = $r->hMGet('wc:hm', ['a', 'zz']);
$out[] = $r->expireAt('wc:hm', time() + 100);
$out[] = $r->set('wc:nx', 1, ['nx', 'ex' => 10]);
$out[] = $r->set('wc:nx', 1, ['nx', 'ex' => 10]);
$out[] = $r->rawCommand('object', 'encoding', 'wc:hm');
$out[] = $r->client('list') !== false;
$out[] = $r->flushDb(true);
$out[] = $r->select(0);
var_export($out);
echo "\n";
