import { expect, it } from 'vitest';
import { isPlural, isSingular, pluralize, singularize } from '../src/lint/inflect.js';
it('singularizes and pluralizes table names both ways, and tells which they are', () => {
  const pairs = [['customer','customers'],['address','addresses'],['category','categories'],['status','statuses'],['order_item','order_items'],['person','people'],['box','boxes'],['bus','buses'],['class','classes'],['key','keys'],['inventory','inventory'],['match','matches'],['analysis','analyses'],['movie','movies'],['cookie','cookies'],['cache','caches'],['wolf','wolves'],['hero','heroes'],['alias','aliases'],['index','indexes'],['company','companies'],['purchase','purchases'],['house','houses'],['course','courses'],['cause','causes'],['license','licenses'],['response','responses'],['bonus','bonuses']];
  for (const [s,p] of pairs) { expect(pluralize(s)).toBe(p); expect(singularize(p)).toBe(s); expect(isPlural(p)).toBe(true); }
  expect(isPlural('histories') && isPlural('history')).toBe(true);
  for (const [s,p] of pairs) if (s!==p) { expect(isSingular(s)).toBe(true); expect(isPlural(s), s).toBe(false); }
});
