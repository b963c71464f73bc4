// Writes docs/rules/<id>.md for every rule (review's and migrate lint's) and the two rule tables
// in README.md, from the rules' meta (run `npm run docs` after changing a rule; tests fail when
// they are stale).
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { MIGRATION_RULES } from '../dist/lint/migration-rules/index.js';
import { RULES } from '../dist/lint/rules/index.js';
import { migrationRulesTable, ruleDoc, rulesTable } from '../dist/lint/rule-docs.js';

const all = [...RULES, ...MIGRATION_RULES];
const dir = new URL('../docs/rules/', import.meta.url);
mkdirSync(dir, { recursive: true });
const wanted = new Set(all.map((r) => `${r.id}.md`));
for (const file of readdirSync(dir)) if (!wanted.has(file)) rmSync(new URL(file, dir));
for (const rule of all) writeFileSync(new URL(`${rule.id}.md`, dir), ruleDoc(rule));

const readme = new URL('../README.md', import.meta.url);
let text = readFileSync(readme, 'utf8');
for (const [name, table] of [['rules', rulesTable(RULES)], ['migration-rules', migrationRulesTable(MIGRATION_RULES)]]) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`README.md has no ${start} … ${end} markers`);
  text = `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`;
}
writeFileSync(readme, text);
console.log(`${RULES.length} review rules and ${MIGRATION_RULES.length} migration rules documented in docs/rules/ and README.md`);
