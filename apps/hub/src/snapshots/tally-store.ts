// The sister tally in the hub's database (issue 16 §6), one implementation for SQLite and
// PostgreSQL: per group and endpoint, the member cells (with the hash counted), each key's base
// value and deviant count, a row per cell that holds something else, and how many cells hold each
// deviating value (so a value overtaking the base is found without reading every row). core's tally.ts decides
// what a change does; this file reads the rows it needs and writes what it decided. Callers hold
// the group's lock (lockGroup) inside a transaction, so replicas take turns on one group.
import {
  chooseBase,
  type KeyTally,
  leaveCell,
  mayRebase,
  rebaseRows,
  type SnapshotEntries,
  stepCell,
  type Tally,
  type TallyValue,
  tallyValue,
} from '@cellfleet/core';
import { marks, type Sql, type SqlValue } from '../db/sql.ts';
import { batches } from './bodies.ts';

export interface TallyGroup {
  readonly group: string;
  readonly endpoint: string;
}

interface KeyRow {
  entry_key: string;
  base: string | null;
  deviants: number;
}

interface CellRow {
  entry_key: string;
  cell: string;
  value: string | null;
}

/** Many rows in few statements: `cols` per row, rows in batches that stay under parameter limits. */
async function insertMany(sql: Sql, head: string, tail: string, rows: readonly SqlValue[][]): Promise<void> {
  const width = rows[0]?.length ?? 0;
  for (const some of batches(rows, Math.max(1, Math.floor(2000 / Math.max(1, width))))) {
    const values = some.map(() => `(${marks(width)})`).join(', ');
    await sql.run(`${head} VALUES ${values} ${tail}`, some.flat());
  }
}

/** The values table's text for a tally value: '' is "lacks the key" (canonical JSON is never ''). */
const valueText = (v: TallyValue): string => v ?? '';

/** Holders added (+1) and removed (-1) per key and value, summed before they are written. */
class ValueCounts {
  readonly byKey = new Map<string, Map<string, number>>();
  add(key: string, v: TallyValue, n: number): void {
    const m = this.byKey.get(key) ?? new Map<string, number>();
    this.byKey.set(key, m);
    m.set(valueText(v), (m.get(valueText(v)) ?? 0) + n);
  }
}

export type SqlTally = ReturnType<typeof createSqlTally>;

