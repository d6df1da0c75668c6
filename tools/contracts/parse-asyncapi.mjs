// Parses docs/api/asyncapi.yaml with @asyncapi/parser (the AsyncAPI Initiative's own parser,
// which validates against the spec's JSON Schema and runs its Spectral rules). Prints every
// diagnostic; exits 1 when any is an error (warnings are printed: README "Contracts" lists the
// two left, contact and license, which this repository has nothing to fill in with).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Parser, fromFile } from '@asyncapi/parser';

const severities = ['error', 'warning', 'info', 'hint'];
const file = resolve(process.argv[2] ?? 'docs/api/asyncapi.yaml');
await readFile(file);  // a missing file fails here with its name, not deep in the parser

const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, file).parse();
const counts = { error: 0, warning: 0, info: 0, hint: 0 };
for (const d of diagnostics) {
  const severity = severities[d.severity] ?? 'error';
  counts[severity] += 1;
  const where = d.range ? `${d.range.start.line + 1}:${d.range.start.character + 1}` : '?';
  console.log(`  ${where} ${severity} ${d.code}: ${d.message} (at /${d.path.join('/')})`);
}
console.log(`asyncapi: ${file}: ${counts.error} errors, ${counts.warning} warnings, ` +
            `${counts.info + counts.hint} notes`);
process.exit(document && counts.error === 0 ? 0 : 1);
