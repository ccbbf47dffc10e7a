// SPDX-License-Identifier: Apache-2.0
#include "ui/live_sink.h"

namespace agentsight::server {

void live_sink::write(const event& e) {
    store_->add(e);
    written_.fetch_add(1, std::memory_order_relaxed);
}

void live_sink::close() {
    store_->wake_all();
}

}  // namespace agentsight::server
