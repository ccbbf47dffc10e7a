// SPDX-License-Identifier: Apache-2.0
// Issue 9, secrets: the API key given to the real Claude Code 2.1.197 (the
// canary) reaches no output of agentsight, in clear or in base64: the trace
// (JSON Lines, its TLS data events decoded, SQLite), `report` (text and
// --json), every /api endpoint the UI uses and its SSE stream (live during
// `record --ui` and from `serve`), OTLP with --otlp-content, and the raw
// events of `agentsight tls`. (The SQLite recording and `export` are checked
// by llm_call_test.cpp.)
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "e2e_harness.h"

namespace agentsight::test::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The canary as it could appear: in clear, and base64-encoded at each of the
// three byte alignments (the middle of the encoding, which does not depend on
// the bytes around it).
std::vector<std::string> canary_forms(const std::string& canary) {
    std::vector<std::string> forms = {canary};
    for (size_t pad = 0; pad < 3; ++pad) {
        std::string b = base64_encode(std::string(pad, '\0') + canary);
        forms.push_back(b.substr(pad ? 4 : 0, b.size() - (pad ? 4 : 0) - 4));
    }
    return forms;
}

// Where a form of the canary occurs in TEXT, with context; "" if nowhere.
// JSON strings that look like base64 (TLS data, _b64 companions) are decoded
// and searched too.
std::string leak_in(const std::string& text) {
    for (const auto& form : canary_forms(k_claude_key))
        if (size_t at = text.find(form); at != std::string::npos)
            return "'" + form + "' in …" + text.substr(at > 100 ? at - 100 : 0, 200) + "…";
    std::string found;
    std::function<void(const json&)> walk = [&](const json& j) {
        if (!found.empty()) return;
        if (j.is_structured())
            for (const auto& v : j) walk(v);
        else if (j.is_string() && base64_shaped(j.get<std::string>()) &&
                 decode_base64(j.get<std::string>()).find(k_claude_key) != std::string::npos)
            found = "base64 data decoding to the key: " + j.get<std::string>().substr(0, 80);
    };
    for (const auto& line : lines_of(text)) {
        size_t brace = line.find_first_of("[{");
        if (brace == std::string::npos) continue;
        json j = json::parse(line.substr(brace), nullptr, false);
        if (!j.is_discarded()) walk(j);
    }
    return found;
}

// "http://127.0.0.1:PORT/?token=T" printed as "agentsight UI: URL" on stderr.
struct ui_address {
    std::string base, token;
};

ui_address wait_for_ui(const std::string& stderr_file, child& proc) {
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline && proc.running()) {
        for (const auto& line : lines_of(read_file(stderr_file))) {
            size_t at = line.find("agentsight UI: http://");
            size_t tok = line.find("/?token=");
            if (at != std::string::npos && tok != std::string::npos)
                return {line.substr(at + 15, tok - at - 15), line.substr(tok + 8)};
        }
        std::this_thread::sleep_for(100ms);
    }
    return {};
}

std::string curl_auth(const ui_address& ui) {
    return "curl -s -H " + sq("Authorization: Bearer " + ui.token) + " ";
}

