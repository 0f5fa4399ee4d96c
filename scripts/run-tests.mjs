#!/usr/bin/env node
/* global process, URL */
// `npm test`: the unit and integration suites two files at a time, then the timed suites one at a time with the
// machine to themselves (jest.config.js says which and why). Arguments go to both runs (`npm test -- test/api/fuzz`);
// a run that a path leaves without a file is not a failure. TEST_WORKERS sets the first run's workers (2 by default).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const jest = fileURLToPath(new URL('../node_modules/jest/bin/jest.js', import.meta.url));
const args = process.argv.slice(2);
const workers = process.env.TEST_WORKERS ?? '2';

function run(projects, maxWorkers) {
  const argv = ['--experimental-vm-modules', jest, '--selectProjects', ...projects, `--maxWorkers=${maxWorkers}`];
  if (args.length > 0) argv.push('--passWithNoTests');
  const { status, signal } = spawnSync(process.execPath, [...argv, ...args], { stdio: 'inherit' });
  return signal ? 1 : (status ?? 1);
}

const started = Date.now();
const first = run(['unit', 'integration'], workers);
const second = run(['timed'], 1);
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const verdict = (status) => (status === 0 ? 'passed' : 'FAILED');
process.stdout.write(`\nnpm test: unit and integration ${verdict(first)}, timed ${verdict(second)} (${minutes} min)\n`);
process.exit(first !== 0 ? first : second);
