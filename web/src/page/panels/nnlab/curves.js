// The run's training loss (blue) and test accuracy (red) against the step.
import { el } from '../../dom.js';
import { plot } from './plot.js';

export function mountCurves(lab) {
  const curves = el('canvas', {
    class: 'cp-nn-curves',
    width: 640,
    height: 220,
    role: 'img',
    'aria-label': 'Training loss (blue) and test accuracy (red) against the step',
  });
  return {
    nodes: [el('h3', { text: 'Loss and accuracy' }), curves],
    /** Draws the curves of lab.run (empty axes without a run). */
    draw() {
      const { run } = lab;
      plot(curves, run?.plan.totalSteps ?? 1, [
        {
          losses: run?.losses ?? [],
          tests: run?.tests ?? [],
          colour: '#2166ac',
          testColour: '#b2182b',
        },
      ]);
    },
  };
}
