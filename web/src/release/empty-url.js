// Stands in for 'convplay-wasm/convplay_core.wasm?url' and
// 'convplay-wasm/convplay_lab.wasm?url' in the single-file build, whose worker
// never fetches a .wasm (release/convplay.inline.js and lab-module.inline.js
// ignore the URL). It is absolute: the worker resolves it against its own blob: URL, a
// base that no relative URL (not even '') can be resolved against.
export default 'data:application/wasm,';
