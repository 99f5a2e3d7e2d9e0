// Journey 1: kill the leader from the stage and watch Kafka fail over without losing an
// acknowledged message (RF=3, acks=all, min.insync.replicas=2).
import { test, expect } from '@playwright/test';
import { open, count, step, leadersOf } from './helpers.mjs';

test('killing the leader of orders-0 elects another broker and loses nothing', async ({ page }) => {
  const errors = await open(page);
  await page.getByTestId('scenario-picker').selectOption('kafka-leader-kill');
  await expect(page.getByTestId('step-counter')).toContainText('step 0 /');

  // Step until the producer has some acknowledged orders.
  for (let i = 0; i < 300 && (await count(page, 'ledger-acknowledged')) < 5; i++) {
    await page.getByTestId('player-forward').click();
  }
  expect(await count(page, 'ledger-acknowledged')).toBeGreaterThanOrEqual(5);
  const killedAt = (await step(page)).now;

  const [leader] = await leadersOf(page, 'orders-0');
  expect(leader).toBeTruthy();
  await page.screenshot({ path: 'screenshots/journey1-before-kill.png' });

  const faultMarks = await page.locator('.mark.fault').count();
  // Click the leader, choose Kill.
  await page.getByTestId(leader).click();
  await expect(page.getByTestId('node-menu')).toBeVisible();
  await expect(page.getByTestId('menu-restart')).toHaveCount(0);
  await page.screenshot({ path: 'screenshots/journey1-menu.png' });
  await page.getByTestId('menu-kill').click();
  await expect(page.getByTestId('node-menu')).toHaveCount(0);
  await expect(page.getByTestId(leader)).toHaveAttribute('data-status', 'crashed');
  await expect(page.getByTestId(leader)).toContainText('crashed');
  expect((await step(page)).now).toBe(killedAt + 1);
  // The kill is now a mark on the timeline.
  await expect(page.locator('.mark.fault')).toHaveCount(faultMarks + 1);

  // Play until the controller has moved leadership (after the session timeout).
  await page.getByTestId('speed').selectOption('4');
  await page.getByTestId('player-play').click();
  await expect
    .poll(async () => (await leadersOf(page, 'orders-0')).filter((b) => b !== leader), { timeout: 40_000 })
    .toHaveLength(1);
  await page.getByTestId('player-play').click();
  const [successor] = (await leadersOf(page, 'orders-0')).filter((b) => b !== leader);
  await expect(page.getByTestId(leader)).toHaveAttribute('data-status', 'crashed');
  await expect(page.getByTestId('partition-orders-0-leader')).toContainText(successor.replace('broker-', 'broker-'));
  await page.screenshot({ path: 'screenshots/journey1-failover.png' });

  // To the end (the scenario's script restarts the killed broker at 20 s, as a follower):
  // still led by the successor, nothing lost, every acknowledged order visible.
  await page.getByTestId('player-end').click();
  const { now, total } = await step(page);
  expect(now).toBe(total);
  expect(await leadersOf(page, 'orders-0')).not.toContain(leader);
  expect((await leadersOf(page, 'orders-0')).length).toBe(1);
  expect(await count(page, 'ledger-lost')).toBe(0);
  const acknowledged = await count(page, 'ledger-acknowledged');
  expect(acknowledged).toBeGreaterThanOrEqual(5);
  expect(await count(page, 'ledger-visible')).toBe(acknowledged);
  await expect(page.locator('[data-fate="lost"]')).toHaveCount(0);
  await page.screenshot({ path: 'screenshots/journey1-end.png' });

  await page.getByTestId('tab-log').click();
  await expect(page.getByTestId('event-log')).not.toBeEmpty();
  await page.screenshot({ path: 'screenshots/journey1-log.png' });

  // Stepping back is exact: back at the kill, the broker is crashed again.
  await page.getByTestId('timeline').fill(String(killedAt + 1));
  await expect(page.getByTestId(leader)).toHaveAttribute('data-status', 'crashed');
  expect(errors).toEqual([]);
});

// The ledger's message table fits its panel, at a laptop's side panel and on a phone: a long
// error such as "✕ NetworkException" wraps instead of pushing the Fate column out of sight.
for (const [width, height] of [[1280, 800], [390, 844]]) {
  test(`the ledger's message table fits its panel at ${width}×${height}`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    const errors = await open(page, { hash: '#kafka-leader-kill@80' });
    await page.getByTestId('tab-ledger').click();
    const row = page.getByTestId('message-row-order-11');
    await expect(row).toContainText('NetworkException');
    await expect(row.locator('[title="NetworkException"]')).toHaveCount(1);
    await row.scrollIntoViewIfNeeded();
    const box = await page.evaluate(() => {
      const table = document.querySelector('table.messages');
      const wrap = table.closest('.table-wrap');
      const panel = document.getElementById('side-panel');
      const fates = [...table.querySelectorAll('td.fate')].map((td) => td.getBoundingClientRect().right);
      return {
        table: table.getBoundingClientRect().right,
        panel: panel.getBoundingClientRect().right,
        wrap: wrap.getBoundingClientRect().right,
        scrollWidth: wrap.scrollWidth,
        clientWidth: wrap.clientWidth,
        fate: Math.max(...fates),
      };
    });
    expect(box.scrollWidth, JSON.stringify(box)).toBeLessThanOrEqual(box.clientWidth);
    expect(box.table, JSON.stringify(box)).toBeLessThanOrEqual(box.wrap + 0.5);
    expect(box.table, JSON.stringify(box)).toBeLessThanOrEqual(box.panel + 0.5);
    expect(box.fate, JSON.stringify(box)).toBeLessThanOrEqual(box.panel + 0.5);
    await page.screenshot({ path: `screenshots/ledger-table-${width}.png` });
    expect(errors).toEqual([]);
  });
}
