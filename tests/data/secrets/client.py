#!/usr/bin/env python3
"""HTTP/1.1 client of tests/e2e/secrets_test.cpp: sends DIR/requests.json, then creates one
file per corpus value, the value in its path (DIR/paths.txt).   client.py DIR"""
import http.client
import json
import os
import ssl
import sys
import urllib.parse

out = sys.argv[1]
spec = json.load(open(os.path.join(out, "requests.json")))
url = urllib.parse.urlsplit(spec["base"])
ctx = ssl._create_unverified_context()
for r in spec["requests"]:
    conn = http.client.HTTPSConnection(url.hostname, url.port, context=ctx, timeout=20)
    conn.putrequest(r["method"], r["path"], skip_accept_encoding=True)
    for k, v in r["headers"]:
        conn.putheader(k, v)
    body = r["body"].encode()
    conn.putheader("content-length", str(len(body)))
    conn.endheaders(body)
    conn.getresponse().read()
    conn.close()
for line in open(os.path.join(out, "paths.txt")):
    path = os.path.join(out, "files", line.rstrip("\n"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("x")
