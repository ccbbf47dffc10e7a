// SPDX-License-Identifier: Apache-2.0
#include "analysis/redact/secret_candidates.h"

#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace agentsight::analyzers::detail {
namespace {

#if defined(__SSE2__)
// The table test of fill_scalar on N bytes at once, narrowed where the rules ask more of
// the bytes around: a letter opens only with the next letter of a rule's prefix ("sk", "AK",
// "ey", "Be"...), so words such as "see", "block" or "event" are no candidates. Written once
// with GCC vector extensions and inlined into each instruction set's function below; `out`
// gets 0xff for each byte where a rule can open.
template <size_t N>
struct lanes;
template <>
struct lanes<16> {
    typedef char type __attribute__((vector_size(16)));
};
template <>
struct lanes<32> {
    typedef char type __attribute__((vector_size(32)));
};

template <size_t N>
[[gnu::always_inline]] inline void candidate_bytes(const uint8_t* p, typename lanes<N>::type& out) {
    using V = typename lanes<N>::type;
    V cur, prev, next;
    std::memcpy(&cur, p, N);
    std::memcpy(&prev, p - 1, N);
    std::memcpy(&next, p + 1, N);
    const V prev_folded = prev | 0x20;  // only A-Z, a-z land in a-z
    const V prev_alnum =
        (V)((prev >= '0') & (prev <= '9')) | (V)((prev_folded >= 'a') & (prev_folded <= 'z'));
    // Token prefixes and JWTs open only after a byte that cannot be in a token (the rules test
    // !token_char), so "message_start" is no candidate; Bearer/Basic and '-' after !alnum.
    const V prev_token = prev_alnum | (V)(prev == '-') | (V)(prev == '_');
    // The first two letters of k_token_openings and of "eyJ".
    const V token_pair = ((V)((cur == 's') | (cur == 'r')) & (V)(next == 'k')) |
                         ((V)(cur == 'g') & (V)((next == 'h') | (next == 'i') | (next == 'l'))) |
                         ((V)(cur == 'x') & (V)(next == 'o')) |
                         ((V)(cur == 'h') & (V)(next == 'f')) |
                         ((V)(cur == 'A') & (V)((next == 'I') | (next == 'K') | (next == 'S'))) |
                         ((V)(cur == 'e') & (V)(next == 'y'));
    // "Bearer"/"Basic" in any case: b then e or a.
    const V next_folded = next | 0x20;
    const V scheme = (V)((cur | 0x20) == 'b') & (V)((next_folded == 'e') | (next_folded == 'a'));
    const V word = (token_pair & ~prev_token) | ((scheme | (V)(cur == '-')) & ~prev_alnum);
    const V key_prev =
        (V)((prev == '{') | (prev == ',') | (prev == ' ') | (prev == '\n') | (prev == '\t'));
    out = word | ((V)(cur == '"') & key_prev) | ((V)(cur == ':') & ~(V)(prev == '"')) |
          (V)(cur == '=');
}

// Vector blocks at 1, 32, 64, ... and n - 33 (for n >= 34): every byte but the first and the
// last, each block reading the byte either side. Overlapping blocks OR the same bits.
size_t next_block(size_t at, size_t n) {
    if (at == n - 33) return 0;
    const size_t aligned = (at | 31) + 1;
    return aligned + 33 <= n ? aligned : n - 33;
}

void put(uint32_t* out, size_t at, uint32_t bits) {
    const size_t shift = at & 31;
    out[at >> 5] |= bits << shift;
    if (shift) out[(at >> 5) + 1] |= bits >> (32 - shift);
}

// The loops keep the constants in registers.
void fill_sse2(const uint8_t* p, size_t n, uint32_t* out) {
    for (size_t at = 1; at != 0; at = next_block(at, n)) {
        lanes<16>::type lo, hi;
        candidate_bytes<16>(p + at, lo);
        candidate_bytes<16>(p + at + 16, hi);
        put(out, at,
            uint32_t(_mm_movemask_epi8(__m128i(lo))) | uint32_t(_mm_movemask_epi8(__m128i(hi)))
                                                           << 16);
    }
}

#if defined(__GNUC__)
// The byte classes of v from two 16-entry tables, by low and high nibble (one bit per class).
[[gnu::target("avx2"), gnu::always_inline]] inline __m256i nibble_classes(__m256i v, __m256i lo,
                                                                          __m256i hi) {
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    return _mm256_and_si256(
        _mm256_shuffle_epi8(lo, _mm256_and_si256(v, nibble)),
        _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble)));
}

