// Lessons done the way a learner does them, on the stage and in the settings rather than with
// the "do it for me" buttons, and the wrong moves a learner makes, which must not pass.
import { test, expect } from '@playwright/test';
import { open, count } from './helpers.mjs';

const panel = (page) => page.getByTestId('lesson-panel');
const stepOf = (page) => panel(page).getByTestId('lesson-step');

test('wrong moves and wrong predictions are not let through', async ({ page }) => {
  // A link straight to step 3: the consumer has inserted four orders, nobody killed it yet.
  const errors = await open(page, { hash: '#lesson/kafka-duplicate-consumption/3' });
  await expect(panel(page).getByTestId('lesson-step-of')).toHaveText('Step 3 of 12');
  await expect(stepOf(page)).toHaveAttribute('data-kind', 'act');
  expect(Number(await page.getByTestId('store-orders-table').getAttribute('data-rows'))).toBeGreaterThanOrEqual(4);

  // A graceful stop is not the kill -9 the step asks for.
  await page.getByTestId('consumer-300').click();
  await page.getByTestId('menu-stop').click();
  for (let i = 0; i < 20; i++) await page.getByTestId('player-forward').click();
  await expect(stepOf(page)).toHaveAttribute('data-done', 'false');
  await expect(panel(page).getByTestId('lesson-next')).toBeDisabled();
  await expect(panel(page).getByTestId('lesson-status')).toContainText('Waiting');
  await page.screenshot({ path: 'screenshots/lesson-wrong-move.png' });

  // Too few, too many: the estimate waits for the number the model shows.
  await page.goto('index.html#lesson/kafka-duplicate-consumption/5');
  await expect(stepOf(page)).toHaveAttribute('data-kind', 'estimate');
  const estimate = panel(page).getByTestId('lesson-estimate');
  await estimate.fill('6');
  await panel(page).getByTestId('lesson-check-prediction').click();
  await expect(panel(page).getByTestId('lesson-verdict')).toContainText('Too few');
  // The verdict is said once (not again in the list of tries).
  await expect(panel(page).getByText('Too few')).toHaveCount(1);
  await estimate.fill('12');
  await estimate.press('Enter');
  await expect(panel(page).getByTestId('lesson-verdict')).toContainText('Too many');
  await expect(panel(page).getByText('Too many')).toHaveCount(1);
  await expect(panel(page).getByText('Too few')).toHaveCount(1);
  await expect(panel(page).getByTestId('lesson-tries')).toContainText('6');
  await expect(panel(page).getByTestId('lesson-tries')).not.toContainText('12');
  await expect(panel(page).getByTestId('lesson-next')).toBeDisabled();
  await expect(panel(page).getByTestId('lesson-reveal')).toHaveCount(0);
  await estimate.fill('10');
  await panel(page).getByTestId('lesson-check-prediction').click();
  await expect(panel(page).getByTestId('lesson-reveal')).toContainText('10');
  await expect(panel(page).getByTestId('lesson-next')).toBeEnabled();

  // A wrong choice is struck out and the lesson waits for the right one.
  await page.goto('index.html#lesson/rabbitmq-consumer-loss/6');
  await expect(stepOf(page)).toHaveAttribute('data-kind', 'choose');
  await panel(page).getByTestId('lesson-choice-0').check();
  await panel(page).getByTestId('lesson-check-prediction').click();
  await expect(panel(page).getByTestId('lesson-verdict')).toContainText('not what the model shows');
  await expect(panel(page).getByTestId('lesson-choice-0')).toBeDisabled();
  await expect(panel(page).getByTestId('lesson-next')).toBeDisabled();
  await page.screenshot({ path: 'screenshots/lesson-wrong-choice.png' });
  await panel(page).getByTestId('lesson-choice-1').check();
  await panel(page).getByTestId('lesson-check-prediction').click();
  await expect(panel(page).getByTestId('lesson-reveal')).toBeVisible();
  await expect(panel(page).getByTestId('lesson-next')).toBeEnabled();
  expect(errors).toEqual([]);
});

test('a lesson done by hand: play pauses at the moment, a kill from the stage, a restart', async ({ page }) => {
  const errors = await open(page, { hash: '#lesson/kafka-duplicate-consumption/1' });
  await panel(page).getByTestId('lesson-next').click();

  // Play at 4×: the loop pauses by itself once four rows are in the table.
  await page.getByTestId('speed').selectOption('4');
  await panel(page).getByTestId('lesson-play').click();
  await expect(stepOf(page)).toHaveAttribute('data-done', 'true', { timeout: 45_000 });
  await expect(page.getByTestId('player-play')).toHaveAttribute('aria-label', 'Play');
  expect(Number(await page.getByTestId('store-orders-table').getAttribute('data-rows'))).toBe(4);
  await panel(page).getByTestId('lesson-next').click();

  // kill -9 from the consumer's own menu.
  await page.getByTestId('consumer-300').click();
  await page.getByTestId('menu-kill').click();
  await expect(stepOf(page)).toHaveAttribute('data-done', 'true');
  await panel(page).getByTestId('lesson-next').click();
  await page.getByTestId('consumer-300').click();
  await page.getByTestId('menu-restart').click();
  await expect(stepOf(page)).toHaveAttribute('data-done', 'true');
  await panel(page).getByTestId('lesson-next').click();

  await panel(page).getByTestId('lesson-estimate').fill('10');
  await panel(page).getByTestId('lesson-check-prediction').click();
  await panel(page).getByTestId('lesson-next').click();
  await panel(page).getByTestId('lesson-skip').click();
  await panel(page).getByTestId('lesson-next').click();
  await expect(stepOf(page)).toHaveAttribute('data-done', 'true');
  await page.getByTestId('tab-ledger').click();
  expect(await count(page, 'ledger-store-duplicates')).toBe(4);
  await page.screenshot({ path: 'screenshots/lesson-by-hand-duplicates.png' });
  expect(errors).toEqual([]);
});

