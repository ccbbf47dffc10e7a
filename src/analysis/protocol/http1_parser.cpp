// SPDX-License-Identifier: Apache-2.0
#include "analysis/protocol/http1_parser.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

namespace agentsight::analyzers {
namespace {

constexpr std::array<std::string_view, 9> k_methods = {
    "GET ", "POST ", "PUT ", "DELETE ", "HEAD ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "};
constexpr std::string_view k_http_version = "HTTP/1.";

bool parse_uint(std::string_view s, uint64_t& out, int base = 10) {
    s = trim(s);
    if (s.empty()) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out, base);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool has_token(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        size_t comma = list.find(',');
        if (iequals(trim(list.substr(0, comma)), token)) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace

bool looks_like_http1_start(std::string_view data, http1_role role) {
    if (role == http1_role::response)
        return data.substr(0, k_http_version.size()) == k_http_version;
    for (auto m : k_methods)
        if (data.substr(0, m.size()) == m && data.size() > m.size() && data[m.size()] != ' ')
            return true;
    return false;
}

bool could_be_http1_start(std::string_view data, http1_role role) {
    if (role == http1_role::response)
        return k_http_version.substr(0, data.size()) == data.substr(0, k_http_version.size());
    for (auto m : k_methods)
        if (data.size() <= m.size() && m.substr(0, data.size()) == data) return true;
    return false;
}

void http1_parser::feed(std::string_view data, uint64_t ts) {
    last_ts_ = ts;
    while (!data.empty()) {
        size_t used = 0;
        switch (state_) {
            case state::start:
                // Stray CRLFs between messages are allowed (RFC 9112 2.2).
                if (data[0] == '\r' || data[0] == '\n') {
                    used = 1;
                    break;
                }
                start_ts_ = ts;
                buf_.clear();
                line_start_ = 0;
                state_ = state::head;
                continue;
            case state::head:
                used = feed_head(data, ts);
                break;
            case state::body_fixed:
            case state::chunk_data: {
                used = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
                handler_.on_body(data.substr(0, used), ts);
                remaining_ -= used;
                if (remaining_ == 0) {
                    if (state_ == state::body_fixed) {
                        end_message(ts);
                    } else {
                        state_ = state::chunk_data_end;
                        buf_.clear();
                    }
                }
                break;
            }
            case state::chunk_size:
            case state::chunk_data_end:
            case state::trailers:
                used = feed_line(data, ts);
                break;
            case state::until_close:
                handler_.on_body(data, ts);
                used = data.size();
                break;
            case state::desync:
            case state::upgraded:
                return;
        }
        data.remove_prefix(used);
    }
}

size_t http1_parser::feed_head(std::string_view data, uint64_t ts) {
    size_t used = 0;
    while (used < data.size()) {
        const char* nl =
            static_cast<const char*>(std::memchr(data.data() + used, '\n', data.size() - used));
        size_t end = nl ? static_cast<size_t>(nl - data.data()) + 1 : data.size();
        if (buf_.size() + (end - used) > k_max_head) {
            lose_sync();
            return data.size();
        }
        buf_.append(data.substr(used, end - used));
        used = end;
        if (!nl) break;
        std::string_view line = std::string_view(buf_).substr(line_start_);
        line_start_ = buf_.size();
        if (line == "\n" || line == "\r\n") {
            head_complete(ts);
            break;
        }
    }
    return used;
}

// One CRLF-terminated line of chunked framing: a size line, the CRLF after data, or a trailer.
size_t http1_parser::feed_line(std::string_view data, uint64_t ts) {
    const char* nl = static_cast<const char*>(std::memchr(data.data(), '\n', data.size()));
    size_t end = nl ? static_cast<size_t>(nl - data.data()) + 1 : data.size();
    if (buf_.size() + end > k_max_line) {
        lose_sync();
        return data.size();
    }
    buf_.append(data.substr(0, end));
    if (nl) line_complete(ts);
    return end;
}

void http1_parser::line_complete(uint64_t ts) {
    std::string_view line = trim(buf_);
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    line = trim(line);
    switch (state_) {
        case state::chunk_size: {
            uint64_t size = 0;
            if (!parse_uint(line.substr(0, line.find(';')), size, 16)) return lose_sync();
            if (size == 0) {
                state_ = state::trailers;
            } else {
                remaining_ = size;
                state_ = state::chunk_data;
            }
            break;
        }
        case state::chunk_data_end:
            if (!line.empty()) return lose_sync();
            state_ = state::chunk_size;
            break;
        case state::trailers:
            if (line.empty()) return end_message(ts);
            break;
        default:
            break;
    }
    buf_.clear();
}

bool http1_parser::parse_head(http_head& head) {
    head.method.clear();
    head.target.clear();
    head.host.clear();
    head.status = 0;
    head.headers.clear();
    std::string_view rest(buf_);
    auto next_line = [&rest]() {
        size_t nl = rest.find('\n');
        std::string_view l = rest.substr(0, nl);
        rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        return l;
    };
    std::string_view start = next_line();
    size_t sp1 = start.find(' ');
    if (sp1 == std::string_view::npos) return false;
    if (role_ == http1_role::request) {
        size_t sp2 = start.find(' ', sp1 + 1);
        if (sp2 == std::string_view::npos || start.substr(sp2 + 1, 5) != "HTTP/") return false;
        head.method.assign(start.substr(0, sp1));
        head.target.assign(start.substr(sp1 + 1, sp2 - sp1 - 1));
    } else {
        if (start.substr(0, 5) != "HTTP/") return false;
        uint64_t status = 0;
        if (!parse_uint(start.substr(sp1 + 1, 3), status) || status < 100 || status > 999)
            return false;
        head.status = static_cast<int>(status);
    }
    while (!rest.empty()) {
        std::string_view l = next_line();
        if (l.empty()) break;
        size_t colon = l.find(':');
        if (colon == std::string_view::npos || colon == 0) continue;  // tolerate junk lines
        head.headers.push_back(
            {to_lower(trim(l.substr(0, colon))), std::string(trim(l.substr(colon + 1)))});
    }
    head.host.assign(head.get("host"));
    return true;
}

void http1_parser::head_complete(uint64_t ts) {
    if (!parse_head(head_)) return lose_sync();
    buf_.clear();
    line_start_ = 0;
    bool chunked = has_token(head_.get("transfer-encoding"), "chunked");
    uint64_t length = 0;
    bool has_length = head_.has("content-length");
    if (has_length && !parse_uint(head_.get("content-length"), length)) return lose_sync();

    if (role_ == http1_role::response) {
        if (head_.status >= 100 && head_.status < 200 && head_.status != 101) {
            state_ = state::start;  // interim (100 Continue, 103 Early Hints): not the answer
            return;
        }
        bool head_request = handler_.next_response_is_head();
        handler_.on_head(head_, start_ts_, ts);
        if (head_.status == 101) {
            handler_.on_end(ts);
            state_ = state::upgraded;  // another protocol from here on: not ours to parse
            return;
        }
        if (head_request || head_.status == 204 || head_.status == 304) return end_message(ts);
        if (chunked) {
            state_ = state::chunk_size;
        } else if (has_length) {
            remaining_ = length;
            state_ = length ? state::body_fixed : state::start;
            if (!length) end_message(ts);
        } else {
            state_ = state::until_close;
        }
        return;
    }
    handler_.on_head(head_, start_ts_, ts);
    if (chunked) {
        state_ = state::chunk_size;
    } else if (length > 0) {
        remaining_ = length;
        state_ = state::body_fixed;
    } else {
        end_message(ts);
    }
}

void http1_parser::end_message(uint64_t ts) {
    state_ = state::start;
    buf_.clear();
    handler_.on_end(ts);
}

void http1_parser::lose_sync(bool parse_error) {
    if (parse_error) ++parse_errors_;
    bool in_message = state_ != state::start && state_ != state::head;
    state_ = state::desync;
    buf_.clear();
    if (in_message) handler_.on_abort();
}

void http1_parser::skip(uint64_t lost) {
    if (lost == 0) return;
    switch (state_) {
        case state::body_fixed:
        case state::chunk_data:
            if (lost <= remaining_) {
                handler_.on_body_gap(lost);
                remaining_ -= lost;
                if (remaining_ == 0) {
                    if (state_ == state::body_fixed) {
                        end_message(last_ts_);
                    } else {
                        state_ = state::chunk_data_end;
                        buf_.clear();
                    }
                }
                return;
            }
            break;
        case state::until_close:
            handler_.on_body_gap(lost);
            return;
        case state::desync:
        case state::upgraded:
            return;
        default:
            break;
    }
    lose_sync(false);  // a capture gap is counted as a gap, not as a parse error
}

void http1_parser::close(uint64_t ts) {
    if (state_ == state::until_close) {
        end_message(ts);
    } else if (state_ != state::start && state_ != state::head && state_ != state::desync &&
               state_ != state::upgraded) {
        handler_.on_abort();
    }
    state_ = state::start;
    buf_.clear();
}

void http1_parser::try_resync(std::string_view data) {
    if (state_ == state::desync && looks_like_http1_start(data, role_)) state_ = state::start;
}

}  // namespace agentsight::analyzers
