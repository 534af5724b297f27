// Numbers shown to a fixed number of decimals, and sums of them a student can check
// by hand. A sum of rounded numbers is not always the rounded sum: shownSum says
// both, in units of the last decimal shown (integers, so nothing rounds twice).

/** The decimals that give the largest of the values about `sig` significant digits (2 to 6). */
export function decimalsFor(values, sig = 4) {
  let max = 0;
  for (const v of values) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  if (max === 0) return 2;
  const d = sig - 1 - Math.floor(Math.log10(max));
  return Math.max(2, Math.min(6, d));
}

/** v in units of the d-th decimal (rounded). */
export const toUnits = (v, d) => Math.round(v * 10 ** d);

/** A count of units of the d-th decimal as text: 3025, 4 -> "0.3025", -7, 2 -> "-0.07". */
export function unitsText(units, d) {
  const digits = String(Math.abs(units)).padStart(d + 1, '0');
  const sign = units < 0 ? '-' : '';
  return d > 0 ? `${sign}${digits.slice(0, -d)}.${digits.slice(-d)}` : `${sign}${digits}`;
}

/** v with d decimals (never "-0.00"). */
export const fixed = (v, d) => unitsText(toUnits(v, d), d);

/**
 * The sum of values as a student adds them from the screen: {shown: the sum of the
 * values rounded to d decimals, value: the exact sum rounded, rounding: value - shown},
 * all in units of the d-th decimal. `exact` is the sum to round (default: the values' own).
 */
export function shownSum(values, d, exact) {
  let shown = 0,
    total = 0;
  for (const v of values) {
    shown += toUnits(v, d);
    total += v;
  }
  const value = toUnits(exact ?? total, d);
  return { shown, value, rounding: value - shown };
}
