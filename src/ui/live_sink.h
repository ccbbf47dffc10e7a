// SPDX-License-Identifier: Apache-2.0
// The pipeline's door into the UI: a sink that appends every event to the
// store. Subscribers (SSE streams) wake on the store's wait_for_events().
#pragma once

#include <atomic>
#include <memory>

#include "pipeline/stage.h"
#include "ui/event_store.h"

namespace agentsight::server {

class live_sink : public sink {
  public:
    explicit live_sink(std::shared_ptr<event_store> store) : store_(std::move(store)) {}

    void write(const event& e) override;
    // Wakes readers so an idle stream notices the end promptly.
    void close() override;

    uint64_t written() const { return written_.load(); }

  private:
    std::shared_ptr<event_store> store_;
    std::atomic<uint64_t> written_{0};
};

}  // namespace agentsight::server
