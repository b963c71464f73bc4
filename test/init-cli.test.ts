/**
 * `schemawise init` (the built CLI): the requirements questions answered on stdin (piped, one
 * answer per line), the spec it writes, checked as design reads it, and its refusals.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFieldShorthand } from '../src/design/field-shorthand.js';
import { runCli } from './helpers/run-cli.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'schemawise-init-'));

/** Answers in the order of the questions: project, version, workload, reads per write, consistency, tenancy, then entities… */
const SHOP_ANSWERS = [
  'shop', '', 'oltp', '20', 'strong', '',
  'customer', '2M', '100k/month', 'yes', 'email:email! full_name:text status:enum(active,closed)=active',
  'order', '40M', '3M/month', '', 'customer:ref(customer) total:money placed_at:timestamp',
  'product', '50k', '', '', 'sku:text! name:text price:money',
  'category', '500', '', '', 'name:text!',
  '',
  'product-category',
  'order history', 'SELECT id, total FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20', '300',
  '',
].join('\n');

describe('schemawise init', () => {
  it('writes the spec the answers describe, which design then reads', () => {
    const dir = tmp();
    const r = runCli(['init', '--out', 'shop.yaml'], dir, 60_000, `${SHOP_ANSWERS}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('wrote shop.yaml: 4 entities, 1 query; next: schemawise design shop.yaml --out design/\n');
    expect(r.stderr).toContain('Project name (snake_case) [app]: ');
    const spec = readFileSync(path.join(dir, 'shop.yaml'), 'utf8');
    expect(spec).toContain('  customer:\n    rows: 2M\n    growth: 100k/month\n    ids: exposed\n    fields:\n      email:\n        type: email\n        unique: true\n');
    expect(spec).toContain('relationships:\n  - many: product\n    to_many: category\n');
    const design = runCli(['design', 'shop.yaml', '--out', 'design', '-q'], dir);
    expect(design.stderr).toBe('');
    expect(design.code).toBe(0);
  }, 120_000);

  it('the end of input takes the defaults; a field line it cannot read is asked again', () => {
    const dir = tmp();
    const r = runCli(['init'], dir, 60_000, ['', '', '', '', '', '', 'note', '', '', '', 'body', 'body:text title:text?'].join('\n'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('  "body" is not name:type');
    const spec = readFileSync(path.join(dir, 'spec.yaml'), 'utf8');
    expect(spec).toContain('name: app\npostgres: 16\nworkload:\n  type: oltp\n  reads_per_write: 10\n  consistency: strong\n');
    expect(spec).toContain('  note:\n    fields:\n      body: text\n      title:\n        type: text\n        optional: true\n');
  });

  it('refuses to overwrite a spec, to write one without entities, and to write an invalid one', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'spec.yaml'), 'mine');
    const exists = runCli(['init'], dir, 60_000, '');
    expect(exists.code).toBe(2);
    expect(exists.stderr).toBe('error: spec.yaml exists: --force to overwrite it, or --out another file\n');
    expect(readFileSync(path.join(dir, 'spec.yaml'), 'utf8')).toBe('mine');
    const empty = runCli(['init', '--out', 'empty.yaml'], dir, 60_000, '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/error: no entity given: nothing to write\n$/);
    const invalid = runCli(['init', '--out', 'bad.yaml'], dir, 60_000, ['x', '', '', '', '', '', 'order', '', '', '', 'customer:ref(custmer)', ''].join('\n'));
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/bad\.yaml:\d+:\d+: entities\.order\.fields\.customer\.ref: unknown entity "custmer"\n$/);
    expect(existsSync(path.join(dir, 'bad.yaml'))).toBe(false);
  });
});

describe('the one-line field syntax', () => {
  it('types, unique, optional, defaults, enums and refs', () => {
    expect(parseFieldShorthand('email:email! note:text? status:enum(open, closed)=open qty:integer=1 paid:boolean=false customer:ref(customer)')).toEqual({
      email: { type: 'email', unique: true },
      note: { type: 'text', optional: true },
      status: { enum: ['open', 'closed'], default: 'open' },
      qty: { type: 'integer', default: 1 },
      paid: { type: 'boolean', default: false },
      customer: { ref: 'customer' },
    });
  });
});
