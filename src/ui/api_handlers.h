// SPDX-License-Identifier: Apache-2.0
// The REST API as plain functions from a store and query parameters to a JSON
// reply, so they are tested without HTTP and ui_server stays wiring only.
// Every time in a reply is epoch ns; ns that the browser sends back (session
// bounds) also come as decimal strings, since JS numbers hold only 53 bits.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ui/event_store.h"

namespace agentsight::server {

using query_params = std::multimap<std::string, std::string>;  // httplib::Params

struct api_reply {
    int status = 200;
    std::string body;  // JSON
};

// [{index, start_ns, end_ns, open, events, llm_calls, start, end}]
api_reply api_sessions(const event_store& store);
// ?offset=&limit=&type=a,b&pid=&q=&since=&until= -> {total, offset, limit, items}
api_reply api_events(const event_store& store, const query_params& params);
// One event, in full.
api_reply api_event(const event_store& store, uint64_t seq);
// ?since=&until=&after= -> {items: [{seq, start_ns, end_ns, call, links}]}
api_reply api_llm_calls(const event_store& store, const query_params& params);
// {nodes: [...]} with parent links (node ids)
api_reply api_process_tree(const event_store& store);
// ?after= -> compact lanes for the timeline, times in ms from origin_ns
api_reply api_timeline(const event_store& store, const query_params& params);
api_reply api_stats(const event_store& store);

// Already-rendered JSON objects as one JSON array.
std::string json_array(const std::vector<std::string>& objects);

}  // namespace agentsight::server
