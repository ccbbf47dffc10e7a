// SPDX-License-Identifier: Apache-2.0
#include "analysis/llm/anthropic_delta.h"

#include <array>

#include "util/json_string.h"

namespace agentsight::analyzers::llm {
namespace {

struct delta_shape {
    std::string_view head;  // from the delta object's type to the value's opening quote
    delta_kind kind;
};

constexpr std::array<delta_shape, 3> k_shapes = {{
    {R"(text_delta","text":")", delta_kind::text},
    {R"(thinking_delta","thinking":")", delta_kind::thinking},
    {R"(input_json_delta","partial_json":")", delta_kind::input_json},
}};

bool skip(std::string_view data, size_t& pos, std::string_view literal) {
    if (data.substr(pos, literal.size()) != literal) return false;
    pos += literal.size();
    return true;
}

// A JSON integer as nlohmann reads it into int64: no sign, no leading zero, no fraction.
bool read_index(std::string_view data, size_t& pos, int64_t& index) {
    const size_t start = pos;
    index = 0;
    while (pos < data.size() && data[pos] >= '0' && data[pos] <= '9' && pos - start < 18)
        index = index * 10 + (data[pos++] - '0');
    const size_t digits = pos - start;
    return digits > 0 && !(digits > 1 && data[start] == '0');
}

}  // namespace

std::optional<anthropic_delta> read_anthropic_delta(std::string_view data, std::string& value) {
    size_t pos = 0;
    anthropic_delta d{};
    if (!skip(data, pos, R"({"type":"content_block_delta","index":)")) return std::nullopt;
    if (!read_index(data, pos, d.index)) return std::nullopt;
    if (!skip(data, pos, R"(,"delta":{"type":")")) return std::nullopt;
    const delta_shape* shape = nullptr;
    for (const auto& s : k_shapes)
        if (skip(data, pos, s.head)) {
            shape = &s;
            break;
        }
    if (!shape) return std::nullopt;
    d.kind = shape->kind;
    value.clear();
    if (!append_json_string(data, pos, value)) return std::nullopt;
    if (data.substr(pos) != "}}") return std::nullopt;
    return d;
}

}  // namespace agentsight::analyzers::llm
