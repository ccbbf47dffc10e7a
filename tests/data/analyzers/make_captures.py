#!/usr/bin/env python3
"""Writes the hand-made TLS captures under tests/data/analyzers/ (*.tls.jsonl).

Each capture is one connection in agentsight's replay encoding (docs/events.md): the
plaintext records a client would write and read, shaped after each provider's documented
wire format. Records are grouped the way servers really write them, e.g. the response head
and the first SSE event share one read. Run: python3 make_captures.py (from this folder).
"""
import json
import os

T0 = 1_760_000_000_000_000_000  # epoch ns; each record 5 ms after the previous one
CANARY_ANT = "sk-ant-api03-CANARYcanaryCANARYcanary0123456789abcdef"
CANARY_OAI = "sk-proj-CANARYcanaryCANARYcanary0123456789"
CANARY_GOOG = "AIzaCANARYcanaryCANARYcanary012345678"


def chunked(parts):
    return [b"%x\r\n%s\r\n" % (len(p), p) for p in parts]


def sse(event, data):
    head = b"event: %s\n" % event.encode() if event else b""
    return head + b"data: " + json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode() + b"\n\n"


def request(method, path, host, headers, body=b""):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"] + headers
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def response_head(status, reason, headers):
    return (f"HTTP/1.1 {status} {reason}\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n").encode()


def write(name, records, pid=4242, comm="agent"):
    """records: list of ('w'|'r', bytes)."""
    with open(f"{name}.tls.jsonl", "w") as f:
        for i, (d, data) in enumerate(records):
            f.write(json.dumps({
                "type": "tls", "ts": T0 + i * 5_000_000, "pid": pid, "tid": pid, "comm": comm,
                "conn": f"{pid}:7f00aa01", "lib": "openssl",
                "direction": "write" if d == "w" else "read", "len": len(data),
                "data": data.decode(), "truncated": False}) + "\n")


