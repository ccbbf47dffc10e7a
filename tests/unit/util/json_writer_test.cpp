// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "util/base64.h"
#include "util/json_writer.h"
#include "util/utf8.h"

namespace agentsight {
namespace {

TEST(json_writer, escapes_controls_quotes_and_backslashes) {
    std::string out;
    json_writer w(out);
    w.begin_object();
    w.field("s", std::string_view("a\"b\\c\n\t\x01z"));
    w.end_object();
    EXPECT_EQ(out, R"({"s":"a\"b\\c\n\t\u0001z"})");
    EXPECT_EQ(nlohmann::json::parse(out)["s"], "a\"b\\c\n\t\x01z");
}

TEST(json_writer, invalid_utf8_is_replaced_and_kept_exactly_in_b64) {
    std::string out;
    json_writer w(out);
    w.begin_object();
    const std::string bytes("ok\xff\xfe caf\xc3\xa9", 10);
    w.bytes_field("path", bytes);
    w.end_object();
    auto j = nlohmann::json::parse(out);  // still valid JSON
    EXPECT_EQ(j["path"], "ok\xEF\xBF\xBD\xEF\xBF\xBD caf\xc3\xa9");
    EXPECT_EQ(base64_decode(j["path_b64"].get<std::string>()).value(), bytes);
}

TEST(json_writer, valid_utf8_has_no_b64_copy) {
    std::string out;
    json_writer w(out);
    w.begin_object();
    w.bytes_field("path", "caf\xc3\xa9 \xf0\x9f\x98\x80");
    w.end_object();
    EXPECT_FALSE(nlohmann::json::parse(out).contains("path_b64"));
}

TEST(json_writer, arrays_and_numbers) {
    std::string out;
    json_writer w(out);
    w.begin_object();
    w.field("neg", int64_t(-5));
    w.begin_array("argv");
    w.element("a");
    w.element("b c");
    w.end_array();
    w.field_bool("t", true);
    w.end_object();
    EXPECT_EQ(out, R"({"neg":-5,"argv":["a","b c"],"t":true})");
}

TEST(utf8, rejects_overlongs_surrogates_and_truncation) {
    EXPECT_TRUE(is_valid_utf8("plain"));
    EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));
    EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
    EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

TEST(base64, round_trips_every_length) {
    std::string bytes;
    for (int i = 0; i < 300; ++i) {
        EXPECT_EQ(base64_decode(base64_encode(bytes)).value(), bytes);
        bytes += char(i * 7);
    }
    EXPECT_FALSE(base64_decode("abc").has_value());
    EXPECT_FALSE(base64_decode("ab!d").has_value());
}

}  // namespace
}  // namespace agentsight
