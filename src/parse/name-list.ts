/** The strings of a parse-tree name list (`[{ String: { sval } }, ...]`): `['sales', 'orders']`. */
export function nameList(list: any[] | undefined): string[] {
  return (list ?? []).map((n: any) => n.String?.sval ?? '');
}

/** The last name of such a list (`collate "C"` → `C`, `pg_catalog.text_ops` → `text_ops`). */
export function lastName(list: any[] | undefined): string | undefined {
  const names = nameList(list);
  return names.length ? names[names.length - 1] : undefined;
}
