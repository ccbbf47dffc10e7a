// SPDX-License-Identifier: Apache-2.0
// The live feed: /api/stream (Server-Sent Events) in, one batch per animation
// frame out. However fast events arrive, listeners run at most once a frame,
// so the page keeps its frame rate and the DOM is touched in one go.

export class LiveFeed {
  constructor(afterSeq) {
    this.seq = afterSeq;
    this.pending = [];
    this.scheduled = false;
    this.listeners = new Set();
    this.statusListeners = new Set();
    this.source = null;
  }

  onBatch(fn) { this.listeners.add(fn); }
  onStatus(fn) { this.statusListeners.add(fn); }

  start() {
    // EventSource reconnects by itself and sends Last-Event-ID, so a
    // restart of the connection neither loses nor repeats events.
    this.source = new EventSource(`/api/stream?after=${this.seq}`);
    this.source.addEventListener('hello', () => this.setStatus('live'));
    this.source.addEventListener('events', (m) => this.receive(m));
    this.source.onerror = () => this.setStatus(this.source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  }

  stop() {
    if (this.source) this.source.close();
    this.source = null;
    this.setStatus('closed');
  }

  setStatus(s) {
    this.statusListeners.forEach((fn) => fn(s));
  }

  receive(message) {
    let events;
    try {
      events = JSON.parse(message.data);
    } catch {
      return;
    }
    for (const e of events) {
      if (e._seq <= this.seq) continue;  // resent after a reconnect
      this.seq = e._seq;
      this.pending.push(e);
    }
    if (!this.scheduled && this.pending.length) {
      this.scheduled = true;
      requestAnimationFrame(() => this.flush());
    }
  }

  flush() {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (!batch.length) return;
    for (const fn of this.listeners) {
      try {
        fn(batch);
      } catch (err) {
        console.error('live listener failed', err);
      }
    }
  }
}
