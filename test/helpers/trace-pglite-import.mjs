// Registered with `node --import`: reports on stderr when anything resolves the embedded
// engine's package, so a test can prove a command never loads it.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(specifier, context, next) {
  if (specifier.includes('@electric-sql/pglite')) process.stderr.write('pglite imported\\n');
  return next(specifier, context);
}`),
);
