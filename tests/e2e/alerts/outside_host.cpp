// SPDX-License-Identifier: Apache-2.0
#include "outside_host.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace agentsight::test::e2e {

namespace {

constexpr const char* k_script = "echo installed-by-agentsight-e2e\n";

// Reads what arrives within a short while: headers and a small body are enough.
std::string read_request(int c) {
    std::string got;
    char buf[8192];
    pollfd p{c, POLLIN, 0};
    while (got.size() < (1 << 20) && poll(&p, 1, 300) > 0) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, size_t(n));
    }
    return got;
}

}  // namespace

outside_host::outside_host() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
    socklen_t len = sizeof a;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd_, 16) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        return;
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
}

outside_host::~outside_host() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
}

std::string outside_host::url(const std::string& path) const {
    return "http://127.0.0.2:" + std::to_string(port_) + path;
}

void outside_host::serve() {
    while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 200) <= 0) continue;
        int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        ++requests_;
        const std::string req = read_request(c);
        const std::string body = req.rfind("GET /i.sh", 0) == 0 ? k_script : "ok\n";
        const std::string resp =
            "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\nConnection: close\r\n\r\n" + body;
        (void)!write(c, resp.data(), resp.size());
        close(c);
    }
}

}  // namespace agentsight::test::e2e
