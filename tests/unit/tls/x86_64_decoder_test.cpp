// SPDX-License-Identifier: Apache-2.0
#include "tls/x86_64/x86_64_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace agentsight::tls::x86_64 {
namespace {

std::vector<uint8_t> from_hex(const std::string& hex) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(uint8_t(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

// Lengths checked against `objdump -D -b binary -m i386:x86-64`.
TEST(x86_64_decoder, lengths_match_objdump) {
    const std::vector<std::pair<std::string, int>> cases = {
        {"ba6a462900", 5},             // mov edx, imm32
        {"e800000000", 5},             // call rel32
        {"488d1500000000", 7},         // lea rdx, [rip+0]
        {"f30f1efa", 4},               // endbr64
        {"c5f96f0500000000", 8},       // vmovdqa xmm0, [rip]
        {"62f17c4810442401", 8},       // vmovups zmm0, [rsp+0x40] (EVEX, disp8*N)
        {"660f3a0fc108", 6},           // palignr xmm0, xmm1, 8
        {"48b88877665544332211", 10},  // movabs rax, imm64
        {"0f1f440000", 5},             // nopl
        {"662e0f1f840000000000", 10},  // cs nopw
        {"4531c0", 3},                 // xor r8d, r8d
        {"41b810000000", 6},           // mov r8d, 16
        {"c7c142000000", 6},           // mov ecx, 0x42 (C7 /0)
        {"f6c101", 3},                 // test cl, 1
        {"f7c100010000", 6},           // test ecx, imm32
        {"66f7c10001", 5},             // test cx, imm16
        {"0f8400010000", 6},           // je rel32
        {"c4e27d18c0", 5},             // vbroadcastss (VEX map 0F38)
        {"c4e3794ac000", 6},           // vblendvps (VEX map 0F3A: imm8)
        {"a18877665544332211", 9},     // mov eax, moffs64
        {"ff1500000000", 6},           // call [rip]
        {"0fbae001", 4},               // bt eax, 1
        {"cc", 1},
        {"eb10", 2},
    };
    for (const auto& [hex, len] : cases) {
        auto bytes = from_hex(hex);
        auto in = decode(bytes.data(), bytes.size());
        ASSERT_TRUE(in.has_value()) << hex;
        EXPECT_EQ(in->length, len) << hex;
    }
}

TEST(x86_64_decoder, operands_of_the_forms_the_search_reads) {
    auto mov = from_hex("ba6a462900");
    auto in = decode(mov.data(), mov.size());
    ASSERT_TRUE(in);
    EXPECT_EQ(in->opcode, 0xba);
    EXPECT_EQ(in->imm, 0x29466a);

    auto lea = from_hex("4c8d0d10000000");  // lea r9, [rip+0x10]
    in = decode(lea.data(), lea.size());
    ASSERT_TRUE(in);
    EXPECT_TRUE(in->rip_relative);
    EXPECT_EQ(in->disp, 0x10);
    EXPECT_EQ(in->reg(), r9);
}

TEST(x86_64_decoder, truncated_and_invalid_input_is_rejected) {
    auto cut = from_hex("488d15000000");  // lea missing a displacement byte
    EXPECT_FALSE(decode(cut.data(), cut.size()));
    auto invalid = from_hex("06");  // push es: invalid in 64-bit mode
    EXPECT_FALSE(decode(invalid.data(), invalid.size()));
    EXPECT_FALSE(decode(nullptr, 0));
    std::vector<uint8_t> prefixes(20, 0x66);  // longer than 15 bytes
    EXPECT_FALSE(decode(prefixes.data(), prefixes.size()));
}

}  // namespace
}  // namespace agentsight::tls::x86_64
