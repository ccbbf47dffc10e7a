// SPDX-License-Identifier: Apache-2.0
// One direction of an HTTP/1.1 connection, cut into records at fuzzed boundaries, with
// fuzzed capture losses and an early close: start lines, headers, Content-Length,
// chunked framing and resync after desync all see attacker bytes.
#include <cstdint>
#include <string_view>

#include "analysis/protocol/http1_parser.h"
#include "fuzz_input.h"

using namespace agentsight;
using namespace agentsight::analyzers;

namespace {

class checking_handler final : public http1_handler {
  public:
    explicit checking_handler(bool head) : head_(head) {}
    void on_head(http_head& head, uint64_t, uint64_t) override {
        fuzz::touch(head.method);
        fuzz::touch(head.target);
        fuzz::touch(head.host);
        for (const auto& h : head.headers) {
            fuzz::touch(h.name);
            fuzz::touch(h.value);
        }
    }
    void on_body(std::string_view data, uint64_t) override { fuzz::touch(data); }
    void on_body_gap(uint64_t) override {}
    void on_end(uint64_t) override {}
    void on_abort() override {}
    bool next_response_is_head() override { return head_; }

  private:
    bool head_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in = fuzz::as_view(data, size);
    uint8_t shape = fuzz::take_shape(in);
    uint8_t mode = fuzz::take_shape(in);
    http1_role role = mode & 1 ? http1_role::response : http1_role::request;
    checking_handler handler(mode & 2);
    uint64_t parse_errors = 0;
    http1_parser parser(role, handler, parse_errors);
    fuzz::touch(in.substr(0, 16));
    (void)looks_like_http1_start(in, role);
    (void)could_be_http1_start(in, role);

    // Parts after the first are separated by a capture loss of the part's first byte.
    uint64_t ts = 1;
    fuzz::chunker cut(shape);
    bool first = true;
    for (std::string_view part : fuzz::split_parts(in, 8)) {
        if (!first) parser.skip(part.empty() ? 1 : uint8_t(part.front()) * 97u + 1);
        first = false;
        cut.each(part, [&](std::string_view record) {
            if (parser.desynced()) parser.try_resync(record);
            parser.feed(record, ts++);
        });
    }
    if (mode & 4) parser.close(ts);
    return 0;
}
