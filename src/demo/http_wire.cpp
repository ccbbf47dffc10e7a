// SPDX-License-Identifier: Apache-2.0
#include "demo/http_wire.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace agentsight::demo {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool parse_hex(std::string_view s, size_t& out) {
    s = trim(s.substr(0, s.find(';')));  // chunk extensions carry nothing we need
    if (s.empty() || s.size() > 8) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
    return ec == std::errc() && end == s.data() + s.size();
}

read_status read_chunked(buffered_reader& in, std::string& body) {
    for (;;) {
        auto size_line = in.read_line(1024);
        if (!size_line) return read_status::malformed;
        size_t size = 0;
        if (!parse_hex(*size_line, size)) return read_status::malformed;
        if (body.size() + size > max_body_bytes) return read_status::too_large;
        if (size == 0) break;
        if (!in.read_exact(size, body)) return read_status::malformed;
        auto crlf = in.read_line(2);
        if (!crlf || !crlf->empty()) return read_status::malformed;
    }
    for (size_t trailer_bytes = 0;;) {  // trailers are read and dropped
        auto line = in.read_line(max_head_bytes);
        if (!line) return read_status::malformed;
        if (line->empty()) return read_status::ok;
        trailer_bytes += line->size();
        if (trailer_bytes > max_head_bytes) return read_status::too_large;
    }
}

}  // namespace

bool buffered_reader::fill() {
    buf_.erase(0, pos_);  // drop what was consumed, so the buffer holds one message at most
    pos_ = 0;
    char tmp[16384];
    size_t got = src_(tmp, sizeof tmp);
    if (got == 0) return false;
    buf_.append(tmp, got);
    return true;
}

std::optional<std::string> buffered_reader::read_line(size_t max_len) {
    size_t scanned = 0;  // relative to pos_, which fill() moves
    for (;;) {
        size_t nl = buf_.find('\n', pos_ + scanned);
        if (nl != std::string::npos) {
            size_t end = (nl > pos_ && buf_[nl - 1] == '\r') ? nl - 1 : nl;
            if (end - pos_ > max_len) return std::nullopt;
            std::string line = buf_.substr(pos_, end - pos_);
            pos_ = nl + 1;
            return line;
        }
        if (buf_.size() - pos_ > max_len + 1) return std::nullopt;
        scanned = buf_.size() - pos_;
        if (!fill()) return std::nullopt;
    }
}

bool buffered_reader::read_exact(size_t len, std::string& out) {
    while (buf_.size() - pos_ < len)
        if (!fill()) return false;
    out.append(buf_, pos_, len);
    pos_ += len;
    return true;
}

bool buffered_reader::read_available(std::string& out) {
    if (pos_ == buf_.size() && !fill()) return false;
    out.append(buf_, pos_, std::string::npos);
    pos_ = buf_.size();
    return true;
}

bool buffered_reader::at_eof() {
    return pos_ == buf_.size() && !fill();
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::optional<std::string> find_header(const header_list& headers, std::string_view name) {
    for (const auto& [key, value] : headers)
        if (iequals(key, name)) return value;
    return std::nullopt;
}

read_status read_head(buffered_reader& in, http_head& head) {
    if (in.at_eof()) return read_status::eof;
    auto start = in.read_line(8192);
    if (!start || start->empty()) return read_status::malformed;
    head.start_line = std::move(*start);
    head.headers.clear();
    size_t total = head.start_line.size();
    for (;;) {
        auto line = in.read_line(max_head_bytes);
        if (!line) return read_status::malformed;
        if (line->empty()) return read_status::ok;
        total += line->size();
        if (total > max_head_bytes) return read_status::too_large;
        size_t colon = line->find(':');
        if (colon == 0 || colon == std::string::npos) return read_status::malformed;
        std::string_view view(*line);
        head.headers.emplace_back(std::string(trim(view.substr(0, colon))),
                                  std::string(trim(view.substr(colon + 1))));
    }
}

read_status read_body(buffered_reader& in, const header_list& headers, std::string& body) {
    body.clear();
    auto te = find_header(headers, "transfer-encoding");
    if (te && iequals(trim(*te), "chunked")) return read_chunked(in, body);
    if (te) return read_status::malformed;  // other codings are not framing we can follow
    auto cl = find_header(headers, "content-length");
    if (!cl) return read_status::ok;
    std::string_view digits = trim(*cl);
    size_t len = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
        return read_status::malformed;
    if (len > max_body_bytes) return read_status::too_large;
    return in.read_exact(len, body) ? read_status::ok : read_status::malformed;
}

std::string encode_chunk(std::string_view data) {
    if (data.empty()) return {};
    char size[20];
    auto [end, ec] = std::to_chars(size, size + sizeof size, data.size(), 16);
    (void)ec;
    std::string out(size, end);
    out += "\r\n";
    out += data;
    out += "\r\n";
    return out;
}

std::string status_text(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 413:
            return "Payload Too Large";
        case 500:
            return "Internal Server Error";
        default:
            return "Status";
    }
}

}  // namespace agentsight::demo
