// The sample photos, emitted by the bundler: their URLs work from any page that
// mounts a playground.
import chelsea from '../samples/chelsea.png?url';
import coffee from '../samples/coffee.png?url';
import astronaut from '../samples/astronaut.jpg?url';

export const PHOTOS = { chelsea, coffee, astronaut };

/** A sample photo's URL (null for a name that is not one). */
export function photoUrl(name) {
  return PHOTOS[name] ? new URL(PHOTOS[name], import.meta.url).href : null;
}
