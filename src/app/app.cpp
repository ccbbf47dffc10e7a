// SPDX-License-Identifier: Apache-2.0
#include "app/app.h"

#include <cstdio>
#include <exception>
#include <map>
#include <optional>
#include <string>

#include "app/commands.h"
#include "app/fail.h"
#include "util/terminal_text.h"

namespace agentsight::cli {

namespace {

bool is_command(CLI::App& app, const char* name) {
    for (auto* sub : app.get_subcommands({}))
        if (sub->check_name(name)) return true;
    return false;
}

// A first word that is neither a command nor a flag agentsight has: one line, exit code 2.
std::optional<int> refuse_unknown_first_word(CLI::App& app, int argc, char** argv) {
    if (argc > 1 && argv[1][0] != '-' && !is_command(app, argv[1])) {
        fprintf(stderr, "agentsight: unknown command '%s' (see 'agentsight --help')\n",
                printable(argv[1]).c_str());
        return 2;
    }
    // Without this, CLI11 reports a flag it does not know, placed before any command, as
    // "A subcommand is required", which hides the typo.
    if (argc > 1 && argv[1][0] == '-' && app.get_option_no_throw(argv[1]) == nullptr) {
        fprintf(stderr, "agentsight: unknown flag '%s' (see 'agentsight --help')\n",
                printable(argv[1]).c_str());
        return 2;
    }
    return std::nullopt;
}

// Parses the command line; when that ends the run (help, version, a mistake), the exit code.
std::optional<int> parse(CLI::App& app, int argc, char** argv) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // One line: the mistake, and where the command's flags are listed.
        std::string help = argc > 1 && is_command(app, argv[1])
                               ? std::string("agentsight ") + argv[1] + " --help"
                               : "agentsight --help";
        fprintf(stderr, "agentsight: %s (see '%s')\n", printable(e.what()).c_str(),
                printable(help).c_str());
        return 2;
    } catch (const std::exception& e) {
        // A flag's own conversion threw (e.g. std::stoul on "abc"): still one line, exit 2.
        fprintf(stderr, "agentsight: bad command line: %s (see 'agentsight --help')\n",
                printable(e.what()).c_str());
        return 2;
    }
    return std::nullopt;
}

int run_command(const command_fn& fn) {
    try {
        return fn();
    } catch (const failure& f) {
        // An empty message: the analysis process has already said why.
        if (*f.what()) fprintf(stderr, "agentsight: %s\n", f.what());
        return f.exit_code;
    } catch (const std::exception& e) {
        // A bug or an unexpected library error: still one line, never "terminate called".
        fprintf(stderr, "agentsight: internal error: %s\n", printable(e.what()).c_str());
        return 1;
    }
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{
        "agentsight: see what an AI agent says (LLM traffic from TLS plaintext) and what it does\n"
        "(processes, files, network), with eBPF, without touching the agent.",
        "agentsight"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "agentsight 0.1.0");
    app.footer("Run 'agentsight COMMAND --help' for a command's flags. Docs: docs/events.md");

    std::map<CLI::App*, command_fn> commands;
    auto add = [&](command_fn (*adder)(CLI::App&)) {
        size_t before = app.get_subcommands({}).size();
        command_fn fn = adder(app);
        commands[app.get_subcommands({})[before]] = std::move(fn);
    };
    add(add_record_command);
    add(add_process_command);
    add(add_tls_command);
    add(add_analyze_command);
    add(add_export_command);
    add(add_report_command);
    add(add_serve_command);
    add(add_demo_command);
    add(add_demo_agent_command);
    add(add_mock_llm_command);

    if (auto refused = refuse_unknown_first_word(app, argc, argv)) return *refused;
    if (auto ended = parse(app, argc, argv)) return *ended;
    for (auto& [sub, fn] : commands)
        if (sub->parsed()) return run_command(fn);
    return 2;
}

}  // namespace agentsight::cli
