// Journey 3: the page draws something, speaks both languages and remembers the choice.
import { test, expect } from '@playwright/test';
import { open } from './helpers.mjs';

test('the page is not blank and the language switch changes the header', async ({ page }) => {
  const errors = await open(page, { lang: 'en' });
  await expect(page.locator('h1')).toHaveText('MQ Lab');
  await expect(page.locator('[data-testid^="broker-"]')).toHaveCount(3);
  const svg = await page.getByTestId('stage').locator('svg').boundingBox();
  expect(svg.height).toBeGreaterThan(150);

  const header = page.locator('header');
  await expect(header).toContainText('one step at a time');
  await expect(page.getByTestId('tab-ledger')).toHaveText('Ledger');
  await page.getByTestId('lang-switch').click();
  await expect(header).toContainText('一步一步');
  await expect(page.getByTestId('tab-ledger')).toHaveText('账本');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.screenshot({ path: 'screenshots/journey3-zh.png' });

  // Remembered across a reload.
  await page.reload();
  await expect(page.locator('header')).toContainText('一步一步');
  await page.getByTestId('lang-switch').click();
  await expect(page.locator('header')).toContainText('one step at a time');
  expect(errors).toEqual([]);
});

test('keyboard drives the player and ? lists the shortcuts', async ({ page }) => {
  const errors = await open(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step-counter')).toContainText('step 2 /');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('step-counter')).toContainText('step 1 /');
  await page.keyboard.press('End');
  await expect(page.getByTestId('player-forward')).toBeDisabled();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('step-counter')).toContainText('step 0 /');
  await page.keyboard.press('?');
  await expect(page.getByTestId('help')).toBeVisible();
  await page.screenshot({ path: 'screenshots/help.png' });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help')).toHaveCount(0);
  // A focused broker opens its menu with Enter; Escape closes it and gives the focus back.
  await page.getByTestId('broker-2').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-menu')).toBeVisible();
  await expect(page.getByTestId('menu-kill')).toBeFocused();
  const before = await page.getByTestId('step-counter').textContent();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('menu-stop')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('menu-kill')).toBeFocused();
  await expect(page.getByTestId('step-counter')).toHaveText(before);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('node-menu')).toHaveCount(0);
  await expect(page.getByTestId('broker-2')).toBeFocused();
  // Tabs: arrows move between them without stepping the player.
  await page.getByTestId('tab-ledger').click();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-log')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('tab-log')).toBeFocused();
  await expect(page.getByTestId('step-counter')).toHaveText(before);
  // Keys typed into a form field stay there.
  await page.getByTestId('tab-settings').click();
  await page.locator('#knob-seed').focus();
  await page.keyboard.press('End');
  await expect(page.getByTestId('step-counter')).toContainText('step 0 /');
  expect(errors).toEqual([]);
});

test('settings rebuild the scenario, and a bad combination explains itself', async ({ page }) => {
  const errors = await open(page, { hash: '#kafka-leader-kill' });
  await page.getByTestId('tab-settings').click();
  await expect(page.getByTestId('settings-form')).toContainText('Kafka 4.1+ (KRaft), ELR on');
  await page.locator('#knob-rf').fill('5');
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('settings-error')).toBeVisible();
  await expect(page.locator('[data-testid^="broker-"]')).toHaveCount(3);
  await page.screenshot({ path: 'screenshots/settings-error.png' });

  await page.locator('#knob-brokers').fill('5');
  await page.locator('#knob-partitions').fill('2');
  await page.locator('#knob-rf').fill('3');
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('settings-error')).toHaveCount(0);
  await expect(page.locator('[data-testid^="broker-"]')).toHaveCount(5);
  await page.keyboard.press('End');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('End');
  await page.screenshot({ path: 'screenshots/settings-5-brokers.png' });
  expect(errors).toEqual([]);
});

for (const [name, viewport, scheme, lang] of [
  ['1280x720-en-light', { width: 1280, height: 720 }, 'light', 'en'],
  ['1280x720-zh-dark', { width: 1280, height: 720 }, 'dark', 'zh'],
  ['1440x900-zh-light', { width: 1440, height: 900 }, 'light', 'zh'],
  ['900x800-en-dark', { width: 900, height: 800 }, 'dark', 'en'],
]) {
  test(`screenshot ${name}`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await page.emulateMedia({ colorScheme: scheme });
    const errors = await open(page, { lang, hash: '#kafka-zombie-leader' });
    await page.getByTestId('timeline').fill('400');
    await page.screenshot({ path: `screenshots/${name}.png` });
    expect(errors).toEqual([]);
  });
}

