// Attribute changes applied to a live <conv-playground> instance (element.js).
import { defaults } from '../common/state.js';
import { ATTRIBUTES } from './options.js';
import { patchHash } from './share.js';

/**
 * Applies the attributes named in changed (cfg: options.js readConfig) to
 * instance. A new preset or lecture step loads the attributes' whole state
 * over that set-up's base (returns true: image= is opened again); any other
 * attribute sets its row (its default when the attribute was removed).
 */
export function applyAttributes(instance, cfg, changed) {
  if (changed.includes('preset') || changed.includes('lecture-step')) {
    instance.loadHash(patchHash(cfg.patch));
    return true;
  }
  const d = defaults();
  const up = {};
  for (const name of changed) {
    const a = ATTRIBUTES.find((x) => x.attr === name);
    if (a) up[a.row.name] = a.row.name in cfg.patch ? cfg.patch[a.row.name] : d[a.row.name];
  }
  if (Object.keys(up).length) instance.update(up);
  return false;
}
