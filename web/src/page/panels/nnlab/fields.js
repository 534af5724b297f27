// The network lab's number fields: what the text typed into one becomes, and
// the notice when it had to be clamped or replaced (the field, the value
// typed, the rule, the value used), like the notices of a link's values.
import { coerce } from '../../../common/state.js';
import { checkValue, quote, shown } from '../../../common/values.js';
import { el } from '../../dom.js';

/**
 * The value of a field for row (a state row, or any {type, min, max, default})
 * and the notice about it: {value, note}; note is null when the text was taken
 * as typed. A number field that holds no number (letters, "1e309") reads as ''.
 */
export function readField(input, row, label) {
  const unreadable = Boolean(input.validity?.badInput);
  const raw = unreadable ? '' : input.value;
  const value = coerce(row, raw);
  const { why } = checkValue(row, raw, label);
  if (!why && !unreadable) return { value, note: null };
  const typed = unreadable ? 'what was typed' : quote(raw);
  const rule = unreadable ? 'is not a number' : why;
  return { value, note: `${label}: ${typed} ${rule}; using ${shown(row, value)}` };
}

/** A labelled number input: {input, row} (row: the label holding it). */
export function numberInput(id, label, value, attrs) {
  const input = el('input', { id, type: 'number', value, ...attrs });
  return { input, row: el('label', { for: id }, label, input) };
}
