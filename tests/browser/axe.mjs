// axe-core (npm) in the browser tests: the WCAG 2.0, 2.1 and 2.2 A and AA rules,
// run on the whole document, inside open shadow roots too (axe walks them).
//
//   import { runAxe, serious, describeViolations } from './axe.mjs';
//   const violations = await runAxe(page);                 // every violation of those rules
//   assert.deepEqual(serious(violations), [], describeViolations(serious(violations)));
//
// The script is evaluated through the DevTools protocol, so the page's own
// Content-Security-Policy (script-src 'self') does not block it.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers.mjs';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let source = null;
function axeSource() {
  source ??= fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  return source;
}

/**
 * Runs axe-core in page (every frame's top document; open shadow roots
 * included) with the WCAG A/AA tags; resolves axe's violations, each
 * {id, impact, help, nodes: [{target, failureSummary, any: [{data}]}]}.
 */
export async function runAxe(page, { tags = WCAG_TAGS, context = null } = {}) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource());
  return page.evaluate(
    async ([t, ctx]) => {
      const res = await window.axe.run(ctx ?? document, {
        runOnly: { type: 'tag', values: t },
        resultTypes: ['violations'],
      });
      return res.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({
          impact: n.impact,
          target: n.target,
          html: n.html.slice(0, 160),
          summary: n.failureSummary,
          data: [...n.any, ...n.all, ...n.none].map((c) => c.data).filter(Boolean),
        })),
      }));
    },
    [tags, context],
  );
}

/** The violations whose impact is serious or critical. */
export function serious(violations) {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * One line per node of each violation (the first `most` of each rule): rule,
 * impact, target and axe's numbers.
 */
export function describeViolations(violations, most = 12) {
  const lines = [];
  for (const v of violations) {
    lines.push(`${v.id} (${v.impact}): ${v.help}, ${v.nodes.length} element(s)`);
    if (v.nodes.length > most) lines.push(`  (the first ${most} of them)`);
    for (const n of v.nodes.slice(0, most)) {
      const nums = n.data.map((d) => (typeof d === 'object' ? JSON.stringify(d) : String(d)));
      lines.push(`  ${JSON.stringify(n.target)} ${nums.join(' ')}`);
    }
  }
  return lines.join('\n');
}
