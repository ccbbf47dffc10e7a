// SPDX-License-Identifier: Apache-2.0
// Issue 16, finding 9: the web UI fell to a slowloris. 200 idle connections,
// no token needed, stalled httplib's 16 workers for 60 s. Here `agentsight
// serve` faces 1000 idle connections and slow header senders, and the user's
// authenticated page load and API call must each still finish within 1 s.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

#include "e2e_harness.h"

namespace agentsight::test {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

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

struct reply {
    int status = -1;
    std::chrono::milliseconds took{0};
    size_t bytes = 0;
};

// One authenticated GET on a fresh connection, timed from connect to the
// last byte; gives up after 5 s.
reply authenticated_get(uint16_t port, const std::string& token, const std::string& path) {
    reply r;
    const auto t0 = clock_type::now();
    int fd = connect_to(port);
    if (fd < 0) return r;
    const std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                            "\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n";
    send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    std::string out;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0) break;
        char buf[65536];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        out.append(buf, size_t(n));
    }
    close(fd);
    r.took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
    r.bytes = out.size();
    if (out.rfind("HTTP/1.1 ", 0) == 0 && out.size() > 12) r.status = std::stoi(out.substr(9, 3));
    return r;
}

// `agentsight serve --port 0` on the test session, under a descriptor limit
// (one above the hard limit is refused, and serve runs with what it has).
class served_ui {
  public:
    explicit served_ui(int nofile) {
        const std::string trace = e2e::source_dir() + "/tests/data/ui/claude_session.jsonl";
        proc_ = std::make_unique<e2e::child>(std::vector<std::string>{
            "/bin/sh", "-c",
            "ulimit -n " + std::to_string(nofile) + " 2>/dev/null; exec " + e2e::agentsight_bin() +
                " serve --port 0 " + e2e::sq(trace) + " 2>&1"});
        const std::string line = proc_->wait_line("agentsight UI: ", 15000);
        const size_t port_at = line.find("127.0.0.1:");
        const size_t token_at = line.find("token=");
        if (port_at == std::string::npos || token_at == std::string::npos) return;
        port = uint16_t(std::stoi(line.substr(port_at + 10)));
        token = line.substr(token_at + 6);
        while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    }
    ~served_ui() {
        proc_->signal(SIGTERM);
        proc_->wait(10000);
    }
    uint16_t port = 0;
    std::string token;

  private:
    std::unique_ptr<e2e::child> proc_;
};

// The attacker: `n` connections that never finish a request. A quarter
// send half a header at once, another quarter trickle a byte every 200 ms.
class slowloris {
  public:
    slowloris(uint16_t port, int n) {
        for (int i = 0; i < n; ++i) {
            int fd = connect_to(port);
            if (fd < 0) continue;
            if (i % 4 == 1) {
                const std::string half = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: b";
                send(fd, half.data(), half.size(), MSG_NOSIGNAL);
            }
            (i % 4 == 2 ? trickling_ : fds_).push_back(fd);
        }
        trickler_ = std::thread([this] {
            while (!stop_) {
                for (int fd : trickling_) send(fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
                std::this_thread::sleep_for(200ms);
            }
        });
    }
    ~slowloris() {
        stop_ = true;
        trickler_.join();
        for (int fd : fds_) close(fd);
        for (int fd : trickling_) close(fd);
    }
    size_t opened() const { return fds_.size() + trickling_.size(); }
    // Connections the server has closed (a read sees EOF or a reset).
    size_t closed_by_server() const {
        size_t n = 0;
        for (const auto* list : {&fds_, &trickling_})
            for (int fd : *list) {
                char c;
                ssize_t r = recv(fd, &c, 1, MSG_DONTWAIT);
                n += r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
            }
        return n;
    }

  private:
    std::vector<int> fds_, trickling_;
    std::atomic<bool> stop_{false};
    std::thread trickler_;
};

// The client needs a descriptor per attacking connection.
void raise_own_fd_limit() {
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 8192);
    setrlimit(RLIMIT_NOFILE, &rl);
}

void expect_ui_loads(const served_ui& ui) {
    for (const char* path : {"/", "/api/stats", "/api/sessions"}) {
        reply r = authenticated_get(ui.port, ui.token, path);
        EXPECT_EQ(r.status, 200) << path;
        EXPECT_LT(r.took, 1000ms) << path << " took " << r.took.count() << " ms";
        EXPECT_GT(r.bytes, 100u) << path;
    }
}

TEST(ui_slowloris, a_thousand_idle_connections_do_not_stop_the_ui) {
    raise_own_fd_limit();
    served_ui ui(8192);
    ASSERT_NE(ui.port, 0) << "serve did not print its URL";
    slowloris attack(ui.port, 1000);
    ASSERT_GE(attack.opened(), 990u);
    expect_ui_loads(ui);
    // Still loading once the attack is established, and the idle connections
    // are shed at the 2 s header deadline rather than kept.
    std::this_thread::sleep_for(2500ms);
    expect_ui_loads(ui);
    EXPECT_GE(attack.closed_by_server(), 900u);
}

// Descriptors run out before the attack does: the server sheds the oldest
// waiting connections so the newest client (the user) still gets in.
TEST(ui_slowloris, at_the_descriptor_limit_the_user_still_gets_in) {
    raise_own_fd_limit();
    served_ui ui(1024);
    ASSERT_NE(ui.port, 0) << "serve did not print its URL";
    slowloris attack(ui.port, 1000);
    ASSERT_GE(attack.opened(), 990u);
    expect_ui_loads(ui);
}

// The case from the review: 200 idle connections took the UI down for 60 s.
TEST(ui_slowloris, two_hundred_idle_connections_as_first_reported) {
    served_ui ui(1024);
    ASSERT_NE(ui.port, 0) << "serve did not print its URL";
    std::vector<int> idle;
    for (int i = 0; i < 200; ++i) idle.push_back(connect_to(ui.port));
    expect_ui_loads(ui);
    std::this_thread::sleep_for(1s);
    expect_ui_loads(ui);
    for (int fd : idle) close(fd);
}

}  // namespace
}  // namespace agentsight::test
