// dondoc's browser tests: a resident's walk through the public site, and axe-core (WCAG 2.1 A
// and AA) on every public page at 1366 and 390 px, in Debian's Chromium driven by
// playwright-core. Run by scripts/browser-test, which starts `dondoc serve --demo` on a fresh
// database and passes its address; nothing here leaves loopback.
//
//   node walk.js http://127.0.0.1:PORT [--screenshots DIR]
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const base = process.argv[2];
if (!base || !/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) {
  console.error('usage: node walk.js http://127.0.0.1:PORT [--screenshots DIR]');
  process.exit(2);
}
const shotsAt = process.argv.indexOf('--screenshots');
const shotsDir = shotsAt > 0 ? process.argv[shotsAt + 1] : null;
const axePath = require.resolve('axe-core/axe.min.js');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

const WIDTHS = [1366, 390];
// WCAG 2.1 A and AA, and axe's best practices (heading order, landmarks, every content in a region).
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const MAX_HTML = 100 * 1024; // a page's HTML, before images
const NEWS_TITLE = 'Đoàn công tác số 01 Thành ủy làm việc với Đảng ủy phường Hà Lầm';
const PETITION_TITLE = 'Xây mới nhà văn hóa khu 2';

const failures = [];
let passed = 0;
function check(ok, what) {
  if (ok) {
    passed++;
  } else {
    failures.push(what);
    console.log(`  FAIL ${what}`);
  }
  return ok;
}
const skipped = [];

async function newContext(browser, width, extra = {}) {
  return browser.newContext({
    viewport: { width, height: width > 500 ? 900 : 844 },
    locale: 'vi-VN',
    ...extra,
  });
}

// ---------------------------------------------------------------------------------------------
// The resident's walk, in Vietnamese. Each step returns what the next one needs.

async function readSessionNews(page) {
  await page.goto(base + '/tin-tuc');
  const link = page.getByRole('link', { name: NEWS_TITLE, exact: true });
  check((await link.count()) === 1, `/tin-tuc lists the news "${NEWS_TITLE}"`);
  await Promise.all([page.waitForNavigation(), link.first().click()]);
  const newsPath = new URL(page.url()).pathname;
  check(/^\/tin-tuc\/\d+-[a-z0-9-]+$/.test(newsPath), `the news page has an id-slug address (${newsPath})`);
  check((await page.locator('main h1').textContent()).trim() === NEWS_TITLE, 'the news page shows its title');
  const lead = (await page.locator('article.news .news-lead').textContent()).trim();
  check(lead.startsWith('Tiếp tục chương trình làm việc của Thành ủy'), `the news page shows its lead ("${lead.slice(0, 40)}…")`);
  check((await page.locator('article.news > p:not(.meta):not(.news-lead):not(.byline)').count()) >= 5, 'the news page shows its body');
  check((await page.locator('article.news .byline').textContent()).trim() === 'Thùy Dương', 'the news page shows the byline "Thùy Dương"');
  check((await page.locator('section.followup a[href^="/kien-nghi/"]').count()) > 0, 'the news page links the petitions of its session');
  const sessionPath = await page.locator('section.followup a[href^="/buoi-lam-viec/"]').first().getAttribute('href');
  check(!!sessionPath, 'the news page links its session');
  const unitPath = await page.locator('article.news .meta a[href^="/don-vi/"]').first().getAttribute('href');
  return { newsPath, sessionPath, unitPath };
}

async function searchPetition(page) {
  await page.goto(base + '/');
  await page.locator('#site-q').fill('nha van hoa khu 2');
  await Promise.all([page.waitForNavigation(), page.locator('form.portal-search button[type=submit]').click()]);
  const url = new URL(page.url());
  check(url.pathname === '/tim-kiem' && url.searchParams.get('q') === 'nha van hoa khu 2', `the search box leads to /tim-kiem?q=… (${url.pathname}${url.search})`);
  const hit = page.locator('ol.hits > li > a', { hasText: PETITION_TITLE }).filter({ has: page.locator('mark') });
  check((await hit.count()) === 1, `the results hold the petition "${PETITION_TITLE}" with its words marked`);
  const marked = (await hit.first().locator('mark').allTextContents()).join(' ').toLowerCase();
  check(marked.includes('nhà văn hóa khu 2'), `the marked words are the ones asked for, with their diacritics ("${marked}")`);
  const petitionPath = await hit.first().getAttribute('href');
  await Promise.all([page.waitForNavigation(), hit.first().click()]);
  return { petitionPath, searchPath: url.pathname + url.search };
}

