#!/usr/bin/env python3
"""A stream client on a raw socket that decodes a compressed body with Python's zlib.

  zclient.py PORT TARGET [--encoding gzip|deflate|identity] [--accept TYPE]
             [--last-event-id ID] [--events N] [--comments N] [--to-end]

Sends GET TARGET with Accept-Encoding, de-chunks the body strictly, inflates it with
zlib.decompressobj (wbits 31 for gzip, 15 for deflate's zlib format) and prints one JSON line
per thing it reads, flushed: {"head": {...}}, {"event": {"id", "data"}} (SSE) or
{"line": "..."} (NDJSON), {"comment": "..."}. After N events (and N comments) it prints
{"ready": N}; without --to-end it exits 0 then. With --to-end it reads on until the chunked
body ends and prints {"end": {"eof": bool, "unused": n}}: eof means the compressed stream
ended with a complete trailer whose checksum and length zlib verified. Exit 0 on success,
1 on any failure (printed as {"error": "..."}).
"""
import argparse
import json
import socket
import sys
import zlib


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def fail(message):
    emit({"error": message})
    sys.exit(1)


class Chunked:
    """Strict chunked-body decoder: feed() bytes, get payload bytes; .done at the 0 chunk."""

    def __init__(self):
        self.buf = b""
        self.left = None  # payload bytes left in the current chunk, None: expecting a size line
        self.done = False

    def feed(self, data):
        self.buf += data
        out = b""
        while not self.done:
            if self.left is None:
                nl = self.buf.find(b"\r\n")
                if nl < 0:
                    break
                size = int(self.buf[:nl].split(b";")[0], 16)
                self.buf = self.buf[nl + 2:]
                if size == 0:
                    self.done = True  # (no trailers are sent)
                    break
                self.left = size
            if len(self.buf) < self.left + 2:
                break
            if self.buf[self.left:self.left + 2] != b"\r\n":
                fail("chunk not followed by CRLF")
            out += self.buf[:self.left]
            self.buf = self.buf[self.left + 2:]
            self.left = None
        return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("target")
    p.add_argument("--encoding", default="gzip")
    p.add_argument("--accept", default="text/event-stream")
    p.add_argument("--last-event-id")
    p.add_argument("--events", type=int, default=1)
    p.add_argument("--comments", type=int, default=0)
    p.add_argument("--to-end", action="store_true")
    p.add_argument("--timeout", type=float, default=30)
    a = p.parse_args()

    wbits = {"gzip": 31, "deflate": 15}.get(a.encoding)
    sock = socket.create_connection(("127.0.0.1", a.port), timeout=a.timeout)
    req = f"GET {a.target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {a.accept}\r\n"
    req += f"Accept-Encoding: {a.encoding}\r\n"
    if a.last_event_id:
        req += f"Last-Event-ID: {a.last_event_id}\r\n"
    sock.sendall((req + "\r\n").encode())

    raw = b""
    while b"\r\n\r\n" not in raw:
        data = sock.recv(65536)
        if not data:
            fail("connection closed in the head")
        raw += data
    head, rest = raw.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    emit({"head": {"status": lines[0], "headers": headers}})
    if headers.get("content-encoding", "identity") != (a.encoding if wbits else "identity"):
        fail("unexpected Content-Encoding: " + headers.get("content-encoding", "(none)"))

    chunked = Chunked()
    inflater = zlib.decompressobj(wbits) if wbits else None
    text = ""
    events = comments = 0
    ready = False
    event = {}

    def consume(plain):
        nonlocal text, events, comments, event, ready
        text += plain.decode("utf-8")
        while True:
            nl = text.find("\n")
            if nl < 0:
                break
            line, text = text[:nl], text[nl + 1:]
            if a.accept == "application/json":
                if line:
                    emit({"line": line})
                    events += 1
                else:
                    emit({"comment": ""})
                    comments += 1
            elif line == "":
                if "data" in event:
                    emit({"event": event})
                    events += 1
                event = {}
            elif line.startswith(":"):
                emit({"comment": line[1:]})
                comments += 1
            else:
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "data" and "data" in event:
                    event["data"] += "\n" + value
                else:
                    event[field] = value
        if not ready and events >= a.events and comments >= a.comments:
            ready = True
            emit({"ready": events})

    def body(data):
        payload = chunked.feed(data)
        if payload:
            if inflater is not None:
                if inflater.eof:
                    fail("bytes after the end of the compressed stream")
                payload = inflater.decompress(payload)
            consume(payload)

    body(rest)
    while not chunked.done:
        if ready and not a.to_end:
            return 0
        try:
            data = sock.recv(65536)
        except socket.timeout:
            fail("timed out")
        if not data:
            fail("connection closed before the end of the chunked body")
        body(data)
    if not ready:
        fail("the body ended before enough events")
    eof = inflater.eof if inflater is not None else True
    unused = len(inflater.unused_data) if inflater is not None else 0
    emit({"end": {"eof": eof, "unused": unused}})
    return 0 if eof and unused == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
