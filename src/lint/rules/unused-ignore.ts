import { defineRule } from '../types.js';

/** Reported by the review itself (`review.ts`), which alone sees the ignore comments. */
export default defineRule({
  id: 'unused-ignore',
  meta: {
    category: 'operations',
    severity: 'info',
    description: 'A `-- schemawise-ignore` comment that suppresses nothing, or names an unknown rule.',
    rationale: `An ignore that matches nothing hides nothing today and may hide a real finding later, when the
statement under it changes. A misspelt rule id suppresses nothing at all. Ignores name the rules they
silence; rules that are turned off in the config are not checked.`,
    invalid: [
      `-- schemawise-ignore prefer-timestamp -- flagged
CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamp);`,
    ],
    valid: [
      `-- schemawise-ignore prefer-timestamptz -- used when the rule is on, not checked when it is off
CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamp);`,
    ],
  },
  check() {},
});
