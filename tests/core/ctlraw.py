#!/usr/bin/env python3
"""Raw control-protocol client for tests (ctlproto.h framing).

ctlraw.py SOCKET command=NAME [key=str:VALUE | key=u64:N | key=bool:0|1 ...]
Prints the response record as JSON; exit 0 when it has ok = true.
"idle N" as the only argument after SOCKET opens N connections (then
prints "connected"), sends nothing and waits until each is closed by the
daemon or 30 s pass, printing how many the daemon closed.
"""
import json
import socket
import struct
import sys
import time


def elem(t, name, value):
    n = name.encode()
    return struct.pack(">BB", t, len(n)) + n + struct.pack(">I", len(value)) + value


def decode(buf):
    out, off = {}, 0
    while off < len(buf):
        t, nl = buf[off], buf[off + 1]
        name = buf[off + 2:off + 2 + nl].decode()
        off += 2 + nl
        (vl,) = struct.unpack(">I", buf[off:off + 4])
        v = buf[off + 4:off + 4 + vl]
        off += 4 + vl
        if t == 1:
            out[name] = v.decode()
        elif t in (2, 3):
            out[name] = int.from_bytes(v, "big")
        else:
            out[name] = "(%d bytes)" % vl
    return out


def recv_all(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def idle(path, n):
    conns = []
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.settimeout(0.1)
        conns.append(s)
    print("connected", flush=True)
    closed, start = set(), time.time()
    while len(closed) < n and time.time() - start < 30:
        for i, s in enumerate(conns):
            if i in closed:
                continue
            try:
                if s.recv(1) == b"":
                    closed.add(i)
            except socket.timeout:
                pass
            except OSError:
                closed.add(i)
    print(len(closed))


def main():
    path = sys.argv[1]
    if sys.argv[2] == "idle":
        idle(path, int(sys.argv[3]))
        return 0
    body = b""
    for a in sys.argv[2:]:
        k, v = a.split("=", 1)
        if k == "command":
            body += elem(1, k, v.encode())
            continue
        t, val = v.split(":", 1)
        if t == "str":
            body += elem(1, k, val.encode())
        elif t == "u64":
            body += elem(2, k, int(val).to_bytes(8, "big"))
        else:
            body += elem(3, k, bytes([int(val)]))
    msg = bytes([1]) + body
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(struct.pack(">I", len(msg)) + msg)
    (n,) = struct.unpack(">I", recv_all(s, 4))
    resp = recv_all(s, n)
    r = decode(resp[1:])
    print(json.dumps(r))
    return 0 if r.get("ok") == 1 else 1


sys.exit(main())
