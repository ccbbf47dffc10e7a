// SPDX-License-Identifier: Apache-2.0
// `--plaintext`: read/write syscalls of the traced tree on TCP sockets without TLS, pipes and
// unix sockets, as `tls` stream records with a `transport`. TLS sockets stay with the uprobes.
#include <csignal>

#include "e2e_harness.h"
#include "harness.h"

namespace agentsight::test {
namespace {

// All bytes of one transport and direction, in order.
std::string stream_of(const std::vector<json>& events, const std::string& transport,
                      const std::string& direction) {
    std::string all;
    for (const auto& e : of_type(events, "tls"))
        if (e.value("transport", "") == transport && e["direction"] == direction)
            all += e2e::tls_bytes(e);
    return all;
}

class plaintext_capture : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        for (auto [server, flag] : {std::pair{&plain_, "--plain-http"}, {&tls_, ""}}) {
            std::vector<std::string> argv = {AGENTSIGHT_BIN, "mock-llm", "--tool-name", ""};
            if (*flag) argv.push_back(flag);
            *server = new e2e::child(argv);
            std::string s = (*server)->wait_line("://", 15000);
            if (!s.empty())
                (server == &plain_ ? plain_url_ : tls_url_) = s.substr(s.find(": ") + 2);
        }
    }
    static void TearDownTestSuite() {
        for (auto* s : {plain_, tls_}) {
            s->signal(SIGTERM);
            s->wait(10000);
            delete s;
        }
    }
    static inline e2e::child *plain_ = nullptr, *tls_ = nullptr;
    static inline std::string plain_url_, tls_url_;
};

TEST_F(plaintext_capture, plain_http_over_tcp_both_directions) {
    REQUIRE_ROOT();
    ASSERT_EQ(plain_url_.substr(0, 7), "http://") << plain_url_;
    auto r =
        run_agentsight("tls --plaintext -q -- curl -s -o /dev/null " + plain_url_ + "/plain-probe");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_NE(stream_of(r.events, "tcp", "write").find("GET /plain-probe HTTP/1.1"),
              std::string::npos)
        << r.stderr_text;
    EXPECT_NE(stream_of(r.events, "tcp", "read").find("HTTP/1.1 404"), std::string::npos);
    for (const auto& e : of_type(r.events, "tls"))
        if (e.value("transport", "") == "tcp") {
            EXPECT_FALSE(e.contains("lib"));
            EXPECT_NE(e["conn"].get<std::string>().find(":tcp:"), std::string::npos);
        }
}

TEST_F(plaintext_capture, tls_sockets_are_left_to_the_uprobes) {
    REQUIRE_ROOT();
    ASSERT_EQ(tls_url_.substr(0, 8), "https://");
    auto r =
        run_agentsight("tls --plaintext -q -- curl -sk -o /dev/null " + tls_url_ + "/tls-probe");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_EQ(stream_of(r.events, "tcp", "write"), "");  // ciphertext is never reported
    EXPECT_EQ(stream_of(r.events, "tcp", "read"), "");
    std::string tls;
    for (const auto& e : of_type(r.events, "tls"))
        if (!e.contains("transport") && e["direction"] == "write") tls += e2e::tls_bytes(e);
    EXPECT_NE(tls.find("GET /tls-probe HTTP/1.1"), std::string::npos);
}

TEST_F(plaintext_capture, pipes_and_unix_sockets_with_vectored_calls) {
    REQUIRE_ROOT();
    // write/read on a pipe, writev/readv on a pipe, sendmsg/recvmsg and send/recv on a
    // unix socketpair, and a 100 KB write that needs several chunks.
    const char* script =
        "import os, socket\n"
        "r, w = os.pipe()\n"
        "os.write(w, b'pipe-write\\n'); os.read(r, 100)\n"
        "os.writev(w, [b'vec-', b'tor\\n']); os.readv(r, [bytearray(4), bytearray(96)])\n"
        "a, b = socket.socketpair()\n"
        "a.sendmsg([b'msg-', b'parts\\n']); b.recvmsg(100)\n"
        "a.send(b'unix-send\\n'); b.recv(100)\n"
        "big = bytes(i % 251 for i in range(100000))\n"
        "a.sendall(big)\n"
        "got = b''\n"
        "while len(got) < len(big): got += b.recv(65536)\n";
    auto r = run_agentsight("tls --plaintext -q -- python3 -c " + e2e::sq(script));
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    std::string pipe_w = stream_of(r.events, "pipe", "write");
    std::string pipe_r = stream_of(r.events, "pipe", "read");
    EXPECT_NE(pipe_w.find("pipe-write\nvec-tor\n"), std::string::npos) << pipe_w.substr(0, 200);
    EXPECT_NE(pipe_r.find("pipe-write\nvec-tor\n"), std::string::npos) << pipe_r.substr(0, 200);
    std::string unix_w = stream_of(r.events, "unix", "write");
    std::string unix_r = stream_of(r.events, "unix", "read");
    std::string big;
    for (int i = 0; i < 100000; ++i) big += char(i % 251);
    EXPECT_EQ(unix_w, "msg-parts\nunix-send\n" + big);
    EXPECT_EQ(unix_r, "msg-parts\nunix-send\n" + big);
}

TEST_F(plaintext_capture, off_without_the_flag) {
    REQUIRE_ROOT();
    auto r = run_agentsight("tls -q -- sh -c 'echo no-flag | cat >/dev/null'");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    for (const auto& e : of_type(r.events, "tls")) EXPECT_FALSE(e.contains("transport"));
}

}  // namespace
}  // namespace agentsight::test
