// Damaged links: each opens the nearest valid state (the example it names, unchanged; the
// step clamped; the lesson step nearest; the first comparison; else the lesson map) and
// says what is wrong in the page's language, naming the part. A valid link says nothing.
import { test, expect } from '@playwright/test';

const b64 = (text) => Buffer.from(text).toString('base64url');

// What opens: { example, step } in the sandbox ('end': the last step), { lesson, step } (1-based),
// { compare: true } or { home: true }.
const CASES = [
  { hash: '#kafka-leader-kill@-5', opens: { example: 'kafka-leader-kill', step: 0 }, en: ['`-5`', 'not a whole number'], part: '-5' },
  { hash: '#kafka-leader-kill@99999999999999999999', opens: { example: 'kafka-leader-kill', step: 'end' }, en: ['99999999999999999999', 'past the end', 'steps)'], part: '99999999999999999999' },
  { hash: '#kafka-leader-kill@１２０', opens: { example: 'kafka-leader-kill', step: 120 }, en: ['`１２０`', 'full-width'], part: '１２０' },
  { hash: '#kafka-leader-kill@abc', opens: { example: 'kafka-leader-kill', step: 0 }, en: ['`abc`', 'not a whole number'], part: 'abc' },
  { hash: '#kafka-zombie-leader~%%%@30', opens: { example: 'kafka-zombie-leader', step: 30 }, en: ['after `~`', 'kafka-zombie-leader unchanged'], part: '~' },
  { hash: `#kafka-leader-kill~${b64('{"kafka": oops}')}`, opens: { example: 'kafka-leader-kill', step: 0 }, en: ['after `~`', 'not JSON'], part: '~' },
  { hash: '#doc~***', opens: { example: 'kafka-leader-kill', step: 0 }, en: ['`doc~`', 'base64url'], part: 'doc~' },
  { hash: '#doc=%E0%A4%A', opens: { example: 'kafka-leader-kill', step: 0 }, en: ['`doc=`'], part: 'doc=' },
  { hash: '#no-such-example@5', opens: { example: 'kafka-leader-kill', step: 0 }, en: ['no example `no-such-example`'], part: 'no-such-example' },
  { hash: '#lesson/no-such-lesson/2', opens: { home: true }, en: ['no lesson `no-such-lesson`'], part: 'no-such-lesson' },
  { hash: '#lesson/kafka-high-availability/0', opens: { lesson: 'kafka-high-availability', step: 1 }, en: ['count from 1, not 0'], part: '0' },
  { hash: '#lesson/kafka-high-availability/99', opens: { lesson: 'kafka-high-availability', step: 6 }, en: ['has 6 steps, not 99; opened step 6'], part: '99' },
  { hash: '#compare/a/b/c', opens: { compare: true }, en: ['`compare/a/b/c`', 'not a comparison'], part: 'compare/a/b/c' },
  { hash: '#compare@-1', opens: { compare: true }, en: ['`-1`'], part: '-1' },
  { hash: `#kafka-leader-kill~${'A'.repeat(20000)}`, opens: { example: 'kafka-leader-kill', step: 0 }, en: ['after `~`', 'unchanged'], part: '~' },
  { hash: '#%00', opens: { home: true }, en: ['`#%00`', 'lesson map'], part: '%00' },
  { hash: '#<script>', opens: { home: true }, en: ['`#<script>`', 'lesson map'], part: '<script>' },
];

const HAN = /[\u4e00-\u9fff]/;
// Words of the English messages and of serde's, which a Chinese notice must not carry.
const ENGLISH = ['opened', 'not a', 'could not', 'past the end', 'There is', 'expected', 'invalid', ' the '];

