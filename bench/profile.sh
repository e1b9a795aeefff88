#!/usr/bin/env bash
# CPU profile of jredis under redis-benchmark load, with async-profiler (Maven Central: tools.profiler:async-profiler,
# fetched by mvn into ~/.m2 on first use). The server runs through bin/jredis, is warmed up with the same benchmarks,
# then runs them again; the profile covers the JVM's whole life (async-profiler's start-up mode), per thread, and is
# written in collapsed-stack form (one line per stack: frames;...;frame count), kernel frames included.
#
# Usage: bench/profile.sh <jar> <out.collapsed> "<redis-benchmark args>"...
#   e.g. bench/profile.sh jredis/target/jredis.jar /tmp/incr.collapsed "-t incr -n 2000000 -c 50 -P 16"
# Engine-thread summary: grep '^\[jredis-engine' out.collapsed | ... (docs/benchmarks.md shows the figures this gave).
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$1; out=$2; shift 2
version=3.0
lib=target/async-profiler-$version/linux-x64/libasyncProfiler.so
if [ ! -f "$lib" ]; then
  mvn -B -q dependency:get -Dartifact=tools.profiler:async-profiler:$version
  mkdir -p "target/async-profiler-$version"
  (cd "target/async-profiler-$version" && unzip -q -o \
    "$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar" 'linux-x64/*')
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# An empty directory: a dump.rdb with replication info in the working directory would give the server a backlog.
dir=$(mktemp -d)
JREDIS_JAR="$jar" JREDIS_JAVA_OPTS="-agentpath:$PWD/$lib=start,event=cpu,interval=1ms,threads,file=$out,collapsed" \
  bin/jredis --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" > /dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 1200); do redis-cli -p "$port" ping > /dev/null 2>&1 && break; sleep 0.1; done
for args in "$@"; do redis-benchmark -p "$port" $args -q > /dev/null; done
before=$(awk '{print $14+$15}' "/proc/$pid/stat")
for args in "$@"; do redis-benchmark -p "$port" $args -q | tr '\r' '\n' | tail -2; done
after=$(awk '{print $14+$15}' "/proc/$pid/stat")
echo "server CPU ticks (1/$(getconf CLK_TCK) s) in the measured pass: $((after - before))"
kill "$pid"; wait "$pid" || true
trap - EXIT
