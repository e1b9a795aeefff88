#!/usr/bin/env python3
"""Regenerates server/src/main/resources/io/jredis/server/command/commands.resp.

The command table (arity, flags, key specs, ACL categories) and COMMAND DOCS are facts about Redis's interface that
clients read; jredis serves them for the commands it implements. They are taken from a running redis-server 7.0.15
(BSD-3-Clause, see NOTICE) so that COMMAND INFO/DOCS/GETKEYS answer exactly as Redis does.

Usage: redis-server --port 6399 --save '' & tools/dump-command-table.py 6399
"""
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 6379
out = sys.argv[2] if len(sys.argv) > 2 else "server/src/main/resources/io/jredis/server/command/commands.resp"


def read_reply(f):
    """Returns the raw bytes of one RESP3 reply read from the socket file."""
    line = f.readline()
    kind, rest = line[:1], line[1:-2]
    raw = line
    if kind in b"$=!":
        n = int(rest)
        if n >= 0:
            raw += f.read(n + 2)
    elif kind in b"*~>":
        n = int(rest)
        for _ in range(max(n, 0)):
            raw += read_reply(f)
    elif kind == b"%" or kind == b"|":
        n = int(rest)
        for _ in range(2 * n):
            raw += read_reply(f)
    return raw


with socket.create_connection(("127.0.0.1", port)) as s:
    f = s.makefile("rb")
    s.sendall(b"HELLO 3\r\n")
    read_reply(f)
    s.sendall(b"COMMAND\r\n")
    info = read_reply(f)
    s.sendall(b"COMMAND DOCS\r\n")
    docs = read_reply(f)
with open(out, "wb") as o:
    o.write(info)
    o.write(docs)
print(f"wrote {len(info)} + {len(docs)} bytes to {out}")
