'use strict';
// The generated .d.ts files name only types they declare or import: a type
// renamed in Go but not in the declarations would leave editors with "any".
// (tsc --strict checks the same; it is not assumed to be installed.)
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, '..', 'generated', 'js');
const builtins = new Set(['string', 'number', 'boolean', 'any', 'unknown', 'void', 'null', 'never', 'readonly',
  'Promise', 'Partial', 'Record', 'Error', 'Array', 'ReadonlyArray', 'true', 'false', 'undefined', 'typeof']);

for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.d.ts'))) {
  test(file + ' declares or imports every type it uses', () => {
    const src = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\/\*\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const declared = new Set();
    for (const m of src.matchAll(/export (?:interface|type) (\w+)/g)) declared.add(m[1]);
    for (const m of src.matchAll(/import type \{([^}]*)\} from '\.\/(\w+)'/g)) {
      const from = fs.readFileSync(path.join(dir, m[2] + '.d.ts'), 'utf8');
      for (const name of m[1].split(',').map((s) => s.trim())) {
        assert.match(from, new RegExp('export (interface|type) ' + name + '\\b'), name + ' is not exported by ' + m[2]);
        declared.add(name);
      }
    }
    // Type positions: after ':' or '|' or '<' or 'extends', capitalised identifiers.
    const used = new Set();
    for (const m of src.matchAll(/(?::|\||<|extends|=)\s*(?:readonly\s+)?([A-Z]\w*)/g)) used.add(m[1]);
    const missing = [...used].filter((n) => !declared.has(n) && !builtins.has(n));
    assert.deepEqual(missing, [], file + ' uses undeclared types');
  });
}
