/**
 * The Node options for a worker thread with a file entry: the process's own `execArgv` (loaders,
 * `--conditions`, inspector flags, …) minus `--input-type`, which a program started with
 * `node --input-type=module -e …` passes on and which a worker with a file entry refuses to start
 * with. Pass it as `new Worker(url, { execArgv: workerExecArgv() })`.
 */
export function workerExecArgv(): string[] {
  const argv: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const arg = process.execArgv[i]!;
    if (arg === '--input-type') i++;
    else if (!arg.startsWith('--input-type=')) argv.push(arg);
  }
  return argv;
}
