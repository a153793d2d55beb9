// The working calendar and deadline arithmetic: listing days, setting and
// clearing holidays and 调休 workdays, and deadlines in office time
// (Asia/Shanghai, 08:30–12:00 and 14:00–17:30).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api } from '../lib/server.mjs';
import { assertError, qs, addDays, isoWeekday, daysBetween, stopClean } from './helpers.mjs';

let plain; // `linli init`: nothing stored
let demo;  // `linli init --demo`: 2026 and 2027 statutory holidays
before(async () => {
  [plain, demo] = await Promise.all([startServer(), startServer({ demo: true })]);
});
after(async () => {
  await Promise.all([plain?.stop(), demo?.stop()]);
});

const list = (s, from, to) => api(s, 'GET', `/api/v1/calendar?${qs({ from, to })}`);
const put = (s, date, body) => api(s, 'PUT', `/api/v1/calendar/${date}`, body);
const del = (s, date) => api(s, 'DELETE', `/api/v1/calendar/${date}`);
const deadline = (s, params) => api(s, 'GET', `/api/v1/calendar/deadline?${qs(params)}`);
const dayOf = async (s, date) => {
  const r = await list(s, date, date);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.days.length, 1);
  return r.body.days[0];
};
const defaultKind = (date) => (isoWeekday(date) >= 6 ? 'weekend' : 'workday');

