#!/usr/bin/env node
'use strict';
// The CLI of a built checkout or package: the esbuild bundle when present (what the .vsix
// ships), else the tsc output.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const bundled = join(__dirname, '..', 'dist', 'server.js');
require(existsSync(bundled) ? bundled : join(__dirname, '..', 'out', 'server', 'src', 'main.js'));
