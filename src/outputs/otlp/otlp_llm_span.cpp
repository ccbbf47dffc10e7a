// SPDX-License-Identifier: Apache-2.0
// The OTLP chat span of an llm_call, and the tool spans its tool calls and results open and
// close: read from the typed event (pipeline/events/llm_call.h).
#include "outputs/otlp/genai_semconv.h"
#include "outputs/otlp/otlp_json.h"
#include "outputs/otlp/otlp_span_builder.h"

namespace agentsight {

using namespace otlp_json;

namespace {

// The gen_ai.* attributes an llm_call's own fields give.
void add_llm_attributes(otlp_attributes& a, const events::llm_call& c,
                        const std::string& provider) {
    a.add("gen_ai.operation.name", "chat");
    a.add_nonempty("gen_ai.provider.name", provider);
    a.add_nonempty("gen_ai.request.model", c.model);
    a.add_nonempty("gen_ai.response.model", c.response_model);
    a.add_nonempty("gen_ai.response.id", c.response_id);
    if (auto mt = num_at<int64_t>(c.request, "max_tokens")) a.add("gen_ai.request.max_tokens", *mt);
    if (!c.response.stop_reason.empty())
        a.add_strings("gen_ai.response.finish_reasons", {c.response.stop_reason});
    const events::llm_usage& u = c.usage;
    if (u.input_tokens) a.add("gen_ai.usage.input_tokens", *u.input_tokens);
    if (u.output_tokens) a.add("gen_ai.usage.output_tokens", *u.output_tokens);
    if (u.cache_read_tokens) a.add("gen_ai.usage.cache_read.input_tokens", *u.cache_read_tokens);
    if (u.cache_creation_tokens)
        a.add("gen_ai.usage.cache_creation.input_tokens", *u.cache_creation_tokens);
    a.add_nonempty("server.address", c.host);
    if (c.pid) a.add("process.pid", int64_t{c.pid});
    if (c.ttft_ms) a.add("agentsight.ttft_ms", *c.ttft_ms);
    if (c.incomplete) a.add_bool("agentsight.incomplete", true);
}

// error.type: the HTTP status when it failed, else "_OTHER" for an error the provider
// reported inside a successful response; "" when the call succeeded.
std::string llm_error_type(const events::llm_call& c) {
    if (c.status >= 400) return std::to_string(c.status);
    return c.error ? "_OTHER" : "";
}

}  // namespace

void otlp_span_builder::on_llm_call(const events::llm_call& c, const json& body,
                                    std::vector<otlp_span>& out) {
    const uint64_t start = c.ts_ns;
    const uint64_t end = start + static_cast<uint64_t>(c.duration_ms * k_ms);
    ensure_session(start);

    const std::string provider = genai_provider_name(c.provider);
    otlp_span s = make_span(c.model.empty() ? "chat" : "chat " + c.model, span_kind::client,
                            session_.span_id, start, end);
    auto& a = s.attributes;
    add_llm_attributes(a, c, provider);
    const std::string error_type = llm_error_type(c);
    if (!error_type.empty()) {
        s.status = span_status::error;
        s.status_message = c.error.value_or("");
        a.add("error.type", error_type);
    }
    if (options_.capture_content) {
        if (c.request.contains("system") && !c.request["system"].is_null())
            a.add("gen_ai.system_instructions", genai_system_instructions(c.request["system"]));
        a.add("gen_ai.input.messages", genai_input_messages(field(c.request, "messages")));
        a.add("gen_ai.output.messages", genai_output_messages(c.response));
    }

    genai_metric_labels labels{"chat", provider, c.model, c.response_model, c.host, error_type};
    if (c.usage.input_tokens) metrics_.record_tokens(labels, true, *c.usage.input_tokens, end);
    if (c.usage.output_tokens) metrics_.record_tokens(labels, false, *c.usage.output_tokens, end);
    metrics_.record_duration(labels, static_cast<double>(end - start) / 1e9, end);

    on_tool_turn(body, c.ts_ns, start, end, s.span_id, out);
    ++session_.llm_calls;
    out.push_back(std::move(s));
}

}  // namespace agentsight
