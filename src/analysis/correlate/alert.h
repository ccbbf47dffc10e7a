// SPDX-License-Identifier: Apache-2.0
// What the correlator needs around the `alert` event (pipeline/events/alert.h,
// docs/correlation.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/event.h"

namespace agentsight::analyzers {

// The alert is the typed event itself (pipeline/events/alert.h): the correlator fills it in.
using alert_ref = events::alert_ref;
using alert_chain = events::alert_chain;
using alert = events::alert;

alert_ref ref_of(const process_event& e);

derived_event to_event(const alert& a);

// Helpers for messages: argv joined and clipped so one alert stays one readable line.
std::string describe_argv(const std::vector<std::string>& argv, size_t max_chars = 160);
std::string clip(std::string_view s, size_t max_chars);

}  // namespace agentsight::analyzers
