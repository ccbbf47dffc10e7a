// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the libFuzzer targets: how one fuzz input becomes several byte
// streams and how a stream is cut into records. The format is plain bytes so that seed
// files stay readable: an optional leading "shape" byte, then parts separated by
// k_split. Parsers must give the same answer whatever the cut, so the cut is fuzzed too.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace agentsight::fuzz {

// Separates the parts of one input (client stream, server stream, ...). Short and
// unlikely in real traffic; libFuzzer's memmem hook finds it when seeds lack it.
inline constexpr std::string_view k_split = "\n-8<-\n";

// The first `max_parts - 1` separators split; later ones stay in the last part.
inline std::vector<std::string_view> split_parts(std::string_view in, size_t max_parts) {
    std::vector<std::string_view> parts;
    while (parts.size() + 1 < max_parts) {
        size_t at = in.find(k_split);
        if (at == std::string_view::npos) break;
        parts.push_back(in.substr(0, at));
        in.remove_prefix(at + k_split.size());
    }
    parts.push_back(in);
    return parts;
}

// Takes the shape byte off the front (0 when the input is empty).
inline uint8_t take_shape(std::string_view& in) {
    if (in.empty()) return 0;
    uint8_t shape = uint8_t(in.front());
    in.remove_prefix(1);
    return shape;
}

// At most this many records per stream. The cost of an input is mostly per record: each
// one goes through detection, HTTP, the provider and redaction (which rescans its 64-byte
// tail with every record), all under ASan. Cut into 1-byte records a 4 KiB input was 4,000
// records and the analyzer targets ran at 200-700 exec/s. A stream of up to 64 bytes is
// still cut at every byte; a longer one gets records of at least ceil(size / 64) bytes
// (64 at 4 KiB, the redaction tail's length), plus the fuzzed size on top, so its
// boundaries still move with the shape byte and the input's length.
inline constexpr size_t k_max_records = 64;

// The smallest record for a stream of `size` bytes under that cap (1 up to 64 bytes).
inline size_t min_record(size_t size) {
    return size <= k_max_records ? 1 : (size + k_max_records - 1) / k_max_records;
}

// A fixed record size for a connection's two streams that keeps both under that cap.
inline size_t capped_record_size(size_t chosen, std::string_view client, std::string_view server) {
    return std::max({chosen, min_record(client.size()), min_record(server.size())});
}

// Cuts a stream into records whose sizes follow a small deterministic generator seeded by
// the shape byte: every byte boundary gets tried over a run, and a crash replays exactly.
class chunker {
  public:
    explicit chunker(uint8_t shape) : state_(shape * 2654435761u + 1) {
        static constexpr size_t k_limits[] = {1, 2, 7, 64, 1500, 16384, 1 << 20, 5};
        limit_ = k_limits[shape & 7];
    }
    // A record size of at least `min` (min_record of the stream being cut).
    size_t next(size_t min = 1) {
        state_ = state_ * 1103515245u + 12345u;
        return min + (state_ >> 8) % limit_;
    }
    template <typename Fn>
    void each(std::string_view stream, Fn&& fn) {
        const size_t min = min_record(stream.size());
        while (!stream.empty()) {
            size_t n = next(min);
            if (n > stream.size()) n = stream.size();
            fn(stream.substr(0, n));
            stream.remove_prefix(n);
        }
    }

  private:
    uint32_t state_;
    size_t limit_;
};

// Reads every byte of a view a parser handed out, so ASan sees a dangling or
// out-of-bounds view even when the caller would not have looked at it.
inline void touch(std::string_view s) {
    volatile uint8_t sum = 0;
    for (char c : s) sum = sum + uint8_t(c);
}

// Serializes a JSON value the way sinks do; invalid UTF-8 from the wire is replaced, as
// the JSON sinks must never throw on it.
template <typename Json>
void touch_json(const Json& j) {
    touch(j.dump(-1, ' ', false, Json::error_handler_t::replace));
}

inline std::string_view as_view(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace agentsight::fuzz
