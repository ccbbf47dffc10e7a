// SPDX-License-Identifier: Apache-2.0
#include "e2e_harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <openssl/sha.h>

namespace agentsight::test::e2e {

namespace fs = std::filesystem;

bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci && std::string(ci) == "true";
}

std::string agentsight_bin() {
    return AGENTSIGHT_BIN;
}
std::string source_dir() {
    return AGENTSIGHT_SOURCE_DIR;
}
std::string build_dir() {
    return AGENTSIGHT_BUILD_DIR;
}

std::string agents_dir() {
    if (const char* d = std::getenv("AGENTS_DIR"); d && *d) return d;
    return build_dir() + "/agents";
}

std::string claude_bin(const std::string& version) {
    return agents_dir() + "/claude-" + version + "/node_modules/.bin/claude";
}

std::string gemini_bin() {
    return agents_dir() + "/gemini/node_modules/.bin/gemini";
}

bool executable(const std::string& path) {
    return access(path.c_str(), X_OK) == 0;
}

bool have_program(const std::string& name) {
    return run("command -v " + name + " >/dev/null 2>&1").exit_code == 0;
}

std::string sq(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::vector<json> read_jsonl(const std::string& path) {
    std::vector<json> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        json j = json::parse(line, nullptr, false);
        EXPECT_FALSE(j.is_discarded()) << path << ": not JSON: " << line.substr(0, 200);
        if (!j.is_discarded()) out.push_back(std::move(j));
    }
    return out;
}

std::string sha256_hex(const std::string& bytes) {
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : md) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

std::string tls_bytes(const json& e) {
    std::string d = e.value("data", "");
    return e.value("binary", false) ? decode_base64(d) : d;
}

long long file_mtime_ns(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return 0;
    return static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
}

long long now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) out.push_back(line);
    return out;
}

cmd_result run(const std::string& cmd) {
    cmd_result r;
    char tmpl[] = "/tmp/agentsight-e2e-err-XXXXXX";
    int fd = mkstemp(tmpl);
    close(fd);
    auto t0 = std::chrono::steady_clock::now();
    std::string full = "( " + cmd + " ) 2>" + tmpl + " </dev/null";
    FILE* p = popen(full.c_str(), "r");
    if (!p) return r;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int st = pclose(p);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (WIFEXITED(st)) {
        r.exit_code = WEXITSTATUS(st);
    } else if (WIFSIGNALED(st)) {
        r.signal = WTERMSIG(st);
    }
    r.err = read_file(tmpl);
    unlink(tmpl);
    return r;
}

child::child(const std::vector<std::string>& argv, const std::string& stderr_file,
             const std::string& cwd, bool stdin_pipe) {
    int fds[2], ins[2] = {-1, -1};
    if (pipe2(fds, O_CLOEXEC) != 0) return;
    if (stdin_pipe && pipe2(ins, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
        dup2(fds[1], 1);
        int e = open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (e >= 0) dup2(e, 2);
        int in = stdin_pipe ? ins[0] : open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (in >= 0) dup2(in, 0);
        if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(fds[1]);
    out_fd_ = fds[0];
    if (stdin_pipe) {
        close(ins[0]);
        in_fd_ = ins[1];
    }
}

bool child::write_stdin(const std::string& text) {
    for (size_t at = 0; at < text.size();) {
        ssize_t n = in_fd_ < 0 ? -1 : ::write(in_fd_, text.data() + at, text.size() - at);
        if (n <= 0) return false;
        at += static_cast<size_t>(n);
    }
    return true;
}

void child::close_stdin() {
    if (in_fd_ >= 0) close(in_fd_);
    in_fd_ = -1;
}

child::~child() {
    if (pid_ > 0 && status_ == -1) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status_, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
    close_stdin();
}

std::string child::wait_line(const std::string& contains, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        size_t nl;
        while ((nl = buf_.find('\n')) != std::string::npos) {
            std::string line = buf_.substr(0, nl);
            buf_.erase(0, nl + 1);
            if (line.find(contains) != std::string::npos) return line;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0 || out_fd_ < 0) return "";
        pollfd p{out_fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left)) <= 0) return "";
        char buf[4096];
        ssize_t n = read(out_fd_, buf, sizeof buf);
        if (n <= 0) return "";
        buf_.append(buf, static_cast<size_t>(n));
    }
}

