// SPDX-License-Identifier: Apache-2.0
// Issue 9, bad input: each mistake gets one clear "agentsight: ..." line on
// stderr (no usage dump, no "terminate called") and a non-zero exit. Trace
// files are read strictly: a bad JSON Lines line anywhere is an error naming
// the file and line (docs/store.md), so a wholly invalid file is one too.
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "e2e_harness.h"
#include "trace_checks.h"

namespace agentsight::test {
namespace {

using namespace e2e;

// Runs `agentsight ARGS`, guarded: `serve` on a bad file must exit, not serve.
cmd_result agentsight(const std::string& args) {
    return run("timeout -s KILL 20 " + sq(agentsight_bin()) + " " + args);
}

void expect_clear_error(const cmd_result& r, const std::vector<std::string>& mentions,
                        int exit_code = 1) {
    EXPECT_EQ(r.signal, 0);
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    EXPECT_EQ(not_one_error_line(r.err), "");
    for (const auto& m : mentions)
        EXPECT_NE(r.err.find(m), std::string::npos) << "no '" << m << "' in: " << r.err;
}

TEST(bad_input, capture_as_non_root_says_why_and_runs_nothing) {
    REQUIRE_ROOT();
    REQUIRE_PREREQ(have_program("setpriv"), "setpriv (util-linux)");
    temp_dir dir("nonroot");
    chmod(dir.path().c_str(), 0777);
    const std::string marker = dir / "ran";
    for (const std::string command : {"record", "process", "tls"}) {
        SCOPED_TRACE(command);
        auto r =
            run("cd " + sq(dir.path()) + " && setpriv --reuid=65534 --regid=65534 --clear-groups " +
                sq(agentsight_bin()) + " " + command + " -o - -- touch " + sq(marker));
        expect_clear_error(r, {"run as root"});
        EXPECT_FALSE(std::filesystem::exists(marker)) << "the command ran untraced";
    }
}

TEST(bad_input, unknown_flag_is_one_line_with_exit_2) {
    // The readers get their trace argument: a missing one is reported first.
    // "" is a flag before any command: CLI11 alone would say "A subcommand is required".
    for (const std::string command :
         {"", "record", "process", "tls", "report t.jsonl", "serve t.jsonl", "export t.jsonl"}) {
        SCOPED_TRACE(command);
        auto r = agentsight(command + " --bogus");
        expect_clear_error(r, {"--bogus", "--help"}, 2);
        EXPECT_EQ(r.out, "");
    }
}

// A flag value that does not convert names the flag (it once ended in "terminate called").
TEST(bad_input, unconvertible_flag_value_is_one_line_with_exit_2) {
    for (const char* value : {"abc", "3", "0"}) {
        SCOPED_TRACE(value);
        auto r = agentsight(std::string("record --ringbuf-mb ") + value + " -- /bin/true");
        expect_clear_error(r, {"--ringbuf-mb", "power of two"}, 2);
    }
}

TEST(bad_input, pid_that_does_not_exist) {
    REQUIRE_ROOT();
    // Above any pid handed out since boot (pid_max is at most 2^22).
    const pid_t pid = 4194304 - 7;
    ASSERT_NE(kill(pid, 0), 0);
    for (const std::string command : {"record", "process", "tls"}) {
        SCOPED_TRACE(command);
        temp_dir dir("nopid");
        expect_clear_error(
            agentsight(command + " -o " + sq(dir / "t.jsonl") + " --pid " + std::to_string(pid)),
            {"--pid " + std::to_string(pid) + ": no such process"});
    }
}

TEST(bad_input, tls_explain_on_a_file_that_is_not_elf_or_missing) {
    temp_dir dir("explain");
    const std::string text = dir / "notes.txt";
    std::ofstream(text) << "not a program\n";
    expect_clear_error(agentsight("tls --explain " + sq(text)), {text, "not an ELF file"});
    const std::string missing = dir / "missing";
    expect_clear_error(agentsight("tls --explain " + sq(missing)),
                       {missing, "No such file or directory"});
}

// The commands that read a trace; serve gets a free port.
const std::vector<std::string> k_readers = {"analyze", "report", "export", "serve --port 0"};

void expect_every_reader_refuses(const std::string& path, const std::string& why) {
    for (const auto& command : k_readers) {
        SCOPED_TRACE(command + " " + path);
        auto r = agentsight(command + " " + sq(path));
        expect_clear_error(r, {path, why});
        EXPECT_EQ(r.out, "") << "events from a refused file";
    }
}

TEST(bad_input, missing_trace_file) {
    temp_dir dir("missing");
    expect_every_reader_refuses(dir / "nope.jsonl", "No such file or directory");
    expect_every_reader_refuses(dir / "nope.db", "No such file or directory");
}

TEST(bad_input, random_bytes_are_not_a_trace) {
    temp_dir dir("random");
    const std::string path = dir / "random.bin";
    std::mt19937 gen(9);
    std::string bytes(64 * 1024, '\0');
    for (char& c : bytes) c = static_cast<char>(gen());
    std::ofstream(path, std::ios::binary) << bytes;
    expect_every_reader_refuses(path, "not an agentsight trace");
}

// A real recording, to corrupt.
std::string recorded_db(const temp_dir& dir) {
    const std::string db = dir / "good.db";
    auto r = agentsight("record -q -o " + sq(db) + " -- sh -c 'cat /etc/hostname >/dev/null'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return db;
}

TEST(bad_input, truncated_sqlite_trace) {
    REQUIRE_ROOT();
    temp_dir dir("truncdb");
    const std::string whole = read_file(recorded_db(dir));
    ASSERT_GT(whole.size(), 8192u);
    for (size_t keep : {size_t(100), size_t(4096), whole.size() / 2}) {
        SCOPED_TRACE("first " + std::to_string(keep) + " bytes");
        const std::string path = dir / ("cut" + std::to_string(keep) + ".db");
        std::ofstream(path, std::ios::binary) << whole.substr(0, keep);
        expect_every_reader_refuses(path, path + ": ");
    }
}

TEST(bad_input, jsonl_trace_with_a_garbage_line_is_refused_at_that_line) {
    REQUIRE_ROOT();
    temp_dir dir("garbage");
    auto ex = agentsight("export " + sq(recorded_db(dir)) + " --format jsonl -o -");
    ASSERT_EQ(ex.exit_code, 0) << ex.err;
    auto lines = lines_of(ex.out);
    ASSERT_GT(lines.size(), 4u);
    const std::string path = dir / "garbage.jsonl";
    {
        std::ofstream out(path);
        for (size_t i = 0; i < lines.size(); ++i)
            out << (i == 3 ? "\x01garbage{\"type\":\n" : "") << lines[i] << "\n";
    }
    for (const auto& command : k_readers) {
        SCOPED_TRACE(command);
        auto r = agentsight(command + " " + sq(path));
        expect_clear_error(r, {path + ":4: not a JSON object"});
    }
}

}  // namespace
}  // namespace agentsight::test
