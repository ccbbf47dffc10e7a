// SPDX-License-Identifier: Apache-2.0
// TLS-library and direction identity, generated from tls/tls_lib.def: the enum,
// its JSON names, its kernel ABI codes and the library file-name prefixes. Header
// only and free of JSON, so that tls/ and the record decoder need nothing else.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "bpf/events.h"

namespace agentsight {

// The enumerators are the ABI codes, so a record's byte maps by lookup, not by cast.
enum class tls_lib : uint8_t {
#define TLS_LIB(id, code, prefix) id = code,
#include "tls/tls_lib.def"
};

enum class tls_direction : uint8_t {
#define TLS_DIRECTION(id, code) id = code,
#include "tls/tls_lib.def"
};

struct tls_lib_row {
    tls_lib lib;
    const char* name;         // JSON `lib`
    std::string_view prefix;  // shared-library file-name prefix; "" = static only
};

inline constexpr tls_lib_row tls_lib_table[] = {
#define TLS_LIB(id, code, prefix) {tls_lib::id, #id, prefix},
#include "tls/tls_lib.def"
};

struct tls_direction_row {
    tls_direction direction;
    const char* name;
};

inline constexpr tls_direction_row tls_direction_table[] = {
#define TLS_DIRECTION(id, code) {tls_direction::id, #id},
#include "tls/tls_lib.def"
};

constexpr const char* to_string(tls_lib l) {
    for (const auto& row : tls_lib_table)
        if (row.lib == l) return row.name;
    return "unknown";
}

constexpr const char* to_string(tls_direction d) {
    for (const auto& row : tls_direction_table)
        if (row.direction == d) return row.name;
    return "unknown";
}

constexpr std::optional<tls_lib> tls_lib_from_name(std::string_view name) {
    for (const auto& row : tls_lib_table)
        if (name == row.name) return row.lib;
    return std::nullopt;
}

constexpr std::optional<tls_direction> tls_direction_from_name(std::string_view name) {
    for (const auto& row : tls_direction_table)
        if (name == row.name) return row.direction;
    return std::nullopt;
}

// A kernel record's or cookie's library byte; nullopt for a code no row has.
constexpr std::optional<tls_lib> tls_lib_from_abi(uint8_t code) {
    for (const auto& row : tls_lib_table)
        if (uint8_t(row.lib) == code) return row.lib;
    return std::nullopt;
}

constexpr std::optional<tls_direction> tls_direction_from_abi(uint8_t code) {
    for (const auto& row : tls_direction_table)
        if (uint8_t(row.direction) == code) return row.direction;
    return std::nullopt;
}

// A data record's direction byte: read or write (a handshake has its own record).
constexpr bool is_data_direction(uint8_t code) {
    auto d = tls_direction_from_abi(code);
    return d && *d != tls_direction::handshake;
}

constexpr uint8_t abi_code(tls_lib l) {
    return uint8_t(l);
}
constexpr uint8_t abi_code(tls_direction d) {
    return uint8_t(d);
}

// A file whose name (the last path component) starts with a TLS library's prefix:
// ld.so or dlopen is mapping that library, so its probes must be attached now.
constexpr bool is_tls_library_file(std::string_view path) {
    auto slash = path.rfind('/');
    std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    for (const auto& row : tls_lib_table)
        if (!row.prefix.empty() && name.starts_with(row.prefix)) return true;
    return false;
}

namespace detail {
// The BPF side wakes the reader for the same prefixes (AS_TLS_LIB_PREFIXES): the two
// lists must agree, in order.
constexpr bool prefixes_match_abi() {
    constexpr const char* abi[] = AS_TLS_LIB_PREFIXES;
    size_t n = 0;
    for (const auto& row : tls_lib_table) {
        if (row.prefix.empty()) continue;
        if (n >= AS_TLS_LIB_PREFIX_COUNT || row.prefix != abi[n]) return false;
        if (row.prefix.size() + 1 > AS_TLS_LIB_PREFIX_MAX) return false;
        ++n;
    }
    return n == AS_TLS_LIB_PREFIX_COUNT && std::size(abi) == n;
}
}  // namespace detail
static_assert(detail::prefixes_match_abi(), "tls_lib.def prefixes differ from AS_TLS_LIB_PREFIXES");

}  // namespace agentsight
