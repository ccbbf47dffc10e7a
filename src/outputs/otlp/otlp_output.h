// SPDX-License-Identifier: Apache-2.0
// OTLP export as an entry of the output registry (outputs/output_registry.h):
// `--otlp URL [--otlp-content]`.
#pragma once

#include "outputs/output_registry.h"

namespace agentsight {

export_output otlp_output();

}  // namespace agentsight
