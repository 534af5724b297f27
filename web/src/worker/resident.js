// What the worker keeps in the module's memory: resident tensors (the
// module's tensor(), wasm/resident.h) for the sources' pictures, the working
// image, the batch, the weights and the layer's output. Every one is made
// here and freed by sweep(): after a job, whatever the worker no longer
// holds (a replaced working image, an older batch, the last layer's weights
// and output) is disposed, so its memory stays bounded however many changes
// a student makes.
//
//   const held = new Held();
//   const t = held.tensor(cp, shape, data);       // resident, counted
//   held.sweep([t, other, null]);                  // disposes every other tensor made here
//   plain(t)                                       // {shape, data}: a copy in JS memory

export class Held {
  constructor() {
    this.tensors = new Set();
  }

  /** A resident tensor of shape holding data (copied in). */
  tensor(cp, shape, data) {
    const t = cp.tensor(shape, data);
    this.tensors.add(t);
    return t;
  }

  /** A JS tensor {shape, data} kept resident. */
  keep(cp, t) {
    return this.tensor(cp, t.shape, t.data);
  }

  /** Adopts a resident tensor an op returned. */
  adopt(t) {
    this.tensors.add(t);
    return t;
  }

  /** Disposes every tensor made here that is not in roots (null entries are ignored). */
  sweep(roots) {
    const live = new Set(roots);
    for (const t of this.tensors) {
      if (live.has(t)) continue;
      t.dispose();
      this.tensors.delete(t);
    }
  }

  get size() {
    return this.tensors.size;
  }
}

/** True for a resident tensor (it has read()). */
export const isResident = (t) => Boolean(t && typeof t.read === 'function');

/** {shape, data} of a tensor: a resident one is copied out, a JS one returned as is. */
export function plain(t) {
  if (!isResident(t)) return t;
  return { shape: t.shape.slice(), data: t.read() };
}
