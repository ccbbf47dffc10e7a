// SPDX-License-Identifier: Apache-2.0
// Issue 16, finding 8: terminal escape injection. A traced process chooses its
// argv, its comm (the name of the file it execs) and the names of files it
// opens; none of it may reach the user's terminal as a control sequence, in
// the report, its JSON, the recorder's messages or an error quoting a path.
#include <sys/stat.h>

#include <string>
#include <vector>

#include "e2e_harness.h"

namespace agentsight::test {
namespace {

using e2e::run;
using e2e::sq;

// Each is one exec's argv[1]: an OSC window-title change, a colour, a UTF-8
// C1 CSI, a bidi override, and a carriage return that redraws the line as a
// fake all-clear.
const std::string k_title = "\x1b]0;pwned\x07";
const std::vector<std::string> k_evil_args = {k_title, "\x1b[31mRED",
                                              "\xc2\x9b"
                                              "2J",
                                              "\xe2\x80\xae"
                                              "txt.exe",
                                              "\r\x1b[2Kagentsight: no alerts\x1b[0m"};
// What the text report shows for each (a line break or CR reads as a space).
const std::vector<std::string> k_shown_args = {"\\x1b]0;pwned\\x07", "\\x1b[31mRED", "\\u009b2J",
                                               "\\u202etxt.exe",
                                               " \\x1b[2Kagentsight: no alerts\\x1b[0m"};

// Where `out` holds something a terminal would act on: a C0 control other
// than newline, DEL, a byte that is not UTF-8, a C1 control or a bidi
// control encoded as UTF-8. Empty when there is none.
std::string first_control(const std::string& out) {
    for (size_t i = 0; i < out.size();) {
        const auto c = static_cast<unsigned char>(out[i]);
        const std::string at = " at " + std::to_string(i);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n') || c == 0x7f) return "control " + std::to_string(c) + at;
            ++i;
            continue;
        }
        size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
        if (len == 0 || i + len > out.size()) return "bad byte " + std::to_string(c) + at;
        uint32_t cp = c & (0x7f >> len);
        for (size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(out[i + k]);
            if ((cc & 0xc0) != 0x80) return "bad byte " + std::to_string(cc) + at;
            cp = (cp << 6) | (cc & 0x3f);
        }
        if (cp <= 0x9f || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
            (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
            return "code point " + std::to_string(cp) + at;
        i += len;
    }
    return "";
}

class escape_test : public ::testing::Test {
  protected:
    void SetUp() override {
        REQUIRE_ROOT();
        dir = std::make_unique<e2e::temp_dir>("escape");
        trace = *dir / "x.jsonl";
        // The traced script makes its own weapons from ASCII text ($'..' quoting),
        // so the recorder's own command line stays plain: a symlink to true whose
        // name becomes comm, a file named like a TLS library (the recorder may
        // note it), and one exec per evil argument with argv {"x", ARG}.
        const std::string script =
            R"(exe="$0"/$'\x1b[31m\x9b1m\rX'; ln -s /bin/true "$exe"; )"
            R"(lib="$0"/$'libssl.so.3\x1b]0;pwned\x07'; echo x > "$lib"; cat "$lib" >/dev/null; )"
            R"(for a in $'\x1b]0;pwned\x07' $'\x1b[31mRED' $'\xc2\x9b2J' $'\xe2\x80\xaetxt.exe' )"
            R"($'\r\x1b[2Kagentsight: no alerts\x1b[0m'; do (exec -a x "$exe" "$a"); done)";
        rec = run(e2e::agentsight_bin() + " record -o " + sq(trace) + " -- bash -c " + sq(script) +
                  " " + sq(dir->path()));
        ASSERT_EQ(rec.exit_code, 0) << rec.err;
    }

    std::unique_ptr<e2e::temp_dir> dir;
    std::string trace;
    e2e::cmd_result rec;
};

TEST_F(escape_test, report_spells_out_argv_and_comm) {
    auto r = run(e2e::agentsight_bin() + " report " + sq(trace));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(first_control(r.out), "") << r.out;
    // Each process is listed, escaped, not dropped.
    for (const auto& shown : k_shown_args)
        EXPECT_NE(r.out.find("x " + shown), std::string::npos) << shown << "\n" << r.out;
    EXPECT_NE(r.out.find(" \\x1b[31m"), std::string::npos) << "comm\n" << r.out;
}

TEST_F(escape_test, report_json_escapes_and_round_trips) {
    auto r = run(e2e::agentsight_bin() + " report --json " + sq(trace));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(first_control(r.out), "") << r.out;
    EXPECT_NE(r.out.find("\\u001b]0;pwned\\u0007"), std::string::npos);
    json j = json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded());
    for (const auto& evil : k_evil_args) {
        bool found = false;
        for (const auto& p : j["processes"]) found = found || p["argv"] == json{"x", evil};
        EXPECT_TRUE(found) << "the JSON keeps the exact argv " << json(evil).dump();
    }
}

TEST_F(escape_test, recorder_messages_and_exit_summary_are_plain_text) {
    EXPECT_EQ(first_control(rec.err), "") << rec.err;
    EXPECT_NE(rec.err.find("LLM calls"), std::string::npos) << "the exit summary was printed";
}

TEST_F(escape_test, status_line_on_a_terminal_uses_only_its_own_sequences) {
    REQUIRE_PREREQ(e2e::have_program("script"), "script(1) from util-linux, for a pty");
    // The status line redraws about once a second: run long enough to see it.
    auto r = run("script -qec " +
                 sq(e2e::agentsight_bin() + " record -o " + sq(*dir / "tty.jsonl") +
                    " -- bash -c " + sq("exec -a \"$1\" sleep 2.5") + " x " + sq(k_title)) +
                 " /dev/null");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_NE(r.out.find("LLM calls"), std::string::npos) << r.out;
    // Everything the status line draws is "\r\x1b[K" + text; take those out and
    // nothing that can steer the terminal may be left.
    std::string rest = r.out;
    for (size_t at; (at = rest.find("\r\x1b[K")) != std::string::npos;) rest.erase(at, 4);
    for (size_t at; (at = rest.find("\r\n")) != std::string::npos;) rest.erase(at, 1);
    EXPECT_EQ(first_control(rest), "") << r.out;
}

// Found while writing the tests above: a recorded command line that is not
// UTF-8 aborted the recorder (session_start could not be serialized).
TEST(escape, command_line_that_is_not_utf8_is_recorded) {
    REQUIRE_ROOT();
    e2e::temp_dir dir("escape-utf8");
    auto rec = run(e2e::agentsight_bin() + " record -o " + sq(dir / "x.jsonl") +
                   " -- true \"$(printf '\\233[31m')\" \"$(printf 'caf\\351')\"");
    ASSERT_EQ(rec.exit_code, 0) << rec.err;
    EXPECT_EQ(first_control(rec.err), "") << rec.err;
    auto r = run(e2e::agentsight_bin() + " report " + sq(dir / "x.jsonl"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(first_control(r.out), "") << r.out;
}

TEST(escape, errors_quoting_a_path_spell_it_out) {
    const std::string path = "/tmp/\x1b[31mx\x1b]0;pwned\x07\r\xc2\x9b";
    for (const char* cmd : {" analyze ", " report ", " export ", " tls --explain "}) {
        auto r = run(e2e::agentsight_bin() + cmd + sq(path));
        EXPECT_NE(r.exit_code, 0) << cmd;
        EXPECT_EQ(first_control(r.err), "") << cmd << r.err;
        EXPECT_EQ(first_control(r.out), "") << cmd << r.out;
        EXPECT_NE(r.err.find("\\x1b[31mx"), std::string::npos) << cmd << r.err;
    }
}

}  // namespace
}  // namespace agentsight::test