void child::signal(int sig) {
    if (pid_ > 0 && status_ == -1) kill(pid_, sig);
}

bool child::running() {
    if (pid_ <= 0 || status_ != -1) return false;
    int st;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
        status_ = st;
        return false;
    }
    return true;
}

int child::wait(int timeout_ms) {
    if (pid_ <= 0) return -1;
    if (status_ != -1) return status_;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        int st;
        if (waitpid(pid_, &st, WNOHANG) == pid_) return status_ = st;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // What every process and thread of the hung tree waits on, before it is gone.
    const std::string tree =
        run("ps -L -o pid,tid,ppid,stat,wchan:28,comm -g $(ps -o sid= -p " + std::to_string(pid_) +
            ") 2>&1; for t in /proc/" + std::to_string(pid_) +
            "/task/*; do echo \"== $t $(cat $t/comm)\"; cat $t/stack 2>/dev/null | head -8; done")
            .out;
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
    ADD_FAILURE() << "pid " << pid_ << " did not exit within " << timeout_ms
                  << " ms; killed. Its session then:\n"
                  << tree;
    return status_;
}

mock_llm::mock_llm(const std::string& requests_out, const mock_options& o)
    : requests_out_(requests_out) {
    std::vector<std::string> argv = {agentsight_bin(),  "mock-llm",
                                     "--port",          "0",
                                     "--tool-name",     o.tool_name,
                                     "--tool-input",    o.tool_input,
                                     "--final-text",    o.final_text,
                                     "--input-tokens",  std::to_string(o.input_tokens),
                                     "--output-tokens", std::to_string(o.output_tokens),
                                     "--requests-out",  requests_out};
    if (o.repeat_script) argv.push_back("--repeat-script");
    proc_ = std::make_unique<child>(argv, requests_out + ".stderr");
    std::string line = proc_->wait_line("mock-llm: https://", 15000);
    if (auto at = line.find("https://"); at != std::string::npos) url_ = line.substr(at);
    while (!url_.empty() && (url_.back() == '\r' || url_.back() == ' ')) url_.pop_back();
}

mock_llm::~mock_llm() {
    if (!stopped_ && proc_) {
        proc_->signal(SIGTERM);
        proc_->wait(10000);
    }
}

std::vector<json> mock_llm::stop_and_read_requests() {
    if (!stopped_) {
        proc_->signal(SIGTERM);
        proc_->wait(10000);
        stopped_ = true;
    }
    return read_jsonl(requests_out_);
}

static std::string path_env() {
    const char* p = std::getenv("PATH");
    return p ? p : "/usr/local/bin:/usr/bin:/bin";
}

std::string base_env(const std::string& home) {
    return "env -i " + sq("PATH=" + path_env()) + " " + sq("HOME=" + home);
}

std::string claude_command(const std::string& claude, const std::string& home,
                           const std::string& mock_url) {
    return base_env(home) + " ANTHROPIC_BASE_URL=" + mock_url +
           " ANTHROPIC_API_KEY=" + k_claude_key +
           " NODE_TLS_REJECT_UNAUTHORIZED=0 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1"
           " DISABLE_TELEMETRY=1 " +
           sq(claude) + " -p " + sq(k_prompt) + " --allowedTools Bash";
}

std::string gemini_command(const std::string& home, const std::string& mock_url) {
    return base_env(home) + " GOOGLE_GEMINI_BASE_URL=" + mock_url +
           " GEMINI_API_KEY=" + k_gemini_key +
           " GEMINI_CLI_TRUST_WORKSPACE=true NODE_TLS_REJECT_UNAUTHORIZED=0 " + sq(gemini_bin()) +
           " -p " + sq(k_prompt) + " --yolo";
}

void prepare_home(const std::string& home, bool gemini) {
    fs::create_directories(home + "/w");
    if (gemini) {
        fs::create_directories(home + "/.gemini");
        std::ofstream(home + "/.gemini/settings.json")
            << R"({"security":{"auth":{"selectedType":"gemini-api-key"}}})"
            << "\n";
    }
}

std::vector<json> requests_with_path(const std::vector<json>& reqs, const std::string& path_part) {
    std::vector<json> out;
    for (const auto& r : reqs)
        if (r.value("method", "") == "POST" &&
            r.value("path", "").find(path_part) != std::string::npos)
            out.push_back(r);
    return out;
}

}  // namespace agentsight::test::e2e
