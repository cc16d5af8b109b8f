#!/usr/bin/env node
'use strict';
// The CLI of a built checkout or package: the esbuild bundle's launcher when present (it runs
// dist/server.js through the V8 code cache), else the tsc output.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const launcher = join(__dirname, '..', 'dist', 'cli.js');
require(existsSync(launcher) ? launcher : join(__dirname, '..', 'out', 'server', 'src', 'main.js'));
