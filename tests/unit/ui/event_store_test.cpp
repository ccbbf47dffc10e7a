// SPDX-License-Identifier: Apache-2.0
#include "ui/event_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "test_events.h"
#include "ui/trace_loader.h"

namespace agentsight::server {
namespace {

using namespace testing;
using t = process_event_type;

json parse(const std::string& s) {
    return json::parse(s);
}

// 10k events over 100 pids with a known mix, so every filter has an exact answer.
std::shared_ptr<event_store> synthetic_store() {
    auto store = std::make_shared<event_store>();
    for (int i = 0; i < 10000; ++i) {
        const int32_t pid = 1000 + i % 100;
        const uint64_t ts = 1'000'000'000ull + uint64_t(i) * 1000;
        if (i % 10 == 0) {
            store->add(exec_of(ts, pid, 1, {"cat", "/tmp/file" + std::to_string(i)}));
        } else {
            store->add(open_of(ts, pid, "/data/f" + std::to_string(i) + (i % 7 ? "" : "/Needle")));
        }
    }
    return store;
}

TEST(event_store, pages_in_time_order_with_seq) {
    auto store = synthetic_store();
    event_query q;
    q.offset = 9990;
    q.limit = 50;
    event_page p = store->query(q);
    EXPECT_EQ(p.total, 10000u);
    ASSERT_EQ(p.items.size(), 10u);
    EXPECT_EQ(parse(p.items[0])["_seq"], 9991);
    EXPECT_EQ(parse(p.items[9])["_seq"], 10000);
}

TEST(event_store, filters_by_type_pid_time_and_text) {
    auto store = synthetic_store();
    event_query q;
    q.types = {"exec"};
    EXPECT_EQ(store->query(q).total, 1000u);

    q = {};
    q.pid = 1005;
    EXPECT_EQ(store->query(q).total, 100u);
    q.types = {"exec"};
    EXPECT_EQ(store->query(q).total, 0u);  // 1005 never execs: i % 10 == 5
    q.pid = 1010;
    EXPECT_EQ(store->query(q).total, 100u);  // i % 100 == 10 is always an exec

    q = {};
    q.since_ns = 1'000'000'000ull + 100 * 1000;
    q.until_ns = 1'000'000'000ull + 199 * 1000;  // inclusive: events 100..199
    EXPECT_EQ(store->query(q).total, 100u);
    q.types = {"exec", "file_open"};
    EXPECT_EQ(store->query(q).total, 100u);
    q.types = {"exec", "no_such_type"};
    EXPECT_EQ(store->query(q).total, 10u);

    q = {};
    q.text = "NEEDLE";  // case-insensitive; i % 7 == 0 and not an exec
    size_t want = 0;
    for (int i = 0; i < 10000; ++i) want += (i % 10 != 0 && i % 7 == 0);
    q.limit = 3;
    q.offset = 1;
    event_page p = store->query(q);
    EXPECT_EQ(p.total, want);
    ASSERT_EQ(p.items.size(), 3u);
    EXPECT_EQ(parse(p.items[0])["path"], "/data/f14/Needle");  // offset 1 skips f7
}

TEST(event_store, text_search_ignores_keys) {
    auto store = synthetic_store();
    event_query q;
    q.text = "ppid";
    EXPECT_EQ(store->query(q).total, 0u);
}

TEST(event_store, out_of_order_events_are_placed_by_time) {
    event_store store;
    store.add(open_of(300, 1, "/c"));
    store.add(open_of(100, 1, "/a"));
    store.add(open_of(200, 1, "/b"));
    event_query q;
    event_page p = store.query(q);
    ASSERT_EQ(p.items.size(), 3u);
    EXPECT_EQ(parse(p.items[0])["path"], "/a");
    EXPECT_EQ(parse(p.items[1])["path"], "/b");
    EXPECT_EQ(parse(p.items[2])["_seq"], 1);
    q.pid = 1;
    q.since_ns = 150;
    EXPECT_EQ(store.query(q).total, 2u);
}

TEST(event_store, limit_is_capped) {
    auto store = synthetic_store();
    event_query q;
    q.limit = 1'000'000;
    EXPECT_EQ(store->query(q).items.size(), event_store::k_max_page);
}

TEST(event_store, builds_process_tree_from_fork_exec_exit) {
    event_store store;
    store.add(exec_of(10, 100, 1, {"claude"}));
    process_event f = proc(t::fork, 20, 100, 1, "claude");
    f.child_pid = 200;
    store.add(f);
    store.add(exec_of(21, 200, 100, {"bash", "-c", "ls"}));
    store.add(open_of(22, 200, "/etc/passwd"));
    process_event c = proc(t::connect, 23, 200);
    c.addr = "1.2.3.4";
    c.port = 443;
    store.add(c);
    process_event x = proc(t::exit, 30, 200, 100, "bash");
    x.exit_code = 2;
    store.add(x);
    store.add(derived("alert", 31, {{"rule", "secret_read"}, {"pids", {200}}}));
    // pid 200 reused after its exit: a new node
    store.add(exec_of(40, 200, 1, {"other"}));

    auto nodes = store.process_nodes();
    ASSERT_EQ(nodes.size(), 3u);
    EXPECT_EQ(nodes[0].pid, 100);
    EXPECT_EQ(nodes[0].parent, -1);
    EXPECT_EQ(nodes[1].pid, 200);
    EXPECT_EQ(nodes[1].parent, 0);
    EXPECT_EQ(nodes[1].argv, (std::vector<std::string>{"bash", "-c", "ls"}));
    EXPECT_TRUE(nodes[1].exited);
    EXPECT_EQ(nodes[1].exit_code, 2);
    EXPECT_EQ(nodes[1].files, 1u);
    EXPECT_EQ(nodes[1].connects, 1u);
    // the alert arrived after the exit but before the reuse: it marks node 1
    EXPECT_EQ(nodes[1].alerts, 1u);
    EXPECT_EQ(nodes[1].alert_rules, std::vector<std::string>{"secret_read"});
    EXPECT_EQ(nodes[2].argv, std::vector<std::string>{"other"});
    EXPECT_FALSE(nodes[2].exited);
    // delta: only the node the last event touched
    EXPECT_EQ(store.process_nodes(store.last_seq() - 1).size(), 1u);
}

// One process is one node: an aggregated file_open flushed after the exit does not list the
// pid a second time (only a fork or exec after the exit is a reused pid).
TEST(event_store, a_late_event_after_the_exit_is_the_same_process) {
    event_store store;
    store.add(exec_of(10, 300, 1, {"sh"}));
    store.add(proc(t::exit, 20, 300, 1, "sh"));
    store.add(open_of(21, 300, "/etc/hosts"));
    auto nodes = store.process_nodes();
    ASSERT_EQ(nodes.size(), 1u);
    EXPECT_TRUE(nodes[0].exited);
    EXPECT_EQ(nodes[0].files, 1u);
}

TEST(event_store, pid_filter_finds_tool_exec_through_pids) {
    event_store store;
    store.add(derived("tool_exec", 5, {{"call_id", "toolu_9"}, {"pids", {7, 8}}}));
    event_query q;
    q.pid = 8;
    EXPECT_EQ(store.query(q).total, 1u);
    q.types = {"tool_exec"};
    EXPECT_EQ(store.query(q).total, 1u);
}

TEST(event_store, clips_huge_tls_payloads) {
    event_store store;
    tls_event e;
    e.ts_ns = 1;
    e.pid = 3;
    e.data.assign(event_store::k_tls_data_keep + 100, 'x');
    e.len = e.data.size();
    store.add(e);
    json j = parse(*store.event_json(1));
    EXPECT_EQ(j["data"].get<std::string>().size(), event_store::k_tls_data_keep);
    EXPECT_EQ(j["_clipped"], 100);
}

TEST(event_store, fixture_sessions_llm_calls_and_links) {
    event_store store;
    std::ifstream in(AGENTSIGHT_TEST_DATA "/ui/claude_session.jsonl");
    ASSERT_TRUE(in) << "fixture missing";
    auto n = load_jsonl(store, in);
    ASSERT_TRUE(n) << n.message();
    EXPECT_EQ(*n, 15u);

    auto sessions = store.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_NE(sessions[0].end_seq, 0u);
    EXPECT_EQ(sessions[0].events, 15u);
    EXPECT_EQ(sessions[0].llm_calls, 2u);

    auto calls = store.llm_calls(0, UINT64_MAX);
    ASSERT_EQ(calls.size(), 2u);
    json first = parse(calls[0].summary_json);
    EXPECT_EQ(first["user_prompt"], "what is the hostname");
    EXPECT_EQ(first["request"]["messages"], 1);
    EXPECT_FALSE(first["request"].contains("system"));
    ASSERT_EQ(calls[0].tools.size(), 1u);
    const linked_tool_call& link = calls[0].tools[0];
    EXPECT_EQ(link.call_id, "toolu_1");
    EXPECT_NE(link.tool_exec_seq, 0u);
    ASSERT_EQ(link.processes.size(), 2u);
    EXPECT_EQ(link.processes[1].argv, (std::vector<std::string>{"cat", "/etc/hostname"}));
    EXPECT_EQ(link.processes[1].files, 1u);

    auto stats = store.stats();
    EXPECT_EQ(stats.llm_calls, 2u);
    EXPECT_EQ(stats.input_tokens, 1520u + 1610u);
    EXPECT_EQ(stats.processes, 3u);
}

TEST(event_store, bad_jsonl_line_names_the_line) {
    event_store store;
    std::istringstream in("{\"type\":\"exec\",\"ts\":1}\n\nnot json\n");
    auto n = load_jsonl(store, in);
    ASSERT_FALSE(n);
    EXPECT_NE(n.message().find("line 3"), std::string::npos);
}

TEST(event_store, wait_for_events_wakes_on_add) {
    auto store = std::make_shared<event_store>();
    std::thread writer([store] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        store->add(open_of(1, 1, "/x"));
    });
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(store->wait_for_events(0, std::chrono::seconds(10)), 1u);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
    writer.join();
    EXPECT_EQ(store->events_after(0, 10).size(), 1u);
    EXPECT_TRUE(store->events_after(1, 10).empty());
}

TEST(event_store, concurrent_readers_and_writer) {
    auto store = std::make_shared<event_store>();
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (int i = 0; i < 20000; ++i) store->add(open_of(uint64_t(i), i % 50, "/f"));
        done = true;
    });
    size_t reads = 0;
    while (!done) {
        event_query q;
        q.pid = 7;
        q.text = "/f";
        auto p = store->query(q);
        EXPECT_LE(p.items.size(), p.total);
        ++reads;
    }
    writer.join();
    event_query q;
    q.pid = 7;
    EXPECT_EQ(store->query(q).total, 400u);
    EXPECT_GT(reads, 0u);
}

}  // namespace
}  // namespace agentsight::server
