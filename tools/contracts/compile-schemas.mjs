// Compiles every JSON Schema of the repository (*.schema.json outside build folders and
// node_modules) with Ajv in strict mode: unknown keywords, keywords that do nothing for the
// type they sit on, unions of types, a `required` property the schema never defines, ignored
// tuple items, all throw instead of being silently ignored. Each schema is compiled with the
// Ajv class of its own $schema draft, after every schema was added (so cross-file $refs by
// $id resolve). Exits 1 when any schema fails, naming it and the finding.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019.js';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

// A folder to search, or one schema file (the canary check-contracts.sh expects refused).
const target = resolve(process.argv[2] ?? '.');
const skipped = new Set(['node_modules', '.git']);

function findSchemas(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipped.has(entry.name) || entry.name.startsWith('build')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findSchemas(path));
    else if (entry.name.endsWith('.schema.json')) found.push(path);
  }
  return found.sort();
}

const draftClasses = {
  'http://json-schema.org/draft-07/schema': Ajv,
  'https://json-schema.org/draft/2019-09/schema': Ajv2019,
  'https://json-schema.org/draft/2020-12/schema': Ajv2020,
};

// Strict-mode checks relaxed for one schema each, where what Ajv flags is meant (README
// "Contracts" lists them). Everything else stays strict.
const allowances = {
  // `type: [...]` unions on purpose: stop_seq is a string or a number, as CRMs send it.
  'gateway/api/work-order.schema.json': { allowUnionTypes: true },
  // `type: [...]` union on purpose: a field's `const` is a string, number or boolean.
  'adapters/mapping.schema.json': { allowUnionTypes: true },
  // `required` names the catalog's mandatory codes, map keys whose values additionalProperties
  // types (the codes are not listed in `properties`, which would exempt them from that schema).
  'gateway/catalog/standard-codes.schema.json': { strictRequired: false },
};

function ajvFor(draft, name) {
  const AjvClass = draftClasses[(draft ?? '').replace(/#$/, '')];
  if (!AjvClass) return null;
  const ajv = new AjvClass({ strict: true, allErrors: true, ...allowances[name] });
  addFormats(ajv);
  return ajv;
}

const isFile = statSync(target).isFile();
const root = isFile ? dirname(target) : target;
const files = isFile ? [target] : findSchemas(target);
const schemas = files.map((file) => ({ file, schema: JSON.parse(readFileSync(file, 'utf8')) }));
let failed = 0;
for (const { file, schema } of schemas) {
  const name = relative(root, file);
  const ajv = ajvFor(schema.$schema, name);
  if (!ajv) {
    console.log(`  ${name}: unsupported or missing $schema ${JSON.stringify(schema.$schema)}`);
    failed += 1;
    continue;
  }
  try {
    for (const other of schemas) {
      if (other.schema !== schema && other.schema.$id && other.schema.$schema === schema.$schema)
        ajv.addSchema(other.schema);
    }
    ajv.compile(schema);
    console.log(`  ${name}: ok (${schema.$schema})`);
  } catch (error) {
    console.log(`  ${name}: ${error.message}`);
    failed += 1;
  }
}
console.log(`json schemas: ${files.length} compiled in strict mode, ${failed} failed`);
process.exit(failed === 0 && files.length > 0 ? 0 : 1);
