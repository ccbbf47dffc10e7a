// SPDX-License-Identifier: Apache-2.0
// The error-site reader on hand-assembled functions covering the layouts a
// BoringSSL build can produce: non-PIE immediates, PIE lea, the older
// five-argument ERR_put_error, and error paths that jump to a shared call.
#include "tls/x86_64/x86_64_backend.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace agentsight::tls::x86_64 {
namespace {

constexpr uint64_t file_addr = 0x29466a;
constexpr uint64_t fn_start = 0x401000;

struct assembler {
    std::vector<uint8_t> b;
    uint64_t here() const { return fn_start + b.size(); }
    void bytes(std::initializer_list<uint8_t> v) { b.insert(b.end(), v); }
    void u32(uint32_t v) {
        uint8_t x[4];
        std::memcpy(x, &v, 4);
        b.insert(b.end(), x, x + 4);
    }
    void mov_imm(uint8_t opcode, uint32_t v) { bytes({opcode}), u32(v); }
    void call(uint64_t target) { bytes({0xe8}), u32(uint32_t(target - (here() + 4))); }
    void prologue() { bytes({0x55, 0x48, 0x89, 0xe5}); }
    void epilogue() { bytes({0x5d, 0xc3}); }
};

TEST(x86_64_backend, reads_non_pie_error_call) {
    assembler a;
    a.prologue();
    a.mov_imm(0xba, file_addr);   // mov edx, file
    a.mov_imm(0xbf, 16);          // mov edi, ERR_LIB_SSL
    a.bytes({0x48, 0x89, 0xfb});  // mov rbx, rdi (unrelated, tolerated)
    a.mov_imm(0xbe, 66);          // mov esi, reason
    a.mov_imm(0xb9, 955);         // mov ecx, line
    a.call(0x500000);
    a.epilogue();

    backend be;
    std::vector<uint64_t> refs;
    be.find_address_refs(a.b, fn_start, file_addr, false, refs);
    ASSERT_EQ(refs.size(), 1u);
    EXPECT_EQ(refs[0], fn_start + 5);

    auto f = be.analyze_function(a.b, {fn_start, fn_start + a.b.size()}, file_addr);
    EXPECT_TRUE(f.fully_decoded);
    EXPECT_TRUE(f.plausible_entry);
    ASSERT_EQ(f.sites.size(), 1u);
    EXPECT_EQ(f.sites[0].lib, 16u);
    EXPECT_EQ(f.sites[0].reason, 66u);
    EXPECT_EQ(f.sites[0].line, 955u);
    EXPECT_EQ(f.sites[0].callee, 0x500000u);
    EXPECT_EQ(f.direct_calls, std::vector<uint64_t>{0x500000});
}

TEST(x86_64_backend, reads_pie_five_argument_error_call) {
    assembler a;
    a.prologue();
    a.mov_imm(0xbf, 16);    // mov edi, 16
    a.bytes({0x31, 0xf6});  // xor esi, esi (the unused argument)
    uint64_t lea_at = a.here();
    a.bytes({0x48, 0x8d, 0x0d});  // lea rcx, [rip+disp]
    a.u32(uint32_t(file_addr - (lea_at + 7)));
    a.mov_imm(0xba, 226);              // mov edx, reason
    a.bytes({0x41, 0xb8}), a.u32(42);  // mov r8d, line
    a.call(0x500000);
    a.epilogue();

    backend be;
    std::vector<uint64_t> refs;
    be.find_address_refs(a.b, fn_start, file_addr, true, refs);
    EXPECT_NE(std::find(refs.begin(), refs.end(), lea_at + 3), refs.end());

    auto f = be.analyze_function(a.b, {fn_start, fn_start + a.b.size()}, file_addr);
    ASSERT_EQ(f.sites.size(), 1u);
    EXPECT_EQ(f.sites[0].lib, 16u);
    EXPECT_EQ(f.sites[0].reason, 226u);
    EXPECT_EQ(f.sites[0].line, 42u);
}

TEST(x86_64_backend, follows_jump_to_shared_error_call) {
    assembler a;
    a.prologue();
    a.mov_imm(0xba, file_addr);
    a.mov_imm(0xbf, 16);
    a.mov_imm(0xbe, 111);
    a.mov_imm(0xb9, 5);
    a.bytes({0xeb, 20});  // jmp over the second setup (4 x 5 bytes) to the call
    a.mov_imm(0xba, file_addr);
    a.mov_imm(0xbf, 16);
    a.mov_imm(0xbe, 226);
    a.mov_imm(0xb9, 6);
    a.call(0x500000);
    a.epilogue();

    backend be;
    auto f = be.analyze_function(a.b, {fn_start, fn_start + a.b.size()}, file_addr);
    ASSERT_EQ(f.sites.size(), 2u);
    EXPECT_EQ(f.sites[0].reason, 111u);
    EXPECT_EQ(f.sites[0].line, 5u);
    EXPECT_EQ(f.sites[0].callee, 0x500000u);
    EXPECT_EQ(f.sites[1].reason, 226u);
    EXPECT_EQ(f.sites[1].callee, 0x500000u);
}

TEST(x86_64_backend, guesses_bounds_from_aligned_prologues) {
    // pad | fn1 @0x10: prologue, file ref, ret, int3 pad | fn2 @0x30: prologue
    std::vector<uint8_t> w(0x10, 0xcc);
    assembler f1;
    f1.prologue();
    f1.mov_imm(0xba, file_addr);
    f1.epilogue();
    w.insert(w.end(), f1.b.begin(), f1.b.end());
    w.resize(0x30, 0xcc);
    w.insert(w.end(), {0x55, 0x48, 0x89, 0xe5, 0x5d, 0xc3});

    backend be;
    const uint64_t base = 0x700000;
    auto r = be.guess_bounds(w, base, base + 0x10 + 5);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->start, base + 0x10);
    EXPECT_EQ(r->end, base + 0x30);
    EXPECT_FALSE(be.guess_bounds(w, base, base + w.size() + 10).has_value());
}

TEST(x86_64_backend, byte_matches_that_are_not_instructions_yield_no_site) {
    assembler a;
    a.prologue();
    a.bytes({0x48, 0x8b, 0x05});  // mov rax, [rip+disp] whose disp happens to equal the address
    a.u32(uint32_t(file_addr));
    a.epilogue();
    backend be;
    auto f = be.analyze_function(a.b, {fn_start, fn_start + a.b.size()}, file_addr);
    EXPECT_TRUE(f.sites.empty());
}

}  // namespace
}  // namespace agentsight::tls::x86_64
