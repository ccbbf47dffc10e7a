// SPDX-License-Identifier: Apache-2.0
#include "outputs/otlp/otlp_output.h"

#include "outputs/otlp/otlp_http.h"
#include "outputs/otlp/otlp_sink.h"

namespace agentsight {
namespace {

constexpr const char* k_endpoint_flag = "--otlp";
constexpr const char* k_content_flag = "--otlp-content";

result<std::unique_ptr<sink>> make(const output_flag_values& v, const output_context& ctx) {
    otlp_options opts;
    opts.endpoint = v.value(k_endpoint_flag);
    opts.capture_content = v.is_on(k_content_flag);
    opts.agentsight_version = ctx.agentsight_version;
    auto s = otlp_sink::create(std::move(opts));
    if (!s) return error{s.message()};
    return std::unique_ptr<sink>(std::move(*s));
}

std::optional<uint16_t> connect_port(const output_flag_values& v) {
    auto url = parse_http_url(v.value(k_endpoint_flag));
    if (!url) return std::nullopt;
    return url->port;
}

}  // namespace

export_output otlp_output() {
    return {
        "otlp",
        {{k_endpoint_flag,
          "Also export OTLP/HTTP traces and metrics to this collector, e.g. "
          "http://127.0.0.1:4318"},
         {k_content_flag, "Include prompts and responses in OTLP spans (off by default)", true}},
        make,
        connect_port};
}

}  // namespace agentsight
