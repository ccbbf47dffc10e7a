// SPDX-License-Identifier: Apache-2.0
#include "pipeline/event.h"

namespace agentsight {

const char* to_string(process_event_type t) {
    switch (t) {
        case process_event_type::exec:
            return "exec";
        case process_event_type::fork:
            return "fork";
        case process_event_type::exit:
            return "exit";
        case process_event_type::file_open:
            return "file_open";
        case process_event_type::file_unlink:
            return "file_unlink";
        case process_event_type::file_rename:
            return "file_rename";
        case process_event_type::mkdir:
            return "mkdir";
        case process_event_type::connect:
            return "connect";
        case process_event_type::bind:
            return "bind";
        case process_event_type::listen:
            return "listen";
        case process_event_type::accept:
            return "accept";
        case process_event_type::suppressed:
            return "suppressed";
        case process_event_type::bpf_call:
            return "bpf_call";
        case process_event_type::touch_recorder:
            return "touch_recorder";
        case process_event_type::tls_skipped:
            return "tls_skipped";
    }
    return "unknown";
}

derived_event::derived_event(events::payload p) : payload(std::move(p)) {
    refresh();
}

derived_event::derived_event(std::string t, uint64_t ts, json b)
    : type(std::move(t)),
      ts_ns(ts),
      body(std::move(b)),
      payload(events::decode(type, ts, body)),
      body_declared(events::encodes_to(payload, body)) {}

void derived_event::refresh() {
    type = events::type_of(payload);
    ts_ns = events::ts_of(payload);
    body = events::encode(payload);
    body_declared = true;
}

}  // namespace agentsight
