// Compare: acks=1 vs acks=all through the same leader crash, in lockstep; the first
// difference marked; the lost messages on one side only.
import { test, expect } from '@playwright/test';
import { open, step } from './helpers.mjs';

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

test('the headline leads with how each run ends, in words, above the stages', async ({ page, browser }) => {
  const errors = await open(page, { hash: '#compare' });
  const headline = page.getByTestId('compare-headline');
  // At step 0 it already says how the runs end.
  await expect(page.getByTestId('step-counter')).toContainText('step 0 /');
  await expect(headline).toContainText('How each run ends: acks=1: 5 acknowledged messages lost · acks=all: 0 lost');
  await expect(headline).toHaveAttribute('data-decisive', 'lost');
  expect(Number(await page.getByTestId('compare-headline-left-lost').getAttribute('data-value'))).toBeGreaterThan(0);
  expect(Number(await page.getByTestId('compare-headline-right-lost').getAttribute('data-value'))).toBe(0);
  // Above the stages, and above the first-difference line.
  const h = await headline.boundingBox();
  const stage = await page.getByTestId('compare-left').boundingBox();
  const first = await page.getByTestId('compare-divergence').boundingBox();
  expect(h.y + h.height).toBeLessThanOrEqual(first.y);
  expect(h.y + h.height).toBeLessThanOrEqual(stage.y);
  await page.screenshot({ path: 'screenshots/compare-headline.png' });

  // The moment that caused it: when "lost" first differs (later than the first difference).
  const moment = page.getByTestId('compare-moment');
  await expect(moment).toHaveAttribute('data-counter', 'lost');
  const at = Number(await moment.getAttribute('data-step'));
  await page.getByTestId('compare-moment-jump').click();
  await expect(moment).toHaveAttribute('data-at', 'here');
  expect((await step(page)).now).toBe(at);
  expect(await num(page, 'compare-lost-left')).toBeGreaterThan(0);
  expect(await num(page, 'compare-lost-right')).toBe(0);
  await expect(page.getByTestId('compare-divergence')).toHaveAttribute('data-at', 'past');
  await page.getByTestId('player-back').click();
  expect(await num(page, 'compare-lost-left')).toBe(0);

  // A second preset: auto-commit duplicates, commit-first never processes two.
  await page.getByTestId('compare-picker').selectOption({ index: 1 });
  await expect(headline).toContainText('commit=auto: 4 messages with duplicate rows in the store, 0 never processed');
  await expect(headline).toContainText('commit=sync_before_process: 2 messages never processed (lost), 0 with duplicate rows');
  await expect(page.getByTestId('compare-headline-left-store-duplicates')).toHaveAttribute('data-value', '4');
  await expect(page.getByTestId('compare-headline-right-skipped')).toHaveAttribute('data-value', '2');
  await expect(moment).toHaveAttribute('data-counter', 'skipped');
  await page.screenshot({ path: 'screenshots/compare-headline-commit.png' });

  // 中文, and on a phone.
  const zh = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const other = await zh.newPage();
  const zhErrors = await open(other, { lang: 'zh', hash: '#compare' });
  const zhHeadline = other.getByTestId('compare-headline');
  await expect(zhHeadline).toContainText('两次运行的结局：acks=1：5 条已确认的消息丢失 · acks=all：丢失 0 条');
  await expect(other.getByTestId('compare-moment-jump')).toContainText('跳到造成这一结果的时刻');
  const zh1 = await zhHeadline.boundingBox();
  const zhStage = await other.getByTestId('compare-left').boundingBox();
  expect(zh1.y + zh1.height).toBeLessThanOrEqual(zhStage.y);
  await other.screenshot({ path: 'screenshots/compare-headline-zh-phone.png' });
  await other.getByTestId('compare-picker').selectOption({ index: 3 });
  await expect(zhHeadline).toContainText('auto_ack=true：5 条消息从未被处理（丢失）');
  await expect(zhHeadline).toContainText('auto_ack=false：未处理 0 条');
  expect(zhErrors).toEqual([]);
  await zh.close();
  expect(errors).toEqual([]);
});

test('an impossible comparison in the address says why', async ({ page }) => {
  const errors = await open(page, { hash: '#compare/kafka-acks1-leader-dies/acks/1/1' });
  await expect(page.getByTestId('notice')).toContainText('same value');
  await expect(page.getByTestId('compare')).toBeVisible();
  expect(errors).toEqual([]);
});
