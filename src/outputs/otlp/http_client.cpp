// SPDX-License-Identifier: Apache-2.0
#include "outputs/otlp/http_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace agentsight {
namespace {

using clock = std::chrono::steady_clock;

class fd_guard {
  public:
    explicit fd_guard(int fd) : fd_(fd) {}
    ~fd_guard() {
        if (fd_ >= 0) ::close(fd_);
    }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

int ms_left(clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `events` on fd; false on timeout.
bool wait_for(int fd, short events, clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        int rc = ::poll(&p, 1, ms_left(deadline));
        if (rc > 0) return true;
        if (rc == 0) return false;
        if (errno != EINTR) return false;
    }
}

result<int> connect_to(const http_url& url, clock::time_point deadline) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const std::string where = url.host + ":" + std::to_string(url.port);
    int gai = ::getaddrinfo(url.host.c_str(), std::to_string(url.port).c_str(), &hints, &res);
    if (gai != 0) return error{"resolve " + url.host + ": " + ::gai_strerror(gai)};
    std::string last = "no address";
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          ai->ai_protocol);
        if (fd < 0) {
            last = std::strerror(errno);
            continue;
        }
        int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            if (!wait_for(fd, POLLOUT, deadline)) {
                last = "timed out";
                ::close(fd);
                continue;
            }
            int err = 0;
            socklen_t len = sizeof err;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
            rc = err ? -1 : 0;
            errno = err;
        }
        if (rc == 0) {
            ::freeaddrinfo(res);
            return fd;
        }
        last = std::strerror(errno);
        ::close(fd);
    }
    ::freeaddrinfo(res);
    return error{"connect " + where + ": " + last};
}

bool send_all(int fd, std::string_view data, clock::time_point deadline) {
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
            data.remove_prefix(static_cast<size_t>(n));
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!wait_for(fd, POLLOUT, deadline)) return false;
        } else {
            return false;
        }
    }
    return true;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Decodes a chunked body; returns false while it is incomplete.
bool dechunk(std::string_view in, std::string& out) {
    out.clear();
    for (;;) {
        size_t eol = in.find("\r\n");
        if (eol == std::string_view::npos) return false;
        size_t size = std::strtoul(std::string(in.substr(0, eol)).c_str(), nullptr, 16);
        in.remove_prefix(eol + 2);
        if (size == 0) return true;
        if (in.size() < size + 2) return false;
        out.append(in.substr(0, size));
        in.remove_prefix(size + 2);
    }
}

struct parsed_head {
    int status = 0;
    long content_length = -1;
    bool chunked = false;
    int retry_after_s = -1;
};

parsed_head parse_head(std::string_view head) {
    parsed_head h;
    size_t sp = head.find(' ');
    if (sp != std::string_view::npos)
        h.status = std::atoi(std::string(head.substr(sp + 1, 3)).c_str());
    size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < head.size()) {
        size_t next = head.find("\r\n", pos + 2);
        std::string_view line = head.substr(pos + 2, next - pos - 2);
        size_t colon = line.find(':');
        if (colon != std::string_view::npos) {
            std::string name = lower(line.substr(0, colon));
            std::string value(line.substr(colon + 1));
            value.erase(0, value.find_first_not_of(" \t"));
            if (name == "content-length") h.content_length = std::atol(value.c_str());
            if (name == "transfer-encoding" && lower(value).find("chunked") != std::string::npos)
                h.chunked = true;
            if (name == "retry-after" && !value.empty() &&
                std::isdigit(static_cast<unsigned char>(value[0])))
                h.retry_after_s = std::atoi(value.c_str());
        }
        pos = next;
    }
    return h;
}

}  // namespace

result<http_url> parse_http_url(const std::string& url) {
    constexpr std::string_view scheme = "http://";
    if (url.rfind("https://", 0) == 0)
        return error{url +
                     ": https is not supported; send to a local OpenTelemetry Collector "
                     "over http and let it forward with TLS"};
    if (url.rfind(scheme, 0) != 0) return error{url + ": expected http://host:port"};
    std::string rest = url.substr(scheme.size());
    http_url u;
    size_t slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    u.path = slash == std::string::npos ? "" : rest.substr(slash);
    while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
    std::string port;
    if (!authority.empty() && authority.front() == '[') {  // [::1]:4318
        size_t close = authority.find(']');
        if (close == std::string::npos) return error{url + ": bad IPv6 address"};
        u.host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return error{url + ": bad IPv6 address"};
            port = authority.substr(close + 2);
        }
    } else {
        size_t colon = authority.rfind(':');
        u.host = authority.substr(0, colon);
        if (colon != std::string::npos) port = authority.substr(colon + 1);
    }
    if (u.host.empty()) return error{url + ": missing host"};
    if (!port.empty()) {
        char* end = nullptr;
        long p = std::strtol(port.c_str(), &end, 10);
        if (*end || p <= 0 || p > 65535) return error{url + ": bad port"};
        u.port = static_cast<uint16_t>(p);
    }
    return u;
}

result<http_response> http_post(const http_url& url, const std::string& path,
                                std::string_view content_type, std::string_view body,
                                const http_headers& headers, std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    auto fd_or = connect_to(url, deadline);
    if (!fd_or) return error{fd_or.message()};
    fd_guard fd(*fd_or);
    const bool v6 = url.host.find(':') != std::string::npos;
    const std::string where =
        (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);

    std::string req = "POST " + url.path + path + " HTTP/1.1\r\nHost: " + where +
                      "\r\nContent-Type: " + std::string(content_type) +
                      "\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\nConnection: close\r\nUser-Agent: agentsight\r\n";
    for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
    req += "\r\n";
    if (!send_all(fd.get(), req, deadline) || !send_all(fd.get(), body, deadline))
        return error{"send to " + where + ": " +
                     (ms_left(deadline) == 0 ? std::string("timed out") : std::strerror(errno))};

    std::string in;
    char buf[8192];
    size_t head_end = std::string::npos;
    parsed_head h;
    for (;;) {
        if (head_end == std::string::npos) {
            head_end = in.find("\r\n\r\n");
            if (head_end != std::string::npos)
                h = parse_head(std::string_view(in).substr(0, head_end));
        }
        if (head_end != std::string::npos && !h.chunked && h.content_length >= 0 &&
            in.size() >= head_end + 4 + static_cast<size_t>(h.content_length))
            break;
        if (!wait_for(fd.get(), POLLIN, deadline))
            return error{"response from " + where + ": timed out"};
        ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return error{"response from " + where + ": " + std::strerror(errno)};
        }
        in.append(buf, static_cast<size_t>(n));
        if (h.chunked) {
            std::string decoded;
            if (dechunk(std::string_view(in).substr(head_end + 4), decoded)) break;
        }
    }
    if (head_end == std::string::npos || h.status == 0)
        return error{"response from " + where + ": not HTTP"};
    http_response r;
    r.status = h.status;
    r.retry_after_s = h.retry_after_s;
    std::string_view rest = std::string_view(in).substr(head_end + 4);
    if (h.chunked) {
        dechunk(rest, r.body);
    } else {
        r.body.assign(h.content_length >= 0 ? rest.substr(0, static_cast<size_t>(h.content_length))
                                            : rest);
    }
    return r;
}

}  // namespace agentsight
