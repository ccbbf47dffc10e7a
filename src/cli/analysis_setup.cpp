#include "cli/output.h"

namespace agentsight::cli {

// Replaced by the analyzers' chain as soon as it lands (in progress).
void add_analysis_stages(pipeline&, bool, bool) {}
void add_export_sinks(pipeline&, capture_run_options&) {}

}  // namespace agentsight::cli
