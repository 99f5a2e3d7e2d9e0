// Compare: acks=1 vs acks=all through the same leader crash, in lockstep; the first
// difference marked; the lost messages on one side only.
import { test, expect } from '@playwright/test';
import { open } from './helpers.mjs';

const num = async (page, testid) => Number(await page.getByTestId(testid).textContent());

test('acks=1 vs acks=all: lockstep, the first difference, and the loss on one side only', async ({ page, browser }) => {
  const errors = await open(page, { hash: '#compare' });
  await expect(page.getByTestId('compare')).toBeVisible();
  await expect(page.getByTestId('compare-left')).toContainText('acks = 1');
  await expect(page.getByTestId('compare-right')).toContainText('acks = all');
  await expect(page.getByTestId('compare-divergence')).toHaveAttribute('data-at', 'ahead');

  // Both stages step together on the keyboard.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step-counter')).toContainText('step 2 /');

  await page.getByTestId('compare-jump').click();
  await expect(page.getByTestId('compare-divergence')).toHaveAttribute('data-at', 'here');
  await expect(page.locator('tr.differs').first()).toBeVisible();
  await page.screenshot({ path: 'screenshots/compare-divergence.png' });

  await page.keyboard.press('End');
  expect(await num(page, 'compare-lost-left')).toBeGreaterThan(0);
  expect(await num(page, 'compare-lost-right')).toBe(0);
  await expect(page.getByTestId('compare-row-lost')).toHaveClass(/differs/);
  await expect(page.getByTestId('compare-left').getByTestId('broker-1')).toBeVisible();
  await page.screenshot({ path: 'screenshots/compare-end.png' });

  // The address reopens the same comparison at the same moment.
  await expect(page).toHaveURL(/#compare\/kafka-acks1-leader-dies\/acks\/1\/all@\d+$/);
  const link = page.url();
  const fresh = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.getByTestId('compare-lost-left')).toHaveText(String(await num(page, 'compare-lost-left')));
  await fresh.close();

  // Another preset from the picker: autoAck vs manual acks.
  await page.getByTestId('compare-picker').selectOption({ index: 3 });
  await expect(page.getByTestId('compare-left')).toContainText('auto_ack = true');
  await page.keyboard.press('End');
  expect(await num(page, 'compare-skipped-left')).toBeGreaterThan(0);
  expect(await num(page, 'compare-skipped-right')).toBe(0);
  expect(errors).toEqual([]);
});

test('an impossible comparison in the address says why', async ({ page }) => {
  const errors = await open(page, { hash: '#compare/kafka-acks1-leader-dies/acks/1/1' });
  await expect(page.getByTestId('notice')).toContainText('same value');
  await expect(page.getByTestId('compare')).toBeVisible();
  expect(errors).toEqual([]);
});
