// SPDX-License-Identifier: Apache-2.0
// is_secret_key (secret_scanner.h): which header, JSON, query and form names carry a
// credential whatever their value looks like. It runs on every name in the capture, so most
// names are turned away by table lookups before any string comparison.
#include <array>
#include <cstdint>

#include "analysis/redact/secret_chars.h"
#include "analysis/redact/secret_scanner.h"

namespace agentsight::analyzers {
namespace {

using namespace std::string_view_literals;
using namespace detail;

// A word ending `name` at a boundary: the whole name, after '_', '-' or '.', in camelCase
// ("apiKey"), or after a word that makes a credential compound ("apikey", "authtoken").
bool ends_with_word(std::string_view name, std::string_view word) {
    if (!ends_with_ci(name, word)) return false;
    size_t at = name.size() - word.size();
    if (at == 0) return true;
    char before = name[at - 1];
    if (before == '_' || before == '-' || before == '.') return true;
    if (upper(name[at]) && !upper(before)) return true;
    std::string_view stem = name.substr(0, at);
    for (auto w : {"api"sv, "access"sv, "auth"sv, "refresh"sv, "session"sv, "secret"sv, "private"sv,
                   "client"sv, "app"sv, "bot"sv, "user"sv, "id"sv, "bearer"sv, "master"sv,
                   "signing"sv, "encryption"sv})
        if (ends_with_ci(stem, w)) return true;
    return false;
}

// Key-value names in the capture that are not credentials although they end like one.
bool known_public_key(std::string_view name) {
    for (auto k :
         {"public_key", "publickey", "public-key", "primary_key", "sort_key", "partition_key",
          "cache_key", "foreign_key", "stop_token", "eos_token", "bos_token", "pad_token",
          "next_token", "page_token", "next_page_token", "continuation_token", "pagination_token"})
        if (iequals(name, k)) return true;
    return false;
}

// Letters that is_secret_key's first tests look for, either case: 'w' ("passw"), 'c' and
// 'd' ("credential").
constexpr uint8_t k_has_w = 1, k_has_c = 2, k_has_d = 4;
constexpr std::array<uint8_t, 256> k_name_letter = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        const char l = lower(char(c));
        t[c] =
            uint8_t((l == 'w' ? k_has_w : 0) | (l == 'c' ? k_has_c : 0) | (l == 'd' ? k_has_d : 0));
    }
    return t;
}();

// The last three letters (lower case, as one number) of the names is_secret_key accepts
// without a 'w' or a 'c' and 'd', in a table of 16 found with one multiply (a perfect hash
// of these nine; other slots hold a value no three letters make).
constexpr uint32_t tail_code(char a, char b, char c) {
    return uint32_t(uint8_t(a)) << 16 | uint32_t(uint8_t(b)) << 8 | uint8_t(c);
}
constexpr uint32_t k_tail_hash = 0x05b6e6e3;
constexpr size_t tail_slot(uint32_t code) {
    return (code * k_tail_hash) >> 28;
}
constexpr std::array<uint32_t, 16> k_tail_slots = [] {
    std::array<uint32_t, 16> t{};
    t.fill(~uint32_t{0});
    for (auto tail : {"key", "ken", "ret", "ase", "ion", "kie", "swd", "pwd", "uth"}) {
        const uint32_t code = tail_code(tail[0], tail[1], tail[2]);
        if (t[tail_slot(code)] != ~uint32_t{0}) throw "k_tail_hash is no perfect hash";
        t[tail_slot(code)] = code;
    }
    return t;
}();

}  // namespace

bool is_secret_key(std::string_view name) {
    using namespace std::string_view_literals;
    if (name.empty() || name.size() > 64) return false;
    // Most names are rejected on their last three letters and a scan for 'w' ("passw") and
    // 'c' with 'd' ("credential"); "private_key" ends like a key.
    if (name.size() >= 3) {
        // Branch-free tests: this runs on every JSON member and header name of the capture.
        const uint32_t tail = tail_code(lower(name[name.size() - 3]), lower(name[name.size() - 2]),
                                        lower(name.back()));
        const bool maybe = k_tail_slots[tail_slot(tail)] == tail;
        if (!maybe) {
            uint8_t letters = 0;
            for (char ch : name) letters |= k_name_letter[uint8_t(ch)];
            const bool passw = letters & k_has_w;
            const bool credential = (letters & (k_has_c | k_has_d)) == (k_has_c | k_has_d);
            if (!passw && !credential) return false;
        }
    }
    char buf[64];
    bool w_or_v = false, c = false;  // letters every "contains" word below needs
    for (size_t i = 0; i < name.size(); ++i) {
        buf[i] = lower(name[i]);
        w_or_v = w_or_v || buf[i] == 'w' || buf[i] == 'v';
        c = c || buf[i] == 'c';
    }
    const std::string_view n(buf, name.size());
    const char last = n.back();
    if (last == 'n' && (n == "authorization"sv || n == "proxy-authorization"sv)) return true;
    if (last == 'e' && (n == "cookie"sv || n == "set-cookie"sv)) return true;
    if ((last == 'd' || last == 'h') && (n == "passwd"sv || n == "pwd"sv || n == "auth"sv))
        return true;
    if (w_or_v && (n.find("passw") != std::string_view::npos ||
                   n.find("private_key") != std::string_view::npos))
        return true;
    if (c && n.find("credential") != std::string_view::npos) return true;
    if (last != 'y' && last != 'n' && last != 't' && last != 'e') return false;
    if (!n.ends_with("key") && !n.ends_with("token") && !n.ends_with("secret") &&
        !n.ends_with("passphrase"))
        return false;
    if (known_public_key(n)) return false;
    for (auto w : {"key"sv, "token"sv, "secret"sv, "passphrase"sv})
        if (ends_with_word(name, w)) return true;
    return false;
}

}  // namespace agentsight::analyzers
