// SPDX-License-Identifier: Apache-2.0
// `agentsight tls` on real TLS clients against the local HTTPS mock server:
// OpenSSL (curl, python _ex functions, node's embedded copy), GnuTLS, and
// whole-body capture of a 1 MiB POST.
#include <csignal>
#include <fstream>
#include <thread>

#include <openssl/sha.h>

#include "e2e_harness.h"
#include "harness.h"

// Plaintext bytes per chunk record (bpf/events.h AS_TLS_CHUNK).
#define AS_CHUNK_FOR_TEST 16384

namespace agentsight::test {
namespace {

// The mock HTTPS server, started once for this suite. Stopped by its pid:
// other recorders' mocks may run on this machine.
class tls_capture : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new e2e::child({AGENTSIGHT_BIN, "mock-llm", "--tool-name", ""});
        std::string s = server_->wait_line("https://", 15000);
        if (!s.empty()) url_ = s.substr(s.find("https://"));
    }
    static void TearDownTestSuite() {
        server_->signal(SIGTERM);
        server_->wait(10000);
        delete server_;
    }
    static std::string writes_of(const std::vector<json>& events, const std::string& lib) {
        std::string all;
        for (const auto& e : of_type(events, "tls"))
            if (e["lib"] == lib && e["direction"] == "write") all += e["data"].get<std::string>();
        return all;
    }
    static std::string reads_of(const std::vector<json>& events) {
        std::string all;
        for (const auto& e : of_type(events, "tls"))
            if (e["direction"] == "read") all += e["data"].get<std::string>();
        return all;
    }
    static inline e2e::child* server_ = nullptr;
    static inline std::string url_;
};

TEST_F(tls_capture, curl_openssl) {
    REQUIRE_ROOT();
    ASSERT_FALSE(url_.empty()) << "mock server did not start";
    auto r = run_agentsight("tls -q -- curl -sk " + url_ + "/curl-probe -o /dev/null");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_NE(writes_of(r.events, "openssl").find("GET /curl-probe HTTP/1.1"), std::string::npos);
    EXPECT_NE(reads_of(r.events).find("HTTP/1.1 404"), std::string::npos);
}

TEST_F(tls_capture, python_urllib_uses_ex_functions) {
    REQUIRE_ROOT();
    auto r = run_agentsight(
        "tls -q -- python3 -c \"import urllib.request,ssl\ntry: urllib.request.urlopen('" + url_ +
        "/py-probe', context=ssl._create_unverified_context())\nexcept Exception: pass\"");
    EXPECT_NE(writes_of(r.events, "openssl").find("GET /py-probe HTTP/1.1"), std::string::npos)
        << r.stderr_text;
}

TEST_F(tls_capture, node_embedded_openssl) {
    REQUIRE_ROOT();
    auto r = run_agentsight("tls -q -- node -e \"require('https').get('" + url_ +
                            "/node-probe',{rejectUnauthorized:false},r=>{r.resume();r.on('end',"
                            "()=>process.exit(0))})\"");
    EXPECT_NE(writes_of(r.events, "openssl").find("GET /node-probe HTTP/1.1"), std::string::npos)
        << r.stderr_text;
}

TEST_F(tls_capture, gnutls_cli) {
    REQUIRE_ROOT();
    std::string port = url_.substr(url_.rfind(':') + 1);
    auto r = run_agentsight(
        "tls -q -- sh -c \"printf 'GET /gnutls-probe HTTP/1.1\\r\\nHost: x\\r\\n"
        "\\r\\n' | gnutls-cli --insecure --port " +
        port + " 127.0.0.1 >/dev/null\"");
    EXPECT_NE(writes_of(r.events, "gnutls").find("GET /gnutls-probe"), std::string::npos)
        << r.stderr_text;
}

TEST_F(tls_capture, nss_tstclnt) {
    REQUIRE_ROOT();
    const std::string db = "/tmp/agentsight-nssdb-" + std::to_string(getpid());
    shell("rm -rf " + db + " && mkdir " + db + " && certutil -N -d sql:" + db +
          " --empty-password && printf 'GET /nss-probe HTTP/1.1\\r\\nHost: x\\r\\n"
          "Connection: close\\r\\n\\r\\n' > " +
          db + "/req");
    std::string port = url_.substr(url_.rfind(':') + 1);
    auto r = run_agentsight("tls -q -- sh -c 'timeout 10 tstclnt -d sql:" + db +
                            " -h 127.0.0.1 -p " + port + " -o < " + db + "/req >/dev/null 2>&1'");
    shell("rm -rf " + db);
    EXPECT_NE(writes_of(r.events, "nss").find("GET /nss-probe HTTP/1.1"), std::string::npos)
        << r.stderr_text;
    EXPECT_NE(reads_of(r.events).find("HTTP/1.1 404"), std::string::npos);
}

