// The image: built-in samples, file picker, drag-and-drop, paste, webcam; the
// working size, square fit and grey options. Files are decoded by the module
// (stb_image) in the worker; a corrupt file shows the module's message and the
// previous image stays. The note under the controls says what was done to the
// image (downscaled, cropped to a square, alpha blended on white, grey file
// made three channels). The engine keeps each source it was sent.
import { rowOf } from '../../common/state.js';
import { bytesOf } from '../../common/bytes.js';
import chelsea from '../samples/chelsea.png?url';
import coffee from '../samples/coffee.png?url';
import astronaut from '../samples/astronaut.jpg?url';

// the sample photos, emitted by the bundler: their URLs work from any page that mounts a playground
export const PHOTOS = { chelsea, coffee, astronaut };
const SYNTHETIC = new Set(['stripes', 'checker', 'circle']);
const MAX_FILE_BYTES = 50 * 1024 * 1024;

export function mount(ctx) {
  const app = ctx;
  const { $ } = ctx;
  const sample = $('sample'),
    file = $('file'),
    webcamBtn = $('webcam');
  const size = $('size'),
    fit = $('fit'),
    grey = $('grey');
  const notice = $('image-notice'),
    error = $('image-error');
  // the slider's range is the state's (PROPS row 'size': down to the lecture's 7 x 7 and below)
  const sizeRow = rowOf('size');
  size.min = String(sizeRow.min);
  size.max = String(sizeRow.max);
  let uploadInfo = null; // {name, originalWidth, originalHeight} of the uploaded file
  let uploadSeq = 0;
  const loaded = new Set(); // worker keys already sent

  function showError(msg) {
    error.textContent = msg;
    error.hidden = !msg;
  }

  function describe(r) {
    const s = r.state;
    if (!r || !r.info) return '';
    const [, , h, w] = r.input.shape;
    const parts = [];
    if (s.img === 'upload' && uploadInfo) parts.push(`${uploadInfo.name}`);
    if (s.img === 'webcam') parts.push('webcam');
    if (r.info.downscaled) {
      parts.push(
        `downscaled from ${r.info.originalWidth} × ${r.info.originalHeight} to the working size ${w} × ${h}`,
      );
    } else if (r.info.resized) {
      parts.push(`resized to ${w} × ${h}`);
    } else {
      parts.push(`${w} × ${h} pixels`);
    }
    if (r.info.resized && r.info.downscaled) parts.push(`then resized to ${w} × ${h}`);
    const notes = [];
    if (r.info.cropped) {
      const [cw, ch] = r.info.cropped.from;
      notes.push(
        `The square is the centre ${r.info.cropped.side} × ${r.info.cropped.side} of the ${cw} × ${ch} picture (cropped, not stretched).`,
      );
    }
    if (r.info.alpha)
      notes.push('The file has an alpha channel (transparency): it was blended on white.');
    if (r.info.greyFile && !s.grey)
      notes.push(
        'The file is grey: its one channel was copied into R, G and B (three equal channels).',
      );
    return [parts.join(': '), ...notes].join(' ');
  }

  const fetchBytes = bytesOf; // a data: URL (the single-file page's photos) is decoded, not fetched
  // the first photo is fetched while the module loads, not after
  const early = new Map();
  if (PHOTOS[app.state.img]) {
    const first = fetchBytes(ctx.photoUrl(app.state.img));
    first.catch(() => {});
    early.set(app.state.img, first);
  }
  function photoBytes(name) {
    const p = early.get(name);
    early.delete(name);
    return p ?? fetchBytes(ctx.photoUrl(name));
  }

  /** Makes the state's image the worker's current source. */
  async function useImage(name) {
    if (PHOTOS[name]) {
      const key = `sample:${name}`;
      if (!loaded.has(key)) {
        await app.engine.setSource(
          key,
          { kind: 'bytes', bytes: await photoBytes(name) },
          app.state.size,
          { shipped: true },
        );
        loaded.add(key);
      }
      app.sourceKey = key;
    } else if (SYNTHETIC.has(name)) {
      const key = `synthetic:${name}`;
      if (!loaded.has(key)) {
        await app.engine.setSource(key, { kind: 'synthetic', name });
        loaded.add(key);
      }
      app.sourceKey = key;
    } else if (name === 'upload' && loaded.has(`upload:${uploadSeq}`)) {
      app.sourceKey = `upload:${uploadSeq}`;
    } else if (name === 'webcam' && webcamOn) {
      app.sourceKey = 'webcam';
    } else {
      return false;
    }
    return true;
  }

  function syncControls(s) {
    if (sample.value !== s.img) sample.value = s.img;
    sample.querySelector('option[value="upload"]').disabled = s.img !== 'upload';
    sample.querySelector('option[value="webcam"]').disabled = s.img !== 'webcam';
    if (size.value !== String(s.size)) size.value = String(s.size);
    $('size-out').textContent = `${s.size} px`;
    if (fit.value !== s.fit) fit.value = s.fit;
    grey.checked = s.grey;
  }
  syncControls(app.state);
  ctx.subscribe(async (s, changed) => {
    syncControls(s);
    if (changed.has('img')) {
      if (s.img !== 'webcam') stopWebcam();
      try {
        if (await useImage(s.img)) {
          showError('');
          app.recompute();
        } else app.set('img', 'chelsea');
      } catch (e) {
        showError(e.message);
      }
    }
  });

  // locked rows (mountPlayground's options.locked): their controls are disabled
  sample.disabled = ctx.locked('img');
  file.disabled = ctx.locked('img');
  webcamBtn.disabled = ctx.locked('img');
  size.disabled = ctx.locked('size');
  fit.disabled = ctx.locked('fit');
  grey.disabled = ctx.locked('grey');
  sample.addEventListener('change', () => app.set('img', sample.value));
  size.addEventListener('input', () => app.set('size', Number(size.value)));
  fit.addEventListener('change', () => app.set('fit', fit.value));
  grey.addEventListener('change', () => app.set('grey', grey.checked));

  // ---- files: picker, drop, paste -----------------------------------------
  // start: the page's own image (the element's image=): it opens even when the
  // image is locked, and becomes part of the starting state that Reset returns to
  async function openFile(blob, name, { start = false } = {}) {
    if (!blob || (ctx.locked('img') && !start)) return;
    if (blob.size > MAX_FILE_BYTES) {
      showError(
        `“${name}” is ${(blob.size / 1048576).toFixed(0)} MB; the limit is ${MAX_FILE_BYTES / 1048576} MB. The previous image is kept.`,
      );
      return;
    }
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const key = `upload:${uploadSeq + 1}`;
    try {
      await app.engine.setSource(key, { kind: 'bytes', bytes }, app.state.size);
    } catch (e) {
      showError(`Could not open “${name}”: ${e.message}. The previous image is kept.`);
      return;
    }
    // only the latest upload is offered: the engine forgets the bytes of the one before
    loaded.delete(`upload:${uploadSeq}`);
    app.engine.forget(`upload:${uploadSeq}`);
    uploadSeq += 1;
    loaded.add(key);
    uploadInfo = { name };
    showError('');
    stopWebcam();
    app.sourceKey = key;
    if (start) {
      if (!app.extendStart({ img: 'upload' }).size) app.recompute();
    } else if (app.state.img === 'upload') app.recompute();
    else app.set('img', 'upload');
  }
  app.openFile = openFile; // for the instance's openFile()

  file.addEventListener('change', () => {
    const f = file.files && file.files[0];
    if (f) openFile(f, f.name);
    file.value = '';
  });

  const overlay = $('drop-overlay');
  // the full page takes a file dropped or pasted anywhere; an embedded instance, on itself
  const dropTarget = ctx.usesHash ? window : ctx.root;
  let dragDepth = 0;
  const hasFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes('Files');
  ctx.listen(dropTarget, 'dragenter', (e) => {
    if (hasFiles(e)) {
      dragDepth++;
      overlay.hidden = false;
      e.preventDefault();
    }
  });
  ctx.listen(dropTarget, 'dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) overlay.hidden = true;
  });
  ctx.listen(dropTarget, 'dragover', (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  ctx.listen(dropTarget, 'drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth = 0;
    overlay.hidden = true;
    const f = e.dataTransfer.files[0];
    if (f) openFile(f, f.name);
  });
  ctx.listen(dropTarget, 'paste', (e) => {
    const target = e.target;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return; // pasting a number
    const items = e.clipboardData ? [...e.clipboardData.items] : [];
    const item = items.find((it) => it.kind === 'file');
    if (!item) return;
    e.preventDefault();
    const f = item.getAsFile();
    openFile(f, f && f.name ? f.name : 'the pasted image');
  });

  // ---- webcam: live frames, dropped while the worker is busy -----------------
  let webcamOn = false,
    stream = null,
    video = null,
    frameCanvas = null,
    rafId = 0;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    webcamBtn.disabled = true;
    webcamBtn.title = 'This browser gives no camera access here (it needs https or localhost).';
  }
  function stopWebcam() {
    if (!webcamOn) return;
    webcamOn = false;
    cancelAnimationFrame(rafId);
    if (stream) for (const t of stream.getTracks()) t.stop();
    stream = null;
    webcamBtn.setAttribute('aria-pressed', 'false');
    webcamBtn.textContent = 'Webcam';
  }
  async function startWebcam() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 } },
        audio: false,
      });
    } catch (e) {
      showError(`No webcam: ${e.message || e.name}. The previous image is kept.`);
      return;
    }
    video = video || document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play();
    frameCanvas = frameCanvas || document.createElement('canvas');
    webcamOn = true;
    webcamBtn.setAttribute('aria-pressed', 'true');
    webcamBtn.textContent = 'Stop webcam';
    showError('');
    let first = true;
    const loop = async () => {
      if (!webcamOn) return;
      rafId = requestAnimationFrame(loop);
      // dropped: while the worker is busy, and while the playground is off screen
      if (app.engine.busy || video.readyState < 2 || !ctx.inView) return;
      const vw = video.videoWidth,
        vh = video.videoHeight;
      const s = app.state;
      const scale = Math.min(1, s.size / Math.max(vw, vh));
      const w = s.fit === 'square' ? s.size : Math.max(1, Math.round(vw * scale));
      const h = s.fit === 'square' ? s.size : Math.max(1, Math.round(vh * scale));
      frameCanvas.width = w;
      frameCanvas.height = h;
      const g = frameCanvas.getContext('2d', { willReadFrequently: true });
      g.drawImage(video, 0, 0, w, h);
      const rgba = new Uint8Array(g.getImageData(0, 0, w, h).data.buffer);
      app.engine.setSource('webcam', { kind: 'rgba', width: w, height: h, rgba });
      app.sourceKey = 'webcam';
      if (first) {
        first = false;
        if (app.state.img !== 'webcam') {
          app.set('img', 'webcam');
          return;
        }
      }
      app.recompute();
    };
    loop();
  }
  webcamBtn.addEventListener('click', () => {
    if (webcamOn) {
      stopWebcam();
      app.set('img', 'chelsea');
    } else startWebcam();
  });

  /** Loads the state's image (or the default sample), then the first computation. */
  ctx.on('ready', async () => {
    try {
      if (!(await useImage(app.state.img))) {
        app.set('img', 'chelsea');
        await useImage('chelsea');
      }
    } catch (e) {
      showError(e.message);
      await useImage('stripes');
    }
    app.recompute();
  });
  return {
    update(r) {
      notice.textContent = describe(r);
    },
    destroy: stopWebcam,
  };
}
