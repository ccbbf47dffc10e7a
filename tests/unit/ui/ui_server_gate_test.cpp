// SPDX-License-Identifier: Apache-2.0
// The gate in front of the UI server: idle and trickling clients cost a
// descriptor, never a worker, and never keep a real request waiting.
#include "ui/ui_server_gate.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "ui/trace_loader.h"
#include "ui/ui_server.h"
#include "ui/ui_server_http.h"

namespace agentsight::server {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

const std::string k_reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

int listener(uint16_t& port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        return -1;
    port = ntohs(a.sin_port);
    return fd;
}

int connect_to(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

// Reads until `want` bytes arrived, the peer closed, or `limit` passed.
std::string read_some(int fd, size_t want, std::chrono::milliseconds limit) {
    std::string out;
    const auto end = clock_type::now() + limit;
    while (out.size() < want) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - clock_type::now());
        pollfd p{fd, POLLIN, 0};
        if (left.count() <= 0 || poll(&p, 1, int(left.count())) <= 0) break;
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        out.append(buf, size_t(n));
    }
    return out;
}

// True when the server closed `fd` within `limit`.
bool closed_within(int fd, std::chrono::milliseconds limit) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, int(limit.count())) <= 0) return false;
    char c;
    return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

void send_all(int fd, const std::string& s) {
    ASSERT_EQ(send(fd, s.data(), s.size(), MSG_NOSIGNAL), ssize_t(s.size()));
}

// A gate whose workers answer every request with k_reply and count them.
struct echo_gate {
    explicit echo_gate(gate_limits limits) {
        int fd = listener(port);
        gate = std::make_unique<connection_gate>(fd, limits, [this](gate_connection& c) {
            headers.push_back(c.received.substr(0, c.header_size));
            served++;
            return send(c.fd, k_reply.data(), k_reply.size(), MSG_NOSIGNAL) > 0;
        });
        EXPECT_TRUE(gate->start());
    }
    uint16_t port = 0;
    std::atomic<int> served{0};
    std::vector<std::string> headers;  // written by the one worker
    std::unique_ptr<connection_gate> gate;
};

gate_limits one_worker() {
    gate_limits l;
    l.workers = 1;
    l.max_connections = 64;
    return l;
}