async function readPetition(page, petitionPath) {
  check(new URL(page.url()).pathname === petitionPath, `the result opens the petition page ${petitionPath}`);
  check((await page.locator('main h1').textContent()).trim() === PETITION_TITLE, 'the petition page shows its title');
  const steps = page.locator('section[aria-labelledby=timeline] ol.timeline > li');
  check((await steps.count()) >= 3, `the petition page shows its timeline (${await steps.count()} steps)`);
  check((await steps.filter({ hasText: '24/08/2020' }).count()) === 1, 'the timeline holds the raising at the session of 24/08/2020');
  const answer = page.locator('section.answer');
  check((await answer.locator('h2').textContent()).trim() === 'Trả lời chính thức', 'the petition page shows the official answer');
  check((await answer.textContent()).includes('Nhà văn hóa khu 2 đã hoàn thành'), 'the official answer has its words');
  const directivePath = await page.goto(base + '/buoi-lam-viec/2').then(() =>
    page.locator('main a[href^="/chi-dao/"]').first().getAttribute('href'));
  const targetPath = await page.locator('main a[href^="/chi-tieu/"]').first().getAttribute('href');
  return { directivePath, targetPath };
}

async function switchLanguage(page, newsPath) {
  await page.goto(base + newsPath);
  await Promise.all([page.waitForNavigation(), page.locator('header a.lang').click()]);
  check((await page.getAttribute('html', 'lang')) === 'en', 'the language link switches the site to English');
  check((await page.locator('nav.menu a[href="/tin-tuc"]').textContent()).trim() === 'News', 'in English the menu says "News"');
  check(new URL(page.url()).pathname === newsPath, 'switching language stays on the page read');
  await Promise.all([page.waitForNavigation(), page.locator('header a.lang').click()]);
  check((await page.getAttribute('html', 'lang')) === 'vi', 'the language link switches back to Vietnamese');
  check((await page.locator('nav.menu a[href="/tin-tuc"]').textContent()).trim() === 'Tin tức', 'in Vietnamese the menu says "Tin tức"');
}

// A resident sends a petition, follows it by its tracking code, and reads the answer the staff
// gave (the staff's side goes through the API, as an administrator with a token: the walk is
// the resident's).

const VI_NUMBERS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];
const SUBMITTED_TEXT = 'Đề nghị sửa chữa cầu tạm bắc qua suối tổ 9 khu 7, đã bị sạt lở một bên mố sau trận mưa lớn';
const ANSWER = 'UBND phường đã gia cố mố cầu và đặt biển cảnh báo; cầu được sửa xong trong tháng này.';

/// The sum the form's human check asks for ("Bảy cộng năm bằng bao nhiêu?").
function sumOf(question) {
  const words = question.toLowerCase().match(/([\p{L}]+) cộng ([\p{L}]+)/u);
  if (!words) return null;
  const a = VI_NUMBERS.indexOf(words[1]);
  const b = VI_NUMBERS.indexOf(words[2]);
  return a < 0 || b < 0 ? null : a + b;
}

async function submitPetition(page) {
  await page.goto(base + '/');
  await Promise.all([page.waitForNavigation(), page.locator('nav.menu a[href="/kien-nghi/gui"]').click()]);
  check(new URL(page.url()).pathname === '/kien-nghi/gui', 'the menu leads to the petition form');
  await page.fill('#text', SUBMITTED_TEXT);
  const ward = await page.locator('#ward option').evaluateAll(os => os.map(o => ({ value: o.value, label: o.textContent.trim() })));
  const haLam = ward.find(o => o.value && /Hà Lầm/.test(o.label));
  check(!!haLam, 'the form offers the ward Hà Lầm');
  await page.selectOption('#ward', haLam ? haLam.value : ward.find(o => o.value).value);
  const categories = await page.locator('#category option').evaluateAll(os => os.map(o => o.value).filter(v => v));
  await page.selectOption('#category', categories[0]);
  await page.fill('#email', 'cu-tri@example.vn');
  const question = await page.locator('label[for="answer"]').textContent();
  const sum = sumOf(question);
  check(sum !== null, `the human check asks a sum in words (${question.trim()})`);
  // A person takes a few seconds to fill the form; the form refuses one sent sooner.
  await page.waitForTimeout(3500);
  await page.fill('#answer', String(sum));
  await Promise.all([page.waitForNavigation(), page.locator('main form button[type="submit"]').last().click()]);
  const trackingPath = new URL(page.url()).pathname;
  const ok = check(/^\/kien-nghi\/theo-doi\/[A-Z0-9]+$/.test(trackingPath), `sending leads to the tracking page (${trackingPath})`);
  const code = ok ? trackingPath.split('/').pop() : null;
  check(code && (await page.locator('main').textContent()).includes(code), 'the tracking page shows the code to note down');
  return ok ? { code, trackingPath } : null;
}

