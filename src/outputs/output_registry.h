// SPDX-License-Identifier: Apache-2.0
// The outputs `record` can export to besides its trace file, from the flag that asks for
// each to the factory that builds its sink. Adding one is a room under outputs/ that
// describes itself as an `export_output`, plus one line in output_registry.cpp; app/
// registers the flags and builds the sinks from this list.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/stage.h"
#include "util/result.h"

namespace agentsight {

// The values the command line gave an output's flags ("" or false when not given).
struct output_flag_values {
    std::map<std::string, std::string> text;  // "--otlp" -> "http://127.0.0.1:4318"
    std::map<std::string, bool> on;           // "--otlp-content" -> true

    std::string value(const std::string& flag) const;
    bool is_on(const std::string& flag) const;
};

struct output_flag {
    std::string name;  // as typed: "--otlp"
    std::string help;
    bool is_switch = false;  // a flag without a value
};

struct output_context {
    std::string agentsight_version;
};

struct export_output {
    std::string name;
    // flags[0] takes a value; giving it asks for the output. The rest tune it.
    std::vector<output_flag> flags;
    result<std::unique_ptr<sink>> (*make)(const output_flag_values&, const output_context&);
    // The TCP port the output connects to, for the analysis process's sandbox.
    std::optional<uint16_t> (*connect_port)(const output_flag_values&);

    bool wanted(const output_flag_values& v) const { return !v.value(flags.at(0).name).empty(); }
};

// In the order their flags appear in --help.
const std::vector<export_output>& export_outputs();

}  // namespace agentsight
