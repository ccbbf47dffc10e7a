// SPDX-License-Identifier: Apache-2.0
#include "analysis/protocol/http2_session.h"

#include <algorithm>
#include <cstdlib>

namespace agentsight::analyzers {
namespace {

enum frame_type : uint8_t {
    k_data = 0,
    k_headers = 1,
    k_rst_stream = 3,
    k_settings = 4,
    k_push_promise = 5,
    k_continuation = 9,
};
enum frame_flag : uint8_t {
    k_end_stream = 0x1,
    k_ack = 0x1,
    k_end_headers = 0x4,
    k_padded = 0x8,
    k_priority = 0x20,
};
constexpr size_t k_frame_header = 9;
constexpr uint16_t k_settings_header_table_size = 1;

uint32_t be(std::string_view s, size_t at, size_t n) {
    uint32_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
    return v;
}

// Strips the pad-length byte and the padding of a PADDED frame; false when malformed.
bool unpad(std::string_view& payload, uint8_t flags) {
    if (!(flags & k_padded)) return true;
    if (payload.empty()) return false;
    size_t pad = static_cast<uint8_t>(payload[0]);
    if (pad + 1 > payload.size()) return false;
    payload = payload.substr(1, payload.size() - 1 - pad);
    return true;
}

}  // namespace

uint64_t http2_session::last_ts() const {
    uint64_t t = 0;
    for (const auto& [id, ex] : streams_) t = std::max(t, ex->last_ts());
    return t;
}

void http2_session::feed(bool client, std::string_view data, uint64_t ts, int32_t tid,
                         std::vector<derived_event>& out) {
    if (client) tid_ = tid;
    side& s = client ? client_ : server_;
    while (!data.empty() && !broken_) data.remove_prefix(consume(s, data, ts, out));
}

size_t http2_session::consume(side& s, std::string_view data, uint64_t ts,
                              std::vector<derived_event>& out) {
    if (s.preface_pending) {
        size_t need = k_http2_preface.size() - s.buf.size();
        size_t take = std::min(need, data.size());
        s.buf.append(data.substr(0, take));
        if (k_http2_preface.substr(0, s.buf.size()) != s.buf) {
            ++parse_errors_;
            fail(out);
            return data.size();
        }
        if (s.buf.size() == k_http2_preface.size()) {
            s.preface_pending = false;
            s.buf.clear();
        }
        return take;
    }
    if (s.buf.empty() && !s.have_header) s.frame_ts = ts;
    if (!s.have_header) {
        size_t take = std::min(k_frame_header - s.buf.size(), data.size());
        s.buf.append(data.substr(0, take));
        if (s.buf.size() < k_frame_header) return take;
        s.length = be(s.buf, 0, 3);
        s.type = static_cast<uint8_t>(s.buf[3]);
        s.flags = static_cast<uint8_t>(s.buf[4]);
        s.stream_id = be(s.buf, 5, 4) & 0x7FFFFFFF;
        s.have_header = true;
        s.frame_gap = false;
        s.buf.clear();
        if (s.length == 0) frame(s, ts, out);
        return take;
    }
    size_t take = std::min<size_t>(s.length - s.buf.size(), data.size());
    s.buf.append(data.substr(0, take));
    if (s.buf.size() == s.length) frame(s, ts, out);
    return take;
}

void http2_session::frame(side& s, uint64_t ts, std::vector<derived_event>& out) {
    std::string_view payload(s.buf);
    uint8_t type = s.type, flags = s.flags;
    uint32_t id = s.stream_id;
    s.have_header = false;
    if (s.in_block && type != k_continuation) {  // RFC 9113 6.10: nothing may interleave
        ++parse_errors_;
        return fail(out);
    }
    switch (type) {
        case k_data:
            if (!unpad(payload, flags)) break;
            if (s.frame_gap) {
                if (auto it = streams_.find(id); it != streams_.end()) it->second->gap();
            } else {
                data(s, payload, ts, out);
            }
            if (flags & k_end_stream) end_side(s, id, ts, out);
            break;
        case k_headers:
            headers_frame(s, payload, flags, id, ts, out);
            break;
        case k_push_promise:
            // Decoded only to keep the HPACK table in step; we do not follow pushes.
            if (!unpad(payload, flags) || payload.size() < 4) break;
            payload.remove_prefix(4);
            s.in_block = true;
            s.block.clear();
            s.block_discard = true;
            header_block_fragment(s, payload, flags & k_end_headers, ts, out);
            break;
        case k_continuation:
            if (!s.in_block || id != s.block_stream) {
                ++parse_errors_;
                s.buf.clear();
                return fail(out);
            }
            header_block_fragment(s, payload, flags & k_end_headers, ts, out);
            break;
        case k_rst_stream:
            if (auto it = streams_.find(id); it != streams_.end()) {
                it->second->abort();
                out.push_back(it->second->finish(true));
                streams_.erase(it);
            }
            break;
        case k_settings:
            if (!(flags & k_ack)) settings(s, payload);
            break;
        default:
            break;  // PRIORITY, PING, GOAWAY, WINDOW_UPDATE, extensions: no content
    }
    s.buf.clear();
}

// A HEADERS frame opens a header block on its stream (CONTINUATION frames may finish it).
void http2_session::headers_frame(side& s, std::string_view payload, uint8_t flags, uint32_t id,
                                  uint64_t ts, std::vector<derived_event>& out) {
    if (!unpad(payload, flags)) return;
    if (flags & k_priority) {
        if (payload.size() < 5) return;
        payload.remove_prefix(5);
    }
    s.in_block = true;
    s.block.clear();
    s.block_stream = id;
    s.block_end_stream = flags & k_end_stream;
    s.block_discard = false;
    s.block_ts = s.frame_ts;
    header_block_fragment(s, payload, flags & k_end_headers, ts, out);
}

void http2_session::header_block_fragment(side& s, std::string_view frag, bool end_headers,
                                          uint64_t, std::vector<derived_event>& out) {
    if (s.block.size() + frag.size() > k_max_header_block) {
        ++parse_errors_;
        return fail(out);
    }
    s.block.append(frag);
    if (!end_headers) return;
    s.in_block = false;
    header_block(s, out);
}

void http2_session::header_block(side& s, std::vector<derived_event>& out) {
    s.headers.clear();
    if (!s.hpack.decode(s.block, s.headers)) {
        ++parse_errors_;
        return fail(out);
    }
    if (s.block_discard) return;
    http_head head;
    for (auto& h : s.headers) {
        if (h.name == ":method")
            head.method = h.value;
        else if (h.name == ":path")
            head.target = h.value;
        else if (h.name == ":authority")
            head.host = h.value;
        else if (h.name == ":status")
            head.status = std::atoi(h.value.c_str());
        else if (!h.name.empty() && h.name[0] != ':')
            head.headers.push_back(std::move(h));
    }
    if (head.host.empty()) head.host = head.get("host");
    uint32_t id = s.block_stream;
    uint64_t ts = s.block_ts;
    auto it = streams_.find(id);
    if (s.client) {
        if (it == streams_.end()) {
            if (streams_.size() >= k_max_streams) {
                ++parse_errors_;
                return;
            }
            conn_meta meta = meta_;
            meta.tid = tid_;
            it = streams_.emplace(id, std::make_unique<exchange>(std::move(meta), ts)).first;
            it->second->request_head(head, ts);
        }
        // A second block on a known stream is trailers: only its END_STREAM matters.
    } else {
        if (it == streams_.end()) return;                     // a response to a stream we never saw
        if (head.status >= 100 && head.status < 200) return;  // interim response
        if (!it->second->response_started()) it->second->response_head(head, ts);
    }
    if (s.block_end_stream) end_side(s, id, ts, out);
}

void http2_session::data(side& s, std::string_view payload, uint64_t ts,
                         std::vector<derived_event>&) {
    auto it = streams_.find(s.stream_id);
    if (it == streams_.end()) return;
    if (s.client)
        it->second->request_body(payload, ts);
    else if (it->second->response_started())
        it->second->response_body(payload, ts);
}

void http2_session::settings(side& s, std::string_view payload) {
    for (size_t at = 0; at + 6 <= payload.size(); at += 6)
        if (be(payload, at, 2) == k_settings_header_table_size)
            other(s).hpack.set_max_table_size(be(payload, at + 2, 4));
}

void http2_session::end_side(side& s, uint32_t id, uint64_t ts, std::vector<derived_event>& out) {
    auto it = streams_.find(id);
    if (it == streams_.end()) return;
    if (s.client)
        it->second->request_end(ts);
    else
        it->second->response_end(ts);
    maybe_finish(id, out);
}

void http2_session::maybe_finish(uint32_t id, std::vector<derived_event>& out) {
    auto it = streams_.find(id);
    if (it == streams_.end() || !it->second->done()) return;
    out.push_back(it->second->finish(false));
    streams_.erase(it);
}

void http2_session::skip(bool client, uint64_t n, std::vector<derived_event>& out) {
    if (broken_ || n == 0) return;
    side& s = client ? client_ : server_;
    // Only lost bytes wholly inside the current DATA payload leave the framing intact.
    if (s.have_header && s.type == k_data && s.buf.size() + n <= s.length) {
        s.buf.append(n, '\0');
        s.frame_gap = true;
        if (s.buf.size() == s.length) frame(s, s.frame_ts, out);
        return;
    }
    fail(out);
}

void http2_session::fail(std::vector<derived_event>& out) {
    broken_ = true;
    close(out);
}

void http2_session::close(std::vector<derived_event>& out) {
    for (auto& [id, ex] : streams_) out.push_back(ex->finish(true));
    streams_.clear();
}

}  // namespace agentsight::analyzers
