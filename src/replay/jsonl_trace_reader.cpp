// SPDX-License-Identifier: Apache-2.0
#include <cstdio>
#include <cstdlib>
#include <string>

#include "pipeline/event_json.h"
#include "replay/trace_reader_impl.h"

namespace agentsight {
namespace {

class jsonl_trace_reader final : public trace_reader {
  public:
    jsonl_trace_reader(std::string path, FILE* file, trace_read_options options)
        : trace_reader(std::move(path)), file_(file), options_(std::move(options)) {}
    ~jsonl_trace_reader() override {
        if (file_ && file_ != stdin) std::fclose(file_);
        std::free(buf_);
    }

    output_format format() const override { return output_format::jsonl; }

    bool next(event& out) override {
        while (!failure_ && file_) {
            ssize_t n = ::getline(&buf_, &cap_, file_);
            if (n < 0) return false;
            ++line_no_;
            std::string_view line(buf_, static_cast<size_t>(n));
            const bool terminated = !line.empty() && line.back() == '\n';
            if (terminated) line.remove_suffix(1);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
            auto parsed = parse_event_json(line);
            if (parsed) {
                out = std::move(*parsed);
                raw_.assign(line);
                read_any_ = true;
                return true;
            }
            std::string reason = parsed.message();
            // A recorder killed mid-write leaves a final line without its newline.
            if (!terminated) reason += " (truncated last line: was the recording interrupted?)";
            // Nothing readable before: most likely some other file (random
            // bytes, a log) was given; say so rather than only "line 1".
            if (!read_any_ && options_.strict)
                failure_ = error{path_ +
                                 ": not an agentsight trace (neither SQLite nor JSON Lines: line " +
                                 std::to_string(line_no_) + ": " + reason + ")"};
            else
                bad_line(reason);
        }
        return false;
    }

  private:
    void bad_line(const std::string& reason) {
        std::string msg = path_ + ":" + std::to_string(line_no_) + ": " + reason;
        if (options_.strict) {
            failure_ = error{std::move(msg)};
            return;
        }
        ++skipped_;
        if (options_.on_skip) options_.on_skip(msg);
    }

    FILE* file_;
    trace_read_options options_;
    char* buf_ = nullptr;
    size_t cap_ = 0;
    uint64_t line_no_ = 0;
    bool read_any_ = false;
};

}  // namespace

std::unique_ptr<trace_reader> make_jsonl_reader(std::string path, FILE* file,
                                                trace_read_options options) {
    return std::make_unique<jsonl_trace_reader>(std::move(path), file, std::move(options));
}

}  // namespace agentsight
