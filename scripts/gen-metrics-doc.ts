import { writeFileSync } from 'node:fs';
import { renderMetricsDoc } from '../src/catalog/docs.ts';

writeFileSync('docs/metrics.md', renderMetricsDoc());
console.log('wrote docs/metrics.md');
