// SPDX-License-Identifier: Apache-2.0
// Issue 19 bug 2: short-lived children of the traced tree make their first TLS call within
// milliseconds of exec. Their calls must be captured (≥ 99 %), and a connection whose
// plaintext was not captured must raise opaque_connection with the reason.
#include <csignal>
#include <fstream>
#include <set>

#include "e2e_harness.h"
#include "harness.h"

namespace agentsight::test {
namespace {

class short_lived : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new e2e::child({AGENTSIGHT_BIN, "mock-llm", "--tool-name", ""});
        std::string s = server_->wait_line("https://", 15000);
        if (!s.empty()) url_ = s.substr(s.find("https://"));
    }
    static void TearDownTestSuite() {
        server_->signal(SIGTERM);
        server_->wait(10000);
        delete server_;
    }
    static inline e2e::child* server_ = nullptr;
    static inline std::string url_;
};

TEST_F(short_lived, sequential_curl_children_are_all_captured) {
    REQUIRE_ROOT();
    ASSERT_FALSE(url_.empty()) << "mock server did not start";
    e2e::temp_dir dir("short-lived");
    const int n = 100;
    {
        std::ofstream script(dir / "calls.sh");
        script << "for i in $(seq 1 " << n << "); do curl -sk " << url_
               << "/v1/messages -H 'content-type: application/json' -H 'x-api-key: sk-ant-t' "
                  "-d '{\"model\":\"claude-x\",\"max_tokens\":8,\"messages\":[{\"role\":"
                  "\"user\",\"content\":\"call '$i'\"}]}' -o /dev/null; done\n";
    }
    const std::string trace = dir / "trace.jsonl";
    auto r = e2e::run("timeout -s INT 120 " + e2e::sq(AGENTSIGHT_BIN) + " record -q -o " +
                      e2e::sq(trace) + " -- bash " + e2e::sq(dir / "calls.sh"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto events = e2e::read_jsonl(trace);
    std::set<std::string> prompts;
    for (const auto& c : of_type(events, "llm_call"))
        if (!c.value("incomplete", true)) prompts.insert(c.value("user_prompt", ""));
    EXPECT_GE(prompts.size(), size_t(n * 99 / 100))
        << prompts.size() << " of " << n << " curl calls captured";
}

TEST_F(short_lived, a_tls_connection_made_without_a_probed_library_is_opaque_with_the_reason) {
    // bash speaks to the TLS port through /dev/tcp (a ClientHello's first bytes): no probed
    // library is involved, as with a static TLS stack (rustls, Go).
    REQUIRE_ROOT();
    ASSERT_FALSE(url_.empty()) << "mock server did not start";
    e2e::temp_dir dir("opaque-reason");
    const std::string port = url_.substr(url_.rfind(':') + 1);
    const std::string trace = dir / "trace.jsonl";
    auto r = e2e::run("timeout -s INT 60 " + e2e::sq(AGENTSIGHT_BIN) + " record -q -o " +
                      e2e::sq(trace) + " -- bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + port +
                      "; printf \"\\x16\\x03\\x01\\x00\\x05hello\" >&3; sleep 0.2'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string message;
    for (const auto& a : of_type(e2e::read_jsonl(trace), "alert"))
        if (a["rule"] == "opaque_connection") message = a["message"];
    EXPECT_NE(message.find("127.0.0.1:" + port), std::string::npos) << message;
    EXPECT_NE(message.find("its TLS stack is not probed"), std::string::npos) << message;
}

}  // namespace
}  // namespace agentsight::test
