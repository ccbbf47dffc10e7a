// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "pipeline/bounded_queue.h"
#include "pipeline/event_json.h"
#include "pipeline/event_wire.h"
#include "pipeline/pipeline.h"

namespace agentsight {
namespace {

TEST(event_json, exec_round_trips_with_non_utf8_argv) {
    process_event e;
    e.type = process_event_type::exec;
    e.ts_ns = 1795623839486934035ull;
    e.pid = 10;
    e.ppid = 1;
    e.comm = "sh";
    e.filename = "/usr/bin/sh";
    e.argv = {"sh", "-c", std::string("echo \xff\x00x", 8)};
    std::string line = event_to_json(e);
    auto back = parse_event_json(line);
    ASSERT_TRUE(back) << back.message();
    const auto& p = std::get<process_event>(*back);
    EXPECT_EQ(p.argv, e.argv);
    EXPECT_EQ(p.filename, e.filename);
    EXPECT_EQ(p.ts_ns, e.ts_ns);
    EXPECT_EQ(event_to_json(*back), line);
}

TEST(event_json, binary_tls_data_is_base64_and_lossless) {
    tls_event t;
    t.conn = "7:abc";
    t.direction = tls_direction::write;
    t.data = std::string("\x00\x01\x02\xff", 4);
    t.len = 10;
    t.truncated = 6;
    std::string line = event_to_json(t);
    EXPECT_NE(line.find("\"binary\":true"), std::string::npos);
    EXPECT_NE(line.find("\"truncated\":true"), std::string::npos);
    auto back = parse_event_json(line);
    ASSERT_TRUE(back);
    const auto& b = std::get<tls_event>(*back);
    EXPECT_EQ(b.data, t.data);
    EXPECT_EQ(b.truncated, 6u);
    EXPECT_EQ(b.direction, tls_direction::write);
}

TEST(event_json, every_process_type_round_trips) {
    for (int t = 0; t <= int(process_event_type::touch_recorder); ++t) {
        process_event e;
        e.type = process_event_type(t);
        e.pid = 3;
        e.path = "/tmp/a";
        e.new_path = "/tmp/b";
        e.family = 2;
        e.addr = "127.0.0.1";
        e.port = 443;
        e.suppressed_type = "file_or_network";
        if (e.type == process_event_type::touch_recorder) e.new_path.clear();
        std::string line = event_to_json(e);
        auto back = parse_event_json(line);
        ASSERT_TRUE(back) << line;
        EXPECT_EQ(event_to_json(*back), line);
    }
}

TEST(event_json, bad_lines_get_reasons) {
    EXPECT_EQ(parse_event_json("{").message(), "not a JSON object");
    EXPECT_EQ(parse_event_json("{\"ts\":1}").message(), "missing field \"type\"");
    auto unknown = parse_event_json(R"({"type":"future_thing","ts":5,"x":1})");
    ASSERT_TRUE(unknown);
    EXPECT_EQ(std::get<derived_event>(*unknown).type, "future_thing");
}

struct recording_sink : sink {
    std::vector<std::string>* seen;
    void write(const event& e) override { seen->push_back(event_to_json(e)); }
};

struct echo_stage : stage {
    std::string_view name() const override { return "echo"; }
    void on_event(event& e, const emit_fn& emit) override {
        if (std::holds_alternative<process_event>(e))
            emit(derived_event{"echo", 1, {{"type", "echo"}}});
    }
};

TEST(pipeline, input_reaches_sinks_before_what_it_caused) {
    std::vector<std::string> seen;
    pipeline p;
    p.add_stage(std::make_unique<echo_stage>());
    auto s = std::make_unique<recording_sink>();
    s->seen = &seen;
    p.add_sink(std::move(s));
    p.push(process_event{});
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_NE(seen[0].find("\"exec\""), std::string::npos);
    EXPECT_EQ(seen[1], R"({"type":"echo"})");
}

TEST(bounded_queue, refuses_and_counts_when_full) {
    bounded_queue<int> q(2);
    EXPECT_TRUE(q.try_push(1));
    EXPECT_TRUE(q.try_push(2));
    EXPECT_FALSE(q.try_push(3));
    EXPECT_EQ(q.dropped(), 1u);
    EXPECT_EQ(q.pop(std::chrono::milliseconds(1)).value(), 1);
    q.close();
    EXPECT_EQ(q.pop(std::chrono::milliseconds(1)).value(), 2);
    EXPECT_FALSE(q.pop(std::chrono::milliseconds(1)).has_value());
    EXPECT_TRUE(q.closed_and_empty());
}

}  // namespace
}  // namespace agentsight

namespace agentsight {
namespace {

// A plaintext stream (--plaintext) is a `tls` record with a transport instead of a library.
TEST(event_json, plaintext_stream_keeps_its_transport_through_json_and_wire) {
    tls_event t;
    t.pid = 9;
    t.conn = "9:pipe:77";
    t.transport = "pipe";
    t.direction = tls_direction::read;
    t.data = "{\"jsonrpc\":\"2.0\"}\n";
    t.len = t.data.size();
    std::string line = event_to_json(t);
    EXPECT_NE(line.find("\"transport\":\"pipe\""), std::string::npos) << line;
    EXPECT_EQ(line.find("\"lib\""), std::string::npos) << line;
    auto back = parse_event_json(line);
    ASSERT_TRUE(back);
    EXPECT_EQ(std::get<tls_event>(*back).transport, "pipe");
    std::string wire;
    append_event_wire(t, wire);
    auto over = parse_event_wire(wire);
    ASSERT_TRUE(over) << over.message();
    EXPECT_EQ(std::get<tls_event>(*over).transport, "pipe");
    EXPECT_EQ(event_to_json(*over), line);
}

}  // namespace
}  // namespace agentsight
