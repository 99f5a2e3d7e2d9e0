// Journey 4, the seed's story (重复消费与幂等性): an auto-committing consumer is killed before
// its offsets are committed, reads its orders again and the plain orders table gets duplicate
// rows. A unique key stops the repeats; committing before processing trades them for a loss.
import { test, expect } from '@playwright/test';
import { open, count, step } from './helpers.mjs';

const store = 'store-orders-table';

test('kill -9 before the commit duplicates rows; a unique key stops them; commit-first loses', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors = await open(page, { hash: '#kafka-consumer-kill-before-commit' });
  await expect(page.getByTestId('group-billing')).toBeVisible();
  const consumer = page.locator('[data-testid^="consumer-"]');
  await expect(consumer).toHaveCount(1);
  await expect(consumer).toContainText('billing-app');
  await expect(consumer).toContainText('auto-commit every 5s');
  await expect(page.getByTestId(store)).toContainText('plain INSERT');

  // Play: the consumer polls the six orders and processes them into the table…
  await page.getByTestId('player-play').click();
  await expect(consumer).toHaveAttribute('data-activity', 'processing', { timeout: 30_000 });
  // …until the script kills it (kill -9) before any commit: four rows in, two in hand lost.
  // (It is down for 1.3 simulated seconds, 2.6 s at 1×: look often.)
  await expect
    .poll(() => consumer.getAttribute('data-status'), { timeout: 30_000, intervals: [100] })
    .toBe('crashed');
  await page.getByTestId('player-play').click();
  await expect(consumer).toHaveAttribute('data-status', 'crashed');
  await expect(page.getByTestId(store)).toHaveAttribute('data-rows', '4');
  await expect(page.locator('.marker.committed')).toHaveCount(0); // nothing committed yet
  await page.screenshot({ path: 'screenshots/consumer-killed.png' });

  // To the end: restarted, it finds no committed offset and reads all six again.
  await page.getByTestId('player-end').click();
  const { now, total } = await step(page);
  expect(now).toBe(total);
  await expect(page.getByTestId(store)).toHaveAttribute('data-rows', '10');
  await expect(page.getByTestId(store)).toHaveAttribute('data-duplicates', '4');
  await expect(page.getByTestId(`${store}-count`)).toHaveText('expected 6 · actual 10 rows');
  await expect(page.getByTestId(`${store}-duplicates`)).toContainText('4 duplicate');
  await expect(page.locator(`[data-testid="${store}"] .row.dup`)).toHaveCount(8);
  await expect(page.locator(`[data-testid="${store}"] .row.dup`).first()).toContainText('⚠');
  expect(await count(page, 'ledger-store-duplicates')).toBe(4);
  expect(await count(page, 'ledger-redelivered')).toBe(6);
  await expect(page.getByTestId('ledger-expected-orders-table')).toContainText('4 too many (不能多)');
  await expect(page.locator('[data-consumption="duplicated"]')).toHaveCount(4);
  // Position and committed offset on the leader's log, and in words under the stage.
  await expect(page.locator('.marker.position')).toHaveAttribute('data-who', 'billing-app');
  await expect(page.locator('.marker.committed')).toHaveAttribute('data-offset', '6');
  await expect(page.getByTestId('partition-orders-0-committed')).toHaveText('◆ billing @6');
  await page.screenshot({ path: 'screenshots/consumer-duplicates.png' });

  // The life of a duplicated order: processed twice, the second time as a second row.
  await page.getByTestId('message-row-order-1').locator('button').click();
  const life = page.getByTestId('message-life');
  await expect(life).toContainText('processed 2 time(s), 2 row(s)');
  await expect(life).toContainText('a second row in orders-table');
  await expect(page.locator(`[data-testid="${store}"] .row.selected`)).toHaveCount(2);
  await page.screenshot({ path: 'screenshots/consumer-life.png' });

  // Settings: the store gets a unique key on the order; replay.
  await page.getByTestId('tab-settings').click();
  await expect(page.getByTestId('settings-consumers')).toBeVisible();
  await expect(page.locator('#knob-commit')).toHaveValue('auto');
  await expect(page.locator('#knob-store')).toHaveValue('plain_insert');
  await page.locator('#knob-store').selectOption('unique_key');
  await expect(page.getByTestId('knob-store-help')).toContainText('unique key');
  await page.screenshot({ path: 'screenshots/settings-consumers.png' });
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('settings-error')).toHaveCount(0);
  await expect(page.getByTestId(store)).toHaveAttribute('data-kind', 'unique_key');
  await page.getByTestId('speed').selectOption('4');
  await page.getByTestId('player-play').click();
  await expect
    .poll(() => page.getByTestId(store).getAttribute('data-rows'), { timeout: 30_000 })
    .not.toBe('0');
  await page.getByTestId('player-end').click();
  await page.getByTestId('tab-ledger').click();
  await expect(page.getByTestId(store)).toHaveAttribute('data-rows', '6');
  await expect(page.getByTestId(store)).toHaveAttribute('data-duplicates', '0');
  await expect(page.locator(`[data-testid="${store}"] .row.dup`)).toHaveCount(0);
  await expect(page.getByTestId(`${store}-absorbed`)).toHaveText('repeats stopped: 4');
  expect(await count(page, 'ledger-store-duplicates')).toBe(0);
  expect(await count(page, 'ledger-absorbed')).toBe(4);
  expect(await count(page, 'ledger-redelivered')).toBe(6);
  await expect(page.getByTestId('ledger-expected-orders-table')).toContainText('no more, no fewer');
  await page.screenshot({ path: 'screenshots/consumer-unique-key.png' });

  // Commit first, then process: no repeat, but the two orders in hand are lost.
  await page.getByTestId('tab-settings').click();
  await expect(page.locator('#knob-store')).toHaveValue('unique_key');
  await page.locator('#knob-commit').selectOption('sync_before_process');
  await expect(page.getByTestId('knob-commit-help')).toContainText('at most once');
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('settings-error')).toHaveCount(0);
  await expect(consumer).toContainText('commitSync → process');
  await page.getByTestId('player-end').click();
  await page.getByTestId('tab-ledger').click();
  expect(await count(page, 'ledger-skipped')).toBe(2);
  expect(await count(page, 'ledger-lost')).toBe(2);
  expect(await count(page, 'ledger-store-duplicates')).toBe(0);
  await expect(page.locator('[data-consumption="skipped"]')).toHaveCount(2);
  await expect(page.getByTestId(store)).toHaveAttribute('data-rows', '4');
  await expect(page.getByTestId('ledger-expected-orders-table')).toContainText('2 fewer so far (不能少)');
  await page.screenshot({ path: 'screenshots/consumer-commit-first.png' });
  expect(errors).toEqual([]);
});

