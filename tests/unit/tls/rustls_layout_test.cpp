// SPDX-License-Identifier: Apache-2.0
// encrypt's `msg` layout, read from its prologue: on the real bytes of Codex
// 0.167.2 (also in the binary test), through a copy of rdx, and refused when
// the shape is not there.
#include "tls/rustls_layout.h"

#include <gtest/gtest.h>

#include <vector>

namespace agentsight::tls {
namespace {

// Codex 0.167.2, MessageEncrypter::encrypt at 0xe46a5b0: push x6; sub rsp,0x78;
// mov rax,[rdx+0x10]; mov rbp,[rdx+0x18]; sub rbp,rax; cmp qword [rdx],0;
// cmove rbp,rax; mov r13,rbp; add r13,0x16; jns ...
const std::vector<uint8_t> codex_0_167_2 = {
    0x55, 0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x41, 0x54, 0x53, 0x48, 0x83, 0xec, 0x78,
    0x48, 0x8b, 0x42, 0x10, 0x48, 0x8b, 0x6a, 0x18, 0x48, 0x29, 0xc5, 0x48, 0x83, 0x3a,
    0x00, 0x48, 0x0f, 0x44, 0xe8, 0x49, 0x89, 0xed, 0x49, 0x83, 0xc5, 0x16, 0x79, 0x0b};

TEST(rustls_layout, reads_codex_encrypt_prologue) {
    auto l = read_outbound_chunks_layout(codex_0_167_2);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->tag, 0u);
    EXPECT_EQ(l->single_len, 16u);
    EXPECT_EQ(l->start, 16u);
    EXPECT_EQ(l->end, 24u);
}

TEST(rustls_layout, follows_a_copy_of_the_msg_register) {
    // mov r13,rdx; mov rax,[r13+0x28]; mov rcx,[r13+0x30]; cmp qword [r13+0x8],0; call
    const std::vector<uint8_t> code = {0x49, 0x89, 0xd5, 0x49, 0x8b, 0x45, 0x28,
                                       0x49, 0x8b, 0x4d, 0x30, 0x49, 0x83, 0x7d,
                                       0x08, 0x00, 0xe8, 0x00, 0x00, 0x00, 0x00};
    auto l = read_outbound_chunks_layout(code);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->tag, 8u);
    EXPECT_EQ(l->start, 0x28u);
    EXPECT_EQ(l->end, 0x30u);
}

TEST(rustls_layout, refuses_a_prologue_without_the_length_computation) {
    // The same loads, but from rsi (not msg), and no compare with zero.
    const std::vector<uint8_t> code = {0x48, 0x8b, 0x46, 0x10, 0x48, 0x8b,
                                       0x6e, 0x18, 0x48, 0x29, 0xc5, 0xc3};
    EXPECT_FALSE(read_outbound_chunks_layout(code));
    EXPECT_FALSE(read_outbound_chunks_layout({}));
}

}  // namespace
}  // namespace agentsight::tls
