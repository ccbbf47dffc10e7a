// SPDX-License-Identifier: Apache-2.0
#include "outputs/otlp/otlp_http.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include <httplib.h>

namespace agentsight {
namespace {

std::string host_port(const http_url& url) {
    const bool v6 = url.host.find(':') != std::string::npos;
    return (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
}

// cpp-httplib reports a failed connect as just "Connection"; the user needs to
// know whether nothing listens, the name does not resolve or the host is
// unreachable. One blocking connect (bounded by SO_SNDTIMEO) finds out why.
std::string connect_failure_reason(const http_url& url, std::chrono::milliseconds timeout) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int gai = ::getaddrinfo(url.host.c_str(), std::to_string(url.port).c_str(), &hints, &res);
    if (gai != 0) return std::string("resolve: ") + ::gai_strerror(gai);
    std::string why = "no address";
    const timeval tv{static_cast<time_t>(timeout.count() / 1000),
                     static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        const int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
        const int err = errno;
        ::close(fd);
        if (rc == 0) {
            why = "connection lost";  // it listens now: the first attempt raced a restart
            break;
        }
        why = err == EINPROGRESS || err == EAGAIN ? "timed out" : std::strerror(err);
    }
    ::freeaddrinfo(res);
    return why;
}

std::string failure(const http_url& url, httplib::Error e, std::chrono::milliseconds timeout) {
    const std::string where = host_port(url);
    switch (e) {
        case httplib::Error::Connection:
            return "connect " + where + ": " + connect_failure_reason(url, timeout);
        case httplib::Error::ConnectionTimeout:
            return "connect " + where + ": timed out";
        case httplib::Error::Write:
            return "send to " + where + ": failed or timed out";
        case httplib::Error::Read:
            return "response from " + where + ": none, or timed out";
        default:
            return "POST to " + where + ": " + httplib::to_string(e);
    }
}

int retry_after_seconds(const httplib::Response& r) {
    const std::string v = r.get_header_value("Retry-After");
    if (v.empty() || !std::isdigit(static_cast<unsigned char>(v[0]))) return -1;
    return std::atoi(v.c_str());
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
    httplib::Client client(url.host, url.port);
    client.set_keep_alive(false);
    client.set_follow_location(false);
    client.set_connection_timeout(timeout);
    client.set_write_timeout(timeout);
    client.set_read_timeout(timeout);
    httplib::Headers h{{"User-Agent", "agentsight"}};
    for (const auto& [k, v] : headers) h.emplace(k, v);
    auto r = client.Post(url.path + path, h, body.data(), body.size(), std::string(content_type));
    if (!r) return error{failure(url, r.error(), timeout)};
    return http_response{r->status, r->body, retry_after_seconds(*r)};
}

}  // namespace agentsight
