// SPDX-License-Identifier: Apache-2.0
// Issue 4: `agentsight tls` on the real Claude Code (a Bun executable with a
// stripped, statically linked BoringSSL) captures both main request bodies
// whole and both streamed responses; `--explain` fails cleanly on a binary
// without BoringSSL; a second run takes the discovery result from the cache.
#include <sys/stat.h>
#include <sys/time.h>

#include <filesystem>
#include <map>

#include "e2e_harness.h"

namespace agentsight::test::e2e {
namespace {

namespace fs = std::filesystem;

// Claude's main requests carry the whole system prompt and tool list.
constexpr size_t k_main_body_min = 76000;

struct http_request {
    std::string head;
    std::string body;
    size_t content_length = 0;
};

// Splits the plaintext written on one connection into HTTP/1.1 requests
// whose request line starts with `method_path`, by Content-Length.
std::vector<http_request> parse_requests(const std::string& stream,
                                         const std::string& method_path) {
    std::vector<http_request> out;
    size_t at = 0;
    while ((at = stream.find(method_path, at)) != std::string::npos) {
        size_t head_end = stream.find("\r\n\r\n", at);
        if (head_end == std::string::npos) break;
        http_request r;
        r.head = stream.substr(at, head_end - at);
        std::string lower = r.head;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t cl = lower.find("\r\ncontent-length:");
        if (cl != std::string::npos)
            r.content_length =
                std::stoul(r.head.substr(cl + 17, r.head.find("\r\n", cl + 2) - cl - 17));
        r.body = stream.substr(head_end + 4, r.content_length);
        out.push_back(r);
        at = head_end + 4 + r.body.size();
    }
    return out;
}

size_t count_of(const std::string& hay, const std::string& needle) {
    size_t n = 0;
    for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
    return n;
}

struct capture_run {
    cmd_result result;
    std::vector<json> events;    // the tls/tls_handshake events
    std::vector<json> requests;  // what the mock received
};

capture_run run_claude_under_tls(const std::string& version, const temp_dir& dir,
                                 const std::string& cache_dir) {
    capture_run c;
    std::string home = dir / "home";
    prepare_home(home, false);
    mock_llm mock(dir / "requests.jsonl");
    EXPECT_TRUE(mock.ok()) << "mock-llm did not start: "
                           << read_file(dir / "requests.jsonl.stderr");
    if (!mock.ok()) return c;
    c.result =
        run("cd " + sq(home + "/w") + " && AGENTSIGHT_CACHE_DIR=" + sq(cache_dir) +
            " timeout -s INT 240 " + sq(agentsight_bin()) + " tls -q -o " + sq(dir / "raw.jsonl") +
            " -- " + claude_command(claude_bin(version), home, mock.url()));
    c.requests = mock.stop_and_read_requests();
    c.events = read_jsonl(dir / "raw.jsonl");
    return c;
}

// The assertions of issue 4 on one capture.
void expect_whole_bodies(const capture_run& c, const std::string& version) {
    ASSERT_EQ(c.result.exit_code, 0) << "claude " << version << " under agentsight tls:\n"
                                     << c.result.err << "\nstdout:\n"
                                     << c.result.out;

    std::vector<json> main_requests;
    for (const auto& r : requests_with_path(c.requests, "/v1/messages"))
        if (r["body_len"].get<size_t>() >= k_main_body_min) main_requests.push_back(r);
    ASSERT_EQ(main_requests.size(), 2u) << "the mock should have received two main requests";

    auto tls = of_type(c.events, "tls");
    ASSERT_FALSE(tls.empty()) << "no tls events captured from claude " << version << "\n"
                              << c.result.err;
    for (const auto& e : c.events) {
        EXPECT_EQ(e.value("lib", ""), "boringssl") << e.dump().substr(0, 300);
        if (e.value("type", "") == "tls") {
            EXPECT_FALSE(e.value("truncated", true)) << e.dump().substr(0, 300);
        }
    }

    // Every connection's plaintext, per direction, in capture order.
    std::map<std::string, std::string> writes, reads;
    for (const auto& e : tls)
        (e["direction"] == "write" ? writes : reads)[e["conn"].get<std::string>()] += tls_bytes(e);

    std::vector<http_request> captured;
    std::string conn;
    for (const auto& [id, stream] : writes) {
        auto reqs = parse_requests(stream, "POST /v1/messages");
        if (reqs.empty()) continue;
        conn = id;
        captured.insert(captured.end(), reqs.begin(), reqs.end());
    }
    ASSERT_FALSE(conn.empty()) << "no connection carries POST /v1/messages";

    std::vector<std::string> captured_sha;
    for (const auto& r : captured) {
        EXPECT_EQ(r.body.size(), r.content_length) << "body cut short: " << r.head.substr(0, 200);
        if (r.body.size() >= k_main_body_min) captured_sha.push_back(sha256_hex(r.body));
    }
    ASSERT_EQ(captured_sha.size(), 2u) << "main request bodies found in the capture";
    for (const auto& m : main_requests) {
        std::string want = m["body_sha256"];
        EXPECT_NE(std::find(captured_sha.begin(), captured_sha.end(), want), captured_sha.end())
            << "the " << m["body_len"] << "-byte body the mock received (sha256 " << want
            << ") is not in the capture whole";
    }

    // Both streamed responses, to their end.
    std::string rd = reads[conn];
    EXPECT_EQ(count_of(rd, "HTTP/1.1 200"), 2u);
    EXPECT_EQ(count_of(rd, "event: message_stop"), 2u) << "streamed responses on " << conn;
}

void capture_test(const std::string& version) {
    REQUIRE_E2E_ROOT();
    REQUIRE_PREREQ(executable(claude_bin(version)),
                   claude_bin(version) + " (run scripts/fetch-agents.sh)");
    temp_dir dir("tls-" + version);
    auto c = run_claude_under_tls(version, dir, dir / "cache");
    expect_whole_bodies(c, version);
}

// (Plain TESTs, not TEST_P: ctest names must not carry "# GetParam() = ...".)
TEST(claude_tls, v2_1_197_captures_both_main_request_bodies_whole_and_both_responses) {
    capture_test("2.1.197");
}

TEST(claude_tls, v2_1_113_captures_both_main_request_bodies_whole_and_both_responses) {
    capture_test("2.1.113");
}

TEST(tls_explain, binary_without_boringssl_fails_cleanly) {
    temp_dir dir("explain");
    auto r = run("AGENTSIGHT_CACHE_DIR=" + sq(dir / "cache") + " " + sq(agentsight_bin()) +
                 " tls --explain /bin/ls");
    EXPECT_EQ(r.signal, 0) << "killed by a signal";
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.exit_code, -1);
    auto err = lines_of(r.err);
    ASSERT_EQ(err.size(), 1u) << "one line on stderr, got:\n" << r.err;
    EXPECT_NE(err[0].find("/bin/ls"), std::string::npos) << err[0];
    EXPECT_NE(err[0].find("no TLS functions"), std::string::npos) << err[0];
    // Nothing embeds BoringSSL there, so nothing is cached.
    EXPECT_FALSE(fs::exists(dir / "cache") && !fs::is_empty(dir / "cache"));
}

TEST(tls_discovery_cache, second_run_uses_the_cache) {
    REQUIRE_E2E_ROOT();
    const std::string version = "2.1.197";
    REQUIRE_PREREQ(executable(claude_bin(version)),
                   claude_bin(version) + " (run scripts/fetch-agents.sh)");
    temp_dir cache("cache");
    std::string cache_dir = cache.path() + "/discovery";

    temp_dir first("cache-run1");
    auto c1 = run_claude_under_tls(version, first, cache_dir);
    ASSERT_EQ(c1.result.exit_code, 0) << c1.result.err;
    std::vector<std::string> files;
    for (const auto& f : fs::directory_iterator(cache_dir)) files.push_back(f.path().string());
    ASSERT_EQ(files.size(), 1u) << "the first run stores one discovery result in " << cache_dir;
    const std::string entry = files[0];
    EXPECT_NE(entry.find("boringssl-v2-"), std::string::npos) << entry;
    // docs/tls-discovery.md: keyed by the SHA-256 of claude.exe 2.1.197
    EXPECT_NE(entry.find("f54e69cbc89b2da61a415700af7ff52a147e862517d4f1b0eecf768448cf7f83"),
              std::string::npos)
        << entry;

    // Age the entry. A miss always re-stores (a new file renamed into place),
    // so an unchanged mtime after the second run means it was read, not redone.
    struct timeval old_times[2] = {{946684800, 0}, {946684800, 0}};
    ASSERT_EQ(utimes(entry.c_str(), old_times), 0);
    const long long aged = file_mtime_ns(entry);

    temp_dir second("cache-run2");
    auto c2 = run_claude_under_tls(version, second, cache_dir);
    expect_whole_bodies(c2, version);
    EXPECT_EQ(file_mtime_ns(entry), aged) << "the second run rewrote the cache entry (a miss)";
    size_t n = 0;
    for ([[maybe_unused]] const auto& f : fs::directory_iterator(cache_dir)) ++n;
    EXPECT_EQ(n, 1u);

    // --explain with the same cache says where the answer came from.
    auto ex = run("AGENTSIGHT_CACHE_DIR=" + sq(cache_dir) + " " + sq(agentsight_bin()) +
                  " tls --explain " + sq(claude_bin(version)));
    EXPECT_EQ(ex.exit_code, 0) << ex.err;
    EXPECT_NE(ex.out.find("cache hit"), std::string::npos) << ex.out;
    EXPECT_EQ(file_mtime_ns(entry), aged);
}

}  // namespace
}  // namespace agentsight::test::e2e
