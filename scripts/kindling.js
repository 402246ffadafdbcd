#!/usr/bin/env node
// The `kindling` command (package bin): see `kindling --help`.
'use strict';
const { main } = require('../dist/jobs/cli.js');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exitCode = 1;
  },
);
