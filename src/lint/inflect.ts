/**
 * English singular/plural for snake_case table names: enough for naming rules and for
 * matching `customer_id` to `customers`; irregular words are listed, not guessed.
 * Only the last word of a snake_case name is inflected (`order_item` → `order_items`).
 */
const IRREGULAR: Record<string, string> = {
  person: 'people', child: 'children', man: 'men', woman: 'women', mouse: 'mice', goose: 'geese',
  foot: 'feet', tooth: 'teeth', ox: 'oxen', criterion: 'criteria', phenomenon: 'phenomena',
  datum: 'data', medium: 'media', index: 'indexes', matrix: 'matrices', vertex: 'vertices',
  analysis: 'analyses', axis: 'axes', crisis: 'crises', thesis: 'theses', leaf: 'leaves',
  life: 'lives', knife: 'knives', wife: 'wives', half: 'halves', shelf: 'shelves', quiz: 'quizzes',
  wolf: 'wolves', calf: 'calves', thief: 'thieves', loaf: 'loaves',
  // -ie and -che words: the general rules would give movy, cach
  movie: 'movies', cookie: 'cookies', zombie: 'zombies', calorie: 'calories', rookie: 'rookies', tie: 'ties', pie: 'pies',
  cache: 'caches', niche: 'niches', avalanche: 'avalanches',
  hero: 'heroes', potato: 'potatoes', tomato: 'tomatoes', echo: 'echoes', veto: 'vetoes',
  alias: 'aliases', canvas: 'canvases', gas: 'gases', atlas: 'atlases',
};
const IRREGULAR_SINGULAR = Object.fromEntries(Object.entries(IRREGULAR).map(([s, p]) => [p, s]));
/** Same in both numbers, or mass nouns a table is commonly named after. */
const UNCOUNTABLE = new Set([
  'sheep', 'fish', 'deer', 'series', 'species', 'news', 'information', 'equipment', 'metadata',
  'feedback', 'inventory', 'staff', 'audit', 'history', 'settings', 'software', 'data', 'media',
]);

function splitLast(name: string): [string, string] {
  const i = name.lastIndexOf('_');
  return i < 0 ? ['', name] : [name.slice(0, i + 1), name.slice(i + 1)];
}

function pluralWord(w: string): string {
  const lower = w.toLowerCase();
  if (UNCOUNTABLE.has(lower) || IRREGULAR_SINGULAR[lower]) return w;
  if (IRREGULAR[lower]) return IRREGULAR[lower];
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${w}es`;
  if (/[^aeiou]y$/.test(lower)) return `${w.slice(0, -1)}ies`;
  return `${w}s`;
}

function singularWord(w: string): string {
  const lower = w.toLowerCase();
  if (UNCOUNTABLE.has(lower) || IRREGULAR[lower]) return w;
  if (IRREGULAR_SINGULAR[lower]) return IRREGULAR_SINGULAR[lower];
  if (/[^aeiou]ies$/.test(lower)) return `${w.slice(0, -3)}y`;
  // houses, courses, causes keep their e; statuses, bonuses, campuses do not.
  if (/(ous|urs|aus|ens|ons)es$/.test(lower)) return w.slice(0, -1);
  if (/(ss|x|z|ch|sh|us)es$/.test(lower)) return w.slice(0, -2);
  if (/(ss|us|is)$/.test(lower)) return w;
  if (lower.endsWith('s')) return w.slice(0, -1);
  return w;
}

export function pluralize(name: string): string {
  const [head, last] = splitLast(name);
  return head + pluralWord(last);
}

export function singularize(name: string): string {
  const [head, last] = splitLast(name);
  return head + singularWord(last);
}

/** Whether the last word reads as plural (or has no number: `inventory`, `staff`). */
export function isPlural(name: string): boolean {
  const [, last] = splitLast(name);
  const lower = last.toLowerCase();
  const singular = singularWord(lower);
  return UNCOUNTABLE.has(lower) || (singular !== lower && (pluralWord(singular) === lower || UNCOUNTABLE.has(singular)));
}

export function isSingular(name: string): boolean {
  const [, last] = splitLast(name);
  const lower = last.toLowerCase();
  return UNCOUNTABLE.has(lower) || singularWord(lower) === lower;
}
