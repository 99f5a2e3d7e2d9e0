// axe-core on every kind of page (the lesson map, lessons, the sandbox, compare): no serious or critical violation (WCAG 2.1 A/AA rules), in
// both colour schemes.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** No serious or critical WCAG 2.1 A/AA violation on the page as it is now. */
async function expectAxeClean(page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  expect(bad, bad.join('\n')).toEqual([]);
  // axe looked at the page for real: many rules applied and passed.
  expect(results.passes.length).toBeGreaterThan(15);
}

const pages = [
  ['home', '#', 'lesson-map'],
  ['lesson', '#lesson/kafka-duplicate-consumption/3', 'lesson-panel'],
  ['lesson-prediction', '#lesson/rabbitmq-consumer-loss/6', 'lesson-panel'],
  ['sandbox', '#kafka-leader-kill@40', 'stage'],
  ['sandbox-rabbitmq', '#rabbitmq-mirrored-failover@60', 'stage'],
  ['compare', '#compare@40', 'compare'],
  ['design-challenge', '#lesson/design-an-mq/8', 'lesson-panel'],
];

for (const scheme of ['light', 'dark']) {
  for (const [name, hash, ready] of pages) {
    test(`axe: ${name} (${scheme}) has no serious or critical violations`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.addInitScript(() => localStorage.setItem('mqlab.lang', JSON.stringify('en')));
      await page.goto(`index.html${hash}`);
      await expect(page.getByTestId(ready)).toBeVisible();
      await expectAxeClean(page);
    });
  }
}

// The phone's one-column pages and the presenter's dark stage are checked too.
const phonePages = [
  ['phone lesson', '#lesson/kafka-high-availability/3', 'lesson-panel', { width: 390, height: 844 }, false],
  ['phone sandbox', '#kafka-consumer-rebalance@300', 'stage', { width: 390, height: 844 }, false],
  ['presenter', '#kafka-leader-kill@200', 'stage', { width: 1920, height: 1080 }, true],
];
for (const [name, hash, ready, viewport, presenter] of phonePages) {
  test(`axe: ${name} has no serious or critical violations`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await page.addInitScript(() => localStorage.setItem('mqlab.lang', JSON.stringify('en')));
    await page.goto(`index.html${hash}`);
    await expect(page.getByTestId(ready)).toBeVisible();
    if (presenter) {
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('p');
      await expect(page.getByTestId('presenter-bar')).toBeVisible();
    }
    await expectAxeClean(page);
  });
}