test('a setting switched in the settings panel passes a switch step; the sandbox takes the world', async ({ page }) => {
  const errors = await open(page, { lang: 'zh', hash: '#lesson/rabbitmq-consumer-loss/5' });
  await expect(stepOf(page)).toHaveAttribute('data-kind', 'switch');
  await expect(stepOf(page)).toHaveAttribute('data-done', 'false');
  await page.getByTestId('tab-settings').click();
  await page.locator('#knob-consumer-0-autoack').uncheck();
  await page.getByTestId('settings-apply').click();
  await page.getByTestId('tab-lesson').click();
  await expect(stepOf(page)).toHaveAttribute('data-done', 'true');
  await expect(panel(page).getByTestId('lesson-status')).toContainText('完成');
  await page.screenshot({ path: 'screenshots/lesson-switch-zh.png' });

  // Leaving for the sandbox keeps the scenario as the lesson left it.
  await panel(page).getByTestId('lesson-to-sandbox').click();
  await expect(page.getByTestId('lesson-panel')).toHaveCount(0);
  await expect(page.getByTestId('scenario-picker')).toBeVisible();
  await expect(page.getByTestId('consumer-300')).toContainText('手动');
  await expect(page).toHaveURL(/#rabbitmq-autoack-vs-manual~[A-Za-z0-9_-]+$/);
  expect(errors).toEqual([]);
});

test('the design challenge: a half-fix misses a goal, a full design from the settings meets all three', async ({ page }) => {
  const errors = await open(page, { hash: '#lesson/design-an-mq/8' });
  await expect(stepOf(page)).toHaveAttribute('data-kind', 'challenge');
  const goals = panel(page).getByTestId('lesson-goals');

  // Half a fix: replication factor 3 but still acks=1 — a killed leader still loses orders.
  await page.getByTestId('tab-settings').click();
  await page.locator('#knob-rf').fill('3');
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('settings-error')).toHaveCount(0);
  await page.getByTestId('tab-lesson').click();
  await panel(page).getByTestId('lesson-check-design').click();
  await expect(goals.getByTestId('lesson-goal-0')).toHaveAttribute('data-state', 'missed', { timeout: 30_000 });
  await expect(goals.getByTestId('lesson-goal-0')).toContainText('lost');
  // The search goal names the single fault that loses an acknowledged order.
  await expect(goals.getByTestId('lesson-goal-2')).toHaveAttribute('data-state', 'missed');
  await expect(goals.getByTestId('lesson-goal-2')).toContainText('kill -9 broker-1');
  await expect(panel(page).getByTestId('lesson-next')).toBeDisabled();
  await page.screenshot({ path: 'screenshots/lesson-design-half-fix.png' });

  // The whole design: RF 3, min.insync.replicas 2, acks=all, three partitions.
  await page.getByTestId('tab-settings').click();
  await page.locator('#knob-min-isr').fill('2');
  await page.locator('#knob-acks').selectOption('all');
  await page.locator('#knob-partitions').fill('3');
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('settings-error')).toHaveCount(0);
  await page.getByTestId('tab-lesson').click();
  await panel(page).getByTestId('lesson-check-design').click();
  await expect(goals.getByTestId('lesson-goal-0')).toHaveAttribute('data-state', 'met', { timeout: 30_000 });
  await expect(goals.getByTestId('lesson-goal-1')).toHaveAttribute('data-state', 'met');
  await expect(goals.getByTestId('lesson-goal-2')).toHaveAttribute('data-state', 'met');
  await expect(goals.getByTestId('lesson-goal-2')).toContainText('not a proof of safety');
  await expect(stepOf(page)).toHaveAttribute('data-done', 'true');
  await page.screenshot({ path: 'screenshots/lesson-design-met.png' });
  expect(errors).toEqual([]);
});

test('a lesson link carries the lesson step and the player step', async ({ page, browser }) => {
  const errors = await open(page, { hash: '#lesson/kafka-high-availability/2' });
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/#lesson\/kafka-high-availability\/2@\d+$/);
  const link = page.url();
  const counter = await page.getByTestId('step-counter').textContent();

  const fresh = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const other = await fresh.newPage();
  const otherErrors = await open(other, { hash: link.slice(link.indexOf('#')) });
  await expect(other.getByTestId('lesson-step-of')).toHaveText('Step 2 of 6');
  await expect(other.getByTestId('step-counter')).toHaveText(counter);
  await fresh.close();
  expect([...errors, ...otherErrors]).toEqual([]);
});