TEST(request_header_end, finds_the_blank_line) {
    EXPECT_EQ(request_header_end("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 27u);
    EXPECT_EQ(request_header_end("GET / HTTP/1.1\r\nHost: x\r\n"), 0u);
    EXPECT_EQ(request_header_end("GET / HTTP/1.1\r\n\r\nGET /b"), 18u);
    // Searching on from where the last read ended still sees a terminator split across reads.
    std::string s = "GET / HTTP/1.1\r\n\r";
    size_t searched = s.size();
    s += "\nrest";
    EXPECT_EQ(request_header_end(s, searched), 18u);
}

TEST(declares_body, content_length_or_transfer_encoding) {
    EXPECT_TRUE(declares_body("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n"));
    EXPECT_TRUE(declares_body("POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n"));
    EXPECT_FALSE(declares_body("GET /?content-length: HTTP/1.1\r\nHost: x\r\n\r\n"));
}

TEST(connection_gate, silent_connection_is_closed_at_the_header_deadline) {
    gate_limits l = one_worker();
    l.header_timeout = 300ms;
    echo_gate g(l);
    int fd = connect_to(g.port);
    ASSERT_GE(fd, 0);
    auto t0 = clock_type::now();
    EXPECT_TRUE(closed_within(fd, 2000ms));
    EXPECT_GE(clock_type::now() - t0, 250ms);
    EXPECT_EQ(g.served, 0);
    close(fd);
}

TEST(connection_gate, trickled_header_gets_no_more_time_than_a_silent_one) {
    gate_limits l = one_worker();
    l.header_timeout = 400ms;
    echo_gate g(l);
    int fd = connect_to(g.port);
    ASSERT_GE(fd, 0);
    auto t0 = clock_type::now();
    bool closed = false;
    for (char c : std::string("GET / HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")) {
        if (send(fd, &c, 1, MSG_NOSIGNAL) != 1) break;
        if ((closed = closed_within(fd, 50ms))) break;
    }
    EXPECT_TRUE(closed || closed_within(fd, 1000ms));
    EXPECT_LT(clock_type::now() - t0, 1500ms);
    EXPECT_EQ(g.served, 0);
    close(fd);
}

TEST(connection_gate, idle_and_trickling_clients_do_not_delay_a_real_request) {
    gate_limits l = one_worker();
    l.max_connections = 1024;
    echo_gate g(l);
    std::vector<int> idle;
    for (int i = 0; i < 300; ++i) {
        int fd = connect_to(g.port);
        ASSERT_GE(fd, 0);
        if (i % 3 == 0) send_all(fd, "GET / HTTP/1.1\r\nHost: a");  // never finished
        idle.push_back(fd);
    }
    int fd = connect_to(g.port);
    ASSERT_GE(fd, 0);
    auto t0 = clock_type::now();
    send_all(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(read_some(fd, k_reply.size(), 1000ms), k_reply);
    EXPECT_LT(clock_type::now() - t0, 200ms);
    close(fd);
    for (int i : idle) close(i);
}

TEST(connection_gate, at_the_cap_the_oldest_waiting_connection_makes_room) {
    gate_limits l = one_worker();
    l.max_connections = 8;
    l.header_timeout = 10s;
    echo_gate g(l);
    std::vector<int> idle;
    for (int i = 0; i < 8; ++i) {
        idle.push_back(connect_to(g.port));
        std::this_thread::sleep_for(5ms);  // a clear age order
    }
    int fd = connect_to(g.port);
    ASSERT_GE(fd, 0);
    send_all(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(read_some(fd, k_reply.size(), 1000ms), k_reply);
    EXPECT_TRUE(closed_within(idle[0], 1000ms)) << "the oldest idle connection was closed";
    EXPECT_FALSE(closed_within(idle[7], 100ms)) << "the newest idle one still waits";
    close(fd);
    for (int i : idle) close(i);
}

TEST(connection_gate, keep_alive_and_pipelined_requests_are_all_answered) {
    echo_gate g(one_worker());
    int fd = connect_to(g.port);
    ASSERT_GE(fd, 0);
    send_all(fd, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(read_some(fd, 2 * k_reply.size(), 1000ms), k_reply + k_reply);
    send_all(fd, "GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(read_some(fd, k_reply.size(), 1000ms), k_reply);
    ASSERT_EQ(g.served, 3);
    EXPECT_EQ(g.headers[1].rfind("GET /b ", 0), 0u);
    close(fd);
}

TEST(connection_gate, oversized_header_is_refused) {
    gate_limits l = one_worker();
    l.max_header_bytes = 1024;
    echo_gate g(l);
    int fd = connect_to(g.port);
    ASSERT_GE(fd, 0);
    send_all(fd, "GET / HTTP/1.1\r\nX: " + std::string(2000, 'a'));
    EXPECT_TRUE(closed_within(fd, 1000ms));
    EXPECT_EQ(g.served, 0);
    close(fd);
}

TEST(connection_gate, stop_shuts_down_a_connection_being_served) {
    gate_limits l = one_worker();
    int fd_seen = -1;
    uint16_t port = 0;
    std::atomic<bool> entered{false};
    connection_gate gate(listener(port), l, [&](gate_connection& c) {
        fd_seen = c.fd;
        entered = true;
        pollfd p{c.fd, POLLIN, 0};
        poll(&p, 1, 10000);  // waits until stop() shuts the socket down
        return false;
    });
    ASSERT_TRUE(gate.start());
    int fd = connect_to(port);
    send_all(fd, "GET / HTTP/1.1\r\n\r\n");
    while (!entered) std::this_thread::sleep_for(1ms);
    auto t0 = clock_type::now();
    gate.stop();
    EXPECT_LT(clock_type::now() - t0, 1s);
    EXPECT_GE(fd_seen, 0);
    close(fd);
}

// The whole server: 300 idle connections and 100 slow header senders do not
// stop the page and an API call from loading.
TEST(ui_server_slowloris, authenticated_requests_load_while_idle_connections_wait) {
    auto store = std::make_shared<event_store>();
    std::ifstream in(AGENTSIGHT_TEST_DATA "/ui/claude_session.jsonl");
    ASSERT_TRUE(load_jsonl(*store, in));
    ui_options o;
    o.port = 0;
    ui_server server(o, store);
    ASSERT_TRUE(server.start());
    std::vector<int> idle;
    for (int i = 0; i < 400; ++i) {
        int fd = connect_to(server.port());
        ASSERT_GE(fd, 0);
        if (i % 4 == 0) send_all(fd, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: b");
        idle.push_back(fd);
    }
    httplib::Client c("127.0.0.1", server.port());
    c.set_connection_timeout(1, 0);
    c.set_read_timeout(1, 0);
    httplib::Headers auth{{"Authorization", "Bearer " + server.token()}};
    for (const char* path : {"/", "/api/sessions", "/api/stats"}) {
        auto t0 = clock_type::now();
        auto r = c.Get(path, auth);
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, 200) << path;
        EXPECT_LT(clock_type::now() - t0, 1s) << path;
    }
    for (int fd : idle) close(fd);
}

}  // namespace
}  // namespace agentsight::server