async function followTrackingPage(page, submitted) {
  if (!check(!!submitted, 'a petition was sent')) return;
  // The resident comes back later with the code typed by hand.
  await page.goto(base + '/kien-nghi/theo-doi');
  await page.fill('main input[name="code"]', submitted.code.toLowerCase());
  await Promise.all([page.waitForNavigation(), page.locator('main form button[type="submit"]').click()]);
  check(new URL(page.url()).pathname === submitted.trackingPath, 'the code, typed in lower case, finds the petition');
  const main = await page.locator('main').textContent();
  check(main.includes('Đang chờ xem xét'), 'the tracking page says it waits for review');
  check(main.includes(SUBMITTED_TEXT.slice(0, 40)), 'the tracking page shows what was sent');
}

async function seeStaffAnswer(browser, page, submitted) {
  if (!submitted) return;
  const ctx = await browser.newContext();
  const api = ctx.request;
  const token = (await (await api.post(base + '/api/v1/tokens', { data: { login: 'quantri', password: 'quantri-demo' } })).json()).token;
  const auth = { Authorization: `Bearer ${token}` };
  const queue = await (await api.get(base + '/api/v1/submissions?limit=100', { headers: auth })).json();
  const mine = (queue.items || []).find(s => s.code === submitted.code);
  check(!!mine, 'the petition waits in the moderation queue');
  if (!mine) { await ctx.close(); return; }
  const accepted = await (await api.post(base + `/api/v1/submissions/${mine.id}/accept`, { headers: auth, data: { version: mine.version } })).json();
  const pid = accepted.petition_id;
  check(Number.isInteger(pid), 'accepted, it becomes a petition');
  const units = await (await api.get(base + '/api/v1/units?q=' + encodeURIComponent('UBND phường Hà Lầm'), { headers: auth })).json();
  const unit = (units.items || units).find(u => u.name === 'UBND phường Hà Lầm');
  let p = await (await api.get(base + `/api/v1/petitions/${pid}`, { headers: auth })).json();
  let r = await api.post(base + `/api/v1/petitions/${pid}/transitions`, { headers: auth, data: { action: "assign", responsible_unit_id: unit && unit.id, version: p.petition.version } });
  check(r.ok(), `staff assign it to a unit (${r.status()} ${r.ok() ? '' : await r.text()})`);
  p = await (await api.get(base + `/api/v1/petitions/${pid}`, { headers: auth })).json();
  r = await api.post(base + `/api/v1/petitions/${pid}/transitions`, { headers: auth, data: { action: "answer", answer: ANSWER, version: p.petition.version } });
  check(r.ok(), `the unit answers it (${r.status()})`);
  await ctx.close();

  await page.goto(base + submitted.trackingPath);
  const main = await page.locator('main').textContent();
  check(main.includes(ANSWER), "the tracking page shows the unit's answer");
  const link = page.locator(`main a[href="/kien-nghi/${pid}"]`);
  check((await link.count()) === 1, 'the tracking page links to the public petition page');
  await Promise.all([page.waitForNavigation(), link.click()]);
  check((await page.locator('main').textContent()).includes(ANSWER), "the petition's public page shows the answer too");
}

