// SPDX-License-Identifier: Apache-2.0
#include "ui/ui_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <future>

#include "test_events.h"
#include "ui/trace_loader.h"

namespace agentsight::server {
namespace {

using namespace testing;

// Exactly these bytes on the wire: no client-side path normalization.
std::string raw_request(uint16_t port, const std::string& request) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(fd);
        return {};
    }
    send(fd, request.data(), request.size(), 0);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, size_t(n));
    close(fd);
    return out;
}

int raw_status(uint16_t port, const std::string& target, const std::string& extra_headers = "") {
    std::string resp =
        raw_request(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\n" + extra_headers + "Connection: close\r\n\r\n");
    return resp.size() > 12 ? std::stoi(resp.substr(9, 3)) : -1;
}

class ui_server_test : public ::testing::Test {
  protected:
    void SetUp() override {
        store = std::make_shared<event_store>();
        std::ifstream in(AGENTSIGHT_TEST_DATA "/ui/claude_session.jsonl");
        ASSERT_TRUE(load_jsonl(*store, in));
        ui_options o;
        o.port = 0;
        o.heartbeat = std::chrono::milliseconds(100);
        server = std::make_unique<ui_server>(o, store);
        ASSERT_TRUE(server->start());
        client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
        client->set_read_timeout(5, 0);
    }

    httplib::Headers auth() const { return {{"Authorization", "Bearer " + server->token()}}; }
    std::string tok() const { return "token=" + server->token(); }

    std::shared_ptr<event_store> store;
    std::unique_ptr<ui_server> server;
    std::unique_ptr<httplib::Client> client;
};

TEST_F(ui_server_test, url_carries_port_and_token) {
    EXPECT_EQ(server->url(),
              "http://127.0.0.1:" + std::to_string(server->port()) + "/?token=" + server->token());
    EXPECT_EQ(server->token().size(), 32u);
}

TEST_F(ui_server_test, every_path_needs_the_token) {
    for (const char* path :
         {"/", "/index.html", "/app.js", "/api/events", "/api/stats", "/api/stream", "/nope"}) {
        auto r = client->Get(path);
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, 401) << path;
    }
    auto wrong = client->Get("/api/stats?token=" + std::string(32, '0'));
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401);
    auto ok = client->Get("/api/stats", auth());
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
    auto by_query = client->Get("/api/stats?" + tok());
    ASSERT_TRUE(by_query);
    EXPECT_EQ(by_query->status, 200);
}

TEST_F(ui_server_test, page_load_with_token_sets_cookie_and_cleans_url) {
    auto r = client->Get("/?" + tok());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 303);
    EXPECT_EQ(r->get_header_value("Location"), "/");
    const std::string cookie = r->get_header_value("Set-Cookie");
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    const std::string pair = cookie.substr(0, cookie.find(';'));
    auto page = client->Get("/", {{"Cookie", pair}});
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
    EXPECT_NE(page->body.find("<html"), std::string::npos);
}

