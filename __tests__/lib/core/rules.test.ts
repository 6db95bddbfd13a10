import { emailDomainProblem, lifecycleConflicts, MIN_REASON_LENGTH, pathRegexProblem, reasonProblem, serviceProblem, zoneProblem } from '../../../lib/core/rules';

describe('pathRegexProblem: route paths are checked with a real RE2 engine (re2js), as cloudflared compiles them', () => {
  test.each(['^/api/.*', '^/(a|b)/v[0-9]+$', '(?P<id>[0-9]+)', '(?i)^/admin', '[[:alpha:]]+', '\\pL', '^/x\\z'])('accepts %s', (path) => {
    expect(pathRegexProblem(path)).toBeUndefined();
  });

  test.each([
    ['^/admin\\Z', 'invalid escape sequence: `\\Z`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['^/[a-\\d]', 'invalid escape sequence: `\\d`'],
    ['\\C', 'invalid escape sequence: `\\C`'],
  ])('refuses %s, which javascript accepts but re2 does not (%s)', (path, why) => {
    expect(pathRegexProblem(path)).toBe(`must be a regular expression that go regexp (re2) accepts: ${why}`);
  });

  test('keeps the clearer messages for lookaround and backreferences, and the plain one for text that is no regular expression', () => {
    expect(pathRegexProblem('^/(?!admin)')).toContain('must not use lookahead or lookbehind');
    expect(pathRegexProblem('(a)\\1')).toContain('must not use backreferences');
    expect(pathRegexProblem('^/api/(')).toBe('must be a valid regular expression');
  });
});

describe('other rules of issue 14', () => {
  test('a zone is never a wildcard', () => {
    expect(zoneProblem('*.example.com')).toBe('must be the zone apex, such as example.com, not a wildcard');
    expect(zoneProblem('example.com')).toBeUndefined();
  });

  test('an email domain is a plain domain', () => {
    expect(emailDomainProblem('example.com')).toBeUndefined();
    expect(emailDomainProblem('mail.example.com')).toBeUndefined();
    for (const d of ['*.example.com', '@example.com', 'https://example.com', 'Example.com']) expect(emailDomainProblem(d)).toBeDefined();
  });

  test('an origin URL never carries a user or password', () => {
    expect(serviceProblem('http://admin:pass@localhost:3000')).toContain('must not carry a user or password');
    expect(serviceProblem('http://admin@localhost:3000')).toContain('must not carry a user or password');
    expect(serviceProblem('http://localhost:3000')).toBeUndefined();
  });
});

describe('one rule each (issue 16)', () => {
  test('reasonProblem: a string with at least 10 characters of text; anything else is refused', () => {
    expect(reasonProblem('public on purpose')).toBeUndefined();
    expect(reasonProblem(' 123456789 ')).toBe(`must give a reason of at least ${MIN_REASON_LENGTH} characters`);
    expect(reasonProblem(undefined)).toBeDefined();
    expect(reasonProblem(42)).toBeDefined();
  });

  test('lifecycleConflicts: transition before deletion, deletion not before the lock, retirement shorter than the lock', () => {
    expect(lifecycleConflicts({ deleteAfterDays: 90, transitionAfterDays: 30, lockRetainDays: 30 })).toEqual({});
    expect(lifecycleConflicts({ deleteAfterDays: 30, transitionAfterDays: 30 })).toEqual({ transitionNotBeforeDelete: 30 });
    expect(lifecycleConflicts({ deleteAfterDays: 29, lockRetainDays: 30 })).toEqual({ deleteBeforeLock: 29 });
    expect(lifecycleConflicts({ deleteAfterDays: 30, lockRetainDays: 30 })).toEqual({});
    expect(lifecycleConflicts({ lockRetainDays: 30, retiredRetainDays: 10 })).toEqual({ retirementBeforeLock: 10 });
    expect(lifecycleConflicts({ retiredRetainDays: 10 })).toEqual({});
  });

  test('serviceProblem: a host and port after the scheme', () => {
    expect(serviceProblem('http://[::1]:8080')).toBeUndefined();
    expect(serviceProblem('http://local host')).toBe('must name a host and optional port');
    expect(serviceProblem('http://localhost:70000')).toBe('port must be from 1 to 65535');
  });
});