test('messages in flight are drawn on their links', async ({ page }) => {
  const errors = await open(page, { hash: '#kafka-leader-kill' });
  for (let i = 0; i < 120 && (await page.locator('.env.data').count()) === 0; i++) {
    await page.keyboard.press('ArrowRight');
  }
  await expect(page.locator('.env.data').first()).toBeVisible();
  await page.waitForTimeout(400); // let the envelopes' short CSS transition settle for the picture
  await page.screenshot({ path: 'screenshots/in-flight.png' });
  // A message's cells light up when it is selected in the ledger.
  for (let i = 0; i < 120 && (await page.locator('[data-testid^="message-row-"]').count()) === 0; i++) {
    await page.keyboard.press('ArrowRight');
  }
  await page.locator('[data-testid^="message-row-"] button').first().click();
  for (let i = 0; i < 120 && (await page.locator('.cell.selected').count()) === 0; i++) {
    await page.keyboard.press('ArrowRight');
  }
  await expect(page.locator('.cell.selected').first()).toBeVisible();
  await page.screenshot({ path: 'screenshots/selected-message.png' });
  expect(errors).toEqual([]);
});

test('a producer produces on demand, and reduced motion parks envelopes mid-link', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const errors = await open(page, { hash: '#kafka-leader-kill' });
  await expect(page.locator('.app')).toHaveClass(/reduced-motion/);
  const producer = page.locator('[data-testid^="producer-"]').first();
  await producer.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-menu')).toBeVisible();
  await expect(page.getByTestId('menu-kill')).toHaveCount(0);
  await page.getByTestId('menu-produce').click();
  await expect(page.locator('.mark.action')).not.toHaveCount(0);
  for (let i = 0; i < 60 && (await page.locator('[data-testid^="message-row-"]').count()) < 5; i++) {
    await page.keyboard.press('ArrowRight');
  }
  await expect(page.locator('[data-testid^="message-row-"]')).toHaveCount(5);
  // The controller offers no menu in this slice.
  await expect(page.getByTestId('controller')).not.toHaveAttribute('role', 'button');
  expect(errors).toEqual([]);
});

test('a network partition draws its cut links', async ({ page }) => {
  const errors = await open(page, { hash: '#kafka-zombie-leader' });
  await page.locator('.mark.fault').first().click();
  await expect(page.locator('path.link.cut').first()).toBeVisible();
  await expect(page.locator('.link-label.cut').first()).toContainText('✂');
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
  await page.screenshot({ path: 'screenshots/partition.png' });
  expect(errors).toEqual([]);
});

test('the address carries the state: a short link reopens the same step in a fresh browser, faults and settings included', async ({ page, browser }) => {
  const errors = await open(page, { hash: '#kafka-leader-kill' });
  await page.getByTestId('tab-settings').click();
  await page.locator('#knob-acks').selectOption('1');
  await page.locator('#knob-idempotence').uncheck();
  await page.getByTestId('settings-apply').click();
  await expect(page.getByTestId('settings-error')).toHaveCount(0);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/#kafka-leader-kill~[A-Za-z0-9_-]+@30$/);
  await page.getByTestId('broker-2').click();
  await page.getByTestId('menu-isolate').click();
  await expect(page.getByTestId('broker-2')).toContainText('isolated');
  await expect(page).toHaveURL(/#kafka-leader-kill~[A-Za-z0-9_-]+@31$/);
  const link = page.url();
  expect(link.length).toBeLessThan(2000);
  await page.getByTestId('tab-ledger').click();
  const acked = await page.getByTestId('ledger-acknowledged').textContent();

  // Another browser altogether: no storage, no history.
  const fresh = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const other = await fresh.newPage();
  const otherErrors = await open(other, { hash: link.slice(link.indexOf('#')) });
  await expect(other.getByTestId('step-counter')).toContainText('step 31 /');
  await expect(other.getByTestId('broker-2')).toContainText('isolated');
  await expect(other.getByTestId('modified')).toBeVisible();
  await expect(other.getByTestId('ledger-acknowledged')).toHaveText(acked);
  await expect(other.getByTestId('producer-100')).toContainText('acks=1');
  expect(await other.locator('.mark').count()).toBe(await page.locator('.mark').count());

  // Truncated, altered, oversized: each says why and opens the example it names (else the
  // first one), unchanged.
  const hash = link.slice(link.indexOf('#'));
  const damaged = [
    hash.slice(0, hash.indexOf('~') + 12),
    hash.replace('~', '~*'),
    '#doc=%7B%22id%22%3A1%7D',
    `#kafka-leader-kill~${'A'.repeat(70000)}`,
  ];
  const brokenErrors = [];
  for (const [i, bad] of damaged.entries()) {
    const broken = await fresh.newPage();
    brokenErrors.push(...(await open(broken, { hash: bad })));
    await expect(broken.getByTestId('notice')).toContainText('This link is damaged.');
    await expect(broken.locator('[data-testid^="broker-"]').first()).toBeVisible();
    await expect(broken.getByTestId('modified')).toHaveCount(0);
    if (i === 0) await broken.screenshot({ path: 'screenshots/broken-link.png' });
    await broken.close();
  }
  await fresh.close();
  expect([...errors, ...otherErrors, ...brokenErrors]).toEqual([]);
});