describe('GET /api/v1/calendar', () => {
  test('a week with nothing stored has the default kinds', async () => {
    const r = await list(plain, '2026-11-16', '2026-11-22');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') || '', /^application\/json\b/);
    assert.equal(r.body.from, '2026-11-16');
    assert.equal(r.body.to, '2026-11-22');
    assert.deepEqual(r.body.days, [
      { date: '2026-11-16', kind: 'workday', name: '', working: true, weekday: 1 },
      { date: '2026-11-17', kind: 'workday', name: '', working: true, weekday: 2 },
      { date: '2026-11-18', kind: 'workday', name: '', working: true, weekday: 3 },
      { date: '2026-11-19', kind: 'workday', name: '', working: true, weekday: 4 },
      { date: '2026-11-20', kind: 'workday', name: '', working: true, weekday: 5 },
      { date: '2026-11-21', kind: 'weekend', name: '', working: false, weekday: 6 },
      { date: '2026-11-22', kind: 'weekend', name: '', working: false, weekday: 7 },
    ]);
  });

  test('a fresh database (no --demo) holds no holidays', async () => {
    const r = await list(plain, '2026-09-28', '2026-10-11');
    assert.equal(r.status, 200);
    for (const d of r.body.days) {
      assert.equal(d.kind, defaultKind(d.date), d.date);
      assert.equal(d.name, '', d.date);
    }
  });

  test('from = to gives one day', async () => {
    const r = await list(plain, '2026-02-28', '2026-02-28');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.days, [{ date: '2026-02-28', kind: 'weekend', name: '', working: false, weekday: 6 }]);
  });

  test('a range across a leap day lists every day once, in order', async () => {
    const r = await list(plain, '2028-02-27', '2028-03-02');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.days.map((d) => d.date), ['2028-02-27', '2028-02-28', '2028-02-29', '2028-03-01', '2028-03-02']);
    assert.deepEqual(r.body.days.map((d) => d.weekday), [7, 1, 2, 3, 4]);
  });

  test('400 days is the largest range; 401 is refused on "to"', async () => {
    const from = '2026-01-01';
    const to400 = addDays(from, 399);
    const r = await list(plain, from, to400);
    assert.equal(r.status, 200);
    assert.equal(r.body.days.length, 400);
    assert.equal(r.body.days[399].date, to400);
    for (const d of r.body.days) assert.equal(d.weekday, isoWeekday(d.date), d.date);
    assertError(await list(plain, from, addDays(from, 400)), 400, 'invalid', 'to');
    assertError(await list(plain, '2026-01-01', '2099-12-31'), 400, 'invalid', 'to');
  });

  test('from and to are required', async () => {
    assertError(await api(plain, 'GET', '/api/v1/calendar?to=2026-01-10'), 400, 'invalid', 'from');
    assertError(await api(plain, 'GET', '/api/v1/calendar?from=2026-01-10'), 400, 'invalid', 'to');
    const r = await api(plain, 'GET', '/api/v1/calendar');
    assertError(r, 400, 'invalid');
    assert.ok(['from', 'to'].includes(r.body.error.field), `field ${r.body.error.field}`);
  });

  test('bad dates are 400 naming the parameter', async () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-00-10', '2026-1-5', '20261001', '2026/10/01', 'today', '', '2026-10-01T00:00:00+08:00', '2025-02-29']) {
      assertError(await list(plain, bad, '2026-12-31'), 400, 'invalid', 'from', undefined);
      assertError(await list(plain, '2026-01-01', bad), 400, 'invalid', 'to', undefined);
    }
  });

  test('to before from is 400 on "to"', async () => {
    assertError(await list(plain, '2026-10-02', '2026-10-01'), 400, 'invalid', 'to');
  });

  test('demo data: 2026 National Day and its 调休', async () => {
    const r = await list(demo, '2026-09-19', '2026-10-11');
    assert.equal(r.status, 200);
    const by = Object.fromEntries(r.body.days.map((d) => [d.date, d]));
    assert.equal(r.body.days.length, 23);
    for (let d = '2026-10-01'; d <= '2026-10-07'; d = addDays(d, 1)) {
      assert.equal(by[d].kind, 'holiday', d);
      assert.equal(by[d].working, false, d);
      assert.ok(by[d].name.length > 0, `${d} has a name`);
    }
    assert.deepEqual({ ...by['2026-09-20'], name: undefined },
      { date: '2026-09-20', kind: 'adjusted_workday', working: true, weekday: 7, name: undefined });
    assert.deepEqual({ ...by['2026-10-10'], name: undefined },
      { date: '2026-10-10', kind: 'adjusted_workday', working: true, weekday: 6, name: undefined });
    assert.equal(by['2026-09-19'].kind, 'weekend');
    assert.equal(by['2026-10-11'].kind, 'weekend');
    assert.equal(by['2026-10-08'].kind, 'workday');
    assert.equal(by['2026-10-09'].kind, 'workday');
    assert.equal(by['2026-09-30'].kind, 'workday');
  });

  test('demo data: 2026 Spring Festival and its 调休', async () => {
    const r = await list(demo, '2026-02-13', '2026-03-01');
    assert.equal(r.status, 200);
    const by = Object.fromEntries(r.body.days.map((d) => [d.date, d]));
    for (let d = '2026-02-15'; d <= '2026-02-23'; d = addDays(d, 1)) {
      assert.equal(by[d].kind, 'holiday', d);
      assert.equal(by[d].working, false, d);
    }
    assert.equal(by['2026-02-14'].kind, 'adjusted_workday');
    assert.equal(by['2026-02-14'].working, true);
    assert.equal(by['2026-02-28'].kind, 'adjusted_workday');
    assert.equal(by['2026-02-28'].working, true);
    assert.equal(by['2026-02-13'].kind, 'workday');
    assert.equal(by['2026-02-24'].kind, 'workday');
    assert.equal(by['2026-03-01'].kind, 'weekend');
  });

  test('demo data covers 2027 too (at least its 13 statutory days)', async () => {
    const r = await list(demo, '2027-01-01', '2027-12-31');
    assert.equal(r.status, 200);
    assert.equal(r.body.days.length, 365);
    const holidays = new Set(r.body.days.filter((d) => d.kind === 'holiday').map((d) => d.date));
    // 全国年节及纪念日放假办法 (2024): 元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3,
    // on 2027's dates (除夕 Feb 5, 清明 Apr 5, 端午 Jun 9, 中秋 Sep 15)
    for (const d of ['2027-01-01', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-04-05',
      '2027-05-01', '2027-05-02', '2027-06-09', '2027-09-15', '2027-10-01', '2027-10-02', '2027-10-03']) {
      assert.ok(holidays.has(d), `${d} is a holiday`);
    }
  });
});