// Every /api endpoint of the UI (src/ui/ui_server.cpp), each event one by
// one, and the SSE stream from the start; all bodies concatenated.
std::string fetch_whole_api(const ui_address& ui, const temp_dir& dir) {
    std::string all;
    auto get = [&](const std::string& path) {
        auto r = run(curl_auth(ui) + "--max-time 20 --fail " + sq(ui.base + path));
        EXPECT_EQ(r.exit_code, 0) << "GET " << path << ": " << r.err;
        all += r.out + "\n";
        return r.out;
    };
    for (const char* p :
         {"/api/sessions", "/api/llm_calls", "/api/process_tree", "/api/timeline", "/api/stats"})
        get(p);
    json first = json::parse(get("/api/events?limit=5000"), nullptr, false);
    EXPECT_TRUE(first.is_object());
    const size_t total = first.value("total", 0u), last = first.value("last_seq", 0u);
    EXPECT_GT(last, 0u);
    for (size_t offset = 5000; offset < total; offset += 5000)
        get("/api/events?limit=5000&offset=" + std::to_string(offset));
    // Each event by seq, in one curl run.
    const std::string config = dir / "events.curl";
    {
        std::ofstream c(config);
        for (size_t seq = 1; seq <= last; ++seq)
            c << "url = \"" << ui.base << "/api/events/" << seq << "\"\n";
    }
    auto each = run(curl_auth(ui) + "--max-time 60 -K " + sq(config));
    EXPECT_EQ(each.exit_code, 0) << each.err;
    size_t bodies = 0;
    for (size_t at = each.out.find("{\"_seq\":"); at != std::string::npos;
         at = each.out.find("{\"_seq\":", at + 1))
        ++bodies;
    EXPECT_EQ(bodies, last) << "not every event was served";
    all += each.out + "\n";
    // The stream never ends by itself: curl's --max-time (exit 28) ends it.
    auto sse = run(curl_auth(ui) + "-N --max-time 3 " + sq(ui.base + "/api/stream?after=0"));
    EXPECT_NE(sse.out.find("event: events"), std::string::npos) << sse.out.substr(0, 300);
    all += sse.out;
    return all;
}

bool otlp_receiver_installed() {
    return fs::exists(source_dir() + "/tests/otlp/node_modules/@opentelemetry/otlp-transformer");
}

// The search below would see a leak in each form it claims to cover.
TEST(canary, leak_search_finds_the_key_in_clear_and_base64) {
    const std::string key = k_claude_key;
    EXPECT_NE(leak_in("x-api-key: " + key + "\r\n"), "");
    for (const std::string prefix : {"", "a", "ab"})
        EXPECT_NE(leak_in("{\"data\":\"" + base64_encode(prefix + key + "tail") + "\"}"), "")
            << prefix;
    EXPECT_NE(
        leak_in("data: [{\"x_b64\":\"" + base64_encode("GET / HTTP/1.1\r\nkey: " + key) + "\"}]"),
        "");
    EXPECT_EQ(
        leak_in("x-api-key: [REDACTED]\r\n{\"data\":\"" + base64_encode("harmless bytes") + "\"}"),
        "");
}

