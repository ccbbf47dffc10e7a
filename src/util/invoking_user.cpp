// SPDX-License-Identifier: Apache-2.0
#include "util/invoking_user.h"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

namespace agentsight {
namespace {

std::optional<unsigned> id_from_env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    unsigned id = 0;
    const char* end = v + std::strlen(v);
    auto [p, ec] = std::from_chars(v, end, id);
    if (ec != std::errc{} || p != end) return std::nullopt;
    return id;
}

}  // namespace

std::optional<invoking_user> sudo_invoker() {
    if (geteuid() != 0) return std::nullopt;
    auto uid = id_from_env("SUDO_UID");
    auto gid = id_from_env("SUDO_GID");
    if (!uid || !gid || *uid == 0) return std::nullopt;
    return invoking_user{static_cast<uid_t>(*uid), static_cast<gid_t>(*gid)};
}

}  // namespace agentsight
