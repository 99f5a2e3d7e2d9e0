// RabbitMQ journeys: the classic cluster's queue on one node (its extra hop, DOWN while the
// node is dead, nacked publishes), a mirrored queue failing over to its oldest mirror with
// redelivered duplicates, transactions against publisher confirms in messages per second,
// and autoAck losing the messages in hand until it is switched off.
import { test, expect } from '@playwright/test';
import { open, count, step } from './helpers.mjs';

/** Plays at 4× until the end of the trace. */
async function playToEnd(page) {
  await page.getByTestId('speed').selectOption('4');
  await page.getByTestId('player-play').click();
  await expect
    .poll(async () => {
      const { now, total } = await step(page);
      return now === total;
    }, { timeout: 50_000 })
    .toBe(true);
}

/** The two counts of a link under the stage, "a →N ←M b". */
async function traffic(page, a, b) {
  const text = await page.getByTestId(`traffic-${a}-${b}`).textContent();
  const [, there, back] = text.match(/→(\d+) ←(\d+)/);
  return { there: Number(there), back: Number(back) };
}

test('classic cluster: the queue lives on rabbit-1; while it is dead the queue is DOWN and publishes are nacked', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors = await open(page, { hash: '#rabbitmq-classic-cluster' });
  // Three nodes; only rabbit-1 hosts orders, the others say so.
  await expect(page.getByTestId('queue-orders-1')).toHaveAttribute('data-role', 'leader');
  await expect(page.getByTestId('queue-orders-1')).toContainText('♛ leader');
  await expect(page.getByTestId('queue-orders-2')).toContainText('not on this node');
  await expect(page.getByTestId('queue-orders-3')).toContainText('not on this node');
  await expect(page.getByTestId('producer-100')).toContainText('confirms');
  await expect(page.getByTestId('group-orders')).toContainText('queue orders');

  await playToEnd(page);
  await expect(page.getByTestId('broker-1')).toHaveAttribute('data-status', 'up');
  await expect(page.getByTestId('queue-orders')).toHaveAttribute('data-availability', 'available');
  // Two publishes were nacked while the queue was down: failed, the producer told.
  expect(await count(page, 'ledger-failed')).toBe(2);
  expect(await count(page, 'ledger-lost')).toBe(0);
  await expect(page.locator('[data-fate="failed"]')).toHaveCount(2);
  await expect(page.getByTestId('message-row-order-7')).toContainText('basic.nack');
  await expect(page.getByTestId('message-row-order-8')).toContainText('basic.nack');
  // The extra hop: the publisher's node forwards to rabbit-1, which delivers through rabbit-2.
  const hop = await traffic(page, 1, 2);
  expect(hop.there).toBeGreaterThan(0);
  await expect(page.getByTestId('traffic-1-2')).toHaveClass(/hop/);
  expect((await traffic(page, 1, 3)).back).toBeGreaterThanOrEqual(8);
  await page.screenshot({ path: 'screenshots/rabbit-cluster-end.png' });

  // Back to rabbit-1's death (its mark on the timeline), a few steps on: the queue is DOWN.
  await page.locator('.mark.fault', { hasText: 'rabbit-1' }).first().click();
  for (let i = 0; i < 5; i++) await page.getByTestId('player-forward').click();
  await expect(page.getByTestId('broker-1')).toHaveAttribute('data-status', 'crashed');
  await expect(page.getByTestId('queue-orders')).toHaveAttribute('data-availability', 'down');
  await expect(page.getByTestId('queue-orders-leader')).toHaveText('✕ DOWN: no leader');
  for (const node of [1, 2, 3]) {
    await expect(page.getByTestId(`queue-orders-${node}`)).toContainText('DOWN');
  }
  await page.screenshot({ path: 'screenshots/rabbit-cluster-down.png' });

  // The node menu offers what a RabbitMQ node can suffer.
  await page.getByTestId('broker-2').click();
  await expect(page.getByTestId('menu-kill')).toBeVisible();
  await expect(page.getByTestId('menu-stop')).toBeVisible();
  await expect(page.getByTestId('menu-isolate')).toBeVisible();
  await page.getByTestId('menu-close').click();
  expect(errors).toEqual([]);
});

