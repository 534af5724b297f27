// How many playgrounds of one page hold a worker (and its WebAssembly
// memory) at once. A page of many <conv-playground>s keeps at most `max`
// workers: an element that comes near the view asks for one; when all are
// taken, one held by an element away from the view is given back (its
// instance sleeps: the drawing stays, the worker goes) and handed over. An
// element that cannot get one waits, and says so, until one is given back.
//
//   const budget = createBudget(3);
//   budget.request(client);   // client: {near, grant(), yieldWorker() -> bool}
//   budget.release(client);   // the client gave its worker back (or left the page)
//   budget.holds(client), budget.live, budget.waiting
//
// grant() is called when the client may start (or wake) its worker;
// yieldWorker() puts it to sleep and returns true, or false while it is busy
// (then another client is tried, and the request again a little later).

const RETRY_MS = 1000;

export function createBudget(max = 3) {
  return new Budget(max);
}

class Budget {
  constructor(max) {
    this.max = max;
    this.holders = new Set();
    this.queue = [];
    this.timer = 0;
  }

  get live() {
    return this.holders.size;
  }

  get waiting() {
    return this.queue.length;
  }

  holds(client) {
    return this.holders.has(client);
  }

  request(client) {
    if (this.holders.has(client) || this.queue.includes(client)) return;
    this.queue.push(client);
    this.pump();
  }

  release(client) {
    this.holders.delete(client);
    this.queue = this.queue.filter((c) => c !== client);
    this.pump();
  }

  /** A holder away from the view that gives its worker back, or null. */
  evict() {
    for (const holder of this.holders) {
      if (holder.near) continue;
      if (holder.yieldWorker()) {
        this.holders.delete(holder);
        return holder;
      }
    }
    return null;
  }

  pump() {
    clearTimeout(this.timer);
    this.timer = 0;
    while (this.queue.length) {
      if (this.holders.size >= this.max && !this.evict()) {
        // every worker is busy or in view: ask again later
        this.timer = setTimeout(() => this.pump(), RETRY_MS);
        return;
      }
      const next = this.queue.shift();
      this.holders.add(next);
      next.grant();
    }
  }
}
