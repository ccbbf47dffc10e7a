// SPDX-License-Identifier: Apache-2.0
// Streaming Content-Encoding decoder (gzip, deflate, br, zstd) with an output cap, so a
// compression bomb in attacker-controlled traffic costs at most `cap` bytes.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace agentsight::analyzers {

enum class content_coding { identity, gzip, deflate, br, zstd, unsupported };

// From a Content-Encoding value. A list ("gzip, br") is unsupported unless all but one
// entry are identity: stacked codings are not seen in LLM traffic.
content_coding parse_content_coding(std::string_view header);

class content_decoder {
  public:
    explicit content_decoder(content_coding c = content_coding::identity);
    ~content_decoder();
    content_decoder(content_decoder&&) noexcept;
    content_decoder& operator=(content_decoder&&) noexcept;

    // Appends decoded bytes to `out`, never growing it past `cap` (sets `capped` instead).
    // False when the input is corrupt; the decoder then stays failed.
    bool feed(std::string_view in, std::string& out, size_t cap, bool& capped);
    bool failed() const { return failed_; }
    content_coding coding() const { return coding_; }

  private:
    struct impl;
    bool start_deflate();
    // One decoder's loop each: decompress `in` onto `out` up to `cap`.
    bool feed_zlib(std::string_view in, std::string& out, size_t cap, bool& capped);
    bool feed_brotli(std::string_view in, std::string& out, size_t cap, bool& capped);
    bool feed_zstd(std::string_view in, std::string& out, size_t cap, bool& capped);
    content_coding coding_;
    std::unique_ptr<impl> impl_;
    std::string head_;  // deflate: the first two bytes decide zlib vs raw framing
    bool failed_ = false;
};

}  // namespace agentsight::analyzers
