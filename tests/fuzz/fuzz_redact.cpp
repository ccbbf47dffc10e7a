// The redaction stage on attacker bytes: TLS records of two interleaved streams (secrets
// may straddle records), argv and paths of a process, and a derived event's JSON body.
// Redaction must keep every record's length (replayed HTTP/1.1 framing depends on it).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "analyzers/redact.h"
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

void redact_process(redact_stage& stage, std::string_view in) {
    process_event p;
    p.filename.assign(in.substr(0, 64));
    p.path.assign(in);
    for (std::string_view arg : fuzz::split_parts(in, 32)) p.argv.emplace_back(arg);
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
    redact_stage stage;
    redact_records(stage, in, shape);
    redact_process(stage, in);
    redact_body(stage, in);
    return 0;
}
