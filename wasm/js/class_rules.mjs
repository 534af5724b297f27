// The rules of a class set made by the student (the network lab's own
// classes), shared by the module's API (convplay_nn.mjs: setClasses refuses a
// set that breaks one) and the page (which says what is missing while the
// student makes the set). Plain JavaScript, no module to load.
//
//   checkClassSet(classes)   -> the set, or throws a ConvplayError naming the value and the rule
//   classSetProblem(classes) -> that message, or null for a set the lab can train on

export const CLASS_RULES = {
  minClasses: 2,
  maxClasses: 4,
  minImages: 5,
  maxImages: 60,
  maxName: 20,
};
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

function fail(message) {
  const e = new Error(message);
  e.name = 'ConvplayError';
  throw e;
}

const show = (v) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function imageBytes(name, v) {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return fail(`${name} must be a Uint8Array or an ArrayBuffer, got ${show(v)}`);
}

function checkClass(c, i, seen) {
  const { minImages, maxImages, maxName } = CLASS_RULES;
  if (c === null || typeof c !== 'object' || Array.isArray(c))
    fail(`classes[${i}] must be an object, got ${show(c)}`);
  const name = typeof c.name === 'string' ? c.name.trim() : '';
  if (!name) fail(`class ${i + 1} has no name: give each class a name`);
  if (name.length > maxName)
    fail(`class name "${name.slice(0, 40)}" has ${name.length} characters; at most ${maxName}`);
  if (seen.has(name.toLowerCase())) fail(`two classes are named "${name}": each name once`);
  seen.add(name.toLowerCase());
  if (!Array.isArray(c.images)) fail(`class "${name}": images must be an array of files`);
  const n = c.images.length;
  if (n < minImages) {
    fail(
      `class "${name}" has ${n} ${n === 1 ? 'image' : 'images'}; each class needs at least ${minImages} (some to train on, one to test)`,
    );
  }
  if (n > maxImages) fail(`class "${name}" has ${n} images; at most ${maxImages} per class`);
  c.images.forEach((f, k) => {
    const b = imageBytes(`class "${name}" image ${k + 1}`, f);
    if (b.length > MAX_IMAGE_BYTES) {
      fail(
        `class "${name}", image ${k + 1} is ${(b.length / 1048576).toFixed(1)} MB; at most ${MAX_IMAGE_BYTES / 1048576} MB per image`,
      );
    }
  });
  return { name, images: c.images };
}

/**
 * 2 to 4 classes, each with a name (1 to 20 characters, no two alike) and 5
 * to 60 image files (at most 8 MB each). Throws naming the value and the
 * rule; returns the set (names trimmed).
 */
export function checkClassSet(classes) {
  const { minClasses, maxClasses } = CLASS_RULES;
  if (!Array.isArray(classes)) fail(`classes must be an array, got ${show(classes)}`);
  if (classes.length < minClasses || classes.length > maxClasses) {
    fail(
      `${classes.length} ${classes.length === 1 ? 'class' : 'classes'}: the lab trains on ${minClasses} to ${maxClasses} classes`,
    );
  }
  const seen = new Set();
  return classes.map((c, i) => checkClass(c, i, seen));
}

/** The first rule the set breaks (checkClassSet's message), or null. */
export function classSetProblem(classes) {
  try {
    checkClassSet(classes);
    return null;
  } catch (e) {
    return e.message;
  }
}
