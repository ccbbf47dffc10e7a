#!/usr/bin/env python3
"""Writes the fuzz seed corpora (tests/data/fuzz/<target>/) from the analyzer captures
and docs/events.md, in each target's input format (see tests/fuzz/fuzz_input.h: a leading
shape byte, parts separated by SPLIT). Run from anywhere; rewrites the seed folders.
The SQLite seed for trace_reader is made with the agentsight binary when it is built."""
import base64
import gzip
import json
import os
import re
import shutil
import struct
import subprocess
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CAPTURES = os.path.join(REPO, "tests", "data", "analyzers")
SPLIT = b"\n-8<-\n"


def write(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def reset(target):
    shutil.rmtree(os.path.join(HERE, target), ignore_errors=True)


def tls_data(line):
    data = line["data"]
    return base64.b64decode(data) if line.get("binary") else data.encode("utf-8")


def streams(path):
    client, server = b"", b""
    with open(path) as f:
        for raw in f:
            line = json.loads(raw)
            if line.get("type") != "tls":
                continue
            if line["direction"] == "write":
                client += tls_data(line)
            elif line["direction"] == "read":
                server += tls_data(line)
    return client, server


def split_message(stream):
    """(head, body) of the first HTTP/1.1 message, chunked bodies decoded."""
    head, _, rest = stream.partition(b"\r\n\r\n")
    if re.search(rb"(?i)transfer-encoding:\s*chunked", head):
        body = b""
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            n = int(size_line.split(b";")[0] or b"0", 16)
            if n == 0:
                break
            body += rest[:n]
            rest = rest[n + 2:]
        return head, body
    m = re.search(rb"(?i)content-length:\s*(\d+)", head)
    return head, rest[: int(m.group(1))] if m else rest


def captures():
    for name in sorted(os.listdir(CAPTURES)):
        if name.endswith(".tls.jsonl"):
            yield name[: -len(".tls.jsonl")], os.path.join(CAPTURES, name)


# HTTP/2 by hand: literal header fields without indexing, no Huffman (RFC 7541 6.2.2).
def hpack_literal(name, value):
    return b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value


def h2_frame(ftype, flags, stream, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", stream) + payload


def h2_streams(body, response):
    preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    settings = h2_frame(4, 0, 0, struct.pack(">HI", 1, 4096) + struct.pack(">HI", 4, 65535))
    req = b"".join(hpack_literal(n, v) for n, v in [
        (b":method", b"POST"), (b":scheme", b"https"), (b":authority", b"api.anthropic.com"),
        (b":path", b"/v1/messages"), (b"content-type", b"application/json"),
        (b"x-api-key", b"sk-ant-api03-CANARYcanaryCANARYcanary0123456789abcdef")])
    # Request headers split over HEADERS + CONTINUATION, the body in two DATA frames.
    client = (preface + settings + h2_frame(1, 0, 1, req[:40]) + h2_frame(9, 4, 1, req[40:])
              + h2_frame(0, 0, 1, body[:50]) + h2_frame(0, 1, 1, body[50:]))
    resp = hpack_literal(b":status", b"200") + hpack_literal(b"content-type", b"text/event-stream")
    # Padded DATA (flag 0x8) on the response side.
    padded = bytes([3]) + response + b"\0\0\0"
    server = (settings + h2_frame(4, 1, 0, b"") + h2_frame(1, 4, 1, resp)
              + h2_frame(0, 0x8 | 1, 1, padded))
    return client, server


PATHS = {"anthropic": 0, "openai_chat": 1, "openai_responses": 2, "openai_500": 1}


def llm_mode(name, head):
    if name.startswith("gemini"):
        path = 4 if b"alt=sse" in head else 3
    else:
        path = next(v for k, v in PATHS.items() if name.startswith(k))
    return path


def main():
    for t in ["analysis", "llm", "http1", "sse", "http2", "hpack", "content_decoder",
              "record_decoder", "event_json", "trace_reader", "redact", "event_wire"]:
        reset(t)

    anthropic_body = b""
    sse_body = b""
    redact_seeds = []
    for name, path in captures():
        client, server = streams(path)
        write("analysis", name, b"\x00" + client + SPLIT + server)
        write("analysis", name + "_bytewise", b"\x01" + client + SPLIT + server)
        write("http1", name + "_request", b"\x03\x00" + client)
        write("http1", name + "_response", b"\x04\x05" + server)
        redact_seeds.append((name, client + server))
        with open(path, "rb") as f:
            write("trace_reader", name + ".jsonl", f.read())
            f.seek(0)
            for i, line in enumerate(f.read().splitlines()):
                write("event_json", "%s_%d" % (name, i), line)
        qhead, qbody = split_message(client)
        shead, sbody = split_message(server)
        sse = b"event-stream" in shead
        mode = llm_mode(name, qhead) | (0x08 if sse else 0)
        write("llm", name, b"\x00" + bytes([mode]) + qbody + SPLIT + sbody)
        write("llm", name + "_chunked", b"\x03" + bytes([mode | 0x10]) + qbody + SPLIT + sbody)
        if sse:
            write("sse", name, b"\x03" + sbody)
            write("sse", name + "_crlf", b"\x01" + sbody.replace(b"\n", b"\r\n"))
            sse_body = sse_body or sbody
        if name == "anthropic_stream":
            anthropic_body = qbody

    with open(os.path.join(REPO, "docs", "events.md"), "rb") as f:
        for i, line in enumerate(l for l in f.read().splitlines() if l.startswith(b'{"type"')):
            write("event_json", "events_md_%d" % i, line)

    client, server = h2_streams(anthropic_body, sse_body[:1500])
    write("http2", "anthropic_stream", b"\x03\x00" + client + SPLIT + server)
    write("http2", "anthropic_stream_loss", b"\x04\x01" + client + SPLIT + server + SPLIT + b"\x00\x05")
    write("analysis", "http2_anthropic_stream", b"\x00" + client + SPLIT + server)
    # fuzz_redact: TLS records, the HTTP/2 connection (the harness sends the preface), argv,
    # a JSON body; one part each (tests/fuzz/fuzz_redact.cpp). Within the 4 KiB -max_len of
    # the long runs: the capture is cut to what is left.
    h2_client, h2_server = h2_streams(anthropic_body[:120], sse_body[:300])
    h2_client = h2_client[len(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"):]
    argv = b"\0".join([b"curl", b"-H", b"x-api-key: sk-ant-api03-CANARYcanaryCANARY0123456789",
                        b"--password", b"hunter2hunter2", b"https://user:pa55w0rd@example.com/?key=x"])
    body = json.dumps({"type": "llm_call", "request": {"messages": [{"role": "user", "content":
                       "my key is sk-proj-CANARYcanaryCANARY0123"}], "auth": {"client_secret": "s3cr3t",
                       "refresh_token": "1//0eCANARYcanary"}}}).encode()
    for name, tls in redact_seeds:
        rest = SPLIT.join([h2_client, h2_server, argv, body])
        tls = tls[: max(0, 4095 - len(SPLIT) - len(rest))]
        write("redact", name, b"\x02" + SPLIT.join([tls, rest]))

    write("hpack", "literal", b"\x00" + hpack_literal(b":status", b"200") + hpack_literal(b"server", b"x"))
    # RFC 7541 C.4.1-C.4.3: three requests with Huffman and a shared dynamic table.
    write("hpack", "rfc7541_c4", b"\x00" + bytes.fromhex("828684418cf1e3c2e5f23a6ba0ab90f4ff")
          + SPLIT + bytes.fromhex("828684be5886a8eb10649cbf")
          + SPLIT + bytes.fromhex("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"))
    write("hpack", "table_size", b"\x01\x3f\xe1\x1f\x82")

    plain = json.dumps({"id": "msg_1", "type": "message", "content": [{"type": "text", "text": "hi " * 40}]}).encode()
    write("content_decoder", "gzip", b"\x01\x00" + gzip.compress(plain))
    write("content_decoder", "deflate_zlib", b"\x01\x09" + zlib.compress(plain))
    write("content_decoder", "deflate_raw", b"\x02\x01" + zlib.compress(plain)[2:-4])
    with open(os.path.join(CAPTURES, "anthropic_message.json.br"), "rb") as f:
        write("content_decoder", "br", b"\x00\x0a" + f.read())
    zst = subprocess.run(["zstd", "-q", "-c"], input=plain, capture_output=True, check=True).stdout
    write("content_decoder", "zstd", b"\x03\x0b" + zst)
    write("content_decoder", "gzip_bomb_capped", b"\x05\x08" + gzip.compress(b"\0" * 100000))

    write_records()
    write_event_wire()
    write_sqlite_seed()


def header(rtype, size, comm=b"agent"):
    return struct.pack("<HBBIQIIII16s", rtype, 1, 0, size, 123456789, 4242, 4243, 1, 1000, comm)


def write_records():
    filename, argv = b"/usr/bin/curl", b"curl\0-s\0https://api.anthropic.com\0"
    payload = filename + argv
    write("record_decoder", "exec", header(1, 64 + len(payload)) +
          struct.pack("<IIBB6x", len(filename), len(argv), 0, 0) + payload)
    write("record_decoder", "fork", header(2, 56) + struct.pack("<II", 4250, 0))
    write("record_decoder", "exit", header(3, 72) + struct.pack("<iiQII", 3, 0, 31490086, 2, 0))
    path, new = b"/tmp/a", b"/tmp/b"
    write("record_decoder", "file_rename", header(4, 72 + len(path + new)) +
          struct.pack("<BBBBiqII", 3, 0, 0, 0, 0, 0, len(path), len(new)) + path + new)
    write("record_decoder", "net_connect", header(5, 80) +
          struct.pack("<BBHHHq16s", 1, 0, 2, 443, 0, 0, bytes([127, 0, 0, 1])))
    write("record_decoder", "net_accept6", header(5, 80) +
          struct.pack("<BBHHHq16s", 4, 0, 10, 8443, 0, 5, bytes(15) + b"\x01"))
    write("record_decoder", "suppressed", header(6, 56) + struct.pack("<II", 7, 0))
    write("record_decoder", "bpf_call", header(7, 56) + struct.pack("<iI", 5, 0))
    write("record_decoder", "mmap_exec", header(8, 48))
    data = b"POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n"
    write("record_decoder", "tls_data", header(16, 88 + len(data)) +
          struct.pack("<QQIIIIBB6x", 0x7f00aa01, 1, len(data), 0, len(data), len(data), 0, 1) + data)
    body = b'{"jsonrpc":"2.0","id":1,"method":"tools/list"}\n'
    write("record_decoder", "plain_data", header(18, 88 + len(body)) +
          struct.pack("<QQIIIIBB2xi", 77001, 2, len(body), 0, len(body), len(body), 2, 1, 5) +
          body)
    write("record_decoder", "tls_handshake", header(17, 72) + struct.pack("<QQiB3x", 0x7f00aa01, 1299836, 1, 3))


def wire_str(b):
    return struct.pack("<Q", len(b)) + b


def write_event_wire():
    """pipeline/event_wire.cpp's encoding: a tag byte, then the fields in declaration order."""
    comm = wire_str(b"claude")
    argv = [b"bash", b"-c", b"cat /etc/hostname"]
    exec_ = (b"\x01" + struct.pack("<BQiiI", 0, 1795623839486934035, 10, 1, 1000) + comm +
             wire_str(b"/usr/bin/bash") + b"\x00" + struct.pack("<iiiQ", 0, 0, 0, 0) +
             wire_str(b"") + wire_str(b"") + b"\x00" + struct.pack("<iqIH", 0, 0, 1, 0) +
             wire_str(b"") + struct.pack("<H", 0) + wire_str(b"") +
             struct.pack("<Q", len(argv)) + b"".join(wire_str(a) for a in argv))
    write("event_wire", "exec", exec_)
    data = b"POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n"
    tls = (b"\x02" + struct.pack("<Qii", 42, 7, 8) + comm + wire_str(b"7:7f00aa01") +
           struct.pack("<BBQ", 3, 1, len(data)) + wire_str(data) + struct.pack("<QQi", 0, 0, 0))
    write("event_wire", "tls_write", tls)
    body = json.dumps({"type": "session_start", "ts": 5, "session_id": "s"}).encode()
    write("event_wire", "derived", b"\x03" + wire_str(b"session_start") + struct.pack("<Q", 5) +
          wire_str(body))


def write_sqlite_seed():
    binary = os.path.join(REPO, "build", "agentsight")
    if not os.path.exists(binary):
        return
    out = os.path.join(HERE, "trace_reader", "anthropic_keepalive.db")
    src = os.path.join(CAPTURES, "anthropic_keepalive.tls.jsonl")
    subprocess.run([binary, "export", src, "-o", out, "--format", "sqlite"], check=True, capture_output=True)


if __name__ == "__main__":
    main()
