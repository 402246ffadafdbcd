#!/usr/bin/env node
// Writes dist/index.mjs: an ES module facade over the CommonJS build, so `import * as torch from
// 'kindling'` and named imports work with the same single instance of the addon.
'use strict';
const fs = require('fs');
const path = require('path');
const dist = path.resolve(__dirname, '..', 'dist');
const names = Object.keys(require(dist)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
const lines = [
  "import { createRequire } from 'module';",
  'const require = createRequire(import.meta.url);',
  "const torch = require('./index.js');",
  'export default torch;',
  // reserved words (var) are exported under their own name through a local alias
  ...names.map((n, i) => `const _${i} = torch.${n};\nexport { _${i} as ${n} };`),
  '',
];
fs.writeFileSync(path.join(dist, 'index.mjs'), lines.join('\n'));
fs.writeFileSync(path.join(dist, 'index.d.mts'), "export * from './index.js';\nimport * as torch from './index.js';\nexport default torch;\n");
