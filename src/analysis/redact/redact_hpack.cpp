// SPDX-License-Identifier: Apache-2.0
#include "analysis/redact/redact_hpack.h"

#include <cstdint>
#include <cstdio>

#include "analysis/redact/redact_marker.h"
#include "analysis/redact/secret_scanner.h"

namespace agentsight::analyzers {
namespace {

struct huffman_code {
    char symbol;
    uint32_t bits;
    uint8_t length;
};

// The few RFC 7541 Appendix B codes the marker and the filler need.
constexpr huffman_code k_codes[] = {
    {'0', 0x0, 5},  {'1', 0x1, 5},    {'2', 0x2, 5},     {'3', 0x19, 6},   {'4', 0x1a, 6},
    {'5', 0x1b, 6}, {'6', 0x1c, 6},   {'7', 0x1d, 6},    {'8', 0x1e, 6},   {'9', 0x1f, 6},
    {'a', 0x3, 5},  {'b', 0x23, 6},   {'c', 0x4, 5},     {'d', 0x24, 6},   {'e', 0x5, 5},
    {'f', 0x25, 6}, {'r', 0x2c, 6},   {'t', 0x9, 5},     {'-', 0x16, 6},   {':', 0x5c, 7},
    {'*', 0xf9, 8}, {'!', 0x3f8, 10}, {'\'', 0x7fa, 11}, {'#', 0xffa, 12}, {'$', 0x1ff9, 13},
};
// Filler by code length: a length with no entry here is never chosen.
constexpr char k_filler_by_length[14] = {0, 0, 0, 0, 0, '0', '-', ':', '*', 0, '!', '\'', '#', '$'};

const huffman_code& code_of(char c) {
    for (const auto& k : k_codes)
        if (k.symbol == c) return k;
    return k_codes[0];
}

class bit_writer {
  public:
    explicit bit_writer(std::string& out) : out_(out) {}
    void put(const huffman_code& k) {
        for (int b = k.length - 1; b >= 0; --b) bit((k.bits >> b) & 1);
    }
    // EOS padding: the rest of the last octet as 1s.
    void finish() {
        while (n_ != 0) bit(1);
    }