describe('PUT and DELETE /api/v1/calendar/{date}', () => {
  test('set a holiday on a weekday, read it back, overwrite, delete', async () => {
    const date = '2029-05-02'; // Wednesday
    assert.equal(isoWeekday(date), 3);
    const r = await put(plain, date, { kind: 'holiday', name: '国庆节' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { date, kind: 'holiday', name: '国庆节', working: false, weekday: 3 });
    assert.deepEqual(await dayOf(plain, date), r.body);

    const again = await put(plain, date, { kind: 'holiday', name: '劳动节' });
    assert.equal(again.status, 200);
    assert.equal(again.body.name, '劳动节');
    assert.deepEqual(await dayOf(plain, date), { date, kind: 'holiday', name: '劳动节', working: false, weekday: 3 });

    const d = await del(plain, date);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.deepEqual(d.body, { date, kind: 'workday', name: '', working: true, weekday: 3 });
    assert.deepEqual(await dayOf(plain, date), { date, kind: 'workday', name: '', working: true, weekday: 3 });
  });

  test('neighbouring days are untouched by a PUT', async () => {
    assert.equal((await put(plain, '2029-05-09', { kind: 'holiday', name: 'x' })).status, 200);
    const r = await list(plain, '2029-05-08', '2029-05-10');
    assert.deepEqual(r.body.days.map((d) => d.kind), ['workday', 'holiday', 'workday']);
    await del(plain, '2029-05-09');
  });

  test('name is optional and defaults to ""', async () => {
    const date = '2029-05-03';
    const r = await put(plain, date, { kind: 'holiday' });
    assert.equal(r.status, 200);
    assert.equal(r.body.name, '');
    assert.equal((await dayOf(plain, date)).name, '');
    await del(plain, date);
  });

  test('overwriting without a name clears the old name', async () => {
    const date = '2029-05-04';
    await put(plain, date, { kind: 'holiday', name: 'old' });
    const r = await put(plain, date, { kind: 'holiday' });
    assert.equal(r.status, 200);
    assert.equal(r.body.name, '');
    assert.equal((await dayOf(plain, date)).name, '');
    await del(plain, date);
  });

  test('name: 64 characters (Chinese) is accepted, 65 is refused', async () => {
    const date = '2029-05-07';
    const n64 = '节'.repeat(64);
    const r = await put(plain, date, { kind: 'holiday', name: n64 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.name, n64);
    assert.equal((await dayOf(plain, date)).name, n64);
    assertError(await put(plain, date, { kind: 'holiday', name: '节'.repeat(65) }), 400, 'invalid', 'name');
    assertError(await put(plain, date, { kind: 'holiday', name: 'a'.repeat(65) }), 400, 'invalid', 'name');
    assert.equal((await dayOf(plain, date)).name, n64, 'refused write left the old name');
    await del(plain, date);
  });

  test('kind is required and must be one of the four', async () => {
    const date = '2029-05-08';
    assertError(await put(plain, date, {}), 400, 'invalid', 'kind');
    assertError(await put(plain, date, { name: 'x' }), 400, 'invalid', 'kind');
    for (const kind of ['vacation', 'Holiday', 'HOLIDAY', '', 'holiday ', 'adjusted-workday']) {
      assertError(await put(plain, date, { kind }), 400, 'invalid', 'kind');
    }
    assertError(await put(plain, date, { kind: null }), 400, 'invalid', 'kind');
    assert.equal((await dayOf(plain, date)).kind, 'workday');
  });

  test('adjusted_workday only on a Saturday or Sunday', async () => {
    const r = await put(plain, '2029-05-09', { kind: 'adjusted_workday', name: '调休' });
    assertError(r, 422, 'unprocessable', 'kind');
    const sat = await put(plain, '2029-05-12', { kind: 'adjusted_workday', name: '调休上班' });
    assert.equal(isoWeekday('2029-05-12'), 6);
    assert.equal(sat.status, 200, JSON.stringify(sat.body));
    assert.deepEqual(sat.body, { date: '2029-05-12', kind: 'adjusted_workday', name: '调休上班', working: true, weekday: 6 });
    const sun = await put(plain, '2029-05-13', { kind: 'adjusted_workday' });
    assert.equal(sun.status, 200);
    assert.equal(sun.body.working, true);
    assert.equal(sun.body.weekday, 7);
    const d = await del(plain, '2029-05-12');
    assert.deepEqual(d.body, { date: '2029-05-12', kind: 'weekend', name: '', working: false, weekday: 6 });
    await del(plain, '2029-05-13');
  });

  test('weekend only on a Saturday or Sunday', async () => {
    assertError(await put(plain, '2029-05-10', { kind: 'weekend' }), 422, 'unprocessable', 'kind');
    const r = await put(plain, '2029-05-19', { kind: 'weekend', name: '' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.kind, 'weekend');
    assert.equal(r.body.working, false);
    await del(plain, '2029-05-19');
  });

  test('a holiday on a weekend day is allowed', async () => {
    const r = await put(plain, '2029-05-20', { kind: 'holiday', name: '周日节' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.kind, 'holiday');
    assert.equal(r.body.working, false);
    await del(plain, '2029-05-20');
  });

  test('a bad date in the path is 400 on "date"', async () => {
    for (const bad of ['2026-02-30', '2026-13-01', '20261001', 'notadate', '2026-1-1']) {
      assertError(await put(plain, bad, { kind: 'holiday' }), 400, 'invalid', 'date');
      assertError(await del(plain, bad), 400, 'invalid', 'date');
    }
  });

  test('demo holidays can be overridden and restored to the default', async () => {
    const r = await put(demo, '2026-10-07', { kind: 'holiday', name: '改名' });
    assert.equal(r.status, 200);
    assert.equal((await dayOf(demo, '2026-10-07')).name, '改名');
    // deleting a stored day returns it to its weekday default
    const d = await del(demo, '2026-10-07');
    assert.equal(d.status, 200);
    assert.deepEqual(d.body, { date: '2026-10-07', kind: 'workday', name: '', working: true, weekday: 3 });
    // put the demo holiday back so the deadline tests below see the shipped calendar
    assert.equal((await put(demo, '2026-10-07', { kind: 'holiday', name: '国庆节' })).status, 200);
  });
});

describe('GET /api/v1/calendar/deadline', () => {
  const hours = async (s, start, n) => {
    const r = await deadline(s, { start, working_hours: n });
    assert.equal(r.status, 200, `${start} + ${n}h: ${JSON.stringify(r.body)}`);
    return r;
  };
  const days = async (s, start, n) => {
    const r = await deadline(s, { start, working_days: n });
    assert.equal(r.status, 200, `${start} + ${n}d: ${JSON.stringify(r.body)}`);
    return r;
  };

  test('the response shape (working_hours)', async () => {
    const r = await hours(plain, '2026-11-20T16:00:00+08:00', 2);
    assert.match(r.headers.get('content-type') || '', /^application\/json\b/);
    assert.equal(r.body.deadline, '2026-11-23T09:00:00+08:00');
    assert.equal(r.body.working_hours, 2);
    assert.ok(!('working_days' in r.body));
    assert.equal(r.body.office_hours, '08:30-12:00,14:00-17:30');
    assert.equal(r.body.timezone, 'Asia/Shanghai');
    assert.equal(Date.parse(r.body.start), Date.parse('2026-11-20T16:00:00+08:00'));
  });

  test('the response shape (working_days)', async () => {
    const r = await days(plain, '2026-11-18T10:00:00+08:00', 1);
    assert.equal(r.body.deadline, '2026-11-19T17:30:00+08:00');
    assert.equal(r.body.working_days, 1);
    assert.ok(!('working_hours' in r.body));
    assert.equal(r.body.office_hours, '08:30-12:00,14:00-17:30');
    assert.equal(r.body.timezone, 'Asia/Shanghai');
  });

  test('demo: over National Day 2026', async () => {
    assert.equal((await hours(demo, '2026-09-30T16:00:00+08:00', 2)).body.deadline, '2026-10-08T09:00:00+08:00');
    assert.equal((await days(demo, '2026-09-30T10:00:00+08:00', 1)).body.deadline, '2026-10-08T17:30:00+08:00');
    // Oct 8 Thu, Oct 9 Fri, Oct 10 Sat (调休上班)
    assert.equal((await days(demo, '2026-09-30T10:00:00+08:00', 3)).body.deadline, '2026-10-10T17:30:00+08:00');
    // a start on a holiday begins on the next working day
    assert.equal((await hours(demo, '2026-10-03T10:00:00+08:00', 1)).body.deadline, '2026-10-08T09:30:00+08:00');
    // Sep 20 (Sunday) is a working day in the demo calendar
    assert.equal((await hours(demo, '2026-09-19T10:00:00+08:00', 1)).body.deadline, '2026-09-20T09:30:00+08:00');
  });

  test('demo: over Spring Festival 2026', async () => {
    // Fri Feb 13 16:00 + 2h: 1.5h on Feb 13, Sat Feb 14 is 调休上班 → 09:00
    assert.equal((await hours(demo, '2026-02-13T16:00:00+08:00', 2)).body.deadline, '2026-02-14T09:00:00+08:00');
    // Sat Feb 14 16:00 + 2h: Feb 15–23 holiday → Tue Feb 24 09:00
    assert.equal((await hours(demo, '2026-02-14T16:00:00+08:00', 2)).body.deadline, '2026-02-24T09:00:00+08:00');
  });

  test('no demo data: Friday afternoon + 2h ends Monday 09:00', async () => {
    assert.equal((await hours(plain, '2026-11-20T16:00:00+08:00', 2)).body.deadline, '2026-11-23T09:00:00+08:00');
    // the same instant in UTC gives the same deadline
    assert.equal((await hours(plain, '2026-11-20T08:00:00Z', 2)).body.deadline, '2026-11-23T09:00:00+08:00');
    assert.equal((await hours(plain, '2026-11-20T03:00:00-05:00', 2)).body.deadline, '2026-11-23T09:00:00+08:00');
    // and National Day is an ordinary Thursday without the demo calendar
    assert.equal((await hours(plain, '2026-09-30T16:00:00+08:00', 2)).body.deadline, '2026-10-01T09:00:00+08:00');
  });

  test('a start outside office hours begins at the next office period', async () => {
    assert.equal((await hours(plain, '2026-11-18T07:00:00+08:00', 1)).body.deadline, '2026-11-18T09:30:00+08:00');
    assert.equal((await hours(plain, '2026-11-18T12:30:00+08:00', 1)).body.deadline, '2026-11-18T15:00:00+08:00');
    assert.equal((await hours(plain, '2026-11-18T12:00:00+08:00', 1)).body.deadline, '2026-11-18T15:00:00+08:00');
    assert.equal((await hours(plain, '2026-11-18T18:00:00+08:00', 1)).body.deadline, '2026-11-19T09:30:00+08:00');
    assert.equal((await hours(plain, '2026-11-18T17:30:00+08:00', 1)).body.deadline, '2026-11-19T09:30:00+08:00');
    assert.equal((await hours(plain, '2026-11-21T10:00:00+08:00', 1)).body.deadline, '2026-11-23T09:30:00+08:00');
    // 23:30 UTC on Nov 17 is 07:30 on Nov 18 in Shanghai
    assert.equal((await hours(plain, '2026-11-17T23:30:00Z', 1)).body.deadline, '2026-11-18T09:30:00+08:00');
  });

  test('a limit ending exactly at a period end ends there', async () => {
    assert.equal((await hours(plain, '2026-11-18T08:30:00+08:00', 7)).body.deadline, '2026-11-18T17:30:00+08:00');
    assert.equal((await hours(plain, '2026-11-18T10:00:00+08:00', 2)).body.deadline, '2026-11-18T12:00:00+08:00');
    assert.equal((await hours(plain, '2026-11-18T10:30:00+08:00', 2)).body.deadline, '2026-11-18T14:30:00+08:00');
    assert.equal((await hours(plain, '2026-11-18T15:30:00+08:00', 2)).body.deadline, '2026-11-18T17:30:00+08:00');
    assert.equal((await hours(plain, '2026-11-18T09:00:00+08:00', 3)).body.deadline, '2026-11-18T12:00:00+08:00');
    assert.equal((await hours(plain, '2026-11-20T10:30:00+08:00', 5)).body.deadline, '2026-11-20T17:30:00+08:00');
  });

  test('seconds in the start are carried through', async () => {
    assert.equal((await hours(plain, '2026-11-18T09:15:42+08:00', 1)).body.deadline, '2026-11-18T10:15:42+08:00');
  });

  test('multi-day working_hours', async () => {
    // 7 working hours a day: 14h from Mon 08:30 is Tue 17:30; 15h is Wed 09:30
    assert.equal((await hours(plain, '2026-11-16T08:30:00+08:00', 14)).body.deadline, '2026-11-17T17:30:00+08:00');
    assert.equal((await hours(plain, '2026-11-16T08:30:00+08:00', 15)).body.deadline, '2026-11-18T09:30:00+08:00');
    // 35h = one full working week from Mon 08:30 → Fri 17:30
    assert.equal((await hours(plain, '2026-11-16T08:30:00+08:00', 35)).body.deadline, '2026-11-20T17:30:00+08:00');
  });

  test('working_days counts from the day after the start', async () => {
    assert.equal((await days(plain, '2026-11-18T10:00:00+08:00', 3)).body.deadline, '2026-11-23T17:30:00+08:00');
    assert.equal((await days(plain, '2026-11-21T10:00:00+08:00', 1)).body.deadline, '2026-11-23T17:30:00+08:00');
    assert.equal((await days(plain, '2026-11-18T20:00:00+08:00', 1)).body.deadline, '2026-11-19T17:30:00+08:00');
    assert.equal((await days(plain, '2026-11-16T07:00:00+08:00', 5)).body.deadline, '2026-11-23T17:30:00+08:00');
  });

  test('the largest limits are accepted', async () => {
    // no holidays stored: 2000h = 285 days of 7h (57 weeks) + 5h on the 286th working day
    const h = await hours(plain, '2026-11-16T08:30:00+08:00', 2000);
    assert.equal(h.body.deadline, `${addDays('2026-11-16', 57 * 7)}T15:30:00+08:00`);
    assert.equal(h.body.deadline, '2027-12-20T15:30:00+08:00');
    // 366 working days after a Monday: 73 weeks to a Monday, then one more day
    const d = await days(plain, '2026-11-16T08:30:00+08:00', 366);
    assert.equal(d.body.deadline, `${addDays('2026-11-16', 73 * 7 + 1)}T17:30:00+08:00`);
  });

  test('a start without a zone, or missing, or malformed, is 400 on "start"', async () => {
    for (const start of ['2026-11-18T10:00:00', '2026-11-18 10:00:00+08:00', '2026-11-18', 'tomorrow', '', '2026-02-30T10:00:00+08:00', '2026-11-18T25:00:00+08:00']) {
      assertError(await deadline(plain, { start, working_hours: 1 }), 400, 'invalid', 'start');
    }
    assertError(await deadline(plain, { working_hours: 1 }), 400, 'invalid', 'start');
  });

  test('exactly one of working_hours and working_days', async () => {
    const start = '2026-11-18T10:00:00+08:00';
    assertError(await deadline(plain, { start }), 400, 'invalid', 'working_hours');
    assertError(await deadline(plain, { start, working_hours: 1, working_days: 1 }), 400, 'invalid', 'working_hours');
  });

  test('limits on working_hours and working_days', async () => {
    const start = '2026-11-18T10:00:00+08:00';
    for (const n of ['0', '-1', '2001', '1.5', 'abc', '', '99999999999999999999']) {
      assertError(await deadline(plain, { start, working_hours: n }), 400, 'invalid', 'working_hours');
    }
    for (const n of ['0', '-1', '367', '2.5', 'x', '']) {
      assertError(await deadline(plain, { start, working_days: n }), 400, 'invalid', 'working_days');
    }
  });

  test('a holiday set by PUT moves a deadline computed afterwards', async () => {
    const start = '2031-03-04T16:00:00+08:00'; // Tuesday
    assert.equal(isoWeekday('2031-03-04'), 2);
    assert.equal((await hours(plain, start, 2)).body.deadline, '2031-03-05T09:00:00+08:00');
    assert.equal((await put(plain, '2031-03-05', { kind: 'holiday', name: '临时休假' })).status, 200);
    assert.equal((await hours(plain, start, 2)).body.deadline, '2031-03-06T09:00:00+08:00');
    assert.equal((await days(plain, start, 1)).body.deadline, '2031-03-06T17:30:00+08:00');
    assert.equal((await del(plain, '2031-03-05')).status, 200);
    assert.equal((await hours(plain, start, 2)).body.deadline, '2031-03-05T09:00:00+08:00');
  });

  test('an adjusted workday set by PUT is worked', async () => {
    const start = '2031-03-07T16:00:00+08:00'; // Friday
    assert.equal(isoWeekday('2031-03-07'), 5);
    assert.equal((await hours(plain, start, 2)).body.deadline, '2031-03-10T09:00:00+08:00');
    assert.equal((await put(plain, '2031-03-08', { kind: 'adjusted_workday', name: '调休上班' })).status, 200);
    assert.equal((await hours(plain, start, 2)).body.deadline, '2031-03-08T09:00:00+08:00');
    assert.equal((await days(plain, start, 1)).body.deadline, '2031-03-08T17:30:00+08:00');
    assert.equal((await del(plain, '2031-03-08')).status, 200);
    assert.equal((await hours(plain, start, 2)).body.deadline, '2031-03-10T09:00:00+08:00');
  });

  test('a long run of holidays is skipped', async () => {
    // Mark 20 consecutive weekdays as holidays and check the deadline jumps past them.
    let d = '2032-06-01';
    const marked = [];
    while (marked.length < 20) {
      if (isoWeekday(d) <= 5) {
        assert.equal((await put(plain, d, { kind: 'holiday', name: 'long' })).status, 200);
        marked.push(d);
      }
      d = addDays(d, 1);
    }
    const last = marked[marked.length - 1];
    let next = addDays(last, 1);
    while (isoWeekday(next) > 5) next = addDays(next, 1);
    assert.ok(daysBetween('2032-06-01', next) >= 28);
    assert.equal((await hours(plain, '2032-06-01T08:00:00+08:00', 1)).body.deadline, `${next}T09:30:00+08:00`);
    for (const m of marked) await del(plain, m);
  });
});

test('the servers shut down cleanly (exit 0, no sanitizer report)', async () => {
  await stopClean(plain);
  await stopClean(demo);
});
