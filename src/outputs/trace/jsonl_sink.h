// SPDX-License-Identifier: Apache-2.0
// JSON Lines to a file or stdout: one event per line, in pipeline order.
#pragma once

#include <cstdio>
#include <string>

#include "pipeline/stage.h"
#include "util/result.h"

namespace agentsight {

class jsonl_sink : public sink {
  public:
    // "-" is stdout. A file is created 0600 for the invoking user, or replaces
    // their own regular file (util/safe_file.h). Fails with a message naming the path.
    static result<std::unique_ptr<jsonl_sink>> open(const std::string& path);
    ~jsonl_sink() override;
    void write(const event& e) override;
    void flush() override;
    void close() override;
    // The write error and how many events it cost so far.
    std::string failure() const override;

  private:
    jsonl_sink(FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
    void write_buffer();
    FILE* file_;
    std::string path_;
    std::string buf_;
    uint64_t lost_ = 0;
    uint64_t pending_ = 0;  // events in buf_
    std::string error_;
};

}  // namespace agentsight
