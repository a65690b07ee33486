// Re-renders <name>.md and <name>.svg (and the targets in the JSON) from a results JSON (after a change to the report or chart):
//   tsx src/render.ts results/full.json
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { writeOutputs, type RunData } from './output.js';

for (const file of process.argv.slice(2)) {
  const data = JSON.parse(readFileSync(file, 'utf8')) as RunData;
  writeOutputs(dirname(file), basename(file, '.json'), data);
  console.log(`rendered ${file.replace(/\.json$/, '.{md,svg}')}`);
}
