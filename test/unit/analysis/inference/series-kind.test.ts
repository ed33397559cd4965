import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileRules,
  familyOf,
  inferSeries,
  ratioRole,
  usedShare,
} from '../../../../src/analysis/inference/series-kind.ts';

const none = compileRules([]);
const kindOf = (
  name: string,
  type?: Parameters<typeof inferSeries>[1],
  labels: Record<string, string> = {},
) => {
  const r = inferSeries(name, type, labels, none);
  return r === null ? null : `${r.kind}/${r.transform}`;
};

describe('inferring the kind of a series outside the catalog', () => {
  it('analyses counters as rates: _seconds_total as a busy share, _bytes_total as bandwidth, errors as error rate', () => {
    assert.equal(kindOf('node_cpu_seconds_total', 'counter', { cpu: '0', mode: 'user' }), 'utilization/rate');
    assert.equal(kindOf('process_cpu_seconds_total', 'counter'), 'utilization/rate');
    assert.equal(kindOf('node_network_receive_bytes_total', 'counter'), 'bandwidth/rate');
    assert.equal(kindOf('node_network_receive_errs_total', 'counter'), 'error_rate/rate');
    assert.equal(kindOf('http_request_errors_total', 'counter'), 'error_rate/rate');
    assert.equal(kindOf('node_network_receive_drop_total', 'counter'), 'error_rate/rate');
    assert.equal(kindOf('http_requests_total', 'counter'), 'generic/rate');
    assert.equal(kindOf('myapp_jobs_total'), 'generic/rate', 'untyped _total is a counter');
  });

  it('leaves out the idle CPU mode (the complement of the busy modes)', () => {
    assert.equal(kindOf('node_cpu_seconds_total', 'counter', { cpu: '0', mode: 'idle' }), null);
    assert.equal(kindOf('node_cpu_seconds_total', 'counter', { cpu: '0', mode: 'nice' }), 'utilization/rate');
  });

  it('analyses gauges by their unit suffix', () => {
    assert.equal(kindOf('myapp_uplink_bytes_per_second', 'gauge'), 'bandwidth/value');
    assert.equal(kindOf('myapp_cache_hit_ratio', 'gauge'), 'utilization/value');
    assert.equal(kindOf('myapp_disk_used_percent', 'gauge'), 'utilization/value');
    assert.equal(kindOf('myapp_queue_wait_seconds', 'gauge'), 'latency/value');
    assert.equal(kindOf('node_memory_MemFree_bytes', 'gauge'), 'generic/value');
    assert.equal(kindOf('node_load1', 'gauge'), 'generic/value');
  });

  it('never analyses timestamps, info series, created series, buckets, the synthetic scrape series or exporter self-instrumentation', () => {
    for (const n of [
      'node_boot_time_seconds',
      'process_start_time_seconds',
      'node_time_seconds',
      'myapp_last_success_timestamp_seconds',
      'node_uname_info',
      'http_requests_created',
      'scrape_series_added',
      'node_scrape_collector_duration_seconds',
    ])
      assert.equal(kindOf(n, 'gauge'), null, n);
    assert.equal(kindOf('promhttp_metric_handler_errors_total', 'counter'), null);
    assert.equal(kindOf('http_request_duration_seconds_bucket', 'histogram', { le: '0.1' }), null);
  });

  it('keeps Go runtime internals and clock discipline generic whatever their suffix', () => {
    assert.equal(kindOf('go_memstats_alloc_bytes_total', 'counter'), 'generic/rate');
    assert.equal(kindOf('go_gc_duration_seconds', 'summary', { quantile: '0.5' }), 'generic/value');
    assert.equal(kindOf('node_timex_offset_seconds', 'gauge'), 'generic/value');
    assert.equal(kindOf('node_timex_frequency_adjustment_ratio', 'gauge'), 'generic/value');
    assert.equal(kindOf('node_time_zone_offset_seconds', 'gauge'), 'generic/value');
    assert.equal(
      kindOf('process_cpu_seconds_total', 'counter'),
      'utilization/rate',
      'a process CPU time is analysed',
    );
  });

  it('analyses histograms and summaries as the mean per interval, quantiles as gauges', () => {
    assert.equal(kindOf('http_request_duration_seconds_sum', 'histogram'), 'latency/mean');
    assert.equal(kindOf('http_request_duration_seconds_count', 'histogram'), 'latency/mean');
    assert.equal(kindOf('rpc_payload_bytes_sum', 'summary'), 'generic/mean');
    assert.equal(kindOf('rpc_duration_seconds', 'summary', { quantile: '0.5' }), 'latency/value');
    assert.equal(kindOf('rpc_payload_bytes', 'summary', { quantile: '0.5' }), 'generic/value');
    assert.deepEqual(familyOf('rpc_duration_seconds_sum', 'summary'), {
      family: 'rpc_duration_seconds',
      part: 'sum',
    });
    assert.deepEqual(familyOf('myapp_items_count', 'gauge'), { family: 'myapp_items_count', part: 'value' });
  });

  it('lets operator rules set a kind or ignore a series, first match first, with label conditions', () => {
    const rules = compileRules([
      { match: 'node_network_.*', labels: { device: 'lo' }, kind: 'ignore' },
      { match: 'myapp_queue_depth', kind: 'utilization' },
      { match: 'node_.*_bytes_total', kind: 'generic' },
    ]);
    assert.equal(inferSeries('node_network_receive_bytes_total', 'counter', { device: 'lo' }, rules), null);
    assert.equal(
      inferSeries('node_network_receive_bytes_total', 'counter', { device: 'eth0' }, rules)?.kind,
      'generic',
    );
    assert.equal(inferSeries('myapp_queue_depth', 'gauge', {}, rules)?.kind, 'utilization');
    assert.match(inferSeries('myapp_queue_depth', 'gauge', {}, rules)!.reason, /detection\.series\[1\]/);
    // The name pattern is anchored: a prefix does not match.
    assert.equal(inferSeries('myapp_queue_depth_max', 'gauge', {}, rules)?.kind, 'generic');
  });

  it('refuses a bad pattern or kind, naming the rule', () => {
    assert.throws(() => compileRules([{ match: '(', kind: 'latency' }]), /detection\.series\[0\]\.match/);
    assert.throws(() => compileRules([{ match: 'x', kind: 'speed' as 'latency' }]), /unknown kind speed/);
  });

  it('pairs memory and filesystem gauges into used shares', () => {
    assert.equal(ratioRole('node_memory_MemAvailable_bytes')?.role, 'numerator');
    assert.equal(ratioRole('node_filesystem_size_bytes')?.ratio.name, 'node_filesystem_used_ratio');
    assert.equal(ratioRole('node_memory_MemFree_bytes'), undefined);
    assert.equal(usedShare(25, 100), 0.75);
    assert.equal(usedShare(1, 0), undefined);
    assert.equal(usedShare(Number.NaN, 10), undefined);
  });
});

