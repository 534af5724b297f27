// The sample photos as data: URLs, for the single-file page (dist/convplay.html),
// which must request nothing. web/vite/single-file.config.js puts this module in
// place of common/photos.js.
import chelsea from '../../public/samples/chelsea.png?inline';
import coffee from '../../public/samples/coffee.png?inline';
import astronaut from '../../public/samples/astronaut.jpg?inline';

export const PHOTOS = { chelsea, coffee, astronaut };
