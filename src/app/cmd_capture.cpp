// SPDX-License-Identifier: Apache-2.0
// `process`, `tls` (alias `ssl`) and `record`: the capturing commands.
#include "app/capture_run.h"
#include "app/commands.h"
#include "app/output.h"

namespace agentsight::cli {

command_fn add_process_command(CLI::App& app) {
    auto o = std::make_shared<capture_run_options>();
    auto* cmd = app.add_subcommand(
        "process", "Trace processes, files and network of a process tree as JSON Lines");
    add_capture_flags(*cmd, *o);
    return [o] {
        o->capture.tls = false;
        o->kinds = output_kinds::process_only;
        o->format = "jsonl";  // raw event streams are always JSON Lines
        return run_capture(*o);
    };
}

command_fn add_tls_command(CLI::App& app) {
    auto o = std::make_shared<capture_run_options>();
    auto explain = std::make_shared<std::string>();
    auto* cmd =
        app.add_subcommand("tls", "Capture TLS plaintext (OpenSSL, GnuTLS, NSS, BoringSSL)");
    cmd->alias("ssl");
    add_capture_flags(*cmd, *o);
    cmd->add_option("--explain", *explain,
                    "Show which TLS functions agentsight finds in PATH and why; exit 1 if none");
    return [o, explain] {
        if (!explain->empty()) return explain_tls(*explain);
        o->kinds = output_kinds::tls_only;
        o->format = "jsonl";
        return run_capture(*o);
    };
}

command_fn add_record_command(CLI::App& app) {
    auto o = std::make_shared<capture_run_options>();
    o->output = "trace.db";
    auto* cmd = app.add_subcommand(
        "record", "Record an agent: processes, files, network, TLS and LLM calls, in one trace");
    add_capture_flags(*cmd, *o);
    cmd->get_option("--output")
        ->default_str("trace.db")
        ->description(
            "Trace file: .db = SQLite (default trace.db), .jsonl = JSON Lines, '-' = stdout");
    cmd->add_option("--format", o->format, "jsonl or sqlite (default: by extension)");
    add_export_flags(*cmd, o->exports);
    add_correlation_flags(*cmd, o->analysis);
    cmd->add_flag("--ui", o->ui, "Serve the live web UI while recording");
    cmd->add_option("--port", o->ui_port, "UI port")->default_val(7395);
    cmd->add_option("--bind", o->ui_bind, "UI bind address (beyond loopback only with care)")
        ->default_val("127.0.0.1");
    return [o] {
        o->analysis.analyze = true;
        o->kinds = output_kinds::everything;
        return run_capture(*o);
    };
}

}  // namespace agentsight::cli