  private:
    void bit(uint32_t v) {
        acc_ = static_cast<uint8_t>((acc_ << 1) | v);
        if (++n_ == 8) {
            out_.push_back(static_cast<char>(acc_));
            acc_ = 0;
            n_ = 0;
        }
    }
    std::string& out_;
    uint8_t acc_ = 0;
    int n_ = 0;
};

// An HPACK integer with an `prefix`-bit prefix at block[at]; advances `at`.
bool read_int(std::string_view block, size_t& at, int prefix, uint64_t& v) {
    if (at >= block.size()) return false;
    const uint64_t max = (1u << prefix) - 1;
    v = static_cast<uint8_t>(block[at++]) & max;
    if (v < max) return true;
    for (int shift = 0; shift < 56; shift += 7) {
        if (at >= block.size()) return false;
        uint8_t b = static_cast<uint8_t>(block[at++]);
        v += static_cast<uint64_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

struct hpack_string {
    size_t begin = 0, len = 0;
    bool huffman = false;
};

bool read_string(std::string_view block, size_t& at, hpack_string& s) {
    if (at >= block.size()) return false;
    s.huffman = static_cast<uint8_t>(block[at]) & 0x80;
    uint64_t len = 0;
    if (!read_int(block, at, 7, len) || len > block.size() - at) return false;
    s.begin = at;
    s.len = static_cast<size_t>(len);
    at += s.len;
    return true;
}

// Rewrites one value string of `block` that decodes to `value`.
bool redact_value(std::string& block, const hpack_string& s, const http_header& h) {
    char hash[5];
    snprintf(hash, sizeof hash, "%04x", secret_hash(h.value));
    if (s.huffman) {
        std::string coded;
        if (!huffman_fill(hash, h.value.size(), s.len, coded)) return false;
        block.replace(s.begin, s.len, coded);
        return true;
    }
    // A raw string is the value itself: mask it as text, same length.
    char* v = block.data() + s.begin;
    if (is_secret_key(h.name)) {
        mask_in_place(v, s.len);
        return true;
    }
    thread_local std::vector<secret_span> spans;
    spans.clear();
    find_secrets(std::string_view(v, s.len), false, spans);
    for (const auto& sp : spans)
        if (sp.end > sp.begin) mask_in_place(v + sp.begin, sp.end - sp.begin);
    return true;
}

}  // namespace

bool secret_header(const http_header& h) {
    if (already_redacted(h.value)) return false;
    if (is_secret_key(h.name)) return !h.value.empty();
    thread_local std::vector<secret_span> spans;
    spans.clear();
    find_secrets(h.value, false, spans);
    for (const auto& s : spans)
        if (s.end > s.begin) return true;
    return false;
}

bool huffman_fill(std::string_view hash_hex, size_t len, size_t octets, std::string& out) {
    std::string text;
    if (!hash_hex.empty() && hash_hex.size() + 9 <= len) text = "redacted-" + std::string(hash_hex);
    size_t fixed_bits = 0;
    for (char c : text) fixed_bits += code_of(c).length;
    const size_t hi = octets * 8, lo = hi >= 7 ? hi - 7 : 0;
    const size_t rest = len - text.size();
    if (fixed_bits + 5 * rest > hi || fixed_bits + 13 * rest < lo) {
        if (text.empty()) return false;
        return huffman_fill({}, len, octets, out);  // without the marker text
    }
    // Start from 8-bit filler and move each character down (to 5-7 bits) or up (to 13) until
    // the total is in [lo, hi], a window of 8 bits: the checks above make that reachable.
    std::vector<uint8_t> lengths(rest, 8);
    size_t total = fixed_bits + 8 * rest;
    for (auto& l : lengths) {
        if (total > hi) {
            size_t down = std::min<size_t>(3, total - hi);
            l = static_cast<uint8_t>(8 - down);
            total -= down;
        } else if (total < lo) {
            l = 13;  // hi - total >= 8 here, so +5 cannot overshoot hi
            total += 5;
        }
    }
    if (total > hi || total < lo) return false;
    out.clear();
    bit_writer w(out);
    for (char c : text) w.put(code_of(c));
    for (auto l : lengths) w.put(code_of(k_filler_by_length[l]));
    w.finish();
    return out.size() == octets;
}

hpack_rewrite redact_header_block(std::string& block, const std::vector<http_header>& decoded) {
    bool any = false;
    for (const auto& h : decoded) any = any || secret_header(h);
    if (!any) return hpack_rewrite::clean;
    size_t at = 0, emitted = 0;
    while (at < block.size()) {
        const uint8_t b = static_cast<uint8_t>(block[at]);
        uint64_t index = 0;
        if (b & 0x80) {  // indexed: static (no secret) or dynamic (inserted redacted)
            if (!read_int(block, at, 7, index)) return hpack_rewrite::impossible;
            ++emitted;
            continue;
        }
        if ((b & 0xe0) == 0x20) {  // dynamic table size update
            if (!read_int(block, at, 5, index)) return hpack_rewrite::impossible;
            continue;
        }
        const int prefix = (b & 0x40) ? 6 : 4;
        if (!read_int(block, at, prefix, index)) return hpack_rewrite::impossible;
        hpack_string name, value;
        if (index == 0 && !read_string(block, at, name)) return hpack_rewrite::impossible;
        if (!read_string(block, at, value) || emitted >= decoded.size())
            return hpack_rewrite::impossible;
        const http_header& h = decoded[emitted++];
        if (secret_header(h) && !redact_value(block, value, h)) return hpack_rewrite::impossible;
    }
    return emitted == decoded.size() ? hpack_rewrite::rewritten : hpack_rewrite::impossible;
}

}  // namespace agentsight::analyzers