def anthropic_stream():
    body = json.dumps({
        "model": "claude-sonnet-4-5", "max_tokens": 1024, "stream": True,
        "system": [{"type": "text", "text": "You are a coding agent."}],
        "tools": [{"name": "read_file", "description": "Read a file",
                   "input_schema": {"type": "object"}}],
        "messages": [
            {"role": "user", "content": "List the files."},
            {"role": "assistant", "content": [
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "toolu_01", "name": "ls", "input": {"path": "."}}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01", "content": "a.txt\nb.txt"}]},
            {"role": "user", "content": [{"type": "text", "text": "Now read a.txt please."}]},
        ]}).encode()
    req = request("POST", "/v1/messages", "127.0.0.1:8443",
                  [f"x-api-key: {CANARY_ANT}", "anthropic-version: 2023-06-01",
                   "content-type: application/json"], body)
    events = [
        sse("message_start", {"type": "message_start", "message": {
            "id": "msg_01XYZ", "type": "message", "role": "assistant",
            "model": "claude-sonnet-4-5-20250929", "content": [], "stop_reason": None,
            "usage": {"input_tokens": 812, "cache_creation_input_tokens": 100,
                      "cache_read_input_tokens": 2048, "output_tokens": 1}}}),
        b": keep-alive comment\n\n" + sse("ping", {"type": "ping"}),
        sse("content_block_start", {"type": "content_block_start", "index": 0,
                                    "content_block": {"type": "thinking", "thinking": ""}}),
        sse("content_block_delta", {"type": "content_block_delta", "index": 0,
                                    "delta": {"type": "thinking_delta", "thinking": "User wants a.txt. "}}),
        sse("content_block_delta", {"type": "content_block_delta", "index": 0,
                                    "delta": {"type": "signature_delta", "signature": "EqQBCkYI"}}),
        sse("content_block_stop", {"type": "content_block_stop", "index": 0}),
        sse("content_block_start", {"type": "content_block_start", "index": 1,
                                    "content_block": {"type": "text", "text": ""}}),
        sse("content_block_delta", {"type": "content_block_delta", "index": 1,
                                    "delta": {"type": "text_delta", "text": "I'll read "}}),
        sse("content_block_delta", {"type": "content_block_delta", "index": 1,
                                    "delta": {"type": "text_delta", "text": "it — café ☕."}}),
        sse("content_block_stop", {"type": "content_block_stop", "index": 1}),
        sse("content_block_start", {"type": "content_block_start", "index": 2, "content_block": {
            "type": "tool_use", "id": "toolu_02", "name": "read_file", "input": {}}}),
        sse("content_block_delta", {"type": "content_block_delta", "index": 2,
                                    "delta": {"type": "input_json_delta", "partial_json": ""}}),
        sse("content_block_delta", {"type": "content_block_delta", "index": 2,
                                    "delta": {"type": "input_json_delta", "partial_json": "{\"path\": \"a."}}),
        sse("content_block_delta", {"type": "content_block_delta", "index": 2,
                                    "delta": {"type": "input_json_delta", "partial_json": "txt\"}"}}),
        sse("content_block_stop", {"type": "content_block_stop", "index": 2}),
        sse("message_delta", {"type": "message_delta",
                              "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                              "usage": {"output_tokens": 87}}),
        sse("message_stop", {"type": "message_stop"}),
    ]
    head = response_head(200, "OK", ["content-type: text/event-stream; charset=utf-8",
                                     "transfer-encoding: chunked", "request-id: req_01"])
    c = chunked(events)
    return req, head, c


def main():
    os.chdir(os.path.dirname(os.path.abspath(__file__)))

    # Anthropic stream: the head and the first event arrive in one read; usage ends in
    # message_delta; the end is message_stop then the chunked terminator.
    req, head, c = anthropic_stream()
    write("anthropic_stream", [("w", req[:200]), ("w", req[200:]), ("r", head + c[0]),
                               ("r", b"".join(c[1:6])), ("r", b"".join(c[6:12])),
                               ("r", b"".join(c[12:])), ("r", b"0\r\n\r\n")])
    # The same stream cut off after the first text delta: the connection then goes quiet.
    write("anthropic_cutoff", [("w", req), ("r", head + c[0]), ("r", b"".join(c[1:8]))])

    # Anthropic non-streamed, then on the same keep-alive connection a model listing.
    body = json.dumps({"model": "claude-haiku-4-5", "max_tokens": 64, "temperature": 0.2,
                       "messages": [{"role": "user", "content": "Title for: fix the build"}]}).encode()
    reply = json.dumps({"id": "msg_02", "type": "message", "role": "assistant",
                        "model": "claude-haiku-4-5-20251001",
                        "content": [{"type": "text", "text": "Fix the build"}],
                        "stop_reason": "end_turn", "stop_sequence": None,
                        "usage": {"input_tokens": 21, "output_tokens": 5,
                                  "cache_read_input_tokens": 0,
                                  "cache_creation_input_tokens": 0}}).encode()
    models = json.dumps({"data": [{"id": "claude-haiku-4-5", "type": "model"}],
                         "has_more": False}).encode()
    write("anthropic_keepalive", [
        ("w", request("POST", "/v1/messages", "api.anthropic.com",
                      [f"authorization: Bearer {CANARY_ANT}", "content-type: application/json"],
                      body)),
        ("r", response_head(200, "OK", ["content-type: application/json",
                                        f"content-length: {len(reply)}"]) + reply),
        ("w", request("GET", "/v1/models?limit=20", "api.anthropic.com",
                      [f"x-api-key: {CANARY_ANT}"])),
        ("r", response_head(100, "Continue", []) +
              response_head(200, "OK", ["content-type: application/json",
                                        f"content-length: {len(models)}"]) + models),
    ])

    # Errors: a 429 from Anthropic, a 500 from OpenAI.
    err = json.dumps({"type": "error", "error": {"type": "rate_limit_error",
                                                 "message": "Number of request tokens has exceeded your per-minute rate limit"}}).encode()
    write("anthropic_429", [
        ("w", request("POST", "/v1/messages", "api.anthropic.com",
                      [f"x-api-key: {CANARY_ANT}", "content-type: application/json"], body)),
        ("r", response_head(429, "Too Many Requests", ["content-type: application/json",
                                                      "retry-after: 7",
                                                      f"content-length: {len(err)}"]) + err)])
    err = json.dumps({"error": {"message": "The server had an error while processing your request.",
                                "type": "server_error", "param": None, "code": None}}).encode()
    obody = json.dumps({"model": "gpt-4o-mini", "stream": True,
                        "messages": [{"role": "user", "content": "hi"}]}).encode()
    write("openai_500", [
        ("w", request("POST", "/v1/chat/completions", "api.openai.com",
                      [f"Authorization: Bearer {CANARY_OAI}", "Content-Type: application/json"], obody)),
        ("r", response_head(500, "Internal Server Error", ["content-type: application/json",
                                                          "transfer-encoding: chunked"])
              + b"".join(chunked([err[:20], err[20:]])) + b"0\r\n\r\n")])

    # OpenAI Chat Completions stream with a tool call and include_usage.
    obody = json.dumps({
        "model": "gpt-4o", "stream": True, "stream_options": {"include_usage": True},
        "max_completion_tokens": 500, "temperature": 0,
        "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {}}}],
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": [{"type": "text", "text": "Weather in Paris?"}]},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_0", "type": "function",
                 "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
            {"role": "tool", "tool_call_id": "call_0", "content": "18C sunny"},
            {"role": "user", "content": "And Rome?"}]}).encode()

    def chunk(delta, finish=None, usage=None, choices=True):
        d = {"id": "chatcmpl-abc", "object": "chat.completion.chunk", "created": 1760000000,
             "model": "gpt-4o-2024-08-06", "system_fingerprint": "fp_1",
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}] if choices else []}
        if usage:
            d["usage"] = usage
        return sse(None, d)
    ev = [chunk({"role": "assistant", "content": ""}),
          chunk({"content": "Checking "}),
          chunk({"content": "Rome."}),
          chunk({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                 "function": {"name": "get_weather", "arguments": ""}}]}),
          chunk({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}),
          chunk({"tool_calls": [{"index": 0, "function": {"arguments": "\"Rome\"}"}}]}),
          chunk({}, "tool_calls"),
          chunk(None, usage={"prompt_tokens": 120, "completion_tokens": 22, "total_tokens": 142,
                             "prompt_tokens_details": {"cached_tokens": 64},
                             "completion_tokens_details": {"reasoning_tokens": 0}}, choices=False),
          b"data: [DONE]\n\n"]
    c = chunked(ev)
    write("openai_chat_stream", [
        ("w", request("POST", "/v1/chat/completions", "127.0.0.1:9000",
                      [f"Authorization: Bearer {CANARY_OAI}", "Content-Type: application/json"], obody)),
        ("r", response_head(200, "OK", ["Content-Type: text/event-stream", "Transfer-Encoding: chunked"]) + c[0]),
        ("r", b"".join(c[1:4])), ("r", b"".join(c[4:8])), ("r", c[8] + b"0\r\n\r\n")])

    # OpenAI Chat Completions, not streamed.
    obody = json.dumps({"model": "gpt-4o-mini", "max_tokens": 50,
                        "messages": [{"role": "developer", "content": "Answer in one word."},
                                     {"role": "user", "content": "Capital of France?"}]}).encode()
    reply = json.dumps({"id": "chatcmpl-xyz", "object": "chat.completion", "created": 1760000000,
                        "model": "gpt-4o-mini-2024-07-18",
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Paris"},
                                     "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 20, "completion_tokens": 1, "total_tokens": 21}}).encode()
    write("openai_chat_plain", [
        ("w", request("POST", "/v1/chat/completions", "api.openai.com",
                      [f"Authorization: Bearer {CANARY_OAI}", "Content-Type: application/json"], obody)),
        ("r", response_head(200, "OK", ["Content-Type: application/json", f"Content-Length: {len(reply)}"])),
        ("r", reply)])

    # OpenAI Responses stream: reasoning summary, text, a function call, response.completed.
    rbody = json.dumps({
        "model": "o4-mini", "stream": True, "instructions": "You are terse.",
        "max_output_tokens": 800,
        "tools": [{"type": "function", "name": "shell", "parameters": {}}, {"type": "web_search"}],
        "input": [
            {"role": "user", "content": [{"type": "input_text", "text": "Count files."}]},
            {"type": "function_call", "call_id": "call_A", "name": "shell", "arguments": "{\"cmd\":\"ls\"}"},
            {"type": "function_call_output", "call_id": "call_A", "output": "x\ny"},
            {"role": "user", "content": "Now count lines in x."}]}).encode()
    resp = {"id": "resp_123", "object": "response", "status": "in_progress", "model": "o4-mini-2025-04-16",
            "output": [], "usage": None}
    done = dict(resp, status="completed", usage={
        "input_tokens": 300, "input_tokens_details": {"cached_tokens": 128},
        "output_tokens": 90, "output_tokens_details": {"reasoning_tokens": 64}, "total_tokens": 390})

    def rev(t, **kw):
        return sse(t, dict({"type": t}, **kw))
    ev = [rev("response.created", response=resp, sequence_number=0),
          rev("response.in_progress", response=resp, sequence_number=1),
          rev("response.output_item.added", output_index=0, item={"type": "reasoning", "id": "rs_1", "summary": []}),
          rev("response.reasoning_summary_text.delta", output_index=0, summary_index=0, delta="Need wc."),
          rev("response.output_item.added", output_index=1, item={"type": "message", "id": "msg_1", "role": "assistant", "content": []}),
          rev("response.output_text.delta", output_index=1, content_index=0, item_id="msg_1", delta="Counting"),
          rev("response.output_text.delta", output_index=1, content_index=0, item_id="msg_1", delta=" lines."),
          rev("response.output_item.added", output_index=2, item={"type": "function_call", "id": "fc_1", "call_id": "call_B", "name": "shell", "arguments": ""}),
          rev("response.function_call_arguments.delta", output_index=2, item_id="fc_1", delta="{\"cmd\":"),
          rev("response.function_call_arguments.delta", output_index=2, item_id="fc_1", delta="\"wc -l x\"}"),
          rev("response.function_call_arguments.done", output_index=2, item_id="fc_1", arguments="{\"cmd\":\"wc -l x\"}"),
          rev("response.output_item.done", output_index=2, item={"type": "function_call", "id": "fc_1", "call_id": "call_B", "name": "shell", "arguments": "{\"cmd\":\"wc -l x\"}"}),
          rev("response.completed", response=done, sequence_number=12)]
    c = chunked(ev)
    write("openai_responses_stream", [
        ("w", request("POST", "/v1/responses", "api.openai.com",
                      [f"Authorization: Bearer {CANARY_OAI}", "Content-Type: application/json"], rbody)),
        ("r", response_head(200, "OK", ["content-type: text/event-stream; charset=utf-8", "transfer-encoding: chunked"]) + b"".join(c[:2])),
        ("r", b"".join(c[2:7])), ("r", b"".join(c[7:12])), ("r", c[12]), ("r", b"0\r\n\r\n")])

    # OpenAI Responses, not streamed, string input.
    rbody = json.dumps({"model": "gpt-4.1", "input": "Say hi", "temperature": 1}).encode()
    reply = json.dumps({"id": "resp_9", "object": "response", "status": "completed", "model": "gpt-4.1-2025-04-14",
                        "output": [{"type": "message", "id": "msg_9", "role": "assistant",
                                    "content": [{"type": "output_text", "text": "Hi!", "annotations": []}]}],
                        "usage": {"input_tokens": 9, "output_tokens": 2, "total_tokens": 11,
                                  "input_tokens_details": {"cached_tokens": 0},
                                  "output_tokens_details": {"reasoning_tokens": 0}}}).encode()
    write("openai_responses_plain", [
        ("w", request("POST", "/v1/responses", "api.openai.com",
                      [f"Authorization: Bearer {CANARY_OAI}", "Content-Type: application/json"], rbody)),
        ("r", response_head(200, "OK", ["content-type: application/json", f"content-length: {len(reply)}"]) + reply)])

    # Gemini streamGenerateContent?alt=sse: CRLF-framed events, thought parts, a function call,
    # the key in the query string; the body ends with the connection (no length, no chunks).
    gbody = json.dumps({
        "systemInstruction": {"parts": [{"text": "You are Gemini CLI."}]},
        "contents": [
            {"role": "user", "parts": [{"text": "What is in README?"}]},
            {"role": "model", "parts": [{"functionCall": {"name": "read_file", "args": {"path": "README.md"}}}]},
            {"role": "user", "parts": [{"functionResponse": {"name": "read_file", "response": {"output": "# Demo"}}}]},
            {"role": "user", "parts": [{"text": "Summarize it."}]}],
        "tools": [{"functionDeclarations": [{"name": "read_file"}, {"name": "run_shell_command"}]}],
        "generationConfig": {"temperature": 0.7, "maxOutputTokens": 2048,
                             "thinkingConfig": {"includeThoughts": True}}}).encode()

    def gchunk(parts, finish=None, usage=None):
        cand = {"content": {"role": "model", "parts": parts}, "index": 0}
        if finish:
            cand["finishReason"] = finish
        d = {"candidates": [cand], "modelVersion": "gemini-2.5-pro", "responseId": "gem-resp-1"}
        d["usageMetadata"] = usage or {"promptTokenCount": 400, "totalTokenCount": 400}
        return b"data: " + json.dumps(d, separators=(",", ":")).encode() + b"\r\n\r\n"
    ev = [gchunk([{"text": "Reading the summary request.", "thought": True}]),
          gchunk([{"text": "It is a demo "}]),
          gchunk([{"text": "project."}]),
          gchunk([{"functionCall": {"name": "run_shell_command", "args": {"command": "ls"}}}], "STOP",
                 {"promptTokenCount": 400, "candidatesTokenCount": 12, "thoughtsTokenCount": 30,
                  "cachedContentTokenCount": 256, "totalTokenCount": 442})]
    write("gemini_stream", [
        ("w", request("POST", f"/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse&key={CANARY_GOOG}",
                      "generativelanguage.googleapis.com",
                      ["content-type: application/json", "Connection: close"], gbody)),
        ("r", response_head(200, "OK", ["Content-Type: text/event-stream", "Connection: close"]) + ev[0]),
        ("r", ev[1] + ev[2][:30]), ("r", ev[2][30:] + ev[3])])

    # Gemini generateContent, not streamed, key in a header.
    gbody = json.dumps({"contents": [{"role": "user", "parts": [{"text": "2+2?"}]}]}).encode()
    reply = json.dumps({"candidates": [{"content": {"role": "model", "parts": [{"text": "4"}]},
                                        "finishReason": "STOP", "index": 0}],
                        "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 1, "totalTokenCount": 6},
                        "modelVersion": "gemini-2.5-flash", "responseId": "gem-resp-2"}).encode()
    write("gemini_plain", [
        ("w", request("POST", "/v1beta/models/gemini-2.5-flash:generateContent", "127.0.0.1:8080",
                      [f"x-goog-api-key: {CANARY_GOOG}", "content-type: application/json"], gbody)),
        ("r", response_head(200, "OK", ["content-type: application/json; charset=UTF-8",
                                        "transfer-encoding: chunked"]) + b"".join(chunked([reply])) + b"0\r\n\r\n")])

    # Qwen Code (node, OpenAI chat) with a large project context file: node writes the head
    # and the ~100 KB body in one SSL_write, the first bytes of a new connection.
    context = "".join(f"- rule {i:05d}: keep functions short and name them after the domain.\n"
                      for i in range(1600))
    obody = json.dumps({
        "model": "qwen3-coder-plus", "stream": True, "stream_options": {"include_usage": True},
        "messages": [
            {"role": "system", "content": "You are Qwen Code.\n# QWEN.md\n" + context},
            {"role": "user", "content": "Summarize the rules."}]}).encode()
    ev = [chunk({"role": "assistant", "content": ""}), chunk({"content": "Keep functions short."}),
          chunk({}, "stop"),
          chunk(None, usage={"prompt_tokens": 25000, "completion_tokens": 5,
                             "total_tokens": 25005}, choices=False),
          b"data: [DONE]\n\n"]
    c = chunked(ev)
    write("openai_chat_large", [
        ("w", request("POST", "/compatible-mode/v1/chat/completions", "127.0.0.1:9000",
                      [f"Authorization: Bearer {CANARY_OAI}", "Content-Type: application/json"], obody)),
        ("r", response_head(200, "OK", ["Content-Type: text/event-stream", "Transfer-Encoding: chunked"])
              + b"".join(c) + b"0\r\n\r\n")])


if __name__ == "__main__":
    main()
