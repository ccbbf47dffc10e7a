// SPDX-License-Identifier: Apache-2.0
// Append-only JSON writer for the hot output path (process and TLS events):
// no DOM, no per-field allocation. Strings must be valid UTF-8; callers route
// arbitrary bytes through `bytes_field`, which stays lossless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace agentsight {

class json_writer {
  public:
    explicit json_writer(std::string& out) : out_(out) {}

    void begin_object();
    void end_object();
    void begin_array(std::string_view key);
    void end_array();
    void key(std::string_view k);

    void field(std::string_view k, std::string_view v);
    void field(std::string_view k, const char* v) { field(k, std::string_view(v)); }
    void field(std::string_view k, int64_t v);
    void field(std::string_view k, uint64_t v);
    void field(std::string_view k, int32_t v) { field(k, int64_t(v)); }
    void field(std::string_view k, uint32_t v) { field(k, uint64_t(v)); }
    void field(std::string_view k, uint16_t v) { field(k, uint64_t(v)); }
    void field_bool(std::string_view k, bool v);
    void raw_field(std::string_view k, std::string_view json);  // `json` is already valid JSON

    // Arbitrary bytes: text when valid UTF-8, otherwise U+FFFD-replaced text
    // plus `<k>_b64` with the exact bytes, so nothing is lost.
    void bytes_field(std::string_view k, std::string_view bytes);

    void element(std::string_view v);  // a string inside an array

  private:
    void comma();
    std::string& out_;
    bool first_ = true;
};

// Appends `s` as a quoted JSON string; invalid UTF-8 bytes become U+FFFD.
void append_json_string(std::string& out, std::string_view s);

}  // namespace agentsight
