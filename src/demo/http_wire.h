// SPDX-License-Identifier: Apache-2.0
// HTTP/1.1 message framing over a byte stream: just what the mock server and the demo agent
// need (start line, headers, Content-Length and chunked bodies), with hard size limits because
// the mock faces whatever a test or an agent sends.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agentsight::demo {

using header_list = std::vector<std::pair<std::string, std::string>>;

inline constexpr size_t max_head_bytes = 64 * 1024;
inline constexpr size_t max_body_bytes = 16 * 1024 * 1024;

// Line and exact-length reads over a `read_some` source (returns 0 at EOF).
class buffered_reader {
  public:
    using source = std::function<size_t(char*, size_t)>;
    explicit buffered_reader(source src) : src_(std::move(src)) {}

    // A line without its CRLF (a bare LF is accepted). nullopt at EOF or past max_len.
    std::optional<std::string> read_line(size_t max_len);
    bool read_exact(size_t len, std::string& out);
    // Whatever is buffered or arrives next; false at EOF.
    bool read_available(std::string& out);
    bool at_eof();

  private:
    bool fill();

    source src_;
    std::string buf_;
    size_t pos_ = 0;
};

enum class read_status { ok, eof, malformed, too_large };

struct http_head {
    std::string start_line;
    header_list headers;
};

// Reads the start line and headers. `eof` only when the stream ended before any byte.
read_status read_head(buffered_reader& in, http_head& head);

// Reads a body framed by Transfer-Encoding: chunked or Content-Length (neither: empty).
read_status read_body(buffered_reader& in, const header_list& headers, std::string& body);

// Case-insensitive header lookup.
std::optional<std::string> find_header(const header_list& headers, std::string_view name);

bool iequals(std::string_view a, std::string_view b);

// One chunk of a chunked body ("" gives nothing: an empty chunk would end the body).
std::string encode_chunk(std::string_view data);
inline constexpr std::string_view last_chunk = "0\r\n\r\n";

std::string status_text(int status);

}  // namespace agentsight::demo