TEST_F(tls_capture, one_mebibyte_post_is_byte_exact) {
    REQUIRE_ROOT();
    const std::string body_path = "/tmp/agentsight-1m-" + std::to_string(getpid());
    shell("head -c 1048576 /dev/urandom | base64 -w0 | head -c 1048576 > " + body_path);
    auto r = run_agentsight("tls -q -- curl -sk -H 'content-type: text/plain' --data-binary @" +
                            body_path + " " + url_ + "/upload -o /dev/null");
    std::string sent = writes_of(r.events, "openssl");
    auto hdr_end = sent.find("\r\n\r\n");
    ASSERT_NE(hdr_end, std::string::npos);
    std::string body = sent.substr(hdr_end + 4);
    std::ifstream f(body_path);
    std::string expected((std::istreambuf_iterator<char>(f)), {});
    unlink(body_path.c_str());
    EXPECT_EQ(body.size(), expected.size());
    EXPECT_TRUE(body == expected) << "captured body differs from what curl sent";
    for (const auto& e : of_type(r.events, "tls")) EXPECT_FALSE(e["truncated"].get<bool>());
}

TEST_F(tls_capture, client_outside_tree_is_not_captured) {
    REQUIRE_ROOT();
    std::atomic<bool> stop{false};
    std::thread outsider([&] {
        while (!stop) shell("curl -sk " + url_ + "/outsider -o /dev/null");
    });
    // The insider is a child of the launched shell that loads libssl lazily
    // (python's ssl module: dlopen), the case the open-triggered attach covers.
    auto r = run_agentsight(
        "tls -q -- sh -c \"python3 -c \\\"import ssl,time,urllib.request\ntime.sleep(0.3)\ntry: "
        "urllib.request.urlopen('" +
        url_ +
        "/insider', context=ssl._create_unverified_context())\n"
        "except Exception: pass\\\"\"");
    stop = true;
    outsider.join();
    std::string sent = writes_of(r.events, "openssl");
    EXPECT_NE(sent.find("/insider"), std::string::npos);
    EXPECT_EQ(sent.find("/outsider"), std::string::npos);
}

TEST_F(tls_capture, explain_rejects_non_elf) {
    std::string out =
        shell(std::string(AGENTSIGHT_BIN) + " tls --explain /etc/hostname 2>&1; echo rc=$?");
    EXPECT_NE(out.find("not an ELF"), std::string::npos) << out;
    EXPECT_NE(out.find("rc=1"), std::string::npos) << out;
}

}  // namespace
}  // namespace agentsight::test

namespace agentsight::test {
namespace {

uint64_t summary_number(const std::string& text, const std::string& label) {
    auto at = text.find(label);
    if (at == std::string::npos) return UINT64_MAX;
    return std::stoull(text.substr(at + label.size()));
}

// A burst far larger than a 1 MiB ring: every chunk record is either
// delivered or counted as lost, exactly, and so is every byte.
TEST(tls_drops, burst_larger_than_ring_is_counted_exactly) {
    REQUIRE_ROOT();
    const std::string dir = "/tmp/agentsight-drops-" + std::to_string(getpid());
    shell("mkdir -p " + dir + " && openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir +
          "/k.pem -out " + dir + "/c.pem -days 1 -subj /CN=127.0.0.1 2>/dev/null");
    shell("(openssl s_server -accept 127.0.0.1:18443 -cert " + dir + "/c.pem -key " + dir +
          "/k.pem -quiet >/dev/null 2>&1 &) ; sleep 0.5");
    constexpr int writes = 30;
    constexpr int size = 1 << 20;
    auto r = run_agentsight(
        "tls --ringbuf-mb 1 -o " + dir +
        "/out.jsonl -- python3 -c \"import socket,ssl\n"
        "c=ssl._create_unverified_context()\ns=c.wrap_socket(socket.create_connection(("
        "'127.0.0.1',18443)))\nb=b'x'*" +
        std::to_string(size) + "\nfor i in range(" + std::to_string(writes) +
        "): s.sendall(b)\ns.close()\"");
    shell("pkill -f 'openssl s_server -accept 127.0.0.1:18443' || true");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    const uint64_t dropped = summary_number(r.stderr_text, "ringbuf ");
    const uint64_t received = summary_number(r.stderr_text, "TLS chunks ");
    const uint64_t lost_bytes = summary_number(r.stderr_text, "tls bytes lost ");
    ASSERT_NE(received, UINT64_MAX) << r.stderr_text;
    EXPECT_EQ(received + dropped, uint64_t(writes) * (size / AS_CHUNK_FOR_TEST)) << r.stderr_text;
    EXPECT_GT(dropped, 0u) << "the burst should overflow a 1 MiB ring";
    uint64_t captured = 0;
    std::ifstream out(dir + "/out.jsonl");
    std::string line;
    while (std::getline(out, line)) {
        json j = json::parse(line);
        if (j["type"] == "tls" && j["direction"] == "write")
            captured += j["data"].get<std::string>().size();
    }
    EXPECT_EQ(captured + lost_bytes, uint64_t(writes) * size);
    shell("rm -rf " + dir);
}

}  // namespace
}  // namespace agentsight::test
