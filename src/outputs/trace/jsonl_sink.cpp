// SPDX-License-Identifier: Apache-2.0
#include "outputs/trace/jsonl_sink.h"

#include <cerrno>
#include <cstring>

#include "pipeline/event_json.h"
#include "util/safe_file.h"

namespace agentsight {

result<std::unique_ptr<jsonl_sink>> jsonl_sink::open(const std::string& path) {
    if (path == "-" || path.empty())
        return std::unique_ptr<jsonl_sink>(new jsonl_sink(stdout, "-"));
    // Never through a planted symlink, into a FIFO, or into another user's file.
    auto fd = open_output_file(path, if_exists::truncate);
    if (!fd) return error{fd.message()};
    FILE* f = fdopen(fd->get(), "w");
    if (!f) return error{path + ": " + strerror(errno)};
    fd->release();
    return std::unique_ptr<jsonl_sink>(new jsonl_sink(f, path));
}

jsonl_sink::~jsonl_sink() {
    close();
}

void jsonl_sink::write(const event& e) {
    append_event_json(e, buf_);
    buf_ += '\n';
    pending_++;
    // Written in large blocks; the analysis loop flushes every 100 ms so a
    // terminal or `| jq` still sees events promptly.
    if (buf_.size() >= 64 * 1024) write_buffer();
}

void jsonl_sink::write_buffer() {
    if (buf_.empty() || !file_) return;
    if (!error_.empty()) {
        lost_ += pending_;
    } else if (fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size() || fflush(file_) != 0) {
        error_ = "cannot write " + (path_ == "-" ? std::string("stdout") : path_) + ": " +
                 strerror(errno);
        lost_ += pending_;
    }
    buf_.clear();
    pending_ = 0;
}

void jsonl_sink::flush() {
    write_buffer();
}

void jsonl_sink::close() {
    write_buffer();
    if (file_ && file_ != stdout) fclose(file_);
    file_ = nullptr;
}

std::string jsonl_sink::failure() const {
    if (error_.empty()) return {};
    return error_ + " (" + std::to_string(lost_) + " events not written)";
}

}  // namespace agentsight
