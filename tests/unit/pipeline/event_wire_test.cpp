// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <thread>

#include <sys/socket.h>
#include <unistd.h>

#include "pipeline/bounded_queue.h"
#include "pipeline/event_json.h"
#include "pipeline/event_wire.h"
#include "pipeline/frame_channel.h"

namespace agentsight {
namespace {

process_event sample_exec() {
    process_event e;
    e.type = process_event_type::exec;
    e.ts_ns = 1795623839486934035ull;
    e.pid = 10;
    e.ppid = 1;
    e.uid = 1000;
    e.comm = "sh";
    e.filename = "/usr/bin/sh";
    e.argv = {"sh", "-c", std::string("echo \xff\x00x", 8)};
    e.argv_truncated = true;
    return e;
}

tls_event sample_tls() {
    tls_event t;
    t.ts_ns = 42;
    t.pid = 7;
    t.tid = 8;
    t.comm = "claude";
    t.conn = "7:abc";
    t.lib = tls_lib::boringssl;
    t.direction = tls_direction::write;
    t.data = std::string("\x00\x01\x02\xff", 4);
    t.len = 10;
    t.truncated = 6;
    return t;
}

std::string wire(const event& e) {
    std::string s;
    append_event_wire(e, s);
    return s;
}

// The JSON Lines form names every field: equal JSON means nothing was lost.
TEST(event_wire, every_kind_round_trips_exactly) {
    derived_event d{"llm_call", 5, json{{"type", "llm_call"}, {"ts", 5}, {"model", "m"}}};
    process_event file;
    file.type = process_event_type::file_rename;
    file.path = "/a";
    file.new_path = "/b";
    file.ret = -2;
    file.count = 3;
    for (const event& e : {event(sample_exec()), event(sample_tls()), event(d), event(file)}) {
        auto back = parse_event_wire(wire(e));
        ASSERT_TRUE(back) << back.message();
        EXPECT_EQ(event_to_json(*back), event_to_json(e));
    }
}

TEST(event_wire, every_cut_and_extension_is_an_error_not_a_crash) {
    for (const event& e : {event(sample_exec()), event(sample_tls())}) {
        std::string w = wire(e);
        for (size_t n = 0; n < w.size(); ++n)
            EXPECT_FALSE(parse_event_wire(std::string_view(w).substr(0, n))) << n;
        EXPECT_FALSE(parse_event_wire(w + "x"));
    }
    std::string bad = wire(sample_tls());
    bad[0] = 9;  // unknown tag
    EXPECT_FALSE(parse_event_wire(bad));
}

// Found by fuzz_event_wire: a bool byte of 2 read as true and re-encoded as 1.
TEST(event_wire, a_bool_is_zero_or_one) {
    process_event e = sample_exec();
    std::string w = wire(e);
    std::string marker = "/usr/bin/sh";
    size_t at = w.find(marker) + marker.size();  // argv_truncated follows the filename
    ASSERT_EQ(w[at], 1);
    w[at] = 2;
    EXPECT_FALSE(parse_event_wire(w));
}

TEST(frame_channel, frames_cross_a_socket_in_order_and_eof_ends_the_stream) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    std::thread writer([fd = sv[0]] {
        frame_writer w(fd);
        for (int i = 0; i < 1000; ++i) {
            auto t = sample_tls();
            t.data = std::string(size_t(i) * 37, char('a' + i % 26));  // crosses write blocks
            w.add_event(t);
        }
        w.add(frame_kind::note, "done");
        w.flush();
        ::close(fd);
    });
    frame_reader r(sv[1]);
    frame_kind kind{};
    std::string payload;
    for (int i = 0; i < 1000; ++i) {
        ASSERT_EQ(r.next(kind, payload, 5000), frame_reader::status::frame) << i;
        ASSERT_EQ(kind, frame_kind::event);
        auto e = parse_event_wire(payload);
        ASSERT_TRUE(e) << e.message();
        EXPECT_EQ(std::get<tls_event>(*e).data.size(), size_t(i) * 37);
    }
    ASSERT_EQ(r.next(kind, payload, 5000), frame_reader::status::frame);
    EXPECT_EQ(kind, frame_kind::note);
    EXPECT_EQ(payload, "done");
    EXPECT_EQ(r.next(kind, payload, 5000), frame_reader::status::eof);
    writer.join();
    ::close(sv[1]);
}

TEST(frame_channel, a_writer_learns_the_reader_is_gone) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ::close(sv[1]);
    signal(SIGPIPE, SIG_IGN);
    frame_writer w(sv[0]);
    w.add(frame_kind::note, "x");
    EXPECT_FALSE(w.flush());
    EXPECT_TRUE(w.broken());
    ::close(sv[0]);
}

TEST(frame_channel, a_stream_cut_inside_a_frame_is_an_error) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ASSERT_EQ(::write(sv[0], "\x10\x00\x00\x00\x01xy", 7), 7);
    ::close(sv[0]);
    frame_reader r(sv[1]);
    frame_kind kind{};
    std::string payload;
    EXPECT_EQ(r.next(kind, payload, 5000), frame_reader::status::error);
    ::close(sv[1]);
}

TEST(bounded_queue, push_wait_waits_for_space_and_gives_up_when_closed) {
    bounded_queue<int> q(1);
    ASSERT_TRUE(q.push_wait(1));
    std::thread consumer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        EXPECT_EQ(q.pop(std::chrono::milliseconds(100)), 1);
    });
    EXPECT_TRUE(q.push_wait(2));  // blocks until the consumer took 1
    consumer.join();
    EXPECT_EQ(q.dropped(), 0u);
    std::thread closer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        q.close();
    });
    EXPECT_FALSE(q.push_wait(3));  // full, then closed
    closer.join();
}

}  // namespace
}  // namespace agentsight
