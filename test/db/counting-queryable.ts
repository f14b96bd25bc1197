/** A real connection that records the SQL sent through it, so a test can assert "one query per round". */
import type { Queryable } from '../../src/db/types.js';

export interface CountingQueryable extends Queryable {
  readonly sent: string[];
}

export function counting(db: Queryable): CountingQueryable {
  const sent: string[] = [];
  return {
    sent,
    query(text, params) {
      sent.push(text);
      return db.query(text, params);
    },
  };
}
