// The single-file variant's loader (wasm/make_single_post.cmake puts it after
// wrapCore, inside one function scope, after Emscripten's factory). The WASM
// is inlined, so the load options of convplay.mjs do not apply here.
//   <script src="convplay.single.js"></script>  ->  createConvplay().then(...)
//   const createConvplay = require('./convplay.single.js');
function createConvplay(options) {
  void options;
  return createConvplayCore({}).then(wrapCore);
}
if (typeof module === 'object' && module && typeof module.exports !== 'undefined') {
  module.exports = createConvplay;
  module.exports.createConvplay = createConvplay;
  module.exports.default = createConvplay;
} else {
  globalThis.createConvplay = createConvplay;
}
