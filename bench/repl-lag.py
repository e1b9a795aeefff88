#!/usr/bin/env python3
"""Replication lag of a master/replica pair while a load runs (used by bench/replication*.sh).

Usage: repl-lag.py <master-port> <replica-port> <load-pid> [ramp-seconds]
Prints one line: "bytes_p50 bytes_p99 bytes_max ms_p50 ms_p99 ms_max probes write_ms_p99".

Why not two INFO polls: the earlier script read the master's offset, then the replica's, and counted the time from
before the first INFO until after the second one that showed the offset. That time is mostly the two INFO round
trips, each queued behind the load's 50 clients on a saturated 2-core box; it grows with a server's request latency
and with the cost of building INFO, not with replication, and the poll period floors it.

Time lag here is measured directly, with a probe that both servers propagate the same way: every ~5 ms a
`PUBLISH <channel> <n>` goes to the master, and a client subscribed to that channel on the replica receives it when
the replica applies it (Redis propagates PUBLISH to replicas; a replica delivers it to its own subscribers).
  ms_*       = receipt on the replica - receipt of the master's reply to the PUBLISH: how long after a write is
               acknowledged until a replica reader can see it (0 when the replica was first);
  write_ms   = receipt on the replica - sending the PUBLISH (adds the master's own queueing of the probe).
Byte lag: both INFO requests are sent before either reply is read, so the two offsets are taken as close together
as two sockets allow; sampled on every 4th probe only, to keep the sampling cost low.
"""
import select
import socket
import sys
import time

CHANNEL = b"__jredis_lag_probe__"


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, *args):
        self.s.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))

    def _fill(self):
        data = self.s.recv(65536)
        if not data:
            raise EOFError
        self.buf += data
        return True

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def reply(self):
        line = self._line()
        t = line[:1]
        if t == b"$":
            n = int(line[1:])
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if t == b"*":
            return [self.reply() for _ in range(int(line[1:]))]
        if t == b":":
            return int(line[1:])
        return line[1:]


def offset(text, field):
    for l in text.decode().split("\r\n"):
        if l.startswith(field + ":"):
            return int(l.split(":", 1)[1])
    return 0


def alive(pid):  # the load runs in the shell's background, not as our child: read its state
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def main():
    mport, rport, load = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    ramp = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
    m, r, sub = Conn(mport), Conn(rport), Conn(rport)
    sub.send(b"SUBSCRIBE", CHANNEL)
    sub.reply()
    time.sleep(ramp)  # let the load ramp up
    lag_ms, write_ms, lag_bytes = [], [], []
    n = 0
    while alive(load):
        n += 1
        if n % 4 == 0:
            m.send(b"INFO", b"replication")
            r.send(b"INFO", b"replication")
            mo = offset(m.reply(), "master_repl_offset")
            ro = offset(r.reply(), "slave_repl_offset")
            lag_bytes.append(max(0, mo - ro))
        payload = b"%d" % n
        t0 = time.perf_counter()
        m.send(b"PUBLISH", CHANNEL, payload)
        t_ack = t_seen = None
        deadline = t0 + 10
        while (t_ack is None or t_seen is None) and time.perf_counter() < deadline:
            if t_ack is None and m.buf:
                m.reply()
                t_ack = time.perf_counter()
                continue
            if t_seen is None and sub.buf:
                msg = sub.reply()
                if isinstance(msg, list) and msg[0] == b"message" and msg[2] == payload:
                    t_seen = time.perf_counter()
                continue
            waiting = [c.s for c, t in ((m, t_ack), (sub, t_seen)) if t is None]
            ready, _, _ = select.select(waiting, [], [], 0.1)
            for c in (m, sub):
                if c.s in ready:
                    c._fill()
        if t_ack is None or t_seen is None:
            print("probe %d lost (ack %s, seen %s)" % (n, t_ack, t_seen), file=sys.stderr)
            break
        lag_ms.append(max(0.0, (t_seen - t_ack) * 1000))
        write_ms.append((t_seen - t0) * 1000)
        time.sleep(0.005)
    for a in (lag_ms, write_ms, lag_bytes):
        a.sort()

    def pct(a, p):
        return a[min(len(a) - 1, int(len(a) * p))] if a else float("nan")

    print("%d %d %d %.2f %.2f %.2f %d %.2f" % (
        pct(lag_bytes, .5), pct(lag_bytes, .99), lag_bytes[-1] if lag_bytes else 0,
        pct(lag_ms, .5), pct(lag_ms, .99), lag_ms[-1] if lag_ms else float("nan"), len(lag_ms),
        pct(write_ms, .99)))


if __name__ == "__main__":
    main()
