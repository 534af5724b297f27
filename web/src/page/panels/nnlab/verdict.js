// Whether the network lab's model has learnt anything yet, from a test
// evaluation ({accuracy, classes, confusion: K x K counts, rows true, columns
// predicted}): no better than guessing, or every test image put in one class.

/** The sentence saying the model has not learnt yet, or '' when it does better than that. */
export function notLearnt(evaluation, names) {
  const K = evaluation.classes;
  const counts = evaluation.confusion;
  let total = 0;
  const predicted = new Array(K).fill(0);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      predicted[j] += counts[i * K + j];
      total += counts[i * K + j];
    }
  }
  if (!total) return '';
  const pct = `${(100 * evaluation.accuracy).toFixed(1)}%`;
  const chance = `${(100 / K).toFixed(1)}%`;
  const one = predicted.findIndex((n) => n === total);
  if (one >= 0 && K > 1)
    return `not learnt yet: every test image is put in "${names[one]}" (${pct} right, guessing gives ${chance})`;
  if (evaluation.accuracy <= 1 / K + 1e-9)
    return `not learnt yet: ${pct} right is no better than guessing among ${K} classes (${chance})`;
  return '';
}