TEST(canary, claude_api_key_reaches_no_output) {
    REQUIRE_E2E_ROOT();
    REQUIRE_PREREQ(executable(claude_bin("2.1.197")),
                   claude_bin("2.1.197") + " (run scripts/fetch-agents.sh)");
    REQUIRE_PREREQ(have_program("node"), "node");
    REQUIRE_PREREQ(have_program("curl"), "curl");
    REQUIRE_PREREQ(otlp_receiver_installed(),
                   "tests/otlp/node_modules (npm ci --prefix tests/otlp)");
    temp_dir dir("canary");
    const std::string otlp_out = dir / "otlp.jsonl";
    child receiver({"node", source_dir() + "/tests/otlp/receiver.mjs", "--out", otlp_out, "--port",
                    "0", "--max-seconds", "300"},
                   dir / "receiver.stderr");
    const std::string listening = receiver.wait_line("listening ", 20000);
    ASSERT_FALSE(listening.empty()) << read_file(dir / "receiver.stderr");
    const std::string endpoint = "http://127.0.0.1:" + listening.substr(listening.find(' ') + 1);

    const std::string home = dir / "home";
    prepare_home(home, false);
    mock_llm mock(dir / "requests.jsonl");
    ASSERT_TRUE(mock.ok());
    const std::string trace = dir / "trace.jsonl";
    const std::string agent = claude_command(claude_bin("2.1.197"), home, mock.url());

    // record --ui --otlp (with content): the live UI stream is read while it runs.
    child recorder({"sh", "-c",
                    "cd " + sq(home + "/w") + " && AGENTSIGHT_CACHE_DIR=" + sq(dir / "cache") +
                        " exec " + sq(agentsight_bin()) + " record -q --ui --port 0 --otlp " +
                        endpoint + " --otlp-content -o " + sq(trace) + " -- " + agent},
                   dir / "record.stderr");
    const ui_address live = wait_for_ui(dir / "record.stderr", recorder);
    ASSERT_FALSE(live.base.empty()) << read_file(dir / "record.stderr");
    child live_stream({"sh", "-c",
                       curl_auth(live) + "-N --max-time 240 -o " + sq(dir / "live.sse") + " " +
                           sq(live.base + "/api/stream?after=0")});
    const int st = recorder.wait(240000);
    ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "status " << st << "\n"
                                                       << read_file(dir / "record.stderr");
    live_stream.wait(20000);  // the UI stops with the recording, which ends the stream
    receiver.signal(SIGTERM);
    receiver.wait(10000);
    mock.stop_and_read_requests();

    std::vector<std::pair<std::string, std::string>> outputs;  // (what, text)
    const std::string trace_text = read_file(trace);
    ASSERT_NE(trace_text.find("\"llm_call\""), std::string::npos) << "no LLM call recorded";
    ASSERT_NE(trace_text.find("\"tls\""), std::string::npos) << "no TLS data recorded";
    outputs.push_back({"trace.jsonl", trace_text});
    outputs.push_back({"record stderr", read_file(dir / "record.stderr")});
    const std::string live_sse = read_file(dir / "live.sse");
    EXPECT_NE(live_sse.find("\"llm_call\""), std::string::npos) << "the live stream missed calls";
    outputs.push_back({"live SSE of record --ui", live_sse});
    const std::string otlp = read_file(otlp_out);
    EXPECT_NE(otlp.find("gen_ai.input.messages"), std::string::npos) << "no content exported";
    outputs.push_back({"OTLP with --otlp-content", otlp});

    for (const char* flags : {"", "--json "}) {
        auto rep = run(sq(agentsight_bin()) + " report " + flags + sq(trace));
        EXPECT_EQ(rep.exit_code, 0) << rep.err;
        outputs.push_back({std::string("report ") + flags, rep.out + rep.err});
    }
    const std::string db = dir / "trace.db";
    auto ex = run(sq(agentsight_bin()) + " export " + sq(trace) + " -o " + sq(db));
    EXPECT_EQ(ex.exit_code, 0) << ex.err;
    outputs.push_back({"export to SQLite", read_file(db) + ex.err});

    child server({agentsight_bin(), "serve", "--port", "0", trace}, dir / "serve.stderr");
    const ui_address ui = wait_for_ui(dir / "serve.stderr", server);
    ASSERT_FALSE(ui.base.empty()) << read_file(dir / "serve.stderr");
    const std::string api = fetch_whole_api(ui, dir);
    EXPECT_NE(api.find("\"llm_call\""), std::string::npos);
    outputs.push_back({"UI API of serve", api});
    server.signal(SIGTERM);
    EXPECT_EQ(server.wait(10000), 0);

    // The raw capture path: `tls` redacts without the HTTP/LLM analyzers.
    mock_llm mock2(dir / "requests2.jsonl");
    ASSERT_TRUE(mock2.ok());
    const std::string raw = dir / "tls.jsonl";
    auto tls = run("cd " + sq(home + "/w") + " && AGENTSIGHT_CACHE_DIR=" + sq(dir / "cache") +
                   " timeout -s INT 240 " + sq(agentsight_bin()) + " tls -q -o " + sq(raw) +
                   " -- " + claude_command(claude_bin("2.1.197"), home, mock2.url()));
    EXPECT_EQ(tls.exit_code, 0) << tls.err;
    std::string tls_plain;
    for (const auto& e : read_jsonl(raw)) tls_plain += tls_bytes(e);
    EXPECT_NE(tls_plain.find("POST /v1/messages"), std::string::npos) << "no request captured";
    outputs.push_back({"tls raw events", read_file(raw) + tls.err});
    outputs.push_back({"tls raw events, data decoded", tls_plain});
    // The key did go over the wire, in the x-api-key header whose value was
    // redacted, so the checks below mean something.
    std::string lower = tls_plain;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_NE(lower.find("\r\nx-api-key: "), std::string::npos) << "no x-api-key header sent";
    mock2.stop_and_read_requests();

    for (const auto& [what, text] : outputs) EXPECT_EQ(leak_in(text), "") << "API key in " << what;
}

}  // namespace
}  // namespace agentsight::test::e2e
