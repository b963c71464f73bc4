// Writes docs/rules/<id>.md for every rule and the rules table in README.md, from the
// rules' meta (run `npm run docs` after changing a rule; a test fails when they are stale).
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { RULES } from '../dist/lint/rules/index.js';
import { ruleDoc, rulesTable } from '../dist/lint/rule-docs.js';

const dir = new URL('../docs/rules/', import.meta.url);
mkdirSync(dir, { recursive: true });
const wanted = new Set(RULES.map((r) => `${r.id}.md`));
for (const file of readdirSync(dir)) if (!wanted.has(file)) rmSync(new URL(file, dir));
for (const rule of RULES) writeFileSync(new URL(`${rule.id}.md`, dir), ruleDoc(rule));

const readme = new URL('../README.md', import.meta.url);
const text = readFileSync(readme, 'utf8');
const start = '<!-- rules:start -->';
const end = '<!-- rules:end -->';
const from = text.indexOf(start);
const to = text.indexOf(end);
if (from < 0 || to < 0) throw new Error(`README.md has no ${start} … ${end} markers`);
writeFileSync(readme, `${text.slice(0, from + start.length)}\n${rulesTable(RULES)}\n${text.slice(to)}`);
console.log(`${RULES.length} rules documented in docs/rules/ and README.md`);
