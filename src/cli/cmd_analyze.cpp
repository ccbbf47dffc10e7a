// `agentsight analyze RAW` and `agentsight export TRACE`: offline commands on
// recorded traces. analyze replays raw process/TLS events through the same
// analyzers `record` runs; no root needed.
#include "cli/commands.h"
#include "cli/fail.h"
#include "cli/output.h"
#include "sinks/export_trace.h"
#include "sinks/trace_reader.h"

namespace agentsight::cli {

command_fn add_analyze_command(CLI::App& app) {
    struct opts {
        std::string input, output = "-", format;
        analysis_flags analysis{.analyze = true};
    };
    auto o = std::make_shared<opts>();
    auto* cmd = app.add_subcommand(
        "analyze", "Run the HTTP/LLM analyzers on a recorded raw capture (no root needed)");
    cmd->add_option("trace", o->input, "Raw capture: JSON Lines of process and tls, or a .db")
        ->required();
    cmd->add_option("-o,--output", o->output, "Output ('-' = stdout)");
    cmd->add_option("--format", o->format, "jsonl or sqlite (default: by extension)");
    cmd->add_flag(
        "--no-redact", [o](int64_t) { o->analysis.redact = false; }, "Do not redact secrets");
    add_correlation_flags(*cmd, o->analysis);
    return [o] {
        auto reader = must(open_trace(o->input));
        pipeline pipe;
        add_analysis_stages(pipe, o->analysis);
        pipe.add_sink(must(open_output(o->output, o->format)));
        event e;
        uint64_t last_ts = 0;
        while (reader->next(e)) {
            // Event time drives timeouts, so a replay flushes where the recording did.
            uint64_t ts = std::visit([](const auto& v) { return v.ts_ns; }, e);
            if (ts > last_ts + 1'000'000'000ull) {
                if (last_ts) pipe.tick(ts);
                last_ts = ts;
            }
            // Derived events from an earlier analysis are re-derived, not copied.
            if (auto* d = std::get_if<derived_event>(&e);
                d && (d->type == "llm_call" || d->type == "http_exchange" ||
                      d->type == "tool_exec" || d->type == "alert"))
                continue;
            pipe.push(std::move(e));
        }
        pipe.finish();
        if (reader->failure()) throw failure(reader->failure()->message);
        return 0;
    };
}

command_fn add_export_command(CLI::App& app) {
    struct opts {
        std::string input, output = "-", format;
    };
    auto o = std::make_shared<opts>();
    auto* cmd = app.add_subcommand("export", "Convert a trace between SQLite and JSON Lines");
    cmd->add_option("trace", o->input, "Input trace (.db or .jsonl)")->required();
    cmd->add_option("-o,--output", o->output, "Output ('-' = stdout)");
    cmd->add_option("--format", o->format, "jsonl or sqlite (default: by the output's extension)");
    return [o] {
        auto fmt = must(format_for_output_path(o->output, o->format));
        if (auto st = export_trace(o->input, o->output, fmt,
                                   export_options{.agentsight_version = k_version});
            !st)
            throw failure(st.message());
        return 0;
    };
}

}  // namespace agentsight::cli
