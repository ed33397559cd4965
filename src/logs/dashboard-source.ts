/**
 * The log store as the dashboards' logs widget reads it: a time window, label matchers on the indexed labels
 * (service, node_id, region, level, component), optional full-text words, newest first, bounded.
 */
import type { LogLine } from '../contract/dashboards.ts';
import { InvalidInputError } from '../errors.ts';
import { LOG_LEVELS, type LogLevel } from '../model/log-levels.ts';
import type { LogQueryService } from './query-service.ts';
import type { TenantScope } from '../model/tenant-scope.ts';
import { LOG_LABELS, type LogLabelName } from './record.ts';

/** One logs-widget query: window in Unix ms, exact label matches, words (all required), at most `limit` lines. */
export interface WidgetLogQuery {
  readonly startMs: number;
  readonly endMs: number;
  readonly search?: string;
  readonly match: Readonly<Record<string, string>>;
  readonly limit: number;
  /** Only lines of this tenant scope's nodes or regions (default every line). */
  readonly scope?: TenantScope;
}

function isLabel(name: string): name is LogLabelName {
  return (LOG_LABELS as readonly string[]).includes(name);
}

function isLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** Reads widget log lines from the log query service. */
export class DashboardLogSource {
  constructor(private readonly queries: Pick<LogQueryService, 'search'>) {}

  /**
   * Lines of the window matching every label and word, newest first.
   * @throws InvalidInputError for a matcher on a label logs do not have, or a level that does not exist (the
   *   widget shows it as its error).
   */
  async search(q: WidgetLogQuery): Promise<LogLine[]> {
    const labels: Partial<Record<Exclude<LogLabelName, 'level'>, string>> = {};
    let levels: LogLevel[] | undefined;
    for (const [name, value] of Object.entries(q.match)) {
      if (!isLabel(name))
        throw new InvalidInputError(
          `logs have no label "${name.slice(0, 64)}"; they have ${LOG_LABELS.join(', ')}`,
        );
      if (name === 'level') {
        if (!isLevel(value))
          throw new InvalidInputError(
            `unknown log level "${value.slice(0, 64)}"; levels are ${LOG_LEVELS.join(', ')}`,
          );
        levels = [value];
      } else labels[name] = value;
    }
    const words = q.search === undefined ? [] : q.search.split(/\s+/).filter((w) => w !== '');
    const res = await this.queries.search({
      startUs: q.startMs * 1000,
      endUs: q.endMs * 1000,
      limit: q.limit,
      words,
      labels,
      ...(levels === undefined ? {} : { levels }),
      ...(q.scope === undefined ? {} : { scope: q.scope }),
    });
    return res.entries.map((e) => ({
      timeMs: Math.floor(e.timeUs / 1000),
      level: e.level,
      message: e.body,
      labels: {
        service: e.service,
        node_id: e.nodeId,
        region: e.region,
        component: e.component,
        ...(e.traceId === '' ? {} : { trace_id: e.traceId }),
      },
    }));
  }
}
