/** Statement sizes of the trace store: rows per multi-row insert and ids per `in (...)` read. */

/** Rows one multi-row insert writes at most. */
export const ROWS_PER_INSERT = 500;

/** Ids one `where … in (…)` read names at most. */
export const IDS_PER_READ = 500;
