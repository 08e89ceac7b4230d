import { machineInfo, type MachineInfo } from '../harness/machine.js';
import type { ScenarioResult } from '../harness/runner.js';
import { describeRatio, formatRatio, formatValue } from './format.js';

function pad(s: string, width: number, right = false): string {
  return right ? s.padStart(width) : s.padEnd(width);
}

function targetStatus(met: boolean | null, quick: boolean, hasTarget: boolean): string {
  if (!hasTarget) return '';
  if (quick) return 'n/a (quick)';
  return met === true ? 'met' : 'MISSED';
}

/** One line of machine facts, so that numbers copied from a terminal say where they were measured. */
export function formatMachine(m: MachineInfo): string {
  return (
    `machine: ${m.cpuModel}, ${m.cores} cores (available parallelism ${m.availableParallelism}), ${m.totalMemoryGiB} GiB, ` +
    `${m.platform} ${m.arch}; Node.js ${m.node} (V8 ${m.v8})${m.commit !== null ? `; commit ${m.commit}` : ''}`
  );
}

/**
 * The plain-text table printed on stdout at the end of a run, after a line of machine facts
 * (`machine`: collected now unless given).
 */
export function formatTable(results: readonly ScenarioResult[], quick: boolean, machine: MachineInfo = machineInfo()): string {
  const out: string[] = [formatMachine(machine), ''];
  for (const r of results) {
    const params = Object.entries(r.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    out.push(`${r.name} — ${r.title} [${r.unit}, lower is better; median of ${r.reps} reps; ${params}]`);
    const idWidth = Math.max(
      22,
      ...r.contenders.map((c) => c.id.length + 2),
      ...r.comparisons.map((c) => c.tide.length + c.peer.length + 5),
    );
    out.push(`  ${pad('contender', idWidth)}${pad('median', 11, true)}${pad('min', 11, true)}${pad('max', 11, true)}${pad('IQR', 20, true)}  what`);
    for (const c of r.contenders) {
      const iqr = `${formatValue(c.stats.q1)}–${formatValue(c.stats.q3)}`;
      const what =
        c.label + (c.version !== undefined ? ` (${c.package}@${c.version})` : '') + (c.isolated ? ' [own process per rep]' : '');
      out.push(
        `  ${pad(c.id, idWidth)}${pad(formatValue(c.stats.median), 11, true)}${pad(formatValue(c.stats.min), 11, true)}` +
          `${pad(formatValue(c.stats.max), 11, true)}${pad(iqr, 20, true)}  ${what}`,
      );
      const extras = Object.entries(c.extra).map(([k, v]) => `${k} ${formatValue(v.stats.median)}`);
      if (extras.length > 0) out.push(`  ${pad('', idWidth)}  medians: ${extras.join(', ')}`);
    }
    if (r.comparisons.length > 0) {
      out.push(`  ${pad('tide ÷ peer', idWidth)}${pad('ratio', 11, true)}${pad('min–max', 22, true)}  ${pad('meaning', 22)}${pad('target', 30)}status`);
      for (const c of r.comparisons) {
        const range = `${formatRatio(c.stats.min)}–${formatRatio(c.stats.max)}`;
        out.push(
          `  ${pad(`${c.tide} ÷ ${c.peer}`, idWidth)}${pad(formatRatio(c.stats.median), 11, true)}${pad(range, 22, true)}  ` +
            `${pad(describeRatio(c.stats.median, r.ratioWords), 22)}${pad(c.target?.text ?? '—', 30)}${targetStatus(c.met, quick, c.target !== null)}`,
        );
      }
    }
    out.push('');
  }
  return out.map((line) => line.trimEnd()).join('\n');
}
