// The webcam of the own classes: getUserMedia where the browser offers it
// (https or localhost), and a snapshot of its centre square for a class.
// say(text): a line for the student; onChange(): the camera started or
// stopped; onShot(): a class got a picture.
import { el } from '../../dom.js';

const MAX_SIDE = 224; // a snapshot's largest side

/** The video's centre square (at most MAX_SIDE pixels) as a PNG blob, or null. */
async function grab(video) {
  const side = Math.min(video.videoWidth, video.videoHeight);
  const out = Math.min(side, MAX_SIDE);
  const canvas = el('canvas', { width: out, height: out });
  const x = (video.videoWidth - side) / 2;
  const y = (video.videoHeight - side) / 2;
  canvas.getContext('2d').drawImage(video, x, y, side, side, 0, 0, out, out);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
}

export function mountCamera(lab, { say, onChange, onShot }) {
  const button = el('button', { type: 'button', 'data-part': 'nn-own-camera' }, 'Start the webcam');
  const video = el('video', {
    class: 'cp-nn-video',
    autoplay: true,
    muted: true,
    playsinline: true,
    hidden: true,
    'aria-label': 'The webcam: a snapshot button under each class takes the current picture',
  });
  let stream = null;

  function stop() {
    for (const t of stream?.getTracks() ?? []) t.stop();
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    button.textContent = 'Start the webcam';
    onChange();
  }

  async function start() {
    if (!navigator.mediaDevices?.getUserMedia) {
      say(
        'This browser gives no camera access here (it needs https or localhost): upload pictures instead.',
      );
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
    } catch (e) {
      say(`No webcam: ${e.message || e.name}. Upload pictures instead.`);
      return;
    }
    if (lab.destroyed) {
      stop();
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play().catch(() => {});
    button.textContent = 'Stop the webcam';
    onChange();
  }

  lab.ctx.listen(button, 'click', () => (stream ? stop() : start()));

  return {
    button,
    video,
    /** True while the webcam runs (a snapshot can be taken). */
    get live() {
      return Boolean(stream);
    },
    /** The webcam's current picture as a PNG of class c. */
    async snapshot(c) {
      if (!stream || !video.videoWidth) {
        say('The webcam has no picture yet: wait a moment and try again.');
        return;
      }
      const blob = await grab(video);
      if (!blob) {
        say('The snapshot could not be encoded.');
        return;
      }
      c.images.push({ bytes: new Uint8Array(await blob.arrayBuffer()), from: 'snapshot', blob });
      onShot();
    },
    /** Stops the webcam's tracks (the panel is gone). */
    destroy() {
      for (const t of stream?.getTracks() ?? []) t.stop();
    },
  };
}
