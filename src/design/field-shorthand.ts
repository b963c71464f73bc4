import { SchemawiseError } from '../errors.js';

type FieldValue = string | Record<string, unknown>;

/**
 * Fields as `schemawise init` takes them on one line: `email:email! name:text
 * status:enum(active,closed)=active customer:ref(customer) note:text?` — `!` unique, `?` optional,
 * `=value` a default, `enum(…)` its values, `ref(entity)` a reference. The spec's form of each.
 */
export function parseFieldShorthand(line: string): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const item of line.trim().split(/\s+(?![^(]*\))/).filter(Boolean)) {
    const m = /^([a-z][a-z0-9_]*):([a-z\[\]]+)(?:\(([^)]*)\))?([!?]*)(?:=(.+))?$/.exec(item);
    if (!m) throw new SchemawiseError(`"${item}" is not name:type (examples: email:email!, total:money, status:enum(open,closed)=open, customer:ref(customer), note:text?)`);
    const [, name, type, args, flags, def] = m;
    const field: Record<string, unknown> = {};
    if (type === 'enum') field.enum = (args ?? '').split(',').map((v) => v.trim()).filter(Boolean);
    else if (type === 'ref') field.ref = (args ?? '').trim();
    else field.type = type;
    if (flags.includes('!')) field.unique = true;
    if (flags.includes('?')) field.optional = true;
    if (def !== undefined) field.default = /^-?\d+(\.\d+)?$/.test(def) ? Number(def) : def === 'true' || def === 'false' ? def === 'true' : def;
    out[name] = Object.keys(field).length === 1 && field.type ? (field.type as string) : field;
  }
  return out;
}
