// The batch-norm lab as a plug-in of the page: main.js loads this file when it
// exists and calls mount(app) once the module is ready (section #bnlab).
import { mountBatchNormLab } from './bnlab.js';

export function mount(app) {
  const lab = mountBatchNormLab(app.slot('bnlab'), { engine: app.engine, state: app.S });
  app.bnlab = lab;        // for the console and the tests
  return lab;
}

export { mountBatchNormLab };
