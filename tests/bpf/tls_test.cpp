// `agentsight tls` on real TLS clients against the local HTTPS mock server:
// OpenSSL (curl, python _ex functions, node's embedded copy), GnuTLS, and
// whole-body capture of a 1 MiB POST.
#include <csignal>
#include <fstream>
#include <thread>

#include <openssl/sha.h>

#include "harness.h"

namespace agentsight::test {
namespace {

// The mock HTTPS server, started once for this suite.
class tls_capture : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        server_ = popen((std::string(AGENTSIGHT_BIN) + " mock-llm --tool-name ''").c_str(), "r");
        char line[256] = {};
        if (server_ && fgets(line, sizeof line, server_)) {
            std::string s(line);
            url_ = s.substr(s.find("https://"));
            url_.erase(url_.find_last_not_of("\n") + 1);
        }
    }
    static void TearDownTestSuite() {
        shell("pkill -TERM -f 'agentsight mock-llm --tool-name' || true");
        if (server_) pclose(server_);
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
    static inline FILE* server_ = nullptr;
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
    auto r = run_agentsight("tls -q -- sh -c \"printf 'GET /gnutls-probe HTTP/1.1\\r\\nHost: x\\r\\n"
                            "\\r\\n' | gnutls-cli --insecure --port " + port + " 127.0.0.1 >/dev/null\"");
    EXPECT_NE(writes_of(r.events, "gnutls").find("GET /gnutls-probe"), std::string::npos)
        << r.stderr_text;
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
        "urllib.request.urlopen('" + url_ + "/insider', context=ssl._create_unverified_context())\n"
        "except Exception: pass\\\"\"");
    stop = true;
    outsider.join();
    std::string sent = writes_of(r.events, "openssl");
    EXPECT_NE(sent.find("/insider"), std::string::npos);
    EXPECT_EQ(sent.find("/outsider"), std::string::npos);
}

TEST_F(tls_capture, explain_rejects_non_elf) {
    std::string out = shell(std::string(AGENTSIGHT_BIN) + " tls --explain /etc/hostname 2>&1; echo rc=$?");
    EXPECT_NE(out.find("not an ELF"), std::string::npos) << out;
    EXPECT_NE(out.find("rc=1"), std::string::npos) << out;
}

}  // namespace
}  // namespace agentsight::test
