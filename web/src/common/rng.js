// The one seeded generator of web/src (and of the tests that replay a seed):
// mulberry32, 32 bits of state, floats in [0, 1), and a normal draw by
// Box-Muller.
//
//   const g = rng(seed);  g.uniform(); g.normal();

/** A generator for seed (its low 32 bits): {uniform, normal}. */
export function rng(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u = Math.max(1e-12, uniform()),
      v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}
