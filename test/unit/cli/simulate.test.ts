import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { parseSimulateFlags, simulateCommand } from '../../../src/cli/commands/simulate.ts';
import { parseMonitorConfig } from '../../../src/config.ts';
import { InvalidInputError } from '../../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-simcli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const defaults = {
  nodes: '6',
  regions: 'us-east,eu-west,ap-south',
  portBase: '9100',
  seed: '1',
  rolloutPercent: '25',
  daySeconds: '86400',
  tick: '1s',
  otlpProtocol: 'http/protobuf',
  traceSampleRatio: '1',
  traceSampler: 'parentbased_traceidratio',
};

/** Runs the command with captured output; restores process.exitCode. */
async function runCli(args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  let out = '';
  let err = '';
  const before = process.exitCode;
  await simulateCommand({ out: (t) => (out += t), err: (t) => (err += t) }).parseAsync(args, {
    from: 'user',
  });
  const exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode);
  process.exitCode = before;
  return { out, err, exitCode };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('parseSimulateFlags', () => {
  it('parses the documented flags', () => {
    const s = parseSimulateFlags({
      ...defaults,
      duration: '1m30s',
      scenario: 'x.yaml',
      labelsOut: 'l.jsonl',
    });
    assert.equal(s.nodes, 6);
    assert.deepEqual(s.regions, ['us-east', 'eu-west', 'ap-south']);
    assert.equal(s.portBase, 9100);
    assert.equal(s.durationMs, 90_000);
    assert.equal(s.tickMs, 1000);
    assert.equal(s.rolloutPercent, 25);
    assert.equal(parseSimulateFlags(defaults).durationMs, undefined);
    assert.equal(
      parseSimulateFlags(defaults).otlpEndpoint,
      undefined,
      'no tracing unless an endpoint is given',
    );
    const traced = parseSimulateFlags({
      ...defaults,
      otlpEndpoint: 'http://127.0.0.1:9090/v1/traces',
      otlpProtocol: 'http/json',
      traceSampleRatio: '0.25',
      traceSampler: 'traceidratio',
    });
    assert.equal(traced.otlpEndpoint, 'http://127.0.0.1:9090/v1/traces');
    assert.equal(traced.otlpProtocol, 'http/json');
    assert.equal(traced.traceSampleRatio, 0.25);
    assert.equal(traced.traceSampler, 'traceidratio');
  });
  it('rejects bad values naming the flag', () => {
    const cases: [Partial<typeof defaults> & { duration?: string; otlpEndpoint?: string }, RegExp][] = [
      [{ nodes: 'six' }, /--nodes must be an integer/],
      [{ nodes: '0' }, /--nodes must be an integer 1-200, got '0'/],
      [{ regions: ' , ' }, /--regions/],
      [{ portBase: '70000' }, /--port-base/],
      [{ rolloutPercent: '150' }, /--rollout-percent/],
      [{ rolloutPercent: 'abc' }, /--rollout-percent/],
      [{ duration: 'forever' }, /invalid duration/],
      [{ duration: '25d' }, /--duration must be between 0 and 2147483647 ms/], // a setTimeout delay
      [{ daySeconds: '0' }, /--day-seconds/],
      [{ seed: '-1' }, /--seed/],
      [{ otlpEndpoint: 'ftp://x/v1/traces' }, /--otlp-endpoint must be an http\(s\) URL/],
      [{ otlpProtocol: 'grpc' }, /--otlp-protocol must be one of http\/protobuf, http\/json/],
      [{ traceSampleRatio: '2' }, /--trace-sample-ratio/],
      [{ traceSampler: 'sometimes' }, /--trace-sampler must be one of always_on, always_off, traceidratio/],
    ];
    for (const [flags, re] of cases)
      assert.throws(
        () => parseSimulateFlags({ ...defaults, ...flags }),
        (e: unknown) => e instanceof InvalidInputError && re.test(e.message),
        re.source,
      );
  });
});

describe('simulate --help', () => {
  it("names the monitor's own default port for --otlp-endpoint and how to send its ingest token", () => {
    const help = simulateCommand().helpInformation().replace(/\s+/g, ' ');
    const port = parseMonitorConfig({}).listen.port;
    assert.ok(help.includes(`the monitor: http://127.0.0.1:${port}/v1/traces`), help);
    assert.ok(help.includes('OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>'), help);
  });
});

describe('simulate command', () => {
  it('prints node URLs, runs for --duration and shuts down cleanly', async () => {
    const labels = join(dir, 'labels.jsonl');
    const scenario = join(dir, 's.yaml');
    writeFileSync(scenario, 'faults:\n  - { kind: memory_leak, node: node-1, start: 0s, duration: 1s }\n');
    const r = await runCli([
      '--nodes',
      '2',
      '--port-base',
      '0',
      '--duration',
      '300ms',
      '--tick',
      '100ms',
      '--scenario',
      scenario,
      '--labels-out',
      labels,
    ]);
    assert.equal(r.exitCode, undefined, r.err);
    assert.match(r.out, /^node-1\tus-east\tdatacenter\thttp:\/\/127\.0\.0\.1:\d+\/metrics$/m);
    assert.match(r.out, /^node-2\teu-west\tinternet\thttp:\/\/127\.0\.0\.1:\d+\/metrics$/m);
    assert.match(r.out, /scenario: 1 fault\(s\), labels -> /);
    assert.match(r.out, /stopped \(duration\)/);
  });
  it('bad flags: error on stderr and exit code 2', async () => {
    const r = await runCli(['--nodes', 'x']);
    assert.equal(r.exitCode, 2);
    assert.match(r.err, /^error: --nodes must be an integer/);
  });
  it('bad scenario: error names the field, exit code 2', async () => {
    const scenario = join(dir, 'bad.yaml');
    writeFileSync(scenario, 'faults:\n  - { kind: meteor, node: node-1, start: 1s, duration: 1s }\n');
    const r = await runCli(['--nodes', '2', '--port-base', '0', '--scenario', scenario]);
    assert.equal(r.exitCode, 2);
    assert.match(r.err, /faults\[0\]\.kind: unknown fault kind "meteor"/);
  });
});
