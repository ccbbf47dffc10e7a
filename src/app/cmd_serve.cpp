// SPDX-License-Identifier: Apache-2.0
// `agentsight serve TRACE`: the web UI on a recorded trace.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "analysis/redact/redact.h"
#include "app/commands.h"
#include "app/fail.h"
#include "app/read_redaction.h"
#include "app/sandbox_policy.h"
#include "replay/trace_reader.h"
#include "ui/trace_loader.h"
#include "ui/ui_server.h"
#include "util/invoking_user.h"

namespace agentsight::cli {
namespace {

// Root was needed at most to read the trace and bind the port, both done: the
// requests, which come from the network, are served as the user behind sudo,
// or as nobody under plain root. glibc applies setgroups, setresgid and
// setresuid to every thread, so the server's threads drop too, and a uid
// change away from 0 clears their capabilities.
status drop_root() {
    if (geteuid() != 0) return ok_status();
    uid_t uid;
    gid_t gid;
    if (auto invoker = sudo_invoker()) {
        uid = invoker->uid;
        gid = invoker->gid;
    } else if (const passwd* pw = getpwnam("nobody")) {
        uid = pw->pw_uid;
        gid = pw->pw_gid;
    } else {
        return error{"cannot drop root: no user 'nobody' (run serve as a normal user)"};
    }
    if (setgroups(0, nullptr) != 0 || setresgid(gid, gid, gid) != 0 ||
        setresuid(uid, uid, uid) != 0)
        return error{std::string("cannot drop root: ") + strerror(errno)};
    if (setuid(0) == 0) return error{"cannot drop root: root could be regained"};
    return ok_status();
}

}  // namespace

command_fn add_serve_command(CLI::App& app) {
    struct opts {
        std::string trace;
        std::string bind = "127.0.0.1";
        uint16_t port = 7395;
        bool redact = true;
    };
    auto o = std::make_shared<opts>();
    auto* cmd = app.add_subcommand("serve", "Serve the web UI on a recorded trace (.db or .jsonl)");
    cmd->add_option("trace", o->trace, "Trace file")->required();
    cmd->add_option("--port", o->port, "Port (0 = any free port)")->default_val(7395);
    cmd->add_option("--bind", o->bind, "Bind address; beyond loopback only with care")
        ->default_val("127.0.0.1");
    cmd->add_flag(
        "--no-redact", [o](int64_t) { o->redact = false; },
        "Serve secrets as the trace holds them (redacted again by default)");
    return [o] {
        auto reader = must(open_trace(o->trace));
        auto store = std::make_shared<server::event_store>();
        analyzers::redact_stage redact({.enabled = o->redact});
        if (!o->redact) warn_no_redact();
        server::load_events(*store, [&](event& e) {
            if (!reader->next(e)) return false;
            redact.on_event(e, [](event) {});
            return true;
        });
        if (reader->failure()) throw failure(reader->failure()->message);
        // Block before the server's threads exist so only sigwait sees them.
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
        server::ui_server ui({.bind = o->bind, .port = o->port}, store);
        if (auto st = ui.start(); !st) throw failure(st.message());
        if (auto st = drop_root(); !st) throw failure(st.message());
        // What a parser of network requests may call, on every server thread: the
        // analysis process's allowlist, with the one port it listens on.
        if (auto st = install_seccomp_allowlist({.bind_port = ui.port()}, getpid(), true); !st)
            throw failure(st.message());
        if (auto w = server::non_loopback_warning(o->bind); !w.empty())
            fprintf(stderr, "agentsight: %s\n", w.c_str());  // it says "warning:"
        fprintf(stderr, "agentsight UI: %s\n", ui.url().c_str());
        int sig = 0;
        sigwait(&set, &sig);
        ui.stop();
        return 0;
    };
}

}  // namespace agentsight::cli
