// SPDX-License-Identifier: Apache-2.0
// printable() is what stands between an agent-chosen string and the user's
// terminal: every byte a terminal could act on must come out spelled out.
#include <gtest/gtest.h>

#include <string>

#include "util/terminal_text.h"

namespace agentsight {
namespace {

// No byte of `s` starts or steers a control sequence.
bool inert(const std::string& s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7F) return false;
    return s.find("\xc2\x9b") == std::string::npos && s.find("\xe2\x80\xae") == std::string::npos;
}

TEST(TerminalText, KeepsPrintableAsciiAndUtf8) {
    EXPECT_EQ(printable("ls -la /tmp/a b"), "ls -la /tmp/a b");
    EXPECT_EQ(printable("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"),
              "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
    EXPECT_EQ(printable(""), "");
}

TEST(TerminalText, EscapesC0AndDel) {
    EXPECT_EQ(printable("\x1b]0;pwn\x07"), "\\x1b]0;pwn\\x07");
    EXPECT_EQ(printable("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
    EXPECT_EQ(printable("ok\rFAKE"), "ok\\x0dFAKE");
    EXPECT_EQ(printable("a\nb\tc"), "a\\x0ab\\x09c");
    EXPECT_EQ(printable(std::string("nul\0x", 5)), "nul\\x00x");
    EXPECT_EQ(printable("del\x7f"), "del\\x7f");
}

TEST(TerminalText, EscapesRawC1AndInvalidUtf8Bytes) {
    EXPECT_EQ(printable("\x9b"
                        "31m"),
              "\\x9b31m");  // 8-bit CSI
    EXPECT_EQ(printable("\x9d"
                        "0;t\x9c"),
              "\\x9d0;t\\x9c");                               // 8-bit OSC ... ST
    EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
    EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
    EXPECT_EQ(printable("\xe6\x97"), "\\xe6\\x97");           // truncated
    EXPECT_EQ(printable("\xff"), "\\xff");
}

TEST(TerminalText, EscapesUtf8C1AndBidiControls) {
    EXPECT_EQ(printable("\xc2\x9b"
                        "2J"),
              "\\u009b2J");
    EXPECT_EQ(printable("\xc2\x85"), "\\u0085");
    // "rm -rf ~ #" shown right-to-left as something harmless.
    EXPECT_EQ(printable("a\xe2\x80\xae"
                        "b"),
              "a\\u202eb");
    for (const char* bidi :
         {"\xd8\x9c", "\xe2\x80\x8e", "\xe2\x80\x8f", "\xe2\x80\xaa", "\xe2\x80\xab",
          "\xe2\x80\xac", "\xe2\x80\xad", "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8",
          "\xe2\x81\xa9", "\xe2\x80\xa8", "\xe2\x80\xa9"}) {
        std::string out = printable(bidi);
        EXPECT_EQ(out.rfind("\\u", 0), 0u) << out;
        EXPECT_EQ(out.size(), 6u) << out;
    }
    // Neighbours of those ranges are ordinary text.
    EXPECT_EQ(printable("\xc2\xa0\xe2\x80\x94"), "\xc2\xa0\xe2\x80\x94");  // NBSP, em dash
}

TEST(TerminalText, Idempotent) {
    const std::string nasty = "\x1b]0;x\x07\x9b\xc2\x9b\xe2\x80\xae\r\\x1b";
    const std::string once = printable(nasty);
    EXPECT_EQ(printable(once), once);
}

TEST(TerminalText, EveryByteValueComesOutInert) {
    for (int a = 0; a < 256; ++a)
        for (int b = 0; b < 256; b += 7) {
            std::string s{char(a), char(b), char(0xc2), char(a)};
            ASSERT_TRUE(inert(printable(s))) << a << " " << b;
        }
}

}  // namespace
}  // namespace agentsight
