/** dbmate's block markers; options may follow (`-- migrate:up transaction:false`). */
const DIRECTIVE = /^--\s*migrate:(up|down)\b/;
const UP_DIRECTIVE = /^--\s*migrate:up\b/m;

export function hasDbmateUpDirective(text: string): boolean {
  return UP_DIRECTIVE.test(text);
}

/**
 * The `-- migrate:up` block of a dbmate migration. Every other line (the markers, the down
 * block, anything before the first marker) is emptied rather than removed, so a statement
 * keeps its line and column from the file and locations point into the file the user has.
 */
export function dbmateUpSection(text: string): string {
  let inUp = false;
  return text
    .split('\n')
    .map((line) => {
      const directive = DIRECTIVE.exec(line);
      if (directive) {
        inUp = directive[1] === 'up';
        return '';
      }
      return inUp ? line : '';
    })
    .join('\n');
}
