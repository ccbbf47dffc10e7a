// SPDX-License-Identifier: Apache-2.0
// An in-process HTTP/1.1 server on 127.0.0.1:<ephemeral> that records each
// request and answers with scripted status codes: a stand-in OTLP collector.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace agentsight::test {

struct recorded_request {
    std::string method, path, content_type, head, body;
};

class test_http_server {
  public:
    // The first requests get these statuses in turn; later ones get 200.
    explicit test_http_server(std::deque<int> statuses = {}) : statuses_(std::move(statuses)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0)
            std::abort();
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~test_http_server() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<recorded_request> requests() const {
        std::lock_guard lock(mu_);
        return requests_;
    }
    // Polls until `pred` holds for the requests so far, or the timeout passes.
    bool wait_for(const std::function<bool(const std::vector<recorded_request>&)>& pred,
                  std::chrono::milliseconds timeout) const {
        auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            if (pred(requests())) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return pred(requests());
    }

  private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            handle(c);
            ::close(c);
        }
    }

    static std::string header(const std::string& head, const std::string& name) {
        std::string lower = head;
        for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        size_t at = lower.find("\r\n" + name + ":");
        if (at == std::string::npos) return {};
        size_t start = head.find_first_not_of(' ', at + 3 + name.size());
        return head.substr(start, head.find("\r\n", start) - start);
    }

    void handle(int c) {
        std::string in;
        char buf[65536];
        size_t head_end = std::string::npos;
        size_t want = 0;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{c, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) return;
            in.append(buf, static_cast<size_t>(n));
            if (head_end == std::string::npos &&
                (head_end = in.find("\r\n\r\n")) != std::string::npos)
                want = head_end + 4 +
                       std::strtoul(header(in.substr(0, head_end), "content-length").c_str(),
                                    nullptr, 10);
            if (head_end != std::string::npos && in.size() >= want) break;
        }
        if (head_end == std::string::npos) return;
        recorded_request r;
        std::string head = in.substr(0, head_end);
        r.method = head.substr(0, head.find(' '));
        size_t p1 = head.find(' ') + 1;
        r.path = head.substr(p1, head.find(' ', p1) - p1);
        r.content_type = header(head, "content-type");
        r.head = head;
        r.body = in.substr(head_end + 4);
        int status = 200;
        {
            std::lock_guard lock(mu_);
            requests_.push_back(r);
            if (!statuses_.empty()) {
                status = statuses_.front();
                statuses_.pop_front();
            }
        }
        std::string body = status == 200 ? "{}" : "{\"code\": 14}";
        std::string resp = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " +
                           "application/json\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\nConnection: close\r\n\r\n" + body;
        ::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
    }

    int fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mu_;
    std::deque<int> statuses_;
    std::vector<recorded_request> requests_;
    std::thread thread_;
};

// A loopback port with nothing listening: bound, then released.
inline uint16_t unused_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

}  // namespace agentsight::test
