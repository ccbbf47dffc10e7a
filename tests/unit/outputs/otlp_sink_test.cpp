// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "outputs/otlp/otlp_sink.h"
#include "tests/support/synthetic_session.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_http_server.h"

namespace agentsight {
namespace {

using namespace std::chrono_literals;
using test::recorded_request;
using test::test_http_server;

otlp_options options_for(const std::string& url) {
    otlp_options o;
    o.endpoint = url;
    o.agentsight_version = "0.1.0";
    o.batch_interval = 50ms;
    o.initial_backoff = 20ms;
    o.max_backoff = 100ms;
    o.request_timeout = 1000ms;
    o.close_timeout = 2000ms;
    o.log = [](const std::string&) {};
    return o;
}

void run_session(otlp_sink& sink) {
    for (const auto& e : test::synthetic_session()) sink.write(e);
    sink.flush();
    sink.close();
}

// name -> span JSON, over every /v1/traces request body.
std::multimap<std::string, json> spans_by_name(const std::vector<json>& requests) {
    std::multimap<std::string, json> out;
    for (const auto& r : requests)
        for (const auto& rs : r["resourceSpans"])
            for (const auto& ss : rs["scopeSpans"])
                for (const auto& s : ss["spans"]) out.emplace(s["name"].get<std::string>(), s);
    return out;
}

std::vector<json> bodies(const std::vector<recorded_request>& reqs, const std::string& path) {
    std::vector<json> out;
    for (const auto& r : reqs)
        if (r.path == path) out.push_back(json::parse(r.body));
    return out;
}

json attr(const json& span, const std::string& key) {
    for (const auto& kv : span["attributes"])
        if (kv["key"] == key) return kv["value"];
    return nullptr;
}

TEST(otlp_sink, posts_the_session_as_otlp_json_traces_and_metrics) {
    test_http_server server;
    auto sink = otlp_sink::create(options_for(server.url()));
    ASSERT_TRUE(sink.ok()) << sink.message();
    run_session(**sink);
    auto reqs = server.requests();
    ASSERT_FALSE(reqs.empty());
    for (const auto& r : reqs) {
        EXPECT_EQ(r.method, "POST");
        EXPECT_EQ(r.content_type, "application/json");
    }
    auto spans = spans_by_name(bodies(reqs, "/v1/traces"));
    ASSERT_EQ(spans.size(), 6u);
    EXPECT_EQ(spans.count("chat claude-sonnet-4-5"), 2u);
    const json& root = spans.find("invoke_agent claude")->second;
    const json& tool = spans.find("execute_tool Bash")->second;
    const json& bash = spans.find("process bash")->second;
    const json& cat = spans.find("process cat")->second;
    EXPECT_FALSE(root.contains("parentSpanId"));
    EXPECT_EQ(tool["parentSpanId"], root["spanId"]);
    EXPECT_EQ(bash["parentSpanId"], tool["spanId"]);
    EXPECT_EQ(cat["parentSpanId"], bash["spanId"]);
    EXPECT_EQ(tool["links"][0]["spanId"], spans.find("chat claude-sonnet-4-5")->second["spanId"]);
    EXPECT_EQ(attr(tool, "gen_ai.tool.call.id")["stringValue"], "toolu_01");
    EXPECT_EQ(attr(cat, "process.exit.code")["intValue"], "0");
    for (const auto& [name, s] : spans) EXPECT_EQ(s["traceId"], root["traceId"]) << name;

    auto metrics = bodies(reqs, "/v1/metrics");
    ASSERT_FALSE(metrics.empty());
    const json& m = metrics.back()["resourceMetrics"][0]["scopeMetrics"][0]["metrics"];
    EXPECT_EQ(m[0]["name"], "gen_ai.client.token.usage");
    EXPECT_EQ(m[1]["name"], "gen_ai.client.operation.duration");

    auto st = (*sink)->stats();
    EXPECT_EQ(st.spans_built, 6u);
    EXPECT_EQ(st.spans_sent, 6u);
    EXPECT_EQ(st.spans_dropped, 0u);
    EXPECT_EQ(st.requests_failed, 0u);
    EXPECT_GE(st.metric_exports, 1u);
}

TEST(otlp_sink, retries_429_and_5xx_with_backoff) {
    test_http_server server({503, 429, 502});
    auto o = options_for(server.url());
    o.export_metrics = false;
    auto sink = otlp_sink::create(o);
    ASSERT_TRUE(sink.ok());
    run_session(**sink);
    auto st = (*sink)->stats();
    EXPECT_EQ(st.spans_sent, 6u);
    EXPECT_GE(st.retries, 3u);
    EXPECT_EQ(st.requests_failed, 0u);
    EXPECT_GE(server.requests().size(), 4u);
}

TEST(otlp_sink, does_not_retry_a_rejected_request) {
    test_http_server server({400, 400, 400, 400});
    auto o = options_for(server.url());
    o.export_metrics = false;
    std::vector<std::string> logs;
    std::mutex mu;
    o.log = [&](const std::string& m) {
        std::lock_guard lock(mu);
        logs.push_back(m);
    };
    auto sink = otlp_sink::create(o);
    ASSERT_TRUE(sink.ok());
    run_session(**sink);
    auto st = (*sink)->stats();
    EXPECT_EQ(st.retries, 0u);
    EXPECT_GE(st.requests_failed, 1u);
    EXPECT_EQ(st.spans_sent + st.spans_dropped, 6u);
    ASSERT_FALSE(logs.empty());
    EXPECT_NE(logs[0].find("/v1/traces: HTTP 400"), std::string::npos) << logs[0];
}

TEST(otlp_sink, an_unreachable_collector_never_slows_write_and_drops_are_counted) {
    auto o = options_for("http://127.0.0.1:" + std::to_string(test::unused_port()));
    o.max_queue_spans = 64;
    o.max_batch_spans = 16;
    o.max_attempts = 3;
    o.initial_backoff = 1000ms;  // a write() that waited on the sender would take this long
    o.max_backoff = 1000ms;
    o.close_timeout = 300ms;
    std::vector<std::string> logs;
    std::mutex mu;
    o.log = [&](const std::string& m) {
        std::lock_guard lock(mu);
        logs.push_back(m);
    };
    auto sink = otlp_sink::create(o);
    ASSERT_TRUE(sink.ok());
    auto call = test::derived(test::first_llm_call());
    auto slowest = std::chrono::steady_clock::duration::zero();
    for (int i = 0; i < 1000; ++i) {
        auto start = std::chrono::steady_clock::now();
        (*sink)->write(call);
        if (i % 100 == 0) (*sink)->flush();
        slowest = std::max(slowest, std::chrono::steady_clock::now() - start);
    }
    EXPECT_LT(slowest, 300ms);
    auto close_start = std::chrono::steady_clock::now();
    (*sink)->close();
    EXPECT_LT(std::chrono::steady_clock::now() - close_start, 2s);
    auto st = (*sink)->stats();
    EXPECT_GE(st.spans_built, 1000u);
    EXPECT_EQ(st.spans_sent, 0u);
    EXPECT_EQ(st.spans_dropped, st.spans_built);
    EXPECT_GE(st.requests_failed, 1u);
    ASSERT_FALSE(logs.empty());
    EXPECT_NE(logs[0].find("Connection refused"), std::string::npos) << logs[0];
}

TEST(otlp_sink, stops_sending_metrics_to_a_traces_only_receiver) {
    test_http_server server({404});  // the first request is the metrics snapshot
    auto o = options_for(server.url());
    std::vector<std::string> logs;
    std::mutex mu;
    o.log = [&](const std::string& m) {
        std::lock_guard lock(mu);
        logs.push_back(m);
    };
    auto sink = otlp_sink::create(o);
    ASSERT_TRUE(sink.ok());
    (*sink)->write(test::derived(test::first_llm_call()));
    (*sink)->flush();
    ASSERT_TRUE(server.wait_for([](const auto& r) { return !r.empty(); }, 2s));
    std::this_thread::sleep_for(100ms);
    (*sink)->write(test::derived(test::second_llm_call()));
    (*sink)->flush();
    (*sink)->close();
    auto reqs = server.requests();
    ASSERT_EQ(reqs[0].path, "/v1/metrics");
    EXPECT_EQ(bodies(reqs, "/v1/metrics").size(), 1u);
    // Two chats, the tool between them, and the implicit session.
    EXPECT_EQ((*sink)->stats().spans_sent, 4u);
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_NE(logs[0].find("/v1/metrics: HTTP 404; not sending metrics"), std::string::npos)
        << logs[0];
}

TEST(otlp_sink, rejects_endpoints_it_cannot_use) {
    EXPECT_EQ(otlp_sink::create({.endpoint = "localhost:4318"}).message(),
              "--otlp localhost:4318: expected http://host:port");
    EXPECT_NE(otlp_sink::create({.endpoint = "https://collector:4318"})
                  .message()
                  .find("https is not supported"),
              std::string::npos);
    auto u = parse_http_url("http://[::1]:4318/api/public/otel/");
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->host, "::1");
    EXPECT_EQ(u->port, 4318);
    EXPECT_EQ(u->path, "/api/public/otel");
    EXPECT_EQ(parse_http_url("http://collector")->port, 80);
    EXPECT_FALSE(parse_http_url("http://collector:99999").ok());
}

TEST(otlp_sink, accepts_a_signal_url_and_sends_custom_headers) {
    test_http_server server;
    auto o = options_for(server.url() + "/v1/traces");
    o.headers = {{"Authorization", "Basic cGs6c2s="}};
    auto sink = otlp_sink::create(o);
    ASSERT_TRUE(sink.ok()) << sink.message();
    run_session(**sink);
    auto reqs = server.requests();
    ASSERT_FALSE(reqs.empty());
    EXPECT_EQ(bodies(reqs, "/v1/traces").size(), 1u);
    for (const auto& r : reqs)
        EXPECT_NE(r.head.find("\r\nAuthorization: Basic cGs6c2s="), std::string::npos) << r.head;
}

// The node receiver decodes our export with the official opentelemetry-proto
// schema; see tests/otlp/receiver.mjs.
class node_receiver {
  public:
    explicit node_receiver(const std::string& out) {
        const std::string script = std::string(AGENTSIGHT_TEST_DATA) + "/../otlp/receiver.mjs";
        int fds[2];
        if (::pipe(fds) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(fds[1], 1);
            ::close(fds[0]);
            ::execlp("node", "node", script.c_str(), "--out", out.c_str(), "--max-seconds", "60",
                     static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(fds[1]);
        std::string line;
        char c;
        pollfd p{fds[0], POLLIN, 0};
        while (::poll(&p, 1, 10000) > 0 && ::read(fds[0], &c, 1) == 1 && c != '\n') line += c;
        ::close(fds[0]);
        if (line.rfind("listening ", 0) == 0) port_ = std::atoi(line.c_str() + 10);
    }
    ~node_receiver() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    int port() const { return port_; }

  private:
    pid_t pid_ = -1;
    int port_ = 0;
};

bool receiver_installed() {
    return std::filesystem::exists(std::string(AGENTSIGHT_TEST_DATA) +
                                   "/../otlp/node_modules/@opentelemetry/otlp-transformer");
}

TEST(otlp_sink, export_decodes_against_the_official_otlp_proto_schema) {
    if (!receiver_installed()) {
        const char* ci = std::getenv("CI");
        if (ci && std::string(ci) == "true")
            FAIL() << "tests/otlp/node_modules missing: run npm ci --prefix tests/otlp";
        GTEST_SKIP() << "run `npm ci --prefix tests/otlp` to enable";
    }
    test::temp_dir dir;
    const auto out = dir.file("received.jsonl");
    node_receiver receiver(out);
    ASSERT_GT(receiver.port(), 0) << "node receiver did not start";
    auto o = options_for("http://127.0.0.1:" + std::to_string(receiver.port()));
    o.capture_content = true;
    auto sink = otlp_sink::create(o);
    ASSERT_TRUE(sink.ok());
    run_session(**sink);
    EXPECT_EQ((*sink)->stats().spans_sent, 6u);
    EXPECT_EQ((*sink)->stats().requests_failed, 0u);

    std::vector<json> traces;
    int metrics = 0;
    std::istringstream lines(test::read_file(out));
    for (std::string line; std::getline(lines, line);) {
        json entry = json::parse(line);
        ASSERT_FALSE(entry.contains("error")) << entry.dump();
        if (entry["path"] == "/v1/traces") traces.push_back(entry["request"]);
        if (entry["path"] == "/v1/metrics") ++metrics;
    }
    EXPECT_GE(metrics, 1);
    auto spans = spans_by_name(traces);
    ASSERT_EQ(spans.size(), 6u);
    const json& chat = spans.find("chat claude-sonnet-4-5")->second;
    EXPECT_EQ(chat["kind"], 3);
    EXPECT_EQ(attr(chat, "gen_ai.provider.name")["stringValue"], "anthropic");
    EXPECT_EQ(attr(chat, "gen_ai.usage.input_tokens")["intValue"], "1200");
    EXPECT_FALSE(attr(chat, "gen_ai.input.messages").is_null());
    const json& tool = spans.find("execute_tool Bash")->second;
    EXPECT_EQ(tool["parentSpanId"], spans.find("invoke_agent claude")->second["spanId"]);
}

}  // namespace
}  // namespace agentsight
