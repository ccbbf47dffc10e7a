// SPDX-License-Identifier: Apache-2.0
// Who asked for this run: the user behind sudo, so that root can hand files
// and the agent back to them instead of keeping both as root.
#pragma once

#include <sys/types.h>

#include <optional>

namespace agentsight {

struct invoking_user {
    uid_t uid;
    gid_t gid;
};

// SUDO_UID/SUDO_GID when this process runs as root through sudo and they name
// a non-root user; nullopt otherwise (plain root, or a normal user, owns its
// own files already). Malformed values are ignored rather than trusted.
std::optional<invoking_user> sudo_invoker();

}  // namespace agentsight
