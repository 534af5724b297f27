// The image the layer runs on (ctx.source, playground.d.ts SourceService): the
// worker key of the current source, and the actions that change it (the state's
// image, an opened file, webcam frames). The engine keeps each source it was
// sent; files are decoded by the module in the worker. What goes wrong is said
// in one line (onMessage) and the previous image stays.
import { bytesOf } from '../../common/bytes.js';
import { PHOTOS, photoUrl } from './photos.js';

const SYNTHETIC = new Set(['stripes', 'checker', 'circle']);
const MAX_FILE_BYTES = 50 * 1024 * 1024;
const SHIPPED = { shipped: true }; // a photo of the page's, decoded at the working size

/** Notifies a set of listeners. */
function notifier() {
  const fns = new Set();
  return {
    add(fn) {
      fns.add(fn);
      return () => fns.delete(fn);
    },
    call: (...args) => [...fns].forEach((fn) => fn(...args)),
  };
}

/**
 * The photos' source jobs of an instance in flight. send(name) sends photo name to the worker
 * (once until answered) and resolves when it is answered, its key ('sample:name') then in
 * loaded; sent(key) resolves true once that photo's job is in the worker's hands (its bytes
 * fetched and sent), false when it is not in flight or its bytes could not be had.
 */
function photoJobs(engine, store, loaded) {
  const sending = new Map(); // key -> {bytes, answer}: promises of the bytes, the answer
  function send(name) {
    const k = `sample:${name}`;
    if (!sending.has(k)) {
      const bytes = bytesOf(photoUrl(name)); // a data: URL is decoded, not fetched
      const answer = bytes
        .then((b) => engine.setSource(k, { kind: 'bytes', bytes: b }, store.state.size, SHIPPED))
        .then(() => loaded.add(k))
        .finally(() => sending.delete(k));
      answer.catch(() => {}); // its caller says what went wrong (first(), use())
      sending.set(k, { bytes, answer });
    }
    return sending.get(k).answer;
  }
  const sent = async (k) => Boolean(await sending.get(k)?.bytes.then(Boolean, () => false));
  return { send, sent };
}

/**
 * The source service of one instance: engine, store, locked(name) and
 * recompute() (runs the layer) of the instance. Returns {service, onState}:
 * onState(state, changed) follows the state's image.
 */
export function createSource({ engine, store, locked, recompute }) {
  let key = null;
  let uploadSeq = 0;
  let upload = null; // {name} of the uploaded file
  let live = false; // the webcam is on
  let message = '';
  const loaded = new Set(); // worker keys already sent
  const messages = notifier();
  const opened = notifier();
  const say = (text) => {
    message = text;
    messages.call(text);
  };

  // the state's photo is sent at once: the worker decodes it as soon as its module is ready
  const photos = photoJobs(engine, store, loaded);
  if (PHOTOS[store.state.img]) photos.send(store.state.img);

  /** Sends a source once. */
  async function send(k, source, ...rest) {
    if (!loaded.has(k)) {
      await engine.setSource(k, source, ...rest);
      loaded.add(k);
    }
    key = k;
  }

  /** Makes image `name` the worker's current source; false when there is none of that name. */
  async function use(name) {
    if (PHOTOS[name]) {
      if (!loaded.has(`sample:${name}`)) await photos.send(name);
      key = `sample:${name}`;
    } else if (SYNTHETIC.has(name)) {
      await send(`synthetic:${name}`, { kind: 'synthetic', name });
    } else if (name === 'upload' && loaded.has(`upload:${uploadSeq}`)) {
      key = `upload:${uploadSeq}`;
    } else if (name === 'webcam' && live) {
      key = 'webcam';
    } else {
      return false;
    }
    return true;
  }

  /** The state's image changed: it becomes the source (or the default sample). */
  async function follow(s) {
    try {
      if (await use(s.img)) {
        say('');
        recompute();
      } else store.set('img', 'chelsea');
    } catch (e) {
      say(e.message);
    }
  }

  // start: the page's own image (the element's image=): it opens even when the
  // image is locked, and becomes part of the starting state that Reset returns to
  async function open(blob, name, { start = false } = {}) {
    if (!blob || (locked('img') && !start)) return;
    if (blob.size > MAX_FILE_BYTES) {
      say(
        `“${name}” is ${(blob.size / 1048576).toFixed(0)} MB; the limit is ${MAX_FILE_BYTES / 1048576} MB. The previous image is kept.`,
      );
      return;
    }
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const next = `upload:${uploadSeq + 1}`;
    try {
      await engine.setSource(next, { kind: 'bytes', bytes }, store.state.size);
    } catch (e) {
      say(`Could not open “${name}”: ${e.message}. The previous image is kept.`);
      return;
    }
    // only the latest upload is offered: the engine forgets the bytes of the one before
    loaded.delete(`upload:${uploadSeq}`);
    engine.forget(`upload:${uploadSeq}`);
    uploadSeq += 1;
    loaded.add(next);
    upload = { name };
    say('');
    opened.call(name);
    key = next;
    if (start) {
      if (!store.extendStart({ img: 'upload' }).size) recompute();
    } else if (store.state.img === 'upload') recompute();
    else store.set('img', 'upload');
  }

  /**
   * The first image once the module is loaded (the state's, else a sample), then the layer. When
   * the state's photo is on its way to the worker, the layer's job is sent right behind it (the
   * worker runs them in order), not once the page has its answer.
   */
  async function first() {
    const k = `sample:${store.state.img}`;
    // the state's photo on its way: the layer's job follows its job as soon as that is sent
    const ahead = await photos.sent(k);
    if (ahead) {
      key = k;
      recompute();
    }
    try {
      if (!(await use(store.state.img))) {
        store.set('img', 'chelsea');
        await use('chelsea');
      }
    } catch (e) {
      say(e.message);
      await use('stripes');
    }
    if (!ahead || key !== k) recompute();
  }

  const service = Object.freeze({
    /** The worker key of the current source (null before the first). */
    get key() {
      return key;
    },
    /** {name} of the last file opened, or null. */
    get upload() {
      return upload;
    },
    open,
    first,
    /** The webcam is on (true) or off: while on, the state's image 'webcam' is its frames. */
    setLive(on) {
      live = on;
    },
    /** A webcam frame (RGBA bytes) becomes the source. */
    frame(width, height, rgba) {
      engine.setSource('webcam', { kind: 'rgba', width, height, rgba });
      key = 'webcam';
    },
    /** fn(text) with the current line now and every new one ('' clears it). */
    onMessage(fn) {
      fn(message);
      return messages.add(fn);
    },
    /** fn(name) after a file is opened. */
    onOpen: opened.add,
    /** Shows a line about the image (e.g. the webcam's failure). */
    say,
  });
  /** A state change: a new image becomes the source (mount.js subscribes it after its own). */
  const onState = (s, changed) => {
    if (changed.has('img')) follow(s);
  };
  return { service, onState };
}
