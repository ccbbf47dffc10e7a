// SPDX-License-Identifier: Apache-2.0
// `agentsight mock-llm`: the local HTTPS mock LLM on its own, for tests and
// benchmarks that drive real agents (Claude Code, Gemini CLI) against it.
// Prints "mock-llm: https://127.0.0.1:PORT" once listening; on SIGTERM/SIGINT
// writes every request it received to --requests-out as JSON Lines.
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <openssl/sha.h>

#include "app/commands.h"
#include "app/fail.h"
#include "demo/mock_llm_server.h"
#include "pipeline/event.h"
#include "util/safe_file.h"

namespace agentsight::cli {
namespace {

std::string sha256_hex(const std::string& s) {
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
    std::string hex;
    char b[3];
    for (unsigned char c : d) {
        snprintf(b, sizeof b, "%02x", c);
        hex += b;
    }
    return hex;
}

struct mock_llm_flags {
    uint16_t port = 0;
    std::string tool_name = "Bash";
    std::string tool_input = R"({"command":"cat /etc/hostname","description":"Print hostname"})";
    std::string final_text = "The hostname is in /etc/hostname.";
    std::string requests_out;
    uint64_t input_tokens = 321, output_tokens = 45;
    std::string encoding;
    bool repeat_script = false;
    bool plain_http = false;
};

demo::mock_llm_options server_options(const mock_llm_flags& o) {
    demo::mock_llm_options mo;
    mo.port = o.port;
    mo.input_tokens = o.input_tokens;
    mo.output_tokens = o.output_tokens;
    mo.content_encoding = o.encoding;
    mo.repeat_script = o.repeat_script;
    mo.plain_http = o.plain_http;
    if (!o.tool_name.empty()) {
        json input = json::parse(o.tool_input, nullptr, false);
        if (input.is_discarded()) throw failure("--tool-input: not valid JSON", 2);
        mo.script.push_back({"", o.tool_name, nlohmann::json::parse(o.tool_input)});
    }
    mo.script.push_back({o.final_text, "", {}});
    return mo;
}

// Prompts, as the agent sent them: private, and never through a symlink.
void write_requests(const std::string& path, const std::vector<demo::mock_request>& requests) {
    std::string lines;
    for (const auto& r : requests)
        lines += json{{"method", r.method},
                      {"path", r.path},
                      {"body_len", r.body.size()},
                      {"body_sha256", sha256_hex(r.body)},
                      {"body", r.body}}
                     .dump(-1, ' ', false, json::error_handler_t::replace) +
                 "\n";
    auto fd = must(open_output_file(path, if_exists::truncate));
    for (size_t at = 0; at < lines.size();) {
        ssize_t n = ::write(fd.get(), lines.data() + at, lines.size() - at);
        if (n <= 0) throw failure(path + ": " + std::strerror(errno));
        at += size_t(n);
    }
}

int serve_until_signal(const mock_llm_flags& o) {
    demo::mock_llm_options mo = server_options(o);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    demo::mock_llm_server server(std::move(mo));
    server.start();
    printf("mock-llm: %s\n", server.base_url().c_str());
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    server.stop();
    if (!o.requests_out.empty()) write_requests(o.requests_out, server.requests());
    return 0;
}

}  // namespace

command_fn add_mock_llm_command(CLI::App& app) {
    auto o = std::make_shared<mock_llm_flags>();
    auto* cmd = app.add_subcommand("mock-llm", "Run the local HTTPS mock LLM (tests, benchmarks)");
    cmd->add_option("--port", o->port, "Port (0 = any free port)");
    cmd->add_option("--tool-name", o->tool_name, "Tool the first reply calls ('' = none)");
    cmd->add_option("--tool-input", o->tool_input, "The tool call's input (JSON)");
    cmd->add_option("--final-text", o->final_text, "The final reply's text");
    cmd->add_option("--input-tokens", o->input_tokens, "Usage reported per reply");
    cmd->add_option("--output-tokens", o->output_tokens, "Usage reported per reply");
    cmd->add_option("--content-encoding", o->encoding, "'' or gzip: compress response bodies");
    cmd->add_flag("--repeat-script", o->repeat_script,
                  "Start the script over after its final text (one tool call per user turn)");
    cmd->add_flag("--plain-http", o->plain_http,
                  "Serve plain http:// (local-model style; also /api/chat, /api/generate)");
    cmd->add_option("--requests-out", o->requests_out, "Write received requests here at exit");
    return [o] { return serve_until_signal(*o); };
}
}  // namespace agentsight::cli
