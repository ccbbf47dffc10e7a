// `agentsight report TRACE`: being written (issue 7); registered so the CLI shape is fixed.
#include "cli/commands.h"
#include "cli/fail.h"

namespace agentsight::cli {

command_fn add_report_command(CLI::App& app) {
    auto trace = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("report", "Summarize a recorded session");
    cmd->add_option("trace", *trace, "Trace file (.db or .jsonl)")->required();
    return [] () -> int { throw failure("report: not available in this build yet"); };
}

}  // namespace agentsight::cli
