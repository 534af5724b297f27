// The sample photos (web/public/samples/): name -> URL. The ?url imports let
// the bundler write each URL relative to the built script, so the same code
// finds them from dist/index.html and from dist/embed.js on another page.
// The single-file build replaces this module with photos.inline.js (data: URLs).
import chelsea from '/samples/chelsea.png?url';
import coffee from '/samples/coffee.png?url';
import astronaut from '/samples/astronaut.jpg?url';

export const PHOTOS = { chelsea, coffee, astronaut };
