// The CellStore contract on SQLite: a fresh in-memory database per case.
import { openSqliteCellStore } from './sqlite-store.ts';
import { cellStoreContract } from './store.contract.ts';

cellStoreContract('SQLite', () => openSqliteCellStore(':memory:'));
