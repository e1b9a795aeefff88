#!/usr/bin/env bash
# Memory of 1,000,000 small hashes (5 short fields, listpack) and 1,000,000 sets of 10 integers (intset):
# jredis (in-process, heap in use after a full GC) next to redis-server (INFO used_memory and RSS).
# Usage: bench/memory-hashes-sets.sh [count]   (redis-server on the PATH for the comparison column)
# Needs only the server module, so it runs before the assembly jar exists.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000000}"
out=bench/target/memory-hashes-sets
mkdir -p "$out"
mvn -B -q -pl server compile dependency:build-classpath -Dmdep.outputFile="$PWD/$out/classpath.txt"
cp="server/target/classes:$(cat "$out/classpath.txt")"
javac -d "$out" -cp "$cp" bench/src/main/java/io/jredis/bench/MemoryHashesSets.java
exec java -Xms3g -Xmx3g -XX:+UseG1GC \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/java.util.zip=ALL-UNNAMED \
    -cp "$out:$cp" io.jredis.bench.MemoryHashesSets "$count"