test('a consumer from its menu: kill -9 mid-batch, then restart', async ({ page }) => {
  const errors = await open(page, { hash: '#kafka-consumer-kill-before-commit' });
  const consumer = page.locator('[data-testid^="consumer-"]');
  // Step until it has processed two of the six orders, well before the script's own kill.
  for (let i = 0; i < 200 && (await consumer.getAttribute('data-in-hand')) !== '4'; i++) {
    await page.getByTestId('player-forward').click();
  }
  await expect(consumer).toHaveAttribute('data-activity', 'processing');
  await expect(consumer).toHaveAttribute('data-in-hand', '4');
  await expect(page.getByTestId(store)).toHaveAttribute('data-rows', '2');
  const at = (await step(page)).now;
  await consumer.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-menu')).toBeVisible();
  await expect(page.getByTestId('menu-stop')).toContainText('close()');
  await expect(page.getByTestId('menu-isolate')).toHaveCount(0);
  await page.screenshot({ path: 'screenshots/consumer-menu.png' });
  await page.getByTestId('menu-kill').click();
  await expect(consumer).toHaveAttribute('data-status', 'crashed');
  await expect(consumer).toContainText('crashed');
  expect((await step(page)).now).toBe(at + 1);
  await page.getByTestId('player-end').click();
  // Killed after two orders, restarted by the script: those two are now duplicate rows.
  await expect(page.getByTestId(store)).toHaveAttribute('data-duplicates', '2');

  // Restart it from its menu while it is down.
  await page.getByTestId('timeline').fill(String(at + 2));
  await consumer.click();
  await expect(page.getByTestId('menu-restart')).toBeVisible();
  await expect(page.getByTestId('menu-kill')).toHaveCount(0);
  await page.getByTestId('menu-restart').click();
  await expect(consumer).toHaveAttribute('data-status', 'up');
  expect(errors).toEqual([]);
});

for (const [name, viewport, scheme, lang, step] of [
  ['consumers-1280x720-zh-dark', { width: 1280, height: 720 }, 'dark', 'zh', '1400'],
  ['consumers-1440x900-en-light', { width: 1440, height: 900 }, 'light', 'en', '1400'],
  ['consumers-1920x1080-en-light', { width: 1920, height: 1080 }, 'light', 'en', '2455'],
]) {
  test(`screenshot ${name}`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await page.emulateMedia({ colorScheme: scheme });
    const errors = await open(page, { lang, hash: '#kafka-consumer-rebalance' });
    await page.getByTestId('timeline').fill(step);
    await expect(page.locator('[data-testid^="consumer-"]')).toHaveCount(4);
    await page.screenshot({ path: `screenshots/${name}.png` });
    expect(errors).toEqual([]);
  });
}
