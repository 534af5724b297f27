// How many playgrounds of one page hold a worker (and its WebAssembly
// memory) at once. A page of many <conv-playground>s keeps at most `max`
// workers: an element that comes near the view asks for one; when all are
// taken, one held by an element that matters less to the student is given
// back (its instance sleeps: the drawing stays, the worker goes) and handed
// over. An element that cannot get one waits, and says so, until one is
// given back.
//
//   const budget = createBudget(3);
//   budget.request(client);   // client: {rank, grant(), yieldWorker() -> bool}
//   budget.release(client);   // the client gave its worker back (or left the page)
//   budget.holds(client), budget.live, budget.waiting
//   budget.pump();            // a client's rank rose, or max changed: try again now
//
// rank: 2 in view, 1 near it, 0 farther. The waiting clients are served by
// rank (the longest waiting first among equals), and a client takes the
// worker of a holder of lower rank (the lowest first): an element the
// student sees never waits for one only near the view.
// grant() is called when the client may start (or wake) its worker;
// yieldWorker() puts it to sleep and returns true, or false while it is busy
// (then another holder is tried, and the request again a little later). A
// client whose worker was taken asks again itself when it still wants one.

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
    if (this.holders.has(client)) return;
    if (!this.queue.includes(client)) this.queue.push(client);
    this.pump();
  }

  release(client) {
    this.holders.delete(client);
    this.queue = this.queue.filter((c) => c !== client);
    this.pump();
  }

  /** A holder of lower rank than `rank` (the lowest first) that gives its worker back, or null. */
  evict(rank) {
    const lower = [...this.holders].filter((h) => h.rank < rank).sort((a, b) => a.rank - b.rank);
    for (const holder of lower) {
      if (holder.yieldWorker()) {
        this.holders.delete(holder);
        return holder;
      }
    }
    return null;
  }

  /** The waiting client of the highest rank (the first asked among equals). */
  next() {
    let best = 0;
    for (let i = 1; i < this.queue.length; i++) {
      if (this.queue[i].rank > this.queue[best].rank) best = i;
    }
    return best;
  }

  pump() {
    clearTimeout(this.timer);
    this.timer = 0;
    while (this.queue.length) {
      const i = this.next();
      if (this.holders.size >= this.max && !this.evict(this.queue[i].rank)) {
        // every worker is busy or held by one that matters as much: ask again later
        this.timer = setTimeout(() => this.pump(), RETRY_MS);
        return;
      }
      const [client] = this.queue.splice(i, 1);
      this.holders.add(client);
      client.grant();
    }
  }
}
