// SPDX-License-Identifier: Apache-2.0
// What every view shares: it loads when shown, and live events only mark it
// stale while hidden, so a busy agent costs nothing for views nobody watches.
import { throttle } from './dom.js';

export class View {
  constructor(root, ctx, { liveInterval = 1000 } = {}) {
    this.root = root;
    this.ctx = ctx;
    this.visible = false;
    this.stale = true;
    this.loading = null;
    this.refreshSoon = throttle(() => this.refresh(), liveInterval);
  }

  show() {
    this.visible = true;
    if (this.stale) this.refresh();
  }

  hide() {
    this.visible = false;
  }

  // The session (time range) changed: everything must be fetched again.
  reset() {
    this.stale = true;
    if (this.visible) this.refresh();
  }

  onLive(batch) {
    if (!this.wants(batch)) return;
    this.stale = true;
    if (this.visible) this.refreshSoon();
  }

  // Whether a live batch can change this view.
  wants(_batch) { return true; }

  async refresh() {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.stale = false;
    this.loading = this.load()
      .catch((err) => this.ctx.reportError(err))
      .finally(() => {
        this.loading = null;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
    return this.loading;
  }

  async load() {}
}
