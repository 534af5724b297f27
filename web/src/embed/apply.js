// Attribute changes applied to a live <conv-playground> instance (element.js).
import { ATTRIBUTES } from './options.js';
import { patchHash } from './share.js';

/**
 * Applies the attributes named in changed (cfg: options.js readConfig) to
 * instance: the attributes are its starting state (Reset returns to it,
 * locked rows keep it). A new preset or lecture step restarts it from the
 * attributes' whole state over that set-up's base (returns true: image= is
 * opened again); any other attribute restarts only its row.
 */
export function applyAttributes(instance, cfg, changed) {
  if (changed.includes('preset') || changed.includes('lecture-step')) {
    instance.restart(patchHash(cfg.patch));
    return true;
  }
  const rows = changed.map((n) => ATTRIBUTES.find((x) => x.attr === n)?.row.name);
  instance.restart(patchHash(cfg.patch), rows.filter(Boolean));
  return false;
}
