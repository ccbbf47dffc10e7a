// SPDX-License-Identifier: Apache-2.0
// `agentsight analyze RAW` and `agentsight export TRACE`: offline commands on
// recorded traces. analyze replays raw process/TLS events through the same
// analyzers `record` runs; no root needed. export passes every event through the redaction
// stage again unless --no-redact (then it copies the JSON as recorded).
#include <sys/stat.h>

#include "analysis/redact/redact.h"
#include "app/commands.h"
#include "app/fail.h"
#include "app/output.h"
#include "app/read_redaction.h"
#include "replay/export_trace.h"
#include "replay/trace_reader.h"

namespace agentsight::cli {
namespace {

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa, sb;
    if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace

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
        "--no-redact", [o](int64_t) { o->analysis.redact = false; },
        "Do not redact secrets (a warning says so)");
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
        bool redact = true;
    };
    auto o = std::make_shared<opts>();
    auto* cmd = app.add_subcommand("export", "Convert a trace between SQLite and JSON Lines");
    cmd->add_option("trace", o->input, "Input trace (.db or .jsonl)")->required();
    cmd->add_option("-o,--output", o->output, "Output ('-' = stdout)");
    cmd->add_option("--format", o->format, "jsonl or sqlite (default: by the output's extension)");
    cmd->add_flag(
        "--no-redact", [o](int64_t) { o->redact = false; },
        "Copy events exactly as recorded (by default they pass the redaction stage again)");
    return [o] {
        auto fmt = must(format_for_output_path(o->output, o->format));
        if (!o->redact) {
            warn_no_redact();
            if (auto st = export_trace(o->input, o->output, fmt,
                                       export_options{.agentsight_version = k_version});
                !st)
                throw failure(st.message());
            return 0;
        }
        if (o->input != "-" && o->output != "-" && same_file(o->input, o->output))
            throw failure(o->output + ": is the input file; export to another name");
        auto reader = must(open_trace(o->input));
        pipeline pipe;
        pipe.add_stage(std::make_unique<analyzers::redact_stage>());
        pipe.add_sink(must(open_output(o->output, o->format)));
        event e;
        while (reader->next(e)) pipe.push(std::move(e));
        pipe.finish();
        if (reader->failure()) throw failure(reader->failure()->message);
        if (auto f = pipe.failure(); !f.empty()) throw failure(f);
        return 0;
    };
}

}  // namespace agentsight::cli
