#!/usr/bin/env node
// Runs several small test files in ONE node process (test/run.mjs batches the quick ones): each
// file's top-level `t.test`s join tap's one root in file order. Loading tap costs about 0.22 s of
// CPU per process, more than most unit-test files take to run, and some 80 files are that small.
// run.mjs only batches files that keep to themselves at module level (no root hooks, no top-level
// await, no process-wide state), so a file behaves here as it does alone.
//
// The files come in SMOKE_FIX_TEST_BATCH_FILES (one per line), not as arguments: tap names the
// folders of `t.testdir` after the process's arguments, and ten paths make too long a name. The one
// argument is the batch's name, which keeps those folders apart between batches.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const files = (process.env.SMOKE_FIX_TEST_BATCH_FILES ?? '').split('\n').filter(Boolean);
for (const file of files) await import(pathToFileURL(resolve(file)).href);
