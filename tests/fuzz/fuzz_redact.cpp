// SPDX-License-Identifier: Apache-2.0
// The redaction stage on attacker bytes, every path in every run, each on its own part of
// the input (parts split by fuzz::k_split):
//   0  TLS records of two interleaved streams (secrets may straddle records);
//   1, 2  an HTTP/2 connection: the client's frames after the preface, and the server's
//      (header blocks are decoded and rewritten in place);
//   3  a process: argv (NUL-separated), filename and path;
//   4  a derived event's JSON body (or, when it is not JSON, a string in one).
// Redaction must keep every record's length (replayed HTTP/1.1 framing and HTTP/2 frames
// depend on it). Each byte goes through one path: the same bytes through all of them
// scanned every input five times and reached no code the parts do not.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "analysis/protocol/http2_session.h"
#include "analysis/redact/redact.h"
#include "fuzz_input.h"

using namespace agentsight;
using namespace agentsight::analyzers;

namespace {

void redact_records(redact_stage& stage, std::string_view in, uint8_t shape) {
    emit_fn ignore = [](event) {};
    fuzz::chunker cut(shape);
    int n = 0;
    cut.each(in, [&](std::string_view record) {
        tls_event t;
        t.pid = 1;
        t.tid = 1;
        t.conn = (++n % 3 == 0) ? "1:b" : "1:a";
        t.direction = n % 2 ? tls_direction::write : tls_direction::read;
        t.data.assign(record);
        t.len = t.data.size();
        event e(std::move(t));
        stage.on_event(e, ignore);
        if (std::get<tls_event>(e).data.size() != record.size()) std::abort();
    });
}

// The input as an HTTP/2 connection: the client side opens with the preface; the sides
// alternate record by record, cut where the shape says.
void redact_http2(redact_stage& stage, std::string_view client_frames,
                  std::string_view server_frames, uint8_t shape) {
    std::string client = std::string(k_http2_preface) + std::string(client_frames);
    std::string_view sides[2] = {client, server_frames};
    fuzz::chunker cut[2] = {fuzz::chunker(shape), fuzz::chunker(uint8_t(shape ^ 0x5a))};
    const size_t min[2] = {fuzz::min_record(sides[0].size()), fuzz::min_record(sides[1].size())};
    while (!sides[0].empty() || !sides[1].empty()) {
        for (int side = 0; side < 2; ++side) {
            if (sides[side].empty()) continue;
            size_t n = std::min(sides[side].size(), cut[side].next(min[side]));
            tls_event t;
            t.pid = 2;
            t.tid = 2;
            t.conn = "2:h2";
            t.direction = side == 0 ? tls_direction::write : tls_direction::read;
            t.data.assign(sides[side].substr(0, n));
            t.len = t.data.size();
            sides[side].remove_prefix(n);
            event e(std::move(t));
            stage.on_event(e, [](event) {});
            if (std::get<tls_event>(e).data.size() != n) std::abort();
        }
    }
}

// argv NUL-separated as in /proc/PID/cmdline (at most 32); the filename is the first
// argument's first 64 bytes, the path the last argument, the new path (a rename) the second.
void redact_process(redact_stage& stage, std::string_view in) {
    process_event p;
    size_t at = 0;
    while (p.argv.size() < 31) {
        size_t nul = in.find('\0', at);
        if (nul == std::string_view::npos) break;
        p.argv.emplace_back(in.substr(at, nul - at));
        at = nul + 1;
    }
    p.argv.emplace_back(in.substr(at));  // the rest, NULs and all past the 31st
    p.filename.assign(p.argv.front().substr(0, 64));
    p.path.assign(p.argv.back());
    if (p.argv.size() > 1) p.new_path.assign(p.argv[1]);
    event e(std::move(p));
    stage.on_event(e, [](event) {});
    for (const auto& a : std::get<process_event>(e).argv) fuzz::touch(a);
}

void redact_body(redact_stage& stage, std::string_view in) {
    json body = json::parse(in, nullptr, false);
    if (body.is_discarded()) body = json{{"type", "llm_call"}, {"user_prompt", std::string(in)}};
    event e(derived_event{"llm_call", 1, std::move(body)});
    stage.on_event(e, [](event) {});
    fuzz::touch_json(std::get<derived_event>(e).body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in = fuzz::as_view(data, size);
    uint8_t shape = fuzz::take_shape(in);
    auto parts = fuzz::split_parts(in, 5);
    parts.resize(5);  // missing parts are empty
    redact_stage stage;
    redact_records(stage, parts[0], shape);
    redact_http2(stage, parts[1], parts[2], shape);
    redact_process(stage, parts[3]);
    redact_body(stage, parts[4]);
    return 0;
}
