// SPDX-License-Identifier: Apache-2.0
// `agentsight report`: one pass over a session's events builds a summary (as JSON), and a
// renderer prints it for a terminal. The CLI edge (app/cmd_report.cpp) reads the trace.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pipeline/event.h"
#include "report/report_pricing.h"

namespace agentsight::analyzers {

class report_builder {
  public:
    explicit report_builder(price_table prices) : prices_(std::move(prices)) {}
    void add(const event& e);
    // The whole summary; `source` names the trace in it.
    json build(const std::string& source) const;

  private:
    struct model_stats {
        std::string provider;
        uint64_t calls = 0, errors = 0;
        token_counts tokens;
        double cost = 0;
        bool priced = true;
    };
    void add_process(const process_event& e);
    void add_llm_call(const json& b, uint64_t ts);

    price_table prices_;
    json session_ = json::object();
    uint64_t first_ts_ = 0, last_ts_ = 0, events_ = 0;
    json turns_ = json::array();
    std::map<std::string, model_stats> models_;
    std::vector<double> ttft_ms_, duration_ms_;
    json tools_ = json::array();
    json tool_rows() const;
    std::map<std::string, json> tool_calls_;  // call id -> {name, input} from the llm_calls
    json processes_ = json::array();
    std::map<int32_t, size_t> process_index_;
    std::map<std::string, uint64_t> files_read_, files_written_;
    std::map<std::string, uint64_t> network_;
    json alerts_ = json::array();
    std::set<int32_t> agent_pids_;
    json drops_ = json::object();  // from session_end: what the kernel side lost, and whose
};

// The report's "Drops" lines (a heading, then one per process and per tree), or none when
// nothing was lost.
std::vector<std::string> drop_lines(const json& report);

// Alerts grouped by (rule, severity), most severe first: {rule, severity, count, first_ts,
// message, chain, pids} with the first alert's message and chain (report_alerts.cpp).
json group_alerts(const json& alerts);

// Percentile by nearest rank over `values` (copied, then sorted): p in [0, 100].
double percentile(std::vector<double> values, double p);

// The report as lines that fit `width` columns.
std::string render_report(const json& report, size_t width = 80);

}  // namespace agentsight::analyzers