TEST_F(ui_server_test, foreign_host_is_refused_before_the_token) {
    for (const char* host :
         {"attacker.example", "attacker.example:80", "localhost", "127.0.0.1:1"}) {
        httplib::Headers h = auth();
        h.emplace("Host", host);
        auto r = client->Get("/api/stats", h);
        ASSERT_TRUE(r) << host;
        EXPECT_EQ(r->status, 403) << host;
        EXPECT_FALSE(r->has_header("Set-Cookie"));
    }
    // no token and a foreign host: still 403, the Host check comes first
    auto r =
        client->Get("/?token=nope", {{"Host", "rebind.example:" + std::to_string(server->port())}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403);
    httplib::Headers h = auth();
    h.emplace("Host", "localhost:" + std::to_string(server->port()));
    auto ok = client->Get("/api/stats", h);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
}

TEST_F(ui_server_test, traversal_never_reaches_the_filesystem) {
    const std::string bearer = "Authorization: Bearer " + server->token() + "\r\n";
    for (const char* target :
         {"/../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd",
          "/%2E%2E/%2E%2E/etc/passwd", "/static/../../../etc/passwd", "//etc/passwd",
          "/index.html/../../etc/passwd", "/..\\..\\etc\\passwd", "/etc/passwd",
          "/%252e%252e/etc/passwd", "/web/index.html"}) {
        EXPECT_EQ(raw_status(server->port(), target, bearer), 404) << target;
    }
    EXPECT_EQ(raw_status(server->port(), "/../../etc/passwd"), 401);
    EXPECT_EQ(raw_status(server->port(), "/app.js", bearer), 200);
}

TEST_F(ui_server_test, no_cors_headers_even_when_asked) {
    httplib::Headers h = auth();
    h.emplace("Origin", "http://attacker.example");
    for (const char* path : {"/api/stats", "/api/events", "/", "/nope"}) {
        auto r = client->Get(path, h);
        ASSERT_TRUE(r);
        EXPECT_FALSE(r->has_header("Access-Control-Allow-Origin")) << path;
        EXPECT_FALSE(r->has_header("Access-Control-Allow-Credentials")) << path;
    }
    auto pre = client->Options("/api/stats", h);
    ASSERT_TRUE(pre);
    EXPECT_FALSE(pre->has_header("Access-Control-Allow-Origin"));
    auto r = client->Get("/api/stats", h);
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_NE(r->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"),
              std::string::npos);
}

TEST_F(ui_server_test, events_api_pages_and_filters) {
    auto r = client->Get("/api/events?limit=3&offset=1&" + tok());
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    json j = json::parse(r->body);
    EXPECT_EQ(j["total"], 15);
    ASSERT_EQ(j["items"].size(), 3u);
    EXPECT_EQ(j["items"][0]["type"], "exec");

    j = json::parse(client->Get("/api/events?type=exec,exit&pid=4202&" + tok())->body);
    EXPECT_EQ(j["total"], 2);
    j = json::parse(client->Get("/api/events?q=HOSTNAME&type=file_open&" + tok())->body);
    EXPECT_EQ(j["total"], 1);
    EXPECT_EQ(j["items"][0]["path"], "/etc/hostname");
    j = json::parse(
        client->Get("/api/events?since=1767225601300000000&until=1767225601310000000&" + tok())
            ->body);
    EXPECT_EQ(j["total"], 7);  // fork, tool_exec, exec, fork, exec, file_open, exit

    auto bad = client->Get("/api/events?limit=ten&" + tok());
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    auto one = client->Get("/api/events/4?" + tok());
    ASSERT_TRUE(one);
    EXPECT_EQ(json::parse(one->body)["type"], "llm_call");
    EXPECT_EQ(client->Get("/api/events/999?" + tok())->status, 404);
}

TEST_F(ui_server_test, views_api) {
    json s = json::parse(client->Get("/api/sessions?" + tok())->body);
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0]["start_ns"], "1767225600000000000");
    EXPECT_EQ(s[0]["start"]["agent"], "claude");

    json l = json::parse(client->Get("/api/llm_calls?" + tok())->body);
    ASSERT_EQ(l["items"].size(), 2u);
    EXPECT_EQ(l["items"][0]["links"][0]["call_id"], "toolu_1");
    EXPECT_EQ(l["items"][0]["links"][0]["processes"][1]["argv"][1], "/etc/hostname");

    json t = json::parse(client->Get("/api/process_tree?" + tok())->body);
    ASSERT_EQ(t["nodes"].size(), 3u);
    EXPECT_EQ(t["nodes"][2]["parent"], 1);
    EXPECT_EQ(t["nodes"][2]["tool_call_id"], "toolu_1");

    json tl = json::parse(client->Get("/api/timeline?" + tok())->body);
    EXPECT_EQ(tl["llm"].size(), 2u);
    EXPECT_EQ(tl["tools"].size(), 1u);
    EXPECT_EQ(tl["procs"].size(), 3u);
    EXPECT_EQ(tl["points"].size(), 2u);  // connect + file_open
    json delta = json::parse(client->Get("/api/timeline?after=15&" + tok())->body);
    EXPECT_TRUE(delta["llm"].empty());
    EXPECT_TRUE(delta["points"].empty());

    json st = json::parse(client->Get("/api/stats?" + tok())->body);
    EXPECT_EQ(st["events"], 15);
    EXPECT_EQ(st["tokens"]["output"], 76);
}

TEST_F(ui_server_test, stream_pushes_a_newly_added_event) {
    std::promise<void> hello;
    std::promise<std::string> got;
    bool hello_set = false, got_set = false;
    std::string buf;
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(10, 0);
    std::thread reader([&] {
        c.Get("/api/stream", auth(), [&](const char* data, size_t n) {
            buf.append(data, n);
            if (!hello_set && buf.find("event: hello") != std::string::npos) {
                hello_set = true;
                hello.set_value();
            }
            if (!got_set && buf.find("/tmp/new-file") != std::string::npos) {
                got_set = true;
                got.set_value(buf);
                return false;
            }
            return true;
        });
        if (!hello_set) hello.set_value();
        if (!got_set) got.set_value(buf);
    });
    ASSERT_EQ(hello.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
    store->add(open_of(1767225700000000000ull, 4202, "/tmp/new-file"));
    auto f = got.get_future();
    ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    reader.join();
    const std::string text = f.get();
    EXPECT_NE(text.find("event: events\n"), std::string::npos);
    EXPECT_NE(text.find("id: 16\n"), std::string::npos);
    EXPECT_NE(text.find("\"_seq\":16"), std::string::npos);
    EXPECT_EQ(text.find("/etc/hostname"), std::string::npos) << "old events must not replay";
}

TEST_F(ui_server_test, stream_resumes_after_last_event_id_and_sends_heartbeats) {
    std::string buf;
    httplib::Headers h = auth();
    h.emplace("Last-Event-ID", "14");
    client->Get("/api/stream", h, [&](const char* data, size_t n) {
        buf.append(data, n);
        return buf.find(": heartbeat") == std::string::npos;
    });
    EXPECT_NE(buf.find("\"_seq\":15"), std::string::npos);
    EXPECT_EQ(buf.find("\"_seq\":14"), std::string::npos);
    EXPECT_NE(buf.find(": heartbeat"), std::string::npos);
}

TEST_F(ui_server_test, stop_ends_open_streams_promptly) {
    std::thread reader([&] {
        httplib::Client c("127.0.0.1", server->port());
        c.set_read_timeout(30, 0);
        c.Get("/api/stream", auth(), [](const char*, size_t) { return true; });
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto t0 = std::chrono::steady_clock::now();
    server->stop();
    reader.join();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
    server->stop();  // idempotent
}

TEST(ui_server, refuses_a_weak_token_and_a_taken_port) {
    auto store = std::make_shared<event_store>();
    ui_options weak;
    weak.port = 0;
    weak.token = "abc";
    EXPECT_FALSE(ui_server(weak, store).start());

    ui_options o;
    o.port = 0;
    ui_server first(o, store);
    ASSERT_TRUE(first.start());
    ui_options same;
    same.port = first.port();
    ui_server second(same, store);
    auto st = second.start();
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find("--port 0"), std::string::npos);
}

}  // namespace
}  // namespace agentsight::server
