// A weights file of the network lab is the playground's configuration
// (transfer.js, format "convplay-config", version 1: the whole state, so the
// lab's architecture, hyperparameters and seed) with one more field, network:
// {classes, step, layers: [{layer, name, w: {shape, data}, b, gamma?, beta?,
// runningMean?, runningVar?}]}; numbers are float32 written with 9 digits, so
// they read back exactly.
import { CLASSES, exact } from './constants.js';

/** The network field of a file: the classes, the step and the worker's parameters. */
export function networkOf(classes, step, parameters) {
  return {
    classes: classes.slice(),
    step,
    layers: parameters.map((p) => {
      const o = { layer: p.layer, name: p.name };
      if (p.w) o.w = { shape: p.w.shape, data: exact(p.w.data) };
      for (const k of ['b', 'gamma', 'beta', 'runningMean', 'runningVar'])
        if (p[k]) o[k] = exact(p[k]);
      return o;
    }),
  };
}

const isObject = (v) => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** The network part of a weights file, checked for its shape; throws naming the field. */
export function readNetwork(data) {
  const n = data.network;
  if (!isObject(n))
    throw new Error(
      'network: missing: this configuration holds no trained weights (export them from the network lab)',
    );
  if (
    !Array.isArray(n.classes) ||
    n.classes.length < 2 ||
    n.classes.length > CLASSES.length ||
    !n.classes.every((c) => typeof c === 'string' && c.length >= 1 && c.length <= 40)
  )
    throw new Error(
      `network.classes: must be 2 to ${CLASSES.length} class names of 1 to 40 characters`,
    );
  if (!Array.isArray(n.layers)) throw new Error('network.layers: missing, or not an array');
  n.layers.forEach((l, i) => {
    if (!isObject(l)) throw new Error(`network.layers[${i}]: not an object`);
    if (typeof l.name !== 'string') throw new Error(`network.layers[${i}].name: missing`);
    if (l.w !== undefined && (!l.w || typeof l.w !== 'object' || !Array.isArray(l.w.data)))
      throw new Error(`network.layers[${i}].w.data: missing, or not an array of numbers`);
  });
  return n;
}

/** Throws unless every layer of the file's net is the same layer of this network (here). */
export function checkLayers(net, here) {
  for (const [i, l] of net.layers.entries()) {
    const mine = here[l.layer];
    if (!mine || mine.name !== l.name)
      throw new Error(
        `network.layers[${i}]: layer ${l.layer} is “${l.name}” in the file but “${mine?.name ?? 'nothing'}” in this network (the file's state and weights disagree)`,
      );
  }
}

/** True when the classes are Fashion-MNIST's, in its order. */
export const isFashion = (classes) =>
  classes.length === CLASSES.length && classes.every((c, i) => c === CLASSES[i]);
