// SPDX-License-Identifier: Apache-2.0
// Event builders shared by the server tests.
#pragma once

#include <string>
#include <vector>

#include "pipeline/event.h"
#include "tests/support/event_builders.h"

namespace agentsight::server::testing {

using test::exec_of;
using test::open_of;
using test::proc;

inline derived_event derived(const std::string& type, uint64_t ts, json body) {
    body["type"] = type;
    body["ts"] = ts;
    return derived_event(type, ts, std::move(body));
}

}  // namespace agentsight::server::testing
