// SPDX-License-Identifier: Apache-2.0
// The secret scanner's first pass (secret_scanner.cpp): the positions of a text where one
// of its rules can open. Most bytes of a capture open none, so they are never tested rule by
// rule. 32 bytes at a time with AVX2 when the CPU has it (chosen once, at run time), else
// SSE2; two table lookups per byte without either, for a text's first and last byte and for
// texts under 34 bytes.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace agentsight::analyzers::detail {

constexpr bool ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Which bytes can open a rule, and after which bytes. The first letter of a token prefix
// ("sk-", "AKIA", "Bearer", "eyJ", ...), '"' (a JSON key) and '-' (a PEM block, a --flag)
// open after a byte that is not a letter or digit; ':' (a header, URL userinfo) and '='
// (a parameter or assignment, whose name is read backwards) open anywhere.
inline constexpr uint8_t k_opens_anywhere = 1;
inline constexpr uint8_t k_opens_always = 4;
inline constexpr uint8_t k_opens_json_key = 8;   // after '{', ',' or white space
inline constexpr uint8_t k_opens_not_json = 16;  // after anything but '"'
inline constexpr std::array<uint8_t, 256> k_opens = [] {
    std::array<uint8_t, 256> t{};
    for (char c : std::string_view("ABbgsxhre-")) t[uint8_t(c)] = k_opens_anywhere;
    t[uint8_t('"')] = k_opens_json_key;
    t[uint8_t(':')] = k_opens_not_json;
    t[uint8_t('=')] = k_opens_always;
    return t;
}();
inline constexpr std::array<uint8_t, 256> k_allows_next = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c)
        t[c] = (ascii_alnum(char(c)) ? 0 : k_opens_anywhere) | k_opens_always |
               (c == '"' ? 0 : k_opens_not_json);
    for (char c : std::string_view("{, \n\t")) t[uint8_t(c)] |= k_opens_json_key;
    return t;
}();

// The first two bytes of every token prefix, which the vector scan looks for
// (secret_scanner.cpp checks its rules against this list).
inline constexpr std::string_view k_token_openings[] = {"sk", "rk", "gh", "gi", "gl",
                                                        "xo", "hf", "AI", "AK", "AS"};

// One bit per byte of text where a rule can open, in 32-bit words (bit b of word k is byte
// 32k + b). A superset of the table test above is never wrong (the rules test again), a
// subset would be. Vector blocks read one byte either side.
void fill_candidate_masks(std::string_view text, std::vector<uint32_t>& masks);

// The candidates of one text in order, from its masks: one pass over the text first, so the
// vector constants stay in registers, then a bit scan per candidate.
class candidates {
  public:
    explicit candidates(std::string_view text) : masks_(buffer()) {
        fill_candidate_masks(text, masks_);
    }

    // The first candidate at or after `i` (callers ask with growing `i`), or `size`.
    size_t next(size_t i, size_t size) const {
        size_t k = i >> 5;
        if (k >= masks_.size()) return size;
        if (uint32_t m = masks_[k] >> (i & 31)) return i + size_t(std::countr_zero(m));
        while (++k < masks_.size())
            if (masks_[k]) return (k << 5) + size_t(std::countr_zero(masks_[k]));
        return size;
    }

  private:
    static std::vector<uint32_t>& buffer() {
        thread_local std::vector<uint32_t> masks;
        return masks;
    }
    std::vector<uint32_t>& masks_;
};

}  // namespace agentsight::analyzers::detail
