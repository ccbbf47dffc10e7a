// SPDX-License-Identifier: Apache-2.0
// Issue 19 bug 5: Bun makes its HTTP calls on a thread named "HTTP Client". Each llm_call
// carries `exe_comm`, the name the process's exec gave it, beside the thread's `comm`;
// learned from exec and fork events only, so a replay gives what the recording gave.
#include "test_support.h"
#include "tests/support/event_builders.h"

namespace agentsight::analyzers::test {
namespace {

std::vector<tls_event> on_thread(std::vector<tls_event> records, int32_t pid, int32_t tid,
                                 const std::string& comm) {
    for (auto& r : records) {
        r.pid = pid;
        r.tid = tid;
        r.comm = comm;
        r.conn = std::to_string(pid) + ":7f00aa01";
    }
    return records;
}

process_event proc(process_event_type type, int32_t pid, const std::string& comm,
                   int32_t child = 0) {
    process_event e = agentsight::test::proc(type, 1, pid, 1, comm);
    e.child_pid = child;
    return e;
}

TEST(exe_comm, the_exec_names_the_process_not_the_calling_thread) {
    harness h;
    h.push(proc(process_event_type::exec, 500, "claude"));
    for (auto& r : on_thread(load_capture("anthropic_stream.tls.jsonl"), 500, 507, "HTTP Client"))
        h.push(r);
    h.finish();
    auto calls = bodies(h.derived_jsonl());
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0]["comm"], "HTTP Client");
    EXPECT_EQ(calls[0]["exe_comm"], "claude");
}

// The analyzer adds exe_comm to the body it already made; that body must still be exactly
// what the llm_call declaration encodes, with and without redaction.
TEST(exe_comm, the_body_stays_the_declared_encoding_of_the_payload) {
    for (bool redact : {false, true}) {
        harness h(analysis_options{.redact = redact});
        h.push(proc(process_event_type::exec, 500, "claude"));
        for (auto& r : on_thread(load_capture("anthropic_stream.tls.jsonl"), 500, 507, "x"))
            h.push(r);
        h.finish();
        size_t calls = 0;
        for (const auto& e : h.sunk)
            if (const auto* d = std::get_if<derived_event>(&e);
                d && std::holds_alternative<events::llm_call>(d->payload)) {
                ++calls;
                EXPECT_EQ(std::get<events::llm_call>(d->payload).exe_comm, "claude");
                EXPECT_EQ(d->body, events::encode(d->payload));
            }
        EXPECT_EQ(calls, 1u);
    }
}

TEST(exe_comm, a_forked_child_runs_its_parents_image) {
    harness h;
    h.push(proc(process_event_type::exec, 500, "opencode"));
    h.push(proc(process_event_type::fork, 500, "opencode", 600));
    for (auto& r : on_thread(load_capture("anthropic_stream.tls.jsonl"), 600, 601, "HTTP Client"))
        h.push(r);
    h.finish();
    auto calls = bodies(h.derived_jsonl());
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0]["exe_comm"], "opencode");
}

TEST(exe_comm, without_an_exec_the_main_threads_name_is_used) {
    auto calls = bodies(analyze(load_capture("anthropic_stream.tls.jsonl")));
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0]["exe_comm"], "agent");  // tid == pid in the capture
    auto other =
        bodies(analyze(on_thread(load_capture("anthropic_stream.tls.jsonl"), 42, 43, "worker")));
    ASSERT_EQ(other.size(), 1u);
    EXPECT_EQ(other[0]["exe_comm"], "");  // unknown, never guessed from a thread name
}

}  // namespace
}  // namespace agentsight::analyzers::test
