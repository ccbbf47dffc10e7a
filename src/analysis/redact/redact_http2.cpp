// SPDX-License-Identifier: Apache-2.0
#include "analysis/redact/redact_http2.h"

#include <algorithm>

#include "analysis/redact/redact_hpack.h"

namespace agentsight::analyzers {
namespace {

enum : uint8_t {
    k_data = 0,
    k_headers = 1,
    k_settings = 4,
    k_push_promise = 5,
    k_continuation = 9
};
enum : uint8_t { k_ack = 0x1, k_end_headers = 0x4, k_padded = 0x8, k_priority = 0x20 };
constexpr size_t k_frame_header = 9;
constexpr std::string_view k_block_mask = "<header block redacted>";

bool carries_block(uint8_t type) {
    return type == k_headers || type == k_push_promise || type == k_continuation;
}

uint32_t be(std::string_view s, size_t at, size_t n) {
    uint32_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
    return v;
}

void overwrite(std::string& data, const std::vector<int64_t>& at) {
    size_t k = 0;
    for (int64_t p : at)
        if (p >= 0) data[static_cast<size_t>(p)] = k_block_mask[k++ % k_block_mask.size()];
}

}  // namespace

void http2_redactor::lost(bool client) {
    side& s = client ? client_ : server_;
    s.lost = true;
}

void http2_redactor::feed(bool client, std::string& data, std::vector<uint8_t>& framing) {
    side& s = client ? client_ : server_;
    framing.assign(data.size(), 1);
    if (s.lost) {
        framing.assign(data.size(), 0);  // nothing known: the text scan takes every byte
        return;
    }
    size_t i = 0;
    while (i < data.size()) {
        if (s.preface_left > 0) {
            size_t take = std::min(s.preface_left, data.size() - i);
            s.preface_left -= take;
            i += take;
            continue;
        }
        if (!s.in_payload) {
            size_t take = std::min(k_frame_header - s.head.size(), data.size() - i);
            s.head.append(data, i, take);
            i += take;
            if (s.head.size() < k_frame_header) break;
            s.length = be(s.head, 0, 3);
            s.type = static_cast<uint8_t>(s.head[3]);
            s.flags = static_cast<uint8_t>(s.head[4]);
            s.head.clear();
            s.got = 0;
            s.payload.clear();
            s.payload_at.clear();
            s.in_payload = true;
            if (s.type != k_data && s.length > k_max_control_payload) {
                s.lost = true;  // not a frame we can follow
                break;
            }
            if (s.length == 0) frame_done(s, data);
            continue;
        }
        size_t take = std::min<size_t>(s.length - s.got, data.size() - i);
        if (s.type == k_data) {
            std::fill_n(framing.begin() + static_cast<std::ptrdiff_t>(i), take, uint8_t{0});
        } else {
            s.payload.append(data, i, take);
            for (size_t k = 0; k < take; ++k) s.payload_at.push_back(static_cast<int64_t>(i + k));
            if (s.masked && carries_block(s.type)) {
                std::vector<int64_t> here(s.payload_at.end() - static_cast<std::ptrdiff_t>(take),
                                          s.payload_at.end());
                overwrite(data, here);
            }
        }
        s.got += static_cast<uint32_t>(take);
        i += take;
        if (s.got == s.length) frame_done(s, data);
    }
    end_record(s, data);
}

void http2_redactor::frame_done(side& s, std::string& data) {
    s.in_payload = false;
    std::string_view p(s.payload);
    size_t from = 0, to = p.size();
    switch (s.type) {
        case k_settings:
            if (!(s.flags & k_ack))
                for (size_t at = 0; at + 6 <= p.size(); at += 6)
                    if (be(p, at, 2) == 1) other(s).hpack.set_max_table_size(be(p, at + 2, 4));
            return;
        case k_headers:
        case k_push_promise:
            if (s.flags & k_padded) {
                if (p.empty() || size_t(uint8_t(p[0])) + 1 > p.size()) return mask_pending(s, data);
                to -= uint8_t(p[0]);
                from = 1;
            }
            if (s.type == k_headers && (s.flags & k_priority)) from += 5;
            if (s.type == k_push_promise) from += 4;
            if (from > to) return mask_pending(s, data);
            s.block.clear();
            s.block_at.clear();
            s.in_block = true;
            break;
        case k_continuation:
            if (!s.in_block) return mask_pending(s, data);
            break;
        default:
            return;
    }
    s.block.append(p.substr(from, to - from));
    s.block_at.insert(s.block_at.end(), s.payload_at.begin() + static_cast<std::ptrdiff_t>(from),
                      s.payload_at.begin() + static_cast<std::ptrdiff_t>(to));
    if (s.flags & k_end_headers) block_done(s, data);
}

void http2_redactor::block_done(side& s, std::string& data) {
    s.in_block = false;
    ++counters_.blocks;
    s.headers.clear();
    if (s.masked || !s.hpack.decode(s.block, s.headers)) {
        // A block we cannot read (or read no more) may hold anything.
        s.masked = true;
        ++counters_.masked;
        overwrite(data, s.block_at);
        return;
    }
    std::string rewritten = s.block;
    switch (redact_header_block(rewritten, s.headers)) {
        case hpack_rewrite::clean:
            return;
        case hpack_rewrite::rewritten:
            for (size_t k = 0; k < rewritten.size(); ++k) {
                if (rewritten[k] == s.block[k]) continue;
                if (s.block_at[k] < 0) {  // part of the secret is already out
                    s.masked = true;
                    ++counters_.masked;
                    overwrite(data, s.block_at);
                    return;
                }
            }
            for (size_t k = 0; k < rewritten.size(); ++k)
                if (s.block_at[k] >= 0) data[static_cast<size_t>(s.block_at[k])] = rewritten[k];
            ++counters_.rewritten;
            return;
        case hpack_rewrite::impossible:
            s.masked = true;
            ++counters_.masked;
            overwrite(data, s.block_at);
            return;
    }
}

void http2_redactor::mask_pending(side& s, std::string& data) {
    if (!carries_block(s.type) && !s.in_block) return;
    s.masked = true;
    ++counters_.masked;
    overwrite(data, s.payload_at);
    overwrite(data, s.block_at);
}

void http2_redactor::end_record(side& s, std::string& data) {
    // A header block still open holds bytes of this record that cannot wait for its end.
    bool open_block = s.in_block || (s.in_payload && carries_block(s.type));
    if (open_block && !s.masked) {
        bool here =
            std::any_of(s.block_at.begin(), s.block_at.end(), [](int64_t p) { return p >= 0; }) ||
            std::any_of(s.payload_at.begin(), s.payload_at.end(), [](int64_t p) { return p >= 0; });
        if (here) {
            s.masked = true;
            ++counters_.masked;
            overwrite(data, s.payload_at);
            overwrite(data, s.block_at);
        }
    }
    std::fill(s.payload_at.begin(), s.payload_at.end(), -1);
    std::fill(s.block_at.begin(), s.block_at.end(), -1);
}

}  // namespace agentsight::analyzers
