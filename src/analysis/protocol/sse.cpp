// SPDX-License-Identifier: Apache-2.0
#include "analysis/protocol/sse.h"

#include <cstdint>
#include <cstring>

namespace agentsight::analyzers {
namespace {

// Line ends (CR or LF) of one chunk, in linear time. string_view::find_first_of calls
// memchr once per byte for a two-character set; here the next LF comes from one memchr and
// is reused until passed, and CR is searched for only up to it (real streams end lines with
// LF, so that search finds nothing and is short).
class line_finder {
  public:
    explicit line_finder(std::string_view s) : s_(s) {}

    // The first CR or LF at or after `from`, or npos.
    size_t next(size_t from) {
        if (lf_ == k_unknown || lf_ < from) lf_ = find(from, '\n', s_.size());
        size_t cr = find(from, '\r', lf_);
        if (cr < lf_) return cr;
        return lf_ < s_.size() ? lf_ : std::string_view::npos;
    }

  private:
    static constexpr size_t k_unknown = SIZE_MAX;
    // Position of `c` in [from, to), or `to`.
    size_t find(size_t from, char c, size_t to) const {
        const void* p = std::memchr(s_.data() + from, c, to - from);
        return p ? size_t(static_cast<const char*>(p) - s_.data()) : to;
    }
    std::string_view s_;
    size_t lf_ = k_unknown;
};

}  // namespace

void sse_parser::reset() {
    line_.clear();
    event_.clear();
    data_.clear();
    has_data_ = after_cr_ = started_ = overflow_ = false;
    bom_matched_ = 0;
}

void sse_parser::feed(std::string_view chunk, const event_fn& on_event) {
    if (!started_) {
        // A UTF-8 BOM may open the stream, split across reads like anything else.
        static constexpr std::string_view k_bom = "\xEF\xBB\xBF";
        while (!chunk.empty() && bom_matched_ < 3 && chunk[0] == k_bom[bom_matched_]) {
            chunk.remove_prefix(1);
            ++bom_matched_;
        }
        if (bom_matched_ < 3 && chunk.empty()) return;  // maybe more BOM to come
        started_ = true;
        if (bom_matched_ < 3 && bom_matched_ > 0)  // not a BOM after all: those bytes were data
            feed(k_bom.substr(0, bom_matched_), on_event);
    }
    size_t i = 0;
    if (after_cr_ && !chunk.empty()) {
        after_cr_ = false;
        if (chunk[0] == '\n') i = 1;
    }
    line_finder ends(chunk);
    while (i < chunk.size()) {
        size_t end = ends.next(i);
        if (end == std::string_view::npos) {
            if (line_.size() + (chunk.size() - i) > k_max_line) {
                overflow_ = true;  // a runaway line: drop it rather than grow without bound
                line_.clear();
            } else {
                line_.append(chunk.substr(i));
            }
            return;
        }
        std::string_view piece = chunk.substr(i, end - i);
        if (line_.empty()) {
            line(piece, on_event);
        } else {
            line_.append(piece);
            line(line_, on_event);
            line_.clear();
        }
        if (chunk[end] == '\r') {
            if (end + 1 == chunk.size())
                after_cr_ = true;
            else if (chunk[end + 1] == '\n')
                ++end;
        }
        i = end + 1;
    }
}

void sse_parser::line(std::string_view l, const event_fn& on_event) {
    if (overflow_) {
        overflow_ = false;
        return;
    }
    if (l.empty()) {
        dispatch(on_event);
        return;
    }
    if (l[0] == ':') return;  // comment / keep-alive
    size_t colon = l.find(':');
    std::string_view field = l.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
        value = l.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
        if (has_data_) data_.push_back('\n');
        data_.append(value);
        has_data_ = true;
    } else if (field == "event") {
        event_.assign(value);
    }
    // id and retry do not change what the stream says.
}

void sse_parser::dispatch(const event_fn& on_event) {
    if (has_data_) on_event(event_.empty() ? std::string_view("message") : event_, data_);
    event_.clear();
    data_.clear();
    has_data_ = false;
}

void sse_parser::finish(const event_fn& on_event) {
    // A last line without its line ending still counts: providers ignore data that does not
    // parse, so a cut-off JSON line costs nothing, while a complete one may carry usage.
    if (!line_.empty()) {
        std::string last;
        last.swap(line_);
        line(last, on_event);
    }
    dispatch(on_event);
    after_cr_ = false;
}

}  // namespace agentsight::analyzers