// A ward clerk on a phone drafts a session from a report: the review page, row after row of
// fields and choices, still fits the screen at 390 px.
const REPORT = `Chiều ngày 10/11/2026, Đoàn công tác số 02 của Thành ủy do đồng chí Trần Văn Bình, Phó Bí thư Thường trực Thành ủy làm trưởng đoàn đã làm việc với Đảng ủy phường Hà Lầm về kết quả thực hiện nhiệm vụ năm 2026.

Tại buổi làm việc, cử tri kiến nghị xây mới nhà văn hóa khu 5 và sửa chữa rãnh thoát nước tổ 3 khu 4 đã xuống cấp.

Kết luận buổi làm việc, đồng chí Trần Văn Bình yêu cầu UBND phường Hà Lầm khẩn trương hoàn thành giải phóng mặt bằng dự án đường Trần Phú trước ngày 30 tháng 12 năm 2026; giao Phòng Quản lý đô thị thành phố phối hợp kiểm tra, sửa chữa rãnh thoát nước tổ 3.`;

async function clerkReviewsAReport(browser) {
  const ctx = await newContext(browser, 390);
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  await page.fill('#login', 'vanthu');
  await page.fill('#password', 'vanthu-demo');
  await Promise.all([page.waitForNavigation(), page.locator('main form button[type="submit"]').click()]);
  await page.goto(base + '/sessions/import');
  await page.fill('#report', REPORT);
  await Promise.all([page.waitForNavigation(), page.locator('main form button[type="submit"]').first().click()]);
  const rows = await page.locator('table.rows tbody tr').count();
  check(rows >= 3, `the review page lists what the report holds (${rows} rows)`);
  await layoutHolds(page, 'the review page', 390, '390 px, vi');
  if (shotsDir) {
    // The petitions the report raised, each a card of its fields.
    await page.locator('table.rows').nth(1).scrollIntoViewIfNeeded();
    await page.evaluate(() => document.querySelectorAll('table.rows')[1].closest('fieldset').scrollIntoView());
    await page.screenshot({ path: path.join(shotsDir, 'review-390.png') });
  }
  await ctx.close();
}

// ---------------------------------------------------------------------------------------------
// Every public page: size, no script, axe-core in Vietnamese and English, and at 390 px no
// sideways scroll and no truncated control.

async function fetchPage(request, p) {
  const r = await request.get(base + p.path, { maxRedirects: 0 });
  const body = await r.body();
  check(r.status() === p.status, `${p.path} answers ${p.status} (got ${r.status()})`);
  check(body.length < MAX_HTML, `${p.path} is under 100 KB of HTML (${body.length} bytes)`);
  check(!/<script/i.test(body.toString('utf8')), `${p.path} has no <script>`);
}

async function audit(page, p, width, lang) {
  const at = `${width} px, ${lang}`;
  const response = await page.goto(base + p.path);
  check(response.status() === p.status, `${p.path} at ${at} answers ${p.status}`);
  check((await page.getAttribute('html', 'lang')) === lang, `${p.path} at ${at} is in ${lang}`);
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async TAGS => {
    // eslint-disable-next-line no-undef
    return axe.run(document, {
      runOnly: { type: 'tag', values: TAGS },
      resultTypes: ['violations'],
    });
  }, TAGS);
  const violations = result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    nodes: v.nodes.map(n => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1).join(' ').trim()}`),
  }));
  for (const v of violations) {
    console.log(`  axe ${p.name} @${at}: ${v.id} (${v.impact}) × ${v.nodes.length}`);
    for (const n of v.nodes.slice(0, 3)) console.log(`      ${n}`);
  }
  check(violations.length === 0, `axe: ${p.name} (${p.path}) at ${at} has no WCAG 2.1 A/AA or best-practice violation`);
  if (width <= 400) await layoutHolds(page, p.name, width, at);
  return violations;
}

// At a phone's width: no sideways scroll, and no control cut short or pushed off the screen.
async function layoutHolds(page, name, width, at) {
    const layout = await page.evaluate(() => {
      const root = document.documentElement;
      const truncated = [];
      const canvas = document.createElement('canvas').getContext('2d');
      const visible = el => {
        const s = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        // The skip link waits off screen until it has the focus, as it should; a form's trap
        // for robots (`aria-hidden`, off screen) is for no person to see.
        return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0 && !el.closest('.sr-only') && !el.closest('[aria-hidden="true"]') && !el.matches('a.skip:not(:focus)');
      };
      const nameOf = el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.name ? '[name=' + el.name + ']' : ''}`;
      for (const el of document.querySelectorAll('button, .button, label, select, input, textarea, a')) {
        if (!visible(el)) continue;
        const r = el.getBoundingClientRect();
        if (r.left < -1 || r.right > window.innerWidth + 1) truncated.push(`${nameOf(el)} reaches outside the screen (${Math.round(r.left)}–${Math.round(r.right)})`);
        if (el.matches('button, .button, label') && el.scrollWidth > el.clientWidth + 1) truncated.push(`${nameOf(el)} cuts its words (${el.scrollWidth} > ${el.clientWidth})`);
        if (el.matches('select')) {
          const s = getComputedStyle(el);
          canvas.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
          const option = el.options[el.selectedIndex];
          const need = canvas.measureText(option ? option.text : '').width + 28; // the arrow and padding
          if (need > el.clientWidth) truncated.push(`${nameOf(el)} cuts "${option && option.text}" (${Math.round(need)} > ${el.clientWidth})`);
        }
        if (el.matches('input[type=search], input[type=text], input:not([type]), textarea') && el.clientWidth < 120) {
          truncated.push(`${nameOf(el)} is only ${el.clientWidth} px wide`);
        }
      }
      return { scrollWidth: root.scrollWidth, truncated };
    });
    check(layout.scrollWidth <= width, `${name} at ${at} does not scroll sideways (scrollWidth ${layout.scrollWidth})`);
    for (const t of layout.truncated) console.log(`      ${t}`);
    check(layout.truncated.length === 0, `${name} at ${at} truncates no control`);
}