describe('the bad direction of a series outside the catalog', () => {
  const dirOf = (name: string, type?: Parameters<typeof inferSeries>[1], rules = none) =>
    inferSeries(name, type, {}, rules)?.direction;

  it('errors, failures and latency up; throughput, hits and successes down; utilisation up; traffic both', () => {
    assert.equal(dirOf('node_network_receive_errs_total', 'counter'), 'up');
    assert.equal(dirOf('myapp_job_failures_total', 'counter'), 'up');
    assert.equal(dirOf('myapp_queue_wait_seconds', 'gauge'), 'up');
    assert.equal(dirOf('http_request_duration_seconds_sum', 'histogram'), 'up');
    assert.equal(dirOf('myapp_uplink_bytes_per_second', 'gauge'), 'down');
    assert.equal(dirOf('myapp_throughput_bytes', 'gauge'), 'down');
    assert.equal(dirOf('myapp_cache_hit_ratio', 'gauge'), 'down');
    assert.equal(dirOf('myapp_request_success_ratio', 'gauge'), 'down');
    assert.equal(dirOf('myapp_disk_used_percent', 'gauge'), 'up');
    assert.equal(dirOf('node_cpu_seconds_total', 'counter'), 'up');
    assert.equal(dirOf('node_network_receive_bytes_total', 'counter'), 'both');
    assert.equal(dirOf('node_load1', 'gauge'), 'both');
    // Error-like wins over more-is-better: a rate of failed requests per second.
    assert.equal(dirOf('myapp_failed_requests_per_second', 'gauge'), 'up');
  });

  it("a rule sets the direction, or gives its kind's", () => {
    const rules = compileRules([
      { match: 'myapp_queue_depth', kind: 'utilization', direction: 'both' },
      { match: 'myapp_free_slots', kind: 'utilization', direction: 'down' },
      { match: 'myapp_errors_seen', kind: 'health' },
    ]);
    assert.equal(dirOf('myapp_queue_depth', 'gauge', rules), 'both');
    assert.equal(dirOf('myapp_free_slots', 'gauge', rules), 'down');
    assert.equal(
      dirOf('myapp_errors_seen', 'gauge', rules),
      'down',
      "the rule's kind (health), not the name",
    );
    assert.throws(
      () => compileRules([{ match: 'x', kind: 'latency', direction: 'sideways' as 'up' }]),
      /detection\.series\[0\]: unknown direction sideways/,
    );
  });
});
