#!/usr/bin/env bash
# Failover timing: three Sentinels (jredis, then real redis-sentinel) watch one real redis-server master and two
# real replicas with down-after-milliseconds 1000. Each run SIGKILLs the master and measures, from the kill:
#   switch_first / switch_last : +switch-master received from the first / the last of the three Sentinels
#   write                      : first successful SET on the replica that gets promoted
# Prints every run and the median per column for both kinds of Sentinel.
# Usage: [DATA=jredis] bench/sentinel-failover-timing.sh [runs] (default 5); DATA=jredis runs jredis data nodes
# (jar, with replication) instead of redis-server. Needs jredis/target/jredis.jar (mvn install
# -DskipTests) and redis-server, redis-sentinel, redis-cli on the PATH. Each run waits until every Sentinel knows
# its peers and replicas, is out of TILT and sees the master up before the kill.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
data="${DATA:-real}"
jar="$PWD/jredis/target/jredis.jar"
out="$PWD/bench/target/sentinel-failover"
[[ -f "$jar" ]] || { echo "missing $jar: run mvn -B -q install -DskipTests first" >&2; exit 1; }
for b in redis-server redis-sentinel redis-cli; do
    command -v "$b" >/dev/null || { echo "$b not on PATH" >&2; exit 1; }
done
rm -rf "$out" && mkdir -p "$out"

pids=()
cleanup() {
    local p
    for p in "${pids[@]:-}"; do
        [[ -n "$p" ]] && kill -9 "$p" 2>/dev/null || true
    done
    pids=()
}
trap cleanup EXIT
trap "exit 130" INT TERM

next_port=20400
free_port() {
    while ss -Hltn "sport = :$next_port" | grep -q .; do
        next_port=$((next_port + 1))
    done
    port=$next_port
    next_port=$((next_port + 1))
}

now_ms() { local t=$EPOCHREALTIME; echo $(( ${t%.*} * 1000 + 10#${t#*.} / 1000 )); }

wait_until() { # seconds, command...
    local deadline=$(( $(now_ms) + $1 * 1000 )); shift
    until "$@" >/dev/null 2>&1; do
        (( $(now_ms) < deadline )) || { echo "timed out: $*" >&2; return 1; }
        sleep 0.05
    done
}

# All peers and replicas known, not in TILT (a JVM starved for more than 2 s while starting enters it for 30 s),
# and the master seen up.
ready() { # sentinel port
    [[ $(redis-cli -p "$1" SENTINEL SENTINELS mymaster | grep -c '^name$') == 2 ]] \
        && [[ $(redis-cli -p "$1" SENTINEL REPLICAS mymaster | grep -c '^name$') == 2 ]] \
        && redis-cli -p "$1" INFO sentinel | grep -q '^sentinel_tilt:0' \
        && redis-cli -p "$1" INFO sentinel | grep -q 'status=ok'
}

data_node() { # dir port name [options]: a real redis-server, or jredis with DATA=jredis
    local dir=$1 port=$2 name=$3; shift 3
    local args=(--port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --dbfilename "$name.rdb"
        --logfile "$dir/$name.log" "$@")
    if [[ $data == jredis ]]; then
        exec java -XX:+UseSerialGC -jar "$jar" "${args[@]}"
    else
        exec redis-server "${args[@]}"
    fi
}

one_run() { # kind run
    local kind=$1 run=$2 dir="$out/$1-$2" m r1 r2 s sp=() t0 i
    mkdir -p "$dir"
    free_port; m=$port; free_port; r1=$port; free_port; r2=$port
    data_node "$dir" "$m" "$m" &
    pids+=($!); local mpid=$!; disown
    wait_until 60 redis-cli -p "$m" PING
    for r in "$r1" "$r2"; do
        data_node "$dir" "$r" "$r" --replicaof 127.0.0.1 "$m" &
        pids+=($!); disown
    done
    wait_until 60 bash -c "redis-cli -p $m INFO replication | grep -q connected_slaves:2"
    for i in 1 2 3; do
        free_port; s=$port; sp+=("$s")
        printf 'port %s\nbind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 %s 2\nsentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 10000\n' \
            "$s" "$m" > "$dir/s$i.conf"
        if [[ $kind == jredis ]]; then
            java -XX:+UseSerialGC -jar "$jar" "$dir/s$i.conf" --sentinel --logfile "$dir/s$i.log" &
        else
            redis-sentinel "$dir/s$i.conf" --logfile "$dir/s$i.log" &
        fi
        pids+=($!); disown
    done
    for s in "${sp[@]}"; do
        wait_until 60 redis-cli -p "$s" PING
    done
    for s in "${sp[@]}"; do
        wait_until 90 ready "$s"
    done
    for s in "${sp[@]}"; do
        redis-cli -p "$s" SUBSCRIBE +switch-master 2>/dev/null | while IFS= read -r line; do
            echo "$EPOCHREALTIME $line"
        done > "$dir/events-$s.txt" &
        pids+=($!); disown
    done
    sleep 0.5 # the SUBSCRIBE commands reach the Sentinels
    for s in "${sp[@]}"; do
        ready "$s" || { echo "$kind run $run: sentinel $s not ready any more" >&2; return 1; }
    done
    t0=$(now_ms)
    kill -9 "$mpid"
    local write=""
    while [[ -z $write ]]; do
        for r in "$r1" "$r2"; do
            if [[ $(redis-cli -p "$r" SET bench "$run" 2>/dev/null) == OK ]]; then
                write=$(( $(now_ms) - t0 )); promoted=$r
            fi
        done
        (( $(now_ms) - t0 < 60000 )) || { echo "$kind run $run: no write accepted in 60 s" >&2; return 1; }
    done
    local times=()
    for s in "${sp[@]}"; do
        wait_until 60 grep -q "^[0-9.]* mymaster " "$dir/events-$s.txt"
        local line; line=$(grep -m1 "^[0-9.]* mymaster " "$dir/events-$s.txt")
        local ts=${line%% *}
        times+=($(( ${ts%.*} * 1000 + 10#${ts#*.} / 1000 - t0 )))
        [[ $line == *" 127.0.0.1 $promoted" ]] || { echo "$kind run $run: sentinel $s switched elsewhere: $line" >&2; }
    done
    local sorted; sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    echo "$kind $run ${sorted[0]} ${sorted[2]} $write" | tee -a "$out/results.txt"
    cleanup
}

echo "data nodes: $data"
echo "kind run switch_first_ms switch_last_ms write_ms"
for kind in jredis real; do
    for run in $(seq 1 "$runs"); do
        one_run "$kind" "$run"
    done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
echo
echo "median over $runs runs (ms from SIGKILL of the master; down-after-milliseconds 1000; $data data nodes)"
printf '%-8s %16s %16s %10s\n' kind switch_first switch_last write
for kind in jredis real; do
    printf '%-8s %16s %16s %10s\n' "$kind" \
        "$(awk -v k=$kind '$1 == k {print $3}' "$out/results.txt" | median)" \
        "$(awk -v k=$kind '$1 == k {print $4}' "$out/results.txt" | median)" \
        "$(awk -v k=$kind '$1 == k {print $5}' "$out/results.txt" | median)"
done
