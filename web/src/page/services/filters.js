// The state actions on the filter bank (ctx.filters, playground.d.ts
// FilterActions): a filter's preset, one weight, one bias, and the request to
// open a filter in the weight editor (the volume panel's "edit" buttons ask,
// the editor panel answers).
import { filterWeights } from '../../common/filters.js';
import { presetOf, biasOf } from '../../common/state.js';

/** The presets of filters 0..n-1 (n at least K and k + 1). */
function presetList(s, k) {
  const n = Math.max(s.k, s.filters.length, k + 1);
  return Array.from({ length: n }, (_, i) => presetOf(i, s));
}

export function createFilters({ store }) {
  const editors = new Set();
  return Object.freeze({
    /** Sets the preset of filter k (expanding the list of presets to K entries). */
    setPreset(k, preset) {
      const list = presetList(store.state, k);
      list[k] = preset;
      return store.set('filters', list);
    },
    /** Sets weight index of filter k: the filter becomes 'custom' with its numbers in w<k>. */
    setWeight(k, index, value) {
      const s = store.state;
      const w = Array.from(filterWeights(k, s));
      w[index] = value;
      const list = presetList(s, k);
      list[k] = 'custom';
      return store.update({ filters: list, [`w${k}`]: w });
    },
    /** Sets the bias of filter k. */
    setBias(k, value) {
      const s = store.state;
      const b = Array.from({ length: Math.max(s.k, k + 1) }, (_, i) => biasOf(i, s));
      b[k] = value;
      return store.set('bias', b);
    },
    /** Asks the weight editor to open filter k. */
    edit(k) {
      for (const fn of [...editors]) fn(k);
    },
    /** fn(k) on every edit(k); returns the function that stops it. */
    onEdit(fn) {
      editors.add(fn);
      return () => editors.delete(fn);
    },
  });
}
