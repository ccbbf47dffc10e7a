// SPDX-License-Identifier: Apache-2.0
// Issue 18: no secret of the corpus (tests/data/secrets/corpus.tsv) reaches any output.
// Real clients (curl --http1.1, curl --http2, python3, node over HTTP/2) run under `record`
// against a local HTTPS server that answers with secrets of its own; the corpus is in
// request headers (HTTP/1.1 and HPACK), queries, JSON bodies at depth, form bodies, response
// headers and bodies, SSE deltas cutting each secret in two, argv and file paths. Checked:
// the trace as JSON Lines (TLS data decoded) and as SQLite, the HTTP/2 header blocks of the raw
// events decoded by nghttp2's HPACK decoder, `analyze`, `export`, `report`,
// `report --json`, the UI API of `serve`, OTLP with and without --otlp-content. And the
// readers (`report`, `export`, `serve`) redact a trace that was recorded unredacted.
#include <openssl/evp.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <thread>

#include "../unit/analysis/redact_h2_dump.h"
#include "e2e_harness.h"

namespace agentsight::test::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string secrets_dir() {
    return source_dir() + "/tests/data/secrets";
}

std::vector<std::string> corpus_values() {
    auto r = run("python3 " + sq(secrets_dir() + "/secrets.py") + " values");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return lines_of(r.out);
}

std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

// The first corpus value in `text` (in clear, as hex, or inside a base64 JSON string such as
// a tls event's data), with context; "" when none.
std::string leak_in(const std::string& text, const std::vector<std::string>& values) {
    std::string lower_hex;
    for (const auto& v : values) {
        if (size_t at = text.find(v); at != std::string::npos)
            return "'" + v + "' in …" + text.substr(at > 80 ? at - 80 : 0, 200) + "…";
        if (text.find(hex(v)) != std::string::npos) return "'" + v + "' as hex";
    }
    std::string found;
    std::function<void(const json&)> walk = [&](const json& j) {
        if (!found.empty()) return;
        if (j.is_structured()) {
            for (const auto& v : j) walk(v);
        } else if (j.is_string() && base64_shaped(j.get<std::string>())) {
            std::string bytes = decode_base64(j.get<std::string>());
            for (const auto& v : values)
                if (bytes.find(v) != std::string::npos) found = "'" + v + "' in base64 data";
        }
    };
    for (const auto& line : lines_of(text)) {
        size_t brace = line.find_first_of("[{");
        if (brace == std::string::npos) continue;
        json j = json::parse(line.substr(brace), nullptr, false);
        if (!j.is_discarded()) walk(j);
    }
    return found;
}

struct ui_address {
    std::string base, token;
};