test('mirrored queue: rabbit-2 takes over and the unacked deliveries come back redelivered, twice in the table', async ({ page }) => {
  const errors = await open(page, { hash: '#rabbitmq-mirrored-failover' });
  await expect(page.getByTestId('queue-orders')).toHaveAttribute('data-leader', '1');
  await expect(page.getByTestId('queue-orders-policy')).toContainText('removed in RabbitMQ 4.0');
  await expect(page.getByTestId('queue-orders-2')).toHaveAttribute('data-role', 'mirror');

  // From rabbit-1's death, step until rabbit-2 leads and holds the requeued orders.
  await page.locator('.mark.fault', { hasText: 'rabbit-1' }).first().click();
  // (For a moment nobody leads: the queue is down until rabbit-2 notices and promotes itself.)
  const redelivered = page.locator('[data-testid="queue-orders-2"].role-leader .qcell.redelivered');
  for (let i = 0; i < 80 && (await redelivered.count()) === 0; i++) {
    await page.getByTestId('player-forward').click();
  }
  await expect(page.getByTestId('queue-orders')).toHaveAttribute('data-leader', '2');
  await expect(page.getByTestId('queue-orders-leader')).toHaveText('♛ leader rabbit-2');
  await expect(page.getByTestId('queue-orders-2')).toHaveAttribute('data-role', 'leader');
  await expect(page.getByTestId('broker-2')).toHaveAttribute('data-leader-of', 'orders');
  await expect(page.getByTestId('queue-orders-1')).toContainText('on disk only');
  expect(await redelivered.count()).toBeGreaterThan(0);
  await expect(redelivered.first()).toContainText('↻');
  await page.screenshot({ path: 'screenshots/rabbit-mirror-failover.png' });

  await page.getByTestId('player-end').click();
  expect(await count(page, 'ledger-lost')).toBe(0);
  expect(await count(page, 'ledger-redelivered')).toBe(3);
  expect(await count(page, 'ledger-store-duplicates')).toBe(3);
  await expect(page.locator('[data-consumption="duplicated"]')).toHaveCount(3);
  await expect(page.getByTestId('store-orders-table')).toHaveAttribute('data-duplicates', '3');
  // The mirrors' copies: rabbit-1 sent to both mirrors before it died.
  expect((await traffic(page, 1, 3)).there).toBeGreaterThan(0);
  await page.screenshot({ path: 'screenshots/rabbit-mirror-end.png' });
  expect(errors).toEqual([]);
});

test('transactions against confirms: the same 100 messages, far fewer a second', async ({ page }) => {
  const errors = await open(page, { hash: '#rabbitmq-confirms-vs-transactions' });
  await page.getByTestId('player-end').click();
  const tx = page.getByTestId('producer-100');
  const confirm = page.getByTestId('producer-101');
  await expect(tx).toContainText('transactions');
  await expect(confirm).toContainText('confirms');
  await expect(tx).toContainText('✓ 100 confirmed');
  await expect(confirm).toContainText('✓ 100 confirmed');
  await expect(tx).toContainText(/⚡ \d+ msg\/s/);
  await expect(confirm).toContainText(/⚡ \d+ msg\/s/);
  const txRate = Number(await tx.getAttribute('data-per-second'));
  const confirmRate = Number(await confirm.getAttribute('data-per-second'));
  expect(txRate).toBeGreaterThan(0);
  expect(confirmRate).toBeGreaterThan(10 * txRate);
  await expect(confirm).toContainText(`⚡ ${confirmRate} msg/s`);
  // Each queue holds its hundred, on disk.
  await expect(page.getByTestId('queue-orders-1')).toContainText(/ready 100 ?· ?unacked 0 ?· ?disk 100/);
  await expect(page.getByTestId('queue-payments-1')).toContainText('+');
  await page.screenshot({ path: 'screenshots/rabbit-tx-vs-confirms.png' });
  expect(errors).toEqual([]);
});

