/** What a design decision is about: DESIGN.md groups them by topic. */
export type DecisionTopic = 'naming' | 'keys' | 'types' | 'integrity' | 'relationships' | 'enums' | 'normalization' | 'denormalization' | 'indexes' | 'partitioning' | 'sizing' | 'operations' | 'scale-out';

/** One decision of a design, with why, and what it costs. */
export interface Decision {
  topic: DecisionTopic;
  /** What it is about: `orders`, `orders.total`, `customers ↔ orders`. */
  subject: string;
  /** What was chosen, in a few words: `bigint GENERATED ALWAYS AS IDENTITY`. */
  choice: string;
  reason: string;
  /** What the choice gives up, when something. */
  tradeoff?: string;
  /** The spec path it follows from (DESIGN.md cites its line). */
  from?: (string | number)[];
}

/** A smell in the requirements (3NF, repeating groups…): reported, not fixed. */
export interface DesignWarning {
  subject: string;
  message: string;
  from?: (string | number)[];
}
