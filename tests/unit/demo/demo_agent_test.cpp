// SPDX-License-Identifier: Apache-2.0
// The demo agent against the mock: the full two-turn tool loop.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "demo/demo_agent.h"
#include "mock_test_util.h"

namespace agentsight::demo::test {
namespace {

std::string read_file(const char* path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(demo_agent, runs_the_tool_and_sends_its_output_back) {
    mock_llm_options o;
    o.script = demo_script();
    mock_llm_server server(o);
    server.start();

    testing::internal::CaptureStdout();
    int rc = run_demo_agent({server.base_url(), "sk-ant-demo", "What OS?", "claude-demo"});
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(out, demo_script()[1].text + "\n");

    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    for (const auto& r : requests) {
        EXPECT_EQ(r.path, "/v1/messages");
        EXPECT_EQ(find_header(r.headers, "x-api-key"), "sk-ant-demo");
    }
    json first = json::parse(requests[0].body);
    EXPECT_EQ(first["model"], "claude-demo");
    EXPECT_EQ(first["stream"], true);
    EXPECT_EQ(first["tools"][0]["name"], "bash");
    EXPECT_TRUE(first["system"].is_string());
    EXPECT_EQ(first["messages"][0]["content"], "What OS?");

    json second = json::parse(requests[1].body);
    const json& messages = second["messages"];
    ASSERT_EQ(messages.size(), 3u);
    const json& call = messages[1]["content"].back();
    EXPECT_EQ(call["type"], "tool_use");
    EXPECT_EQ(call["input"]["command"], "cat /etc/os-release");
    const json& result = messages[2]["content"][0];
    EXPECT_EQ(result["type"], "tool_result");
    EXPECT_EQ(result["tool_use_id"], call["id"]);
    EXPECT_EQ(result["content"], read_file("/etc/os-release"));
    EXPECT_EQ(result["is_error"], false);
}

TEST(demo_agent, reuses_one_connection_for_both_requests) {
    mock_llm_options o;
    o.script = demo_script();
    mock_llm_server server(o);
    server.start();
    testing::internal::CaptureStdout();
    run_demo_agent({server.base_url(), "k"});
    testing::internal::GetCapturedStdout();
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    for (const auto& r : requests) EXPECT_EQ(find_header(r.headers, "connection"), "keep-alive");
}

TEST(demo_agent, fails_clearly_when_nothing_listens) {
    uint16_t port;
    {
        mock_llm_server gone(mock_llm_options{});
        gone.start();
        port = gone.port();
    }
    testing::internal::CaptureStderr();
    int rc = run_demo_agent({"https://127.0.0.1:" + std::to_string(port), "k"});
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(rc, 1);
    EXPECT_NE(err.find("connect"), std::string::npos) << err;
    EXPECT_EQ(run_demo_agent({"http://127.0.0.1:1", "k"}), 1);
}

TEST(demo_agent, reports_an_error_status) {
    mock_llm_server server(mock_llm_options{});
    server.start();
    testing::internal::CaptureStderr();
    int rc = run_demo_agent({server.base_url() + "/nowhere", "k"});
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(rc, 1);
    EXPECT_NE(err.find("404"), std::string::npos) << err;
}

}  // namespace
}  // namespace agentsight::demo::test