function watch(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

/** A full page load of `hash` (a query that changes each time: a hash-only change would not reload). */
let loads = 0;
async function load(page, hash) {
  loads += 1;
  await page.goto(`index.html?load=${loads}${hash}`);
}

async function counter(page, testid) {
  const text = await page.getByTestId(testid).textContent();
  const [, now, total] = text.match(/(\d+)\D+(\d+)/);
  return { now: Number(now), total: Number(total) };
}

async function expectOpened(page, opens, hash) {
  if (opens.home) {
    await expect(page.getByTestId('lesson-map'), hash).toBeVisible();
  } else if (opens.compare) {
    await expect(page.getByTestId('compare-left'), hash).toContainText('acks');
  } else if (opens.lesson) {
    await expect(page.getByTestId('lesson-step-of'), hash).toBeVisible();
    expect((await counter(page, 'lesson-step-of')).now, hash).toBe(opens.step);
    await expect(page).toHaveURL(new RegExp(`#lesson/${opens.lesson}/${opens.step}(@\\d+)?$`));
  } else {
    await expect(page.getByTestId('scenario-picker'), hash).toHaveValue(opens.example);
    await expect(page.getByTestId('modified'), hash).toHaveCount(0);
    const { now, total } = await counter(page, 'step-counter');
    expect(now, hash).toBe(opens.step === 'end' ? total : opens.step);
  }
}

for (const lang of ['en', 'zh']) {
  test(`damaged links open the nearest state and say why (${lang})`, async ({ page }) => {
    test.setTimeout(240_000);
    const errors = watch(page);
    await page.goto('index.html');
    // Once the app has started (it saves the language it chose), choose ours.
    await expect(page.getByTestId('lesson-map')).toBeVisible();
    await page.evaluate((l) => localStorage.setItem('mqlab.lang', JSON.stringify(l)), lang);
    for (const c of CASES) {
      const name = c.hash.slice(0, 60);
      await load(page, c.hash);
      await expectOpened(page, c.opens, name);
      const notice = page.getByTestId('notice');
      await expect(notice, name).toBeVisible();
      const text = await notice.textContent();
      if (lang === 'en') {
        expect(text, name).toContain('This link is damaged.');
        for (const words of c.en) expect(text, name).toContain(words);
      } else {
        expect(text, name).toMatch(HAN);
        expect(text, name).toContain('此链接有误。');
        expect(text, name).toContain(c.part);
        for (const words of ENGLISH) expect(text, name).not.toContain(words);
      }
    }
    expect(errors).toEqual([]);
  });
}

test('a valid link says nothing; a damaged address typed in later does, and the next valid one clears it', async ({ page }) => {
  const errors = watch(page);
  await page.goto('index.html');
  await expect(page.getByTestId('lesson-map')).toBeVisible();
  await page.evaluate(() => localStorage.setItem('mqlab.lang', JSON.stringify('en')));
  await load(page, '#kafka-zombie-leader@40');
  await expect(page.getByTestId('scenario-picker')).toHaveValue('kafka-zombie-leader');
  await expect(page.getByTestId('step-counter')).toContainText('step 40 /');
  await expect(page.getByTestId('notice')).toHaveCount(0);
  await expect(page).toHaveURL(/#kafka-zombie-leader@40$/);

  // Same document: the hashchange listener reads the new address.
  await page.evaluate(() => { location.hash = '#kafka-leader-kill@99999'; });
  await expect(page.getByTestId('notice')).toContainText('Step 99999 is past the end');
  await expect(page.getByTestId('scenario-picker')).toHaveValue('kafka-leader-kill');
  const { now, total } = await counter(page, 'step-counter');
  expect(now).toBe(total);
  // The address now says what is on show.
  await expect(page).toHaveURL(new RegExp(`#kafka-leader-kill@${total}$`));

  await page.evaluate(() => { location.hash = '#lesson/kafka-high-availability/2'; });
  await expect(page.getByTestId('lesson-step-of')).toContainText('Step 2 of 6');
  await expect(page.getByTestId('notice')).toHaveCount(0);
  expect(errors).toEqual([]);
});