export function createSqlTally(sql: Sql) {
  const where = 'grp = ? AND endpoint = ?';
  const at = (g: TallyGroup): SqlValue[] => [g.group, g.endpoint];

  const memberCount = async (g: TallyGroup) =>
    Number(
      (await sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM snapshot_tally_members WHERE ${where}`, at(g)))
        ?.n ?? 0,
    );

  async function keyStates(g: TallyGroup, keys: readonly string[]): Promise<Map<string, KeyTally>> {
    const out = new Map<string, KeyTally>();
    for (const some of batches(keys)) {
      const rows = await sql.all<KeyRow>(
        `SELECT entry_key, base, deviants FROM snapshot_tally_keys WHERE ${where} AND entry_key IN (${marks(some.length)})`,
        [...at(g), ...some],
      );
      for (const r of rows) out.set(r.entry_key, { base: r.base, deviants: Number(r.deviants) });
    }
    return out;
  }

  async function cellRows(g: TallyGroup, cell: string): Promise<Map<string, TallyValue>> {
    const rows = await sql.all<CellRow>(
      `SELECT entry_key, cell, value FROM snapshot_tally_cells WHERE ${where} AND cell = ?`,
      [...at(g), cell],
    );
    return new Map(rows.map((r) => [r.entry_key, r.value]));
  }

  async function writeKeys(g: TallyGroup, keys: ReadonlyMap<string, KeyTally | undefined>): Promise<void> {
    const gone = [...keys].filter(([, k]) => k === undefined).map(([key]) => key);
    const kept = [...keys].flatMap(([key, k]) => (k ? [[g.group, g.endpoint, key, k.base, k.deviants]] : []));
    for (const some of batches(gone))
      await sql.run(
        `DELETE FROM snapshot_tally_keys WHERE ${where} AND entry_key IN (${marks(some.length)})`,
        [...at(g), ...some],
      );
    await insertMany(
      sql,
      'INSERT INTO snapshot_tally_keys (grp, endpoint, entry_key, base, deviants)',
      'ON CONFLICT (grp, endpoint, entry_key) DO UPDATE SET base = excluded.base, deviants = excluded.deviants',
      kept,
    );
  }

  async function writeRows(g: TallyGroup, cell: string, rows: ReadonlyMap<string, TallyValue | undefined>) {
    const gone = [...rows].filter(([, v]) => v === undefined).map(([key]) => key);
    const set = [...rows].flatMap(([key, v]) =>
      v === undefined ? [] : [[g.group, g.endpoint, key, cell, v]],
    );
    for (const some of batches(gone))
      await sql.run(
        `DELETE FROM snapshot_tally_cells WHERE ${where} AND cell = ? AND entry_key IN (${marks(some.length)})`,
        [...at(g), cell, ...some],
      );
    await insertMany(
      sql,
      'INSERT INTO snapshot_tally_cells (grp, endpoint, entry_key, cell, value)',
      'ON CONFLICT (grp, endpoint, entry_key, cell) DO UPDATE SET value = excluded.value',
      set,
    );
  }

  async function writeValues(g: TallyGroup, counts: ValueCounts): Promise<void> {
    const rows = [...counts.byKey].flatMap(([key, m]) =>
      [...m].filter(([, n]) => n !== 0).map(([v, n]) => [g.group, g.endpoint, key, v, n]),
    );
    await insertMany(
      sql,
      'INSERT INTO snapshot_tally_values (grp, endpoint, entry_key, value, holders)',
      'ON CONFLICT (grp, endpoint, entry_key, value) DO UPDATE SET holders = snapshot_tally_values.holders + excluded.holders',
      rows,
    );
    for (const some of batches([...counts.byKey.keys()]))
      await sql.run(
        `DELETE FROM snapshot_tally_values WHERE ${where} AND entry_key IN (${marks(some.length)}) AND holders <= 0`,
        [...at(g), ...some],
      );
  }

  /** Of `keys`, those where some deviating value is held by more cells than the base. */
  async function overtaken(
    g: TallyGroup,
    keys: ReadonlyMap<string, KeyTally>,
    members: number,
  ): Promise<string[]> {
    const out: string[] = [];
    for (const some of batches([...keys.keys()])) {
      const rows = await sql.all<{ entry_key: string; most: number }>(
        `SELECT entry_key, MAX(holders) AS most FROM snapshot_tally_values
           WHERE ${where} AND entry_key IN (${marks(some.length)}) GROUP BY entry_key`,
        [...at(g), ...some],
      );
      for (const r of rows)
        if (Number(r.most) > members - keys.get(r.entry_key)!.deviants) out.push(r.entry_key);
    }
    return out;
  }

  /** Keys whose base may have lost the plurality: counted against the most held value instead. */
  async function rebase(g: TallyGroup, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const members = await memberNames(g);
    const states = await keyStates(g, keys);
    const shaky = new Map([...states].filter(([, k]) => mayRebase(k, members.length)));
    for (const key of await overtaken(g, shaky, members.length)) {
      const k = shaky.get(key)!;
      const rows = await sql.all<CellRow>(
        `SELECT entry_key, cell, value FROM snapshot_tally_cells WHERE ${where} AND entry_key = ?`,
        [...at(g), key],
      );
      const held = new Map(rows.map((r) => [r.cell, r.value]));
      const next = chooseBase(k.base, members.length, held.values());
      if (next === k.base) continue;
      const moved = rebaseRows(members, k.base, held, next);
      for (const table of ['snapshot_tally_cells', 'snapshot_tally_values'])
        await sql.run(`DELETE FROM ${table} WHERE ${where} AND entry_key = ?`, [...at(g), key]);
      await insertMany(
        sql,
        'INSERT INTO snapshot_tally_cells (grp, endpoint, entry_key, cell, value)',
        '',
        [...moved].map(([cell, v]) => [g.group, g.endpoint, key, cell, v]),
      );
      const counts = new ValueCounts();
      for (const v of moved.values()) counts.add(key, v, 1);
      await writeValues(g, counts);
      const settled = next === null && moved.size === 0 ? undefined : { base: next, deviants: moved.size };
      await writeKeys(g, new Map([[key, settled]]));
    }
  }

  const memberNames = async (g: TallyGroup) =>
    (
      await sql.all<{ cell: string }>(
        `SELECT cell FROM snapshot_tally_members WHERE ${where} ORDER BY cell`,
        at(g),
      )
    ).map((r) => r.cell);

  /** Applies `next` values of some keys of one member; records `hash` as what it counts. */
  async function change(
    g: TallyGroup,
    update: { cell: string; hash: string; next: ReadonlyMap<string, TallyValue> },
    known?: ReadonlyMap<string, KeyTally>,
  ) {
    const { cell, next } = update;
    const members = await memberCount(g);
    const keys = [...next.keys()];
    const states = known ?? (await keyStates(g, keys));
    const mine = await cellRows(g, cell);
    const newKeys = new Map<string, KeyTally | undefined>();
    const newRows = new Map<string, TallyValue | undefined>();
    const counts = new ValueCounts();
    for (const key of keys) {
      const step = stepCell(states.get(key), mine.get(key), next.get(key)!, members);
      if (step.key !== states.get(key)) newKeys.set(key, step.key);
      if (step.row.kind === 'keep') continue;
      if (mine.has(key)) counts.add(key, mine.get(key)!, -1);
      if (step.row.kind === 'delete') newRows.set(key, undefined);
      else {
        newRows.set(key, step.row.value);
        counts.add(key, step.row.value, 1);
      }
    }
    await writeRows(g, cell, newRows);
    await writeValues(g, counts);
    await writeKeys(g, newKeys);
    await sql.run(`UPDATE snapshot_tally_members SET hash = ? WHERE ${where} AND cell = ?`, [
      update.hash,
      ...at(g),
      cell,
    ]);
    await rebase(
      g,
      [...newKeys].filter(([, k]) => k !== undefined && mayRebase(k, members)).map(([key]) => key),
    );
  }

  return {
    /** Holds the group's tally until the transaction ends (replicas take turns). */
    lockGroup: (g: TallyGroup) => sql.lock(`snapshot-tally:${JSON.stringify([g.group, g.endpoint])}`),
    /** The groups that count `cell`'s `endpoint`, with the hash each counts. */
    membership: (cell: string, endpoint: string) =>
      sql.all<{ grp: string; hash: string }>(
        'SELECT grp, hash FROM snapshot_tally_members WHERE cell = ? AND endpoint = ? ORDER BY grp',
        [cell, endpoint],
      ),
    async members(g: TallyGroup): Promise<Map<string, string>> {
      const rows = await sql.all<{ cell: string; hash: string }>(
        `SELECT cell, hash FROM snapshot_tally_members WHERE ${where}`,
        at(g),
      );
      return new Map(rows.map((r) => [r.cell, r.hash]));
    },
    change,
    /** A cell joins the group with the snapshot `hash` of `entries`. */
    async join(g: TallyGroup, cell: string, hash: string, entries: SnapshotEntries): Promise<void> {
      await sql.run('INSERT INTO snapshot_tally_members (grp, endpoint, cell, hash) VALUES (?, ?, ?, ?)', [
        ...at(g),
        cell,
        hash,
      ]);
      // Every key of the group (a key the cell lacks deviates too when others hold it) and the cell's own.
      const known = new Map(
        (
          await sql.all<KeyRow>(
            `SELECT entry_key, base, deviants FROM snapshot_tally_keys WHERE ${where}`,
            at(g),
          )
        ).map((r) => [r.entry_key, { base: r.base, deviants: Number(r.deviants) }]),
      );
      const next = new Map<string, TallyValue>();
      for (const key of known.keys()) next.set(key, null);
      for (const [key, v] of Object.entries(entries)) next.set(key, tallyValue(v));
      await change(g, { cell, hash, next }, known);
    },
    /** A cell leaves the group (moved, deleted, or about to be counted afresh). */
    async leave(g: TallyGroup, cell: string): Promise<void> {
      const mine = await cellRows(g, cell);
      const states = await keyStates(g, [...mine.keys()]);
      await sql.run(`DELETE FROM snapshot_tally_cells WHERE ${where} AND cell = ?`, [...at(g), cell]);
      await sql.run(`DELETE FROM snapshot_tally_members WHERE ${where} AND cell = ?`, [...at(g), cell]);
      const counts = new ValueCounts();
      for (const [key, v] of mine) counts.add(key, v, -1);
      await writeValues(g, counts);
      await writeKeys(g, new Map([...states].map(([key, k]) => [key, leaveCell(k, true)])));
      const members = await memberCount(g);
      if (members === 0) {
        for (const table of ['snapshot_tally_keys', 'snapshot_tally_values'])
          await sql.run(`DELETE FROM ${table} WHERE ${where}`, at(g));
        return;
      }
      // Keys this cell held the base of may have lost the plurality to a deviant value.
      const shaky = await sql.all<{ entry_key: string }>(
        `SELECT entry_key FROM snapshot_tally_keys WHERE ${where} AND deviants * 2 > ?`,
        [...at(g), members],
      );
      await rebase(
        g,
        shaky.map((r) => r.entry_key),
      );
    },
    /** Every key's base, and the deviant rows: what a comparison reads. */
    async read(g: TallyGroup): Promise<{ keys: KeyRow[]; rows: CellRow[] }> {
      const keys = await sql.all<KeyRow>(
        `SELECT entry_key, base, deviants FROM snapshot_tally_keys WHERE ${where}`,
        at(g),
      );
      const rows = await sql.all<CellRow>(
        `SELECT entry_key, cell, value FROM snapshot_tally_cells WHERE ${where}`,
        at(g),
      );
      return { keys, rows };
    },
    /** The whole tally of one group, in memory (verification), and rows whose count disagrees. */
    async load(g: TallyGroup): Promise<{ tally: Tally; miscounted: string[] }> {
      const { keys, rows } = await this.read(g);
      const tally: Tally = { members: await this.members(g), keys: new Map() };
      for (const k of keys) tally.keys.set(k.entry_key, { base: k.base, rows: new Map() });
      const miscounted = new Set<string>();
      for (const r of rows) {
        const k = tally.keys.get(r.entry_key);
        if (k) k.rows.set(r.cell, r.value);
        else miscounted.add(r.entry_key);
      }
      for (const k of keys)
        if (Number(k.deviants) !== tally.keys.get(k.entry_key)!.rows.size) miscounted.add(k.entry_key);
      const counted = new ValueCounts();
      for (const r of rows) counted.add(r.entry_key, r.value, 1);
      const values = await sql.all<{ entry_key: string; value: string; holders: number }>(
        `SELECT entry_key, value, holders FROM snapshot_tally_values WHERE ${where}`,
        at(g),
      );
      for (const v of values) counted.add(v.entry_key, v.value === '' ? null : v.value, -Number(v.holders));
      for (const [key, m] of counted.byKey) if ([...m.values()].some((n) => n !== 0)) miscounted.add(key);
      return { tally, miscounted: [...miscounted].sort() };
    },
    /** Replaces one group's tally with `t` (the repair command). */
    async replace(g: TallyGroup, t: Tally): Promise<void> {
      for (const table of [
        'snapshot_tally_cells',
        'snapshot_tally_values',
        'snapshot_tally_keys',
        'snapshot_tally_members',
      ])
        await sql.run(`DELETE FROM ${table} WHERE ${where}`, at(g));
      const counts = new ValueCounts();
      for (const [key, k] of t.keys) for (const v of k.rows.values()) counts.add(key, v, 1);
      await writeValues(g, counts);
      await insertMany(
        sql,
        'INSERT INTO snapshot_tally_members (grp, endpoint, cell, hash)',
        '',
        [...t.members].map(([cell, hash]) => [...at(g), cell, hash]),
      );
      await insertMany(
        sql,
        'INSERT INTO snapshot_tally_keys (grp, endpoint, entry_key, base, deviants)',
        '',
        [...t.keys].map(([key, k]) => [...at(g), key, k.base, k.rows.size]),
      );
      await insertMany(
        sql,
        'INSERT INTO snapshot_tally_cells (grp, endpoint, entry_key, cell, value)',
        '',
        [...t.keys].flatMap(([key, k]) => [...k.rows].map(([cell, v]) => [...at(g), key, cell, v])),
      );
    },
    /** Every group and endpoint that has a tally. */
    groups: () =>
      sql.all<{ grp: string; endpoint: string }>(
        'SELECT DISTINCT grp, endpoint FROM snapshot_tally_members ORDER BY grp, endpoint',
      ),
  };
}
