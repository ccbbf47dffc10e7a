// SPDX-License-Identifier: Apache-2.0
// gzip for the mock's bodies: compressed responses (to exercise the analyzers' decoding) and
// gzip request bodies. zlib is loaded at run time because this layer does not link it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace agentsight::demo {

// A gzip member produced piece by piece: every push ends on a flush point, so a streamed SSE
// reply can be decoded event by event as it arrives. Throws std::runtime_error without zlib.
class gzip_encoder {
  public:
    gzip_encoder();
    ~gzip_encoder();
    gzip_encoder(const gzip_encoder&) = delete;
    gzip_encoder& operator=(const gzip_encoder&) = delete;

    std::string push(std::string_view data, bool finish);

  private:
    struct state;
    std::unique_ptr<state> state_;
};

std::string gzip_compress(std::string_view data);

// nullopt when the input is not valid gzip or inflates past max_len.
std::optional<std::string> gzip_decompress(std::string_view data, size_t max_len);

}  // namespace agentsight::demo
