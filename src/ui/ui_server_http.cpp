// SPDX-License-Identifier: Apache-2.0
#include "ui/ui_server_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace agentsight::server {
namespace {

// One request's stream: reads come from the header the gate received (and
// end there), writes go to the socket with a deadline per blocked write.
class gate_stream final : public httplib::Stream {
  public:
    gate_stream(int fd, std::string_view header, std::chrono::milliseconds write_timeout)
        : fd_(fd), header_(header), write_timeout_ms_(int(write_timeout.count())) {}

    bool is_readable() const override { return read_ < header_.size(); }

    // False once the client has gone (RDHUP, HUP): a live stream to a closed
    // tab ends at its next write instead of at the heartbeat after.
    bool is_writable() const override {
        pollfd p{fd_, POLLOUT | POLLRDHUP, 0};
        int n;
        while ((n = ::poll(&p, 1, write_timeout_ms_)) < 0 && errno == EINTR) {
        }
        return n > 0 && (p.revents & POLLOUT) && !(p.revents & (POLLERR | POLLHUP | POLLRDHUP));
    }

    ssize_t read(char* ptr, size_t size) override {
        const size_t n = std::min(size, header_.size() - read_);
        std::memcpy(ptr, header_.data() + read_, n);
        read_ += n;
        return ssize_t(n);
    }

    ssize_t write(const char* ptr, size_t size) override {
        for (;;) {
            ssize_t n = ::send(fd_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n >= 0) return n;
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
            pollfd p{fd_, POLLOUT, 0};
            int r = ::poll(&p, 1, write_timeout_ms_);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0 || (p.revents & (POLLERR | POLLHUP))) return -1;
        }
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        address(::getpeername, ip, port);
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        address(::getsockname, ip, port);
    }
    socket_t socket() const override { return fd_; }

  private:
    template <typename F>
    void address(F get, std::string& ip, int& port) const {
        sockaddr_storage a{};
        socklen_t len = sizeof a;
        ip.clear();
        port = 0;
        if (get(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) return;
        char buf[INET6_ADDRSTRLEN] = "";
        if (a.ss_family == AF_INET) {
            const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a);
            inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
            port = ntohs(v4->sin_port);
        } else if (a.ss_family == AF_INET6) {
            const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a);
            inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
            port = ntohs(v6->sin6_port);
        }
        ip = buf;
    }

    int fd_;
    std::string_view header_;
    size_t read_ = 0;
    int write_timeout_ms_;
};

}  // namespace

bool declares_body(std::string_view header) {
    std::string lower(header);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return lower.find("\ncontent-length:") != std::string::npos ||
           lower.find("\ntransfer-encoding:") != std::string::npos;
}

bool gated_http_server::answer(gate_connection& c) {
    const std::string_view header(c.received.data(), c.header_size);
    gate_stream stream(c.fd, header, write_timeout);
    const bool last = c.requests_served + 1 >= max_requests_per_connection || declares_body(header);
    bool client_closes = false;
    const bool ok = process_request(stream, last, client_closes, {});
    return ok && !last && !client_closes;
}

}  // namespace agentsight::server
