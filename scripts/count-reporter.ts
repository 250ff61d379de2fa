// A node:test reporter that only counts leaf tests and appends the totals to the file
// named by CELLFLEET_COUNT_FILE, so scripts/test.ts can print one closing line for all runs.
import { appendFileSync } from 'node:fs';

type TestEvent = {
  type: string;
  data: { details?: { type?: string }; skip?: unknown; todo?: unknown; name?: string; file?: string };
};

export default async function* countReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const counts = { passed: 0, failed: 0, skipped: 0, failedNames: [] as string[] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.data.skip !== undefined || event.data.todo !== undefined) counts.skipped++;
    else if (event.type === 'test:pass') counts.passed++;
    else {
      counts.failed++;
      counts.failedNames.push(`${event.data.file ?? ''} › ${event.data.name ?? ''}`);
    }
  }
  const file = process.env['CELLFLEET_COUNT_FILE'];
  if (file) appendFileSync(file, `${JSON.stringify(counts)}\n`);
  yield '';
}