ui_address wait_for_ui(const std::string& stderr_file, child& proc) {
    auto deadline = std::chrono::steady_clock::now() + 30s;
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

// The UI's /api endpoints, every event one by one, and the SSE stream from the start.
std::string fetch_api(const ui_address& ui, const temp_dir& dir) {
    const std::string curl = "curl -s -H " + sq("Authorization: Bearer " + ui.token) + " ";
    std::string all;
    for (const char* p : {"/api/sessions", "/api/llm_calls", "/api/process_tree", "/api/timeline",
                          "/api/stats", "/api/events?limit=100000"}) {
        auto r = run(curl + "--max-time 20 --fail " + sq(ui.base + p));
        EXPECT_EQ(r.exit_code, 0) << p << ": " << r.err;
        all += r.out + "\n";
    }
    json events = json::parse(lines_of(all).back(), nullptr, false);
    const size_t last = events.is_object() ? events.value("last_seq", 0u) : 0;
    EXPECT_GT(last, 0u);
    const std::string config = dir / "events.curl";
    {
        std::ofstream c(config);
        for (size_t seq = 1; seq <= last; ++seq)
            c << "url = \"" << ui.base << "/api/events/" << seq << "\"\n";
    }
    auto each = run(curl + "--max-time 60 -K " + sq(config));
    EXPECT_EQ(each.exit_code, 0) << each.err;
    all += each.out + "\n";
    auto sse = run(curl + "-N --max-time 3 " + sq(ui.base + "/api/stream?after=0"));
    EXPECT_NE(sse.out.find("event: events"), std::string::npos) << sse.out.substr(0, 300);
    return all + sse.out;
}

// The UI API of `serve TRACE [flags]`.
std::string serve_api(const std::string& trace, const temp_dir& dir, const std::string& tag,
                      const std::vector<std::string>& flags = {}) {
    std::vector<std::string> argv = {agentsight_bin(), "serve", "--port", "0"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back(trace);
    child server(argv, dir / (tag + ".stderr"));
    const ui_address ui = wait_for_ui(dir / (tag + ".stderr"), server);
    EXPECT_FALSE(ui.base.empty()) << read_file(dir / (tag + ".stderr"));
    std::string api = ui.base.empty() ? "" : fetch_api(ui, dir);
    server.signal(SIGTERM);
    server.wait(10000);
    return api;
}

bool otlp_receiver_installed() {
    return fs::exists(source_dir() + "/tests/otlp/node_modules/@opentelemetry/otlp-transformer");
}

struct otlp_receiver {
    otlp_receiver(const temp_dir& dir, const std::string& tag)
        : out(dir / (tag + ".otlp.jsonl")),
          proc({"node", source_dir() + "/tests/otlp/receiver.mjs", "--out", out, "--port", "0",
                "--max-seconds", "300"},
               dir / (tag + ".receiver.stderr")) {
        const std::string line = proc.wait_line("listening ", 20000);
        if (!line.empty()) endpoint = "http://127.0.0.1:" + line.substr(line.find(' ') + 1);
    }
    std::string stop() {
        proc.signal(SIGTERM);
        proc.wait(10000);
        return read_file(out);
    }
    std::string out, endpoint;
    child proc;
};

// `agentsight record FLAGS -- run_clients.sh DIR`; returns its stderr.
std::string record_clients(const temp_dir& dir, const std::string& flags) {
    auto r = run("AGENTSIGHT_CACHE_DIR=" + sq(dir / "cache") + " timeout -s INT 120 " +
                 sq(agentsight_bin()) + " record -q " + flags + " -- sh " +
                 sq(secrets_dir() + "/run_clients.sh") + " " + sq(dir / "req"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.err;
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST(secrets, corpus_reaches_no_output_of_a_recording) {
    REQUIRE_E2E_ROOT();
    for (const char* p : {"node", "curl", "python3", "openssl", "sqlite3"})
        REQUIRE_PREREQ(have_program(p), p);
    REQUIRE_PREREQ(otlp_receiver_installed(),
                   "tests/otlp/node_modules (npm ci --prefix tests/otlp)");
    const auto values = corpus_values();
    ASSERT_GE(values.size(), 40u);
    temp_dir dir("secrets");
    auto cert =
        run("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " +
            sq(dir / "key.pem") + " -out " + sq(dir / "cert.pem"));
    ASSERT_EQ(cert.exit_code, 0) << cert.err;
    auto prep = run("python3 " + sq(secrets_dir() + "/secrets.py") + " prepare " + sq(dir / "req") +
                    " https://127.0.0.1:1");
    ASSERT_EQ(prep.exit_code, 0) << prep.err;
    child server(
        {"node", secrets_dir() + "/server.mjs", dir / "req", dir / "key.pem", dir / "cert.pem"},
        dir / "server.stderr");
    const std::string listening = server.wait_line("listening ", 20000);
    ASSERT_FALSE(listening.empty()) << read_file(dir / "server.stderr");
    prep = run("python3 " + sq(secrets_dir() + "/secrets.py") + " prepare " + sq(dir / "req") +
               " https://127.0.0.1:" + listening.substr(listening.find(' ') + 1));
    ASSERT_EQ(prep.exit_code, 0) << prep.err;

    std::vector<std::pair<std::string, std::string>> outputs;  // (what, text)
    // Run 1: JSON Lines, OTLP with content.
    const std::string trace = dir / "trace.jsonl";
    otlp_receiver with_content(dir, "content");
    ASSERT_FALSE(with_content.endpoint.empty());
    outputs.push_back(
        {"record stderr", record_clients(dir, "--otlp " + with_content.endpoint +
                                                  " --otlp-content -o " + sq(trace))});
    const std::string otlp_content = with_content.stop();
    EXPECT_NE(otlp_content.find("gen_ai.output.messages"), std::string::npos)
        << "no content exported";
    outputs.push_back({"OTLP with --otlp-content", otlp_content});
    // Run 2: SQLite, OTLP without content.
    const std::string db = dir / "trace.db";
    otlp_receiver no_content(dir, "plain");
    ASSERT_FALSE(no_content.endpoint.empty());
    outputs.push_back({"record stderr (2)",
                       record_clients(dir, "--otlp " + no_content.endpoint + " -o " + sq(db))});
    outputs.push_back({"OTLP without content", no_content.stop()});
    server.signal(SIGTERM);
    server.wait(10000);

    // The capture holds the calls: four clients, four requests each, HTTP/2 included.
    const std::string trace_text = read_file(trace);
    std::string tls_plain;
    for (const auto& e : read_jsonl(trace))
        if (e.value("type", "") == "tls") tls_plain += tls_bytes(e);
    // (A client's first connection can start before its uprobes attach; each client opens a
    // warm-up connection first, so the counts allow one client's calls to be short.)
    EXPECT_GE(count(trace_text, "\"type\":\"llm_call\""), 3u) << "LLM calls missing";
    EXPECT_GE(count(trace_text, "\"type\":\"http_exchange\""), 9u) << "exchanges missing";
    EXPECT_GE(count(tls_plain, "PRI * HTTP/2.0"), 2u) << "no HTTP/2 connection captured";
    EXPECT_NE(tls_plain.find("/echo?"), std::string::npos);
    EXPECT_NE(trace_text.find("[redacted:"), std::string::npos);
    outputs.push_back({"trace.jsonl", trace_text});
    outputs.push_back({"trace.jsonl, tls data decoded", tls_plain});
    auto dump = run("sqlite3 " + sq(db) + " .dump");
    EXPECT_EQ(dump.exit_code, 0) << dump.err;
    EXPECT_NE(dump.out.find("llm_call"), std::string::npos);
    outputs.push_back({"trace.db (sqlite3 .dump)", dump.out});

    // The HTTP/2 header blocks of the raw events, decoded with nghttp2's inflater: they all
    // decode (the rewrite kept the dynamic table in step), and none holds a secret.
    std::map<std::string, std::string> sides;  // conn + direction -> bytes
    for (const auto& e : read_jsonl(trace))
        if (e.value("type", "") == "tls")
            sides[e.value("conn", "") + " " + e.value("direction", "")] += tls_bytes(e);
    std::string h2_headers;
    size_t blocks = 0, undecodable = 0;
    for (const auto& [key, bytes] : sides) {
        std::string other = key.ends_with(" write") ? key.substr(0, key.size() - 5) + "read"
                                                    : key.substr(0, key.size() - 4) + "write";
        const bool h2 = bytes.starts_with("PRI * HTTP/2.0") ||
                        (sides.count(other) && sides[other].starts_with("PRI * HTTP/2.0"));
        if (!h2) continue;
        auto dump = decode_h2_headers(bytes);
        blocks += dump.blocks;
        undecodable += dump.undecodable;
        for (const auto& h : dump.headers) h2_headers += h.name + ": " + h.value + "\n";
    }
    // A block the stage could not rewrite in place is masked whole (and its side from then
    // on): a decoder stops there. Most blocks must still decode.
    EXPECT_GE(blocks, 6u) << "HTTP/2 header blocks missing (" << undecodable << " masked)";
    EXPECT_NE(h2_headers.find("redacted-"), std::string::npos) << h2_headers.substr(0, 2000);
    outputs.push_back({"HTTP/2 header blocks, HPACK-decoded", h2_headers});
    // The same through the analyzer: every exchange is still there.
    auto decoded = run(sq(agentsight_bin()) + " analyze --no-redact " + sq(trace));
    EXPECT_EQ(decoded.exit_code, 0) << decoded.err;
    EXPECT_GE(count(decoded.out, "\"type\":\"http_exchange\""), 8u)
        << "redacted captures no longer replay";
    // (Not a leak check: without redaction the analyzer joins SSE deltas, and a secret cut
    // across two deltas is rebuilt from its halves; see docs/llm_call.md.)
    for (const std::string& in : {trace, db}) {
        auto an = run(sq(agentsight_bin()) + " analyze " + sq(in));
        EXPECT_EQ(an.exit_code, 0) << an.err;
        outputs.push_back({"analyze " + in, an.out + an.err});
        for (const char* flags : {"", "--json "}) {
            auto rep = run(sq(agentsight_bin()) + " report " + flags + sq(in));
            EXPECT_EQ(rep.exit_code, 0) << rep.err;
            outputs.push_back({std::string("report ") + flags + in, rep.out + rep.err});
        }
    }
    auto ex = run(sq(agentsight_bin()) + " export " + sq(db));
    EXPECT_EQ(ex.exit_code, 0) << ex.err;
    outputs.push_back({"export db -> jsonl", ex.out + ex.err});
    auto ex2 = run(sq(agentsight_bin()) + " export " + sq(trace) + " -o " + sq(dir / "x.db") +
                   " && sqlite3 " + sq(dir / "x.db") + " .dump");
    EXPECT_EQ(ex2.exit_code, 0) << ex2.err;
    outputs.push_back({"export jsonl -> db", ex2.out + ex2.err});
    const std::string api = serve_api(trace, dir, "serve");
    EXPECT_NE(api.find("\"llm_call\""), std::string::npos);
    outputs.push_back({"UI API of serve", api});

    for (const auto& [what, text] : outputs)
        EXPECT_EQ(leak_in(text, values), "") << "corpus value in " << what;
}

// A trace written with --no-redact (or by an older build): the readers redact it again.
TEST(secrets, readers_redact_a_trace_recorded_unredacted) {
    REQUIRE_PREREQ(have_program("python3"), "python3");
    REQUIRE_PREREQ(have_program("curl"), "curl");
    const auto values = corpus_values();
    ASSERT_GE(values.size(), 40u);
    temp_dir dir("secrets-read");
    auto prep = run("python3 " + sq(secrets_dir() + "/secrets.py") + " prepare " + sq(dir / "req") +
                    " https://127.0.0.1:1");
    ASSERT_EQ(prep.exit_code, 0) << prep.err;
    // One exec per argv line, and one llm_call whose prompt holds every text form.
    std::ofstream t(dir / "clear.jsonl");
    std::string prompt;
    int pid = 4000;
    for (const auto& line : lines_of(read_file(dir / "req/argv.txt"))) {
        json argv = json::array({"true"});
        size_t tab = line.find('\t');
        if (tab == std::string::npos) {
            argv.push_back(line);
        } else {
            argv.push_back(line.substr(0, tab));
            argv.push_back(line.substr(tab + 1));
        }
        t << json{{"type", "exec"},
                  {"ts", 1700000000000000000LL + pid},
                  {"pid", ++pid},
                  {"ppid", 1},
                  {"comm", "true"},
                  {"uid", 0},
                  {"filename", "/bin/true"},
                  {"argv", argv},
                  {"argv_truncated", false}}
                 .dump()
          << "\n";
        prompt += line + "\n";
    }
    t << json{{"type", "llm_call"},
              {"ts", 1700000001000000000LL},
              {"pid", pid},
              {"tid", pid},
              {"comm", "agent"},
              {"conn", std::to_string(pid) + ":1"},
              {"provider", "anthropic"},
              {"model", "claude-sonnet-4-5"},
              {"method", "POST"},
              {"path", "/v1/messages"},
              {"status", 200},
              {"user_prompt", prompt},
              {"request", {{"messages", json::array({{{"role", "user"}, {"content", prompt}}})}}},
              {"response", {{"text", prompt}, {"stop_reason", "end_turn"}}}}
             .dump()
      << "\n";
    t.close();
    ASSERT_NE(leak_in(read_file(dir / "clear.jsonl"), values), "");  // the trace holds them
    std::vector<std::pair<std::string, std::string>> outputs;
    for (const char* flags : {"", "--json "}) {
        auto rep = run(sq(agentsight_bin()) + " report " + flags + sq(dir / "clear.jsonl"));
        EXPECT_EQ(rep.exit_code, 0) << rep.err;
        outputs.push_back({std::string("report ") + flags, rep.out});
    }
    auto ex = run(sq(agentsight_bin()) + " export " + sq(dir / "clear.jsonl"));
    EXPECT_EQ(ex.exit_code, 0) << ex.err;
    outputs.push_back({"export", ex.out});
    outputs.push_back({"UI API of serve", serve_api(dir / "clear.jsonl", dir, "serve")});
    for (const auto& [what, text] : outputs)
        EXPECT_EQ(leak_in(text, values), "") << "corpus value in " << what;
    // --no-redact on the reader shows the trace as it is, with a warning.
    auto raw = run(sq(agentsight_bin()) + " export --no-redact " + sq(dir / "clear.jsonl"));
    EXPECT_NE(leak_in(raw.out, values), "");
    EXPECT_NE(raw.err.find("warning: --no-redact"), std::string::npos) << raw.err;
}

}  // namespace
}  // namespace agentsight::test::e2e