// Every status badge the stylesheet colours (.ps-*, .ds-*, .tl-*, .as-*), shown on a public page
// whatever the demo's records happen to be in, and measured by axe's colour-contrast rule.
async function badges(browser, request) {
  const css = await (await request.get(base + '/assets/style.css')).text();
  const classes = [...new Set(css.match(/\.(?:ps|ds|tl|as)-[a-z_]+/g).map(c => c.slice(1)))].sort();
  check(classes.length >= 20, `the stylesheet colours the status badges (${classes.length} classes)`);
  const ctx = await newContext(browser, 1366, { bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(base + '/kien-nghi');
  await page.evaluate(classes => {
    const list = document.createElement('ul');
    list.id = 'badge-swatches';
    for (const c of classes) {
      const li = document.createElement('li');
      li.innerHTML = `<span class="meta"><span class="badge ${c}">Đã giải quyết xong ${c}</span></span> <span class="badge ${c}">${c}</span>`;
      list.appendChild(li);
    }
    document.querySelector('main').appendChild(list);
  }, classes);
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => axe.run('#badge-swatches', { runOnly: { type: 'rule', values: ['color-contrast'] } }));
  const bad = result.violations.flatMap(v => v.nodes.map(n => `${n.target.join(' ')}: ${n.any.map(a => a.message).join(' ')}`));
  for (const b of bad) console.log(`      ${b}`);
  check(result.passes.length === 1 && result.passes[0].nodes.length === 2 * classes.length, `axe measured every badge (${result.passes.length ? result.passes[0].nodes.length : 0} of ${2 * classes.length})`);
  check(bad.length === 0, `every status badge reaches 4.5:1 (${classes.join(' ')})`);
  await ctx.close();
}

async function printView(browser, newsPath) {
  const ctx = await newContext(browser, 1366);
  const page = await ctx.newPage();
  await page.goto(base + newsPath);
  await page.emulateMedia({ media: 'print' });
  const shown = await page.evaluate(() => {
    const on = sel => [...document.querySelectorAll(sel)].some(el => getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0);
    return {
      header: on('header.portal-top'),
      search: on('form.portal-search'),
      sidebar: on('aside.portal-side'),
      footer: on('footer'),
      title: on('article.news h1'),
      lead: on('article.news .news-lead'),
      byline: on('article.news .byline'),
    };
  });
  check(!shown.header, 'printed, the news page hides the header and menu');
  check(!shown.search, 'printed, the news page hides the search box');
  check(!shown.sidebar, 'printed, the news page hides the sidebar');
  check(!shown.footer, 'printed, the news page hides the footer');
  check(shown.title && shown.lead && shown.byline, 'printed, the news page keeps its title, lead and byline');
  await ctx.close();
}

async function favicon(request) {
  const svg = await request.get(base + '/favicon.svg');
  check(svg.status() === 200 && svg.headers()['content-type'].startsWith('image/svg+xml'), `/favicon.svg is served as SVG (${svg.status()} ${svg.headers()['content-type']})`);
  check((await svg.text()).includes('<svg'), '/favicon.svg is an SVG image');
  const ico = await request.get(base + '/favicon.ico', { maxRedirects: 0 });
  check([301, 302, 307, 308].includes(ico.status()) && ico.headers().location === '/favicon.svg', `/favicon.ico redirects to /favicon.svg (${ico.status()} ${ico.headers().location})`);
}

async function screenshots(browser, pages) {
  fs.mkdirSync(shotsDir, { recursive: true });
  for (const width of WIDTHS) {
    const ctx = await newContext(browser, width);
    const page = await ctx.newPage();
    for (const [name, p] of pages) {
      await page.goto(base + p);
      const file = path.join(shotsDir, `public-${name}-${width}.png`);
      await page.screenshot({ path: file }); // what the screen shows first
      console.log(`  screenshot ${file}`);
    }
    await ctx.close();
  }
}

(async () => {
  const started = Date.now();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    console.log('The resident\'s walk');
    const ctx = await newContext(browser, 1366);
    const page = await ctx.newPage();
    // The walk stays on this server: any request elsewhere fails the run.
    const outside = [];
    await ctx.route(url => !url.href.startsWith(base + '/'), route => { outside.push(route.request().url()); return route.abort(); });
    const { newsPath, sessionPath, unitPath } = await readSessionNews(page);
    const { petitionPath, searchPath } = await searchPetition(page);
    const { directivePath, targetPath } = await readPetition(page, petitionPath);
    await switchLanguage(page, newsPath);
    const submitted = await submitPetition(page);
    await followTrackingPage(page, submitted);
    await seeStaffAnswer(browser, page, submitted);
    check(outside.length === 0, `the walk asked for nothing outside ${base} (${outside.join(', ')})`);
    await ctx.close();

    const pages = [
      { name: 'home', path: '/', status: 200 },
      { name: 'news', path: '/tin-tuc', status: 200 },
      { name: 'news page', path: newsPath, status: 200 },
      { name: 'session', path: sessionPath, status: 200 },
      { name: 'petitions', path: '/kien-nghi', status: 200 },
      { name: 'petition', path: petitionPath, status: 200 },
      { name: 'directive', path: directivePath, status: 200 },
      { name: 'unit', path: unitPath, status: 200 },
      { name: 'target', path: targetPath, status: 200 },
      { name: 'search', path: '/tim-kiem?q=nha+van+hoa', status: 200 },
      { name: 'petition form', path: '/kien-nghi/gui', status: 200 },
      { name: 'tracking form', path: '/kien-nghi/theo-doi', status: 200 },
      ...(submitted ? [{ name: 'tracking page', path: submitted.trackingPath, status: 200 }] : []),
      { name: 'not found', path: '/tin-tuc/999999-khong-co-tin-nay', status: 404 },
    ];
    console.log(`Every public page: size, scripts, axe-core (${TAGS.join(', ')}), 390 px layout`);
    const rctx = await browser.newContext();
    const request = rctx.request;
    for (const p of pages) await fetchPage(request, p);
    const counts = {};
    for (const lang of ['vi', 'en']) {
      for (const width of WIDTHS) {
        const actx = await newContext(browser, width, { bypassCSP: true }); // to inject axe; the test's context only
        const apage = await actx.newPage();
        if (lang === 'en') await apage.goto(base + '/lang/en'); // the language is the visitor's cookie
        for (const p of pages) {
          for (const v of await audit(apage, p, width, lang)) counts[v.id] = (counts[v.id] || 0) + v.nodes.length;
        }
        await actx.close();
      }
    }
    console.log(`  axe violations by rule (nodes, both widths, both languages): ${JSON.stringify(counts)}`);

    console.log('A clerk reviews a report at 390 px');
    await clerkReviewsAReport(browser);
    await badges(browser, request);
    console.log('Print, favicon');
    await printView(browser, newsPath);
    await favicon(request);
    await rctx.close();

    if (shotsDir) await screenshots(browser, [['home', '/'], ['news', newsPath], ['search', searchPath]]);
  } finally {
    await browser.close();
  }
  for (const s of skipped) console.log(`  SKIPPED (TODO) ${s}`);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`browser: ${passed} passed, ${failures.length} failed, ${skipped.length} skipped (${secs} s)`);
  process.exit(failures.length ? 1 : 0);
})().catch(e => {
  console.error(e);
  process.exit(1);
});
