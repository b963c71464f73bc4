import { describe, expect, it } from 'vitest';
import { chooseName, columnsAddition, makeObjectName } from '../src/load/choose-name.js';

describe('PostgreSQL invented names', () => {
  it('joins table, columns and label', () => {
    expect(makeObjectName('users', 'email', 'key')).toBe('users_email_key');
    expect(makeObjectName('users', null, 'pkey')).toBe('users_pkey');
  });

  it('shortens the longer part until the name fits 63 bytes', () => {
    const name = makeObjectName('a'.repeat(40), 'b'.repeat(40), 'fkey');
    expect(name).toBe(`${'a'.repeat(29)}_${'b'.repeat(28)}_fkey`);
    expect(Buffer.byteLength(name)).toBe(63);
  });

  it('never cuts a multibyte character in half', () => {
    const name = makeObjectName('é'.repeat(40), null, 'pkey');
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    expect(name).toBe(`${'é'.repeat(29)}_pkey`);
  });

  it('appends a number when the name is taken', () => {
    const taken = new Set(['t_a_key', 't_a_key1']);
    expect(chooseName('t', 'a', 'key', (n) => taken.has(n))).toBe('t_a_key2');
    expect(columnsAddition(['a', 'b'])).toBe('a_b');
    // ChooseIndexColumnNames numbers a repeated column: (a, b) INCLUDE (b).
    expect(columnsAddition(['a', 'b', 'b', 'b'])).toBe('a_b_b1_b2');
  });
});
