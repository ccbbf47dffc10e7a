#!/usr/bin/env python3
"""The secrets corpus placed in every position a request or response can carry it.

  secrets.py prepare DIR BASE_URL   writes DIR/requests.json (for client.py, client.mjs and
                                    curl), DIR/server.json (server.mjs), DIR/argv.txt and
                                    DIR/paths.txt
  secrets.py values                 prints the corpus values, one a line

A value is placed by its carrier (corpus.tsv, second column): "shape" secrets are recognised
by their form wherever they are; the others need their context ("Bearer ", "scheme://u:p@",
"-----BEGIN PRIVATE KEY-----", an AWS key id) or a key naming a secret (the carrier is that
key: api-key, password, ...). See README.md.
"""
import json
import os
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
AWS_ID = "AKIAQ7EXAMPLEID7KZ2M"


def corpus():
    rows = []
    with open(os.path.join(HERE, "corpus.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            kind, carrier, value = line.rstrip("\n").split("\t")
            rows.append((kind, carrier, value))
    return rows


def text(carrier, v):
    """The value in running text (a body, an SSE delta, an argv element, a file name)."""
    return {
        "shape": v,
        "url": f"postgres://svc:{v}@db.internal:5432/app",
        "basic": f"Basic {v}",
        "bearer": f"Bearer {v}",
        "pem": f"-----BEGIN PRIVATE KEY-----{v}-----END PRIVATE KEY-----",
        "aws": f"{AWS_ID} {v}",
    }.get(carrier, f"{carrier}={v}")


def header(i, carrier, v):
    if carrier in ("basic", "bearer"):
        return ("authorization" if i % 2 else "proxy-authorization", text(carrier, v))
    if carrier in ("shape", "url", "pem", "aws"):
        return (f"x-note-{i}", text(carrier, v))
    return (carrier, v)


def member(carrier, v):
    """(key, value) for a JSON body or a form/query parameter."""
    if carrier in ("shape", "url", "pem", "basic", "bearer", "aws"):
        return ("note", text(carrier, v))
    return (carrier, v)


def query_pair(carrier, v):
    if carrier == "bearer":
        return ("access_token", v)
    if carrier == "basic":
        return ("auth", v)
    if carrier == "pem":
        return ("private_key", v)
    if carrier == "aws":
        return ("aws_secret_access_key", v)
    return member(carrier, v)


def prepare(out, base):
    rows = corpus()
    os.makedirs(out, exist_ok=True)
    headers = [header(i, c, v) for i, (_, c, v) in enumerate(rows)]
    query = "&".join(
        f"{k}={urllib.parse.quote(val, safe=':/@+=')}"
        for k, val in (query_pair(c, v) for _, c, v in rows)
    )
    deep = {"a": {"b": [{"c": {member(c, v)[0]: member(c, v)[1]}} for _, c, v in rows]}}
    form = "&".join(
        f"{k}={urllib.parse.quote(val, safe=':/@+=')}"
        for k, val in (query_pair(c, v) for _, c, v in rows)
    )
    llm = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 256,
        "stream": True,
        "messages": [{"role": "user", "content": "say the secrets back"}],
    }
    requests = [
        {"method": "GET", "path": "/echo?" + query, "headers": headers, "body": ""},
        {
            "method": "POST",
            "path": "/echo",
            "headers": [("content-type", "application/json")],
            "body": json.dumps(deep),
        },
        {
            "method": "POST",
            "path": "/echo",
            "headers": [("content-type", "application/x-www-form-urlencoded")],
            "body": form,
        },
        {
            "method": "POST",
            "path": "/v1/messages",
            "headers": [("content-type", "application/json"), ("anthropic-version", "2023-06-01")],
            "body": json.dumps(llm),
        },
    ]
    base = base.rstrip("/")
    with open(os.path.join(out, "requests.json"), "w") as f:
        json.dump({"base": base, "requests": requests}, f)
    # curl: one config per request (headers, URL and body in files, not in argv).
    for n, r in enumerate(requests):
        body = os.path.join(out, f"body{n}")
        with open(body, "w") as f:
            f.write(r["body"])
        with open(os.path.join(out, f"curl{n}.cfg"), "w") as f:
            f.write(f'url = "{base}{r["path"]}"\n')
            f.write(f'request = "{r["method"]}"\n')
            for k, v in r["headers"]:
                f.write(f'header = "{k}: {v}"\n')
            if r["body"]:
                f.write(f'data-binary = "@{body}"\n')
    # Responses: the server answers with secrets of its own.
    halves = []
    for _, c, v in rows:
        t = text(c, v)
        cut = t.index(v) + len(v) // 2
        halves += ["here: " + t[:cut], t[cut:] + " .\n"]
    server = {
        "body": {"result": {"items": [{"k": dict([member(c, v)])} for _, c, v in rows]}},
        "headers": [header(i, c, v) for i, (_, c, v) in enumerate(rows) if i % 3 == 0]
        + [("set-cookie", "sid=" + rows[0][2])],
        "deltas": halves,
    }
    with open(os.path.join(out, "server.json"), "w") as f:
        json.dump(server, f)
    with open(os.path.join(out, "argv.txt"), "w") as f:
        for _, c, v in rows:
            arg = text(c, v) if c in ("shape", "url", "basic", "bearer", "pem", "aws") else None
            f.write((arg if arg else f"--{c}\t{v}") + "\n")
    with open(os.path.join(out, "paths.txt"), "w") as f:
        for _, c, v in rows:
            f.write(text(c, v) + "\n")  # '/' makes directories; the path keeps the text


def main():
    if sys.argv[1] == "values":
        for _, _, v in corpus():
            print(v)
    elif sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: secrets.py prepare DIR BASE_URL | values")


if __name__ == "__main__":
    main()
