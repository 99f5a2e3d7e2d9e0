// The teacher at the front of the room: presenter mode at projector size, driven from the
// keyboard alone — select nodes by number, kill, restart, cut a link — and a lesson walked
// with nothing but Tab, Space, Enter and n.
import { test, expect } from '@playwright/test';
import { open } from './helpers.mjs';

/** Tabs until the element with this test id has the focus (as a keyboard user would). */
async function tabTo(page, testid) {
  for (let i = 0; i < 80; i++) {
    const at = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    if (at === testid) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${testid}`);
}

/** The digit that selects a node in presenter mode. */
async function digitOf(page, name) {
  return (await page.getByTestId(`presenter-node-${name}`).locator('kbd').textContent()).trim();
}

test('presenter mode at 1280×720: large, high contrast, and every fault from the keyboard', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors = await open(page, { hash: '#kafka-leader-kill' });
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('p');
  await expect(page.getByTestId('presenter-bar')).toBeVisible();
  await expect(page.locator('header.top')).toBeHidden();
  const size = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.app')).fontSize));
  expect(size).toBeGreaterThanOrEqual(20);
  const bg = await page.evaluate(() => getComputedStyle(document.querySelector('.app')).backgroundColor);
  expect(bg).toBe('rgb(0, 0, 0)');
  // The stage takes the whole width; the ledger's story is a strip of big numbers.
  const stage = await page.getByTestId('stage').boundingBox();
  expect(stage.width).toBeGreaterThan(1200);
  await expect(page.locator('aside.side')).toBeHidden();
  await expect(page.getByTestId('strip-produced')).toBeVisible();
  const big = await page.evaluate(() =>
    parseFloat(getComputedStyle(document.querySelector('[data-testid=strip-lost] .n')).fontSize));
  expect(big).toBeGreaterThanOrEqual(32);

  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
  // Select broker-1 by its number and kill it.
  await page.keyboard.press(await digitOf(page, 'broker-1'));
  await expect(page.getByTestId('presenter-node-broker-1')).toHaveClass(/selected/);
  await expect(page.getByTestId('presenter-hint')).toContainText('x kill -9');
  await page.keyboard.press('x');
  await expect(page.getByTestId('broker-1')).toContainText('crashed');
  await page.screenshot({ path: 'screenshots/presenter-1280x720.png' });
  await page.keyboard.press('r');
  await expect(page.getByTestId('broker-1')).not.toContainText('crashed');
  // t brings the side panel back, and takes it away again.
  await page.keyboard.press('t');
  await expect(page.locator('aside.side')).toBeVisible();
  await page.keyboard.press('t');
  await expect(page.locator('aside.side')).toBeHidden();

  // Cut the link broker-2 ↔ broker-3: select one end, d, the other end's number.
  await page.keyboard.press(await digitOf(page, 'broker-2'));
  await page.keyboard.press('d');
  await expect(page.getByTestId('presenter-hint')).toContainText('other end');
  await page.keyboard.press(await digitOf(page, 'broker-3'));
  await expect(page.locator('path.link.cut').first()).toBeVisible();

  await page.keyboard.press('?');
  await expect(page.getByTestId('help')).toContainText('kill -9 / stop / restart');
  await expect(page.getByTestId('help')).toContainText('presenter mode');
  await page.keyboard.press('Escape');

  // It stays on across a reload, and p leaves it.
  await page.reload();
  await expect(page.getByTestId('presenter-bar')).toBeVisible();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('p');
  await expect(page.getByTestId('presenter-bar')).toHaveCount(0);
  await expect(page.locator('header.top')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a lesson driven with the keyboard alone', async ({ page }) => {
  const errors = await open(page, { hash: '#lesson/kafka-high-availability/1' });
  const panel = page.getByTestId('lesson-panel');
  const done = () => expect(panel.getByTestId('lesson-step')).toHaveAttribute('data-done', 'true');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('n'); // narration read
  await tabTo(page, 'lesson-skip');
  await page.keyboard.press('Enter');
  await done();
  await page.keyboard.press('n');
  await tabTo(page, 'lesson-show-me');
  await page.keyboard.press('Enter');
  await done();
  await page.keyboard.press('n');
  // A radio group takes one Tab; the arrow keys move within it.
  await tabTo(page, 'lesson-choice-0');
  await page.keyboard.press('ArrowDown');
  await expect(panel.getByTestId('lesson-choice-1')).toBeChecked();
  await tabTo(page, 'lesson-check-prediction');
  await page.keyboard.press('Enter');
  await done();
  await page.keyboard.press('n');
  for (let step = 5; step <= 6; step++) {
    await expect(panel.getByTestId('lesson-step-of')).toHaveText(`Step ${step} of 6`);
    if ((await panel.getByTestId('lesson-step').getAttribute('data-done')) !== 'true') {
      await tabTo(page, 'lesson-skip');
      await page.keyboard.press('Enter');
      await done();
    }
    await page.keyboard.press('n');
  }
  await expect(panel.getByTestId('lesson-answer-view')).toBeVisible();
  expect(errors).toEqual([]);
});
