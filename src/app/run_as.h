// SPDX-License-Identifier: Apache-2.0
// Who `-- CMD` runs as. Under sudo the agent is the invoking user's program,
// not root's: run as root it could stop or kill the recorder and rewrite what
// the recorder reads. `--run-as USER` chooses; `--run-as root` keeps root.
#pragma once

#include <optional>
#include <string>

#include "sources/targeting.h"
#include "util/result.h"

namespace agentsight::cli {

struct run_as_choice {
    std::optional<command_identity> identity;  // nullopt: our own credentials
    std::string warning;                       // one line for stderr, or ""
};

// `flag` is --run-as ("" when not given): a user name or a numeric uid.
// Without it: the sudo invoker (SUDO_UID/SUDO_GID) when root through sudo,
// else our own credentials (plain root asked for root). "root" or uid 0 keeps
// root with a warning. Another user needs root.
result<run_as_choice> choose_run_as(const std::string& flag);

}  // namespace agentsight::cli
