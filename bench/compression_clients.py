#!/usr/bin/env python3
"""N stream clients in one process (selectors), for bench/compression.sh.

  compression_clients.py PORT PATH CLIENTS ENCODING SECONDS [LAST_EVENT_ID]

Connects CLIENTS clients with Accept-Encoding: ENCODING (identity, gzip, deflate), waits
until every one has its head, then counts for SECONDS the bytes every client receives off the
socket (chunk framing and compression included: what the wire carries) while client 0 also
de-chunks, inflates and counts its events (every client of the group gets the same events).
With LAST_EVENT_ID the clients resume from there (a catch-up: batches of up to 512 events).
Prints one JSON line: clients, seconds, wire_bytes, events (client 0), wire_bytes_per_event.
"""
import json
import selectors
import socket
import sys
import time
import zlib


def main():
    port, path, n, encoding, seconds = (int(sys.argv[1]), sys.argv[2], int(sys.argv[3]),
                                        sys.argv[4], float(sys.argv[5]))
    resume = f"Last-Event-ID: {sys.argv[6]}\r\n" if len(sys.argv) > 6 else ""
    sel = selectors.DefaultSelector()
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: {encoding}\r\n"
                  f"{resume}\r\n".encode())
        s.setblocking(False)
        socks.append(s)
        sel.register(s, selectors.EVENT_READ, i)
    heads = [b""] * n
    have_head = 0
    counting = False
    wire = 0
    start = None
    # client 0's decoder
    chunk_buf = b""
    inflater = zlib.decompressobj({"gzip": 31, "deflate": 15}[encoding]) if encoding != "identity" else None
    text = b""
    events = 0

    def decode(data):
        nonlocal chunk_buf, text, events
        chunk_buf += data
        while True:
            nl = chunk_buf.find(b"\r\n")
            if nl < 0:
                return
            size = int(chunk_buf[:nl], 16)
            if len(chunk_buf) < nl + 2 + size + 2:
                return
            payload = chunk_buf[nl + 2:nl + 2 + size]
            chunk_buf = chunk_buf[nl + 4 + size:]
            if inflater is not None:
                payload = inflater.decompress(payload)
            if counting:
                text += payload
                # SSE: one "\nid: " per event; count complete events only (blank line after).
                events += text.count(b"\n\n") - text.count(b"\n\n:")  # heartbeats are ":..."
                text = text[text.rfind(b"\n\n") + 2:] if b"\n\n" in text else text

    deadline = None
    while True:
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            break
        for key, _ in sel.select(timeout=0.5):
            i = key.data
            s = key.fileobj
            try:
                data = s.recv(262144)
            except BlockingIOError:
                continue
            if not data:
                print(json.dumps({"error": f"client {i} closed"}), flush=True)
                return 1
            if heads[i] is not None:
                heads[i] += data
                if b"\r\n\r\n" not in heads[i]:
                    continue
                head, data = heads[i].split(b"\r\n\r\n", 1)
                heads[i] = None
                have_head += 1
                if have_head == n:
                    counting = True
                    start = time.monotonic()
                    deadline = start + seconds
                    print(json.dumps({"connected": n}), flush=True)
            if counting:
                wire += len(data)
            if i == 0:
                decode(data)
    elapsed = time.monotonic() - start
    print(json.dumps({"clients": n, "encoding": encoding, "seconds": round(elapsed, 2),
                      "wire_bytes": wire, "events": events,
                      "wire_bytes_per_event": round(wire / max(1, events * n), 1)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
