import t from 'tap';
import { logLineTime } from '../../src/evidence/log-time.js';

t.test('ISO times: Python asctime, T and zones', async (t) => {
  t.equal(logLineTime('2026-11-30 04:55:01,123 ERROR boom'), new Date(2026, 10, 30, 4, 55, 1, 123).getTime(), 'no zone: local time');
  t.equal(logLineTime('2026-11-30T04:55:01.5Z something'), Date.UTC(2026, 10, 30, 4, 55, 1, 500));
  t.equal(logLineTime('2026-11-30 04:55:01 UTC [123] ERROR'), Date.UTC(2026, 10, 30, 4, 55, 1));
  t.equal(logLineTime('2026-11-30T06:55:01+02:00 x'), Date.UTC(2026, 10, 30, 4, 55, 1));
  t.equal(logLineTime('[2026-11-30 04:55:01-0130] x'), Date.UTC(2026, 10, 30, 6, 25, 1));
});

t.test('access-log times anywhere on the first line', async (t) => {
  t.equal(logLineTime('127.0.0.1 - - [30/Nov/2026:04:55:01 +0000] "GET / HTTP/1.1" 500'), Date.UTC(2026, 10, 30, 4, 55, 1));
  t.equal(logLineTime('[30/Nov/2026 04:55:01] "GET /@alice/ HTTP/1.1" 500 145'), new Date(2026, 10, 30, 4, 55, 1).getTime(), 'Django runserver, local time');
});

t.test('no time, or an impossible one: undefined', async (t) => {
  t.equal(logLineTime('Traceback (most recent call last):'), undefined);
  t.equal(logLineTime('2026-13-01 00:00:00 x'), undefined, 'month 13');
  t.equal(logLineTime('2026-11-30 25:00:00 x'), undefined, 'hour 25');
  t.equal(logLineTime('[30/Foo/2026:04:55:01 +0000]'), undefined, 'no such month');
});
