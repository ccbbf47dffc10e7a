// SPDX-License-Identifier: Apache-2.0
// The session model (pipeline/session): the process table and the tool-call lifecycle that
// the correlator, the UI, OTLP and the store all read.
#include <gtest/gtest.h>

#include "pipeline/session/process_table.h"
#include "pipeline/session/tool_calls.h"

namespace agentsight::session {
namespace {

using t = process_event_type;

TEST(process_table, an_exec_chain_is_one_process_with_a_history_of_images) {
    process_table procs;
    procs.observe({.type = t::exec,
                   .ts_ns = 10,
                   .pid = 100,
                   .ppid = 1,
                   .comm = "claude",
                   .filename = "/usr/bin/claude",
                   .argv = {"claude"}});
    procs.observe(
        {.type = t::fork, .ts_ns = 20, .pid = 100, .ppid = 1, .comm = "claude", .child_pid = 200});
    procs.observe({.type = t::exec,
                   .ts_ns = 30,
                   .pid = 200,
                   .ppid = 100,
                   .uid = 1000,
                   .comm = "bash",
                   .filename = "/bin/bash",
                   .argv = {"bash", "-c", "exec cat x"}});
    procs.observe({.type = t::exec,
                   .ts_ns = 31,
                   .pid = 200,
                   .ppid = 100,
                   .comm = "cat",
                   .filename = "/bin/cat",
                   .argv = {"cat", "x"}});
    procs.observe(
        {.type = t::exit, .ts_ns = 40, .pid = 200, .ppid = 100, .comm = "cat", .exit_code = 1});

    ASSERT_EQ(procs.size(), 2u);
    const process_life* cat = procs.find(200);
    ASSERT_NE(cat, nullptr);
    EXPECT_EQ(cat->parent_id, static_cast<int64_t>(procs.find(100)->id));
    ASSERT_EQ(cat->images.size(), 2u);
    EXPECT_EQ(cat->images[0]->filename, "/bin/bash");
    EXPECT_EQ(cat->images[0]->uid, 1000u);
    EXPECT_EQ(cat->filename(), "/bin/cat");
    EXPECT_EQ(cat->shown_comm(), "cat");
    EXPECT_EQ(cat->inherited->filename, "/usr/bin/claude");  // what it ran until its exec
    EXPECT_EQ(cat->fork_ts, 20u);
    EXPECT_EQ(process_table::start_of(*cat), 20u);
    EXPECT_TRUE(cat->exited);
    EXPECT_EQ(cat->exit_code, 1);
    EXPECT_TRUE(procs.descends_from(200, 100));
}

TEST(process_table, a_reused_pid_starts_a_new_life_but_a_late_event_does_not) {
    process_table procs;
    procs.observe({.type = t::exec, .ts_ns = 10, .pid = 300, .ppid = 1, .comm = "sh"});
    procs.observe({.type = t::exit, .ts_ns = 20, .pid = 300, .ppid = 1, .comm = "sh"});
    const uint64_t first = procs.find(300)->id;
    // An aggregated file_open flushed after the exit belongs to the life that opened it.
    procs.observe({.type = t::file_open, .ts_ns = 21, .pid = 300, .ppid = 1, .comm = "sh"});
    EXPECT_EQ(procs.find(300)->id, first);
    procs.observe({.type = t::exec, .ts_ns = 30, .pid = 300, .ppid = 1, .comm = "other"});
    const process_life* second = procs.find(300);
    EXPECT_NE(second->id, first);
    EXPECT_FALSE(second->exited);
    EXPECT_EQ(procs.size(), 2u);
    procs.prune(25);  // the first life ended before 25
    EXPECT_EQ(procs.size(), 1u);
    EXPECT_EQ(procs.find(300)->id, second->id);
}

TEST(process_table, an_exec_loop_keeps_its_first_and_newest_images) {
    process_table procs;
    for (int i = 0; i < 20; ++i)
        procs.observe({.type = t::exec,
                       .ts_ns = 10 + static_cast<uint64_t>(i),
                       .pid = 400,
                       .ppid = 1,
                       .comm = "loop",
                       .filename = "/bin/" + std::to_string(i)});
    const process_life* p = procs.find(400);
    EXPECT_EQ(p->images.size(), process_table::k_max_images);
    EXPECT_EQ(p->images.front()->filename, "/bin/0");
    EXPECT_EQ(p->filename(), "/bin/19");
    EXPECT_EQ(p->exec_count, 20u);
}

TEST(process_table, bound_forgets_the_oldest_exited_lives) {
    process_table procs;
    for (int32_t pid = 1; pid <= 4; ++pid) {
        procs.observe({.type = t::exec, .ts_ns = 1, .pid = pid, .ppid = 0, .comm = "a"});
        if (pid != 2) procs.observe({.type = t::exit, .ts_ns = 2, .pid = pid, .comm = "a"});
    }
    procs.bound(2);
    EXPECT_EQ(procs.size(), 2u);
    EXPECT_EQ(procs.find(1), nullptr);
    EXPECT_NE(procs.find(2), nullptr);  // still running: never forgotten
    EXPECT_EQ(procs.find(3), nullptr);
    EXPECT_NE(procs.find(4), nullptr);
}

json llm_call(json body) {
    body["type"] = "llm_call";
    body["pid"] = 100;
    body["conn"] = "100:7";
    body["duration_ms"] = 2.0;
    return body;
}

TEST(tool_calls, a_call_goes_from_pending_to_linked_to_answered) {
    tool_calls calls;
    const json ask =
        llm_call({{"response",
                   {{"tool_calls",
                     {{{"id", "toolu_1"}, {"name", "Bash"}, {"input", {{"command", "ls"}}}}}}}}});
    const uint64_t end = llm_call_end(ask, 1000);
    EXPECT_EQ(end, 1000u + 2'000'000u);
    tool_turn turn = calls.on_llm_call(ask, 1000, end);
    ASSERT_EQ(turn.requests.size(), 1u);
    ASSERT_NE(turn.requests[0].call, nullptr);
    EXPECT_EQ((*turn.requests[0].input)["command"], "ls");
    const tool_call* c = calls.find("toolu_1");
    ASSERT_NE(c, nullptr);
    EXPECT_TRUE(c->requested);
    EXPECT_FALSE(c->linked);
    EXPECT_EQ(c->agent_pid, 100);
    EXPECT_EQ(c->conn, "100:7");
    EXPECT_EQ(c->llm_end_ts, end);

    calls.on_tool_exec("toolu_1", "Bash");
    EXPECT_TRUE(c->linked);

    const json answer =
        llm_call({{"tool_results", {{{"tool_call_id", "toolu_1"}, {"is_error", true}}}}});
    turn = calls.on_llm_call(answer, 5000, 5000);
    ASSERT_EQ(turn.results.size(), 1u);
    EXPECT_EQ(turn.results[0].call, c);
    EXPECT_TRUE(c->result_seen);
    EXPECT_TRUE(c->is_error);
    EXPECT_EQ(c->result_llm_ts, 5000u);
    // A second copy of the result answers nothing new.
    EXPECT_EQ(calls.on_llm_call(answer, 6000, 6000).results[0].call, nullptr);

    calls.close("toolu_1");
    EXPECT_TRUE(calls.open().empty());
    EXPECT_TRUE(calls.closed("toolu_1"));
    ASSERT_NE(calls.recall("toolu_1"), nullptr);
    EXPECT_EQ(calls.recall("toolu_1")->name, "Bash");
    // Asked again after it closed: not a new call.
    EXPECT_EQ(calls.on_llm_call(ask, 7000, 7000).requests[0].call, nullptr);
}

TEST(tool_calls, a_tool_exec_for_an_unseen_request_opens_an_unrequested_call) {
    tool_calls calls;
    tool_call& c = calls.on_tool_exec("call_9", "shell");
    EXPECT_FALSE(c.requested);
    EXPECT_TRUE(c.linked);
    EXPECT_EQ(calls.open().size(), 1u);
}

// Found by fuzz_llm: closing by the id at the front of open() erased the very string the id
// referred to, then copied it (heap use after free under ASan, unit_asan).
TEST(tool_calls, closing_by_an_id_held_in_the_open_list_is_safe) {
    tool_calls calls;
    calls.on_tool_exec("call_1", "shell");
    calls.on_tool_exec("call_2", "shell");
    calls.close(calls.open().front());
    ASSERT_EQ(calls.open().size(), 1u);
    EXPECT_EQ(calls.open().front(), "call_2");
    EXPECT_TRUE(calls.closed("call_1"));
}

}  // namespace
}  // namespace agentsight::session
