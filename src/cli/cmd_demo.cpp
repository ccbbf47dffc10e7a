// `agentsight demo`: a built-in, offline agent session recorded end to end.
// A local HTTPS mock LLM answers a small agent (linked to the system libssl)
// with a bash tool call; the agent runs it and asks again; we record it all.
#include <unistd.h>
#include <cstdio>

#include "cli/capture_run.h"
#include "cli/commands.h"
#include "cli/fail.h"
#include "cli/output.h"
#include "demo/demo_agent.h"
#include "demo/mock_llm_server.h"
#include "sinks/trace_reader.h"
#include "util/json_get.h"
#include "util/terminal_text.h"

namespace agentsight::cli {
namespace {

std::string self_exe() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) throw failure("cannot find our own executable (/proc/self/exe)");
    return std::string(buf, size_t(n));
}

std::string clip(std::string s, size_t n) {
    for (auto& c : s)
        if (c == '\n') c = ' ';
    return s.size() > n ? s.substr(0, n) + "..." : s;
}

// The story of the recording, from the trace itself.
void print_story(const std::string& path) {
    auto reader = must(open_trace(path));
    event e;
    // Recorded text, printed through printable() like every report (util/terminal_text.h).
    printf("\nWhat the agent said and did (from %s):\n", printable(path).c_str());
    while (reader->next(e)) {
        if (auto* p = std::get_if<process_event>(&e); p && p->type == process_event_type::exec) {
            std::string argv;
            for (const auto& a : p->argv) argv += (argv.empty() ? "" : " ") + a;
            printf("  exec  pid %-6d %s\n", p->pid, clip(printable(argv), 60).c_str());
        } else if (auto* d = std::get_if<derived_event>(&e); d && d->type == "llm_call") {
            const json& b = d->body;
            printf("  llm   %s %s: \"%s\"\n", printable(json_get(b, "provider", "")).c_str(),
                   printable(json_get(b, "model", "")).c_str(),
                   clip(printable(json_get(b, "user_prompt", "")), 50).c_str());
            for (const auto& t : b["response"]["tool_calls"])
                printf("        -> tool_use %s %s\n", printable(json_get(t, "name", "")).c_str(),
                       clip(printable(t["input"].dump()), 60).c_str());
            if (auto text = json_get(b["response"], "text", ""); !text.empty())
                printf("        -> \"%s\"\n", clip(printable(text), 70).c_str());
        }
    }
}

}  // namespace

command_fn add_demo_command(CLI::App& app) {
    auto output = std::make_shared<std::string>("agentsight-demo.jsonl");
    auto* cmd = app.add_subcommand(
        "demo", "Record a built-in demo agent (local mock LLM, no network, no API key)");
    cmd->add_option("-o,--output", *output, "Trace file (.jsonl or .db)")
        ->default_str("agentsight-demo.jsonl");
    return [output] {
        demo::mock_llm_options mo;
        mo.script = demo::demo_script();
        demo::mock_llm_server server(std::move(mo));
        server.start();
        capture_run_options o;
        o.output = *output;
        o.analysis.analyze = true;
        o.kinds = output_kinds::everything;
        o.capture.target.command = {self_exe(), "demo-agent", "--url", server.base_url()};
        fprintf(stderr, "agentsight: demo: mock LLM at %s, recording to %s\n",
                server.base_url().c_str(), output->c_str());
        int rc = run_capture(o);
        server.stop();
        print_story(*output);
        return rc;
    };
}

command_fn add_demo_agent_command(CLI::App& app) {
    auto opts = std::make_shared<demo::demo_agent_options>();
    opts->api_key = "sk-ant-demo-0000000000000000";  // not a real key; redacted all the same
    auto* cmd = app.add_subcommand("demo-agent", "The demo's agent (run by 'agentsight demo')");
    cmd->group("");  // internal: hidden from --help
    cmd->add_option("--url", opts->base_url, "LLM base URL")->required();
    cmd->add_option("--prompt", opts->prompt, "User prompt");
    return [opts] { return demo::run_demo_agent(*opts); };
}

}  // namespace agentsight::cli