// candidate_bytes<32> with the letter pairs looked up rather than compared: a class bit per
// rule group in the byte (s/r, g, x, h, A, e, b/B) and the same bit in the byte after it for
// the letters that may follow (k, h/i/l, o, f, I/K/S, y, e/a), so a pair is a common bit.
// The tables are exact but for the byte after 'A', where C, Y and [ get by too.
[[gnu::target("avx2")]] void fill_avx2(const uint8_t* p, size_t n, uint32_t* out) {
#define B(x) char(1 << (x))
    const __m256i first_lo = _mm256_setr_epi8(
        0, B(4), B(0) | B(6), B(0), 0, B(5), 0, B(1), B(2) | B(3), 0, 0, 0, 0, 0, 0, 0, 0, B(4),
        B(0) | B(6), B(0), 0, B(5), 0, B(1), B(2) | B(3), 0, 0, 0, 0, 0, 0, 0);
    const __m256i first_hi = _mm256_setr_epi8(
        0, 0, 0, 0, B(4) | B(6), 0, B(1) | B(3) | B(5) | B(6), B(0) | B(2), 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, B(4) | B(6), 0, B(1) | B(3) | B(5) | B(6), B(0) | B(2), 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i second_lo =
        _mm256_setr_epi8(0, B(6), 0, B(4), 0, B(6), B(3), 0, B(1), B(1) | B(4) | B(5), 0,
                         B(0) | B(4), B(1), 0, 0, B(2), 0, B(6), 0, B(4), 0, B(6), B(3), 0, B(1),
                         B(1) | B(4) | B(5), 0, B(0) | B(4), B(1), 0, 0, B(2));
    const __m256i second_hi =
        _mm256_setr_epi8(0, 0, 0, 0, B(4) | B(6), B(4), B(0) | B(1) | B(2) | B(3) | B(6), B(5), 0,
                         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, B(4) | B(6), B(4),
                         B(0) | B(1) | B(2) | B(3) | B(6), B(5), 0, 0, 0, 0, 0, 0, 0, 0);
#undef B
    const __m256i zero = _mm256_setzero_si256();
    for (size_t at = 1; at != 0; at = next_block(at, n)) {
        const __m256i cur = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + at));
        const __m256i prev = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + at - 1));
        const __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + at + 1));
        const __m256i pair = _mm256_and_si256(nibble_classes(cur, first_lo, first_hi),
                                              nibble_classes(next, second_lo, second_hi));
        const __m256i no_token =
            _mm256_cmpeq_epi8(_mm256_and_si256(pair, _mm256_set1_epi8(0x3f)), zero);
        const __m256i no_scheme =
            _mm256_cmpeq_epi8(_mm256_and_si256(pair, _mm256_set1_epi8(0x40)), zero);
        const __m256i folded = _mm256_or_si256(prev, _mm256_set1_epi8(0x20));
        const __m256i prev_alnum = _mm256_or_si256(
            _mm256_andnot_si256(_mm256_cmpgt_epi8(_mm256_set1_epi8('0'), prev),
                                _mm256_cmpgt_epi8(_mm256_set1_epi8('9' + 1), prev)),
            _mm256_andnot_si256(_mm256_cmpgt_epi8(_mm256_set1_epi8('a'), folded),
                                _mm256_cmpgt_epi8(_mm256_set1_epi8('z' + 1), folded)));
        const __m256i prev_token = _mm256_or_si256(
            prev_alnum, _mm256_or_si256(_mm256_cmpeq_epi8(prev, _mm256_set1_epi8('-')),
                                        _mm256_cmpeq_epi8(prev, _mm256_set1_epi8('_'))));
        // Not a token pair (or after a token byte) and not a scheme (or after alnum): no word.
        const __m256i no_word = _mm256_and_si256(
            _mm256_or_si256(no_token, prev_token),
            _mm256_or_si256(
                _mm256_andnot_si256(_mm256_cmpeq_epi8(cur, _mm256_set1_epi8('-')), no_scheme),
                prev_alnum));
        const __m256i key_prev = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(prev, _mm256_set1_epi8('{')),
                            _mm256_cmpeq_epi8(prev, _mm256_set1_epi8(','))),
            _mm256_or_si256(_mm256_cmpeq_epi8(prev, _mm256_set1_epi8(' ')),
                            _mm256_or_si256(_mm256_cmpeq_epi8(prev, _mm256_set1_epi8('\n')),
                                            _mm256_cmpeq_epi8(prev, _mm256_set1_epi8('\t')))));
        const __m256i marks = _mm256_or_si256(
            _mm256_and_si256(_mm256_cmpeq_epi8(cur, _mm256_set1_epi8('"')), key_prev),
            _mm256_or_si256(_mm256_andnot_si256(_mm256_cmpeq_epi8(prev, _mm256_set1_epi8('"')),
                                                _mm256_cmpeq_epi8(cur, _mm256_set1_epi8(':'))),
                            _mm256_cmpeq_epi8(cur, _mm256_set1_epi8('='))));
        put(out, at,
            ~uint32_t(_mm256_movemask_epi8(no_word)) | uint32_t(_mm256_movemask_epi8(marks)));
    }
}
#endif
#endif

using fill_fn = void (*)(const uint8_t*, size_t, uint32_t*);

fill_fn best_fill() {
#if defined(__SSE2__) && defined(__GNUC__)
    return __builtin_cpu_supports("avx2") ? fill_avx2 : fill_sse2;
#elif defined(__SSE2__)
    return fill_sse2;
#else
    return nullptr;
#endif
}

void fill_scalar(const uint8_t* p, size_t from, size_t to, uint32_t* out) {
    for (size_t i = from; i < to; ++i)
        if (i == 0 ? k_opens[p[0]] != 0 : (k_opens[p[i]] & k_allows_next[p[i - 1]]) != 0)
            out[i >> 5] |= uint32_t{1} << (i & 31);
}

}  // namespace

void fill_candidate_masks(std::string_view text, std::vector<uint32_t>& masks) {
    static const fill_fn fill = best_fill();
    const auto* p = reinterpret_cast<const uint8_t*>(text.data());
    const size_t n = text.size();
    masks.assign((n + 31) >> 5, 0);
    if (fill && n >= 34) {
        fill(p, n, masks.data());
        fill_scalar(p, 0, 1, masks.data());
        fill_scalar(p, n - 1, n, masks.data());
    } else {
        fill_scalar(p, 0, n, masks.data());
    }
}

}  // namespace agentsight::analyzers::detail
