// SPDX-License-Identifier: Apache-2.0
// read_anthropic_delta reads the hot Anthropic delta events without a JSON document. Whatever
// it accepts must mean exactly what nlohmann reads from the same bytes; whatever it refuses
// goes to the full parser, so refusing is always safe.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <string>

#include "analysis/llm/anthropic_delta.h"

namespace agentsight::analyzers::llm {
namespace {

const char* field_of(delta_kind k) {
    switch (k) {
        case delta_kind::text:
            return "text";
        case delta_kind::thinking:
            return "thinking";
        case delta_kind::input_json:
            return "partial_json";
    }
    return "";
}

const char* type_of(delta_kind k) {
    switch (k) {
        case delta_kind::text:
            return "text_delta";
        case delta_kind::thinking:
            return "thinking_delta";
        case delta_kind::input_json:
            return "input_json_delta";
    }
    return "";
}

// When the fast reader accepts `data`, nlohmann must read the same event from it.
void expect_consistent(const std::string& data) {
    std::string value;
    auto d = read_anthropic_delta(data, value);
    if (!d) return;
    auto j = nlohmann::json::parse(data, nullptr, false);
    ASSERT_TRUE(j.is_object()) << data;
    ASSERT_EQ(j.size(), 3u) << data;
    EXPECT_EQ(j["type"], "content_block_delta") << data;
    EXPECT_EQ(j["index"], d->index) << data;
    const auto& delta = j["delta"];
    ASSERT_TRUE(delta.is_object()) << data;
    ASSERT_EQ(delta.size(), 2u) << data;
    EXPECT_EQ(delta["type"], type_of(d->kind)) << data;
    EXPECT_EQ(delta[field_of(d->kind)], value) << data;
}

TEST(anthropic_delta, reads_the_three_hot_shapes) {
    std::string value;
    auto d = read_anthropic_delta(
        R"({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"it — caf\u00e9"}})",
        value);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->kind, delta_kind::text);
    EXPECT_EQ(d->index, 1);
    EXPECT_EQ(value, "it — café");
    d = read_anthropic_delta(
        R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"a\nb"}})",
        value);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->kind, delta_kind::thinking);
    EXPECT_EQ(value, "a\nb");
    d = read_anthropic_delta(
        R"({"type":"content_block_delta","index":12,"delta":{"type":"input_json_delta","partial_json":"{\"path\": \"a."}})",
        value);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->kind, delta_kind::input_json);
    EXPECT_EQ(d->index, 12);
    EXPECT_EQ(value, R"({"path": "a.)");
}

TEST(anthropic_delta, anything_unusual_goes_to_the_full_parser) {
    std::string value;
    for (
        const char* data : {
            R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"x"}})",
            R"({"type": "content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}})",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}} )",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x","y":1}})",
            R"({"type":"content_block_delta","index":01,"delta":{"type":"text_delta","text":"x"}})",
            R"({"type":"content_block_delta","index":-1,"delta":{"type":"text_delta","text":"x"}})",
            R"({"type":"content_block_delta","index":1.5,"delta":{"type":"text_delta","text":"x"}})",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"})",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x\q"}})",
            R"({"index":0,"type":"content_block_delta","delta":{"type":"text_delta","text":"x"}})",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
            "\"text\":\"\xff\"}}",
        })
        EXPECT_FALSE(read_anthropic_delta(data, value)) << data;
}

TEST(anthropic_delta, mutations_never_disagree_with_nlohmann) {
    const std::string seeds[] = {
        R"({"type":"content_block_delta","index":7,"delta":{"type":"text_delta","text":"a \"b\" \u00e9"}})",
        R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"x\\y"}})",
        R"({"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{\"k\":"}})",
    };
    const std::string bytes = "\"\\}{,:0 9a\xc3\xa9\x01u";
    std::mt19937 rng(7);
    for (const auto& seed : seeds) {
        expect_consistent(seed);
        for (int n = 0; n < 20000; ++n) {
            std::string m = seed;
            size_t at = rng() % m.size();
            char b = bytes[rng() % bytes.size()];
            switch (rng() % 3) {
                case 0:
                    m[at] = b;
                    break;
                case 1:
                    m.insert(m.begin() + long(at), b);
                    break;
                default:
                    m.erase(at, 1);
            }
            expect_consistent(m);
            if (HasFailure()) return;
        }
    }
}

}  // namespace
}  // namespace agentsight::analyzers::llm
