// SPDX-License-Identifier: Apache-2.0
// `agentsight demo`: a built-in, offline agent session recorded end to end.
// A local HTTPS mock LLM answers a small agent (linked to the system libssl)
// with a bash tool call; the agent runs it and asks again; we record it all.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>

#include "app/capture_run.h"
#include "app/commands.h"
#include "app/fail.h"
#include "app/output.h"
#include "app/sandbox.h"
#include "demo/demo_agent.h"
#include "demo/mock_llm_server.h"
#include "replay/trace_reader.h"
#include "util/json_get.h"
#include "util/safe_file.h"
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

// The story of the recording, from the trace itself (`from` "-" is stdin).
void print_story(const std::string& from, const std::string& path) {
    auto reader = must(open_trace(from));
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

// Tells the story in a child under the same sandbox as the analysis process
// that wrote the trace: this process stays root and parses none of it. The
// child is forked before the recording, while we can still change user (the
// capture process keeps too few capabilities for that), and waits for tell().
// It reads a JSON Lines trace as --user, on stdin opened without following a
// link; a SQLite trace, which SQLite opens by name, as the user it belongs to.
class story_teller {
  public:
    story_teller(const std::string& path, const std::string& user) {
        int go[2];
        if (::pipe2(go, O_CLOEXEC) != 0) return;
        fflush(nullptr);  // or buffered output would be written twice
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(go[1]);
            signal(SIGINT, SIG_IGN);  // the recording's Ctrl-C is for the capture process
            signal(SIGTERM, SIG_IGN);
            char byte;
            if (::read(go[0], &byte, 1) == 1) tell_as_sandboxed(path, user);
            fflush(nullptr);
            _exit(0);
        }
        ::close(go[0]);
        go_ = pid_ > 0 ? go[1] : (::close(go[1]), -1);
    }
    ~story_teller() { finish(false); }
    void tell() { finish(true); }

  private:
    void finish(bool go) {
        if (go_ < 0) return;
        if (go) (void)!::write(go_, "G", 1);
        ::close(go_);
        go_ = -1;
        int st;
        while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
        }
    }

    static void tell_as_sandboxed(const std::string& path, const std::string& user) {
        try {
            auto fmt = format_for_output_path(path);
            const bool jsonl = fmt && *fmt == output_format::jsonl;
            sandbox_user as{"", invoking_owner().uid, invoking_owner().gid};
            if (jsonl) {
                int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
                struct stat st {};
                if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
                    ::dup2(fd, STDIN_FILENO) < 0 || ::fcntl(STDIN_FILENO, F_SETFL, 0) != 0)
                    throw failure(path + ": cannot read the trace back");
                ::close(fd);
                as = must(lookup_user(user));
            }
            // Landlock lets it read the trace on stdin, or the SQLite trace by name.
            sandbox_policy policy{.output_path = jsonl ? "" : path,
                                  .output_companions = !jsonl,
                                  .stdin_is_input = jsonl};
            std::string note;
            if (auto st = enter_sandbox(as, policy, note); !st) throw failure(st.message());
            print_story(jsonl ? "-" : path, path);
        } catch (const failure& f) {
            fprintf(stderr, "agentsight: %s\n", f.what());
        }
    }

    pid_t pid_ = -1;
    int go_ = -1;
};

}  // namespace

command_fn add_demo_command(CLI::App& app) {
    auto output = std::make_shared<std::string>("agentsight-demo.jsonl");
    auto* cmd = app.add_subcommand(
        "demo", "Record a built-in demo agent (local mock LLM, no network, no API key)");
    cmd->add_option("-o,--output", *output, "Trace file (.jsonl or .db)")
        ->default_str("agentsight-demo.jsonl");
    return [output] {
        capture_run_options o;
        story_teller story(*output, o.user);  // first: before any thread or capability drop
        demo::mock_llm_options mo;
        mo.script = demo::demo_script();
        demo::mock_llm_server server(std::move(mo));
        server.start();
        o.output = *output;
        o.analysis.analyze = true;
        o.kinds = output_kinds::everything;
        o.capture.target.command = {self_exe(), "demo-agent", "--url", server.base_url()};
        fprintf(stderr, "agentsight: demo: mock LLM at %s, recording to %s\n",
                server.base_url().c_str(), output->c_str());
        int rc = run_capture(o);
        server.stop();
        story.tell();
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
