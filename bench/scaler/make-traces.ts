/*
 * Writes the shipped traces (bench/scaler/traces/*.csv) from their seeded shapes: the same files
 * every time. Run: npx tsx bench/scaler/make-traces.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatTrace, generateTrace, SHIPPED_SHAPES } from './trace';

const dir = path.join(__dirname, 'traces');
fs.mkdirSync(dir, { recursive: true });
for (const [name, shape] of Object.entries(SHIPPED_SHAPES)) {
  const file = path.join(dir, `${name}.csv`);
  const demand = generateTrace(shape);
  fs.writeFileSync(file, formatTrace(demand));
  console.log(`wrote ${path.relative(process.cwd(), file)} (${demand.length} minutes, peak ${Math.max(...demand)} tokens/min)`);
}
