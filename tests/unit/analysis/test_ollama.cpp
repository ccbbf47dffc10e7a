// SPDX-License-Identifier: Apache-2.0
// Ollama's native API over plain HTTP: /api/chat and /api/generate with NDJSON streaming (the
// default) and as one JSON object, through the same HTTP/1.1 analyzer as TLS traffic.
#include "test_support.h"

namespace agentsight::analyzers::test {
namespace {

tls_event plain(tls_direction dir, std::string data, uint64_t ts) {
    tls_event t;
    t.ts_ns = ts;
    t.pid = 7;
    t.tid = 7;
    t.comm = "agent";
    t.conn = "7:tcp:1234";
    t.transport = "tcp";
    t.direction = dir;
    t.len = data.size();
    t.data = std::move(data);
    return t;
}

std::string request(const std::string& path, const std::string& body) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:11434\r\nContent-Type: " +
           "application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string chunk(const std::string& s) {
    char hex[16];
    snprintf(hex, sizeof hex, "%zx", s.size());
    return std::string(hex) + "\r\n" + s + "\r\n";
}

json only_llm_call(harness& h) {
    h.finish();
    std::vector<json> calls;
    for (const auto& d : h.derived())
        if (d.type == "llm_call") calls.push_back(d.body);
    EXPECT_EQ(calls.size(), 1u) << h.derived_jsonl();
    return calls.empty() ? json() : calls[0];
}

TEST(ollama, chat_ndjson_stream_is_one_complete_llm_call) {
    harness h;
    h.push(
        plain(tls_direction::write,
              request("/api/chat",
                      R"({"model":"llama3.2","messages":[{"role":"system","content":"Be brief."},)"
                      R"({"role":"user","content":"Why is the sky blue?"}],)"
                      R"("options":{"temperature":0.2,"num_predict":64}})"),
              1000));
    const std::string lines[] = {
        R"({"model":"llama3.2","message":{"role":"assistant","content":"Rayleigh"},"done":false})",
        R"({"model":"llama3.2","message":{"role":"assistant","content":" scattering."},"done":false})",
        R"({"model":"llama3.2","message":{"role":"assistant","content":""},"done":true,)"
        R"("done_reason":"stop","prompt_eval_count":26,"eval_count":5})"};
    std::string head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: "
        "chunked\r\n\r\n";
    // The second line is split across two chunks: framing must not care.
    h.push(
        plain(tls_direction::read, head + chunk(lines[0] + "\n" + lines[1].substr(0, 20)), 2000));
    h.push(plain(tls_direction::read, chunk(lines[1].substr(20) + "\n"), 3000));
    h.push(plain(tls_direction::read, chunk(lines[2] + "\n") + "0\r\n\r\n", 4000));
    json c = only_llm_call(h);
    EXPECT_EQ(c["provider"], "ollama");
    EXPECT_EQ(c["api"], "chat");
    EXPECT_EQ(c["model"], "llama3.2");
    EXPECT_EQ(c["stream"], true);
    EXPECT_EQ(c["incomplete"], false) << c.dump();
    EXPECT_EQ(c["response"]["text"], "Rayleigh scattering.");
    EXPECT_EQ(c["response"]["stop_reason"], "stop");
    EXPECT_EQ(c["usage"]["input_tokens"], 26);
    EXPECT_EQ(c["usage"]["output_tokens"], 5);
    EXPECT_EQ(c["request"]["system"], "Be brief.");
    EXPECT_EQ(c["request"]["temperature"], 0.2);
}

TEST(ollama, stream_without_done_line_is_incomplete) {
    harness h;
    h.push(plain(tls_direction::write, request("/api/generate", R"({"model":"m","prompt":"hi"})"),
                 1000));
    std::string body = "{\"response\":\"Hel\",\"done\":false}\n";
    h.push(plain(tls_direction::read,
                 "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body,
                 2000));
    json c = only_llm_call(h);
    EXPECT_EQ(c["response"]["text"], "Hel");
    EXPECT_EQ(c["incomplete"], true);
}

TEST(ollama, generate_single_object_and_chat_tool_call) {
    harness h;
    h.push(plain(tls_direction::write,
                 request("/api/generate",
                         R"({"model":"qwen3","prompt":"Say hi","system":"S","stream":false})"),
                 1000));
    std::string body =
        R"({"model":"qwen3","response":"Hi!","done":true,"done_reason":"stop","prompt_eval_count":3,"eval_count":2})";
    h.push(plain(tls_direction::read,
                 "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                 "Content-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body,
                 2000));
    json c = only_llm_call(h);
    EXPECT_EQ(c["api"], "generate");
    EXPECT_EQ(c["stream"], false);
    EXPECT_EQ(c["incomplete"], false);
    EXPECT_EQ(c["response"]["text"], "Hi!");
    EXPECT_EQ(c["user_prompt"], "Say hi");
    EXPECT_EQ(c["usage"]["output_tokens"], 2);

    harness t;
    t.push(
        plain(tls_direction::write,
              request("/api/chat",
                      R"({"model":"m","stream":false,"messages":[{"role":"user","content":"ls"}],)"
                      R"("tools":[{"type":"function","function":{"name":"list_files"}}]})"),
              1000));
    body =
        R"({"model":"m","message":{"role":"assistant","content":"","tool_calls":[{"function":)"
        R"({"name":"list_files","arguments":{"dir":"/tmp"}}}]},"done":true,"done_reason":"stop"})";
    t.push(plain(tls_direction::read,
                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body,
                 2000));
    json tc = only_llm_call(t);
    EXPECT_EQ(tc["request"]["tools"], json::array({"list_files"}));
    ASSERT_EQ(tc["response"]["tool_calls"].size(), 1u) << tc.dump();
    EXPECT_EQ(tc["response"]["tool_calls"][0]["name"], "list_files");
    EXPECT_EQ(tc["response"]["tool_calls"][0]["input"]["dir"], "/tmp");
}

}  // namespace
}  // namespace agentsight::analyzers::test
