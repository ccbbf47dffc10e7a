// SPDX-License-Identifier: Apache-2.0
// Golden tests on the hand-made provider captures in tests/data/analyzers/: the llm_call
// JSON must be byte-identical however the TLS records are split, and equal to the reviewed
// golden file. AGENTSIGHT_UPDATE_GOLDEN=1 rewrites the goldens (then review the diff).
#include <cstdlib>
#include <fstream>

#include "test_support.h"

namespace agentsight::analyzers::test {
namespace {

class capture_test : public ::testing::TestWithParam<const char*> {};

TEST_P(capture_test, golden_and_split_invariant) {
    const std::string name = GetParam();
    auto records = load_capture(name + ".tls.jsonl");
    std::string got = analyze(records);
    const std::string golden = data_path(name + ".expected.jsonl");
    if (std::getenv("AGENTSIGHT_UPDATE_GOLDEN")) std::ofstream(golden) << got;
    EXPECT_EQ(got, read_file(golden)) << "golden " << golden;
    EXPECT_FALSE(got.empty());
    expect_split_invariant(records, got);
}

INSTANTIATE_TEST_SUITE_P(providers, capture_test,
                         ::testing::Values("anthropic_stream", "anthropic_keepalive",
                                           "anthropic_429", "anthropic_cutoff", "openai_500",
                                           "openai_chat_stream", "openai_chat_plain",
                                           "openai_responses_stream", "openai_responses_plain",
                                           "gemini_stream", "gemini_plain"));

}  // namespace
}  // namespace agentsight::analyzers::test
