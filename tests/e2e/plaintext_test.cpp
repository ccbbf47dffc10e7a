// SPDX-License-Identifier: Apache-2.0
// Issue 22: local models over plain http://. `agentsight record --plaintext` on clients of the
// mock LLM served without TLS (`mock-llm --plain-http`) gives complete llm_calls: Claude Code
// native in Anthropic mode, OpenAI-compatible chat completions (vLLM, llama.cpp's server) and
// Ollama's native /api/chat and /api/generate with NDJSON streaming.
#include <csignal>
#include <map>

#include "e2e_harness.h"

namespace agentsight::test::e2e {
namespace {

// The plain-HTTP mock, stopped by its pid when the test ends.
struct plain_mock {
    explicit plain_mock(const mock_options& o = {}, const std::string& stderr_file = "/dev/null")
        : proc({agentsight_bin(), "mock-llm", "--plain-http", "--port", "0", "--tool-name",
                o.tool_name, "--tool-input", o.tool_input, "--final-text", o.final_text},
               stderr_file) {
        std::string line = proc.wait_line("mock-llm: http://", 15000);
        if (auto at = line.find("http://"); at != std::string::npos) url = line.substr(at);
        while (!url.empty() && (url.back() == '\r' || url.back() == ' ')) url.pop_back();
    }
    ~plain_mock() {
        proc.signal(SIGTERM);
        proc.wait(10000);
    }
    child proc;
    std::string url;
};

std::vector<json> record(const temp_dir& dir, const std::string& cmd) {
    std::string trace = dir / "trace.jsonl";
    cmd_result r = run("timeout -s INT 120 " + sq(agentsight_bin()) + " record --plaintext -q -o " +
                       sq(trace) + " -- " + cmd);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return read_jsonl(trace);
}

std::string curl_post(const std::string& url, const std::string& body) {
    return "curl -sS -o /dev/null -H 'content-type: application/json' -d " + sq(body) + " " + url;
}

TEST(plaintext_e2e, openai_compatible_and_ollama_clients_give_complete_llm_calls) {
    REQUIRE_E2E_ROOT();
    REQUIRE_PREREQ(have_program("curl"), "curl");
    mock_options o;
    o.tool_name = "";
    o.final_text = "Local model says hi.";
    plain_mock mock(o);
    ASSERT_FALSE(mock.url.empty());
    temp_dir dir("plain-llm");
    std::string script =
        curl_post(
            mock.url + "/v1/chat/completions",
            R"({"model":"qwen2.5","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"openai-sse"}]})") +
        " && " +
        curl_post(mock.url + "/api/chat",
                  R"({"model":"llama3.2","messages":[{"role":"user","content":"ollama-chat"}]})") +
        " && " +
        curl_post(mock.url + "/api/generate",
                  R"({"model":"llama3.2","prompt":"ollama-generate","stream":false})");
    auto events = record(dir, "sh -c " + sq(script));
    std::map<std::string, json> by_prompt;
    for (const auto& c : of_type(events, "llm_call")) by_prompt[c["user_prompt"]] = c;
    ASSERT_EQ(by_prompt.size(), 3u) << "llm_calls: " << of_type(events, "llm_call").size();
    struct want {
        std::string prompt, provider, api;
        bool stream;
    };
    for (const want& w : {want{"openai-sse", "openai", "chat_completions", true},
                          want{"ollama-chat", "ollama", "chat", true},
                          want{"ollama-generate", "ollama", "generate", false}}) {
        SCOPED_TRACE(w.prompt);
        const json& c = by_prompt[w.prompt];
        EXPECT_EQ(c["provider"], w.provider);
        EXPECT_EQ(c["api"], w.api);
        EXPECT_EQ(c["stream"], w.stream);
        EXPECT_EQ(c["incomplete"], false);
        EXPECT_EQ(c["response"]["text"], "Local model says hi.");
        EXPECT_EQ(c["usage"]["output_tokens"], 45);
    }
}

TEST(plaintext_e2e, claude_code_against_a_plain_http_base_url) {
    REQUIRE_E2E_ROOT();
    std::string claude = claude_bin("2.1.197");
    REQUIRE_PREREQ(executable(claude), claude);
    temp_dir dir("plain-claude");
    std::string home = dir / "home";
    prepare_home(home, false);
    mock_options o;
    o.final_text = "E2E plain answer.";
    plain_mock mock(o, dir / "mock.stderr");
    ASSERT_FALSE(mock.url.empty());
    auto events = record(dir, claude_command(claude, home, mock.url));
    std::vector<json> main;
    for (const auto& c : of_type(events, "llm_call"))
        if (c["request"]["tools"].is_array() && !c["request"]["tools"].empty()) main.push_back(c);
    ASSERT_GE(main.size(), 2u) << "llm_calls: " << of_type(events, "llm_call").size();
    EXPECT_EQ(main[0]["provider"], "anthropic");
    EXPECT_EQ(main[0]["user_prompt"], k_prompt);
    EXPECT_EQ(main[0]["response"]["tool_calls"][0]["name"], "Bash");
    for (const auto& c : main) EXPECT_EQ(c["incomplete"], false) << c.dump().substr(0, 400);
    EXPECT_EQ(main.back()["response"]["text"], "E2E plain answer.");
    // Every llm_call came over plain TCP: the conn names the transport.
    for (const auto& c : main)
        EXPECT_NE(c["conn"].get<std::string>().find(":tcp:"), std::string::npos);
}

}  // namespace
}  // namespace agentsight::test::e2e
