#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A minimal interactive coding agent on Python's urllib (the system libssl), for the agent
matrix (tests/e2e/agent_matrix_test.cpp). It reads one prompt per stdin line, loops with the
Anthropic Messages API (non-streaming) until the model stops asking for tools, runs each Bash
tool call with /bin/sh -c, and prints "answer: TEXT" then "ready" before the next prompt.
The conversation carries over between prompts: a follow-up is the last user turn of a
history that holds the earlier tool calls and results.
    urllib_agent.py BASE_URL
"""
import json
import os
import ssl
import subprocess
import sys
import urllib.request

TOOLS = [{"name": "Bash", "description": "Run a shell command",
          "input_schema": {"type": "object", "properties": {"command": {"type": "string"}},
                           "required": ["command"]}}]


def ask(base, messages):
    body = json.dumps({"model": "claude-sonnet-4-5", "max_tokens": 1024, "tools": TOOLS,
                       "messages": messages}).encode()
    req = urllib.request.Request(base + "/v1/messages", data=body, method="POST", headers={
        "content-type": "application/json", "anthropic-version": "2023-06-01",
        "x-api-key": os.environ.get("ANTHROPIC_API_KEY", "")})
    ctx = ssl._create_unverified_context()  # the mock's certificate is self-signed
    with urllib.request.urlopen(req, context=ctx, timeout=30) as resp:
        return json.load(resp)


def run_tool(call):
    done = subprocess.run(["/bin/sh", "-c", call["input"]["command"]], capture_output=True,
                          text=True, timeout=30)
    return {"type": "tool_result", "tool_use_id": call["id"], "content": done.stdout,
            "is_error": done.returncode != 0}


def main():
    base, messages = sys.argv[1].rstrip("/"), []
    print("ready", flush=True)
    for line in sys.stdin:
        messages.append({"role": "user", "content": [{"type": "text", "text": line.strip()}]})
        while True:
            reply = ask(base, messages)
            messages.append({"role": "assistant", "content": reply["content"]})
            calls = [c for c in reply["content"] if c["type"] == "tool_use"]
            if not calls:
                break
            messages.append({"role": "user", "content": [run_tool(c) for c in calls]})
        text = "".join(c.get("text", "") for c in reply["content"] if c["type"] == "text")
        print("answer: " + text, flush=True)
        print("ready", flush=True)


if __name__ == "__main__":
    main()
