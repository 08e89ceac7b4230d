/**
 * The `execArgv` option for a worker thread with a file entry: `undefined` — the worker inherits
 * the process's options as they are (loaders, `--conditions`, `--import`, inspector and V8 flags
 * such as `--expose-gc`, which Node refuses when they are passed explicitly) — unless the process
 * was started with `--input-type` (`node --input-type=module -e …`), which a worker with a file
 * entry refuses to start with: then the process's options without it. Pass it as
 * `new Worker(url, { execArgv: workerExecArgv() })`.
 */
export function workerExecArgv(): string[] | undefined {
  const execArgv = process.execArgv;
  if (!execArgv.some((arg) => arg === '--input-type' || arg.startsWith('--input-type='))) return undefined;
  const argv: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (arg === '--input-type') i++;
    else if (!arg.startsWith('--input-type=')) argv.push(arg);
  }
  return argv;
}
