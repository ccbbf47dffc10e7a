// SPDX-License-Identifier: Apache-2.0
#include "ui/access_guard.h"

#include <arpa/inet.h>
#include <sys/random.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace agentsight::server {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool is_ipv4(std::string_view s) {
    in_addr a{};
    return inet_pton(AF_INET, std::string(s).c_str(), &a) == 1;
}

bool is_ipv6(std::string_view s) {
    in6_addr a{};
    return inet_pton(AF_INET6, std::string(s).c_str(), &a) == 1;
}

bool is_wildcard(std::string_view bind) {
    return bind == "0.0.0.0" || bind == "::" || bind.empty();
}

// Splits "name:port" / "[v6]:port" / "name" into the name (brackets kept) and port.
std::pair<std::string, std::optional<uint16_t>> split_host(std::string_view host) {
    size_t colon = host.rfind(':');
    if (colon == std::string_view::npos || (host.front() == '[' && host.back() == ']'))
        return {std::string(host), std::nullopt};
    if (host.front() != '[' && host.find(':') != colon)  // bare IPv6, no port
        return {std::string(host), std::nullopt};
    std::string_view p = host.substr(colon + 1);
    if (p.empty() || p.size() > 5 ||
        !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return {std::string(host), std::nullopt};
    unsigned long v = std::stoul(std::string(p));
    if (v > 65535) return {std::string(host), std::nullopt};
    return {std::string(host.substr(0, colon)), uint16_t(v)};
}

}  // namespace

result<std::string> make_access_token() {
    unsigned char bytes[16];
    size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            return error{std::string("getrandom for the UI access token: ") + std::strerror(errno)};
        got += size_t(n);
    }
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string token;
    for (unsigned char b : bytes) {
        token += k_hex[b >> 4];
        token += k_hex[b & 15];
    }
    return token;
}

status check_token_format(std::string_view token) {
    if (token.size() < 16)
        return error{
            "UI token too short: use at least 16 characters (or omit it for a random one)"};
    for (char c : token)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
            return error{"UI token may contain only letters, digits, '-' and '_'"};
    return ok_status();
}

bool is_loopback_address(std::string_view bind) {
    if (bind == "localhost" || bind == "::1") return true;
    in_addr a{};
    if (inet_pton(AF_INET, std::string(bind).c_str(), &a) != 1) return false;
    return (ntohl(a.s_addr) >> 24) == 127;
}

std::string non_loopback_warning(std::string_view bind) {
    if (is_loopback_address(bind)) return {};
    return "warning: the agentsight UI listens on " + std::string(bind.empty() ? "*" : bind) +
           ", reachable from other machines. It serves captured prompts, responses and "
           "commands over plain HTTP; anyone who sees the URL's token sees them all. Prefer the "
           "default 127.0.0.1 with an SSH tunnel (ssh -L 7395:127.0.0.1:7395 host).";
}

access_guard::access_guard(std::string bind, uint16_t port, std::string token)
    : bind_(lower(bind)), port_(port), token_(std::move(token)) {}

bool access_guard::host_allowed(std::string_view host_header) const {
    if (host_header.empty()) return false;
    auto [name, port] = split_host(lower(host_header));
    // Browsers omit the port only when it is the scheme's default.
    if (port.value_or(80) != port_) return false;
    if (name == "127.0.0.1" || name == "localhost" || name == "[::1]") return true;
    if (is_wildcard(bind_)) {
        // Listening everywhere: any IP literal names us. A rebinding attack
        // needs a DNS name, so literals are safe and names stay refused.
        if (is_ipv4(name)) return true;
        return name.size() > 2 && name.front() == '[' && is_ipv6(name.substr(1, name.size() - 2));
    }
    if (is_ipv6(bind_)) return name == "[" + bind_ + "]";
    return name == bind_;
}

bool access_guard::token_matches(std::string_view presented) const {
    if (presented.size() != token_.size()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < token_.size(); ++i)
        diff |= static_cast<unsigned char>(presented[i] ^ token_[i]);
    return diff == 0;
}

std::string access_guard::cookie_name() const {
    return "agentsight_token_" + std::to_string(port_);
}

std::string access_guard::set_cookie_value() const {
    return cookie_name() + "=" + token_ + "; Path=/; HttpOnly; SameSite=Strict";
}

std::optional<std::string> access_guard::cookie_token(std::string_view header) const {
    const std::string want = cookie_name();
    while (!header.empty()) {
        size_t semi = header.find(';');
        std::string_view part = header.substr(0, semi);
        header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        size_t eq = part.find('=');
        if (eq != std::string_view::npos && part.substr(0, eq) == want)
            return std::string(part.substr(eq + 1));
    }
    return std::nullopt;
}

}  // namespace agentsight::server
