// SPDX-License-Identifier: Apache-2.0
// Finding 5 of issue 16, end to end: the real analysis process runs with stdin
// on /dev/null under the seccomp allowlist and Landlock, and what it must still
// do under them (--otlp to a collector, --ui to a browser, SQLite beside the
// trace) works. The attacks themselves, made from inside the sandbox, are in
// tests/security/sandbox_attack_test.cpp.
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "harness.h"

namespace agentsight::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
}

int loopback_listener(uint16_t& port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd, 16);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    return fd;
}

// An OTLP collector that answers 200 to every request and keeps their first lines.
class collector {
  public:
    collector() : fd_(loopback_listener(port_)) {
        thread_ = std::thread([this] {
            while (!stop_) {
                int c = accept(fd_, nullptr, nullptr);
                if (c < 0) break;
                timeval tv{2, 0};
                setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
                std::string req;
                char buf[4096];
                for (ssize_t n; (n = recv(c, buf, sizeof buf, 0)) > 0;) {
                    req.append(buf, size_t(n));
                    auto end = req.find("\r\n\r\n");
                    auto cl = req.find("Content-Length: ");
                    if (end != std::string::npos && cl != std::string::npos &&
                        req.size() >= end + 4 + std::stoul(req.substr(cl + 16)))
                        break;
                }
                const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
                send(c, ok, sizeof ok - 1, MSG_NOSIGNAL);
                close(c);
                std::lock_guard lock(mu_);
                requests_.push_back(req.substr(0, req.find("\r\n")));
            }
        });
    }
    ~collector() {
        stop_ = true;
        shutdown(fd_, SHUT_RDWR);
        thread_.join();
        close(fd_);
    }
    uint16_t port() const { return port_; }
    std::vector<std::string> requests() {
        std::lock_guard lock(mu_);
        return requests_;
    }

  private:
    uint16_t port_ = 0;
    int fd_;
    std::atomic<bool> stop_{false};
    std::mutex mu_;
    std::vector<std::string> requests_;
    std::thread thread_;
};

// The status line of GET `target` on 127.0.0.1:port.
std::string http_status(uint16_t port, const std::string& target) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return "connect failed";
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                      "\r\nConnection: close\r\n\r\n";
    send(s, req.data(), req.size(), MSG_NOSIGNAL);
    char buf[256] = {};
    ssize_t n = recv(s, buf, sizeof buf - 1, 0);
    close(s);
    std::string r(buf, n > 0 ? size_t(n) : 0);
    return r.substr(0, r.find("\r\n"));
}

pid_t analysis_child_of(pid_t recorder) {
    for (int i = 0; i < 100; ++i) {
        std::ifstream in("/proc/" + std::to_string(recorder) + "/task/" + std::to_string(recorder) +
                         "/children");
        for (pid_t c; in >> c;)
            if (slurp("/proc/" + std::to_string(c) + "/comm") == "agentsight-ana\n") return c;
        std::this_thread::sleep_for(50ms);
    }
    return 0;
}

TEST(sandbox_e2e, otlp_ui_and_sqlite_work_inside_the_sandbox) {
    REQUIRE_ROOT();
    char tmpl[] = "/tmp/agentsight-sandbox-e2e-XXXXXX";
    fs::path dir = mkdtemp(tmpl);
    collector otlp;
    const fs::path err = dir / "err";
    pid_t rec = fork();
    if (rec == 0) {
        freopen(err.c_str(), "w", stderr);
        std::string endpoint = "http://127.0.0.1:" + std::to_string(otlp.port());
        execl(AGENTSIGHT_BIN, AGENTSIGHT_BIN, "record", "-o", (dir / "t.db").c_str(), "--otlp",
              endpoint.c_str(), "--ui", "--port", "0", "--", "sleep", "3", nullptr);
        _exit(127);
    }
    pid_t ana = analysis_child_of(rec);
    ASSERT_NE(ana, 0) << slurp(err);
    std::string url;
    for (int i = 0; i < 100 && url.empty(); ++i, std::this_thread::sleep_for(50ms))
        if (auto text = slurp(err); text.find("agentsight UI: ") != std::string::npos)
            url = text.substr(text.find("http://"),
                              text.find('\n', text.find("http://")) - text.find("http://"));
    ASSERT_FALSE(url.empty()) << slurp(err);
    // stdin is /dev/null, not the user's terminal.
    EXPECT_EQ(fs::read_symlink("/proc/" + std::to_string(ana) + "/fd/0"), "/dev/null");
    EXPECT_NE(slurp("/proc/" + std::to_string(ana) + "/status").find("Seccomp:\t2"),
              std::string::npos);
    // The UI answers through Landlock's bind rule and the filter's accept.
    auto port = uint16_t(std::stoi(url.substr(url.rfind(':') + 1)));
    std::string token = url.substr(url.find("token=") + 6);
    EXPECT_EQ(http_status(port, "/api/events?token=" + token).substr(0, 12), "HTTP/1.1 200");
    int st = 0;
    waitpid(rec, &st, 0);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << slurp(err);
    EXPECT_EQ(slurp(err).find("killed by signal"), std::string::npos) << slurp(err);
    // The session went out through Landlock's connect rule.
    bool posted = false;
    for (const auto& r : otlp.requests()) posted |= r.rfind("POST /v1/traces", 0) == 0;
    EXPECT_TRUE(posted) << "no OTLP traces request; stderr: " << slurp(err);
    // SQLite finished the trace beside which it was confined.
    auto trace = run_agentsight("export " + (dir / "t.db").string() + " --format jsonl -o -");
    EXPECT_EQ(trace.exit_code, 0) << trace.stderr_text;
    EXPECT_EQ(of_type(trace.events, "session_end").size(), 1u);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace agentsight::test
