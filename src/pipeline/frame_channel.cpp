// SPDX-License-Identifier: Apache-2.0
#include "pipeline/frame_channel.h"

#include <cerrno>
#include <cstring>

#include <poll.h>
#include <unistd.h>

#include "pipeline/event_wire.h"

namespace agentsight {
namespace {

constexpr size_t k_header = 5;                       // u32 payload length, u8 kind
constexpr size_t k_write_block = 256 * 1024;         // fewer, larger writes
constexpr uint32_t k_max_frame = uint32_t(1) << 30;  // far above any --max-capture

bool write_all(int fd, const char* p, size_t n) {
    while (n) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= size_t(w);
    }
    return true;
}

}  // namespace

size_t frame_writer::begin(frame_kind kind) {
    size_t at = buf_.size();
    buf_.append(k_header - 1, '\0');
    buf_.push_back(char(kind));
    return at;
}

bool frame_writer::end(size_t header_at) {
    uint32_t len = uint32_t(buf_.size() - header_at - k_header);
    std::memcpy(buf_.data() + header_at, &len, sizeof len);
    return buf_.size() < k_write_block || flush();
}

bool frame_writer::add_event(const event& e) {
    if (broken_) return false;
    size_t at = begin(frame_kind::event);
    append_event_wire(e, buf_);
    return end(at);
}

bool frame_writer::add(frame_kind kind, std::string_view payload) {
    if (broken_) return false;
    size_t at = begin(kind);
    buf_.append(payload);
    return end(at);
}

bool frame_writer::flush() {
    if (broken_) return false;
    if (!buf_.empty() && !write_all(fd_, buf_.data(), buf_.size())) broken_ = true;
    buf_.clear();
    return !broken_;
}

bool frame_reader::take_buffered(frame_kind& kind, std::string& payload) {
    if (buf_.size() - pos_ < k_header) return false;
    uint32_t len;
    std::memcpy(&len, buf_.data() + pos_, sizeof len);
    if (buf_.size() - pos_ - k_header < len) return false;
    kind = frame_kind(uint8_t(buf_[pos_ + 4]));
    payload.assign(buf_, pos_ + k_header, len);
    pos_ += k_header + len;
    if (pos_ == buf_.size()) {
        buf_.clear();
        pos_ = 0;
    }
    return true;
}

frame_reader::status frame_reader::next(frame_kind& kind, std::string& payload, int timeout_ms) {
    for (;;) {
        if (take_buffered(kind, payload)) return status::frame;
        if (buf_.size() - pos_ >= k_header) {
            uint32_t len;
            std::memcpy(&len, buf_.data() + pos_, sizeof len);
            if (len > k_max_frame) {
                why_ = "frame of " + std::to_string(len) + " bytes";
                return status::error;
            }
        }
        if (pos_ > 0) {  // keep the partial frame at the front
            buf_.erase(0, pos_);
            pos_ = 0;
        }
        pollfd p{fd_, POLLIN, 0};
        int r = ::poll(&p, 1, timeout_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            why_ = std::string("poll: ") + std::strerror(errno);
            return status::error;
        }
        if (r == 0) return status::timeout;
        char chunk[64 * 1024];
        ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            why_ = std::string("read: ") + std::strerror(errno);
            return status::error;
        }
        if (n == 0) {
            if (buf_.empty()) return status::eof;
            why_ = "the stream ended inside a frame";
            return status::error;
        }
        buf_.append(chunk, size_t(n));
    }
}

}  // namespace agentsight
