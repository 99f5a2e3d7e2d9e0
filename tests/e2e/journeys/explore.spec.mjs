// "Find a failure" (issue 17): the counterexample search runs in a Web Worker, shows its
// progress, finds the smallest schedule that loses an acknowledged message with acks=1, and
// opens it on the stage at that moment with the victim selected in the ledger.
import { test, expect } from '@playwright/test';
import { open, count, step } from './helpers.mjs';

test('the search finds how acks=1 loses an acknowledged message and opens it on the stage', async ({ page }) => {
  const errors = await open(page, { hash: '#kafka-acks1-leader-dies' });
  await page.getByTestId('tab-explore').click();
  await expect(page.getByTestId('explore-panel')).toBeVisible();
  await page.getByTestId('explore-property').selectOption('lost-acked');
  await page.getByTestId('explore-faults-max').selectOption('1');
  await page.getByTestId('explore-start').click();
  // While the worker searches, the page answers: the stop button is there and the player
  // still steps.
  const before = (await step(page)).now;
  await page.getByTestId('player-forward').click();
  expect((await step(page)).now).toBe(before + 1);
  await expect(page.getByTestId('explore-found')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('explore-faults')).toContainText('broker-1');
  await expect(page.getByTestId('explore-victim')).toContainText('order-');
  await page.screenshot({ path: 'screenshots/explore-found.png' });

  await page.getByTestId('explore-open').click();
  // On the stage at the moment it broke, the ledger showing the victim, lost.
  await expect(page.getByTestId('tab-ledger')).toHaveAttribute('aria-selected', 'true');
  expect(await count(page, 'ledger-lost')).toBeGreaterThanOrEqual(1);
  await expect(page.locator('[data-fate="lost"].selected')).toHaveCount(1);
  await expect(page.getByTestId('modified')).toBeVisible();
  await page.screenshot({ path: 'screenshots/explore-opened.png' });
  // Its link reopens the same scenario at the same step.
  await page.getByTestId('tab-share').click();
  const link = await page.getByTestId('share-link').inputValue();
  const at = (await step(page)).now;
  await page.goto(link);
  await expect(page.getByTestId('stage')).toBeVisible();
  expect((await step(page)).now).toBe(at);
  await page.getByTestId('tab-ledger').click();
  expect(await count(page, 'ledger-lost')).toBeGreaterThanOrEqual(1);
  expect(errors).toEqual([]);
});

test('with no failure to find, the search says what it tried, in Chinese too', async ({ page }) => {
  const errors = await open(page, { lang: 'zh', hash: '#kafka-min-isr' });
  await page.getByTestId('tab-explore').click();
  await page.getByTestId('explore-faults-max').selectOption('1');
  await page.getByTestId('explore-start').click();
  await expect(page.getByTestId('explore-exhausted')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('explore-exhausted')).toContainText('这不是安全的证明');
  await page.screenshot({ path: 'screenshots/explore-exhausted-zh.png' });
  expect(errors).toEqual([]);
});

test('a search can be stopped', async ({ page }) => {
  const errors = await open(page, { hash: '#kafka-min-isr' });
  await page.getByTestId('tab-explore').click();
  await page.getByTestId('explore-faults-max').selectOption('3');
  await page.getByTestId('explore-start').click();
  await expect(page.getByTestId('explore-progress')).toContainText('runs', { timeout: 30_000 });
  await page.getByTestId('explore-stop').click();
  await expect(page.getByTestId('explore-stopped')).toBeVisible();
  await expect(page.getByTestId('explore-start')).toBeEnabled();
  expect(errors).toEqual([]);
});
