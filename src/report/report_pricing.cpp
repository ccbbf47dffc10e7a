// SPDX-License-Identifier: Apache-2.0
#include "report/report_pricing.h"

#include <fstream>
#include <sstream>

namespace agentsight::analyzers {

const model_price* price_table::find(std::string_view model) const {
    const model_price* best = nullptr;
    for (const auto& m : models)
        if (model.substr(0, m.prefix.size()) == m.prefix &&
            (!best || m.prefix.size() > best->prefix.size()))
            best = &m;
    return best;
}

result<price_table> parse_pricing(std::string_view text, const std::string& where) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) {
        return error{where + ": not valid JSON (" + e.what() + ")"};
    }
    auto models = doc.find("models");
    if (!doc.is_object() || models == doc.end() || !models->is_object())
        return error{where + ": expected {\"models\": {\"PREFIX\": {\"input\": N, ...}}}"};
    price_table out;
    for (const auto& [prefix, p] : models->items()) {
        if (!p.is_object()) return error{where + ": models." + prefix + " must be an object"};
        model_price m;
        m.prefix = prefix;
        for (auto [key, field] :
             {std::pair{"input", &m.input}, std::pair{"output", &m.output},
              std::pair{"cache_read", &m.cache_read}, std::pair{"cache_write", &m.cache_write}}) {
            auto it = p.find(key);
            if (it == p.end()) continue;
            if (!it->is_number() || it->get<double>() < 0)
                return error{where + ": models." + prefix + "." + key + " must be a number >= 0"};
            *field = it->get<double>();
        }
        out.models.push_back(std::move(m));
    }
    return out;
}

result<price_table> load_pricing(const std::string& path) {
    if (path.empty()) return parse_pricing(default_pricing_text(), "built-in pricing");
    std::ifstream f(path, std::ios::binary);
    if (!f) return error{path + ": cannot open pricing file"};
    std::stringstream ss;
    ss << f.rdbuf();
    return parse_pricing(ss.str(), path);
}

double estimate_cost(const model_price& p, const token_counts& t, bool input_includes_cache) {
    double input = static_cast<double>(t.input);
    if (input_includes_cache) input -= std::min(input, static_cast<double>(t.cache_read));
    return (input * p.input + static_cast<double>(t.output) * p.output +
            static_cast<double>(t.cache_read) * p.cache_read +
            static_cast<double>(t.cache_write) * p.cache_write) /
           1e6;
}

}  // namespace agentsight::analyzers