test('autoAck loses the messages in hand; manual acks from the settings lose none', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors = await open(page, { hash: '#rabbitmq-autoack-vs-manual' });
  const consumer = page.getByTestId('consumer-300');
  await expect(consumer).toContainText('autoAck');
  await page.getByTestId('player-end').click();
  expect(await count(page, 'ledger-lost')).toBe(5);
  expect(await count(page, 'ledger-skipped')).toBe(5);
  await expect(page.locator('[data-consumption="skipped"]')).toHaveCount(5);
  await expect(page.getByTestId('store-orders-table')).toHaveAttribute('data-rows', '3');
  await expect(page.getByTestId('message-row-order-4')).toContainText('delivered and acked');
  await page.screenshot({ path: 'screenshots/rabbit-autoack-lost.png' });

  await page.getByTestId('tab-settings').click();
  await expect(page.locator('#knob-brokers')).toHaveCount(0);
  await expect(page.locator('#knob-consumer-0-autoack')).toBeChecked();
  await page.locator('#knob-consumer-0-autoack').uncheck();
  await page.locator('#knob-consumer-0-prefetch').fill('3');
  await page.screenshot({ path: 'screenshots/rabbit-settings.png' });
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('settings-error')).toHaveCount(0);
  await expect(page.getByTestId('modified')).toBeVisible();
  await expect(consumer).toContainText('manual ack, prefetch 3');
  await playToEnd(page);
  await page.getByTestId('tab-ledger').click();
  expect(await count(page, 'ledger-lost')).toBe(0);
  expect(await count(page, 'ledger-skipped')).toBe(0);
  expect(await count(page, 'ledger-redelivered')).toBeGreaterThan(0);
  await expect(page.getByTestId('store-orders-table')).toHaveAttribute('data-rows', '8');
  await expect(page.getByTestId('ledger-expected-orders-table')).toContainText('expected 8, actual 8 — ✓ no more, no fewer');
  await page.screenshot({ path: 'screenshots/rabbit-manual-acks.png' });

  // A quorum queue must be durable: the error names the field, nothing changes.
  await page.getByTestId('tab-settings').click();
  await page.locator('#knob-queue-0-type').selectOption('quorum');
  await page.locator('#knob-queue-0-durable').uncheck();
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('settings-error')).toContainText('rabbitmq.queues[0]');
  await page.getByTestId('settings-error').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'screenshots/rabbit-settings-error.png' });
  expect(errors).toEqual([]);
});

for (const [name, viewport, scheme, lang, hash, at] of [
  ['rabbit-1280x720-zh-dark', { width: 1280, height: 720 }, 'dark', 'zh', '#rabbitmq-mirrored-failover', '200'],
  ['rabbit-1440x900-en-light', { width: 1440, height: 900 }, 'light', 'en', '#rabbitmq-quorum-failover', '210'],
  ['rabbit-1920x1080-en-light', { width: 1920, height: 1080 }, 'light', 'en', '#rabbitmq-unsynced-mirror', '100'],
  ['rabbit-1920x1080-zh-light', { width: 1920, height: 1080 }, 'light', 'zh', '#rabbitmq-confirms-vs-transactions', '1211'],
]) {
  test(`screenshot ${name}`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await page.emulateMedia({ colorScheme: scheme });
    const errors = await open(page, { lang, hash });
    await page.getByTestId('timeline').fill(at);
    await expect(page.locator('[data-testid^="queue-"]').first()).toBeVisible();
    await page.screenshot({ path: `screenshots/${name}.png` });
    expect(errors).toEqual([]);
  });
}
