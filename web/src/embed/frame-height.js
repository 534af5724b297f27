// The iframe mode tells the page around it how tall it is, so that the host
// can size the frame to its content (no inner scroll bar, no empty space):
//
//   window.parent.postMessage({ type: 'convplay:height', height: 1234 }, '*')
//
// after every change of the document's height. The height is not a secret,
// so any parent may read it; the host checks the message's origin and source.
// The listener a host page needs is in the README ("Learning platforms").

export const HEIGHT_MESSAGE = 'convplay:height';

/** Posts doc's height to its parent frame now and whenever it changes; returns a stop(). */
export function postHeight(doc = document) {
  const win = doc.defaultView;
  if (!win || win.parent === win || typeof ResizeObserver === 'undefined') return () => {};
  let last = -1;
  const send = () => {
    const height = Math.ceil(doc.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    win.parent.postMessage({ type: HEIGHT_MESSAGE, height }, '*');
  };
  const observer = new ResizeObserver(send);
  observer.observe(doc.documentElement);
  send();
  return () => observer.disconnect();
}
