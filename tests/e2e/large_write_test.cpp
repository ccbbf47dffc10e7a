// SPDX-License-Identifier: Apache-2.0
// Issue 19 bug 1, on the real binary: node's https client writes an HTTP request's head and
// a 100 KB body in one SSL_write, the first bytes of a new connection (as Qwen Code and
// Gemini CLI do with a large project context). The llm_call must be whole.
#include <csignal>

#include "e2e_harness.h"

namespace agentsight::test::e2e {
namespace {

constexpr const char* k_client = R"JS(
const https = require('https');
const url = new URL(process.argv[2] + '/v1/chat/completions');
const context = 'Project rule: keep functions short. '.repeat(2900);  // ~100 KB
const body = JSON.stringify({model: 'qwen3-coder-plus', messages: [
    {role: 'system', content: context}, {role: 'user', content: 'large write question'}]});
const req = https.request({hostname: url.hostname, port: url.port, path: url.pathname,
    method: 'POST', rejectUnauthorized: false, headers: {'content-type': 'application/json',
    'content-length': Buffer.byteLength(body), 'authorization': 'Bearer sk-e2e-large-write'}},
    res => { res.resume(); res.on('end', () => console.log('status', res.statusCode)); });
req.end(body);  // a string: node sends it with the head in one write
)JS";

TEST(large_write, node_head_and_100kb_body_in_one_ssl_write_give_a_complete_llm_call) {
    REQUIRE_E2E_ROOT();
    REQUIRE_PREREQ(have_program("node"), "node");
    temp_dir dir("large-write");
    mock_llm mock(dir / "requests.jsonl");
    ASSERT_TRUE(mock.ok()) << read_file(dir / "requests.jsonl.stderr");
    {
        FILE* f = fopen((dir / "client.js").c_str(), "w");
        ASSERT_NE(f, nullptr);
        fputs(k_client, f);
        fclose(f);
    }
    const std::string trace = dir / "trace.jsonl";
    auto r = run("timeout -s INT 60 " + sq(agentsight_bin()) + " record -q -o " + sq(trace) +
                 " -- node " + sq(dir / "client.js") + " " + sq(mock.url()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("status 200"), std::string::npos) << r.out;
    auto events = read_jsonl(trace);

    // The scenario is real: one write record longer than the old 64 KiB probe.
    size_t biggest = 0;
    for (const auto& t : of_type(events, "tls"))
        if (t["direction"] == "write") biggest = std::max(biggest, t.value("len", size_t{0}));
    EXPECT_GT(biggest, 65536u) << "node split the request: the test no longer reproduces";

    auto calls = of_type(events, "llm_call");
    ASSERT_EQ(calls.size(), 1u);
    const json& c = calls[0];
    SCOPED_TRACE(c.dump().substr(0, 600));
    EXPECT_FALSE(c.value("capture_gap", false));
    EXPECT_FALSE(c.value("incomplete", true));
    EXPECT_EQ(c["model"], "qwen3-coder-plus");
    EXPECT_EQ(c["user_prompt"], "large write question");
    EXPECT_GT(c["request_bytes"].get<size_t>(), 100000u);
    EXPECT_EQ(c["status"], 200);
    EXPECT_FALSE(c["response"]["text"].get<std::string>().empty() &&
                 c["response"]["tool_calls"].empty());
}

}  // namespace
}  // namespace agentsight::test::e2e
