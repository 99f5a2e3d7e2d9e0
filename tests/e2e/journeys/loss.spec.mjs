// Journey 2: acks=1 and the leader dies before its followers copied the last writes: the
// producer was told "OK" for messages that are gone.
import { test, expect } from '@playwright/test';
import { open, count, step, leadersOf } from './helpers.mjs';

test('acks=1 loses acknowledged messages when the leader dies', async ({ page }) => {
  const errors = await open(page, { hash: '#kafka-acks1-leader-dies' });
  await expect(page.getByTestId('scenario-picker')).toHaveValue('kafka-acks1-leader-dies');
  await page.getByTestId('player-end').click();
  expect(await count(page, 'ledger-lost')).toBeGreaterThanOrEqual(1);
  await expect(page.locator('[data-fate="lost"]').first()).toBeVisible();
  await expect(page.locator('[data-fate="lost"]').first()).toContainText('LOST');
  await page.screenshot({ path: 'screenshots/journey2-lost.png' });

  // Back in time, exactly: before the crash broker-1 still leads and nothing is lost; at the
  // end again, the same loss.
  const lostAtEnd = await count(page, 'ledger-lost');
  const end = (await step(page)).total;
  await page.getByTestId('player-back').click();
  expect((await step(page)).now).toBe(end - 1);
  await page.getByTestId('timeline').fill('60');
  expect((await step(page)).now).toBe(60);
  expect(await count(page, 'ledger-lost')).toBe(0);
  expect(await leadersOf(page, 'orders-0')).toEqual(['broker-1']);
  await page.getByTestId('player-end').click();
  expect(await count(page, 'ledger-lost')).toBe(lostAtEnd);
  expect(await leadersOf(page, 'orders-0')).toEqual(['broker-2']);

  // Selecting a lost message highlights where it still is (or nowhere).
  await page.locator('[data-fate="lost"] button').first().click();
  await expect(page.locator('[data-fate="lost"]').first()).toHaveClass(/selected/);
  expect(errors).toEqual([]);
});

// A lost acknowledgement and a retry: the order is stored twice; the idempotent producer,
// switched on in the settings, stores it once.
test('a retry duplicates an order until the producer is idempotent', async ({ page }) => {
  const errors = await open(page, { hash: '#kafka-retry-duplicates' });
  await page.getByTestId('player-end').click();
  expect(await count(page, 'ledger-duplicated')).toBe(1);
  await page.screenshot({ path: 'screenshots/retry-duplicated.png' });

  await page.getByTestId('tab-settings').click();
  await expect(page.locator('#knob-idempotence')).not.toBeChecked();
  await page.locator('#knob-idempotence').check();
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('settings-error')).toHaveCount(0);
  await page.getByTestId('player-end').click();
  await page.getByTestId('tab-ledger').click();
  expect(await count(page, 'ledger-duplicated')).toBe(0);
  await expect(page.getByTestId('producer-100')).toContainText('idempotent');
  expect(errors).toEqual([]);
});

test('Kafka 4.1 elects from the ELR; switched to 4.0 the last replica standing loses three orders', async ({ page }) => {
  const errors = await open(page, { hash: '#kafka-last-replica-standing' });
  await page.getByTestId('player-end').click();
  expect(await count(page, 'ledger-lost')).toBe(0);
  expect(await leadersOf(page, 'orders-0')).toEqual(['broker-2']);
  await page.getByTestId('tab-settings').click();
  await expect(page.getByTestId('settings-form')).toContainText('Kafka 4.1+ (KRaft), ELR on');
  await page.locator('#knob-version').selectOption('4.0');
  await expect(page.locator('#knob-elr')).not.toBeChecked();
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('settings-form')).toContainText('Kafka 4.0 (KRaft), ELR off');
  await page.getByTestId('tab-ledger').click();
  await page.getByTestId('player-end').click();
  expect(await count(page, 'ledger-lost')).toBe(3);
  expect(await leadersOf(page, 'orders-0')).toEqual(['broker-1']);
  await page.screenshot({ path: 'screenshots/elr-off-lost.png' });
  expect(errors).toEqual([]);
});
