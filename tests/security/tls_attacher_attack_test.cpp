// SPDX-License-Identifier: Apache-2.0
// Issue 16, finding 3: a traced process names files that root then opens and
// searches for TLS functions. Each test performs one attack with the real
// binary and a real TLS client (python's OpenSSL against the local mock LLM),
// and asserts that TLS is still captured, the refused file is reported as a
// tls_skipped event with its reason, and the recording ends promptly.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../unit/tls/crafted_elf.h"
#include "e2e_harness.h"
#include "harness.h"

namespace agentsight::test {
namespace {

using e2e::sq;

// The traced process: plants the bait named libssl.so.3 and opens it, waits
// so the attacher takes it first, and only then loads the real libssl
// (import ssl) and makes one HTTPS request.
constexpr const char* k_agent = R"(import os, sys, time
bait, url, mode = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "fifo":
    os.mkfifo(bait)
    fd = os.open(bait, os.O_RDONLY | os.O_NONBLOCK)
elif mode == "symlink":
    os.symlink("/dev/zero", bait)
    os.lchown(bait, 65534, 65534)  # planted by an unprivileged agent
    open(bait, "rb").read(1)
else:
    open(bait, "rb").read(1)
time.sleep(0.5)
import ssl, urllib.request
try:
    urllib.request.urlopen(url + "/after-bait", context=ssl._create_unverified_context()).read()
except Exception as e:
    print(e, file=sys.stderr)
if len(sys.argv) > 4:
    open(sys.argv[4], "w").write(str(os.getpid()))
    time.sleep(30)
)";

class tls_attacher_attack : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        mock_ = new e2e::child({AGENTSIGHT_BIN, "mock-llm", "--tool-name", ""});
        std::string s = mock_->wait_line("https://", 15000);
        if (!s.empty()) url_ = s.substr(s.find("https://"));
    }
    static void TearDownTestSuite() {
        mock_->signal(SIGTERM);
        mock_->wait(10000);
        delete mock_;
    }
    void SetUp() override {
        REQUIRE_ROOT();
        REQUIRE_PREREQ(e2e::have_program("python3"), "python3");
        ASSERT_FALSE(url_.empty()) << "mock-llm did not start";
        std::ofstream(dir_ / "agent.py") << k_agent;
        std::filesystem::create_directories(dir_ / "bait");
    }
    std::string bait() const { return dir_ / "bait/libssl.so.3"; }
    // `agentsight COMMAND -- python3 agent.py BAIT URL MODE`, bounded by `timeout`.
    e2e::cmd_result record(const std::string& mode, const std::string& command = "tls") {
        return e2e::run("timeout -s KILL 60 " + sq(AGENTSIGHT_BIN) + " " + command + " -o " +
                        sq(dir_ / "out.jsonl") + " -- python3 " + sq(dir_ / "agent.py") + " " +
                        sq(bait()) + " " + sq(url_) + " " + mode);
    }
    std::vector<json> events() const { return e2e::read_jsonl(dir_ / "out.jsonl"); }

    // The HTTPS request made after the bait was captured: the attacher was not blinded.
    static void expect_tls_captured(const std::vector<json>& ev) {
        std::string writes;
        for (const auto& e : of_type(ev, "tls"))
            if (e["direction"] == "write") writes += e2e::tls_bytes(e);
        EXPECT_NE(writes.find("GET /after-bait HTTP/1.1"), std::string::npos)
            << "no TLS captured after the bait; " << ev.size() << " events";
    }
    void expect_skipped(const std::vector<json>& ev, const std::string& reason) const {
        auto skipped = of_type(ev, "tls_skipped");
        ASSERT_EQ(skipped.size(), 1u) << "one tls_skipped event for the bait";
        EXPECT_EQ(skipped[0].value("reason", ""), reason) << skipped[0].dump();
        EXPECT_TRUE(skipped[0].value("path", "").ends_with("bait/libssl.so.3"))
            << skipped[0].dump();
        EXPECT_GT(skipped[0].value("pid", 0), 0);
    }

    e2e::temp_dir dir_{"tls-attack"};
    static inline e2e::child* mock_ = nullptr;
    static inline std::string url_;
};

TEST_F(tls_attacher_attack, fifo_named_libssl_neither_blinds_nor_wedges) {
    auto r = record("fifo");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_LT(r.seconds, 20) << "the recording took too long to end";
    auto ev = events();
    expect_tls_captured(ev);
    expect_skipped(ev, "not a regular file");
    EXPECT_NE(r.err.find("TLS files skipped: 1"), std::string::npos) << r.err;
}

TEST_F(tls_attacher_attack, ctrl_c_after_a_fifo_bait_stops_promptly) {
    const std::string done = dir_ / "done";
    e2e::child rec({AGENTSIGHT_BIN, "tls", "-q", "-o", dir_ / "out.jsonl", "--", "python3",
                    dir_ / "agent.py", bait(), url_, "fifo", done},
                   dir_ / "stderr");
    for (int i = 0; i < 200 && e2e::read_file(done).empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_FALSE(e2e::read_file(done).empty()) << e2e::read_file(dir_ / "stderr");
    const long long sent = e2e::now_ns();
    rec.signal(SIGINT);
    int status = rec.wait(15000);
    const double took = double(e2e::now_ns() - sent) / 1e9;
    ::kill(std::stoi(e2e::read_file(done)), SIGKILL);  // it outlives the recording
    EXPECT_TRUE(WIFEXITED(status)) << "killed after not stopping on SIGINT";
    EXPECT_LT(took, 5.0) << "SIGINT took " << took << " s";
    auto ev = events();
    expect_tls_captured(ev);
    expect_skipped(ev, "not a regular file");
}

TEST_F(tls_attacher_attack, symlink_to_a_device_is_not_opened) {
    auto r = record("symlink", "record");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto ev = events();
    expect_tls_captured(ev);
    expect_skipped(ev, "symlink");
    auto end = of_type(ev, "session_end");
    ASSERT_EQ(end.size(), 1u);
    EXPECT_EQ(end[0]["stats"].value("tls_files_skipped", 0), 1) << end[0].dump();
}

TEST_F(tls_attacher_attack, oversized_marker_elf_costs_a_bounded_search) {
    tls::test::write_file(bait(), tls::test::many_markers_elf(160000));
    auto r = record("elf");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_LT(r.seconds, 20) << "the recording took too long to end";
    auto ev = events();
    expect_tls_captured(ev);
    expect_skipped(ev, "budget exceeded");
}

}  // namespace
}  // namespace agentsight::test
