// SPDX-License-Identifier: Apache-2.0
#include <cstdio>

#include "analysis/analysis.h"
#include "analysis/correlate/correlate.h"
#include "analysis/redact/redact.h"
#include "app/fail.h"
#include "app/output.h"
#include "app/read_redaction.h"
#include "outputs/output_registry.h"
#include "ui/live_sink.h"
#include "ui/ui_server.h"

namespace agentsight::cli {

void warn_no_redact() {
    fprintf(stderr,
            "agentsight: warning: --no-redact: API keys, tokens, passwords and auth headers "
            "are written out as captured\n");
}

void redact_read_events(std::vector<event>& events, bool redact) {
    if (!redact) return warn_no_redact();
    analyzers::redact_stage stage;
    for (auto& e : events) stage.on_event(e, [](event) {});
}

void add_analysis_stages(pipeline& p, const analysis_flags& f) {
    if (!f.redact) warn_no_redact();
    if (f.analyze) {
        auto correlate = must(analyzers::make_correlator({f.rules, f.workdir}));
        for (auto& s : analyzers::make_analysis_stages({.redact = f.redact}, std::move(correlate)))
            p.add_stage(std::move(s));
    } else if (f.redact) {
        p.add_stage(std::make_unique<analyzers::redact_stage>());
    }
}

void add_correlation_flags(CLI::App& cmd, analysis_flags& f) {
    cmd.add_option("--rules", f.rules, "Alert rules (JSON) merged over the built-in ones")
        ->check(CLI::ExistingFile);
    cmd.add_option("--workdir", f.workdir,
                   "The agent's working directory, for write-outside-workdir alerts "
                   "(default: the current directory for -- CMD)");
}

std::shared_ptr<void> add_export_sinks(pipeline& p, capture_run_options& o) {
    for (const auto& output : export_outputs())
        if (output.wanted(o.exports))
            p.add_sink(must(output.make(o.exports, output_context{k_version})));
    if (!o.ui) return nullptr;
    auto store = std::make_shared<server::event_store>();
    p.add_sink(std::make_unique<server::live_sink>(store));
    auto ui = std::make_shared<server::ui_server>(
        server::ui_options{.bind = o.ui_bind, .port = o.ui_port}, store);
    if (auto st = ui->start(); !st) throw failure(st.message());
    if (auto w = server::non_loopback_warning(o.ui_bind); !w.empty())
        fprintf(stderr, "agentsight: %s\n", w.c_str());  // it says "warning:"
    fprintf(stderr, "agentsight UI: %s\n", ui->url().c_str());
    return ui;
}

}  // namespace agentsight::cli
